//! API tokens: issued for the membership the user acts through, shown once, stored as a
//! SHA-256 hash, revoked at once.

use tsunagi_domain::access::Actor;
use tsunagi_store::tokens;

pub use tsunagi_store::tokens::ApiToken;

use crate::{App, Context, Error};

/// Every token starts with this, so a leaked one is recognisable.
pub const PREFIX: &str = "tsn_";

/// The stored form of a secret (SHA-256, hex).
pub fn hash_secret(s: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// A new secret: `tsn_` and 32 random bytes in URL-safe base64; (secret, hash, shown prefix).
fn generate() -> (String, String, String) {
    use base64::Engine;
    use rand::RngCore;
    let mut buf = [0u8; 32];
    rand::rng().fill_bytes(&mut buf);
    let secret = format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
    );
    let hash = hash_secret(&secret);
    let shown = secret.chars().take(10).collect();
    (secret, hash, shown)
}

/// The user's tokens, newest first.
pub async fn list(app: &App, ctx: &Context) -> Result<Vec<ApiToken>, Error> {
    Ok(app.store.tokens_of(ctx.actor()?.user_id).await?)
}

/// Issues a token acting for the actor's current membership; returns it with its secret,
/// which is never stored. The community's volunteers may not (`Forbidden`).
pub async fn create(app: &App, ctx: &Context, name: &str) -> Result<(ApiToken, String), Error> {
    let actor = ctx.actor()?;
    if !tsunagi_domain::access::can(actor, tsunagi_domain::access::Capability::IssueApiTokens) {
        return Err(Error::Forbidden);
    }
    let membership = app
        .store
        .membership_of(actor)
        .await?
        .ok_or(Error::Unauthenticated)?;
    let (secret, hash, prefix) = generate();
    let mut w = app.begin(ctx).await?;
    let t = tokens::create(&mut w.tx, actor.user_id, membership.id, name, hash, prefix).await?;
    w.commit().await?;
    Ok((t, secret))
}

/// Revokes one of the user's own tokens (`NotFound` for anyone else's).
pub async fn revoke(app: &App, ctx: &Context, id: uuid::Uuid) -> Result<(), Error> {
    let mut w = app.begin(ctx).await?;
    tokens::revoke(&mut w.tx, ctx.actor()?.user_id, id).await?;
    w.commit().await
}

/// The actor a bearer token acts as; `None` for an unknown, revoked or malformed token.
pub async fn authenticate(app: &App, bearer: &str) -> Result<Option<Actor>, Error> {
    if !bearer.starts_with(PREFIX) || bearer.len() >= 200 {
        return Ok(None);
    }
    let Some((user, membership)) = app.store.token_by_hash(&hash_secret(bearer)).await? else {
        return Ok(None);
    };
    Ok(crate::users::acting_as(app, user, membership)
        .await?
        .map(|(actor, _, _)| actor))
}
