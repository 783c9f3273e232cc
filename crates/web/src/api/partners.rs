//! The partner directory: organisations with their fields, area, contact, agreement and
//! registration as 被災者援護協力団体 (the municipality's staff).

use super::extract::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::Value;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::partner::PartnerProfile;
use uuid::Uuid;

/// The directory, organisations with a profile first.
#[utoipa::path(get, path = "/api/v1/partners", tag = "cases",
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, user: ApiUser) -> Result<Json<Value>, AppError> {
    let d = tsunagi_app::partners::directory(&state.app, &user.ctx).await?;
    serde_json::to_value(d)
        .map(Json)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Records an organisation's profile: fields (issue categories), area, contact, agreement.
#[utoipa::path(put, path = "/api/v1/partners/{id}", tag = "cases",
    params(("id" = Uuid, Path, description = "the organisation")), request_body = PartnerProfile,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(organisation): ApiPath<Uuid>,
    ApiJson(p): ApiJson<PartnerProfile>,
) -> Result<StatusCode, AppError> {
    tsunagi_app::partners::save(&state.app, &user.ctx, OrganisationId(organisation), p).await?;
    Ok(StatusCode::NO_CONTENT)
}
