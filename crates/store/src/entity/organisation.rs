use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    /// 全国地方公共団体コード (six digits) of a municipality or prefecture.
    pub local_gov_code: Option<String>,
    /// The municipality this organisation works in (itself for a municipality).
    pub municipality_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    /// How often finished plans are reviewed (municipalities; default 12).
    pub review_interval_months: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
