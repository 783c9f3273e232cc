use sea_orm::entity::prelude::*;

/// Append-only: rows are inserted by `AuditedTx::commit` and never updated or deleted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub at: DateTimeUtc,
    pub user_id: Option<String>,
    pub user_login: String,
    pub organisation_id: Option<String>,
    pub role: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub subject_owner_id: Option<String>,
    pub access_basis: Option<String>,
    pub request_id: Option<String>,
    /// The id the client sent (`X-Request-Id`), kept beside the server's.
    pub client_request_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
