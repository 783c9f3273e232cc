//! Tasks (作業) of a case (issue 20 items 5–6): decided at a case meeting or added by the
//! case's owner or lead; claimed by an organisation — a second organisation's claim shows the
//! first and is taken only knowingly; ended (done or dropped) by a holder or the municipality.
//! Who may see a task: the municipality's staff, the case's lead, an organisation holding a
//! claim, and the organisations invited to the meeting that decided it. Anyone else: not found.

use chrono::NaiveDate;
use serde::Serialize;
use tsunagi_domain::access::Actor;
use tsunagi_domain::case_meeting::{Claim, TaskBody, TaskEnd, TaskInput, TaskState};
use tsunagi_domain::{HouseholdId, OrganisationId};
use tsunagi_store::audit::AuditedTx;
use tsunagi_store::case_meetings;
use tsunagi_store::case_tasks;
pub use tsunagi_store::case_tasks::StoredTask;
use tsunagi_store::{cases, persons};

use super::part_in;
use crate::{App, Context, Error};

/// The actor's part in a task: may it claim, may it end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TaskPart {
    owner: bool,
}

async fn part(tx: &AuditedTx, actor: &Actor, t: &StoredTask) -> Result<TaskPart, Error> {
    // The case's owner now (a transfer moves its tasks with it), not the one that made it.
    let c = cases::find(tx, t.case_id).await?;
    let owner = super::manager_of(actor) == Some(c.owner_id);
    if owner || t.body.claimed_by(actor.organisation_id) {
        return Ok(TaskPart { owner });
    }
    if part_in(actor, &c).is_some() {
        return Ok(TaskPart { owner: false });
    }
    if let Some(m) = t.meeting_id {
        let m = case_meetings::find(tx, m).await?;
        if m.body
            .input
            .participants
            .iter()
            .any(|p| p.organisation_id == actor.organisation_id)
        {
            return Ok(TaskPart { owner: false });
        }
    }
    Err(Error::NotFound)
}

async fn claim_of(app: &App, ctx: &Context, actor: &Actor) -> Result<Claim, Error> {
    Ok(Claim {
        organisation_id: actor.organisation_id,
        organisation: crate::organisations::name_of(app, actor.organisation_id).await?,
        by: actor.login.clone(),
        on: ctx.today(),
        knowing_of: Vec::new(),
    })
}

/// Adds a task to a case outside a meeting (its owner or lead); `claim` takes it at once.
pub async fn add(
    app: &App,
    ctx: &Context,
    case_id: uuid::Uuid,
    input: TaskInput,
    claim: bool,
) -> Result<StoredTask, Error> {
    let actor = ctx.actor()?;
    let what = input.what.trim().to_owned();
    if what.is_empty() || tsunagi_domain::text::unacceptable(&what, 300) {
        return Err(Error::invalid(
            "what",
            "作業の内容を300文字以内で入力してください",
        ));
    }
    if input.due_on.is_some_and(|d| d < ctx.today()) {
        return Err(Error::invalid("due_on", "期限が過ぎた日付です"));
    }
    let first = if claim {
        Some(claim_of(app, ctx, actor).await?)
    } else {
        None
    };
    let mut w = app.begin(ctx).await?;
    let c = cases::find(&w.tx, case_id).await?;
    part_in(actor, &c).ok_or(Error::NotFound)?;
    if c.closed {
        return Err(Error::invalid("case", "終結したケースです"));
    }
    let body = TaskBody::new(what, input.due_on, first);
    let t = case_tasks::create(&mut w.tx, actor, c.owner_id, case_id, None, &body).await?;
    w.commit().await?;
    Ok(t)
}

/// Changes a task from the version read, if the actor may see it.
async fn change(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
    what: &str,
    f: impl FnOnce(&mut TaskBody, TaskPart) -> Result<(), Error>,
) -> Result<StoredTask, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let t = case_tasks::find(&w.tx, id).await?;
    let p = part(&w.tx, actor, &t).await?;
    if t.version != expected_version {
        return Err(Error::Conflict { current: t.version });
    }
    let mut body = t.body.clone();
    f(&mut body, p)?;
    let t = case_tasks::save(&mut w.tx, actor, id, expected_version, &body, what).await?;
    w.commit().await?;
    Ok(t)
}

/// Claims a task for the actor's organisation; refused with the first claim shown unless
/// `knowing`.
pub async fn claim(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
    knowing: bool,
) -> Result<StoredTask, Error> {
    let c = claim_of(app, ctx, ctx.actor()?).await?;
    change(app, ctx, id, expected_version, "claimed", |b, _| {
        b.claim(c, knowing)
            .map_err(|r| Error::invalid("claim", r.message()))
    })
    .await
}

/// Gives up the actor's organisation's claim.
pub async fn release(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
) -> Result<StoredTask, Error> {
    let org = ctx.actor()?.organisation_id;
    change(app, ctx, id, expected_version, "released", |b, _| {
        b.release(org).map_err(Error::Invalid)
    })
    .await
}

/// Ends a task, done or dropped (an organisation holding it, or the municipality's staff).
pub async fn end(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
    state: TaskState,
    note: Option<String>,
) -> Result<StoredTask, Error> {
    let actor = ctx.actor()?;
    let (org, by, today) = (actor.organisation_id, actor.login.clone(), ctx.today());
    change(app, ctx, id, expected_version, state.code(), |b, p| {
        if !p.owner && !b.claimed_by(org) {
            return Err(Error::invalid(
                "claim",
                "担当している団体か市町村が完了にします",
            ));
        }
        b.end(
            state,
            TaskEnd {
                on: today,
                by,
                note,
            },
        )
        .map_err(Error::Invalid)
    })
    .await
}

/// A case's tasks (its owner or lead).
pub async fn of_case(
    app: &App,
    ctx: &Context,
    case_id: uuid::Uuid,
) -> Result<Vec<StoredTask>, Error> {
    let actor = ctx.actor()?;
    let w = app.begin(ctx).await?;
    let c = cases::find(&w.tx, case_id).await?;
    part_in(actor, &c).ok_or(Error::NotFound)?;
    let list = case_tasks::of_case(&w.tx, case_id).await?;
    w.commit().await?;
    Ok(list)
}

/// A task on a caseworker's list.
#[derive(Clone, Debug, Serialize)]
pub struct TaskLine {
    #[serde(flatten)]
    pub task: StoredTask,
    pub household_no: String,
    pub overdue: bool,
    /// Held by the viewer's organisation.
    pub ours: bool,
}

/// The open tasks in the actor's view, by due date: for a municipality's (or prefecture's)
/// staff, those of the open cases it owns; for anyone else the tasks its organisation holds, and the unclaimed ones of the
/// meetings it was invited to and of the cases it leads (to claim).
pub(crate) async fn open_for(
    tx: &AuditedTx,
    actor: &Actor,
    today: NaiveDate,
) -> Result<Vec<TaskLine>, Error> {
    let manager = super::manager_of(actor);
    let mut tasks = match manager {
        // The open tasks of the open cases it owns now (made here or transferred to it).
        Some(m) => {
            let owned: Vec<uuid::Uuid> = cases::managed_by(tx, m)
                .await?
                .into_iter()
                .filter(|c| c.owner_id == m && !c.closed)
                .map(|c| c.id)
                .collect();
            case_tasks::open_of_cases(tx, &owned).await?
        }
        None => {
            let mut held = case_tasks::open_claimed_by(tx, actor.organisation_id).await?;
            let meetings: Vec<uuid::Uuid> = case_meetings::inviting(tx, actor.organisation_id)
                .await?
                .into_iter()
                .map(|m| m.id)
                .collect();
            let mut offered = case_tasks::open_of_meetings(tx, meetings).await?;
            let led: Vec<uuid::Uuid> = cases::led_by(tx, actor.organisation_id)
                .await?
                .into_iter()
                .filter(|c| !c.closed)
                .map(|c| c.id)
                .collect();
            offered.extend(case_tasks::open_of_cases(tx, &led).await?);
            let seen: std::collections::HashSet<uuid::Uuid> = held.iter().map(|t| t.id).collect();
            let mut extra_seen = seen.clone();
            held.extend(
                offered
                    .into_iter()
                    .filter(|t| t.body.claims.is_empty() && extra_seen.insert(t.id)),
            );
            held
        }
    };
    tasks.sort_by_key(|t| (t.body.due_on.is_none(), t.body.due_on, t.created_at));
    // Household numbers, one query per municipality.
    let mut ids: Vec<uuid::Uuid> = tasks.iter().map(|t| t.case_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let found = cases::by_ids(tx, &ids).await?;
    let households: std::collections::HashMap<uuid::Uuid, (OrganisationId, HouseholdId)> = found
        .into_iter()
        .map(|c| (c.id, (c.municipality_id, c.household_id)))
        .collect();
    let mut numbers = std::collections::HashMap::new();
    let mut by_m: std::collections::HashMap<OrganisationId, Vec<HouseholdId>> =
        std::collections::HashMap::new();
    for (m, h) in households.values() {
        by_m.entry(*m).or_default().push(*h);
    }
    for (m, hs) in by_m {
        numbers.extend(persons::household_numbers(tx, m, &hs).await?);
    }
    Ok(tasks
        .into_iter()
        .map(|t| {
            let no = households
                .get(&t.case_id)
                .and_then(|(_, h)| numbers.get(h).cloned())
                .unwrap_or_default();
            TaskLine {
                overdue: t.body.overdue(today),
                ours: t.body.claimed_by(actor.organisation_id),
                household_no: no,
                task: t,
            }
        })
        .collect())
}

/// The open tasks in the actor's view (see [`open_for`]).
pub async fn open(app: &App, ctx: &Context) -> Result<Vec<TaskLine>, Error> {
    let actor = ctx.actor()?;
    let w = app.begin(ctx).await?;
    let list = open_for(&w.tx, actor, ctx.today()).await?;
    w.commit().await?;
    Ok(list)
}

/// A task, if the actor may see it.
pub async fn get(app: &App, ctx: &Context, id: uuid::Uuid) -> Result<StoredTask, Error> {
    let actor = ctx.actor()?;
    let w = app.begin(ctx).await?;
    let t = case_tasks::find(&w.tx, id).await?;
    part(&w.tx, actor, &t).await?;
    w.commit().await?;
    Ok(t)
}
