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
/// declaration (災害の宣言), 平常時 elsewhere. Read afresh for each request, so declaring and
/// closing take effect at once.
/// With it, the open declarations (municipality, id), which disaster-time audit entries name.
pub(crate) async fn current(
    store: &Store,
    _identity: &Identity,
) -> Result<(DisasterState, Vec<(OrganisationId, uuid::Uuid)>), Error> {
    let open = store.open_declarations().await?;
    if open.is_empty() {
        return Ok((DisasterState::normal(), open));
    }
    let declared_in: Vec<OrganisationId> = open
        .iter()
        .map(|(m, _)| *m)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok((DisasterState { declared_in }, open))
}
