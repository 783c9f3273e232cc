//! The safety-check sweep (安否確認) of a declared disaster: the queue as the actor may see it,
//! and recording an attempt (idempotent per client key).

use serde::Serialize;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::PersonId;
use tsunagi_domain::safety::checkers::{
    CheckerAssignment, CheckerCandidates, CheckerOrder, CheckerStep, assign,
    is_checking_organisation,
};
use tsunagi_domain::safety::{CheckAttempt, SafetyStatus};
use tsunagi_store::safety;

pub use tsunagi_store::safety::SweepLine;

use crate::{App, Context, Error};

/// A checker's list of a sweep, as its screen and the API show it.
#[derive(Clone, Debug, Serialize)]
pub struct Sweep {
    pub lines: Vec<SweepLine>,
    /// Only the people the sweep gave to the actor's organisation (a checker's default).
    pub only_mine: bool,
    /// Whether the actor's organisation checks people of its own here (so it may choose
    /// between its own and everyone it may see).
    pub may_narrow: bool,
    /// The municipality's escalation time (要対応 after so many minutes unreached).
    pub escalate_after_minutes: u32,
}

impl Sweep {
    /// The checker's own progress over the lines shown: (people, confirmed, never tried,
    /// 要対応).
    pub fn progress(&self) -> (usize, usize, usize, usize) {
        let l = &self.lines;
        (
            l.len(),
            l.iter().filter(|x| x.status.is_confirmed()).count(),
            l.iter()
                .filter(|x| x.status == SafetyStatus::Unchecked)
                .count(),
            l.iter().filter(|x| x.overdue).count(),
        )
    }
}

/// The people of a declaration's sweep the actor may see, nobody-reached and highest priority
/// first (a search, audited). A checking organisation (自治会, 民生委員, 事業所, 社協) sees the
/// people the checker order gave it unless it asks for `everyone` it may see; the
/// municipality's staff, fire and police see their whole list.
pub async fn sweep(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    everyone: bool,
) -> Result<Sweep, Error> {
    let actor = ctx.actor()?;
    let may_narrow = is_checking_organisation(actor.organisation_kind);
    let only_mine = may_narrow && !everyone;
    let mut w = app.begin_read(ctx).await?;
    let part = if only_mine {
        safety::SweepPart::GivenTo(Some(actor.organisation_id.0))
    } else {
        safety::SweepPart::All
    };
    let (lines, after) = safety::sweep(&mut w.tx, actor, ctx.disaster(), declaration, part).await?;
    w.commit().await?;
    Ok(Sweep {
        lines,
        only_mine,
        may_narrow,
        escalate_after_minutes: u32::try_from(after.num_minutes()).unwrap_or(0),
    })
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

/// The municipality's checker order (its staff).
pub async fn checker_order(app: &App, ctx: &Context) -> Result<CheckerOrder, Error> {
    let m = tsunagi_store::certificates::staff_municipality(ctx.actor()?)?;
    let w = app.begin(ctx).await?;
    let o = safety::checker_order(&w.tx, m).await?;
    w.commit().await?;
    Ok(o)
}

/// Sets the municipality's checker order (its staff); sweeps opened from now on use it.
pub async fn set_checker_order(
    app: &App,
    ctx: &Context,
    steps: &[CheckerStep],
) -> Result<CheckerOrder, Error> {
    let actor = ctx.actor()?;
    let m = tsunagi_store::certificates::staff_municipality(actor)?;
    let order = CheckerOrder::new(steps).map_err(Error::Invalid)?;
    let mut w = app.begin(ctx).await?;
    safety::set_checker_order(&mut w.tx, actor, m, &order).await?;
    w.commit().await?;
    Ok(order)
}

/// Gives each person of a sweep to its checker by the municipality's order: the organisations
/// the record is shared with, and whether the checked plan names supporters.
pub(crate) async fn with_checkers(
    tx: &tsunagi_store::AuditedTx,
    municipality: OrganisationId,
    people: Vec<uuid::Uuid>,
) -> Result<Vec<(uuid::Uuid, CheckerAssignment)>, Error> {
    let order = safety::checker_order(tx, municipality).await?;
    let mut orgs = tsunagi_store::sharing::organisations_of(tx, municipality, &people).await?;
    let supported = tsunagi_store::plans::with_supporters(tx, &people).await?;
    Ok(people
        .into_iter()
        .map(|p| {
            let c = CheckerCandidates {
                organisations: orgs.remove(&p).unwrap_or_default(),
                has_supporters: supported.contains(&p),
            };
            (p, assign(&order, &c))
        })
        .collect())
}
