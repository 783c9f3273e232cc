//! Server-side session rows for the web layer's session store, keyed by the SHA-256 of the
//! session id. A session holds who is logged in, not personal data: not audited.

use chrono::{DateTime, Utc};

use crate::{App, Error};

/// Inserts a new session; `false` if the key is taken (the caller draws another id).
pub async fn create(
    app: &App,
    key: &str,
    data: String,
    expires: DateTime<Utc>,
) -> Result<bool, Error> {
    Ok(app.store.session_create(key, data, expires).await?)
}

pub async fn save(app: &App, key: &str, data: String, expires: DateTime<Utc>) -> Result<(), Error> {
    Ok(app.store.session_save(key, data, expires).await?)
}

/// The session's data and expiry, if it exists and has not expired.
pub async fn load(app: &App, key: &str) -> Result<Option<(String, DateTime<Utc>)>, Error> {
    Ok(app.store.session_load(key).await?)
}

pub async fn delete(app: &App, key: &str) -> Result<(), Error> {
    Ok(app.store.session_delete(key).await?)
}

/// Removes expired sessions; returns how many.
pub async fn purge_expired(app: &App) -> Result<u64, Error> {
    Ok(app.store.sessions_purge_expired().await?)
}

/// Whether the database answers (the health check).
pub async fn ping(app: &App) -> Result<(), Error> {
    Ok(app.store.ping().await?)
}
