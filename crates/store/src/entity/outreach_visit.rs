use sea_orm::entity::prelude::*;

/// An outreach visit to a household; `visit` is the JSON of
/// `tsunagi_domain::case_management::VisitInput`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outreach_visits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub declaration_id: Uuid,
    pub household_id: Uuid,
    pub visited_on: Date,
    pub outcome: String,
    #[sea_orm(column_type = "Text")]
    pub visit: String,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
