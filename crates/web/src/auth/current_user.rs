//! The logged-in user of a screen request, from the server-side session.

use crate::request_id::RequestIdsOf;
use crate::ui::UiError;
use crate::{AppError, AppState};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use tsunagi_app::users::Membership;
use tsunagi_app::{Context, Identity};
use tsunagi_domain::access::Actor;
use tsunagi_domain::{MembershipId, UserId};

/// What the session remembers after login.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionAuth {
    pub user_id: UserId,
    pub membership_id: MembershipId,
}

pub const AUTH_KEY: &str = "auth";

/// A logged-in user acting through one membership, with the request's context.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub actor: Actor,
    pub membership: Membership,
    pub display_name: String,
    pub csrf_token: String,
    pub session: Session,
    /// What every use case of this request is given.
    pub ctx: Context,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, UiError> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| UiError(AppError::Internal("session layer missing".into())))?;
        let Ok(RequestIdsOf(ids)) = RequestIdsOf::from_request_parts(parts, state).await;
        let auth: Option<SessionAuth> = session
            .get(AUTH_KEY)
            .await
            .map_err(|e| UiError(AppError::Unavailable(e.to_string())))?;
        let Some(auth) = auth else {
            return Err(UiError(AppError::Unauthenticated));
        };
        let Some((actor, membership, display_name)) =
            tsunagi_app::users::acting_as(&state.app, auth.user_id, auth.membership_id)
                .await
                .map_err(AppError::from)?
        else {
            let _ = session.flush().await;
            return Err(UiError(AppError::Unauthenticated));
        };
        let csrf_token = super::ensure_csrf_token(&session).await?;
        let ctx = state
            .app
            .context(Identity::User(actor.clone()), ids)
            .await
            .map_err(AppError::from)?;
        Ok(CurrentUser {
            actor,
            membership,
            display_name,
            csrf_token,
            session,
            ctx,
        })
    }
}
