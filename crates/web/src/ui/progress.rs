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
use tsunagi_domain::progress::{Counts, Summary};

/// One table row: a label and, per column (total, then each area), a count and percentage.
struct Line {
    label: String,
    cells: Vec<(u64, String)>,
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
    let mut keys: Vec<(String, Measure)> = vec![
        ("名簿登載者".into(), Box::new(|c: &Counts| c.roster)),
        ("優先度判定済み".into(), Box::new(|c: &Counts| c.triaged)),
    ];
    let labels = |f: fn(&Counts) -> Vec<String>, prefix: &str| {
        let mut all: Vec<String> = cols.iter().flat_map(|(_, c)| f(c)).collect();
        all.sort();
        all.dedup();
        all.into_iter()
            .map(|k| (format!("{prefix}{k}"), k))
            .collect::<Vec<_>>()
    };
    for (label, key) in labels(|c| c.by_priority.keys().cloned().collect(), "優先度 ") {
        keys.push((
            label,
            Box::new(move |c: &Counts| c.by_priority.get(&key).copied().unwrap_or(0)),
        ));
    }
    for (label, key) in labels(|c| c.by_approach.keys().cloned().collect(), "進め方 ") {
        keys.push((
            label,
            Box::new(move |c: &Counts| c.by_approach.get(&key).copied().unwrap_or(0)),
        ));
    }
    for (label, key) in labels(|c| c.by_step.keys().cloned().collect(), "手順 ") {
        keys.push((
            label,
            Box::new(move |c: &Counts| c.by_step.get(&key).copied().unwrap_or(0)),
        ));
    }
    for (label, key) in labels(|c| c.by_consent.keys().cloned().collect(), "同意 ") {
        keys.push((
            label,
            Box::new(move |c: &Counts| c.by_consent.get(&key).copied().unwrap_or(0)),
        ));
    }
    keys.push((
        "必要項目がそろった計画".into(),
        Box::new(|c: &Counts| c.plans_complete),
    ));
    keys.push(("作成完了".into(), Box::new(|c: &Counts| c.plans_done)));
    keys.push((
        "見直し期限切れ".into(),
        Box::new(|c: &Counts| c.reviews_overdue),
    ));
    keys.push((
        "津波避難困難".into(),
        Box::new(|c: &Counts| c.tsunami_difficult),
    ));
    // The yearly 消防庁 survey's figures.
    keys.push((
        "平常時から名簿を提供（提供の根拠による）".into(),
        Box::new(|c: &Counts| c.shared_normal_times),
    ));
    keys.push((
        "優先度 高のうち計画作成完了".into(),
        Box::new(|c: &Counts| c.high_priority_done),
    ));
    let lines = keys
        .into_iter()
        .map(|(label, f)| Line {
            label,
            cells: cols.iter().map(|(_, c)| (f(c), c.percent(f(c)))).collect(),
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
            for (i, (n, pct)) in line.cells.iter().enumerate() {
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
