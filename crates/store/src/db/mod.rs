//! Connecting to the database. The only place with dialect-specific settings.

use crate::error::StoreError;
use crate::migration::Migrator;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseBackend, DatabaseConnection};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

/// The embedded default: a SQLite file next to where tsunagi runs.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://tsunagi.db?mode=rwc";

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
}

impl Store {
    /// Connects by URL: `sqlite://FILE?mode=rwc` or `postgres://USER@HOST:PORT/DB`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(10))
            .max_connections(10)
            // SQLite: WAL so readers never wait for the writer; foreign keys enforced; wait up
            // to 5 s for a lock instead of failing at once.
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
                    // 64 MB of page cache per connection (the default 8 MB spills a roster
                    // import's pages to the WAL long before it commits).
                    .pragma("cache_size", "-65536")
            });
        let db = Database::connect(opts).await.map_err(|e| {
            StoreError::Unavailable(format!(
                "データベースに接続できません ({url_safe}): {e}",
                url_safe = redact(url)
            ))
        })?;
        Ok(Store { db })
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        Migrator::up(&self.db, None).await?;
        Ok(())
    }

    /// Names of migrations not yet applied.
    pub async fn pending_migrations(&self) -> Result<Vec<String>, StoreError> {
        Ok(Migrator::get_pending_migrations(&self.db)
            .await?
            .iter()
            .map(|m| m.name().to_owned())
            .collect())
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.db.get_database_backend()
    }

    /// Checks that the database answers (for health checks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await.map_err(StoreError::from)
    }

    pub(crate) fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    pub(crate) fn from_connection(db: DatabaseConnection) -> Store {
        Store { db }
    }

    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await.map_err(StoreError::from)
    }
}

/// Refreshes PostgreSQL's planner statistics of a table after a bulk insert (inside the
/// transaction: it counts the transaction's own rows). SQLite plans without them: nothing.
pub(crate) async fn analyze(
    conn: &impl sea_orm::ConnectionTrait,
    table: &'static str,
) -> Result<(), StoreError> {
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        conn.execute_unprepared(&format!("ANALYZE {table}")).await?;
    }
    Ok(())
}

/// A database URL with its password replaced, for logs and messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

pub(crate) mod bulk;

/// Creates an empty PostgreSQL database `name` through `admin_url` (benchmarks and tests use
/// a fresh one each).
pub async fn create_postgres_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
    use sea_orm::ConnectionTrait;
    check_name(name)?;
    let conn = Database::connect(admin_url)
        .await
        .map_err(|e| StoreError::Unavailable(format!("{}: {e}", redact(admin_url))))?;
    conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    conn.close().await?;
    Ok(())
}

/// Drops a PostgreSQL database made by [`create_postgres_database`].
pub async fn drop_postgres_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
    use sea_orm::ConnectionTrait;
    check_name(name)?;
    let conn = Database::connect(admin_url)
        .await
        .map_err(|e| StoreError::Unavailable(format!("{}: {e}", redact(admin_url))))?;
    conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    conn.close().await?;
    Ok(())
}

/// Database names are identifiers we make: letters, digits and underscores only.
fn check_name(name: &str) -> Result<(), StoreError> {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(StoreError::Invalid(
            tsunagi_domain::ValidationErrors::single(
                "database",
                "データベース名は英数字と _ だけです",
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://app:secret@db:5432/tsunagi"),
            "postgres://app:***@db:5432/tsunagi"
        );
        assert_eq!(
            super::redact("sqlite://x.db?mode=rwc"),
            "sqlite://x.db?mode=rwc"
        );
        assert_eq!(
            super::redact("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
    }
}
