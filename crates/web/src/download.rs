//! File downloads: the Japanese file name in UTF-8 (RFC 6266/5987) with an ASCII fallback for
//! old clients.

use axum::http::header;
use axum::response::{IntoResponse, Response};

pub fn attachment(bytes: Vec<u8>, content_type: &'static str, ascii: &str, name: &str) -> Response {
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}
