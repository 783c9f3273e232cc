//! API token format: `tsn_` followed by 32 random bytes in URL-safe base64.

pub const PREFIX: &str = "tsn_";

/// A new secret and what is stored of it: (secret, sha256 hex, display prefix).
pub fn generate() -> (String, String, String) {
    let secret = format!("{PREFIX}{}", super::random_token(32));
    let hash = super::sha256_hex(&secret);
    let shown = secret.chars().take(10).collect();
    (secret, hash, shown)
}
