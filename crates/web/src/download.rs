//! File downloads: the Japanese file name in UTF-8 (RFC 6266/5987) with an ASCII fallback for
//! old clients.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 5987's `attr-char` is percent-encoded (a space is `%20`, never `+`).
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// The `Content-Disposition` value for a download named `name` (`ascii` for old clients).
pub fn content_disposition(ascii: &str, name: &str) -> String {
    let ascii: String = ascii
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = utf8_percent_encode(name, ATTR_CHAR);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub fn attachment(bytes: Vec<u8>, content_type: &'static str, ascii: &str, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                content_disposition(ascii, name),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_are_percent_encoded_not_plus() {
        let v = content_disposition("plan.pdf", "個別避難計画 山田 ハル.pdf");
        assert!(v.contains("%20"), "{v}");
        assert!(!v.contains('+'), "{v}");
        assert!(v.starts_with("attachment; filename=\"plan.pdf\"; filename*=UTF-8''"));
        // Decodes back to the name.
        let encoded = v.rsplit("''").next().unwrap_or_default();
        let decoded = percent_encoding::percent_decode_str(encoded).decode_utf8_lossy();
        assert_eq!(decoded, "個別避難計画 山田 ハル.pdf");
    }

    #[test]
    fn the_ascii_fallback_cannot_break_the_header() {
        let v = content_disposition("a\"b\\c\r\n.csv", "x");
        assert!(v.starts_with("attachment; filename=\"a_b_c__.csv\""), "{v}");
    }
}
