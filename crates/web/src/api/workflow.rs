use super::extract::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tsunagi_app::workflows::{self, Workflow};
use tsunagi_domain::PersonId;
use tsunagi_domain::triage::Approach;
use tsunagi_domain::workflow::{Obstacle, Step};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct WorkflowEventDto {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub event: String,
    pub from_step: Option<Step>,
    pub to_step: Option<Step>,
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkflowDto {
    pub approach: Approach,
    pub step: Step,
    /// Who carries the current step out.
    pub step_actor: String,
    pub assignee_organisation_id: Option<Uuid>,
    pub assignee: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub obstacle: Option<Obstacle>,
    /// The guide's suggested next step for the obstacle.
    pub suggestion: Option<String>,
    /// Send back with `advance`.
    pub version: i32,
    pub review_due: Option<NaiveDate>,
    pub review_reason: Option<String>,
    pub events: Vec<WorkflowEventDto>,
}

impl From<Workflow> for WorkflowDto {
    fn from(w: Workflow) -> Self {
        Self {
            approach: w.approach,
            step: w.step,
            step_actor: w.step.actor().label().to_owned(),
            assignee_organisation_id: w.assignee_organisation_id.map(|o| o.0),
            assignee: w.assignee,
            due_date: w.due_date,
            obstacle: w.obstacle,
            suggestion: w.obstacle.map(|o| o.suggestion().to_owned()),
            version: w.version,
            review_due: w.review_due,
            review_reason: w.review_reason,
            events: w
                .events
                .into_iter()
                .map(|e| WorkflowEventDto {
                    at: e.at,
                    actor: e.actor,
                    event: e.event,
                    from_step: e.from_step,
                    to_step: e.to_step,
                    note: e.note,
                })
                .collect(),
        }
    }
}

/// The plan workflow of a person (404 if not started or not visible).
#[utoipa::path(get, path = "/api/v1/persons/{id}/workflow", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, body = WorkflowDto), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<WorkflowDto>, AppError> {
    let w = workflows::get(&state.app, &user.ctx, PersonId(id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(w.into()))
}

/// Starts the workflow with the approach of the person's triage.
#[utoipa::path(post, path = "/api/v1/persons/{id}/workflow", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, body = WorkflowDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<WorkflowDto>, AppError> {
    let w = workflows::start(&state.app, &user.ctx, PersonId(id)).await?;
    Ok(Json(w.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct AdvanceDto {
    pub version: i32,
    #[serde(default)]
    pub skip: bool,
    pub note: Option<String>,
}

/// Finishes the current step (or skips 調整会議). Refused with 422 and the reason when the step
/// lacks what it needs (consent, a written or complete plan), 409 on a stale version.
#[utoipa::path(post, path = "/api/v1/persons/{id}/workflow/advance", tag = "plans", params(("id" = Uuid, Path)), request_body = AdvanceDto,
    responses((status = 200, body = WorkflowDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn advance(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(a): ApiJson<AdvanceDto>,
) -> Result<Json<WorkflowDto>, AppError> {
    let w = workflows::advance(
        &state.app,
        &user.ctx,
        PersonId(id),
        a.version,
        a.skip,
        a.note,
    )
    .await?;
    Ok(Json(w.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct AssignDto {
    pub organisation_id: Uuid,
    pub assignee: Option<String>,
    pub due_date: Option<NaiveDate>,
}

/// Assigns the work to an organisation of the municipality (sharing the record with it).
#[utoipa::path(post, path = "/api/v1/persons/{id}/workflow/assign", tag = "plans", params(("id" = Uuid, Path)), request_body = AssignDto,
    responses((status = 200, body = WorkflowDto), (status = 404, body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(a): ApiJson<AssignDto>,
) -> Result<Json<WorkflowDto>, AppError> {
    let assignment = workflows::Assignment {
        organisation: tsunagi_domain::OrganisationId(a.organisation_id),
        assignee: a.assignee,
        due: a.due_date,
    };
    let w = workflows::assign(&state.app, &user.ctx, PersonId(id), assignment).await?;
    Ok(Json(w.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ApproachChangeDto {
    /// The workflow version the change is based on.
    pub version: i32,
    pub approach: tsunagi_domain::triage::Approach,
    /// Why (kept in the history), e.g. 「書面では同意が得られないため」.
    pub reason: String,
}

/// Changes the approach mid-way with a reason (the owning municipality): the steps restart for
/// the new approach (a written plan goes to 市町村による確認); the history and the work done are
/// kept.
#[utoipa::path(post, path = "/api/v1/persons/{id}/workflow/approach", tag = "plans", params(("id" = Uuid, Path)), request_body = ApproachChangeDto,
    responses((status = 200, body = WorkflowDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn approach(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(c): ApiJson<ApproachChangeDto>,
) -> Result<Json<WorkflowDto>, AppError> {
    let w = workflows::change_approach(
        &state.app,
        &user.ctx,
        PersonId(id),
        c.version,
        c.approach,
        &c.reason,
    )
    .await?;
    Ok(Json(w.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ObstacleDto {
    /// `null` clears it
    pub obstacle: Option<Obstacle>,
    pub note: Option<String>,
}

/// Records (or clears) one of the guide's obstacles.
#[utoipa::path(post, path = "/api/v1/persons/{id}/workflow/obstacle", tag = "plans", params(("id" = Uuid, Path)), request_body = ObstacleDto,
    responses((status = 200, body = WorkflowDto), (status = 404, body = ErrorBody)))]
pub async fn obstacle(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(o): ApiJson<ObstacleDto>,
) -> Result<Json<WorkflowDto>, AppError> {
    let w =
        workflows::set_obstacle(&state.app, &user.ctx, PersonId(id), o.obstacle, o.note).await?;
    Ok(Json(w.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewDto {
    pub note: Option<String>,
}

/// Records a review of a finished plan; the next is due a year later.
#[utoipa::path(post, path = "/api/v1/persons/{id}/workflow/review", tag = "plans", params(("id" = Uuid, Path)), request_body = ReviewDto,
    responses((status = 200, body = WorkflowDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<ReviewDto>,
) -> Result<Json<WorkflowDto>, AppError> {
    let w = workflows::reviewed(&state.app, &user.ctx, PersonId(id), r.note).await?;
    Ok(Json(w.into()))
}

/// Progress counts of the roster and plans, for the municipality and per area.
#[utoipa::path(get, path = "/api/v1/roster/progress", tag = "roster",
    responses((status = 200, description = "counts: total and per area"), (status = 403, body = ErrorBody)))]
pub async fn progress(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<tsunagi_domain::progress::Summary>, AppError> {
    Ok(Json(
        tsunagi_app::progress::summary(&state.app, &user.ctx).await?,
    ))
}

/// The yearly 消防庁 survey's figures of the roster and plans (the municipality's staff): the
/// bases in force, the plan status (全部策定・一部策定・未策定), and per municipality, area and
/// 自治会 district the people on the roster, provided in normal times (by consent, by the
/// ordinance), plans finished, in part and not begun, finished plans provided, and high-priority
/// people with their finished plans.
#[utoipa::path(get, path = "/api/v1/roster/survey", tag = "roster",
    responses((status = 200, description = "the survey's figures"), (status = 403, body = ErrorBody)))]
pub async fn survey(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<tsunagi_app::progress::SurveyView>, AppError> {
    Ok(Json(
        tsunagi_app::progress::survey(&state.app, &user.ctx).await?,
    ))
}
