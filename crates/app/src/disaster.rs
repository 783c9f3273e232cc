//! The disaster state of a request: the one place it is decided.
//!
//! Architecture invariant: `DisasterState::normal()` is called here and nowhere else outside
//! tests (the boundary test checks it). Disaster declarations (発災時) will be read here; every
//! use case already receives the state through its [`crate::Context`].

use tsunagi_domain::disaster::DisasterState;
use tsunagi_store::Store;

use crate::{Error, Identity};

/// The disaster state for a request by `identity`. No declarations exist yet, so it is always
/// normal times (平常時).
pub(crate) async fn current(_store: &Store, _identity: &Identity) -> Result<DisasterState, Error> {
    Ok(DisasterState::normal())
}
