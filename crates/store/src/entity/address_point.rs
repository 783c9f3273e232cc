use sea_orm::entity::prelude::*;

/// A reference point of the MLIT 位置参照情報 (街区 or 町丁目 level).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "address_points")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub layer_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i32,
    /// block / town
    pub level: String,
    pub prefecture: String,
    pub city: String,
    pub town: String,
    /// 小字・通称名
    pub koaza: Option<String>,
    pub block: Option<String>,
    pub lon: f64,
    pub lat: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
