//! Authentication: passwords, server-side sessions, CSRF, and the extractors that turn a
//! request into the acting user. Who may do what is decided by the domain, not here.

mod api_user;
mod csrf;
mod current_user;
pub mod password;
mod session_store;
pub mod token;

pub use api_user::ApiUser;
pub use csrf::{csrf_guard, ensure_csrf_token, rotate_csrf_token as rotate_csrf};
pub use current_user::{AUTH_KEY, CurrentUser, SessionAuth};
pub use session_store::{DbSessionStore, session_layer};

use crate::AppError;
use tsunagi_domain::access::Actor;
use tsunagi_domain::{MembershipId, UserId};
use tsunagi_store::Store;
use tsunagi_store::users::Membership;

/// Loads the actor for a user acting through one of their memberships. `None` if the user or
/// the membership is gone or disabled.
pub(crate) async fn load_actor(
    store: &Store,
    user_id: UserId,
    membership_id: MembershipId,
) -> Result<Option<(Actor, Membership, String)>, AppError> {
    let Some((login, display_name)) = store.active_user(user_id).await? else {
        return Ok(None);
    };
    let Some(membership) = store.membership(membership_id).await? else {
        return Ok(None);
    };
    if membership.user_id != user_id {
        return Ok(None);
    }
    Ok(Some((membership.actor(&login), membership, display_name)))
}

/// Equality that takes the same time wherever the inputs differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Random bytes as URL-safe base64, for session secrets and tokens.
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
