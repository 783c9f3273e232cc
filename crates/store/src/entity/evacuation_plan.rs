use sea_orm::entity::prelude::*;

/// One saved version of a person's plan; `content` is the JSON of
/// `tsunagi_domain::plan::EvacuationPlan`. Rows are never updated.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evacuation_plans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub person_id: Uuid,
    pub version: i32,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    pub author: String,
    pub author_organisation: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
