//! The disaster state of a request: the one place it is decided.
//!
//! Architecture invariant: `DisasterState::normal()` is called here and nowhere else outside
//! tests (the boundary test checks it). Every use case receives the state through its
//! [`crate::Context`].

use tsunagi_domain::OrganisationId;
use tsunagi_domain::disaster::DisasterState;
use tsunagi_store::Store;

use crate::{Error, Identity};

/// The disaster state for a request by `identity`: 発災時 in every municipality with an open
/// declaration (災害の宣言) — for everyone on its roster, or for the people in the declared
/// part of it — 平常時 elsewhere. Read afresh for each request, so declaring and
/// closing take effect at once.
/// With it, the open declarations (municipality, id), which disaster-time audit entries name.
pub(crate) async fn current(
    store: &Store,
    _identity: &Identity,
) -> Result<(DisasterState, Vec<(OrganisationId, uuid::Uuid)>), Error> {
    let open = store.open_declaration_areas().await?;
    if open.is_empty() {
        return Ok((DisasterState::normal(), Vec::new()));
    }
    let declared_in: Vec<OrganisationId> = open
        .iter()
        .filter(|d| d.whole)
        .map(|d| d.municipality)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let partial = open
        .iter()
        .filter(|d| !d.whole)
        .map(|d| (d.municipality, d.id))
        .collect();
    let named = open.iter().map(|d| (d.municipality, d.id)).collect();
    Ok((
        DisasterState {
            declared_in,
            partial,
        },
        named,
    ))
}
