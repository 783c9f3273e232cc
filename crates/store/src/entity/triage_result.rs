use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "triage_results")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: Uuid,
    pub priority: String,
    pub approach: String,
    pub score: i32,
    /// JSON of `tsunagi_domain::triage::TriageResult` (reasons and path)
    #[sea_orm(column_type = "Text")]
    pub result: String,
    pub policy_version: i32,
    pub computed_at: DateTimeUtc,
    /// Set when staff changed the result; a re-run keeps it.
    pub override_reason: Option<String>,
    /// The questions left to confirm (要確認), as codes joined by `,`; `None`: none.
    pub to_confirm: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
