//! Disaster declarations (災害の宣言): while one is open, the municipality's 避難支援等関係者
//! with a share see the roster and plans without consent, read-only (basis 災害時).

use super::extract::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tsunagi_app::declarations::{self, Declaration};
use tsunagi_domain::declaration::{AffectedArea, DisasterKind, NewDeclaration, Stage};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct DisasterDto {
    pub id: Uuid,
    pub name: String,
    pub kind: DisasterKind,
    pub stage: Stage,
    pub area: AffectedArea,
    pub started_at: chrono::DateTime<chrono::Utc>,
    /// Absent while open.
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub open: bool,
    pub declared_by: String,
    pub version: i32,
    /// How many people are in the area (the safety-check sweep).
    pub people_in_area: i64,
    /// The sweep also reaches residents of the area aged at least this (not only the roster).
    pub residents_aged: Option<u32>,
}

impl From<Declaration> for DisasterDto {
    fn from(d: Declaration) -> Self {
        Self {
            people_in_area: 0,
            id: d.id,
            open: d.closed_at.is_none(),
            name: d.name,
            kind: d.kind,
            stage: d.stage,
            area: d.area,
            started_at: d.started_at,
            closed_at: d.closed_at,
            declared_by: d.declared_by,
            version: d.version,
            residents_aged: d.residents_aged,
        }
    }
}

/// The declarations of the caller's municipality, open first.
#[utoipa::path(get, path = "/api/v1/disasters", tag = "disasters",
    responses((status = 200, body = Vec<DisasterDto>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<DisasterDto>>, AppError> {
    let l = declarations::list(&state.app, &user.ctx).await?;
    with_people(&state, &user, l).await.map(Json)
}

/// The declarations with how many people are in each area.
async fn with_people(
    state: &AppState,
    user: &ApiUser,
    l: Vec<Declaration>,
) -> Result<Vec<DisasterDto>, AppError> {
    let ids: Vec<Uuid> = l.iter().map(|d| d.id).collect();
    let n = declarations::people_in_areas(&state.app, &user.ctx, &ids).await?;
    Ok(l.into_iter()
        .map(|d| {
            let people = n.get(&d.id).copied().unwrap_or(0);
            DisasterDto {
                people_in_area: people,
                ..d.into()
            }
        })
        .collect())
}

async fn one_with_people(
    state: &AppState,
    user: &ApiUser,
    d: Declaration,
) -> Result<DisasterDto, AppError> {
    with_people(state, user, vec![d])
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Declares a disaster (disaster-management staff, administrators) over an area: the whole
/// municipality, chosen towns (`{"type":"towns","towns":["本町一丁目"]}`), 自治会 or 民生委員
/// districts (`{"type":"districts","of":"welfare","districts":["第3地区"]}`) or the homes in
/// hazard zones (`{"type":"hazard_zones","hazards":["flood"]}`). Disaster-time provision for
/// the people in the area and their safety-check sweep start at once.
#[utoipa::path(post, path = "/api/v1/disasters", tag = "disasters", request_body = NewDeclaration,
    responses((status = 201, body = DisasterDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn declare(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(d): ApiJson<NewDeclaration>,
) -> Result<(StatusCode, Json<DisasterDto>), AppError> {
    let d = declarations::declare(&state.app, &user.ctx, d).await?;
    Ok((
        StatusCode::CREATED,
        Json(one_with_people(&state, &user, d).await?),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct AreaWidening {
    pub version: i32,
    /// Added to the area; of the same form (towns to towns, …).
    pub area: AffectedArea,
}

#[derive(Serialize, ToSchema)]
pub struct WidenedDto {
    pub disaster: DisasterDto,
    /// How many people joined the sweep.
    pub joined: usize,
}

/// Widens an open declaration's area: the people of the widened area who were not in the
/// sweep join it and are reached at once; nobody leaves it.
#[utoipa::path(post, path = "/api/v1/disasters/{id}/area", tag = "disasters", params(("id" = Uuid, Path)), request_body = AreaWidening,
    responses((status = 200, body = WidenedDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn widen(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(c): ApiJson<AreaWidening>,
) -> Result<Json<WidenedDto>, AppError> {
    let (d, joined) =
        declarations::widen_area(&state.app, &user.ctx, id, c.version, c.area).await?;
    Ok(Json(WidenedDto {
        disaster: one_with_people(&state, &user, d).await?,
        joined,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct StageChange {
    pub version: i32,
    pub stage: Stage,
}

/// Moves an open declaration to another stage (raised or lowered).
#[utoipa::path(post, path = "/api/v1/disasters/{id}/stage", tag = "disasters", params(("id" = Uuid, Path)), request_body = StageChange,
    responses((status = 200, body = DisasterDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn stage(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(c): ApiJson<StageChange>,
) -> Result<Json<DisasterDto>, AppError> {
    let d = declarations::change_stage(&state.app, &user.ctx, id, c.version, c.stage).await?;
    Ok(Json(d.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct Close {
    pub version: i32,
}

/// Closes a declaration now: disaster-time provision ends at once.
#[utoipa::path(post, path = "/api/v1/disasters/{id}/close", tag = "disasters", params(("id" = Uuid, Path)), request_body = Close,
    responses((status = 200, body = DisasterDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(c): ApiJson<Close>,
) -> Result<Json<DisasterDto>, AppError> {
    let d = declarations::close(&state.app, &user.ctx, id, c.version).await?;
    Ok(Json(d.into()))
}

#[derive(Serialize, ToSchema)]
pub struct SweepLineDto {
    pub person: super::dto::PersonSummaryDto,
    pub status: tsunagi_domain::safety::SafetyStatus,
    pub priority: Option<tsunagi_domain::triage::Priority>,
    pub attempts: i32,
    pub last_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_by: Option<String>,
    /// 要対応: unreached for the municipality's escalation time or more (first in the queue).
    pub overdue: bool,
    /// The checking organisation the checker order gave the person to (none: the staff).
    pub checker_organisation_id: Option<Uuid>,
    /// Its name (「市町村職員」 for the staff).
    pub checker: String,
    /// The order's step that decided; `supporters`: reach the plan's supporters first.
    pub checker_step: Option<tsunagi_domain::safety::checkers::CheckerStep>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SweepQuery {
    /// A checking organisation (自治会, 民生委員, 事業所, 社協) gets the people given to it;
    /// `all=true` lists everyone it may see. Others always get their whole list.
    pub all: Option<bool>,
}

/// The safety-check sweep of a declaration as the caller may see it: nobody-reached first,
/// then by priority.
#[utoipa::path(get, path = "/api/v1/disasters/{id}/sweep", tag = "disasters", params(("id" = Uuid, Path), SweepQuery),
    responses((status = 200, body = Vec<SweepLineDto>), (status = 404, body = ErrorBody)))]
pub async fn sweep(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    super::extract::ApiQuery(q): super::extract::ApiQuery<SweepQuery>,
) -> Result<Json<Vec<SweepLineDto>>, AppError> {
    let l = tsunagi_app::safety::sweep(&state.app, &user.ctx, id, q.all.unwrap_or(false)).await?;
    Ok(Json(
        l.lines
            .into_iter()
            .map(|l| SweepLineDto {
                person: (&l.person).into(),
                status: l.status,
                priority: l.priority,
                attempts: l.attempts,
                last_at: l.last_at,
                last_by: l.last_by,
                overdue: l.overdue,
                checker_organisation_id: l.checker,
                checker: l.checker_name,
                checker_step: l.checker_step,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct RecordedDto {
    pub status: tsunagi_domain::safety::SafetyStatus,
}

/// Records one safety-check attempt on a person (anyone who may see the person now). The same
/// `key` twice records once.
#[utoipa::path(post, path = "/api/v1/disasters/{id}/sweep/{person_id}", tag = "disasters",
    params(("id" = Uuid, Path), ("person_id" = Uuid, Path)), request_body = tsunagi_domain::safety::CheckAttempt,
    responses((status = 200, body = RecordedDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_check(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, person)): ApiPath<(Uuid, Uuid)>,
    ApiJson(a): ApiJson<tsunagi_domain::safety::CheckAttempt>,
) -> Result<Json<RecordedDto>, AppError> {
    let status = tsunagi_app::safety::record(
        &state.app,
        &user.ctx,
        id,
        tsunagi_domain::PersonId(person),
        a,
    )
    .await?;
    Ok(Json(RecordedDto { status }))
}

#[derive(Serialize, ToSchema)]
pub struct SweepCountDto {
    pub status: tsunagi_domain::safety::SafetyStatus,
    pub label: &'static str,
    pub count: u64,
}

/// How many people of the sweep are at each status (the municipality's staff).
#[utoipa::path(get, path = "/api/v1/disasters/{id}/sweep/counts", tag = "disasters", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<SweepCountDto>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn sweep_counts(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<SweepCountDto>>, AppError> {
    let c = tsunagi_app::safety::counts(&state.app, &user.ctx, id).await?;
    Ok(Json(
        c.into_iter()
            .map(|(status, count)| SweepCountDto {
                status,
                label: status.label(),
                count,
            })
            .collect(),
    ))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct SafetySettings {
    /// How long a person may stay unreached before 要対応 (30–4320 minutes; default 180).
    pub escalate_after_minutes: u32,
}

/// The municipality's escalation time for the safety-check sweep (its staff).
#[utoipa::path(get, path = "/api/v1/safety-settings", tag = "disasters",
    responses((status = 200, body = SafetySettings), (status = 404, body = ErrorBody)))]
pub async fn safety_settings(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<SafetySettings>, AppError> {
    Ok(Json(SafetySettings {
        escalate_after_minutes: tsunagi_app::safety::escalation(&state.app, &user.ctx).await?,
    }))
}

/// Sets the escalation time; every open sweep uses it from the next read.
#[utoipa::path(put, path = "/api/v1/safety-settings", tag = "disasters", request_body = SafetySettings,
    responses((status = 200, body = SafetySettings), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_safety_settings(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(s): ApiJson<SafetySettings>,
) -> Result<Json<SafetySettings>, AppError> {
    Ok(Json(SafetySettings {
        escalate_after_minutes: tsunagi_app::safety::set_escalation(
            &state.app,
            &user.ctx,
            s.escalate_after_minutes,
        )
        .await?,
    }))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CheckerOrderDto {
    /// The steps in order; the municipality's staff are added last when left out.
    pub steps: Vec<tsunagi_domain::safety::checkers::CheckerStep>,
    /// The order in words (read only).
    #[serde(default)]
    pub label: String,
}

impl From<tsunagi_domain::safety::checkers::CheckerOrder> for CheckerOrderDto {
    fn from(o: tsunagi_domain::safety::checkers::CheckerOrder) -> Self {
        CheckerOrderDto {
            steps: o.steps().to_vec(),
            label: o.label(),
        }
    }
}

/// The municipality's checker order for the safety-check sweep (its staff): each person goes to
/// the first step that has someone for them.
#[utoipa::path(get, path = "/api/v1/safety-settings/checker-order", tag = "disasters",
    responses((status = 200, body = CheckerOrderDto), (status = 404, body = ErrorBody)))]
pub async fn checker_order(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<CheckerOrderDto>, AppError> {
    Ok(Json(
        tsunagi_app::safety::checker_order(&state.app, &user.ctx)
            .await?
            .into(),
    ))
}

/// Sets the checker order; sweeps opened from now on use it (open ones keep their checkers).
#[utoipa::path(put, path = "/api/v1/safety-settings/checker-order", tag = "disasters", request_body = CheckerOrderDto,
    responses((status = 200, body = CheckerOrderDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_checker_order(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(o): ApiJson<CheckerOrderDto>,
) -> Result<Json<CheckerOrderDto>, AppError> {
    Ok(Json(
        tsunagi_app::safety::set_checker_order(&state.app, &user.ctx, &o.steps)
            .await?
            .into(),
    ))
}
