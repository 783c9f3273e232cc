//! The information-sharing meeting's figures on screen (情報連携会議): a declaration's for the
//! municipality's staff and the prefecture's roll-up, each as a page, .xlsx and PDF; counts
//! only, small cells suppressed by the domain.

use super::{Chrome, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use tsunagi_app::cases;
use tsunagi_domain::wareki::format_wareki;

#[derive(Template, WebTemplate)]
#[template(path = "case_report.html")]
pub(super) struct ReportPage {
    chrome: Chrome,
    title: &'static str,
    /// The declaration (a municipality's report); none for the prefecture's roll-up.
    declaration: Option<String>,
    /// The page's path; `.xlsx` and `.pdf` beside it.
    base: String,
    r: tsunagi_domain::case_report::Report,
}

impl ReportPage {
    fn day(d: &chrono::NaiveDate) -> String {
        format_wareki(*d)
    }
    /// A bar for a one-column table's published count (none for a suppressed cell, so the
    /// chart tells no more than the number).
    fn chart(
        t: &tsunagi_domain::case_report::Table,
        l: &tsunagi_domain::case_report::Line,
    ) -> Option<(usize, usize)> {
        use tsunagi_domain::case_report::Cell;
        let count = |c: &Cell| match c {
            Cell::Count(n) => Some(*n),
            Cell::Suppressed(_) => None,
        };
        let max = t
            .lines
            .iter()
            .filter_map(|l| l.cells.first().and_then(count))
            .max()?;
        let v = l.cells.first().and_then(count)?;
        (max > 0).then_some((v, max))
    }
}

/// 「?since=YYYY-MM-DD」: the day of the last meeting.
#[derive(serde::Deserialize)]
pub struct Since {
    since: Option<String>,
}

impl Since {
    fn day(&self) -> Option<chrono::NaiveDate> {
        self.since.as_deref().and_then(|s| s.parse().ok())
    }
}

/// The information-sharing meeting's report.
pub async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    Query(q): Query<Since>,
) -> UiResult<Response> {
    let id = super::ledger::one_id(path)?;
    let r = cases::report(&state.app, &user.ctx, id, q.day()).await?;
    Ok(ReportPage {
        chrome: Chrome::new(&user, "disasters"),
        title: "情報連携会議の集計",
        declaration: Some(id.to_string()),
        base: format!("/disasters/{id}/case-report"),
        r,
    }
    .into_response())
}

/// The report as .xlsx, one row per cell (表, 項目, 列, 値).
pub async fn report_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    Query(q): Query<Since>,
) -> UiResult<Response> {
    let id = super::ledger::one_id(path)?;
    let r = cases::report(&state.app, &user.ctx, id, q.day()).await?;
    Ok(xlsx_of(&r)?)
}

fn xlsx_of(r: &tsunagi_domain::case_report::Report) -> Result<Response, AppError> {
    let mut rows = vec![
        vec![
            "合計".into(),
            "世帯数".into(),
            String::new(),
            r.households.text(),
        ],
        vec![
            "合計".into(),
            "未面会".into(),
            String::new(),
            r.not_reached.text(),
        ],
    ];
    for t in &r.tables {
        for l in &t.lines {
            for (c, cell) in t.columns.iter().zip(&l.cells) {
                rows.push(vec![
                    t.title.clone(),
                    l.label.clone(),
                    c.clone(),
                    cell.text(),
                ]);
            }
        }
    }
    let table = crate::exports::Table {
        headers: vec!["表", "項目", "列", "値"],
        rows,
    };
    let bytes = crate::exports::xlsx("情報連携会議", &table)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::download::attachment(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "case-report.xlsx",
        "情報連携会議_集計.xlsx",
    ))
}

/// The report as PDF (A4, counts only).
pub async fn report_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    Query(q): Query<Since>,
) -> UiResult<Response> {
    let id = super::ledger::one_id(path)?;
    let r = cases::report(&state.app, &user.ctx, id, q.day()).await?;
    let m = user.membership.organisation.name.clone();
    Ok(crate::documents::report_pdf(&r, &m, user.ctx.today()).await?)
}

/// The prefecture's roll-up across its municipalities (the prefecture's staff).
pub async fn prefecture_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<Since>,
) -> UiResult<Response> {
    let r = cases::prefecture_report(&state.app, &user.ctx, q.day()).await?;
    Ok(ReportPage {
        chrome: Chrome::new(&user, "prefecture_report"),
        title: "県の集計（情報連携会議）",
        declaration: None,
        base: "/prefecture/case-report".into(),
        r,
    }
    .into_response())
}

/// The prefecture's roll-up as .xlsx.
pub async fn prefecture_report_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<Since>,
) -> UiResult<Response> {
    let r = cases::prefecture_report(&state.app, &user.ctx, q.day()).await?;
    Ok(xlsx_of(&r)?)
}

/// The prefecture's roll-up as PDF.
pub async fn prefecture_report_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<Since>,
) -> UiResult<Response> {
    let r = cases::prefecture_report(&state.app, &user.ctx, q.day()).await?;
    let m = user.membership.organisation.name.clone();
    Ok(crate::documents::report_pdf(&r, &m, user.ctx.today()).await?)
}
