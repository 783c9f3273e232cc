//! The logged-in user of a screen request, from the server-side session.

use crate::request_id::RequestId;
use crate::ui::UiError;
use crate::{AppError, AppState};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use tsunagi_domain::access::Actor;
use tsunagi_domain::{MembershipId, UserId};
use tsunagi_store::AuditContext;
use tsunagi_store::users::Membership;

/// What the session remembers after login.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionAuth {
    pub user_id: UserId,
    pub membership_id: MembershipId,
}

pub const AUTH_KEY: &str = "auth";

/// A logged-in user acting through one membership.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub actor: Actor,
    pub membership: Membership,
    pub display_name: String,
    pub csrf_token: String,
    pub request_id: Option<String>,
    pub session: Session,
}

impl CurrentUser {
    /// The audit context for this request.
    pub fn audit(&self) -> AuditContext {
        AuditContext::for_actor(&self.actor, self.request_id.clone())
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, UiError> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| UiError(AppError::Internal("session layer missing".into())))?;
        let request_id = RequestId::from_request_parts(parts, state)
            .await
            .map(|r| r.0)
            .unwrap_or(None);
        let auth: Option<SessionAuth> = session
            .get(AUTH_KEY)
            .await
            .map_err(|e| UiError(AppError::Unavailable(e.to_string())))?;
        let Some(auth) = auth else {
            return Err(UiError(AppError::Unauthenticated));
        };
        let Some((actor, membership, display_name)) =
            super::load_actor(&state.store, auth.user_id, auth.membership_id).await?
        else {
            let _ = session.flush().await;
            return Err(UiError(AppError::Unauthenticated));
        };
        let csrf_token = super::ensure_csrf_token(&session).await?;
        Ok(CurrentUser {
            actor,
            membership,
            display_name,
            csrf_token,
            request_id,
            session,
        })
    }
}
