//! The audit trail screen for administrators.

use super::views::{jst_minutes, page_numbers};
use super::{Chrome, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use tsunagi_app::audit::{self, AuditFilter};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::paging::Page;

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub entity_id: String,
    /// YYYY-MM-DD, JST
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub until: String,
    pub page: Option<u64>,
}

fn jst_day_start(s: &str) -> Result<Option<chrono::DateTime<Utc>>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        AppError::BadRequest(format!("日付は YYYY-MM-DD で指定してください（{s}）"))
    })?;
    let start = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    Ok(Some(Utc.from_utc_datetime(&start) - Duration::hours(9)))
}

/// The audit filter from what a user typed; shared by the screen and the API.
pub fn audit_filter(
    action: Option<&str>,
    user: Option<&str>,
    entity_id: Option<&str>,
    from: Option<&str>,
    until: Option<&str>,
) -> Result<AuditFilter, AppError> {
    let non_empty = |s: Option<&str>| {
        s.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    Ok(AuditFilter {
        action: non_empty(action),
        user_login: non_empty(user),
        entity_id: non_empty(entity_id),
        from: jst_day_start(from.unwrap_or_default())?,
        until: jst_day_start(until.unwrap_or_default())?.map(|t| t + Duration::days(1)),
    })
}

struct AuditRow {
    seq: i64,
    at: String,
    user: String,
    role: String,
    action: String,
    entity: String,
    entity_kind: String,
    entity_id: String,
    basis: String,
    request_id: String,
    detail: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
struct AuditPageView {
    chrome: Chrome,
    q: AuditQuery,
    actions: Vec<(&'static str, &'static str)>,
    rows: Vec<AuditRow>,
    total: u64,
    page: u64,
    pages: u64,
    numbers: Vec<(u64, bool)>,
    query_string: String,
}

pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> UiResult<Response> {
    let Query(q) = query.map_err(AppError::from)?;
    let filter = audit_filter(
        Some(&q.action),
        Some(&q.user),
        Some(&q.entity_id),
        Some(&q.from),
        Some(&q.until),
    )?;
    let page = Page::requested(q.page, Some(50)).map_err(AppError::BadRequest)?;
    let found = audit::list(&state.app, &user.ctx, &filter, page).await?;
    let rows = found
        .items
        .iter()
        .map(|r| AuditRow {
            seq: r.seq,
            at: jst_minutes(&r.at),
            user: r.user_login.clone(),
            role: r
                .role
                .as_deref()
                .and_then(|c| c.parse::<tsunagi_domain::role::Role>().ok())
                .map(|r| r.label().to_owned())
                .unwrap_or_default(),
            action: AuditAction::from_code(&r.action)
                .map(|a| a.label().to_owned())
                .unwrap_or_else(|| r.action.clone()),
            entity: match r.entity.as_str() {
                "person" => "個人記録".into(),
                "user" => "利用者".into(),
                "organisation" => "組織".into(),
                "api_token" => "APIトークン".into(),
                "audit" => "監査ログ".into(),
                other => other.to_owned(),
            },
            entity_kind: r.entity.clone(),
            entity_id: r.entity_id.clone().unwrap_or_default(),
            basis: match r.access_basis.as_deref() {
                Some("owner") => "所管".into(),
                Some("consent") => "同意".into(),
                Some("disaster") => "災害時".into(),
                _ => String::new(),
            },
            request_id: r.request_id.clone().unwrap_or_default(),
            detail: if r.detail == "{}" {
                String::new()
            } else {
                r.detail.clone()
            },
        })
        .collect();
    let pages = page.page_count(found.total);
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let query_string = format!(
        "action={}&user={}&entity_id={}&from={}&until={}",
        enc(&q.action),
        enc(&q.user),
        enc(&q.entity_id),
        enc(&q.from),
        enc(&q.until)
    );
    Ok(AuditPageView {
        chrome: Chrome::new(&user, "audit"),
        actions: AuditAction::ALL
            .iter()
            .map(|a| (a.code(), a.label()))
            .collect(),
        rows,
        total: found.total,
        page: page.number,
        pages,
        numbers: page_numbers(page.number, pages),
        query_string,
        q,
    }
    .into_response())
}
