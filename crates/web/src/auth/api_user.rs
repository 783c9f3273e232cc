//! The user of an API request, from `Authorization: Bearer tsn_…`. API requests never use the
//! session cookie, so they need no CSRF token.

use crate::request_id::RequestId;
use crate::{AppError, AppState};
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use tsunagi_domain::access::Actor;
use tsunagi_store::AuditContext;

#[derive(Clone, Debug)]
pub struct ApiUser {
    pub actor: Actor,
    pub request_id: Option<String>,
}

impl ApiUser {
    pub fn audit(&self) -> AuditContext {
        AuditContext::for_actor(&self.actor, self.request_id.clone())
    }
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
            .filter(|t| t.starts_with(super::token::PREFIX) && t.len() < 200)
            .ok_or(AppError::Unauthenticated)?;
        let (user_id, membership_id) = state
            .store
            .token_by_hash(&super::sha256_hex(token))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let (actor, _, _) = super::load_actor(&state.store, user_id, membership_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let request_id = RequestId::from_request_parts(parts, state)
            .await
            .map(|r| r.0)
            .unwrap_or(None);
        Ok(ApiUser { actor, request_id })
    }
}
