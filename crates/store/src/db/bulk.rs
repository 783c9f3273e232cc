//! Statements for bulk work, per dialect: many rows inserted or updated in a few statements.
//! SQLite takes multi-row `VALUES` and `UPDATE … FROM (VALUES …)`; PostgreSQL takes the rows as
//! one JSON parameter (`json_populate_recordset`, `json_to_recordset`), since a `VALUES` list
//! of thousands of parameters is parsed and planned slowly there.

use sea_orm::DatabaseBackend;

use crate::error::StoreError;

/// One row of a bulk update: the key, the version read, and the new text.
pub(crate) struct VersionedText {
    pub key: uuid::Uuid,
    pub version: i32,
    pub text: String,
}

/// Writes new text into `column` of many rows of `table` in a few statements (`UPDATE … FROM
/// (VALUES …)`, as SQLite ≥ 3.33 and PostgreSQL both read it), each row only if still at the
/// version read: the version goes up by one and `updated_at` is set. Returns how many rows
/// were written; fewer than given means another writer came first.
pub(crate) async fn update_versioned_text(
    conn: &impl sea_orm::ConnectionTrait,
    table: &str,
    key: &str,
    column: &str,
    rows: &[VersionedText],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<u64, StoreError> {
    use sea_orm::{Statement, Value};
    let backend = conn.get_database_backend();
    let mut written = 0;
    if backend == DatabaseBackend::Postgres {
        for chunk in rows.chunks(20_000) {
            let json = serde_json::to_string(
                &chunk
                    .iter()
                    .map(|r| serde_json::json!({"k": r.key, "ver": r.version, "c": r.text}))
                    .collect::<Vec<_>>(),
            )
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let sql = format!(
                "UPDATE {table} AS t SET {column} = v.c, version = t.version + 1, updated_at = $1 \
                 FROM json_to_recordset($2::json) AS v(k uuid, ver integer, c text) \
                 WHERE t.{key} = v.k AND t.version = v.ver"
            );
            written += conn
                .execute_raw(Statement::from_sql_and_values(
                    backend,
                    sql,
                    [Value::from(at), json.into()],
                ))
                .await?
                .rows_affected();
        }
        return Ok(written);
    }
    // Three values a row, under SQLite's 32,766 bound parameters.
    for chunk in rows.chunks(1000) {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 3 + 1);
        values.push(at.into());
        let mut tuples = String::with_capacity(chunk.len() * 24);
        for (i, r) in chunk.iter().enumerate() {
            let n = 2 + i * 3;
            if i > 0 {
                tuples.push(',');
            }
            tuples.push_str(&match backend {
                DatabaseBackend::Postgres => {
                    format!("(${n}::uuid, ${}::integer, ${}::text)", n + 1, n + 2)
                }
                _ => "(?, ?, ?)".to_owned(),
            });
            values.push(r.key.into());
            values.push(r.version.into());
            values.push(r.text.clone().into());
        }
        let sql = match backend {
            DatabaseBackend::Postgres => format!(
                "UPDATE {table} AS t SET {column} = v.c, version = t.version + 1, updated_at = $1 \
                 FROM (VALUES {tuples}) AS v(k, ver, c) WHERE t.{key} = v.k AND t.version = v.ver"
            ),
            _ => format!(
                "UPDATE {table} SET {column} = v.column3, version = {table}.version + 1, updated_at = ? \
                 FROM (VALUES {tuples}) AS v WHERE {table}.{key} = v.column1 AND {table}.version = v.column2"
            ),
        };
        written += conn
            .execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?
            .rows_affected();
    }
    Ok(written)
}

/// Inserts many rows into `table` with few statements, the values moved in as they are (no
/// query builder in between: the bulk paths — audit entries, imported persons and entries,
/// classified hazards — spend their time here). SQLite takes multi-row `VALUES`; PostgreSQL
/// takes the rows as one JSON parameter read by `json_populate_recordset` (a `VALUES` list
/// of thousands of parameters is parsed and planned slowly there).
pub(crate) async fn insert_rows(
    conn: &impl sea_orm::ConnectionTrait,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<sea_orm::Value>>,
) -> Result<(), StoreError> {
    use sea_orm::Statement;
    let started = std::time::Instant::now();
    let n = rows.len();
    let backend = conn.get_database_backend();
    let list = columns.join(", ");
    if backend == DatabaseBackend::Postgres {
        let sql = format!(
            "INSERT INTO {table} ({list}) SELECT {list} FROM json_populate_recordset(NULL::{table}, $1::json)"
        );
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<serde_json::Value> = rows
                .by_ref()
                .take(20_000)
                .map(|row| {
                    let mut o = serde_json::Map::with_capacity(columns.len());
                    for (c, v) in columns.iter().zip(row) {
                        o.insert((*c).to_owned(), json_of(v)?);
                    }
                    Ok(serde_json::Value::Object(o))
                })
                .collect::<Result<_, StoreError>>()?;
            let json =
                serde_json::to_string(&chunk).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            conn.execute_raw(Statement::from_sql_and_values(
                backend,
                sql.clone(),
                [json.into()],
            ))
            .await?;
        }
        tracing::debug!(table, rows = n, elapsed = ?started.elapsed(), "rows inserted");
        return Ok(());
    }
    // Under SQLite's 32,766 bound parameters.
    let per = (30_000 / columns.len().max(1)).clamp(1, 1000);
    let head = format!("INSERT INTO {table} ({list}) VALUES ");
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut sql = head.clone();
        let mut values = Vec::with_capacity(per * columns.len());
        for (i, row) in rows.by_ref().take(per).enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for c in 0..row.len() {
                if c > 0 {
                    sql.push(',');
                }
                sql.push('?');
            }
            sql.push(')');
            values.extend(row);
        }
        conn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    tracing::debug!(table, rows = n, elapsed = ?started.elapsed(), "rows inserted");
    Ok(())
}

/// A value as PostgreSQL reads it from JSON into its column's type.
fn json_of(v: sea_orm::Value) -> Result<serde_json::Value, StoreError> {
    use sea_orm::Value as V;
    use serde_json::Value as J;
    Ok(match v {
        V::Bool(b) => b.map_or(J::Null, J::Bool),
        V::SmallInt(n) => n.map_or(J::Null, |n| n.into()),
        V::Int(n) => n.map_or(J::Null, |n| n.into()),
        V::BigInt(n) => n.map_or(J::Null, |n| n.into()),
        V::Double(x) => x.map_or(J::Null, |x| {
            serde_json::Number::from_f64(x).map_or(J::Null, J::Number)
        }),
        V::String(s) => s.map_or(J::Null, J::String),
        V::Uuid(u) => u.map_or(J::Null, |u| J::String(u.to_string())),
        V::ChronoDate(d) => d.map_or(J::Null, |d| J::String(d.to_string())),
        V::ChronoDateTimeUtc(t) => t.map_or(J::Null, |t| {
            J::String(t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string())
        }),
        V::Json(j) => j.map_or(J::Null, |j| *j),
        other => {
            return Err(StoreError::Corrupt(format!(
                "bulk insert of an unsupported value {other:?}"
            )));
        }
    })
}

/// [`insert_rows`] for models of an entity: every column, the values taken out of the models.
pub(crate) async fn insert_models<A>(
    conn: &impl sea_orm::ConnectionTrait,
    models: Vec<A>,
) -> Result<(), StoreError>
where
    A: sea_orm::ActiveModelTrait,
{
    use sea_orm::{EntityName, Iterable};
    if models.is_empty() {
        return Ok(());
    }
    let entity = <A::Entity as Default>::default();
    let columns: Vec<<A::Entity as sea_orm::EntityTrait>::Column> =
        <<A::Entity as sea_orm::EntityTrait>::Column as Iterable>::iter().collect();
    let names: Vec<String> = columns
        .iter()
        .map(|c| sea_orm::IdenStatic::as_str(c).to_owned())
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut rows = Vec::with_capacity(models.len());
    for mut m in models {
        let mut row = Vec::with_capacity(columns.len());
        for c in &columns {
            let v = m.take(*c).into_value().ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "{} row without {}",
                    entity.table_name(),
                    sea_orm::IdenStatic::as_str(c)
                ))
            })?;
            row.push(v);
        }
        rows.push(row);
    }
    insert_rows(conn, entity.table_name(), &names, rows).await
}
