//! Login, logout, and choosing which organisation to act for.

use super::{UiError, UiResult};
use crate::auth::{AUTH_KEY, CurrentUser, SessionAuth, ensure_csrf_token, rotate_csrf};
use crate::request_id::RequestIdsOf;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;
use tsunagi_app::{Identity, users};

const FAILED: &str = "ログインIDまたはパスワードが正しくないか、失敗が続いたため一時的にログインできません。しばらく待ってからもう一度お試しください。";

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    login: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only local paths may be redirected to after login (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

pub async fn form(session: Session, Query(q): Query<NextQuery>) -> UiResult<Response> {
    let csrf = ensure_csrf_token(&session).await?;
    Ok(LoginPage {
        csrf,
        login: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    RequestIdsOf(ids): RequestIdsOf,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let next = safe_next(f.next.as_deref());
    let login = f.login.trim().chars().take(100).collect::<String>();
    let ctx = state
        .app
        .context(
            Identity::Anonymous {
                login: login.clone(),
            },
            ids,
        )
        .await?;
    let Some(logged_in) = users::login(&state.app, &ctx, &login, f.password).await? else {
        let csrf = ensure_csrf_token(&session).await?;
        return Ok((
            axum::http::StatusCode::UNAUTHORIZED,
            LoginPage {
                csrf,
                login,
                next,
                error: Some(FAILED.into()),
            },
        )
            .into_response());
    };
    // A new session id and a new CSRF token at login (no session fixation).
    session
        .cycle_id()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    rotate_csrf(&session).await?;
    session
        .insert(
            AUTH_KEY,
            SessionAuth {
                user_id: logged_in.user_id,
                membership_id: logged_in.membership_id,
            },
        )
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if logged_in.has_choice {
        return Ok(Redirect::to("/membership").into_response());
    }
    Ok(Redirect::to(&next).into_response())
}

pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    users::logout(&state.app, &user.ctx).await?;
    user.session
        .flush()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Redirect::to("/login").into_response())
}

struct MembershipChoice {
    id: String,
    org: String,
    kind: &'static str,
    role: &'static str,
    current: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "membership.html")]
struct MembershipPage {
    chrome: super::Chrome,
    choices: Vec<MembershipChoice>,
}

pub async fn choose(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let memberships = users::memberships(&state.app, user.actor.user_id).await?;
    Ok(MembershipPage {
        chrome: super::Chrome::new(&user, "membership"),
        choices: memberships
            .iter()
            .map(|m| MembershipChoice {
                id: m.id.to_string(),
                org: m.organisation.name.clone(),
                kind: m.organisation.kind.label(),
                role: m.role.label(),
                current: m.id == user.membership.id,
            })
            .collect(),
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct SwitchForm {
    membership_id: String,
}

pub async fn switch(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<SwitchForm>, axum::extract::rejection::FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let id = f
        .membership_id
        .parse()
        .map_err(|_| UiError(AppError::NotFound))?;
    let chosen = users::membership_to_switch_to(&state.app, &user.ctx, id).await?;
    user.session
        .insert(
            AUTH_KEY,
            SessionAuth {
                user_id: user.actor.user_id,
                membership_id: chosen.id,
            },
        )
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Redirect::to("/").into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(super::safe_next(Some("/persons?q=a")), "/persons?q=a");
        assert_eq!(super::safe_next(Some("//evil.example")), "/");
        assert_eq!(super::safe_next(Some("https://evil.example")), "/");
        assert_eq!(super::safe_next(Some("/\\evil")), "/");
        assert_eq!(super::safe_next(None), "/");
    }
}
