use sea_orm::entity::prelude::*;

/// A list handed out to a receiver (配布した名簿), and its recall.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "issued_lists")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    /// The receiver it went to.
    pub organisation_id: Uuid,
    pub issued_at: DateTimeUtc,
    pub issued_by: String,
    /// xlsx / csv / api
    pub format: String,
    /// JSON array of the person ids on it.
    #[sea_orm(column_type = "Text")]
    pub persons: String,
    pub recalled_on: Option<Date>,
    /// collected / destroyed (`RecallMethod`)
    pub recall_method: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub recall_note: Option<String>,
    pub recalled_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
