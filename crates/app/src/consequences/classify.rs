//! The classification consequence, also run on demand for the whole roster: homes against the
//! hazard layers (loaded once), point 1 filled from the maps, and what changed handed on to
//! the re-triage and the review marks.

use tsunagi_domain::OrganisationId;
use tsunagi_store::AuditedTx;
use tsunagi_store::gis::classify::ClassifyReport;

use super::{Cause, Changes};
use crate::{Context, Error};

/// Classifies the located roster homes of `owner` (only some persons with `only`), fills point
/// 1 from the maps, and records who needs re-triage and review.
pub(crate) async fn classify(
    tx: &mut AuditedTx,
    ctx: &Context,
    owner: OrganisationId,
    only: Option<&[uuid::Uuid]>,
    cause: &[&str],
    changes: &mut Changes,
    progress: impl FnMut(usize, usize),
) -> Result<ClassifyReport, Error> {
    let (mut report, results) =
        tsunagi_store::gis::classify::classify(tx, owner, only, ctx.today(), cause, progress)
            .await?;
    let started = std::time::Instant::now();
    let applied = tsunagi_store::roster::apply_map_hazards(tx, owner, &results, cause).await?;
    tracing::debug!(elapsed = ?started.elapsed(), written = applied.entries_changed, "classify: point 1 applied");
    report.point1_changed = applied.entries_changed;
    report.manual_kept = applied.manual_kept;
    for id in applied.point1_changed {
        changes.hazards_changed(owner, id);
        changes.review(owner, id, Cause::HazardsChanged);
    }
    Ok(report)
}
