use sea_orm::entity::prelude::*;

/// A municipality's evacuation-timing settings (JSON of `domain::reach::TimingSettings`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gis_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub municipality_id: Uuid,
    pub settings: String,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
