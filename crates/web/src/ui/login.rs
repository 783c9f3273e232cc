//! Login, logout, and choosing which organisation to act for.

use super::{UiError, UiResult};
use crate::auth::{AUTH_KEY, CurrentUser, SessionAuth, ensure_csrf_token, password, rotate_csrf};
use crate::request_id::RequestId;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;
use tsunagi_domain::audit::AuditAction;
use tsunagi_store::audit::Entry;
use tsunagi_store::{AuditContext, users};

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
    RequestId(request_id): RequestId,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let next = safe_next(f.next.as_deref());
    let login = f.login.trim().chars().take(100).collect::<String>();
    let account = state.store.login_account(&login).await?;
    let now = tsunagi_store::now();
    let usable = account
        .as_ref()
        .filter(|a| !a.disabled && !tsunagi_domain::login::is_locked(a.locked_until, now));
    // Always run one Argon2 verification, so unknown, locked and known names take the same time.
    let ok = password::verify(f.password.clone(), usable.map(|a| a.password_hash.clone())).await?;
    let ctx = AuditContext {
        user_login: login.clone(),
        request_id: request_id.clone(),
        ..AuditContext::default()
    };
    let memberships = match (&account, ok) {
        (Some(a), true) => state.store.memberships(a.id).await?,
        _ => Vec::new(),
    };
    let (Some(account), true, Some(first)) = (account, ok, memberships.first()) else {
        let mut tx = state.store.begin(ctx).await?;
        match state.store.login_account(&login).await? {
            Some(a) => {
                users::record_login_failure(&mut tx, &a).await?;
            }
            None => tx.record(
                Entry::new(AuditAction::LoginFailed, "user", "")
                    .detail(serde_json::json!({"reason": "unknown login"})),
            ),
        }
        tx.commit().await?;
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
    let actor = first.actor(&account.login);
    let mut tx = state
        .store
        .begin(AuditContext::for_actor(&actor, request_id))
        .await?;
    users::record_login_success(&mut tx, account.id).await?;
    tx.commit().await?;
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
                user_id: account.id,
                membership_id: first.id,
            },
        )
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if memberships.len() > 1 {
        return Ok(Redirect::to("/membership").into_response());
    }
    Ok(Redirect::to(&next).into_response())
}

pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let mut tx = state.store.begin(user.audit()).await?;
    tx.record(Entry::new(AuditAction::Logout, "user", user.actor.user_id));
    tx.commit().await?;
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
    let memberships = state.store.memberships(user.actor.user_id).await?;
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
    let chosen = state
        .store
        .memberships(user.actor.user_id)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(UiError(AppError::NotFound))?;
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
