//! `tsunagi triage`: priority and approach for the whole roster, or for a roster file, as CSV
//! or JSON.

use anyhow::{Context, Result, anyhow, bail};
use std::collections::HashMap;
use std::io::Write;
use tsunagi_domain::triage::{PriorityPolicy, TriageResult, triage};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

#[derive(clap::Args)]
pub struct TriageArgs {
    /// The municipal user the triage is run as (its municipality's roster and policy)
    #[arg(long = "as")]
    as_login: Option<String>,
    /// Triage the rows of this roster file instead of the stored roster (nothing is stored)
    #[arg(long)]
    file: Option<std::path::PathBuf>,
    /// Encoding of --file: auto, utf-8, shift_jis
    #[arg(long, default_value = "auto")]
    encoding: String,
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Write here instead of standard output
    #[arg(long, short)]
    output: Option<std::path::PathBuf>,
}

/// One output line.
#[derive(serde::Serialize)]
struct Line {
    resident_no: String,
    name: String,
    #[serde(flatten)]
    result: TriageResult,
    override_reason: Option<String>,
}

fn write(lines: &[Line], format: Format, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, lines)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(out);
            w.write_record([
                "宛名番号",
                "氏名",
                "優先度",
                "進め方",
                "点数",
                "理由",
                "判定の経路",
                "職員による変更の理由",
                "判定基準の版",
            ])?;
            for l in lines {
                let cells = [
                    l.resident_no.as_str(),
                    l.name.as_str(),
                    l.result.priority.label(),
                    l.result.approach.label(),
                    &l.result.score.to_string(),
                    &l.result.reasons.join(" / "),
                    &l.result.path.join(" → "),
                    l.override_reason.as_deref().unwrap_or(""),
                    &l.result.policy_version.to_string(),
                ];
                // Names and reasons typed by people must not reach Excel as formulas.
                w.write_record(
                    cells.map(|c| tsunagi_domain::text::spreadsheet_safe(c).into_owned()),
                )?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

pub async fn run(db: Option<&str>, a: TriageArgs) -> Result<()> {
    let url = db.unwrap_or(tsunagi_app::DEFAULT_DATABASE_URL);
    let mut lines = Vec::new();
    match (&a.file, &a.as_login) {
        (Some(file), login) => {
            let policy = match login {
                Some(l) => {
                    let app = crate::ops::open(url).await?;
                    let ctx = crate::import::municipal_context(&app, l).await?;
                    tsunagi_app::triage::policy(&app, &ctx).await?
                }
                None => PriorityPolicy::default(),
            };
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let encoding = a.encoding.parse().map_err(|e: String| anyhow!(e))?;
            let parsed = tsunagi_import::roster::parse(
                &bytes,
                encoding,
                &HashMap::new(),
                tsunagi_app::today_jst(),
            )
            .map_err(|e| anyhow!("{}: {e}", file.display()))?;
            for e in &parsed.errors {
                eprintln!(
                    "line {}: {}{}",
                    e.line,
                    e.column
                        .as_deref()
                        .map(|c| format!("[{c}] "))
                        .unwrap_or_default(),
                    e.message
                );
            }
            for r in &parsed.rows {
                lines.push(Line {
                    resident_no: r.person.resident_no.clone().unwrap_or_default(),
                    name: r.person.name.clone(),
                    result: triage(&r.entry.triage_input(), &policy),
                    override_reason: None,
                });
            }
        }
        (None, Some(login)) => {
            let app = crate::ops::open(url).await?;
            let ctx = crate::import::municipal_context(&app, login).await?;
            let (summary, export) = tsunagi_app::triage::run_and_export(&app, &ctx).await?;
            eprintln!(
                "triaged {} (kept {} staff overrides) under policy version {}: {:?} {:?}",
                summary.triaged,
                summary.kept_overrides,
                summary.policy_version,
                summary.by_priority,
                summary.by_approach
            );
            for l in export {
                lines.push(Line {
                    resident_no: l.resident_no.unwrap_or_default(),
                    name: l.name,
                    result: l.triage.result,
                    override_reason: l.triage.override_reason,
                });
            }
        }
        (None, None) => bail!("give --as LOGIN (the stored roster) or --file FILE.csv"),
    }
    match &a.output {
        Some(p) => {
            let mut f = std::fs::File::create(p)
                .with_context(|| format!("cannot write {}", p.display()))?;
            write(&lines, a.format, &mut f)?;
        }
        None => write(&lines, a.format, &mut std::io::stdout().lock())?,
    }
    Ok(())
}
