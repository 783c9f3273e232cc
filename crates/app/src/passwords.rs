//! Argon2id password hashing, off the async threads.

use crate::Error;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::sync::LazyLock;

/// Checks a new password for the account `login` (the rules: `tsunagi_domain::password`);
/// a Japanese message if refused.
pub fn check_strength(password: &str, login: &str) -> Result<(), String> {
    tsunagi_domain::password::check_new_password(password, login)
}

fn hash_now(password: &str) -> Result<String, Error> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

/// Hashes a password with Argon2id and a random salt.
pub async fn hash(password: String) -> Result<String, Error> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
}

/// A hash of a random password, verified when the login name is unknown so that unknown and
/// known names take the same time.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_now(&uuid::Uuid::new_v4().to_string()).unwrap_or_default());

fn verify_now(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Verifies `password` against `stored`, or against a dummy hash when there is no account.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, Error> {
    tokio::task::spawn_blocking(move || match stored {
        Some(s) => verify_now(&password, &s),
        None => {
            let _ = verify_now(&password, &DUMMY_HASH);
            false
        }
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_wrong_passwords_fail() {
        let h = hash("correct horse battery".into())
            .await
            .unwrap_or_default();
        assert!(h.starts_with("$argon2id$"));
        assert_eq!(
            verify("correct horse battery".into(), Some(h.clone()))
                .await
                .ok(),
            Some(true)
        );
        assert_eq!(verify("wrong".into(), Some(h)).await.ok(), Some(false));
        assert_eq!(verify("anything".into(), None).await.ok(), Some(false));
        assert_eq!(
            verify("x".into(), Some("garbage".into())).await.ok(),
            Some(false)
        );
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert!(check_strength("short", "someone").is_err());
        assert!(check_strength("someone-else", "someone-else").is_err());
        assert!(check_strength("long enough pass", "someone").is_ok());
    }
}
