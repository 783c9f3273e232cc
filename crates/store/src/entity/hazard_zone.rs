use sea_orm::entity::prelude::*;

/// One zone of a hazard layer: what it means and its shape (GeoJSON geometry text).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "hazard_zones")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub layer_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i32,
    pub hazard_kind: String,
    /// JSON of `tsunagi_gis::Severity` in the store's own encoding (see `gis::codec`).
    pub severity: String,
    pub label: String,
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
    pub geometry: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
