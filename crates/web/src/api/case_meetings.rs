//! Case meetings (ケース会議) and the tasks they decide: scheduled by the municipality's staff,
//! seen by the organisations invited (the agenda's cases and nothing else), minutes recorded
//! in one step (policy per case, tasks), minutes as PDF; tasks claimed, released and ended.

use super::extract::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use tsunagi_app::cases::{meetings, tasks};
use tsunagi_domain::case_meeting::{MeetingInput, Minutes, TaskInput, TaskState};
use utoipa::ToSchema;
use uuid::Uuid;

fn json<T: serde::Serialize>(v: &T) -> Result<Json<Value>, AppError> {
    serde_json::to_value(v)
        .map(Json)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Schedules a case meeting for cases of the declaration (the municipality's staff).
#[utoipa::path(post, path = "/api/v1/disasters/{id}/case-meetings", tag = "cases", params(("id" = Uuid, Path)),
    request_body = MeetingInput,
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn schedule(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(m): ApiJson<MeetingInput>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let saved = meetings::schedule(&state.app, &user.ctx, id, m).await?;
    Ok((StatusCode::CREATED, json(&saved)?))
}

/// The meetings in view: the municipality's for its staff, those invited to for others.
#[utoipa::path(get, path = "/api/v1/case-meetings", tag = "cases",
    responses((status = 200, body = Object)))]
pub async fn list(State(state): State<AppState>, user: ApiUser) -> Result<Json<Value>, AppError> {
    json(&meetings::list(&state.app, &user.ctx).await?)
}

/// A meeting with its agenda's cases (its municipality's staff and the organisations invited).
#[utoipa::path(get, path = "/api/v1/case-meetings/{id}", tag = "cases", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&meetings::get(&state.app, &user.ctx, id).await?)
}

/// The minutes as PDF (A4, marked as holding personal data).
#[utoipa::path(get, path = "/api/v1/case-meetings/{id}/minutes.pdf", tag = "cases", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 404, body = ErrorBody)))]
pub async fn minutes_pdf(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, AppError> {
    let v = meetings::get(&state.app, &user.ctx, id).await?;
    let m = tsunagi_app::organisations::name_of(&state.app, v.meeting.municipality_id).await?;
    crate::documents::minutes_pdf(&v, &m, user.ctx.today()).await
}

#[derive(Deserialize, ToSchema)]
pub struct MinutesSave {
    pub version: i32,
    pub minutes: Minutes,
}

/// Records the minutes: per case the situation, the policy (a review of the case) and the
/// tasks; all or nothing.
#[utoipa::path(post, path = "/api/v1/case-meetings/{id}/minutes", tag = "cases", params(("id" = Uuid, Path)),
    request_body = MinutesSave,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn minutes(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(s): ApiJson<MinutesSave>,
) -> Result<Json<Value>, AppError> {
    json(&meetings::record_minutes(&state.app, &user.ctx, id, s.version, s.minutes).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct CancelSave {
    pub version: i32,
    pub reason: String,
}

/// Cancels a scheduled meeting with a reason.
#[utoipa::path(post, path = "/api/v1/case-meetings/{id}/cancel", tag = "cases", params(("id" = Uuid, Path)),
    request_body = CancelSave,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(s): ApiJson<CancelSave>,
) -> Result<Json<Value>, AppError> {
    json(&meetings::cancel(&state.app, &user.ctx, id, s.version, s.reason).await?)
}

/// The meetings a case was on (its owner or lead).
#[utoipa::path(get, path = "/api/v1/cases/{id}/meetings", tag = "cases", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn of_case(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&meetings::of_case(&state.app, &user.ctx, id).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct TaskNew {
    pub task: TaskInput,
    /// Take it for the caller's organisation at once.
    #[serde(default)]
    pub claim: bool,
}

/// Adds a task to a case outside a meeting (its owner or lead).
#[utoipa::path(post, path = "/api/v1/cases/{id}/tasks", tag = "cases", params(("id" = Uuid, Path)),
    request_body = TaskNew,
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_task(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(t): ApiJson<TaskNew>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let saved = tasks::add(&state.app, &user.ctx, id, t.task, t.claim).await?;
    Ok((StatusCode::CREATED, json(&saved)?))
}

/// A case's tasks (its owner or lead).
#[utoipa::path(get, path = "/api/v1/cases/{id}/tasks", tag = "cases", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn case_tasks(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&tasks::of_case(&state.app, &user.ctx, id).await?)
}

/// The open tasks in view: held by the caller's organisation, or offered to it to claim.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "cases",
    responses((status = 200, body = Object)))]
pub async fn open_tasks(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Value>, AppError> {
    json(&tasks::open(&state.app, &user.ctx).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct ClaimSave {
    pub version: i32,
    /// Claim it although another organisation holds it (having spoken with them).
    #[serde(default)]
    pub knowing: bool,
}

/// Claims a task for the caller's organisation; when another holds it, refused (422) with
/// the first claim named, unless `knowing`.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/claim", tag = "cases", params(("id" = Uuid, Path)),
    request_body = ClaimSave,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn claim(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(s): ApiJson<ClaimSave>,
) -> Result<Json<Value>, AppError> {
    json(&tasks::claim(&state.app, &user.ctx, id, s.version, s.knowing).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct VersionOnly {
    pub version: i32,
}

/// Gives up the caller's organisation's claim.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/release", tag = "cases", params(("id" = Uuid, Path)),
    request_body = VersionOnly,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn release(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(s): ApiJson<VersionOnly>,
) -> Result<Json<Value>, AppError> {
    json(&tasks::release(&state.app, &user.ctx, id, s.version).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct EndSave {
    pub version: i32,
    /// `done` or `dropped`.
    pub state: TaskState,
    pub note: Option<String>,
}

/// Ends a task (an organisation holding it, or the municipality's staff).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/end", tag = "cases", params(("id" = Uuid, Path)),
    request_body = EndSave,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn end(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(s): ApiJson<EndSave>,
) -> Result<Json<Value>, AppError> {
    json(&tasks::end(&state.app, &user.ctx, id, s.version, s.state, s.note).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct CategoriesSave {
    /// The municipality's own categories, in order (replaces the list).
    pub categories: Vec<String>,
}

/// The issue categories the municipality added beside the seven (its staff).
#[utoipa::path(get, path = "/api/v1/issue-categories", tag = "cases",
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn categories(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Value>, AppError> {
    json(&tsunagi_app::cases::categories::list(&state.app, &user.ctx).await?)
}

/// Replaces the municipality's own issue categories (at most 20, none of the seven's names).
#[utoipa::path(put, path = "/api/v1/issue-categories", tag = "cases",
    request_body = CategoriesSave,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_categories(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(c): ApiJson<CategoriesSave>,
) -> Result<Json<Value>, AppError> {
    json(&tsunagi_app::cases::categories::set(&state.app, &user.ctx, c.categories).await?)
}
