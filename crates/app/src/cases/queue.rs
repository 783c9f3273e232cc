//! The outreach queue of a declaration (the information-sharing figures are built from it in
//! `report.rs`).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::case_management::{
    ESCALATE_AFTER_ABSENCES, QueueFacts, VisitOutcome, absences_in_a_row, queue_key,
};
use tsunagi_domain::damage::DamageLevel;
use tsunagi_domain::safety::SafetyStatus;
use tsunagi_domain::triage::Priority;
use tsunagi_domain::{HouseholdId, OrganisationId};
use tsunagi_store::audit::{AuditedTx, Entry};
use tsunagi_store::{cases, certificates, declarations, ledger, persons, safety};

use super::StoredCase;
use crate::{App, Context, Error};

/// One household in the outreach queue.
#[derive(Clone, Debug, Serialize)]
pub struct QueueLine {
    pub household_id: HouseholdId,
    pub household_no: String,
    pub head: String,
    pub address: String,
    pub members: usize,
    pub reached: bool,
    pub visits: usize,
    pub absences_in_a_row: usize,
    pub escalated: bool,
    pub last_visit_on: Option<NaiveDate>,
    pub roster_priority: Option<Priority>,
    pub damage: Option<DamageLevel>,
    pub oldest_age: Option<u32>,
    pub sweep_concern: bool,
    pub case_id: Option<uuid::Uuid>,
    /// Its case was transferred to another municipality or the prefecture (移管済み): the
    /// household stays on this ledger, the case is no longer this municipality's.
    pub transferred: bool,
}

/// The outreach queue of a declaration (the municipality's staff): every household on the
/// ledger (a ledger record or a damage application), with a case or a visit, or with someone
/// in the safety sweep; never reached first (escalated before the rest), then by risk. Audited
/// as a search naming the households.
pub async fn queue(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<Vec<QueueLine>, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let mut w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    let (lines, _) = queue_in(&mut w.tx, ctx, m, declaration, true).await?;
    w.tx.record(
        Entry::new(AuditAction::PersonSearched, "disaster", d.id)
            .owner(m)
            .detail(serde_json::json!({
                "outreach_queue": d.id,
                "households": lines.iter().map(|l| l.household_id.0.to_string()).collect::<Vec<_>>(),
            })),
    );
    w.commit().await?;
    Ok(lines)
}

/// The queue's lines and the declaration's cases (read once for both); `with_sweep` adds the households of the safety sweep (read as the
/// municipality's staff read it — the prefecture's roll-up leaves them out).
pub(super) async fn queue_in(
    tx: &mut AuditedTx,
    ctx: &Context,
    m: OrganisationId,
    declaration: uuid::Uuid,
    with_sweep: bool,
) -> Result<(Vec<QueueLine>, Vec<StoredCase>), Error> {
    let actor = ctx.actor()?;
    let today = ctx.today();
    let mut households: HashSet<HouseholdId> = HashSet::new();
    households.extend(
        ledger::of_declaration(tx, m, declaration)
            .await?
            .into_iter()
            .map(|l| l.household_id),
    );
    let apps = certificates::of_declaration(tx, m, declaration).await?;
    let mut apps_of: HashMap<HouseholdId, Vec<crate::certificates::Application>> = HashMap::new();
    for a in apps {
        households.insert(a.household_id);
        apps_of.entry(a.household_id).or_default().push(a);
    }
    // The level of the certificate in force, as the ledger and the case show it.
    let damage: HashMap<HouseholdId, DamageLevel> = apps_of
        .iter()
        .filter_map(|(h, a)| crate::eligibility::certified_level(a).map(|l| (*h, l)))
        .collect();
    let all_cases = cases::of_declaration(tx, m, declaration).await?;
    let case_of: HashMap<HouseholdId, uuid::Uuid> =
        all_cases.iter().map(|c| (c.household_id, c.id)).collect();
    households.extend(case_of.keys().copied());
    let transferred: HashSet<HouseholdId> = all_cases
        .iter()
        .filter(|c| c.owner_id != m)
        .map(|c| c.household_id)
        .collect();
    let mut outcomes: HashMap<HouseholdId, Vec<(NaiveDate, VisitOutcome)>> = HashMap::new();
    for (h, day, o) in cases::outcomes_of_declaration(tx, m, declaration).await? {
        households.insert(h);
        outcomes.entry(h).or_default().push((day, o));
    }
    // The sweep: its people's households, their priority and whether anyone is a concern.
    let disaster = ctx.disaster().clone();
    let sweep = if with_sweep {
        safety::sweep(tx, actor, &disaster, declaration, safety::SweepPart::All)
            .await?
            .0
    } else {
        Vec::new()
    };
    let swept: Vec<uuid::Uuid> = sweep.iter().map(|l| l.person.id.0).collect();
    let home_of = persons::households_of_persons(tx, m, &swept).await?;
    let mut priority: HashMap<HouseholdId, Priority> = HashMap::new();
    let mut concern: HashSet<HouseholdId> = HashSet::new();
    for l in &sweep {
        let Some(h) = home_of.get(&l.person.id.0) else {
            continue;
        };
        households.insert(*h);
        if let Some(p) = l.priority {
            let e = priority.entry(*h).or_insert(p);
            if p > *e {
                *e = p;
            }
        }
        if matches!(
            l.status,
            SafetyStatus::Unchecked | SafetyStatus::NotReached | SafetyStatus::NeedsSupport
        ) {
            concern.insert(*h);
        }
    }
    let list: Vec<HouseholdId> = households.into_iter().collect();
    let members = persons::members_of_households(tx, m, &list).await?;
    let numbers = persons::household_numbers(tx, m, &list).await?;
    let mut lines: Vec<(QueueFacts, QueueLine)> = list
        .iter()
        .map(|h| {
            let people = members.get(h).map(Vec::as_slice).unwrap_or(&[]);
            let os: Vec<VisitOutcome> = outcomes
                .get(h)
                .map(|v| v.iter().map(|(_, o)| *o).collect())
                .unwrap_or_default();
            let reached = os.contains(&VisitOutcome::Met);
            let absences = absences_in_a_row(&os);
            let head = people
                .iter()
                .find(|p| tsunagi_domain::person::is_householder(p.relationship.as_deref()))
                .or_else(|| people.iter().min_by_key(|p| p.birth_date));
            let oldest = people
                .iter()
                .map(|p| today.years_since(p.birth_date).unwrap_or(0))
                .max();
            let facts = QueueFacts {
                reached,
                absences_in_a_row: absences,
                roster_priority: priority.get(h).copied(),
                damage: damage.get(h).copied(),
                oldest_age: oldest,
                lives_alone: people.len() == 1,
                sweep_concern: concern.contains(h),
            };
            let line = QueueLine {
                household_id: *h,
                household_no: numbers.get(h).cloned().unwrap_or_default(),
                head: head.map(|p| p.name.clone()).unwrap_or_default(),
                address: head.map(|p| p.address.clone()).unwrap_or_default(),
                members: people.len(),
                reached,
                visits: os.len(),
                absences_in_a_row: absences,
                escalated: absences >= ESCALATE_AFTER_ABSENCES,
                last_visit_on: outcomes.get(h).and_then(|v| v.last()).map(|(d, _)| *d),
                roster_priority: facts.roster_priority,
                damage: facts.damage,
                oldest_age: oldest,
                sweep_concern: facts.sweep_concern,
                case_id: case_of.get(h).copied(),
                transferred: transferred.contains(h),
            };
            (facts, line)
        })
        .collect();
    lines.sort_by(|a, b| {
        queue_key(&a.0)
            .cmp(&queue_key(&b.0))
            .then_with(|| a.1.household_no.cmp(&b.1.household_no))
    });
    Ok((lines.into_iter().map(|(_, l)| l).collect(), all_cases))
}
