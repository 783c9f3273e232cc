//! The municipality's legal basis for normal-time provision (同意方式・条例・手挙げ).

use super::extract::ApiJson;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use tsunagi_app::legal_basis;
use tsunagi_domain::legal_basis::LegalBasis;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct LegalBasisVersionDto {
    pub version: i32,
    pub basis: LegalBasis,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct LegalBasesDto {
    /// The version in force (0: none recorded, 同意方式 for both).
    pub version: i32,
    /// Newest first.
    pub history: Vec<LegalBasisVersionDto>,
}

/// The caller's municipality's bases, newest first; none recorded means 同意方式.
#[utoipa::path(get, path = "/api/v1/legal-basis", tag = "roster",
    responses((status = 200, body = LegalBasesDto), (status = 403, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<LegalBasesDto>, AppError> {
    let h = legal_basis::history(&state.app, &user.ctx).await?;
    Ok(Json(LegalBasesDto {
        version: h.first().map(|v| v.version).unwrap_or(0),
        history: h
            .into_iter()
            .map(|v| LegalBasisVersionDto {
                version: v.version,
                basis: v.basis,
                recorded_by: v.recorded_by,
                recorded_at: v.recorded_at,
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct LegalBasisWrite {
    /// The version the administrator saw (0 when none).
    pub version: i32,
    pub basis: LegalBasis,
}

/// Records a new basis (the municipality's administrators); it is in force at once for every
/// read. A stale `version` gets 409.
#[utoipa::path(put, path = "/api/v1/legal-basis", tag = "roster", request_body = LegalBasisWrite,
    responses((status = 200, body = LegalBasesDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(w): ApiJson<LegalBasisWrite>,
) -> Result<Json<LegalBasesDto>, AppError> {
    legal_basis::record(&state.app, &user.ctx, w.version, w.basis).await?;
    get(State(state), user).await
}
