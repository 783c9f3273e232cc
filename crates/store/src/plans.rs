//! Individual evacuation plans: versioned, each version keeping who wrote it and when; read and
//! written under the same policy as the person record.

use crate::access::Need;
use crate::audit::{AuditedTx, Entry};
use crate::entity::evacuation_plan;
use crate::error::StoreError;
use crate::now;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use tsunagi_domain::PersonId;
use tsunagi_domain::access::Actor;
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
}

fn version_of(m: evacuation_plan::Model) -> Result<PlanVersion, StoreError> {
    Ok(PlanVersion {
        version: m.version,
        plan: serde_json::from_str(&m.content).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        author: m.author,
        author_organisation: m.author_organisation,
        created_at: m.created_at,
    })
}

/// Every version of the person's plan, newest first (empty if none). Audited as a view. A
/// receiver given the roster entry only gets 404, as for a record it may not see.
pub async fn history(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
) -> Result<Vec<PlanVersion>, StoreError> {
    let (owner, grant) = crate::access::require(tx, actor, disaster, id, Need::Plan).await?;
    let rows = evacuation_plan::Entity::find()
        .filter(evacuation_plan::Column::PersonId.eq(id.0))
        .order_by_desc(evacuation_plan::Column::Version)
        .all(tx.conn())
        .await?;
    tx.record(
        Entry::new(AuditAction::PersonViewed, "person", id)
            .owner(owner)
            .basis(grant.basis)
            .detail(serde_json::json!({"plan": rows.first().map(|r| r.version)})),
    );
    rows.into_iter().map(version_of).collect()
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
        },
        owner,
        supporters_changed,
    })
}
