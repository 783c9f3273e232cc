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
use std::collections::BTreeSet;
use std::collections::HashMap;
use tsunagi_app::declarations;
use tsunagi_app::declarations::AreaChoices;
use tsunagi_domain::declaration::{
    AffectedArea, AreaDistrict, DisasterKind, NewDeclaration, Stage, ZoneHazard,
};

use super::programmes::{Pairs, field};

struct Row {
    id: String,
    name: String,
    kind: &'static str,
    stage: &'static str,
    stage_code: &'static str,
    area: String,
    /// The area's form (whole, towns, community, welfare, hazards): what widening offers.
    area_form: &'static str,
    /// People on the roster in the area (the sweep).
    people: i64,
    widen_error: Option<String>,
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
    /// What an area may be made of, for those who declare.
    choices: AreaChoices,
    hazard_choices: Vec<(&'static str, &'static str, usize)>,
}

fn area_form(a: &AffectedArea) -> &'static str {
    match a {
        AffectedArea::WholeMunicipality => "whole",
        AffectedArea::Towns { .. } => "towns",
        AffectedArea::Districts {
            of: AreaDistrict::Community,
            ..
        } => "community",
        AffectedArea::Districts {
            of: AreaDistrict::Welfare,
            ..
        } => "welfare",
        AffectedArea::HazardZones { .. } => "hazards",
    }
}

/// The area a declaring or widening form chose: `area_form` and the boxes ticked.
fn area_from(f: &Pairs) -> Result<AffectedArea, tsunagi_app::Error> {
    let all = |name: &str| -> BTreeSet<String> {
        f.iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    };
    Ok(match field(f, "area_form") {
        "" | "whole" => AffectedArea::WholeMunicipality,
        "towns" => AffectedArea::Towns { towns: all("town") },
        "community" => AffectedArea::Districts {
            of: AreaDistrict::Community,
            districts: all("community"),
        },
        "welfare" => AffectedArea::Districts {
            of: AreaDistrict::Welfare,
            districts: all("welfare"),
        },
        "hazards" => AffectedArea::HazardZones {
            hazards: all("hazard")
                .iter()
                .filter_map(|h| ZoneHazard::parse(h))
                .collect(),
        },
        _ => return Err(tsunagi_app::Error::invalid("area", "区域を選んでください")),
    })
}

fn may_declare(user: &CurrentUser) -> bool {
    tsunagi_domain::access::can(
        &user.actor,
        tsunagi_domain::access::Capability::DeclareDisaster,
    )
}

async fn build(state: &AppState, user: &CurrentUser) -> UiResult<DisastersPage> {
    let list = declarations::list(&state.app, &user.ctx).await?;
    let ids: Vec<uuid::Uuid> = list.iter().map(|d| d.id).collect();
    let people = declarations::people_in_areas(&state.app, &user.ctx, &ids).await?;
    let choices = if may_declare(user) {
        declarations::area_choices(&state.app, &user.ctx).await?
    } else {
        AreaChoices::default()
    };
    Ok(DisastersPage {
        hazard_choices: choices
            .hazards
            .iter()
            .map(|(h, n)| (h.code(), h.label(), *n))
            .collect(),
        choices,
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
                area: match d.residents_aged {
                    Some(a) => format!("{}（名簿にない{a}歳以上の住民も）", d.area.label()),
                    None => d.area.label(),
                },
                area_form: area_form(&d.area),
                people: people.get(&d.id).copied().unwrap_or(0),
                widen_error: None,
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

pub async fn declare(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let (Some(kind), Some(stage)) = (
        DisasterKind::parse(field(&f, "kind")),
        Stage::parse(field(&f, "stage")),
    ) else {
        return Err(AppError::BadRequest("災害の種類・段階を選んでください".into()).into());
    };
    let r = match area_from(&f) {
        Ok(area) => {
            let d = NewDeclaration {
                name: field(&f, "name").to_owned(),
                kind,
                stage,
                area,
                started_at: None,
                // Empty: the roster only; anything but a number is refused by the rules.
                residents_aged: match field(&f, "residents_aged") {
                    "" => None,
                    a => Some(a.parse().unwrap_or(0)),
                },
            };
            declarations::declare(&state.app, &user.ctx, d).await
        }
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => Ok(Redirect::to("/disasters").into_response()),
        Err(tsunagi_app::Error::Invalid(errors)) => {
            let mut p = build(&state, &user).await?;
            p.form_name = field(&f, "name").to_owned();
            for e in errors.0 {
                p.errors.insert(e.field, e.message);
            }
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Widens an open declaration's area by the boxes ticked (of the area's own form).
pub async fn widen(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let id = path_uuid(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let version: i32 = field(&f, "version")
        .parse()
        .map_err(|_| AppError::BadRequest("版が不正です".into()))?;
    let r = match area_from(&f) {
        Ok(more) => declarations::widen_area(&state.app, &user.ctx, id, version, more)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(Redirect::to("/disasters").into_response()),
        Err(tsunagi_app::Error::Invalid(errors)) => {
            let mut p = build(&state, &user).await?;
            let id = id.to_string();
            for r in p.rows.iter_mut().filter(|r| r.id == id) {
                r.widen_error = errors.0.first().map(|e| e.message.clone());
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
