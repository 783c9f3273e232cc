use sea_orm::entity::prelude::*;

/// A departure from the roster; `entry` keeps the roster entry as it was (JSON). Never updated.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "roster_departures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub reason: String,
    pub left_on: Date,
    pub note: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub entry: String,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
