//! Case meetings (ケース会議, issue 20 item 4): scheduled by the municipality's staff for one
//! case or a batch, with organisations invited from the directory and the basis on which the
//! cases are shared with them. Participants see the meeting and its agenda's cases — nothing
//! else of those households, and no other case. The minutes record per case the situation, the
//! policy decided (a review of the case, so the case shows it) and the tasks, all in one
//! transaction: a case changed meanwhile makes the whole minutes a conflict, not half applied.

use chrono::NaiveDate;
use serde::Serialize;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::case_management::{HouseholdType, IssueAssessment, Review};
use tsunagi_domain::case_meeting::{
    Claim, MeetingBody, MeetingInput, MeetingState, Minutes, TaskBody,
};
use tsunagi_domain::damage::DamageLevel;
use tsunagi_domain::{HouseholdId, OrganisationId};
use tsunagi_store::audit::{AuditedTx, Entry};
use tsunagi_store::case_meetings as store;
pub use tsunagi_store::case_meetings::StoredMeeting;
use tsunagi_store::case_tasks::{self, StoredTask};
use tsunagi_store::{cases, certificates, declarations, persons};

use super::latest_assessment;
use crate::{App, Context, Error};

/// Whether the actor runs the meeting (the municipality's staff) or takes part in it.
fn part(actor: &tsunagi_domain::access::Actor, m: &StoredMeeting) -> Option<bool> {
    if super::manager_of(actor) == Some(m.municipality_id) {
        Some(true)
    } else if m
        .body
        .input
        .participants
        .iter()
        .any(|p| p.organisation_id == actor.organisation_id)
    {
        Some(false)
    } else {
        None
    }
}

/// A member as the meeting sees them.
#[derive(Clone, Debug, Serialize)]
pub struct AgendaMember {
    pub name: String,
    pub age: u32,
    pub relationship: Option<String>,
}

/// One case on the agenda, as the meeting sees it.
#[derive(Clone, Debug, Serialize)]
pub struct AgendaCase {
    pub case_id: uuid::Uuid,
    pub household_id: HouseholdId,
    pub household_no: String,
    pub members: Vec<AgendaMember>,
    pub damage: Option<DamageLevel>,
    pub household_type: Option<HouseholdType>,
    pub assessment: Vec<IssueAssessment>,
    /// The policy in force before the meeting (the last review's).
    pub policy: Option<String>,
    pub next_review_on: Option<NaiveDate>,
    pub closed: bool,
    pub tasks: Vec<StoredTask>,
}

/// A meeting with its agenda's cases.
#[derive(Clone, Debug, Serialize)]
pub struct MeetingView {
    #[serde(flatten)]
    pub meeting: StoredMeeting,
    pub agenda: Vec<AgendaCase>,
    /// The municipality's staff: record minutes, cancel.
    pub manages: bool,
}

async fn agenda_of(
    tx: &AuditedTx,
    m: &StoredMeeting,
    today: NaiveDate,
) -> Result<Vec<AgendaCase>, Error> {
    let tasks = case_tasks::of_meeting(tx, m.id).await?;
    let mut out = Vec::with_capacity(m.body.input.agenda.len());
    for id in &m.body.input.agenda {
        let c = cases::find(tx, *id).await?;
        if c.owner_id != m.municipality_id {
            // Transferred since: the meeting no longer shows it (the sending side's view ends).
            continue;
        }
        let h = certificates::household_of(tx, c.municipality_id, c.household_id).await?;
        let people = persons::household_members(tx, c.municipality_id, c.household_id).await?;
        let apps =
            certificates::of_household(tx, c.municipality_id, c.declaration_id, c.household_id)
                .await?;
        let visits = cases::visits_of(tx, c.declaration_id, c.household_id).await?;
        out.push(AgendaCase {
            case_id: c.id,
            household_id: c.household_id,
            household_no: h.household_no,
            members: people
                .into_iter()
                .map(|p| AgendaMember {
                    age: today.years_since(p.birth_date).unwrap_or(0),
                    name: p.name,
                    relationship: p.relationship,
                })
                .collect(),
            damage: crate::eligibility::certified_level(&apps),
            household_type: c.body.current_type(),
            assessment: latest_assessment(&visits),
            policy: c.body.reviews.last().map(|r| r.policy.clone()),
            next_review_on: c.body.next_review_on,
            closed: c.closed,
            tasks: tasks
                .iter()
                .filter(|t| t.case_id == c.id)
                .cloned()
                .collect(),
        });
    }
    Ok(out)
}

/// Schedules a meeting for cases of one declaration (the municipality's staff).
pub async fn schedule(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    input: MeetingInput,
) -> Result<StoredMeeting, Error> {
    let actor = ctx.actor()?;
    let m = super::manager_of(actor).ok_or(Error::NotFound)?;
    let mut input = input.validate().map_err(Error::Invalid)?;
    for p in &mut input.participants {
        p.organisation = app
            .store
            .organisation(p.organisation_id)
            .await?
            .ok_or_else(|| Error::invalid("participants", "参加団体が見つかりません"))?
            .name;
    }
    let mut w = app.begin(ctx).await?;
    declarations::by_id(&w.tx, declaration).await?;
    for id in &input.agenda {
        let c = cases::find(&w.tx, *id)
            .await
            .map_err(|_| Error::invalid("agenda", "議題のケースが見つかりません"))?;
        if c.owner_id != m || c.declaration_id != declaration {
            return Err(Error::invalid("agenda", "議題のケースが見つかりません"));
        }
        if c.closed {
            return Err(Error::invalid("agenda", "終結したケースは議題にできません"));
        }
    }
    let body = MeetingBody {
        input,
        minutes: None,
        recorded_by: None,
        cancelled_reason: None,
    };
    let saved = store::create(&mut w.tx, actor, m, declaration, &body).await?;
    w.commit().await?;
    Ok(saved)
}

/// A meeting with its agenda's cases: its municipality's staff and the organisations invited;
/// audited as a view of each case shown (with the persons in it).
pub async fn get(app: &App, ctx: &Context, id: uuid::Uuid) -> Result<MeetingView, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let m = store::find(&w.tx, id).await?;
    let manages = part(actor, &m).ok_or(Error::NotFound)?;
    let agenda = agenda_of(&w.tx, &m, ctx.today()).await?;
    for a in &agenda {
        w.tx.record(
            Entry::new(AuditAction::CaseViewed, "case", a.case_id)
                .owner(m.municipality_id)
                .detail(serde_json::json!({
                    "meeting": m.id, "household": a.household_id.0,
                    "organisation": actor.organisation_id.0,
                    "members": a.members.len(),
                })),
        );
    }
    w.commit().await?;
    Ok(MeetingView {
        meeting: m,
        agenda,
        manages,
    })
}

/// The meetings in view: all of the municipality's for its staff, the ones an organisation is
/// invited to for anyone else.
pub async fn list(app: &App, ctx: &Context) -> Result<Vec<StoredMeeting>, Error> {
    let actor = ctx.actor()?;
    let w = app.begin(ctx).await?;
    let list = match super::manager_of(actor) {
        Some(m) => store::of_municipality(&w.tx, m).await?,
        None => store::inviting(&w.tx, actor.organisation_id).await?,
    };
    w.commit().await?;
    Ok(list)
}

/// The meetings a case was on (the case's owner or lead).
pub async fn of_case(
    app: &App,
    ctx: &Context,
    case_id: uuid::Uuid,
) -> Result<Vec<StoredMeeting>, Error> {
    let actor = ctx.actor()?;
    let w = app.begin(ctx).await?;
    let c = cases::find(&w.tx, case_id).await?;
    super::part_in(actor, &c).ok_or(Error::NotFound)?;
    let list = store::of_case(&w.tx, case_id).await?;
    w.commit().await?;
    Ok(list)
}

/// Records the minutes of a scheduled meeting (its municipality's staff), from the version
/// read: each case gets a review with the policy decided, each task is created (held by the
/// organisation the meeting gave it to), and the meeting is marked held — or nothing is.
pub async fn record_minutes(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
    minutes: Minutes,
) -> Result<MeetingView, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let m = store::find(&w.tx, id).await?;
    if !part(actor, &m).ok_or(Error::NotFound)? {
        return Err(Error::Forbidden);
    }
    if m.version != expected_version {
        return Err(Error::Conflict { current: m.version });
    }
    if m.state != MeetingState::Scheduled {
        return Err(Error::invalid(
            "state",
            "議事録はすでに記録されたか、中止された会議です",
        ));
    }
    let mut may_take: Vec<OrganisationId> = m
        .body
        .input
        .participants
        .iter()
        .map(|p| p.organisation_id)
        .collect();
    may_take.push(m.municipality_id);
    let minutes = minutes
        .validate(&m.body.input.agenda, &may_take, ctx.today())
        .map_err(Error::Invalid)?;
    let name_of = |o: OrganisationId| {
        m.body
            .input
            .participants
            .iter()
            .find(|p| p.organisation_id == o)
            .map(|p| p.organisation.clone())
    };
    let municipality_name = crate::organisations::name_of(app, m.municipality_id).await?;
    for cm in &minutes.cases {
        let c = cases::find(&w.tx, cm.case_id).await?;
        if c.owner_id != m.municipality_id {
            return Err(Error::invalid(
                "cases",
                "移管したケースは議事録に記録できません",
            ));
        }
        let mut body = c.body.clone();
        let keep = body.next_review_on.filter(|d| *d > minutes.held_on);
        body.review(Review {
            reviewed_on: minutes.held_on,
            progress: Vec::new(),
            policy: cm.policy.clone(),
            next_review_on: cm.next_review_on.or(keep),
            reviewed_by: format!("ケース会議「{}」", m.body.input.title),
            meeting: Some(m.id),
        })
        .map_err(Error::Invalid)?;
        cases::save(
            &mut w.tx,
            actor,
            c.id,
            c.version,
            c.owner_id,
            c.lead_organisation_id,
            &body,
            "meeting",
        )
        .await?;
        for t in &cm.tasks {
            let first = t.organisation_id.map(|o| Claim {
                organisation_id: o,
                organisation: name_of(o).unwrap_or_else(|| municipality_name.clone()),
                by: format!("ケース会議で決定（{}）", actor.login),
                on: minutes.held_on,
                knowing_of: Vec::new(),
            });
            let body = TaskBody::new(t.what.clone(), t.due_on, first);
            case_tasks::create(&mut w.tx, actor, m.municipality_id, c.id, Some(m.id), &body)
                .await?;
        }
    }
    let mut body = m.body.clone();
    body.minutes = Some(minutes);
    body.recorded_by = Some(actor.login.clone());
    let saved = store::save(
        &mut w.tx,
        actor,
        id,
        expected_version,
        MeetingState::Held,
        &body,
        "minutes",
    )
    .await?;
    let agenda = agenda_of(&w.tx, &saved, ctx.today()).await?;
    w.commit().await?;
    Ok(MeetingView {
        meeting: saved,
        agenda,
        manages: true,
    })
}

/// Cancels a scheduled meeting with a reason (its municipality's staff).
pub async fn cancel(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
    reason: String,
) -> Result<StoredMeeting, Error> {
    let actor = ctx.actor()?;
    let reason = reason.trim().to_owned();
    if reason.is_empty() || tsunagi_domain::text::unacceptable(&reason, 200) {
        return Err(Error::invalid(
            "reason",
            "中止の理由を200文字以内で入力してください",
        ));
    }
    let mut w = app.begin(ctx).await?;
    let m = store::find(&w.tx, id).await?;
    if !part(actor, &m).ok_or(Error::NotFound)? {
        return Err(Error::Forbidden);
    }
    if m.state != MeetingState::Scheduled {
        return Err(Error::invalid("state", "予定の会議だけを中止できます"));
    }
    let mut body = m.body.clone();
    body.cancelled_reason = Some(reason);
    let saved = store::save(
        &mut w.tx,
        actor,
        id,
        expected_version,
        MeetingState::Cancelled,
        &body,
        "cancelled",
    )
    .await?;
    w.commit().await?;
    Ok(saved)
}

/// An open case that may go on a meeting's agenda.
#[derive(Clone, Debug, Serialize)]
pub struct AgendaChoice {
    pub case_id: uuid::Uuid,
    pub household_no: String,
    pub household_type: Option<HouseholdType>,
    pub next_review_on: Option<NaiveDate>,
}

/// The declaration's open cases (its municipality's staff), review due first.
pub async fn agenda_choices(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<Vec<AgendaChoice>, Error> {
    let actor = ctx.actor()?;
    let m = super::manager_of(actor).ok_or(Error::NotFound)?;
    let w = app.begin(ctx).await?;
    let d = declarations::by_id(&w.tx, declaration).await?;
    let open: Vec<_> = cases::managed_by(&w.tx, m)
        .await?
        .into_iter()
        .filter(|c| !c.closed && c.owner_id == m && c.declaration_id == declaration)
        .collect();
    let hs: Vec<HouseholdId> = open.iter().map(|c| c.household_id).collect();
    let numbers = persons::household_numbers(&w.tx, d.municipality_id, &hs).await?;
    w.commit().await?;
    let mut out: Vec<AgendaChoice> = open
        .into_iter()
        .map(|c| AgendaChoice {
            case_id: c.id,
            household_no: numbers.get(&c.household_id).cloned().unwrap_or_default(),
            household_type: c.body.current_type(),
            next_review_on: c.body.next_review_on,
        })
        .collect();
    out.sort_by_key(|c| (c.next_review_on.is_none(), c.next_review_on));
    Ok(out)
}
