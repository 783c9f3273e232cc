//! Disaster case management, first part (issue 20 items 1–3): the outreach queue built from
//! the ledger and the safety sweep (never reached first, then by risk), visits with their
//! assessment per issue category, cases opened per household with a lead organisation, the
//! household's classification proposed from the latest assessment and decided by staff, and
//! closing with a reason (and reopening). The municipality's staff manage; the lead
//! organisation's users see their cases, record visits and classify; anyone else: not found.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::case_management::{
    CaseBody, CaseSource, Classification, Closing, ESCALATE_AFTER_ABSENCES, HouseholdType,
    IssueAssessment, VisitInput, VisitOutcome, absences_in_a_row, propose,
};
use tsunagi_domain::damage::DamageLevel;
use tsunagi_domain::safety::SafetyStatus;
use tsunagi_domain::{HouseholdId, OrganisationId, PersonId};
use tsunagi_store::audit::{AuditedTx, Entry};
use tsunagi_store::{cases, certificates, declarations, persons, safety};

pub use tsunagi_store::cases::{StoredCase, StoredVisit};

use crate::{App, Context, Error, day_jst};

pub mod categories;
mod day;
mod handover;
pub mod meetings;
mod queue;
mod report;
pub mod tasks;

pub use day::{Day, DayLine, my_day};
pub use handover::hand_over;
pub use queue::{QueueLine, queue};
pub use report::{prefecture_report, report};

/// How far an actor may go with a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// The owning municipality's staff: everything.
    Owner,
    /// The lead organisation: see, visit, classify.
    Lead,
}

/// The municipality or prefecture whose cases the actor manages: a municipality's staff, or a
/// prefecture's staff (for evacuees' cases transferred to it).
pub(crate) fn manager_of(actor: &Actor) -> Option<OrganisationId> {
    use tsunagi_domain::organisation::OrganisationKind;
    use tsunagi_domain::role::Role;
    certificates::staff_municipality(actor).ok().or_else(|| {
        (actor.organisation_kind == OrganisationKind::Prefecture
            && matches!(actor.role, Role::PrefectureStaff | Role::Administrator))
        .then_some(actor.organisation_id)
    })
}

/// The actor's part in a case: the owner's staff manage it; the lead organisation and the
/// staff of a municipality or prefecture it is shared with work on it; anyone else: none.
pub(crate) fn part_in(actor: &Actor, c: &StoredCase) -> Option<Part> {
    let manager = manager_of(actor);
    if manager == Some(c.owner_id) {
        Some(Part::Owner)
    } else if actor.organisation_id == c.lead_organisation_id
        || manager.is_some_and(|m| c.body.shared_with.contains(&m))
    {
        Some(Part::Lead)
    } else {
        None
    }
}

/// A member as a case shows them.
#[derive(Clone, Debug, Serialize)]
pub struct CaseMember {
    pub id: PersonId,
    pub name: String,
    pub birth_date: NaiveDate,
    pub relationship: Option<String>,
    pub on_roster: bool,
    pub safety: Option<SafetyStatus>,
}

/// A case with the one person record around it.
#[derive(Clone, Debug, Serialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub case: StoredCase,
    pub household_no: String,
    pub members: Vec<CaseMember>,
    /// The level of the certificate in force.
    pub damage: Option<DamageLevel>,
    pub visits: Vec<StoredVisit>,
    /// The latest assessment (from the last visit that met the household).
    pub assessment: Vec<IssueAssessment>,
    pub proposed: HouseholdType,
    pub absences_in_a_row: usize,
    pub escalated: bool,
    /// Whether the viewer may close, reopen or change the lead.
    pub manages: bool,
}

pub(crate) fn latest_assessment(visits: &[StoredVisit]) -> Vec<IssueAssessment> {
    visits
        .iter()
        .rev()
        .find(|v| v.visit.outcome == VisitOutcome::Met)
        .map(|v| v.visit.issues.clone())
        .unwrap_or_default()
}

async fn view_of(tx: &AuditedTx, c: StoredCase, part: Part) -> Result<CaseView, Error> {
    let m = c.municipality_id;
    let h = certificates::household_of(tx, m, c.household_id).await?;
    let people = persons::household_members(tx, m, c.household_id).await?;
    let ids: Vec<uuid::Uuid> = people.iter().map(|p| p.id.0).collect();
    let on_roster: HashSet<uuid::Uuid> = tsunagi_store::roster::entries_of(tx, &ids)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let statuses = safety::statuses_of(tx, c.declaration_id, &ids).await?;
    let apps = certificates::of_household(tx, m, c.declaration_id, c.household_id).await?;
    let damage = crate::eligibility::certified_level(&apps);
    let visits = cases::visits_of(tx, c.declaration_id, c.household_id).await?;
    let outcomes: Vec<VisitOutcome> = visits.iter().map(|v| v.visit.outcome).collect();
    let absences = absences_in_a_row(&outcomes);
    let assessment = latest_assessment(&visits);
    Ok(CaseView {
        household_no: h.household_no,
        members: people
            .into_iter()
            .map(|p| CaseMember {
                on_roster: on_roster.contains(&p.id.0),
                safety: statuses.get(&p.id.0).copied(),
                id: p.id,
                name: p.name,
                birth_date: p.birth_date,
                relationship: p.relationship,
            })
            .collect(),
        damage,
        proposed: propose(&assessment),
        assessment,
        absences_in_a_row: absences,
        escalated: absences >= ESCALATE_AFTER_ABSENCES,
        visits,
        manages: part == Part::Owner,
        case: c,
    })
}

fn viewed(v: &CaseView) -> Entry {
    Entry::new(AuditAction::CaseViewed, "case", v.case.id)
        .owner(v.case.owner_id)
        .detail(serde_json::json!({
            "household": v.case.household_id.0,
            "persons": v.members.iter().map(|m| m.id.to_string()).collect::<Vec<_>>(),
        }))
}

/// A case as entered.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct NewCase {
    pub lead_organisation: OrganisationId,
    pub source: CaseSource,
    pub lead_caseworker: Option<String>,
    pub next_review_on: Option<NaiveDate>,
}

/// Opens a case for a household of the municipality (its staff).
pub async fn open(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    household: HouseholdId,
    input: NewCase,
) -> Result<CaseView, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let lead = app
        .store
        .organisation(input.lead_organisation)
        .await?
        .ok_or_else(|| Error::invalid("lead_organisation", "担当団体が見つかりません"))?;
    let mut w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    certificates::household_of(&w.tx, m, household).await?;
    if cases::of_household(&w.tx, m, declaration, household)
        .await?
        .is_some()
    {
        return Err(Error::invalid(
            "household",
            "この世帯のケースはすでにあります",
        ));
    }
    let body = CaseBody {
        lead_caseworker: tsunagi_domain::text::clean(input.lead_caseworker),
        next_review_on: input.next_review_on,
        ..CaseBody::default()
    };
    if body
        .next_review_on
        .is_some_and(|r| r < day_jst(d.started_at))
    {
        return Err(Error::invalid(
            "next_review_on",
            "次の見直し日は災害の後の日付です",
        ));
    }
    let c = cases::open(
        &mut w.tx,
        actor,
        m,
        declaration,
        household,
        lead.id,
        input.source,
        &body,
    )
    .await?;
    let v = view_of(&w.tx, c, Part::Owner).await?;
    w.commit().await?;
    Ok(v)
}

/// A case with its household, visits and assessment (owner or lead; audited as a view).
pub async fn get(app: &App, ctx: &Context, id: uuid::Uuid) -> Result<CaseView, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let c = cases::find(&w.tx, id).await?;
    let part = part_in(actor, &c).ok_or(Error::NotFound)?;
    let v = view_of(&w.tx, c, part).await?;
    w.tx.record(viewed(&v));
    w.commit().await?;
    Ok(v)
}

/// Records a visit to a household of a declaration: the municipality's staff, or the lead
/// organisation of the household's case.
pub async fn record_visit(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    household: HouseholdId,
    input: VisitInput,
) -> Result<StoredVisit, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let d = declarations::by_id(&w.tx, declaration).await?;
    let m = d.municipality_id;
    let staff = certificates::staff_municipality(actor).ok() == Some(m);
    // With a case, those who have a part in it; before one, the municipality's staff.
    match cases::of_household(&w.tx, m, declaration, household).await? {
        Some(c) => {
            part_in(actor, &c).ok_or(Error::NotFound)?;
        }
        None if staff => {}
        None => return Err(Error::NotFound),
    }
    certificates::household_of(&w.tx, m, household).await?;
    let input = input
        .validate(ctx.today(), day_jst(d.started_at))
        .map_err(Error::Invalid)?;
    if !input.other_issues.is_empty() {
        let added = tsunagi_store::issue_categories::of_municipality(&w.tx, m).await?;
        if let Some(o) = input
            .other_issues
            .iter()
            .find(|o| !added.contains(&o.category))
        {
            return Err(Error::invalid(
                "issues",
                format!("「{}」はこの市町村の課題の分類にありません", o.category),
            ));
        }
    }
    let v = cases::record_visit(&mut w.tx, actor, m, declaration, household, &input).await?;
    w.commit().await?;
    Ok(v)
}

/// Who manages a case and who leads it, as a change may set them.
pub(crate) struct Keys {
    pub owner: OrganisationId,
    pub lead: OrganisationId,
}

/// Changes a case from the version read, if the actor's part allows.
async fn change(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
    owner_only: bool,
    what: &str,
    f: impl FnOnce(&mut CaseBody, &mut Keys, HouseholdType) -> Result<(), Error>,
) -> Result<CaseView, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let c = cases::find(&w.tx, id).await?;
    let part = part_in(actor, &c).ok_or(Error::NotFound)?;
    if owner_only && part != Part::Owner {
        return Err(Error::Forbidden);
    }
    let visits = cases::visits_of(&w.tx, c.declaration_id, c.household_id).await?;
    let proposed = propose(&latest_assessment(&visits));
    let mut body = c.body.clone();
    let mut keys = Keys {
        owner: c.owner_id,
        lead: c.lead_organisation_id,
    };
    f(&mut body, &mut keys, proposed)?;
    let c = cases::save(
        &mut w.tx,
        actor,
        id,
        expected_version,
        keys.owner,
        keys.lead,
        &body,
        what,
    )
    .await?;
    let v = view_of(&w.tx, c, part).await?;
    w.commit().await?;
    Ok(v)
}

/// Decides the household's classification, with the reason (owner or lead).
pub async fn classify(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
    household_type: HouseholdType,
    reason: String,
) -> Result<CaseView, Error> {
    let by = ctx.actor()?.login.clone();
    let today = ctx.today();
    change(
        app,
        ctx,
        id,
        expected_version,
        false,
        "classified",
        |b, _, proposed| {
            b.classify(Classification {
                household_type,
                proposed,
                reason,
                decided_on: today,
                decided_by: by,
            })
            .map_err(Error::Invalid)
        },
    )
    .await
}

/// Closes a case with its reason (the municipality's staff).
pub async fn close(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
    closing: Closing,
) -> Result<CaseView, Error> {
    if closing.closed_on > ctx.today() {
        return Err(Error::invalid("closed_on", "終結日が未来です"));
    }
    change(app, ctx, id, expected_version, true, "closed", |b, _, _| {
        b.close(closing).map_err(Error::Invalid)
    })
    .await
}

/// Reopens a closed case (the municipality's staff).
pub async fn reopen(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
) -> Result<CaseView, Error> {
    change(
        app,
        ctx,
        id,
        expected_version,
        true,
        "reopened",
        |b, _, _| b.reopen().map_err(Error::Invalid),
    )
    .await
}

/// The cases the actor's organisation leads (its caseworkers' list).
pub async fn mine(app: &App, ctx: &Context) -> Result<Vec<StoredCase>, Error> {
    let actor = ctx.actor()?;
    let w = app.begin(ctx).await?;
    let list = cases::led_by(&w.tx, actor.organisation_id).await?;
    w.commit().await?;
    Ok(list)
}

/// A household's outreach: its visits and, if opened, its case.
#[derive(Clone, Debug, Serialize)]
pub struct HouseholdOutreach {
    pub declaration_id: uuid::Uuid,
    pub household_id: HouseholdId,
    pub household_no: String,
    pub members: Vec<String>,
    pub visits: Vec<StoredVisit>,
    pub absences_in_a_row: usize,
    pub escalated: bool,
    pub proposed: HouseholdType,
    pub case: Option<CaseView>,
    /// The municipality's staff (may open, close, reopen).
    pub manages: bool,
    /// The categories the municipality added, for the visit form.
    pub added_categories: Vec<String>,
}

/// A household's visits and case: the municipality's staff, or the lead organisation of its
/// case; audited as a case view (or, before a case, as a view of the household's members).
pub async fn household(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    household: HouseholdId,
) -> Result<HouseholdOutreach, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let d = declarations::by_id(&w.tx, declaration).await?;
    let m = d.municipality_id;
    let staff = certificates::staff_municipality(actor).ok() == Some(m);
    let case = cases::of_household(&w.tx, m, declaration, household).await?;
    let part = match &case {
        Some(c) => part_in(actor, c),
        None if staff => Some(Part::Owner),
        None => None,
    }
    .ok_or(Error::NotFound)?;
    let h = certificates::household_of(&w.tx, m, household).await?;
    let added_categories = tsunagi_store::issue_categories::of_municipality(&w.tx, m).await?;
    let (case, members, visits) = match case {
        Some(c) => {
            let v = view_of(&w.tx, c, part).await?;
            w.tx.record(viewed(&v));
            let members = v.members.iter().map(|m| m.name.clone()).collect();
            let visits = v.visits.clone();
            (Some(v), members, visits)
        }
        None => {
            let people = persons::household_members(&w.tx, m, household).await?;
            w.tx.record(
                Entry::new(AuditAction::PersonViewed, "household", household.0)
                    .owner(m)
                    .detail(serde_json::json!({
                        "outreach": declaration,
                        "persons": people.iter().map(|p| p.id.to_string()).collect::<Vec<_>>(),
                    })),
            );
            let visits = cases::visits_of(&w.tx, declaration, household).await?;
            (None, people.into_iter().map(|p| p.name).collect(), visits)
        }
    };
    w.commit().await?;
    let outcomes: Vec<VisitOutcome> = visits.iter().map(|v| v.visit.outcome).collect();
    let absences = absences_in_a_row(&outcomes);
    Ok(HouseholdOutreach {
        declaration_id: declaration,
        household_id: household,
        household_no: h.household_no,
        members,
        absences_in_a_row: absences,
        escalated: absences >= ESCALATE_AFTER_ABSENCES,
        proposed: propose(&latest_assessment(&visits)),
        visits,
        case,
        manages: part == Part::Owner,
        added_categories,
    })
}

/// A review as entered.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ReviewInput {
    pub progress: Vec<tsunagi_domain::case_management::IssueProgress>,
    pub policy: String,
    pub next_review_on: Option<NaiveDate>,
}

/// Records a review of a case (owner or lead), from the version read.
pub async fn review(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
    input: ReviewInput,
) -> Result<CaseView, Error> {
    let by = ctx.actor()?.login.clone();
    let today = ctx.today();
    change(
        app,
        ctx,
        id,
        expected_version,
        false,
        "reviewed",
        |b, _, _| {
            b.review(tsunagi_domain::case_management::Review {
                reviewed_on: today,
                progress: input.progress,
                policy: input.policy,
                next_review_on: input.next_review_on,
                reviewed_by: by,
                meeting: None,
            })
            .map_err(Error::Invalid)
        },
    )
    .await
}
