//! Referrals (支援へのつなぎ): made from a case, sharing only the items chosen on a named basis;
//! the organisation referred to answers in its own login and sees only those items.

use super::extract::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use tsunagi_app::referrals;
use tsunagi_domain::referral::{ReferralInput, ReferralStep};
use utoipa::ToSchema;
use uuid::Uuid;

fn json<T: serde::Serialize>(v: &T) -> Result<Json<Value>, AppError> {
    serde_json::to_value(v)
        .map(Json)
        .map_err(|e| AppError::Internal(e.to_string()))
}

#[derive(Deserialize, ToSchema)]
pub struct ReferralNew {
    pub referral: ReferralInput,
    /// Send it at once (otherwise it stays proposed).
    #[serde(default)]
    pub send: bool,
}

/// Refers the case's household to an organisation (or for a programme), sharing the items
/// chosen on the basis named (the case's owner or lead).
#[utoipa::path(post, path = "/api/v1/cases/{id}/referrals", tag = "cases", params(("id" = Uuid, Path)),
    request_body = ReferralNew,
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<ReferralNew>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let v = referrals::refer(&state.app, &user.ctx, id, r.referral, r.send).await?;
    Ok((StatusCode::CREATED, json(&v)?))
}

/// A case's referrals.
#[utoipa::path(get, path = "/api/v1/cases/{id}/referrals", tag = "cases", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn of_case(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&referrals::of_case(&state.app, &user.ctx, id).await?)
}

/// The referrals made to the caller's organisation.
#[utoipa::path(get, path = "/api/v1/referrals/to-us", tag = "cases",
    responses((status = 200, body = Object)))]
pub async fn to_us(State(state): State<AppState>, user: ApiUser) -> Result<Json<Value>, AppError> {
    json(&referrals::to_us(&state.app, &user.ctx).await?)
}

/// A referral: whole for the case's side; for the organisation referred to, only the items
/// shared.
#[utoipa::path(get, path = "/api/v1/referrals/{id}", tag = "cases", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&referrals::get(&state.app, &user.ctx, id).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct StepSave {
    pub version: i32,
    pub step: ReferralStep,
}

/// A step: `send` (sender); `accept`, `decline` (with a reason), `accompany` (who, place,
/// advice) by the organisation referred to; `complete` or `fail` (with a reason) by either.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/steps", tag = "cases", params(("id" = Uuid, Path)),
    request_body = StepSave,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn step(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(s): ApiJson<StepSave>,
) -> Result<Json<Value>, AppError> {
    json(&referrals::step(&state.app, &user.ctx, id, s.version, s.step).await?)
}
