//! 「紙の名簿」: printing a checker's people of a sweep as an A4 sheet (recorded as handed out)
//! and entering a returned sheet's results in one go (the municipality's staff).

use super::programmes::{Pairs, field};
use super::views::jst_minutes;
use super::{Chrome, UiResult, path_uuid};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use tsunagi_app::safety_paper::{self, PaperRow, PaperSheet};
use tsunagi_domain::safety::{ContactMethod, SafetyStatus};

/// Prints a paper list: the staff choose the checker (`checker`: an organisation id, empty for
/// the staff's own people); a checking organisation gets its own. The PDF downloads at once.
pub async fn print(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let id = path_uuid(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let checker = match field(&f, "checker") {
        "" => None,
        c => {
            Some(tsunagi_domain::OrganisationId(c.parse().map_err(|_| {
                AppError::BadRequest("担当が不正です".into())
            })?))
        }
    };
    let sheet = safety_paper::issue(&state.app, &user.ctx, id, checker).await?;
    let municipality = tsunagi_app::organisations::name_of(
        &state.app,
        user.actor
            .municipality_id
            .unwrap_or(user.actor.organisation_id),
    )
    .await?;
    Ok(crate::documents::sweep_sheet_pdf(&sheet, &municipality, user.ctx.today()).await?)
}

struct EntryRow {
    row: u32,
    name: String,
    address: String,
    status_now: &'static str,
    /// What the form holds for this row (after a refused submit: what was sent).
    status: String,
    method: String,
    note: String,
    error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "paper_entry.html")]
struct EntryPage {
    chrome: Chrome,
    id: String,
    declaration: String,
    declaration_name: String,
    number: i32,
    checker: String,
    issued: String,
    entered: Option<String>,
    open: bool,
    rows: Vec<EntryRow>,
    error: Option<String>,
    statuses: Vec<(&'static str, &'static str)>,
    methods: Vec<(&'static str, &'static str)>,
}

fn page(
    user: &CurrentUser,
    s: PaperSheet,
    sent: Option<&Pairs>,
    errors: &HashMap<String, String>,
) -> EntryPage {
    let kept = |name: &str, row: u32| -> String {
        sent.map(|f| field(f, &format!("{name}-{row}")).to_owned())
            .unwrap_or_default()
    };
    EntryPage {
        chrome: Chrome::new(user, "disasters"),
        id: s.list.id.to_string(),
        declaration: s.list.declaration_id.to_string(),
        declaration_name: s.declaration_name,
        number: s.list.number,
        checker: s.checker_name,
        issued: format!("{}（{}）", jst_minutes(&s.list.issued_at), s.list.issued_by),
        entered: s.list.entered_at.as_ref().map(|at| {
            format!(
                "{}（{}）",
                jst_minutes(at),
                s.list.entered_by.clone().unwrap_or_default()
            )
        }),
        open: s.open,
        rows: s
            .lines
            .iter()
            .map(|(row, l)| EntryRow {
                row: *row,
                name: l.person.name.clone(),
                address: l.person.address.clone(),
                status_now: l.status.label(),
                status: kept("status", *row),
                method: match kept("method", *row) {
                    m if m.is_empty() => ContactMethod::Visit.code().to_owned(),
                    m => m,
                },
                note: kept("note", *row),
                error: errors.get(&format!("rows.{row}")).cloned(),
            })
            .collect(),
        error: errors.get("rows").cloned(),
        statuses: SafetyStatus::ALL
            .into_iter()
            .filter(|x| *x != SafetyStatus::Unchecked)
            .map(|x| (x.code(), x.label()))
            .collect(),
        methods: ContactMethod::ALL
            .into_iter()
            .map(|m| (m.code(), m.label()))
            .collect(),
    }
}

/// The entry form of a returned sheet: one line per printed row.
pub async fn entry(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = path_uuid(path)?;
    let s = safety_paper::sheet(&state.app, &user.ctx, id).await?;
    Ok(page(&user, s, None, &HashMap::new()).into_response())
}

/// Enters a returned sheet: rows whose result is left blank are not sent; all or nothing.
pub async fn enter(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let id = path_uuid(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let s = safety_paper::sheet(&state.app, &user.ctx, id).await?;
    let mut rows = Vec::new();
    for (row, _) in &s.lines {
        let status = field(&f, &format!("status-{row}"));
        if status.is_empty() {
            continue;
        }
        let (Some(status), Some(method)) = (
            SafetyStatus::parse(status),
            ContactMethod::parse(field(&f, &format!("method-{row}"))),
        ) else {
            return Err(AppError::BadRequest("確認の結果と方法を選んでください".into()).into());
        };
        let note = field(&f, &format!("note-{row}"));
        rows.push(PaperRow {
            row: *row,
            status,
            method,
            note: (!note.is_empty()).then(|| note.to_owned()),
        });
    }
    let declaration = s.list.declaration_id;
    match safety_paper::enter(&state.app, &user.ctx, id, rows).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/disasters/{declaration}/sweep#paper-lists")).into_response(),
        ),
        Err(tsunagi_app::Error::Invalid(e)) => {
            let errors: HashMap<String, String> =
                e.0.into_iter().map(|x| (x.field, x.message)).collect();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&user, s, Some(&f), &errors),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
