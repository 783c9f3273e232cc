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

/// Writes new text into `column` of many rows of `table` ([`update_rows`] with one column).
pub(crate) async fn update_versioned_text(
    conn: &impl sea_orm::ConnectionTrait,
    table: &str,
    key: &str,
    column: &str,
    rows: &[VersionedText],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<u64, StoreError> {
    let rows = rows
        .iter()
        .map(|r| VersionedRow {
            key: r.key,
            version: r.version,
            values: vec![r.text.clone().into()],
        })
        .collect();
    update_rows(conn, table, key, &[column], rows, at).await
}

/// One row of [`update_rows`]: its key, the version read, the new values of the columns.
pub(crate) struct VersionedRow {
    pub key: uuid::Uuid,
    pub version: i32,
    pub values: Vec<sea_orm::Value>,
}

/// Writes new values into `columns` of many rows of `table` in a few statements, each row only
/// if still at the version read: its `version` goes up by one and `updated_at` is set to `at`.
/// Returns how many rows were written; fewer than given means another writer came first.
pub(crate) async fn update_rows(
    conn: &impl sea_orm::ConnectionTrait,
    table: &str,
    key: &str,
    columns: &[&str],
    rows: Vec<VersionedRow>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<u64, StoreError> {
    use sea_orm::{Statement, Value};
    let backend = conn.get_database_backend();
    let mut written = 0;
    let started = std::time::Instant::now();
    let n = rows.len();
    if backend == DatabaseBackend::Postgres {
        let set: Vec<String> = columns.iter().map(|c| format!("{c} = v.{c}")).collect();
        let sql = format!(
            "UPDATE {table} AS t SET {}, version = t.version + 1, updated_at = $1 \
             FROM json_populate_recordset(NULL::{table}, $2::json) AS v \
             WHERE t.{key} = v.{key} AND t.version = v.version",
            set.join(", ")
        );
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<serde_json::Value> = rows
                .by_ref()
                .take(20_000)
                .map(|r| {
                    let mut o = serde_json::Map::with_capacity(columns.len() + 2);
                    o.insert(key.to_owned(), r.key.to_string().into());
                    o.insert("version".to_owned(), r.version.into());
                    for (c, v) in columns.iter().zip(r.values) {
                        o.insert((*c).to_owned(), json_of(v)?);
                    }
                    Ok(serde_json::Value::Object(o))
                })
                .collect::<Result<_, StoreError>>()?;
            let json =
                serde_json::to_string(&chunk).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            written += conn
                .execute_raw(Statement::from_sql_and_values(
                    backend,
                    sql.clone(),
                    [Value::from(at), json.into()],
                ))
                .await?
                .rows_affected();
        }
    } else {
        // Under SQLite's 32,766 bound parameters.
        let width = columns.len() + 2;
        let per = (30_000 / width).clamp(1, 1000);
        let set: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = v.column{}", i + 3))
            .collect();
        let tuple = format!("({})", vec!["?"; width].join(", "));
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<VersionedRow> = rows.by_ref().take(per).collect();
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * width + 1);
            values.push(at.into());
            let tuples = vec![tuple.as_str(); chunk.len()].join(",");
            for r in chunk {
                values.push(r.key.into());
                values.push(r.version.into());
                values.extend(r.values);
            }
            let sql = format!(
                "UPDATE {table} SET {}, version = {table}.version + 1, updated_at = ? \
                 FROM (VALUES {tuples}) AS v \
                 WHERE {table}.{key} = v.column1 AND {table}.version = v.column2",
                set.join(", ")
            );
            written += conn
                .execute_raw(Statement::from_sql_and_values(backend, sql, values))
                .await?
                .rows_affected();
        }
    }
    tracing::debug!(table, rows = n, written, elapsed = ?started.elapsed(), "rows updated");
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

/// Conditions that pick the rows of `table` whose `column` is one of `ids`, one per query to
/// run: PostgreSQL takes every id at once as a JSON array (planning an `IN` list of thousands
/// of parameters is slow there); SQLite takes `IN` lists of a thousand.
pub(crate) fn among(
    backend: DatabaseBackend,
    table: &str,
    column: &str,
    ids: &[uuid::Uuid],
) -> Vec<sea_orm::sea_query::SimpleExpr> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait};
    if backend == DatabaseBackend::Postgres {
        let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        return vec![Expr::cust_with_values(
            format!(
                "\"{table}\".\"{column}\" IN (SELECT value::uuid FROM json_array_elements_text($1::json))"
            ),
            [json],
        )];
    }
    ids.chunks(1000)
        .map(|chunk| Expr::col((Alias::new(table), Alias::new(column))).is_in(chunk.to_vec()))
        .collect()
}
