//! Static files served from the binary: no CDN, because municipal networks are often closed.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

const HTMX: &str = include_str!("../assets/htmx.min.js");
const APP_JS: &str = include_str!("../assets/app.js");
const CSS: &str = include_str!("../assets/app.css");
// Leaflet 1.9.4 (BSD-2-Clause, see assets/leaflet.LICENSE) and the map screen's own files.
const LEAFLET_JS: &str = include_str!("../assets/leaflet.js");
const LEAFLET_CSS: &str = include_str!("../assets/leaflet.css");
const MAP_JS: &str = include_str!("../assets/map.js");
const MAP_CSS: &str = include_str!("../assets/map.css");

fn asset(body: &'static str, content_type: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/assets/htmx.min.js",
            get(|| async { asset(HTMX, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/assets/app.js",
            get(|| async { asset(APP_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/assets/app.css",
            get(|| async { asset(CSS, "text/css; charset=utf-8") }),
        )
        .route(
            "/assets/leaflet.js",
            get(|| async { asset(LEAFLET_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/assets/leaflet.css",
            get(|| async { asset(LEAFLET_CSS, "text/css; charset=utf-8") }),
        )
        .route(
            "/assets/map.js",
            get(|| async { asset(MAP_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/assets/map.css",
            get(|| async { asset(MAP_CSS, "text/css; charset=utf-8") }),
        )
}
