//! The disaster state of a request: the one place it is decided.
//!
//! Architecture invariant: `DisasterState::normal()` is called here and nowhere else outside
//! tests (the boundary test checks it). Every use case receives the state through its
//! [`crate::Context`].

use tsunagi_domain::disaster::DisasterState;
use tsunagi_store::Store;

use crate::{Error, Identity};

/// The disaster state for a request by `identity`: 発災時 in every municipality with an open
/// declaration (災害の宣言), 平常時 elsewhere. Read afresh for each request, so declaring and
/// closing take effect at once.
pub(crate) async fn current(store: &Store, _identity: &Identity) -> Result<DisasterState, Error> {
    let declared_in = store.declared_municipalities().await?;
    if declared_in.is_empty() {
        return Ok(DisasterState::normal());
    }
    Ok(DisasterState { declared_in })
}
