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
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::role::Role;

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
    rows: Vec<Row>,
    kinds: Vec<(&'static str, &'static str)>,
    stages: Vec<(&'static str, &'static str)>,
    form_name: String,
    errors: HashMap<String, String>,
}

fn may_declare(user: &CurrentUser) -> bool {
    user.actor.organisation_kind == OrganisationKind::Municipality
        && matches!(
            user.actor.role,
            Role::Administrator | Role::DisasterManagementStaff
        )
}

async fn build(state: &AppState, user: &CurrentUser) -> UiResult<DisastersPage> {
    let list = declarations::list(&state.app, &user.ctx).await?;
    Ok(DisastersPage {
        chrome: Chrome::new(user, "disasters"),
        can_declare: may_declare(user),
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
