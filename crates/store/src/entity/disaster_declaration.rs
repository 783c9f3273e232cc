use sea_orm::entity::prelude::*;

/// A disaster declaration (災害の宣言); open while `closed_at` is null. `area` is the JSON of
/// `tsunagi_domain::declaration::AffectedArea`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "disaster_declarations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub name: String,
    pub kind: String,
    pub stage: String,
    #[sea_orm(column_type = "Text")]
    pub area: String,
    pub started_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    pub declared_by: String,
    pub version: i32,
    pub updated_at: DateTimeUtc,
    /// The sweep also reaches every resident of the area aged at least this (not only the
    /// roster).
    pub residents_aged: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
