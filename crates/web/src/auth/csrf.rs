//! CSRF protection for the screens: every state-changing request must carry the session's
//! token, in the `csrf_token` form field or the `X-CSRF-Token` header (htmx sends the header).
//! Requests from another origin are refused outright.

use crate::AppError;
use crate::ui::UiError;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
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

fn same_origin(req: &Request) -> bool {
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
    else {
        return true; // not sent: rely on the token
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    match (origin.split_once("://"), host) {
        (Some((_, origin_host)), Some(host)) => origin_host == host,
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

pub async fn csrf_guard(session: Session, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if !same_origin(&req) {
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
