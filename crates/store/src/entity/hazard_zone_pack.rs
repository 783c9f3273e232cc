use sea_orm::entity::prelude::*;

/// Zones of a hazard layer, many per row, packed (`tsunagi_gis::pack`), in order by `seq`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hazard_zone_packs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub layer_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i32,
    /// How many zones the pack holds.
    pub zones: i32,
    #[sea_orm(column_type = "Blob")]
    pub data: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
