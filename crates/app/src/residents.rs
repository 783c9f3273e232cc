//! The resident record import (住民記録): every resident of the municipality with household
//! and address, so that the victims' ledger covers every household, not only the roster.
//! The roster import's rules: by header, every bad row with its line, all or nothing (or only
//! the valid rows, or a dry run), a re-import updates. People already registered — on the
//! roster or not — keep their record and roster entry; a changed address is located again
//! (the consequences), as for a roster import.

use tsunagi_import::residents as layout;

use crate::roster::{ImportError, ImportOptions, ImportReport, Read, Row, run};
use crate::{Context, Error};

pub async fn import(
    app: &crate::App,
    ctx: &Context,
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let actor = ctx.actor()?;
    if !tsunagi_domain::access::can(actor, tsunagi_domain::access::Capability::CreatePerson) {
        return Err(Error::Forbidden.into());
    }
    let started = std::time::Instant::now();
    let file = layout::parse(bytes, options.encoding, &options.mapping, ctx.today())?;
    tracing::debug!(rows = file.rows.len(), elapsed = ?started.elapsed(), "resident import: parsed");
    let rows: Vec<Row<'_>> = file
        .rows
        .iter()
        .map(|(line, person)| Row {
            line: *line,
            person,
            entry: None,
        })
        .collect();
    let read = Read {
        file_name,
        encoding: file.encoding,
        errors: file.errors,
        ignored_columns: file.ignored_columns,
        entity: "residents",
    };
    run(app, ctx, read, &rows, options).await
}
