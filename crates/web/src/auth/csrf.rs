//! CSRF protection for the screens: every state-changing request must carry the session's
//! token, in the `csrf_token` form field or the `X-CSRF-Token` header (htmx sends the header).
//! Requests from another origin are refused outright.

use crate::ui::UiError;
use crate::{AppError, AppState};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

const KEY: &str = "csrf";
pub const FIELD: &str = "csrf_token";
const HEADER: &str = "x-csrf-token";

/// The session's CSRF token, created on first use.
pub async fn ensure_csrf_token(session: &Session) -> Result<String, AppError> {
    if let Some(t) = session
        .get::<String>(KEY)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
    {
        return Ok(t);
    }
    let t = super::random_token(32);
    session
        .insert(KEY, t.clone())
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(t)
}

/// Replaces the token (at login, with the session id).
pub async fn rotate_csrf_token(session: &Session) -> Result<String, AppError> {
    let t = super::random_token(32);
    session
        .insert(KEY, t.clone())
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(t)
}

/// A request's `Origin`, when sent, must be this server's: the same scheme, host and port.
/// The scheme is `https` when the session cookie is `Secure` (served over TLS or behind a TLS
/// proxy), `http` otherwise; the host and port are those the client addressed (`Host`).
fn same_origin(req: &Request, secure: bool) -> bool {
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
    else {
        return true; // not sent: rely on the token
    };
    let Some(host) = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
    else {
        return false;
    };
    let scheme = if secure { "https" } else { "http" };
    origin_matches(origin, scheme, host)
}

/// `origin` (as browsers send it: `scheme://host[:port]`) against the expected scheme and
/// `Host` header, with default ports made explicit on both sides.
fn origin_matches(origin: &str, scheme: &str, host: &str) -> bool {
    let default_port = if scheme == "https" { "443" } else { "80" };
    let with_port = |authority: &str| -> String {
        let authority = authority.to_ascii_lowercase();
        // An IPv6 literal keeps its brackets; the port is after the last ':' outside them.
        let has_port = match authority.rfind(']') {
            Some(end) => authority[end..].contains(':'),
            None => authority.contains(':'),
        };
        if has_port {
            authority
        } else {
            format!("{authority}:{default_port}")
        }
    };
    match origin.split_once("://") {
        Some((s, authority)) if s.eq_ignore_ascii_case(scheme) && !authority.contains('/') => {
            with_port(authority) == with_port(host)
        }
        _ => false,
    }
}

fn refused() -> Response {
    UiError(AppError::BadRequest(
        "画面の有効期限が切れたか、不正な送信です。画面を開き直してからもう一度お試しください。"
            .into(),
    ))
    .into_response()
}

pub async fn csrf_guard(
    State(state): State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if !same_origin(&req, state.config.secure_cookies) {
        return refused();
    }
    let expected = match session.get::<String>(KEY).await {
        Ok(Some(t)) => t,
        _ => return refused(),
    };
    if let Some(h) = req.headers().get(HEADER).and_then(|h| h.to_str().ok()) {
        return if super::constant_time_eq(h.as_bytes(), expected.as_bytes()) {
            next.run(req).await
        } else {
            refused()
        };
    }
    // File uploads carry the token in the query string (the body is multipart).
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.starts_with("multipart/form-data"));
    if is_multipart {
        let sent = req.uri().query().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == FIELD)
                .map(|(_, v)| v.into_owned())
        });
        return match sent {
            Some(t) if super::constant_time_eq(t.as_bytes(), expected.as_bytes()) => {
                next.run(req).await
            }
            _ => refused(),
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return refused();
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, 1024 * 1024).await else {
        return refused();
    };
    let sent = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned());
    match sent {
        Some(t) if super::constant_time_eq(t.as_bytes(), expected.as_bytes()) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => refused(),
    }
}

#[cfg(test)]
mod tests {
    use super::origin_matches;

    #[test]
    fn scheme_host_and_port_must_all_match() {
        assert!(origin_matches(
            "http://127.0.0.1:8080",
            "http",
            "127.0.0.1:8080"
        ));
        assert!(origin_matches(
            "https://tsunagi.example.jp",
            "https",
            "tsunagi.example.jp"
        ));
        assert!(origin_matches(
            "https://tsunagi.example.jp",
            "https",
            "tsunagi.example.jp:443"
        ));
        assert!(origin_matches(
            "HTTP://Town.Example",
            "http",
            "town.example"
        ));
        assert!(origin_matches("http://[::1]:3000", "http", "[::1]:3000"));
        // The scheme differs.
        assert!(!origin_matches(
            "https://127.0.0.1:8080",
            "http",
            "127.0.0.1:8080"
        ));
        assert!(!origin_matches(
            "http://tsunagi.example.jp",
            "https",
            "tsunagi.example.jp"
        ));
        // The port differs, or is the other scheme's default.
        assert!(!origin_matches(
            "http://127.0.0.1:8081",
            "http",
            "127.0.0.1:8080"
        ));
        assert!(!origin_matches(
            "http://town.example:443",
            "http",
            "town.example"
        ));
        // Another host; garbage.
        assert!(!origin_matches(
            "http://evil.example",
            "http",
            "town.example"
        ));
        assert!(!origin_matches("null", "http", "town.example"));
        assert!(!origin_matches(
            "http://town.example/x",
            "http",
            "town.example"
        ));
    }
}
