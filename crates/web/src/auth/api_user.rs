//! The user of an API request, from `Authorization: Bearer tsn_…`. API requests never use the
//! session cookie, so they need no CSRF token.

use crate::request_id::RequestIdsOf;
use crate::{AppError, AppState};
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use tsunagi_app::{Context, Identity};
use tsunagi_domain::access::Actor;

#[derive(Clone, Debug)]
pub struct ApiUser {
    pub actor: Actor,
    /// What every use case of this request is given.
    pub ctx: Context,
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(AppError::Unauthenticated)?;
        let actor = tsunagi_app::tokens::authenticate(&state.app, token)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let Ok(RequestIdsOf(ids)) = RequestIdsOf::from_request_parts(parts, state).await;
        let ctx = state
            .app
            .context(Identity::User(actor.clone()), ids)
            .await?;
        Ok(ApiUser { actor, ctx })
    }
}
