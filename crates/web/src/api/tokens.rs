use super::dto::{CreatedToken, NewToken, TokenDto};
use super::extract::{ApiJson, ApiPath};
use crate::auth::{ApiUser, token};
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tsunagi_store::tokens;
use uuid::Uuid;

/// The caller's own API tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens",
    responses((status = 200, body = Vec<TokenDto>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<TokenDto>>, AppError> {
    Ok(Json(
        state
            .store
            .tokens_of(user.actor.user_id)
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
    let membership = state
        .store
        .membership_of(&user.actor)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let (secret, hash, prefix) = token::generate();
    let mut tx = state.store.begin(user.audit()).await?;
    let t = tokens::create(
        &mut tx,
        user.actor.user_id,
        membership.id,
        &new.name,
        hash,
        prefix,
    )
    .await?;
    tx.commit().await?;
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
    let mut tx = state.store.begin(user.audit()).await?;
    tokens::revoke(&mut tx, user.actor.user_id, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
