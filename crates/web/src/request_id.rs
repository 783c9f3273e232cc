//! Request ids: set by tower-http on the way in, echoed on the way out, logged in the span and
//! written with every audit entry.

use axum::extract::FromRequestParts;
use axum::http::Request;
use axum::http::request::Parts;
use std::convert::Infallible;

/// The id of the current request (`x-request-id`).
#[derive(Clone, Debug)]
pub struct RequestId(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(RequestId(
            parts
                .headers
                .get(super::REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.chars().take(64).collect()),
        ))
    }
}

pub fn make_span<B>(req: &Request<B>) -> tracing::Span {
    let id = req
        .headers()
        .get(super::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
}
