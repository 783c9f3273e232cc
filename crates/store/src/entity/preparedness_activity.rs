use sea_orm::entity::prelude::*;

/// A training, briefing or drill; `body` is the JSON of
/// `tsunagi_domain::preparedness::ActivityInput`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "preparedness_activities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub kind: String,
    pub held_on: Date,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
