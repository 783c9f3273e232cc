use super::extract::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use tsunagi_app::plans;
use tsunagi_domain::PersonId;
use tsunagi_domain::plan::EvacuationPlan;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct PlanVersionDto {
    pub version: i32,
    pub plan: EvacuationPlan,
    pub author: String,
    pub author_organisation: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// 市町村による確認 of this version: when, by whom (absent while a draft). Receivers are
    /// only ever given checked versions.
    pub checked: Option<PlanCheckDto>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanCheckDto {
    pub at: chrono::DateTime<chrono::Utc>,
    pub by: String,
    pub organisation: String,
}

impl From<plans::PlanVersion> for PlanVersionDto {
    fn from(v: plans::PlanVersion) -> Self {
        Self {
            version: v.version,
            plan: v.plan,
            author: v.author,
            author_organisation: v.author_organisation,
            created_at: v.created_at,
            checked: v.checked.map(|c| PlanCheckDto {
                at: c.at,
                by: c.by,
                organisation: c.organisation,
            }),
        }
    }
}

/// Every version of the person's individual evacuation plan the caller may see, newest first:
/// writers see every version, receivers only those that passed 市町村による確認.
#[utoipa::path(get, path = "/api/v1/persons/{id}/plan", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<PlanVersionDto>), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<PlanVersionDto>>, AppError> {
    let h = plans::history(&state.app, &user.ctx, PersonId(id)).await?;
    Ok(Json(h.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct PlanWrite {
    /// The version the plan was based on (0 for the first).
    pub version: i32,
    pub plan: EvacuationPlan,
}

/// Saves a new version; a stale `version` is refused with 409 and the current version.
#[utoipa::path(put, path = "/api/v1/persons/{id}/plan", tag = "plans", params(("id" = Uuid, Path)), request_body = PlanWrite,
    responses((status = 200, body = PlanVersionDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(w): ApiJson<PlanWrite>,
) -> Result<Json<PlanVersionDto>, AppError> {
    let v = plans::save(&state.app, &user.ctx, PersonId(id), w.version, w.plan).await?;
    Ok(Json(v.into()))
}

/// The latest plan as a printable A4 PDF in Japanese (fonts embedded), for anyone who may see
/// the plan.
#[utoipa::path(get, path = "/api/v1/persons/{id}/plan.pdf", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn pdf(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::response::Response, AppError> {
    crate::documents::plan_pdf(&state, &user.ctx, PersonId(id)).await
}

#[derive(Serialize, ToSchema)]
pub struct MeetingDto {
    pub id: Uuid,
    pub meeting: tsunagi_domain::meeting::CoordinationMeeting,
    pub recorded_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The person's coordination meetings (調整会議), newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/meetings", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<MeetingDto>), (status = 404, body = ErrorBody)))]
pub async fn meetings(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<MeetingDto>>, AppError> {
    let list = tsunagi_app::meetings::list(&state.app, &user.ctx, PersonId(id)).await?;
    Ok(Json(
        list.into_iter()
            .map(|r| MeetingDto {
                id: r.id,
                meeting: r.meeting,
                recorded_by: r.recorded_by,
                created_at: r.created_at,
            })
            .collect(),
    ))
}

/// Records a coordination meeting: attendees and the decisions on ① destination and route,
/// ② timing, ③ actions and roles. Lets the workflow pass its 調整会議 step.
#[utoipa::path(post, path = "/api/v1/persons/{id}/meetings", tag = "plans", params(("id" = Uuid, Path)),
    request_body = tsunagi_domain::meeting::CoordinationMeeting,
    responses((status = 201, body = MeetingDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_meeting(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(m): ApiJson<tsunagi_domain::meeting::CoordinationMeeting>,
) -> Result<(axum::http::StatusCode, Json<MeetingDto>), AppError> {
    let r = tsunagi_app::meetings::record(&state.app, &user.ctx, PersonId(id), m).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(MeetingDto {
            id: r.id,
            meeting: r.meeting,
            recorded_by: r.recorded_by,
            created_at: r.created_at,
        }),
    ))
}
