//! Training, briefings and drills (研修・説明会・避難訓練).

use super::extract::ApiJson;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::Value;
use tsunagi_domain::preparedness::ActivityInput;

fn json<T: serde::Serialize>(v: &T) -> Result<Json<Value>, AppError> {
    serde_json::to_value(v)
        .map(Json)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The municipality's training, briefings and drills, newest first (its staff).
#[utoipa::path(get, path = "/api/v1/preparedness", tag = "plans",
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, user: ApiUser) -> Result<Json<Value>, AppError> {
    json(&tsunagi_app::preparedness::list(&state.app, &user.ctx).await?)
}

/// Records a training, briefing or drill; a drill's findings (by 宛名番号) mark those persons'
/// finished plans for review.
#[utoipa::path(post, path = "/api/v1/preparedness", tag = "plans", request_body = ActivityInput,
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(a): ApiJson<ActivityInput>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let saved = tsunagi_app::preparedness::record(&state.app, &user.ctx, a).await?;
    Ok((StatusCode::CREATED, json(&saved)?))
}
