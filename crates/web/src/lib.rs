//! tsunagi's HTTP layer: the JSON API (`/api/v1`, described by OpenAPI) and the Japanese
//! screens (askama + htmx). Thin: handlers parse input, call a use case of `tsunagi-app` with
//! the request's context, and render. They never open a transaction, never decide who may see
//! what and never build SQL.

pub mod api;
mod assets;
pub mod auth;
pub mod documents;
mod download;
mod error;
pub mod exports;
mod request_id;
pub mod ui;

pub use error::AppError;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use std::sync::Arc;
use std::time::Duration;
use tower_http::request_id::PropagateRequestIdLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tsunagi_app::App;

/// Settings of the web layer.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark the session cookie `Secure` (serve over HTTPS, or behind a TLS proxy).
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: true,
            session_idle: Duration::from_secs(8 * 60 * 60),
        }
    }
}

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<WebConfig>,
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("x-client-request-id");

/// The whole application: screens, API, assets, with sessions, request ids and security headers.
pub fn app(app: App, config: WebConfig) -> Router {
    let state = AppState {
        app: app.clone(),
        config: Arc::new(config.clone()),
    };
    let sessions = auth::session_layer(app, &config);
    Router::new()
        .merge(ui::router(state.clone()))
        .merge(api::router(state.clone()))
        .merge(assets::router())
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .layer(sessions)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(request_id::make_span))
        .layer(axum::middleware::from_fn(request_id::assign))
}
