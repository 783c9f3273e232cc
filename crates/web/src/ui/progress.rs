//! The progress page (進捗): roster, triage, plan steps, consent, complete plans and overdue
//! reviews, for the municipality and per area; downloadable as .xlsx.

use super::{Chrome, UiError, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::Workbook;
use tsunagi_domain::consent::ConsentStatus;
use tsunagi_domain::progress::{Counts, Summary};
use tsunagi_domain::triage::{Approach, Priority};
use tsunagi_domain::workflow::Step;

/// One table row: a label and, per column (total, then each area), a count and percentage.
struct Line {
    label: String,
    /// Count, percentage, and the roster filtered to exactly those people where the roster
    /// has that filter.
    cells: Vec<(u64, String, Option<String>)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "progress.html")]
struct ProgressPage {
    chrome: Chrome,
    columns: Vec<String>,
    lines: Vec<Line>,
}

async fn summary(state: &AppState, user: &CurrentUser) -> Result<Summary, UiError> {
    Ok(tsunagi_app::progress::summary(&state.app, &user.ctx).await?)
}

/// How to read one measure from an area's counts.
type Measure = Box<dyn Fn(&Counts) -> u64>;

/// The table: every measure, for the total and each area.
fn table(s: &Summary) -> (Vec<String>, Vec<Line>) {
    let mut cols: Vec<(&str, &Counts)> = vec![("全体", &s.total)];
    cols.extend(s.areas.iter().map(|(a, c)| (a.as_str(), c)));
    // Each measure: its label, how to read it, and the roster filter that lists exactly its
    // people (`None` where the roster has no such filter).
    let mut keys: Vec<(String, Measure, Option<String>)> = vec![
        (
            "名簿登載者".into(),
            Box::new(|c: &Counts| c.roster),
            Some(String::new()),
        ),
        (
            "優先度判定済み".into(),
            Box::new(|c: &Counts| c.triaged),
            None,
        ),
    ];
    let code_of = |label: &str, codes: &[(&'static str, &'static str)], param: &str| {
        codes
            .iter()
            .find(|(_, l)| *l == label)
            .map(|(c, _)| format!("{param}={c}"))
    };
    let priorities: Vec<_> = Priority::ALL
        .iter()
        .map(|p| (p.code(), p.label()))
        .collect();
    let approaches: Vec<_> = Approach::ALL
        .iter()
        .map(|a| (a.code(), a.label()))
        .collect();
    let consents: Vec<_> = ConsentStatus::ALL
        .iter()
        .map(|c| (c.code(), c.label()))
        .collect();
    let labels = |f: fn(&Counts) -> Vec<String>, prefix: &str| {
        let mut all: Vec<String> = cols.iter().flat_map(|(_, c)| f(c)).collect();
        all.sort();
        all.dedup();
        all.into_iter()
            .map(|k| (format!("{prefix}{k}"), k))
            .collect::<Vec<_>>()
    };
    for (label, key) in labels(|c| c.by_priority.keys().cloned().collect(), "優先度 ") {
        let filter = code_of(&key, &priorities, "priority");
        keys.push((
            label,
            Box::new(move |c: &Counts| c.by_priority.get(&key).copied().unwrap_or(0)),
            filter,
        ));
    }
    for (label, key) in labels(|c| c.by_approach.keys().cloned().collect(), "進め方 ") {
        let filter = code_of(&key, &approaches, "approach");
        keys.push((
            label,
            Box::new(move |c: &Counts| c.by_approach.get(&key).copied().unwrap_or(0)),
            filter,
        ));
    }
    for (label, key) in labels(|c| c.by_step.keys().cloned().collect(), "手順 ") {
        let filter = match key.as_str() {
            "未着手" => Some("plan=not_started".to_owned()),
            k if k == Step::Done.label() => Some("plan=done".to_owned()),
            _ => None,
        };
        keys.push((
            label,
            Box::new(move |c: &Counts| c.by_step.get(&key).copied().unwrap_or(0)),
            filter,
        ));
    }
    for (label, key) in labels(|c| c.by_consent.keys().cloned().collect(), "同意 ") {
        let filter = code_of(&key, &consents, "consent");
        keys.push((
            label,
            Box::new(move |c: &Counts| c.by_consent.get(&key).copied().unwrap_or(0)),
            filter,
        ));
    }
    keys.push((
        "必要項目がそろった計画".into(),
        Box::new(|c: &Counts| c.plans_complete),
        None,
    ));
    keys.push((
        "作成完了".into(),
        Box::new(|c: &Counts| c.plans_done),
        Some("plan=done".into()),
    ));
    keys.push((
        "見直し期限切れ".into(),
        Box::new(|c: &Counts| c.reviews_overdue),
        None,
    ));
    keys.push((
        "津波避難困難".into(),
        Box::new(|c: &Counts| c.tsunami_difficult),
        None,
    ));
    // The yearly 消防庁 survey's figures.
    keys.push((
        "平常時から名簿を提供（提供の根拠による）".into(),
        Box::new(|c: &Counts| c.shared_normal_times),
        None,
    ));
    keys.push((
        "優先度 高のうち計画作成完了".into(),
        Box::new(|c: &Counts| c.high_priority_done),
        Some("priority=high&plan=done".into()),
    ));
    // A town's column adds the town (an unknown town cannot be filtered to).
    let towns: Vec<Option<String>> = cols
        .iter()
        .enumerate()
        .map(|(i, (name, _))| match (i, *name) {
            (0, _) => Some(String::new()),
            (_, "（不明）") => None,
            (_, town) => Some(format!(
                "&town={}",
                form_urlencoded::byte_serialize(town.as_bytes()).collect::<String>()
            )),
        })
        .collect();
    let lines = keys
        .into_iter()
        .map(|(label, f, filter)| Line {
            label,
            cells: cols
                .iter()
                .zip(&towns)
                .map(|((_, c), town)| {
                    let link = match (&filter, town) {
                        (Some(q), Some(t)) if f(c) > 0 => Some(format!("/roster?{q}{t}")),
                        _ => None,
                    };
                    (f(c), c.percent(f(c)), link)
                })
                .collect(),
        })
        .collect();
    (cols.iter().map(|(n, _)| (*n).to_owned()).collect(), lines)
}

pub async fn page(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let s = summary(&state, &user).await?;
    let (columns, lines) = table(&s);
    Ok(ProgressPage {
        chrome: Chrome::new(&user, "roster_list"),
        columns,
        lines,
    }
    .into_response())
}

pub async fn xlsx(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let s = summary(&state, &user).await?;
    let (columns, lines) = table(&s);
    let bytes = (|| -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("進捗")?;
        ws.write_string(0, 0, "項目")?;
        for (i, c) in columns.iter().enumerate() {
            let col = u16::try_from(1 + i * 2).unwrap_or(u16::MAX);
            ws.write_string(0, col, format!("{c}（人）"))?;
            ws.write_string(0, col + 1, format!("{c}（%）"))?;
        }
        for (r, line) in lines.iter().enumerate() {
            let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
            ws.write_string(row, 0, &line.label)?;
            for (i, (n, pct, _)) in line.cells.iter().enumerate() {
                let col = u16::try_from(1 + i * 2).unwrap_or(u16::MAX);
                ws.write_number(row, col, *n as f64)?;
                ws.write_string(row, col + 1, pct)?;
            }
        }
        wb.save_to_buffer()
    })()
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"progress.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}
