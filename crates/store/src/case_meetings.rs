//! Case meetings (`case_meetings`, with `case_meeting_participants` and `case_meeting_cases`
//! kept in step with the body's participants and agenda, so that "meetings an organisation is
//! invited to" and "meetings a case was on" are indexed lookups). Who may see or change a
//! meeting is decided by the use case (`app::case_meetings`); every write is audited here.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::case_meeting::{MeetingBody, MeetingState};

use crate::audit::{AuditedTx, Entry};
use crate::entity::{case_meeting, case_meeting_case, case_meeting_participant};
use crate::error::StoreError;
use crate::now;

/// A meeting as stored.
#[derive(Clone, Debug, Serialize)]
pub struct StoredMeeting {
    pub id: uuid::Uuid,
    pub municipality_id: OrganisationId,
    pub declaration_id: uuid::Uuid,
    pub state: MeetingState,
    pub body: MeetingBody,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("case meeting {what}"))
}

fn of(m: case_meeting::Model) -> Result<StoredMeeting, StoreError> {
    Ok(StoredMeeting {
        id: m.id,
        municipality_id: OrganisationId(m.municipality_id),
        declaration_id: m.declaration_id,
        state: MeetingState::parse(&m.state).ok_or_else(|| corrupt("state"))?,
        body: serde_json::from_str(&m.body).map_err(|_| corrupt("body"))?,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

async fn link(tx: &AuditedTx, id: uuid::Uuid, body: &MeetingBody) -> Result<(), StoreError> {
    case_meeting_participant::Entity::delete_many()
        .filter(case_meeting_participant::Column::MeetingId.eq(id))
        .exec(tx.conn())
        .await?;
    case_meeting_case::Entity::delete_many()
        .filter(case_meeting_case::Column::MeetingId.eq(id))
        .exec(tx.conn())
        .await?;
    if !body.input.participants.is_empty() {
        case_meeting_participant::Entity::insert_many(body.input.participants.iter().map(|p| {
            case_meeting_participant::ActiveModel {
                meeting_id: Set(id),
                organisation_id: Set(p.organisation_id.0),
            }
        }))
        .exec(tx.conn())
        .await?;
    }
    if !body.input.agenda.is_empty() {
        case_meeting_case::Entity::insert_many(body.input.agenda.iter().map(|c| {
            case_meeting_case::ActiveModel {
                meeting_id: Set(id),
                case_id: Set(*c),
            }
        }))
        .exec(tx.conn())
        .await?;
    }
    Ok(())
}

fn audit(actor: &Actor, m: &StoredMeeting, what: &str) -> Entry {
    Entry::new(AuditAction::CaseMeetingSaved, "case_meeting", m.id)
        .owner(m.municipality_id)
        .detail(serde_json::json!({
            "change": what, "version": m.version, "by": actor.login,
            "cases": m.body.input.agenda,
            "participants": m.body.input.participants.iter().map(|p| p.organisation_id.0).collect::<Vec<_>>(),
            "basis": m.body.input.basis.code(),
        }))
}

/// Schedules a meeting (the caller checked the actor and the agenda's cases).
pub async fn create(
    tx: &mut AuditedTx,
    actor: &Actor,
    municipality: OrganisationId,
    declaration: uuid::Uuid,
    body: &MeetingBody,
) -> Result<StoredMeeting, StoreError> {
    let id = uuid::Uuid::now_v7();
    let t = now();
    let json = serde_json::to_string(body).map_err(|e| corrupt(&e.to_string()))?;
    case_meeting::Entity::insert(case_meeting::ActiveModel {
        id: Set(id),
        municipality_id: Set(municipality.0),
        declaration_id: Set(declaration),
        state: Set(MeetingState::Scheduled.code().to_owned()),
        meeting_on: Set(body.input.starts_at.date()),
        body: Set(json),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
    })
    .exec(tx.conn())
    .await?;
    link(tx, id, body).await?;
    let m = find(tx, id).await?;
    tx.record(audit(actor, &m, "scheduled"));
    Ok(m)
}

pub async fn find(tx: &AuditedTx, id: uuid::Uuid) -> Result<StoredMeeting, StoreError> {
    case_meeting::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)
        .and_then(of)
}

/// Saves a meeting from the version read (state, body, and the links kept in step).
pub async fn save(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    expected_version: i32,
    state: MeetingState,
    body: &MeetingBody,
    what: &str,
) -> Result<StoredMeeting, StoreError> {
    let json = serde_json::to_string(body).map_err(|e| corrupt(&e.to_string()))?;
    let done = case_meeting::Entity::update_many()
        .col_expr(case_meeting::Column::State, Expr::value(state.code()))
        .col_expr(
            case_meeting::Column::MeetingOn,
            Expr::value(body.input.starts_at.date()),
        )
        .col_expr(case_meeting::Column::Body, Expr::value(json))
        .col_expr(
            case_meeting::Column::Version,
            Expr::value(expected_version + 1),
        )
        .col_expr(case_meeting::Column::UpdatedAt, Expr::value(now()))
        .filter(case_meeting::Column::Id.eq(id))
        .filter(case_meeting::Column::Version.eq(expected_version))
        .exec(tx.conn())
        .await?;
    if done.rows_affected != 1 {
        let current = find(tx, id).await?;
        return Err(StoreError::Conflict {
            current: current.version,
        });
    }
    link(tx, id, body).await?;
    let m = find(tx, id).await?;
    tx.record(audit(actor, &m, what));
    Ok(m)
}

async fn by_ids(tx: &AuditedTx, ids: Vec<uuid::Uuid>) -> Result<Vec<StoredMeeting>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    case_meeting::Entity::find()
        .filter(case_meeting::Column::Id.is_in(ids))
        .order_by_desc(case_meeting::Column::MeetingOn)
        .order_by_desc(case_meeting::Column::CreatedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(of)
        .collect()
}

/// A municipality's meetings, latest first.
pub async fn of_municipality(
    tx: &AuditedTx,
    municipality: OrganisationId,
) -> Result<Vec<StoredMeeting>, StoreError> {
    case_meeting::Entity::find()
        .filter(case_meeting::Column::MunicipalityId.eq(municipality.0))
        .order_by_desc(case_meeting::Column::MeetingOn)
        .order_by_desc(case_meeting::Column::CreatedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(of)
        .collect()
}

/// The meetings an organisation is invited to, latest first.
pub async fn inviting(
    tx: &AuditedTx,
    organisation: OrganisationId,
) -> Result<Vec<StoredMeeting>, StoreError> {
    let ids: Vec<uuid::Uuid> = case_meeting_participant::Entity::find()
        .select_only()
        .column(case_meeting_participant::Column::MeetingId)
        .filter(case_meeting_participant::Column::OrganisationId.eq(organisation.0))
        .into_tuple()
        .all(tx.conn())
        .await?;
    by_ids(tx, ids).await
}

/// The meetings that had a case on their agenda, latest first.
pub async fn of_case(
    tx: &AuditedTx,
    case_id: uuid::Uuid,
) -> Result<Vec<StoredMeeting>, StoreError> {
    let ids: Vec<uuid::Uuid> = case_meeting_case::Entity::find()
        .select_only()
        .column(case_meeting_case::Column::MeetingId)
        .filter(case_meeting_case::Column::CaseId.eq(case_id))
        .into_tuple()
        .all(tx.conn())
        .await?;
    by_ids(tx, ids).await
}
