//! Request ids. The server always makes its own (UUIDv7) and puts it in `x-request-id` on the
//! way in and out; an id the client sent there is moved to `x-client-request-id`, so that it
//! is logged beside the server's and never instead of it. Both go into every audit entry.

use axum::extract::{FromRequestParts, Request};
use axum::http::HeaderValue;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use std::convert::Infallible;
use tsunagi_app::RequestIds;

/// Replaces any client-sent `x-request-id` by the server's own.
pub async fn assign(mut req: Request, next: Next) -> Response {
    let client = req
        .headers_mut()
        .remove(super::REQUEST_ID)
        .and_then(|v| v.to_str().ok().map(str::to_owned));
    let ids = RequestIds::generate(client);
    if let Ok(v) = HeaderValue::from_str(&ids.server) {
        req.headers_mut().insert(super::REQUEST_ID, v);
    }
    if let Some(c) = ids
        .client
        .as_deref()
        .and_then(|c| HeaderValue::from_str(c).ok())
    {
        req.headers_mut().insert(super::CLIENT_REQUEST_ID, c);
    }
    next.run(req).await
}

/// The ids of the current request, as `assign` set them.
#[derive(Clone, Debug)]
pub struct RequestIdsOf(pub RequestIds);

impl<S: Send + Sync> FromRequestParts<S> for RequestIdsOf {
    type Rejection = Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let header = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let ids = match header(super::REQUEST_ID) {
            Some(server) => RequestIds {
                server,
                client: header(super::CLIENT_REQUEST_ID),
            },
            // Only when the middleware is not in front (a handler tested alone).
            None => RequestIds::generate(None),
        };
        Ok(RequestIdsOf(ids))
    }
}

pub fn make_span<B>(req: &axum::http::Request<B>) -> tracing::Span {
    let id = req
        .headers()
        .get(super::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let client = req
        .headers()
        .get(super::CLIENT_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id, client_request_id = %client)
}
