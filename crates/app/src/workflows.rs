//! The plan-making workflow per approach: start, advance, assign (委託), obstacles, reviews.

use tsunagi_domain::PersonId;
use tsunagi_domain::access::{AccessLevel, ShareSource};
use tsunagi_domain::workflow::{Obstacle, Step};
use tsunagi_store::{sharing, workflows};

pub use tsunagi_store::workflows::{Assignment, ReviewLine, Workflow, WorkflowEvent};

use crate::work::Work;
use crate::{App, Context, Error};

/// The person's workflow, if started (a view, audited).
pub async fn get(app: &App, ctx: &Context, id: PersonId) -> Result<Option<Workflow>, Error> {
    let mut w = app.begin(ctx).await?;
    let wf = workflows::get(&mut w.tx, ctx.actor()?, ctx.disaster(), id).await?;
    w.commit().await?;
    Ok(wf)
}

/// Starts the workflow with the approach of the person's triage.
pub async fn start(app: &App, ctx: &Context, id: PersonId) -> Result<Workflow, Error> {
    let actor = ctx.actor()?;
    let org = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let wf = workflows::start(&mut w.tx, actor, ctx.disaster(), &org, id).await?;
    w.commit().await?;
    Ok(wf)
}

/// Finishes (or skips) the current step, from the version the user saw.
pub async fn advance(
    app: &App,
    ctx: &Context,
    id: PersonId,
    expected_version: i32,
    skip: bool,
    note: Option<String>,
) -> Result<Workflow, Error> {
    let actor = ctx.actor()?;
    let org = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let a = workflows::Advance {
        expected_version,
        skip,
        note,
        today: ctx.today(),
    };
    let done = workflows::advance(&mut w.tx, actor, ctx.disaster(), &org, id, a).await?;
    // Finishing 市町村による確認 records which version was checked: receivers see that one.
    if done.finished == Some(Step::MunicipalCheck) {
        tsunagi_store::plans::record_check(&mut w.tx, actor, &org, done.owner, id).await?;
    }
    w.commit().await?;
    Ok(done.workflow)
}

/// Changes the approach mid-way with a reason (the owning municipality); the history is kept.
pub async fn change_approach(
    app: &App,
    ctx: &Context,
    id: PersonId,
    expected_version: i32,
    to: tsunagi_domain::triage::Approach,
    reason: &str,
) -> Result<Workflow, Error> {
    let actor = ctx.actor()?;
    let org = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let wf = workflows::change_approach(
        &mut w.tx,
        actor,
        ctx.disaster(),
        &org,
        id,
        expected_version,
        to,
        reason,
    )
    .await?;
    w.commit().await?;
    Ok(wf)
}

/// Assigns the work to an organisation (and person) with a due date.
pub async fn assign(
    app: &App,
    ctx: &Context,
    id: PersonId,
    a: Assignment,
) -> Result<Workflow, Error> {
    let actor = ctx.actor()?;
    let org = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let wf = assign_in(&mut w, ctx, &org, id, a).await?;
    w.commit().await?;
    Ok(wf)
}

/// Assigns in the work's transaction; the shares follow the assignment: the previous
/// assignee's ends, the new one may write (a care provider or the 社協 sees the record at once:
/// 委託; others still need consent).
async fn assign_in(
    w: &mut Work<'_>,
    ctx: &Context,
    org: &str,
    id: PersonId,
    a: Assignment,
) -> Result<Workflow, Error> {
    let actor = ctx.actor()?;
    let assigned = workflows::assign(&mut w.tx, actor, ctx.disaster(), org, id, a).await?;
    if let Some(previous) = assigned.previous {
        sharing::end_share(
            &mut w.tx,
            assigned.owner,
            id,
            previous,
            ShareSource::Assignment,
        )
        .await?;
    }
    if assigned.assigned != assigned.owner {
        sharing::share_as(
            &mut w.tx,
            actor,
            ctx.disaster(),
            id,
            assigned.assigned,
            AccessLevel::Write,
            ShareSource::Assignment,
        )
        .await?;
    }
    Ok(assigned.workflow)
}

/// Who a bulk action acts on: the rows the user ticked, or everyone the filter holds.
#[derive(Clone, Debug)]
pub enum BulkTarget {
    Selected(Vec<PersonId>),
    Matching(tsunagi_store::triage::RosterFilter),
}

/// What a bulk action does to each person.
#[derive(Clone, Debug)]
pub enum BulkAction {
    /// Start the workflow with the triaged approach.
    Start,
    /// Start it where needed, then assign the work (委託) to an organisation with a due date.
    Assign(Assignment),
}

/// What a bulk action did: how many it started and assigned, and each person it left alone
/// with the reason (already started, low priority, not triaged …).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct BulkReport {
    pub started: usize,
    pub assigned: usize,
    pub skipped: Vec<(PersonId, String, String)>,
}

/// The most people one bulk action takes (one transaction).
pub const BULK_LIMIT: u64 = 2000;

/// Starts and/or assigns the workflows of many people in one transaction (the owning
/// municipality's staff). A person the action does not apply to is skipped with the reason and
/// reported; anything else (a person the actor may not act on, a conflict) changes nothing.
pub async fn bulk(
    app: &App,
    ctx: &Context,
    target: BulkTarget,
    action: BulkAction,
) -> Result<BulkReport, Error> {
    let actor = ctx.actor()?;
    if !tsunagi_domain::access::can(actor, tsunagi_domain::access::Capability::CreatePerson) {
        return Err(Error::Forbidden);
    }
    let org = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let filter = match target {
        BulkTarget::Matching(filter) => filter,
        // Ticked rows: only those the actor may see on the roster (others are not there).
        BulkTarget::Selected(ids) => tsunagi_store::triage::RosterFilter {
            only: Some(ids.into_iter().map(|id| id.0).collect()),
            ..Default::default()
        },
    };
    let people =
        tsunagi_store::triage::roster_ids(&w.tx, actor, ctx.disaster(), &filter, BULK_LIMIT)
            .await?;
    if people.is_empty() {
        return Err(Error::Invalid(tsunagi_domain::ValidationErrors::single(
            "scope",
            "対象の方を選んでください",
        )));
    }
    let mut report = BulkReport::default();
    for (id, name) in people {
        let started = match workflows::start(&mut w.tx, actor, ctx.disaster(), &org, id).await {
            Ok(_) => {
                report.started += 1;
                true
            }
            Err(tsunagi_store::StoreError::Duplicate(_)) => false,
            Err(tsunagi_store::StoreError::Invalid(e)) => {
                let reason =
                    e.0.into_iter()
                        .map(|f| f.message)
                        .collect::<Vec<_>>()
                        .join("。");
                report.skipped.push((id, name, reason));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        match &action {
            BulkAction::Start if !started => {
                report
                    .skipped
                    .push((id, name, "手順は既に始まっています".to_owned()));
            }
            BulkAction::Start => {}
            BulkAction::Assign(a) => {
                assign_in(&mut w, ctx, &org, id, a.clone()).await?;
                report.assigned += 1;
            }
        }
    }
    w.commit().await?;
    Ok(report)
}

/// Records (or clears) one of the guide's obstacles.
pub async fn set_obstacle(
    app: &App,
    ctx: &Context,
    id: PersonId,
    obstacle: Option<Obstacle>,
    note: Option<String>,
) -> Result<Workflow, Error> {
    let actor = ctx.actor()?;
    let org = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let wf =
        workflows::set_obstacle(&mut w.tx, actor, ctx.disaster(), &org, id, obstacle, note).await?;
    w.commit().await?;
    Ok(wf)
}

/// Records a review of a finished plan. The review is the municipality's check of the newest
/// version too: a plan revised after 作成完了 reaches receivers once it has been reviewed.
pub async fn reviewed(
    app: &App,
    ctx: &Context,
    id: PersonId,
    note: Option<String>,
) -> Result<Workflow, Error> {
    let actor = ctx.actor()?;
    let org = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let wf = workflows::reviewed(
        &mut w.tx,
        actor,
        ctx.disaster(),
        &org,
        id,
        ctx.today(),
        note,
    )
    .await?;
    // Only the owning municipality's staff get here (the store refused anyone else).
    tsunagi_store::plans::record_check(&mut w.tx, actor, &org, actor.organisation_id, id).await?;
    w.commit().await?;
    Ok(wf)
}

/// The review list (見直し) with the municipality's interval.
pub async fn reviews(app: &App, ctx: &Context) -> Result<(Vec<ReviewLine>, u32), Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let lines = workflows::reviews(&mut w.tx, actor, ctx.today()).await?;
    w.commit().await?;
    let interval = app.store.review_interval(actor.organisation_id).await?;
    Ok((lines, interval))
}

/// Sets the municipality's review interval in months.
pub async fn set_review_interval(app: &App, ctx: &Context, months: u32) -> Result<(), Error> {
    let mut w = app.begin(ctx).await?;
    tsunagi_store::organisations::set_review_interval(&mut w.tx, ctx.actor()?, months).await?;
    w.commit().await
}

/// The persons of the actor's municipality at `step`, in 宛名番号 order.
pub async fn at_step(app: &App, ctx: &Context, step: Step) -> Result<Vec<PersonId>, Error> {
    let mut w = app.begin(ctx).await?;
    let ids = workflows::at_step(&mut w.tx, ctx.actor()?, step).await?;
    w.commit().await?;
    Ok(ids)
}
