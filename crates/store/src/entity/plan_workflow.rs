use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_workflows")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: Uuid,
    pub approach: String,
    pub step: String,
    pub assignee_organisation_id: Option<Uuid>,
    pub assignee: Option<String>,
    pub due_date: Option<Date>,
    pub obstacle: Option<String>,
    pub version: i32,
    pub updated_at: DateTimeUtc,
    /// Next review (見直し) date, set when the plan is finished or reviewed.
    pub review_due: Option<Date>,
    /// What changed since the last review (address, condition, supporters).
    #[sea_orm(column_type = "Text", nullable)]
    pub review_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
