//! The use-case layer's one error type, in terms the entry points can render.

use tsunagi_domain::ValidationErrors;
use tsunagi_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Absent, or not visible to the actor (never told apart).
    #[error("not found")]
    NotFound,
    /// No user: a system identity or a request without login.
    #[error("not authenticated")]
    Unauthenticated,
    /// The actor may see the record but not do this.
    #[error("forbidden")]
    Forbidden,
    /// The record changed since the version the editor started from.
    #[error("version conflict (now {current})")]
    Conflict { current: i32 },
    /// A unique value is taken.
    #[error("duplicate {0}")]
    Duplicate(&'static str),
    #[error("invalid input")]
    Invalid(ValidationErrors),
    /// The database cannot be reached or is busy.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Anything else: logged, never shown.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Error::NotFound,
            StoreError::Forbidden => Error::Forbidden,
            StoreError::Conflict { current } => Error::Conflict { current },
            StoreError::Duplicate(what) => Error::Duplicate(what),
            StoreError::Invalid(v) => Error::Invalid(v),
            StoreError::Unavailable(m) => Error::Unavailable(m),
            e @ (StoreError::Database(_) | StoreError::Corrupt(_)) => {
                Error::Internal(e.to_string())
            }
        }
    }
}

impl Error {
    /// One invalid field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Error::Invalid(ValidationErrors::single(field, message))
    }
}
