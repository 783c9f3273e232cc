//! `tsunagi import roster FILE.csv`: the roster import from the command line.

use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use std::collections::HashMap;
use tsunagi_store::AuditContext;
use tsunagi_web::roster_import::{ImportError, ImportOptions, ImportReport, import_roster};

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import or update the roster (避難行動要支援者名簿) from a municipal CSV extract. Columns are
    /// read by header name (see README, "Roster import layout"); rows are matched on 宛名番号.
    /// A file with bad rows changes nothing unless --only-valid is given.
    Roster {
        file: std::path::PathBuf,
        /// The municipal user the import is done as (recorded in the audit trail)
        #[arg(long = "as")]
        as_login: String,
        /// auto (UTF-8 with or without BOM, else Shift_JIS), utf-8 or shift_jis
        #[arg(long, default_value = "auto")]
        encoding: String,
        /// Map a header of the file to a layout column: --map 'カナ=氏名カナ' (repeatable)
        #[arg(long = "map")]
        map: Vec<String>,
        /// Show what would change, change nothing
        #[arg(long)]
        dry_run: bool,
        /// Apply the valid rows even if some rows are bad
        #[arg(long)]
        only_valid: bool,
    },
}

fn print(r: &ImportReport) {
    println!(
        "{}: {} rows read ({})",
        r.file_name, r.rows_read, r.encoding
    );
    if !r.ignored_columns.is_empty() {
        println!("ignored columns: {}", r.ignored_columns.join(", "));
    }
    for e in &r.errors {
        match &e.column {
            Some(c) => println!("  line {}: [{}] {}", e.line, c, e.message),
            None => println!("  line {}: {}", e.line, e.message),
        }
    }
    if let Some(o) = &r.outcome {
        let verb = if r.applied { "" } else { "would be " };
        println!(
            "{} created, {} updated, {} unchanged ({verb}applied)",
            o.created.len(),
            o.updated.len(),
            o.unchanged
        );
        for d in &o.possible_duplicates {
            println!(
                "  possible duplicate: line {} looks like {} ({}); not merged",
                d.line, d.name, d.existing_id
            );
        }
    }
}

/// The actor for a user acting as staff of a municipality (for command-line work).
pub async fn municipal_actor(
    store: &tsunagi_store::Store,
    login: &str,
) -> Result<(
    tsunagi_domain::access::Actor,
    tsunagi_store::users::Membership,
)> {
    let account = store
        .login_account(login)
        .await?
        .ok_or_else(|| anyhow!("no user {login:?}"))?;
    let membership = store
        .memberships(account.id)
        .await?
        .into_iter()
        .find(|m| {
            m.organisation.kind == tsunagi_domain::organisation::OrganisationKind::Municipality
        })
        .ok_or_else(|| anyhow!("{login} is not staff of a municipality"))?;
    Ok((membership.actor(&account.login), membership))
}

pub async fn run(db: Option<&str>, c: ImportCommand) -> Result<()> {
    let ImportCommand::Roster {
        file,
        as_login,
        encoding,
        map,
        dry_run,
        only_valid,
    } = c;
    let store = crate::ops::open(db.unwrap_or(tsunagi_store::db::DEFAULT_DATABASE_URL)).await?;
    let (actor, _) = municipal_actor(&store, &as_login).await?;
    let mut mapping = HashMap::new();
    for m in map {
        let (from, to) = m
            .split_once('=')
            .ok_or_else(|| anyhow!("--map needs FILE_HEADER=COLUMN, got {m:?}"))?;
        mapping.insert(from.trim().to_owned(), to.trim().to_owned());
    }
    let options = ImportOptions {
        encoding: encoding.parse().map_err(|e: String| anyhow!(e))?,
        mapping,
        dry_run,
        only_valid,
    };
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ctx = AuditContext::for_actor(&actor, Some("cli".into()));
    let report = match import_roster(&store, &actor, ctx, &name, &bytes, &options).await {
        Ok(r) => r,
        Err(ImportError::File(e)) => bail!("{}: {e}", file.display()),
        Err(ImportError::App(e)) => bail!("{e}: {}", e.message()),
    };
    print(&report);
    if !report.errors.is_empty() && !only_valid && !dry_run {
        bail!(
            "{} bad rows: nothing was imported (fix them, or use --only-valid)",
            report.errors.len()
        );
    }
    Ok(())
}
