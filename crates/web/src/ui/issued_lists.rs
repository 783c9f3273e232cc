//! 「配布した名簿」: the lists handed out to one receiver, which need recall because someone on
//! them left the roster (with who, for the receiver to act on), and the recall form.

use super::views::jst_minutes;
use super::{Chrome, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tsunagi_app::receivers;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::issued_list::{IssuedListState, Recall, RecallMethod};
use tsunagi_domain::wareki::{format_both, parse_date};

struct ListRow {
    id: String,
    issued: String,
    format: &'static str,
    people: usize,
    state: &'static str,
    recall_needed: bool,
    recalled: bool,
    recall: String,
    /// 「山田 ハル（転出、令和8年12月1日）」
    departed: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "issued_lists.html")]
struct IssuedListsPage {
    chrome: Chrome,
    receiver: String,
    rows: Vec<ListRow>,
    methods: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
}

fn id_of(path: Result<Path<String>, PathRejection>) -> Result<uuid::Uuid, AppError> {
    let Path(raw) = path.map_err(|_| AppError::NotFound)?;
    raw.parse::<uuid::Uuid>().map_err(|_| AppError::NotFound)
}

fn format_label(f: &str) -> &'static str {
    match f {
        "xlsx" => "Excel",
        "csv" => "CSV（Shift_JIS）",
        "csv-utf8" => "CSV（UTF-8）",
        "api" => "API",
        _ => "その他",
    }
}

#[derive(Deserialize)]
pub struct Notice {
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    Query(n): Query<Notice>,
) -> UiResult<Response> {
    let org = OrganisationId(id_of(path)?);
    let (target, lists) = receivers::issued_lists(&state.app, &user.ctx, org).await?;
    let rows = lists
        .iter()
        .map(|l| ListRow {
            id: l.id.to_string(),
            issued: format!("{} {}", jst_minutes(&l.issued_at), l.issued_by),
            format: format_label(&l.format),
            people: l.people,
            state: l.state.label(),
            recall_needed: l.state == IssuedListState::RecallNeeded,
            recalled: l.recall.is_some(),
            recall: l
                .recall
                .as_ref()
                .map(|r| {
                    format!(
                        "{} {}{}{}",
                        format_both(r.on),
                        r.method.label(),
                        l.recalled_by
                            .as_deref()
                            .map(|b| format!("（記録: {b}）"))
                            .unwrap_or_default(),
                        r.note
                            .as_deref()
                            .map(|n| format!(" {n}"))
                            .unwrap_or_default()
                    )
                })
                .unwrap_or_default(),
            departed: l
                .departed
                .iter()
                .map(|d| {
                    format!(
                        "{}（{}、{}）",
                        d.person.name,
                        d.reason.label(),
                        format_both(d.left_on)
                    )
                })
                .collect(),
        })
        .collect();
    Ok(IssuedListsPage {
        chrome: Chrome::new(&user, "receivers"),
        receiver: target.name,
        rows,
        methods: RecallMethod::ALL
            .iter()
            .map(|m| (m.code(), m.label()))
            .collect(),
        notice: n.done,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct RecallForm {
    method: String,
    on: String,
    #[serde(default)]
    note: String,
}

pub async fn recall(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<RecallForm>, FormRejection>,
) -> UiResult<Response> {
    let id = id_of(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let method = RecallMethod::parse(&f.method)
        .ok_or_else(|| AppError::BadRequest("回収か廃棄かを選んでください".into()))?;
    let on = parse_date(&f.on).map_err(|e| AppError::BadRequest(format!("日付: {e}")))?;
    let r = Recall {
        method,
        on,
        note: Some(f.note),
    };
    match receivers::recall_list(&state.app, &user.ctx, id, r).await {
        Ok(org) => {
            let msg: String = form_urlencoded::byte_serialize(
                format!("{}を記録しました", method.label()).as_bytes(),
            )
            .collect();
            Ok(Redirect::to(&format!("/receivers/{org}/issued?done={msg}")).into_response())
        }
        Err(e) => Err(super::refused(e)),
    }
}
