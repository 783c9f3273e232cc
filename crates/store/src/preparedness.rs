//! Training, briefings and drills (`preparedness_activities`): recorded by the municipality's
//! staff (checked by the use case), listed newest first; each record is audited here.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::preparedness::ActivityInput;
use tsunagi_domain::{OrganisationId, PersonId};

use crate::audit::{AuditedTx, Entry};
use crate::entity::preparedness_activity;
use crate::error::StoreError;
use crate::now;

/// An activity as stored.
#[derive(Clone, Debug, Serialize)]
pub struct StoredActivity {
    pub id: uuid::Uuid,
    #[serde(flatten)]
    pub activity: ActivityInput,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

fn of(m: preparedness_activity::Model) -> Result<StoredActivity, StoreError> {
    Ok(StoredActivity {
        id: m.id,
        activity: serde_json::from_str(&m.body)
            .map_err(|_| StoreError::Corrupt("preparedness activity".into()))?,
        recorded_by: m.recorded_by,
        recorded_at: m.recorded_at,
    })
}

/// Records an activity; the audit entry names the persons of the drill's findings.
pub async fn record(
    tx: &mut AuditedTx,
    actor: &Actor,
    municipality: OrganisationId,
    a: &ActivityInput,
    persons: &[PersonId],
) -> Result<StoredActivity, StoreError> {
    let id = uuid::Uuid::now_v7();
    let body = serde_json::to_string(a).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    preparedness_activity::Entity::insert(preparedness_activity::ActiveModel {
        id: Set(id),
        municipality_id: Set(municipality.0),
        kind: Set(a.kind.code().to_owned()),
        held_on: Set(a.held_on),
        body: Set(body),
        recorded_by: Set(actor.login.clone()),
        recorded_at: Set(now()),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::ActivityRecorded, "preparedness", id)
            .owner(municipality)
            .detail(serde_json::json!({
                "kind": a.kind.code(), "held_on": a.held_on, "title": a.title,
                "persons": persons.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })),
    );
    preparedness_activity::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)
        .and_then(of)
}

/// A municipality's activities, newest first.
pub async fn of_municipality(
    tx: &AuditedTx,
    municipality: OrganisationId,
) -> Result<Vec<StoredActivity>, StoreError> {
    preparedness_activity::Entity::find()
        .filter(preparedness_activity::Column::MunicipalityId.eq(municipality.0))
        .order_by_desc(preparedness_activity::Column::HeldOn)
        .order_by_desc(preparedness_activity::Column::RecordedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(of)
        .collect()
}
