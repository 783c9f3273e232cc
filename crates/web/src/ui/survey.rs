//! 「消防庁調査の数字」: the yearly national survey's figures of the roster and plans, for the
//! municipality, per area and per 自治会 district, as a page and an .xlsx.

use super::{Chrome, UiError, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

#[derive(Template, WebTemplate)]
#[template(path = "survey.html")]
struct SurveyPage {
    chrome: Chrome,
    /// The sheet as the download has it: the notes (label, value) and the figures' rows.
    notes: Vec<(String, String)>,
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

pub async fn page(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let v = tsunagi_app::progress::survey(&state.app, &user.ctx).await?;
    let t = crate::exports::survey_table(&v);
    let (notes, rows): (Vec<_>, Vec<_>) = t.rows.into_iter().partition(|r| r[2].is_empty());
    Ok(SurveyPage {
        chrome: Chrome::new(&user, "roster_list"),
        notes: notes
            .into_iter()
            .map(|r| (r[0].clone(), r[1].clone()))
            .collect(),
        headers: t.headers,
        rows,
    }
    .into_response())
}

pub async fn xlsx(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let v = tsunagi_app::progress::survey(&state.app, &user.ctx).await?;
    let bytes = crate::exports::xlsx("消防庁調査", &crate::exports::survey_table(&v))
        .map_err(|e| UiError(AppError::Internal(e.to_string())))?;
    Ok(crate::download::attachment(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "national-survey.xlsx",
        "消防庁調査_名簿と個別避難計画.xlsx",
    ))
}
