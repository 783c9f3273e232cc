//! The municipality's legal basis for normal-time provision of roster and plan information
//! (条例・同意方式 …): read by its staff, recorded by its administrators. Every access decision
//! reads the basis in force (`tsunagi_store::access`), so recording one changes at once what
//! each receiver sees; the change is audited with both bases.

use tsunagi_domain::legal_basis::LegalBasis;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_store::legal_bases;

pub use tsunagi_store::legal_bases::LegalBasisVersion;

use crate::{App, Context, Error};

/// The versions recorded for the actor's municipality, newest first (empty: 同意方式).
pub async fn history(app: &App, ctx: &Context) -> Result<Vec<LegalBasisVersion>, Error> {
    let actor = ctx.actor()?;
    if actor.organisation_kind != OrganisationKind::Municipality {
        return Err(Error::Forbidden);
    }
    let w = app.begin(ctx).await?;
    let h = legal_bases::history(&w.tx, actor.organisation_id).await?;
    w.commit().await?;
    Ok(h)
}

/// Records a new basis (administrators of the municipality), from the version they saw.
pub async fn record(
    app: &App,
    ctx: &Context,
    expected_version: i32,
    basis: LegalBasis,
) -> Result<i32, Error> {
    let actor = ctx.actor()?;
    let basis = basis.validate(ctx.today()).map_err(Error::Invalid)?;
    let mut w = app.begin(ctx).await?;
    let v = legal_bases::record(&mut w.tx, actor, expected_version, basis).await?;
    w.commit().await?;
    Ok(v)
}
