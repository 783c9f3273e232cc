//! Authentication: server-side sessions, CSRF, and the extractors that turn a request into
//! the acting user and the request's context. Passwords and tokens are checked by the use
//! cases; who may do what is decided by the domain, not here.

mod api_user;
mod csrf;
mod current_user;
mod session_store;

pub use api_user::ApiUser;
pub use csrf::{csrf_guard, ensure_csrf_token, rotate_csrf_token as rotate_csrf};
pub use current_user::{AUTH_KEY, CurrentUser, SessionAuth};
pub use session_store::{DbSessionStore, session_layer};

/// Equality that takes the same time wherever the inputs differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Random bytes as URL-safe base64, for session secrets.
pub(crate) fn random_token(bytes: usize) -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// SHA-256 in hex.
pub(crate) fn sha256_hex(s: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(s.as_bytes()))
}
