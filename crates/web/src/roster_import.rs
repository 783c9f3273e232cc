//! Importing a roster file: read it, report every bad row, and apply it all-or-nothing (or only
//! the good rows, if the user chooses), or just show what would change. Shared by the upload
//! screen, the API and `tsunagi import roster`.

use crate::AppError;
use serde::Serialize;
use std::collections::HashMap;
use tsunagi_domain::access::Actor;
use tsunagi_import::{Encoding, FileError, RowError, roster};
use tsunagi_store::roster::{ImportOutcome, ImportRow};
use tsunagi_store::{AuditContext, Store};

#[derive(Clone, Debug)]
pub struct ImportOptions {
    pub encoding: Encoding,
    /// The file's own header → the layout's column name.
    pub mapping: HashMap<String, String>,
    /// Show what would change; change nothing.
    pub dry_run: bool,
    /// Apply the valid rows even if some rows are bad.
    pub only_valid: bool,
}

/// What happened, for the screen, the API and the command line.
#[derive(Clone, Debug, Serialize)]
pub struct ImportReport {
    pub file_name: String,
    pub encoding: &'static str,
    pub rows_read: usize,
    pub errors: Vec<RowError>,
    pub ignored_columns: Vec<String>,
    /// Whether anything was written.
    pub applied: bool,
    pub dry_run: bool,
    pub outcome: Option<ImportOutcome>,
}

/// Why an import did not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    File(#[from] FileError),
    #[error(transparent)]
    App(#[from] AppError),
}

pub async fn import_roster(
    store: &Store,
    actor: &Actor,
    ctx: AuditContext,
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let today = crate::ui::today();
    let file = roster::parse(bytes, options.encoding, &options.mapping, today)?;
    let mut report = ImportReport {
        file_name: file_name.to_owned(),
        encoding: match file.encoding {
            Encoding::ShiftJis => "Shift_JIS",
            _ => "UTF-8",
        },
        rows_read: file.rows.len()
            + file
                .errors
                .iter()
                .map(|e| e.line)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
        errors: file.errors,
        ignored_columns: file.ignored_columns,
        applied: false,
        dry_run: options.dry_run,
        outcome: None,
    };
    let blocked = !report.errors.is_empty() && !options.only_valid;
    if blocked && !options.dry_run {
        return Ok(report);
    }
    let rows: Vec<ImportRow<'_>> = file
        .rows
        .iter()
        .map(|r| ImportRow {
            line: r.line,
            person: &r.person,
            entry: &r.entry,
        })
        .collect();
    let mut tx = store.begin(ctx.clone()).await.map_err(AppError::from)?;
    let outcome = tsunagi_store::roster::import(&mut tx, actor, file_name, &rows)
        .await
        .map_err(AppError::from)?;
    if options.dry_run || blocked {
        drop(tx); // roll back: a dry run shows what would change and changes nothing
        // …but that it was run, by whom, on which file, is itself recorded.
        let mut tx = store.begin(ctx).await.map_err(AppError::from)?;
        tx.record(
            tsunagi_store::audit::Entry::new(
                tsunagi_domain::audit::AuditAction::RosterImported,
                "roster",
                file_name,
            )
            .owner(actor.organisation_id)
            .detail(serde_json::json!({
                "dry_run": true,
                "rows": rows.len(),
                "errors": report.errors.len(),
                "would_create": outcome.created.len(),
                "would_update": outcome.updated.len(),
            })),
        );
        tx.commit().await.map_err(AppError::from)?;
    } else {
        tx.commit().await.map_err(AppError::from)?;
        report.applied = true;
    }
    report.outcome = Some(outcome);
    Ok(report)
}
