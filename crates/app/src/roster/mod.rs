//! The roster (避難行動要支援者名簿): entries set by staff, and the import of municipal
//! extracts (parse → report every bad row → apply all or nothing, or only the valid rows, or
//! nothing in a dry run). Shared by the upload screen, the API and `tsunagi import roster`.

mod import;

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use tsunagi_domain::PersonId;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::roster::RosterEntry;
use tsunagi_import::{Encoding, FileError, RowError, roster as layout};

pub(crate) use import::Row;
use tsunagi_store::audit::Entry;
use tsunagi_store::roster::{self, EntryChange};

pub use import::{AbsentPerson, ImportOutcome, PossibleDuplicate};

use crate::consequences::Cause;
use crate::{App, Context, Error};

/// Sets a person's roster entry (the owning municipality's staff); returns whether it changed.
pub async fn set_entry(
    app: &App,
    ctx: &Context,
    id: PersonId,
    entry: &RosterEntry,
) -> Result<bool, Error> {
    let mut w = app.begin(ctx).await?;
    let (owner, change) = roster::set(&mut w.tx, ctx.actor()?, ctx.disaster(), id, entry).await?;
    match change {
        EntryChange::Unchanged => {}
        EntryChange::Registered => w.changes.roster_changed(owner, id),
        EntryChange::Changed => {
            w.changes.roster_changed(owner, id);
            w.changes.review(owner, id, Cause::RosterChanged);
        }
    }
    w.commit().await?;
    Ok(change != EntryChange::Unchanged)
}

/// Takes a person off the roster with the reason and the day (the owning municipality's
/// staff). Every receiver's share of the person as a roster entry goes at once (the receivers
/// consequence), audited with the cause.
pub async fn leave(
    app: &App,
    ctx: &Context,
    id: PersonId,
    d: tsunagi_domain::departure::Departure,
) -> Result<(), Error> {
    let d = d.validate(ctx.today()).map_err(Error::Invalid)?;
    let mut w = app.begin(ctx).await?;
    let owner = roster::leave(&mut w.tx, ctx.actor()?, ctx.disaster(), id, &d).await?;
    w.changes.roster_left(owner, id);
    w.commit().await
}

/// Answers questions the triage flow left open (要確認) — the family's help to evacuate, the
/// community's help to make the plan — as the district's 民生委員 or 自治会 (sharing the
/// person) or the owning municipality. The person is triaged again at once (unless staff
/// changed the result by hand) and a finished plan is marked for review.
pub async fn answer_questions(
    app: &App,
    ctx: &Context,
    id: PersonId,
    answers: &[(tsunagi_domain::triage::Question, bool)],
    note: Option<&str>,
) -> Result<(), Error> {
    let mut w = app.begin(ctx).await?;
    let owner = roster::questions::answer(
        &mut w.tx,
        ctx.actor()?,
        ctx.disaster(),
        id,
        answers,
        note,
        ctx.today(),
    )
    .await?;
    w.changes.roster_changed(owner, id);
    w.changes.review(owner, id, Cause::RosterChanged);
    w.commit().await
}

/// The departures of the actor's municipality, newest first (a search, audited).
pub async fn departures(
    app: &App,
    ctx: &Context,
) -> Result<Vec<tsunagi_store::roster::DepartureRecord>, Error> {
    let mut w = app.begin(ctx).await?;
    let d = roster::departures(&mut w.tx, ctx.actor()?).await?;
    w.commit().await?;
    Ok(d)
}

#[derive(Clone, Debug)]
pub struct ImportOptions {
    pub encoding: Encoding,
    /// The file's own header → the layout's column name.
    pub mapping: HashMap<String, String>,
    /// Show what would change; change nothing.
    pub dry_run: bool,
    /// Apply the valid rows even if some rows are bad.
    pub only_valid: bool,
    /// The file is a full extract (全件): roster people absent from it are listed for
    /// confirmation (they may have died or moved), never removed.
    pub full_extract: bool,
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
    /// The file as a whole cannot be read (encoding, no header …).
    #[error("{0}")]
    File(#[from] FileError),
    #[error(transparent)]
    App(#[from] Error),
}

/// Reads a roster file and applies it as `options` say. Bad rows are all reported; a file with
/// any bad row changes nothing unless `only_valid`. A dry run is the real import rolled back,
/// so it cannot disagree with it; that it ran is recorded in a transaction of its own.
pub async fn import(
    app: &App,
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
    tracing::debug!(rows = file.rows.len(), elapsed = ?started.elapsed(), "roster import: parsed");
    let rows: Vec<import::Row<'_>> = file
        .rows
        .iter()
        .map(|r| import::Row {
            line: r.line,
            person: &r.person,
            entry: Some(&r.entry),
        })
        .collect();
    let read = Read {
        file_name,
        encoding: file.encoding,
        errors: file.errors,
        ignored_columns: file.ignored_columns,
        entity: "roster",
    };
    run(app, ctx, read, &rows, options).await
}

/// A file read, before it is applied.
pub(crate) struct Read<'a> {
    pub file_name: &'a str,
    pub encoding: Encoding,
    pub errors: Vec<RowError>,
    pub ignored_columns: Vec<String>,
    /// What the audit entry names: "roster" or "residents".
    pub entity: &'static str,
}

/// Applies the valid rows of a read file as `options` say: a file with any bad row changes
/// nothing unless `only_valid`; a dry run is the real import rolled back, recorded in a
/// transaction of its own.
pub(crate) async fn run(
    app: &App,
    ctx: &Context,
    read: Read<'_>,
    rows: &[import::Row<'_>],
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let actor = ctx.actor()?;
    let started = std::time::Instant::now();
    let file_name = read.file_name;
    let mut report = ImportReport {
        file_name: file_name.to_owned(),
        encoding: match read.encoding {
            Encoding::ShiftJis => "Shift_JIS",
            _ => "UTF-8",
        },
        rows_read: rows.len()
            + read
                .errors
                .iter()
                .map(|e| e.line)
                .collect::<BTreeSet<_>>()
                .len(),
        errors: read.errors,
        ignored_columns: read.ignored_columns,
        applied: false,
        dry_run: options.dry_run,
        outcome: None,
    };
    let blocked = !report.errors.is_empty() && !options.only_valid;
    if blocked && !options.dry_run {
        return Ok(report);
    }
    let mut w = app.begin(ctx).await?;
    let outcome = import::apply(
        &mut w,
        actor.organisation_id,
        file_name,
        read.entity,
        rows,
        options.full_extract,
    )
    .await?;
    if options.dry_run || blocked {
        w.settle().await?;
        drop(w); // roll back: a dry run shows what would change and changes nothing
        // …but that it was run, by whom, on which file, is itself recorded.
        let mut w = app.begin(ctx).await?;
        w.tx.record(
            Entry::new(AuditAction::RosterImported, read.entity, file_name)
                .owner(actor.organisation_id)
                .detail(serde_json::json!({
                    "dry_run": true,
                    "rows": rows.len(),
                    "errors": report.errors.len(),
                    "would_create": outcome.created.len(),
                    "would_update": outcome.updated.len(),
                })),
        );
        w.commit().await?;
    } else {
        tracing::debug!(elapsed = ?started.elapsed(), "roster import: applied");
        w.settle().await?;
        tracing::debug!(elapsed = ?started.elapsed(), "roster import: consequences");
        w.commit().await?;
        tracing::debug!(elapsed = ?started.elapsed(), "roster import: committed");
        report.applied = true;
    }
    report.outcome = Some(outcome);
    Ok(report)
}
