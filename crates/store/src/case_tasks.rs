//! Case tasks (`case_tasks`, with `case_task_claims` kept in step with the body's claims so
//! that an organisation's tasks are an indexed lookup). Who may claim or end a task is decided
//! by the use case (`app::case_tasks`); every write is audited here.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::case_meeting::{TaskBody, TaskState};

use crate::audit::{AuditedTx, Entry};
use crate::entity::{case_task, case_task_claim};
use crate::error::StoreError;
use crate::now;

/// A task as stored.
#[derive(Clone, Debug, Serialize)]
pub struct StoredTask {
    pub id: uuid::Uuid,
    pub municipality_id: OrganisationId,
    pub case_id: uuid::Uuid,
    pub meeting_id: Option<uuid::Uuid>,
    pub body: TaskBody,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("task {what}"))
}

fn of(m: case_task::Model) -> Result<StoredTask, StoreError> {
    Ok(StoredTask {
        id: m.id,
        municipality_id: OrganisationId(m.municipality_id),
        case_id: m.case_id,
        meeting_id: m.meeting_id,
        body: serde_json::from_str(&m.body).map_err(|_| corrupt("body"))?,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

async fn link(tx: &AuditedTx, id: uuid::Uuid, body: &TaskBody) -> Result<(), StoreError> {
    case_task_claim::Entity::delete_many()
        .filter(case_task_claim::Column::TaskId.eq(id))
        .exec(tx.conn())
        .await?;
    if !body.claims.is_empty() {
        case_task_claim::Entity::insert_many(body.claims.iter().map(|c| {
            case_task_claim::ActiveModel {
                task_id: Set(id),
                organisation_id: Set(c.organisation_id.0),
            }
        }))
        .exec(tx.conn())
        .await?;
    }
    Ok(())
}

fn audit(actor: &Actor, t: &StoredTask, what: &str) -> Entry {
    Entry::new(AuditAction::TaskUpdated, "task", t.id)
        .owner(t.municipality_id)
        .detail(serde_json::json!({
            "change": what, "case": t.case_id, "meeting": t.meeting_id,
            "state": t.body.state.code(), "version": t.version, "by": actor.login,
            "organisation": actor.organisation_id.0,
        }))
}

/// Creates a task of a case (the caller checked the actor and validated it).
pub async fn create(
    tx: &mut AuditedTx,
    actor: &Actor,
    municipality: OrganisationId,
    case_id: uuid::Uuid,
    meeting: Option<uuid::Uuid>,
    body: &TaskBody,
) -> Result<StoredTask, StoreError> {
    let id = uuid::Uuid::now_v7();
    let t = now();
    let json = serde_json::to_string(body).map_err(|e| corrupt(&e.to_string()))?;
    case_task::Entity::insert(case_task::ActiveModel {
        id: Set(id),
        municipality_id: Set(municipality.0),
        case_id: Set(case_id),
        meeting_id: Set(meeting),
        state: Set(body.state.code().to_owned()),
        due_on: Set(body.due_on),
        body: Set(json),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
    })
    .exec(tx.conn())
    .await?;
    link(tx, id, body).await?;
    let task = find(tx, id).await?;
    tx.record(audit(actor, &task, "created"));
    Ok(task)
}

pub async fn find(tx: &AuditedTx, id: uuid::Uuid) -> Result<StoredTask, StoreError> {
    case_task::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)
        .and_then(of)
}

/// Saves a task from the version read (body, state, and the claims kept in step).
pub async fn save(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    expected_version: i32,
    body: &TaskBody,
    what: &str,
) -> Result<StoredTask, StoreError> {
    let json = serde_json::to_string(body).map_err(|e| corrupt(&e.to_string()))?;
    let done = case_task::Entity::update_many()
        .col_expr(case_task::Column::State, Expr::value(body.state.code()))
        .col_expr(case_task::Column::DueOn, Expr::value(body.due_on))
        .col_expr(case_task::Column::Body, Expr::value(json))
        .col_expr(
            case_task::Column::Version,
            Expr::value(expected_version + 1),
        )
        .col_expr(case_task::Column::UpdatedAt, Expr::value(now()))
        .filter(case_task::Column::Id.eq(id))
        .filter(case_task::Column::Version.eq(expected_version))
        .exec(tx.conn())
        .await?;
    if done.rows_affected != 1 {
        let current = find(tx, id).await?;
        return Err(StoreError::Conflict {
            current: current.version,
        });
    }
    link(tx, id, body).await?;
    let task = find(tx, id).await?;
    tx.record(audit(actor, &task, what));
    Ok(task)
}

fn list(rows: Vec<case_task::Model>) -> Result<Vec<StoredTask>, StoreError> {
    rows.into_iter().map(of).collect()
}

/// A case's tasks, oldest first.
pub async fn of_case(tx: &AuditedTx, case_id: uuid::Uuid) -> Result<Vec<StoredTask>, StoreError> {
    list(
        case_task::Entity::find()
            .filter(case_task::Column::CaseId.eq(case_id))
            .order_by_asc(case_task::Column::CreatedAt)
            .all(tx.conn())
            .await?,
    )
}

/// The tasks a meeting decided, oldest first.
pub async fn of_meeting(
    tx: &AuditedTx,
    meeting: uuid::Uuid,
) -> Result<Vec<StoredTask>, StoreError> {
    list(
        case_task::Entity::find()
            .filter(case_task::Column::MeetingId.eq(meeting))
            .order_by_asc(case_task::Column::CreatedAt)
            .all(tx.conn())
            .await?,
    )
}

/// The open tasks an organisation holds a claim on, by due date.
pub async fn open_claimed_by(
    tx: &AuditedTx,
    organisation: OrganisationId,
) -> Result<Vec<StoredTask>, StoreError> {
    let ids: Vec<uuid::Uuid> = case_task_claim::Entity::find()
        .select_only()
        .column(case_task_claim::Column::TaskId)
        .filter(case_task_claim::Column::OrganisationId.eq(organisation.0))
        .into_tuple()
        .all(tx.conn())
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    list(
        case_task::Entity::find()
            .filter(case_task::Column::Id.is_in(ids))
            .filter(case_task::Column::State.eq(TaskState::Open.code()))
            .order_by_asc(case_task::Column::DueOn)
            .all(tx.conn())
            .await?,
    )
}

/// The open tasks of the meetings given (those an organisation was invited to).
pub async fn open_of_meetings(
    tx: &AuditedTx,
    meetings: Vec<uuid::Uuid>,
) -> Result<Vec<StoredTask>, StoreError> {
    if meetings.is_empty() {
        return Ok(Vec::new());
    }
    list(
        case_task::Entity::find()
            .filter(case_task::Column::MeetingId.is_in(meetings))
            .filter(case_task::Column::State.eq(TaskState::Open.code()))
            .order_by_asc(case_task::Column::DueOn)
            .all(tx.conn())
            .await?,
    )
}

/// The open tasks of these cases (in chunks), by due date.
pub async fn open_of_cases(
    tx: &AuditedTx,
    cases: &[uuid::Uuid],
) -> Result<Vec<StoredTask>, StoreError> {
    let mut out = Vec::new();
    for chunk in cases.chunks(500) {
        out.extend(list(
            case_task::Entity::find()
                .filter(case_task::Column::CaseId.is_in(chunk.to_vec()))
                .filter(case_task::Column::State.eq(TaskState::Open.code()))
                .order_by_asc(case_task::Column::DueOn)
                .all(tx.conn())
                .await?,
        )?);
    }
    Ok(out)
}
