use super::dto::{CreatedToken, NewToken, TokenDto};
use super::extract::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tsunagi_app::tokens;
use uuid::Uuid;

/// The caller's own API tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens",
    responses((status = 200, body = Vec<TokenDto>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<TokenDto>>, AppError> {
    Ok(Json(
        tokens::list(&state.app, &user.ctx)
            .await?
            .iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Issues a new token acting for the same organisation and role as the calling token.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(new): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), AppError> {
    let (t, secret) = tokens::create(&state.app, &user.ctx, &new.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token: (&t).into(),
            secret,
        }),
    ))
}

/// Revokes one of the caller's tokens at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, AppError> {
    tokens::revoke(&state.app, &user.ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
