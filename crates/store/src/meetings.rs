//! Coordination meetings (調整会議) of a person's plan: recorded by the municipality or the
//! organisation the work is assigned to; each record is a workflow event and an audit entry.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use tsunagi_domain::access::Actor;
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::meeting::{Attendee, CoordinationMeeting};
use tsunagi_domain::{OrganisationId, PersonId};

use crate::access::Need;
use crate::audit::{AuditedTx, Entry};
use crate::entity::coordination_meeting;
use crate::error::StoreError;
use crate::now;
use tsunagi_domain::audit::AuditAction;

/// A stored meeting with who recorded it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MeetingRecord {
    pub id: uuid::Uuid,
    pub meeting: CoordinationMeeting,
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Records a meeting held for the person. Needs write access to the person (the municipality,
/// or an assignee with consent or by assignment). Returns the record and the person's
/// municipality; the workflow shows it as an event (the use case's job).
pub async fn record(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    org_name: &str,
    id: PersonId,
    meeting: CoordinationMeeting,
    today: NaiveDate,
) -> Result<(MeetingRecord, OrganisationId), StoreError> {
    let (owner, grant) = crate::access::require(tx, actor, disaster, id, Need::WritePlan).await?;
    let meeting = meeting.normalised();
    meeting.validate(today).map_err(StoreError::Invalid)?;
    let row = coordination_meeting::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        person_id: Set(id.0),
        held_on: Set(meeting.held_on),
        place: Set(meeting.place.clone()),
        attendees: Set(serde_json::to_string(&meeting.attendees).map_err(corrupt)?),
        destination_and_route: Set(meeting.destination_and_route.clone()),
        timing: Set(meeting.timing.clone()),
        roles: Set(meeting.roles.clone()),
        notes: Set(meeting.notes.clone()),
        recorded_by: Set(format!("{}（{}）", actor.login, org_name)),
        created_at: Set(now()),
    };
    let m = coordination_meeting::Entity::insert(row)
        .exec_with_returning(tx.conn())
        .await?;
    tx.record(
        Entry::new(AuditAction::PersonUpdated, "person", id)
            .owner(owner)
            .basis(grant.basis)
            .detail(serde_json::json!({"meeting": m.id.to_string(), "held_on": meeting.held_on})),
    );
    Ok((of(m)?, owner))
}

/// The line the workflow's history shows for a meeting.
pub fn history_note(m: &CoordinationMeeting) -> String {
    let who: Vec<String> = m
        .attendees
        .iter()
        .map(|a| format!("{}（{}）", a.name, a.role))
        .collect();
    format!(
        "調整会議 {} {} 出席: {}",
        m.held_on,
        m.place,
        who.join("、")
    )
}

fn of(m: coordination_meeting::Model) -> Result<MeetingRecord, StoreError> {
    Ok(MeetingRecord {
        id: m.id,
        meeting: CoordinationMeeting {
            held_on: m.held_on,
            place: m.place,
            attendees: serde_json::from_str::<Vec<Attendee>>(&m.attendees).map_err(corrupt)?,
            destination_and_route: m.destination_and_route,
            timing: m.timing,
            roles: m.roles,
            notes: m.notes,
        },
        recorded_by: m.recorded_by,
        created_at: m.created_at,
    })
}

/// The person's meetings, newest first, for anyone who may see the plan.
pub async fn list(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
) -> Result<Vec<MeetingRecord>, StoreError> {
    let (owner, grant) = crate::access::require(tx, actor, disaster, id, Need::Plan).await?;
    let rows = coordination_meeting::Entity::find()
        .filter(coordination_meeting::Column::PersonId.eq(id.0))
        .order_by_desc(coordination_meeting::Column::HeldOn)
        .order_by_desc(coordination_meeting::Column::CreatedAt)
        .all(tx.conn())
        .await?;
    tx.record(
        Entry::new(AuditAction::PersonViewed, "person", id)
            .owner(owner)
            .basis(grant.basis)
            .detail(serde_json::json!({"meetings": rows.len()})),
    );
    rows.into_iter().map(of).collect()
}
