//! Scratch PostgreSQL databases for benchmarks: made empty, dropped afterwards.

use crate::Error;

pub async fn create_postgres(admin_url: &str, name: &str) -> Result<(), Error> {
    Ok(tsunagi_store::db::create_postgres_database(admin_url, name).await?)
}

pub async fn drop_postgres(admin_url: &str, name: &str) -> Result<(), Error> {
    Ok(tsunagi_store::db::drop_postgres_database(admin_url, name).await?)
}
