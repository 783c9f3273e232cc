//! Individual evacuation plans: versioned, each version keeping who wrote it and when; read and
//! written under the same policy as the person record.

use crate::access::Need;
use crate::audit::{AuditedTx, Entry};
use crate::entity::{evacuation_plan, evacuation_plan_check};
use crate::error::StoreError;
use crate::now;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use tsunagi_domain::PersonId;
use tsunagi_domain::access::{Actor, sees_plan_drafts};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::plan::EvacuationPlan;

/// One version of a plan.
#[derive(Clone, Debug, Serialize)]
pub struct PlanVersion {
    pub version: i32,
    pub plan: EvacuationPlan,
    pub author: String,
    pub author_organisation: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// 市町村による確認 of this version, if it passed it.
    pub checked: Option<PlanCheck>,
}

/// Who checked a version (市町村による確認), when.
#[derive(Clone, Debug, Serialize)]
pub struct PlanCheck {
    pub at: chrono::DateTime<chrono::Utc>,
    pub by: String,
    pub organisation: String,
}

fn version_of(
    m: evacuation_plan::Model,
    checked: Option<PlanCheck>,
) -> Result<PlanVersion, StoreError> {
    Ok(PlanVersion {
        version: m.version,
        plan: serde_json::from_str(&m.content).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        author: m.author,
        author_organisation: m.author_organisation,
        created_at: m.created_at,
        checked,
    })
}

/// The checks of a person's plan versions, by version.
async fn checks(
    conn: &impl sea_orm::ConnectionTrait,
    id: PersonId,
) -> Result<std::collections::HashMap<i32, PlanCheck>, StoreError> {
    Ok(evacuation_plan_check::Entity::find()
        .filter(evacuation_plan_check::Column::PersonId.eq(id.0))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| {
            (
                c.version,
                PlanCheck {
                    at: c.checked_at,
                    by: c.checked_by,
                    organisation: c.checked_by_organisation,
                },
            )
        })
        .collect())
}

/// The newest version of the person's plan that passed 市町村による確認: what receivers get
/// (lists, documents). Reads without a policy check: the caller has decided access.
pub(crate) async fn newest_checked(
    conn: &impl sea_orm::ConnectionTrait,
    id: uuid::Uuid,
) -> Result<Option<EvacuationPlan>, StoreError> {
    let Some(check) = evacuation_plan_check::Entity::find()
        .filter(evacuation_plan_check::Column::PersonId.eq(id))
        .order_by_desc(evacuation_plan_check::Column::Version)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    evacuation_plan::Entity::find()
        .filter(evacuation_plan::Column::PersonId.eq(id))
        .filter(evacuation_plan::Column::Version.eq(check.version))
        .one(conn)
        .await?
        .map(|m| serde_json::from_str(&m.content).map_err(|e| StoreError::Corrupt(e.to_string())))
        .transpose()
}

/// Every version of the person's plan the actor may see, newest first (empty if none).
/// Those who may write the plan see every version; receivers (read only, in normal times and in
/// a disaster) see only versions that passed 市町村による確認, so a later draft stays with its
/// writers until it is checked. Audited as a view. A receiver given the roster entry only gets
/// 404, as for a record it may not see.
pub async fn history(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
) -> Result<Vec<PlanVersion>, StoreError> {
    let (owner, grant) = crate::access::require(tx, actor, disaster, id, Need::Plan).await?;
    let mut checked = checks(tx.conn(), id).await?;
    let drafts = sees_plan_drafts(&grant);
    let rows: Vec<evacuation_plan::Model> = evacuation_plan::Entity::find()
        .filter(evacuation_plan::Column::PersonId.eq(id.0))
        .order_by_desc(evacuation_plan::Column::Version)
        .all(tx.conn())
        .await?
        .into_iter()
        .filter(|r| drafts || checked.contains_key(&r.version))
        .collect();
    tx.record(
        Entry::new(AuditAction::PersonViewed, "person", id)
            .owner(owner)
            .basis(grant.basis)
            .detail(serde_json::json!({"plan": rows.first().map(|r| r.version)})),
    );
    rows.into_iter()
        .map(|r| {
            let c = checked.remove(&r.version);
            version_of(r, c)
        })
        .collect()
}

/// Records 市町村による確認 of the newest version (when the check step is finished); returns
/// the version checked, or `None` when there is no plan. Checking a version twice keeps the
/// first record. The caller has checked that the actor is the owning municipality's staff.
pub async fn record_check(
    tx: &mut AuditedTx,
    actor: &Actor,
    organisation_name: &str,
    owner: tsunagi_domain::OrganisationId,
    id: PersonId,
) -> Result<Option<i32>, StoreError> {
    let Some(latest) = evacuation_plan::Entity::find()
        .filter(evacuation_plan::Column::PersonId.eq(id.0))
        .order_by_desc(evacuation_plan::Column::Version)
        .one(tx.conn())
        .await?
    else {
        return Ok(None);
    };
    let exists = evacuation_plan_check::Entity::find_by_id((id.0, latest.version))
        .one(tx.conn())
        .await?
        .is_some();
    if !exists {
        evacuation_plan_check::Entity::insert(evacuation_plan_check::ActiveModel {
            person_id: Set(id.0),
            version: Set(latest.version),
            checked_at: Set(now()),
            checked_by: Set(actor.login.clone()),
            checked_by_organisation: Set(organisation_name.to_owned()),
        })
        .exec(tx.conn())
        .await?;
        tx.record(
            Entry::new(AuditAction::PersonUpdated, "person", id)
                .owner(owner)
                .detail(serde_json::json!({"plan_checked_version": latest.version})),
        );
    }
    Ok(Some(latest.version))
}

/// A version saved, and whether its supporters (避難支援等実施者) differ from the version before.
#[derive(Clone, Debug)]
pub struct Saved {
    pub version: PlanVersion,
    pub owner: tsunagi_domain::OrganisationId,
    pub supporters_changed: bool,
}

/// Saves a new version. `expected_version` is the version the writer started from (0 for the
/// first); a stale one is refused with the current version.
pub async fn save(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    organisation_name: &str,
    id: PersonId,
    expected_version: i32,
    plan: EvacuationPlan,
) -> Result<Saved, StoreError> {
    let (owner, grant) = crate::access::require(tx, actor, disaster, id, Need::WritePlan).await?;
    let plan = plan.normalised();
    plan.validate().map_err(StoreError::Invalid)?;
    let current = evacuation_plan::Entity::find()
        .filter(evacuation_plan::Column::PersonId.eq(id.0))
        .order_by_desc(evacuation_plan::Column::Version)
        .one(tx.conn())
        .await?;
    let current_version = current.as_ref().map(|c| c.version).unwrap_or(0);
    if current_version != expected_version {
        return Err(StoreError::Conflict {
            current: current_version,
        });
    }
    let before: Option<EvacuationPlan> = current
        .as_ref()
        .and_then(|c| serde_json::from_str(&c.content).ok());
    let supporters_changed = before
        .as_ref()
        .is_some_and(|b| b.supporters != plan.supporters);
    let t = now();
    let row = evacuation_plan::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        person_id: Set(id.0),
        version: Set(current_version + 1),
        content: Set(serde_json::to_string(&plan).map_err(|e| StoreError::Corrupt(e.to_string()))?),
        author: Set(actor.login.clone()),
        author_organisation: Set(organisation_name.to_owned()),
        created_at: Set(t),
    };
    // The unique (person, version) index refuses a concurrent writer that read the same version.
    evacuation_plan::Entity::insert(row)
        .exec(tx.conn())
        .await
        .map_err(|e| match StoreError::duplicate_as("plan_version")(e) {
            StoreError::Duplicate(_) => StoreError::Conflict {
                current: current_version + 1,
            },
            other => other,
        })?;
    tx.record(
        Entry::new(AuditAction::PersonUpdated, "person", id)
            .owner(owner)
            .basis(grant.basis)
            .detail(serde_json::json!({
                "plan_version": current_version + 1,
                "changes": tsunagi_domain::audit::diff(
                    &serde_json::to_value(&before).unwrap_or_default(),
                    &serde_json::to_value(&plan).unwrap_or_default(),
                ),
            })),
    );
    Ok(Saved {
        version: PlanVersion {
            version: current_version + 1,
            plan,
            author: actor.login.clone(),
            author_organisation: organisation_name.to_owned(),
            created_at: t,
            checked: None,
        },
        owner,
        supporters_changed,
    })
}

/// Supporter capacity over the actor's municipality's roster (its staff): who has no supporter
/// in their newest plan, and which supporters several plans name. Audited as a search.
pub async fn supporter_capacity(
    tx: &mut AuditedTx,
    actor: &Actor,
) -> Result<tsunagi_domain::supporters::SupporterCapacity, StoreError> {
    use crate::entity::{person, roster_entry};
    use tsunagi_domain::access::{Capability, can};
    use tsunagi_domain::supporters::{PersonRef, capacity};
    if !can(actor, Capability::CreatePerson) {
        return Err(StoreError::Forbidden);
    }
    let owner = actor.organisation_id;
    let ids = crate::roster::persons_of(tx, owner).await?;
    let mut people = Vec::with_capacity(ids.len());
    let mut newest: std::collections::HashMap<uuid::Uuid, evacuation_plan::Model> =
        std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        for p in evacuation_plan::Entity::find()
            .filter(evacuation_plan::Column::PersonId.is_in(chunk.to_vec()))
            .all(tx.conn())
            .await?
        {
            if newest
                .get(&p.person_id)
                .is_none_or(|q| q.version < p.version)
            {
                newest.insert(p.person_id, p);
            }
        }
        let entries: std::collections::HashMap<uuid::Uuid, String> = roster_entry::Entity::find()
            .filter(roster_entry::Column::PersonId.is_in(chunk.to_vec()))
            .all(tx.conn())
            .await?
            .into_iter()
            .map(|e| (e.person_id, e.entry))
            .collect();
        for m in person::Entity::find()
            .filter(person::Column::Id.is_in(chunk.to_vec()))
            .all(tx.conn())
            .await?
        {
            let entry: tsunagi_domain::roster::RosterEntry = entries
                .get(&m.id)
                .and_then(|e| serde_json::from_str(e).ok())
                .unwrap_or_default();
            let district = entry
                .community_district
                .or(entry.welfare_district)
                .unwrap_or_default();
            people.push((
                PersonRef {
                    id: PersonId(m.id),
                    name: m.name.clone(),
                    district,
                },
                m.id,
            ));
        }
    }
    let plans: std::collections::HashMap<uuid::Uuid, EvacuationPlan> = newest
        .into_iter()
        .filter_map(|(id, m)| serde_json::from_str(&m.content).ok().map(|p| (id, p)))
        .collect();
    let rows: Vec<(PersonRef, Option<&EvacuationPlan>)> = people
        .into_iter()
        .map(|(r, id)| (r, plans.get(&id)))
        .collect();
    let report = capacity(&rows);
    tx.record(
        Entry::new(AuditAction::PersonSearched, "roster", "")
            .owner(owner)
            .detail(serde_json::json!({
                "supporters": true,
                "shown": report
                    .without_supporter
                    .iter()
                    .chain(report.shared.iter().flat_map(|s| s.persons.iter()))
                    .map(|p| p.id.to_string())
                    .collect::<std::collections::BTreeSet<_>>(),
            })),
    );
    Ok(report)
}

/// Of these people, those whose newest checked plan (what receivers get) names a supporter
/// (避難支援等実施者). Reads without a policy check: for the sweep's checker order.
pub async fn with_supporters(
    tx: &AuditedTx,
    persons: &[uuid::Uuid],
) -> Result<std::collections::HashSet<uuid::Uuid>, StoreError> {
    let mut out = std::collections::HashSet::new();
    for chunk in persons.chunks(500) {
        let mut newest: std::collections::HashMap<uuid::Uuid, i32> =
            std::collections::HashMap::new();
        for c in evacuation_plan_check::Entity::find()
            .filter(evacuation_plan_check::Column::PersonId.is_in(chunk.to_vec()))
            .all(tx.conn())
            .await?
        {
            let v = newest.entry(c.person_id).or_insert(c.version);
            *v = (*v).max(c.version);
        }
        if newest.is_empty() {
            continue;
        }
        for p in evacuation_plan::Entity::find()
            .filter(
                evacuation_plan::Column::PersonId.is_in(newest.keys().copied().collect::<Vec<_>>()),
            )
            .all(tx.conn())
            .await?
        {
            if newest.get(&p.person_id) != Some(&p.version) {
                continue;
            }
            let plan: EvacuationPlan =
                serde_json::from_str(&p.content).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            if !plan.supporters.is_empty() {
                out.insert(p.person_id);
            }
        }
    }
    Ok(out)
}
