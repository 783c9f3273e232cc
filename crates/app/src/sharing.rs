//! Sharing a person's record by hand and recording the person's consent (同意): the owning
//! municipality's decisions.

use tsunagi_domain::access::AccessLevel;
use tsunagi_domain::consent::ConsentRecord;
use tsunagi_domain::{OrganisationId, PersonId};
use tsunagi_store::sharing;

pub use tsunagi_store::sharing::ShareLine;

use crate::{App, Context, Error};

/// Records the person's consent; what receivers see changes at once.
pub async fn set_consent(
    app: &App,
    ctx: &Context,
    id: PersonId,
    consent: &ConsentRecord,
) -> Result<(), Error> {
    consent.validate(ctx.today()).map_err(Error::Invalid)?;
    let mut w = app.begin(ctx).await?;
    sharing::set_consent(&mut w.tx, ctx.actor()?, ctx.disaster(), id, consent).await?;
    w.commit().await
}

/// Who the record is shared with (the owning municipality only).
pub async fn shares_of(app: &App, ctx: &Context, id: PersonId) -> Result<Vec<ShareLine>, Error> {
    let mut w = app.begin(ctx).await?;
    let shares = sharing::shares_of(&mut w.tx, ctx.actor()?, ctx.disaster(), id).await?;
    w.commit().await?;
    Ok(shares)
}

/// Shares the record by hand with another organisation working in the actor's municipality.
/// Any other organisation is unknown here (`NotFound`).
pub async fn share(
    app: &App,
    ctx: &Context,
    id: PersonId,
    with: OrganisationId,
    level: AccessLevel,
) -> Result<(), Error> {
    let actor = ctx.actor()?;
    let target = app.store.organisation(with).await?.ok_or(Error::NotFound)?;
    if target.municipality_id != actor.municipality_id || target.id == actor.organisation_id {
        return Err(Error::NotFound);
    }
    let mut w = app.begin(ctx).await?;
    sharing::share(&mut w.tx, actor, ctx.disaster(), id, with, level).await?;
    w.commit().await
}

/// Stops a share made by hand, at once.
pub async fn unshare(
    app: &App,
    ctx: &Context,
    id: PersonId,
    with: OrganisationId,
) -> Result<(), Error> {
    let mut w = app.begin(ctx).await?;
    sharing::unshare(&mut w.tx, ctx.actor()?, ctx.disaster(), id, with).await?;
    w.commit().await
}
