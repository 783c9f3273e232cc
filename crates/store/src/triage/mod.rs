//! Triage results and policies: the domain's `triage` applied to the roster, stored, listed and
//! overridden by staff with a reason.

use crate::audit::{AuditedTx, Entry};
use crate::entity::{person, roster_entry, triage_policy, triage_result};
use crate::error::StoreError;
use crate::{Store, now};
use sea_orm::sea_query::Query;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use tsunagi_domain::access::{AccessBasis, Actor, Capability, can};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::roster::RosterEntry;
use tsunagi_domain::triage::{Override, PriorityPolicy, TriageResult, apply_override, triage};
use tsunagi_domain::{OrganisationId, PersonId};

mod preview;
mod roster_list;

pub use preview::{TriagePreview, preview};

pub use roster_list::{RosterFilter, RosterLine, roster_count, roster_ids, roster_list, towns};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// The municipality's current policy (the default until it saves one).
pub async fn policy(
    conn: &impl sea_orm::ConnectionTrait,
    municipality: OrganisationId,
) -> Result<PriorityPolicy, StoreError> {
    match triage_policy::Entity::find()
        .filter(triage_policy::Column::MunicipalityId.eq(municipality.0))
        .order_by_desc(triage_policy::Column::Version)
        .one(conn)
        .await?
    {
        Some(p) => serde_json::from_str(&p.policy).map_err(corrupt),
        None => Ok(PriorityPolicy::default()),
    }
}

impl Store {
    pub async fn triage_policy(
        &self,
        municipality: OrganisationId,
    ) -> Result<PriorityPolicy, StoreError> {
        policy(self.conn(), municipality).await
    }
}

/// Saves a new version of the actor's municipality's policy; returns it with its version.
pub async fn set_policy(
    tx: &mut AuditedTx,
    actor: &Actor,
    p: PriorityPolicy,
) -> Result<PriorityPolicy, StoreError> {
    if !can(actor, Capability::CreatePerson) {
        return Err(StoreError::Forbidden);
    }
    let mut p = p
        .checked()
        .map_err(|m| StoreError::Invalid(tsunagi_domain::ValidationErrors::single("policy", m)))?;
    let current = policy(tx.conn(), actor.organisation_id).await?;
    p.version = current.version + 1;
    triage_policy::Entity::insert(triage_policy::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        municipality_id: Set(actor.organisation_id.0),
        version: Set(i32::try_from(p.version).unwrap_or(i32::MAX)),
        policy: Set(serde_json::to_string(&p).map_err(corrupt)?),
        created_at: Set(now()),
        created_by: Set(actor.login.clone()),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(
            AuditAction::TriageRecorded,
            "triage_policy",
            actor.organisation_id,
        )
        .owner(actor.organisation_id)
        .detail(serde_json::json!({"before": current, "after": p})),
    );
    Ok(p)
}

/// Counts of a triage run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TriageSummary {
    pub triaged: usize,
    pub kept_overrides: usize,
    pub by_priority: BTreeMap<String, usize>,
    pub by_approach: BTreeMap<String, usize>,
    /// Results whose approach waits for an answer (要確認).
    pub to_confirm: usize,
    pub policy_version: u32,
}

fn in_municipality(m: OrganisationId) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(person::Column::MunicipalityId.eq(m.0))
        .to_owned()
}

/// Triages everyone on the actor's municipality's roster under its current policy and stores
/// the results. Results that staff changed by hand are kept.
pub async fn run(tx: &mut AuditedTx, actor: &Actor) -> Result<TriageSummary, StoreError> {
    let (owner, p, entries) = whole_roster(tx, actor).await?;
    let overridden: HashSet<uuid::Uuid> = triage_result::Entity::find()
        .filter(triage_result::Column::PersonId.in_subquery(in_municipality(owner)))
        .filter(triage_result::Column::OverrideReason.is_not_null())
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|r| r.person_id)
        .collect();
    triage_result::Entity::delete_many()
        .filter(triage_result::Column::PersonId.in_subquery(in_municipality(owner)))
        .filter(triage_result::Column::OverrideReason.is_null())
        .exec(tx.conn())
        .await?;
    let t = now();
    let mut summary = TriageSummary {
        policy_version: p.version,
        kept_overrides: overridden.len(),
        ..Default::default()
    };
    let mut batch = Vec::with_capacity(1000);
    for e in entries {
        if overridden.contains(&e.person_id) {
            continue;
        }
        let entry: RosterEntry = serde_json::from_str(&e.entry).map_err(corrupt)?;
        let r = triage(&entry.triage_input(), &p);
        *summary
            .by_priority
            .entry(r.priority.label().to_owned())
            .or_default() += 1;
        *summary
            .by_approach
            .entry(r.approach.symbol().to_owned())
            .or_default() += 1;
        summary.triaged += 1;
        summary.to_confirm += usize::from(r.needs_confirmation());
        batch.push(row(e.person_id, &r, t, None)?);
    }
    crate::db::bulk::insert_models(tx.conn(), batch).await?;
    tx.record(
        Entry::new(AuditAction::TriageRecorded, "roster", owner)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::to_value(&summary).unwrap_or_default()),
    );
    Ok(summary)
}

/// The actor's municipality (its staff only), its policy in force and every roster entry: what
/// a run of the whole roster, or its preview, reads.
async fn whole_roster(
    tx: &AuditedTx,
    actor: &Actor,
) -> Result<(OrganisationId, PriorityPolicy, Vec<roster_entry::Model>), StoreError> {
    if !can(actor, Capability::CreatePerson) {
        return Err(StoreError::Forbidden);
    }
    let owner = actor.organisation_id;
    let p = policy(tx.conn(), owner).await?;
    let entries = roster_entry::Entity::find()
        .filter(roster_entry::Column::PersonId.in_subquery(in_municipality(owner)))
        .all(tx.conn())
        .await?;
    Ok((owner, p, entries))
}

/// Re-triages some persons of a municipality after their point 1 changed (hazard maps, a new
/// address). Results staff changed by hand are kept; persons never triaged stay untriaged
/// until the next whole run.
pub async fn rerun(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    ids: &[uuid::Uuid],
    cause: &[&str],
) -> Result<usize, StoreError> {
    let p = policy(tx.conn(), owner).await?;
    let t = now();
    let backend = sea_orm::ConnectionTrait::get_database_backend(tx.conn());
    let mut stale = Vec::new();
    for cond in crate::db::bulk::among(backend, "triage_results", "person_id", ids) {
        stale.extend(
            triage_result::Entity::find()
                .select_only()
                .column(triage_result::Column::PersonId)
                .filter(cond)
                .filter(triage_result::Column::OverrideReason.is_null())
                .into_tuple::<uuid::Uuid>()
                .all(tx.conn())
                .await?,
        );
    }
    let mut rows = Vec::with_capacity(stale.len());
    for cond in crate::db::bulk::among(backend, "roster_entries", "person_id", &stale) {
        for e in roster_entry::Entity::find()
            .filter(cond)
            .all(tx.conn())
            .await?
        {
            let entry: RosterEntry = serde_json::from_str(&e.entry).map_err(corrupt)?;
            rows.push(row(
                e.person_id,
                &triage(&entry.triage_input(), &p),
                t,
                None,
            )?);
        }
    }
    for cond in crate::db::bulk::among(backend, "triage_results", "person_id", &stale) {
        triage_result::Entity::delete_many()
            .filter(cond)
            .filter(triage_result::Column::OverrideReason.is_null())
            .exec(tx.conn())
            .await?;
    }
    let n = rows.len();
    crate::db::bulk::insert_models(tx.conn(), rows).await?;
    if n > 0 {
        tx.record(
            Entry::new(AuditAction::TriageRecorded, "roster", owner)
                .owner(owner)
                .basis(AccessBasis::Owner)
                .detail(
                    serde_json::json!({"cause": cause, "rerun": n, "policy_version": p.version}),
                ),
        );
    }
    Ok(n)
}

fn row(
    person: uuid::Uuid,
    r: &TriageResult,
    t: chrono::DateTime<chrono::Utc>,
    reason: Option<String>,
) -> Result<triage_result::ActiveModel, StoreError> {
    Ok(triage_result::ActiveModel {
        person_id: Set(person),
        priority: Set(r.priority.code().to_owned()),
        approach: Set(r.approach.code().to_owned()),
        score: Set(i32::try_from(r.score).unwrap_or(i32::MAX)),
        result: Set(serde_json::to_string(r).map_err(corrupt)?),
        policy_version: Set(i32::try_from(r.policy_version).unwrap_or(0)),
        computed_at: Set(t),
        override_reason: Set(reason),
        to_confirm: Set(r.needs_confirmation().then(|| {
            r.to_confirm
                .iter()
                .map(|q| q.code())
                .collect::<Vec<_>>()
                .join(",")
        })),
    })
}

/// A stored result, with whether staff changed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredTriage {
    pub result: TriageResult,
    pub override_reason: Option<String>,
    pub computed_at: chrono::DateTime<chrono::Utc>,
}

pub(crate) async fn result_of(
    conn: &impl sea_orm::ConnectionTrait,
    id: PersonId,
) -> Result<Option<StoredTriage>, StoreError> {
    match triage_result::Entity::find_by_id(id.0).one(conn).await? {
        Some(m) => Ok(Some(StoredTriage {
            result: serde_json::from_str(&m.result).map_err(corrupt)?,
            override_reason: m.override_reason,
            computed_at: m.computed_at,
        })),
        None => Ok(None),
    }
}

/// Staff change a person's result, with a reason; re-runs keep it until cleared.
pub async fn override_result(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
    o: &Override,
) -> Result<TriageResult, StoreError> {
    let (owner, _) =
        crate::access::require(tx, actor, disaster, id, crate::access::Need::Own).await?;
    let entry = crate::roster::entry_of(tx.conn(), id)
        .await?
        .ok_or_else(|| {
            StoreError::Invalid(tsunagi_domain::ValidationErrors::single(
                "person",
                "名簿に登載されていない方です",
            ))
        })?;
    let base = match result_of(tx.conn(), id).await? {
        Some(s) => s.result,
        None => triage(&entry.triage_input(), &policy(tx.conn(), owner).await?),
    };
    let changed = apply_override(base.clone(), o)
        .map_err(|m| StoreError::Invalid(tsunagi_domain::ValidationErrors::single("reason", m)))?;
    triage_result::Entity::delete_by_id(id.0)
        .exec(tx.conn())
        .await?;
    triage_result::Entity::insert(row(
        id.0,
        &changed,
        now(),
        Some(o.reason.trim().to_owned()),
    )?)
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::TriageRecorded, "person", id)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({
                "override": o,
                "before": {"priority": base.priority.code(), "approach": base.approach.code()},
            })),
    );
    Ok(changed)
}

/// One exported line: who, and their result.
#[derive(Clone, Debug, Serialize)]
pub struct ExportLine {
    pub person_id: PersonId,
    pub resident_no: Option<String>,
    pub name: String,
    pub triage: StoredTriage,
}

/// Every stored result of the actor's municipality, by reading; audited once.
pub async fn export(tx: &mut AuditedTx, actor: &Actor) -> Result<Vec<ExportLine>, StoreError> {
    if !can(actor, Capability::CreatePerson) {
        return Err(StoreError::Forbidden);
    }
    let owner = actor.organisation_id;
    let persons: HashMap<uuid::Uuid, person::Model> = person::Entity::find()
        .filter(person::Column::MunicipalityId.eq(owner.0))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut out = Vec::new();
    for m in triage_result::Entity::find()
        .filter(triage_result::Column::PersonId.in_subquery(in_municipality(owner)))
        .all(tx.conn())
        .await?
    {
        let Some(p) = persons.get(&m.person_id) else {
            continue;
        };
        out.push(ExportLine {
            person_id: PersonId(p.id),
            resident_no: p.resident_no.clone(),
            name: p.name.clone(),
            triage: StoredTriage {
                result: serde_json::from_str(&m.result).map_err(corrupt)?,
                override_reason: m.override_reason,
                computed_at: m.computed_at,
            },
        });
    }
    out.sort_by(|a, b| {
        b.triage
            .result
            .priority
            .cmp(&a.triage.result.priority)
            .then(a.resident_no.cmp(&b.resident_no))
    });
    tx.record(
        Entry::new(AuditAction::PersonSearched, "triage", "")
            .owner(owner)
            .detail(serde_json::json!({"export": out.len()})),
    );
    Ok(out)
}
