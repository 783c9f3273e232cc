//! The audit trail (監査ログ): the administrators' view and the chain's verification.

use tsunagi_domain::paging::Page;
use tsunagi_store::audit;

pub use tsunagi_store::audit::{AuditFilter, AuditPage, Verified, VerifyError};

use crate::{App, Context, Error};

/// The entries the administrator may read (reading is itself recorded).
pub async fn list(
    app: &App,
    ctx: &Context,
    filter: &AuditFilter,
    page: Page,
) -> Result<AuditPage, Error> {
    let mut w = app.begin(ctx).await?;
    let found = audit::list(&mut w.tx, ctx.actor()?, filter, page).await?;
    w.commit().await?;
    Ok(found)
}

/// Recomputes the whole chain; `progress` gets (checked, total).
pub async fn verify(app: &App, progress: impl FnMut(u64, u64)) -> Result<Verified, VerifyError> {
    audit::verify(&app.store, progress).await
}
