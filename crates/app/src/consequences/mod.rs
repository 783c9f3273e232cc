//! Consequences of a change, declared in one ordered list and run once per use case.

use tsunagi_store::AuditedTx;

use crate::{Context, Error};

/// What a use case changed.
#[derive(Debug, Default)]
pub struct Changes {}

pub(crate) async fn run(
    _tx: &mut AuditedTx,
    _ctx: &Context,
    _changes: &mut Changes,
) -> Result<(), Error> {
    Ok(())
}
