//! The full roster for fire and police during a declaration, and its receipts.

use super::extract::ApiPath;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use serde_json::Value;
use uuid::Uuid;

fn json<T: serde::Serialize>(v: &T) -> Result<Json<Value>, AppError> {
    serde_json::to_value(v)
        .map(Json)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The full roster for fire and police while the declaration is open: everyone on the roster,
/// consented or not (49-11(3)); each call is recorded as a receipt and audited as 災害時.
#[utoipa::path(get, path = "/api/v1/disasters/{id}/full-list", tag = "disasters", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn full_list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&tsunagi_app::disaster_lists::full_list(&state.app, &user.ctx, id).await?)
}

/// The receipts of the full roster under a declaration (the municipality's staff).
#[utoipa::path(get, path = "/api/v1/disasters/{id}/full-list/receipts", tag = "disasters", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn full_list_receipts(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&tsunagi_app::disaster_lists::receipts(&state.app, &user.ctx, id).await?)
}
