//! `tsunagi import roster FILE.csv` and `tsunagi import residents FILE.csv`: the roster and
//! resident record imports from the command line.

use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use std::collections::HashMap;
use tsunagi_app::roster::{ImportError, ImportOptions, ImportReport};
use tsunagi_app::{App, Context as UseCaseContext, Identity, RequestIds};

/// How a file is read and applied (both layouts).
#[derive(clap::Args)]
pub struct FileArgs {
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
    /// The file is a full extract (全件): list the roster people absent from it for
    /// confirmation (nobody is removed)
    #[arg(long)]
    full_extract: bool,
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import or update the roster (避難行動要支援者名簿) from a municipal CSV extract. Columns are
    /// read by header name (see README, "Roster import layout"); rows are matched on 宛名番号.
    /// A file with bad rows changes nothing unless --only-valid is given.
    Roster(FileArgs),
    /// Import or update every resident (住民記録) with household and address, for the victims'
    /// ledger: the person columns of the roster layout, 世帯番号 required. People already
    /// registered keep their record and roster entry.
    Residents(FileArgs),
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
        if !o.absent.is_empty() {
            println!(
                "{} on the roster are not in this full extract: confirm (died, moved …) and take them off by hand",
                o.absent.len()
            );
            for a in &o.absent {
                println!(
                    "  absent: {} {} ({})",
                    a.resident_no.as_deref().unwrap_or("-"),
                    a.name,
                    a.id
                );
            }
        }
    }
}

/// The context of a command run as a municipality's staff member (`--as LOGIN`).
pub async fn municipal_context(app: &App, login: &str) -> Result<UseCaseContext> {
    let actor = tsunagi_app::users::municipal_actor(app, login)
        .await
        .map_err(|e| match e {
            tsunagi_app::Error::NotFound => anyhow!("no user {login:?}"),
            tsunagi_app::Error::Forbidden => anyhow!("{login} is not staff of a municipality"),
            e => anyhow!(e),
        })?;
    Ok(app
        .context(Identity::User(actor), RequestIds::generate(None))
        .await?)
}

pub async fn run(db: Option<&str>, c: ImportCommand) -> Result<()> {
    let (residents, args) = match c {
        ImportCommand::Roster(a) => (false, a),
        ImportCommand::Residents(a) => (true, a),
    };
    let FileArgs {
        file,
        as_login,
        encoding,
        map,
        dry_run,
        only_valid,
        full_extract,
    } = args;
    let app = crate::ops::open(db.unwrap_or(tsunagi_app::DEFAULT_DATABASE_URL)).await?;
    let ctx = municipal_context(&app, &as_login).await?;
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
        full_extract,
    };
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let result = if residents {
        tsunagi_app::residents::import(&app, &ctx, &name, &bytes, &options).await
    } else {
        tsunagi_app::roster::import(&app, &ctx, &name, &bytes, &options).await
    };
    let report = match result {
        Ok(r) => r,
        Err(ImportError::File(e)) => bail!("{}: {e}", file.display()),
        Err(ImportError::App(e)) => return Err(crate::ops::explain(e)),
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
