use sea_orm::entity::prelude::*;

/// Where a person's home is: geocoded, imported or pinned by hand.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "person_locations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: Uuid,
    pub lon: f64,
    pub lat: f64,
    /// block / town / manual / imported
    pub level: String,
    pub matched: Option<String>,
    pub located_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
