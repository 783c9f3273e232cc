//! tower-sessions over our own database, so sessions live in SQLite or PostgreSQL with
//! everything else (the published stores pull in a second sqlx).

use crate::WebConfig;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use time::OffsetDateTime;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};
use tsunagi_app::App;

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    app: App,
}

impl DbSessionStore {
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

fn key(id: &Id) -> String {
    super::sha256_hex(&id.to_string())
}

fn to_chrono(t: OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_default()
}

fn to_time(t: DateTime<Utc>) -> Result<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(t.timestamp_micros()) * 1000)
        .map_err(|e| Error::Decode(e.to_string()))
}

fn encode(r: &Record) -> Result<String> {
    serde_json::to_string(&r.data).map_err(|e| Error::Encode(e.to_string()))
}

fn backend(e: tsunagi_app::Error) -> Error {
    Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        loop {
            let created = tsunagi_app::sessions::create(
                &self.app,
                &key(&record.id),
                encode(record)?,
                to_chrono(record.expiry_date),
            )
            .await
            .map_err(backend)?;
            if created {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        tsunagi_app::sessions::save(
            &self.app,
            &key(&record.id),
            encode(record)?,
            to_chrono(record.expiry_date),
        )
        .await
        .map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some((data, expires)) = tsunagi_app::sessions::load(&self.app, &key(id))
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string()))?,
            expiry_date: to_time(expires)?,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        tsunagi_app::sessions::delete(&self.app, &key(id))
            .await
            .map_err(backend)
    }
}

/// The session layer: HttpOnly, SameSite=Lax, Secure as configured, expiring after inactivity.
pub fn session_layer(app: App, config: &WebConfig) -> SessionManagerLayer<DbSessionStore> {
    let idle =
        time::Duration::seconds(i64::try_from(config.session_idle.as_secs()).unwrap_or(28_800));
    SessionManagerLayer::new(DbSessionStore::new(app))
        .with_name("tsunagi_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}
