//! The rows behind the progress page: one per roster person of the actor's municipality.

use crate::audit::{AuditedTx, Entry};
use crate::entity::{consent, evacuation_plan, person, plan_workflow, roster_entry, triage_result};
use crate::error::StoreError;
use chrono::NaiveDate;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;
use tsunagi_domain::access::{Actor, Capability, can};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::consent::ConsentStatus;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::plan::{EvacuationPlan, PlanHazard};
use tsunagi_domain::progress::{ProgressRow, area_of};
use tsunagi_domain::roster::RosterEntry;
use tsunagi_domain::triage::{Approach, Priority};
use tsunagi_domain::workflow::{Step, review};

pub async fn rows(
    tx: &mut AuditedTx,
    actor: &Actor,
    municipality_name: &str,
    today: NaiveDate,
) -> Result<Vec<ProgressRow>, StoreError> {
    if !can(actor, Capability::CreatePerson) {
        return Err(StoreError::Forbidden);
    }
    let owner = actor.organisation_id;
    let mine = || {
        Query::select()
            .column(person::Column::Id)
            .from(person::Entity)
            .and_where(person::Column::MunicipalityId.eq(owner.0))
            .to_owned()
    };
    let persons: HashMap<uuid::Uuid, person::Model> = person::Entity::find()
        .filter(person::Column::MunicipalityId.eq(owner.0))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let triage: HashMap<uuid::Uuid, triage_result::Model> = triage_result::Entity::find()
        .filter(triage_result::Column::PersonId.in_subquery(mine()))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|t| (t.person_id, t))
        .collect();
    let workflows: HashMap<uuid::Uuid, plan_workflow::Model> = plan_workflow::Entity::find()
        .filter(plan_workflow::Column::PersonId.in_subquery(mine()))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|w| (w.person_id, w))
        .collect();
    let consents: HashMap<uuid::Uuid, String> = consent::Entity::find()
        .filter(consent::Column::PersonId.in_subquery(mine()))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|c| (c.person_id, c.status))
        .collect();
    // Who is provided in normal times: the basis in force against each person's consent.
    let provision = crate::legal_bases::provision_of(tx.conn(), owner.0).await?;
    let mut scopes: HashMap<uuid::Uuid, std::collections::BTreeSet<OrganisationKind>> =
        HashMap::new();
    for s in crate::entity::consent_scope::Entity::find()
        .filter(crate::entity::consent_scope::Column::PersonId.in_subquery(mine()))
        .all(tx.conn())
        .await?
    {
        if let Ok(k) = s.receiver_kind.parse::<OrganisationKind>() {
            scopes.entry(s.person_id).or_default().insert(k);
        }
    }
    let mut plans: HashMap<uuid::Uuid, evacuation_plan::Model> = HashMap::new();
    for p in evacuation_plan::Entity::find()
        .filter(evacuation_plan::Column::PersonId.in_subquery(mine()))
        .all(tx.conn())
        .await?
    {
        if plans
            .get(&p.person_id)
            .is_none_or(|q| q.version < p.version)
        {
            plans.insert(p.person_id, p);
        }
    }
    let difficult = crate::gis::views::difficult_in(tx.conn(), owner).await?;
    let mut out = Vec::new();
    for e in roster_entry::Entity::find()
        .filter(roster_entry::Column::PersonId.in_subquery(mine()))
        .all(tx.conn())
        .await?
    {
        let Some(p) = persons.get(&e.person_id) else {
            continue;
        };
        let entry: RosterEntry = serde_json::from_str(&e.entry).unwrap_or_default();
        let hazards = PlanHazard::of_home(&entry.home_hazards);
        let t = triage.get(&e.person_id);
        let w = workflows.get(&e.person_id);
        // Who is provided in normal times: the basis in force against the person's consent.
        let facts = tsunagi_domain::consent::ConsentFacts {
            status: consents
                .get(&e.person_id)
                .and_then(|s| s.parse().ok())
                .unwrap_or(ConsentStatus::NotAsked),
            scope: scopes.get(&e.person_id).cloned().unwrap_or_default(),
        };
        let parties = OrganisationKind::ALL
            .into_iter()
            .filter(|k| k.is_evacuation_support_party());
        out.push(ProgressRow {
            area: area_of(&p.address, municipality_name),
            priority: t.and_then(|t| Priority::parse(&t.priority)),
            approach: t.and_then(|t| Approach::parse(&t.approach)),
            step: w.and_then(|w| Step::parse(&w.step)),
            consent: facts.status,
            plan_complete: plans
                .get(&e.person_id)
                .and_then(|p| serde_json::from_str::<EvacuationPlan>(&p.content).ok())
                .is_some_and(|p| p.missing_items(&hazards).is_empty()),
            review_overdue: w.is_some_and(|w| {
                review::state(w.review_due, false, today) == review::ReviewState::Overdue
            }),
            tsunami_difficult: difficult.contains(&e.person_id),
            shared_normal_times: parties
                .clone()
                .any(|k| provision.roster.provides(&facts, k)),
            shared_by_consent: parties.clone().any(|k| facts.covers(k)),
            plan_written: plans.contains_key(&e.person_id),
            plan_shared_normal_times: parties.clone().any(|k| provision.plans.provides(&facts, k)),
            community_district: entry
                .community_district
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .unwrap_or("（未設定）")
                .to_owned(),
        });
    }
    tx.record(
        Entry::new(AuditAction::PersonSearched, "progress", "")
            .owner(owner)
            .detail(serde_json::json!({"roster": out.len()})),
    );
    Ok(out)
}
