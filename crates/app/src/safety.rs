//! The safety-check sweep (安否確認) of a declared disaster: the queue as the actor may see it,
//! and recording an attempt (idempotent per client key).

use tsunagi_domain::PersonId;
use tsunagi_domain::safety::{CheckAttempt, SafetyStatus};
use tsunagi_store::safety;

pub use tsunagi_store::safety::SweepLine;

use crate::{App, Context, Error};

/// The people of a declaration's sweep the actor may see, nobody-reached and highest priority
/// first (a search, audited).
pub async fn sweep(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<Vec<SweepLine>, Error> {
    let mut w = app.begin_read(ctx).await?;
    let l = safety::sweep(&mut w.tx, ctx.actor()?, ctx.disaster(), declaration).await?;
    w.commit().await?;
    Ok(l)
}

/// Records one attempt on one person; the same key twice records once.
pub async fn record(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    id: PersonId,
    attempt: CheckAttempt,
) -> Result<SafetyStatus, Error> {
    let actor = ctx.actor()?;
    let attempt = attempt.validate().map_err(Error::Invalid)?;
    let org = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let s = safety::record(
        &mut w.tx,
        actor,
        &org,
        ctx.disaster(),
        declaration,
        id,
        &attempt,
    )
    .await?;
    w.commit().await?;
    Ok(s)
}

/// The sweep's counts per status (the headquarters' figures), for the municipality's staff.
pub async fn counts(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<Vec<(SafetyStatus, u64)>, Error> {
    let actor = ctx.actor()?;
    if !tsunagi_domain::access::can(actor, tsunagi_domain::access::Capability::CreatePerson) {
        return Err(Error::Forbidden);
    }
    let w = app.begin(ctx).await?;
    let c = safety::counts(&w.tx, actor, declaration).await?;
    w.commit().await?;
    Ok(c)
}

/// The municipality's escalation time for the sweep, in minutes (its staff).
pub async fn escalation(app: &App, ctx: &Context) -> Result<u32, Error> {
    let m = tsunagi_store::certificates::staff_municipality(ctx.actor()?)?;
    let w = app.begin(ctx).await?;
    let after = safety::escalate_after(&w.tx, m).await?;
    w.commit().await?;
    Ok(u32::try_from(after.num_minutes()).unwrap_or(0))
}

/// Sets how long a person may stay unreached before 要対応 (the municipality's staff): 30
/// minutes to 72 hours; every open sweep uses it from the next read.
pub async fn set_escalation(app: &App, ctx: &Context, minutes: u32) -> Result<u32, Error> {
    let actor = ctx.actor()?;
    let m = tsunagi_store::certificates::staff_municipality(actor)?;
    tsunagi_domain::safety::escalate_after_minutes(minutes).map_err(Error::Invalid)?;
    let mut w = app.begin(ctx).await?;
    safety::set_escalate_after(&mut w.tx, actor, m, minutes).await?;
    w.commit().await?;
    Ok(minutes)
}
