//! Receivers (提供先): who receives roster and plan data for which districts, and each
//! receiver's list (名簿).

use tsunagi_domain::OrganisationId;
use tsunagi_domain::receiver::Receiver;
use tsunagi_store::receivers;

pub use tsunagi_store::receivers::{ApplyReport, ListLine, ReceiverLine, default_field};

use crate::organisations::Organisation;
use crate::{App, Context, Error};

/// The municipality's support-party organisations with their definitions.
pub async fn list(app: &App, ctx: &Context) -> Result<Vec<ReceiverLine>, Error> {
    let mut w = app.begin(ctx).await?;
    let lines = receivers::list(&mut w.tx, ctx.actor()?).await?;
    w.commit().await?;
    Ok(lines)
}

/// Sets (or with `None`, removes) an organisation's definition from the version the editor
/// started from, and applies it at once.
pub async fn set(
    app: &App,
    ctx: &Context,
    org: OrganisationId,
    def: Option<&Receiver>,
    expected_version: i32,
) -> Result<ApplyReport, Error> {
    let mut w = app.begin(ctx).await?;
    let r = receivers::set(&mut w.tx, ctx.actor()?, org, def, expected_version).await?;
    w.commit().await?;
    Ok(r)
}

/// Re-applies every definition of the actor's municipality.
pub async fn apply(app: &App, ctx: &Context) -> Result<ApplyReport, Error> {
    let mut w = app.begin(ctx).await?;
    let r = receivers::apply(&mut w.tx, ctx.actor()?).await?;
    w.commit().await?;
    Ok(r)
}

/// The list a receiver may hold, for the owning municipality's staff or the receiver's own
/// members (audited as an export, with every person on it).
pub async fn receiver_list(
    app: &App,
    ctx: &Context,
    org: OrganisationId,
) -> Result<(Organisation, Vec<ListLine>), Error> {
    let mut w = app.begin(ctx).await?;
    let r = receivers::receiver_list(&mut w.tx, ctx.actor()?, ctx.disaster(), org).await?;
    w.commit().await?;
    Ok(r)
}
