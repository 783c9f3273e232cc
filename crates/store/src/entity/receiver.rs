use sea_orm::entity::prelude::*;

/// A receiver definition (提供先): one per organisation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "receivers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: Uuid,
    pub municipality_id: Uuid,
    /// all / community / welfare (`DistrictField`)
    pub district_field: String,
    /// JSON array of district names.
    pub districts: String,
    pub includes_plan: bool,
    /// Designated for disasters only (災害時のみ).
    pub disaster_only: bool,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
