use sea_orm::{DbErr, RuntimeErr, SqlErr};
use tsunagi_domain::ValidationErrors;

/// Everything that can go wrong in storage, in terms the layers above can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist, or the actor may not see it (the two are never told apart).
    #[error("not found")]
    NotFound,
    /// The actor may see the record but not do this.
    #[error("forbidden")]
    Forbidden,
    /// An update was made on a stale copy.
    #[error("version conflict: the record is now at version {current}")]
    Conflict { current: i32 },
    /// A unique value is taken (login name, 宛名番号 …).
    #[error("duplicate {0}")]
    Duplicate(&'static str),
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    /// The database cannot be reached, or is locked for longer than we wait.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(DbErr),
    /// Stored data that the code cannot read (a corrupt row).
    #[error("corrupt data: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Maps a unique-constraint violation to [`StoreError::Duplicate`].
    pub(crate) fn duplicate_as(what: &'static str) -> impl Fn(DbErr) -> StoreError {
        move |e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Duplicate(what),
            _ => StoreError::from(e),
        }
    }
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        let text = e.to_string();
        let unavailable = matches!(
            &e,
            DbErr::ConnectionAcquire(_) | DbErr::Conn(RuntimeErr::SqlxError(_))
        ) || text.contains("database is locked")
            || text.contains("Connection refused")
            || text.contains("pool timed out");
        if unavailable {
            StoreError::Unavailable(text)
        } else {
            StoreError::Database(e)
        }
    }
}
