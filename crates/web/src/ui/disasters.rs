//! 「災害の宣言」: the municipality's declarations, declaring one, raising or lowering its stage
//! and closing it. While one is open every screen shows a banner, and the municipality's
//! 避難支援等関係者 with a share see the roster and plans without consent, read-only.

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
use serde::Deserialize;
use std::collections::HashMap;
use tsunagi_app::declarations;
use tsunagi_domain::declaration::{AffectedArea, DisasterKind, NewDeclaration, Stage};

struct Row {
    id: String,
    name: String,
    kind: &'static str,
    stage: &'static str,
    stage_code: &'static str,
    area: &'static str,
    started: String,
    closed: String,
    open: bool,
    declared_by: String,
    version: i32,
}

#[derive(Template, WebTemplate)]
#[template(path = "disasters.html")]
struct DisastersPage {
    chrome: Chrome,
    can_declare: bool,
    /// Fire or police: offered the full roster of an open declaration.
    full_list: bool,
    rows: Vec<Row>,
    kinds: Vec<(&'static str, &'static str)>,
    stages: Vec<(&'static str, &'static str)>,
    form_name: String,
    errors: HashMap<String, String>,
}

fn may_declare(user: &CurrentUser) -> bool {
    tsunagi_domain::access::can(
        &user.actor,
        tsunagi_domain::access::Capability::DeclareDisaster,
    )
}

async fn build(state: &AppState, user: &CurrentUser) -> UiResult<DisastersPage> {
    let list = declarations::list(&state.app, &user.ctx).await?;
    Ok(DisastersPage {
        chrome: Chrome::new(user, "disasters"),
        can_declare: may_declare(user),
        full_list: matches!(
            user.actor.organisation_kind,
            tsunagi_domain::organisation::OrganisationKind::FireDepartment
                | tsunagi_domain::organisation::OrganisationKind::Police
        ),
        rows: list
            .into_iter()
            .map(|d| Row {
                id: d.id.to_string(),
                kind: d.kind.label(),
                stage: d.stage.label(),
                stage_code: d.stage.code(),
                area: d.area.label(),
                started: jst_minutes(&d.started_at),
                closed: d.closed_at.as_ref().map(jst_minutes).unwrap_or_default(),
                open: d.closed_at.is_none(),
                declared_by: d.declared_by,
                version: d.version,
                name: d.name,
            })
            .collect(),
        kinds: DisasterKind::ALL
            .into_iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        stages: Stage::ALL
            .into_iter()
            .map(|s| (s.code(), s.label()))
            .collect(),
        form_name: String::new(),
        errors: HashMap::new(),
    })
}

pub async fn page(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    Ok(build(&state, &user).await?.into_response())
}

#[derive(Deserialize)]
pub struct DeclareForm {
    name: String,
    kind: String,
    stage: String,
}

pub async fn declare(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<DeclareForm>, FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let (Some(kind), Some(stage)) = (DisasterKind::parse(&f.kind), Stage::parse(&f.stage)) else {
        return Err(AppError::BadRequest("災害の種類・段階を選んでください".into()).into());
    };
    let d = NewDeclaration {
        name: f.name.clone(),
        kind,
        stage,
        area: AffectedArea::WholeMunicipality,
        started_at: None,
    };
    match declarations::declare(&state.app, &user.ctx, d).await {
        Ok(_) => Ok(Redirect::to("/disasters").into_response()),
        Err(tsunagi_app::Error::Invalid(errors)) => {
            let mut p = build(&state, &user).await?;
            p.form_name = f.name;
            for e in errors.0 {
                p.errors.insert(e.field, e.message);
            }
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ChangeForm {
    version: i32,
    #[serde(default)]
    stage: String,
}

pub async fn stage(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<ChangeForm>, FormRejection>,
) -> UiResult<Response> {
    let id = path_uuid(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let to = Stage::parse(&f.stage)
        .ok_or_else(|| AppError::BadRequest("段階を選んでください".into()))?;
    declarations::change_stage(&state.app, &user.ctx, id, f.version, to).await?;
    Ok(Redirect::to("/disasters").into_response())
}

pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<ChangeForm>, FormRejection>,
) -> UiResult<Response> {
    let id = path_uuid(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    declarations::close(&state.app, &user.ctx, id, f.version).await?;
    Ok(Redirect::to("/disasters").into_response())
}

struct SweepRow {
    id: String,
    name: String,
    address: String,
    status: &'static str,
    confirmed: bool,
    overdue: bool,
    priority: &'static str,
    attempts: i32,
    last: String,
    /// A fresh key per form: a resubmitted form records once.
    key: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "sweep.html")]
struct SweepPage {
    chrome: Chrome,
    declaration: String,
    rows: Vec<SweepRow>,
    unreached: usize,
    /// The whole sweep's counts per status, for the municipality's staff.
    counts: Vec<(&'static str, u64)>,
    statuses: Vec<(&'static str, &'static str)>,
    methods: Vec<(&'static str, &'static str)>,
    /// The municipality's escalation time in minutes, for its staff.
    escalation: Option<u32>,
}

/// A checker's list: their people, nobody-reached first, one form per person.
pub async fn sweep(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    use tsunagi_domain::safety::{ContactMethod, SafetyStatus};
    let id = path_uuid(path)?;
    let lines = tsunagi_app::safety::sweep(&state.app, &user.ctx, id).await?;
    let rows: Vec<SweepRow> = lines
        .iter()
        .map(|l| SweepRow {
            id: l.person.id.to_string(),
            name: l.person.name.clone(),
            address: l.person.address.clone(),
            status: l.status.label(),
            confirmed: l.status.is_confirmed(),
            overdue: l.overdue,
            priority: l.priority.map(|p| p.label()).unwrap_or("—"),
            attempts: l.attempts,
            last: match (&l.last_at, &l.last_by) {
                (Some(at), Some(by)) => format!("{} {by}", jst_minutes(at)),
                _ => String::new(),
            },
            key: uuid::Uuid::new_v4().simple().to_string(),
        })
        .collect();
    let staff = tsunagi_domain::access::can(
        &user.actor,
        tsunagi_domain::access::Capability::CreatePerson,
    );
    let counts = if staff {
        tsunagi_app::safety::counts(&state.app, &user.ctx, id)
            .await?
            .into_iter()
            .map(|(s, n)| (s.label(), n))
            .collect()
    } else {
        Vec::new()
    };
    let escalation = if staff {
        Some(tsunagi_app::safety::escalation(&state.app, &user.ctx).await?)
    } else {
        None
    };
    Ok(SweepPage {
        chrome: Chrome::new(&user, "disasters"),
        declaration: id.to_string(),
        counts,
        escalation,
        unreached: rows.iter().filter(|r| !r.confirmed).count(),
        rows,
        statuses: SafetyStatus::ALL
            .into_iter()
            .filter(|s| *s != SafetyStatus::Unchecked)
            .map(|s| (s.code(), s.label()))
            .collect(),
        methods: ContactMethod::ALL
            .into_iter()
            .map(|m| (m.code(), m.label()))
            .collect(),
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct CheckForm {
    status: String,
    method: String,
    #[serde(default)]
    note: String,
    key: String,
}

pub async fn record_check(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<CheckForm>, FormRejection>,
) -> UiResult<Response> {
    use tsunagi_domain::safety::{CheckAttempt, ContactMethod, SafetyStatus};
    let Path((decl, person)) = path.map_err(|_| AppError::NotFound)?;
    let decl: uuid::Uuid = decl.parse().map_err(|_| AppError::NotFound)?;
    let person: tsunagi_domain::PersonId = person.parse().map_err(|_| AppError::NotFound)?;
    let Form(f) = form.map_err(AppError::from)?;
    let (Some(status), Some(method)) = (
        SafetyStatus::parse(&f.status),
        ContactMethod::parse(&f.method),
    ) else {
        return Err(AppError::BadRequest("確認の結果と方法を選んでください".into()).into());
    };
    let attempt = CheckAttempt {
        status,
        method,
        note: Some(f.note),
        key: f.key,
    };
    tsunagi_app::safety::record(&state.app, &user.ctx, decl, person, attempt).await?;
    Ok(Redirect::to(&format!("/disasters/{decl}/sweep")).into_response())
}

#[derive(Deserialize)]
pub struct EscalationForm {
    minutes: String,
    #[serde(default)]
    back: String,
}

/// Sets the municipality's escalation time (its staff); back to the sweep.
pub async fn set_escalation(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<EscalationForm>,
) -> UiResult<Response> {
    let minutes: u32 = f.minutes.trim().parse().unwrap_or(0);
    tsunagi_app::safety::set_escalation(&state.app, &user.ctx, minutes).await?;
    let back = if f.back.starts_with('/') && !f.back.starts_with("//") {
        f.back
    } else {
        "/disasters".to_owned()
    };
    Ok(axum::response::Redirect::to(&back).into_response())
}
