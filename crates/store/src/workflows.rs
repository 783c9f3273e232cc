//! Plan workflows: where each person's plan is in its approach's steps, who it is assigned to,
//! by when, what blocks it, and the history of every change. The transitions are the domain's.

use crate::access::Need;
use crate::audit::{AuditedTx, Entry};
use crate::entity::{evacuation_plan, plan_workflow, plan_workflow_event, triage_result};
use crate::error::StoreError;
use crate::now;
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use tsunagi_domain::access::{AccessBasis, Actor};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::consent::ConsentStatus;
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::plan::{EvacuationPlan, PlanHazard};
use tsunagi_domain::triage::Approach;
use tsunagi_domain::workflow::{self, Blocked, Obstacle, Progress, Step, review};
use tsunagi_domain::{OrganisationId, PersonId, ValidationErrors};

mod reviews;
pub use reviews::{ReviewLine, mark_for_review, reviewed, reviews};

#[derive(Clone, Debug, Serialize)]
pub struct WorkflowEvent {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub event: String,
    pub from_step: Option<Step>,
    pub to_step: Option<Step>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Workflow {
    pub approach: Approach,
    pub step: Step,
    pub assignee_organisation_id: Option<OrganisationId>,
    pub assignee: Option<String>,
    pub due_date: Option<NaiveDate>,
    pub obstacle: Option<Obstacle>,
    pub version: i32,
    pub review_due: Option<NaiveDate>,
    pub review_reason: Option<String>,
    pub events: Vec<WorkflowEvent>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("workflow {what}"))
}

fn blocked(b: Blocked) -> StoreError {
    StoreError::Invalid(ValidationErrors::single("step", b.to_string()))
}

async fn load(tx: &AuditedTx, id: PersonId) -> Result<Option<Workflow>, StoreError> {
    let Some(m) = plan_workflow::Entity::find_by_id(id.0)
        .one(tx.conn())
        .await?
    else {
        return Ok(None);
    };
    let events = plan_workflow_event::Entity::find()
        .filter(plan_workflow_event::Column::PersonId.eq(id.0))
        .order_by_asc(plan_workflow_event::Column::At)
        .order_by_asc(plan_workflow_event::Column::Id)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|e| WorkflowEvent {
            at: e.at,
            actor: e.actor,
            event: e.event,
            from_step: e.from_step.as_deref().and_then(Step::parse),
            to_step: e.to_step.as_deref().and_then(Step::parse),
            note: e.note,
        })
        .collect();
    Ok(Some(Workflow {
        approach: Approach::parse(&m.approach).ok_or_else(|| corrupt("approach"))?,
        step: Step::parse(&m.step).ok_or_else(|| corrupt("step"))?,
        assignee_organisation_id: m.assignee_organisation_id.map(OrganisationId),
        assignee: m.assignee,
        due_date: m.due_date,
        obstacle: m.obstacle.as_deref().and_then(Obstacle::parse),
        version: m.version,
        review_due: m.review_due,
        review_reason: m.review_reason,
        events,
    }))
}

/// The person's workflow, if started; the view is audited with its basis (the workflow names
/// who works on the person and what blocks the plan).
pub async fn get(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
) -> Result<Option<Workflow>, StoreError> {
    let (owner, grant) = crate::access::require(tx, actor, disaster, id, Need::Plan).await?;
    let w = load(tx, id).await?;
    tx.record(
        Entry::new(AuditAction::PersonViewed, "person", id)
            .owner(owner)
            .basis(grant.basis)
            .detail(
                serde_json::json!({"part": "workflow", "step": w.as_ref().map(|w| w.step.code())}),
            ),
    );
    Ok(w)
}

/// Writes changed columns of a workflow read at `version`, with the next version. The update
/// names the version it read, so a change made in between is a conflict, never overwritten.
async fn bump(
    tx: &AuditedTx,
    id: PersonId,
    version: i32,
    changes: Vec<(plan_workflow::Column, sea_orm::sea_query::SimpleExpr)>,
) -> Result<(), StoreError> {
    let mut q = plan_workflow::Entity::update_many();
    for (col, value) in changes {
        q = q.col_expr(col, value);
    }
    let r = q
        .col_expr(plan_workflow::Column::Version, Expr::value(version + 1))
        .col_expr(plan_workflow::Column::UpdatedAt, Expr::value(now()))
        .filter(plan_workflow::Column::PersonId.eq(id.0))
        .filter(plan_workflow::Column::Version.eq(version))
        .exec(tx.conn())
        .await?;
    if r.rows_affected == 0 {
        let current = plan_workflow::Entity::find_by_id(id.0)
            .one(tx.conn())
            .await?
            .map_or(version, |m| m.version);
        return Err(StoreError::Conflict { current });
    }
    Ok(())
}

/// Who changed which person's workflow.
pub struct Change<'a> {
    pub actor: &'a Actor,
    /// The actor's organisation, as the history shows it.
    pub org_name: &'a str,
    pub id: PersonId,
    pub owner: OrganisationId,
}

/// Appends an event to the person's workflow history (and the audit trail). Also for things
/// done outside the workflow that it shows, such as a coordination meeting recorded.
pub async fn event(
    tx: &mut AuditedTx,
    c: Change<'_>,
    event: &str,
    from: Option<Step>,
    to: Option<Step>,
    note: Option<String>,
) -> Result<(), StoreError> {
    let Change {
        actor,
        org_name,
        id,
        owner,
    } = c;
    // The history names people as the screens do: the user's name, not the login id.
    let name = crate::entity::user::Entity::find_by_id(actor.user_id.0)
        .one(tx.conn())
        .await?
        .map(|u| u.display_name)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| actor.login.clone());
    plan_workflow_event::Entity::insert(plan_workflow_event::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        person_id: Set(id.0),
        at: Set(now()),
        actor: Set(format!("{name}（{org_name}）")),
        event: Set(event.to_owned()),
        from_step: Set(from.map(|s| s.code().to_owned())),
        to_step: Set(to.map(|s| s.code().to_owned())),
        note: Set(note.clone()),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::PersonUpdated, "person", id)
            .owner(owner)
            .detail(serde_json::json!({"workflow": event, "from": from.map(Step::code), "to": to.map(Step::code), "note": note})),
    );
    Ok(())
}

async fn owner_only(
    tx: &AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
) -> Result<OrganisationId, StoreError> {
    let (owner, _) = crate::access::require(tx, actor, disaster, id, Need::Own).await?;
    Ok(owner)
}

/// Starts the workflow with the approach of the person's triage (the owning municipality).
pub async fn start(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    org_name: &str,
    id: PersonId,
) -> Result<Workflow, StoreError> {
    let owner = owner_only(tx, actor, disaster, id).await?;
    if load(tx, id).await?.is_some() {
        return Err(StoreError::Duplicate("workflow"));
    }
    let result = triage_result::Entity::find_by_id(id.0)
        .one(tx.conn())
        .await?
        .ok_or_else(|| {
            StoreError::Invalid(ValidationErrors::single(
                "triage",
                "先に優先度と進め方を判定してください",
            ))
        })?;
    let approach = Approach::parse(&result.approach).ok_or_else(|| corrupt("approach"))?;
    let progress = progress(tx, id).await?;
    let first = workflow::restart(approach, progress).ok_or_else(|| {
        StoreError::Invalid(ValidationErrors::single(
            "approach",
            "優先度が低い方は計画作成の手順の対象外です（自主的な備えを促す）",
        ))
    })?;
    plan_workflow::Entity::insert(plan_workflow::ActiveModel {
        person_id: Set(id.0),
        approach: Set(approach.code().to_owned()),
        step: Set(first.code().to_owned()),
        assignee_organisation_id: Set(None),
        assignee: Set(None),
        due_date: Set(None),
        obstacle: Set(None),
        version: Set(1),
        updated_at: Set(now()),
        review_due: Set(None),
        review_reason: Set(None),
    })
    .exec(tx.conn())
    .await?;
    event(
        tx,
        Change {
            actor,
            org_name,
            id,
            owner,
        },
        "started",
        None,
        Some(first),
        Some(approach.label().to_owned()),
    )
    .await?;
    load(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Changes the approach of a workflow under way (the owning municipality), with a reason; the
/// steps restart for the new approach ([`workflow::change_approach`]) and everything done so
/// far — history, plan versions, meetings, the assignment — is kept.
#[allow(clippy::too_many_arguments)]
pub async fn change_approach(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    org_name: &str,
    id: PersonId,
    expected_version: i32,
    to: Approach,
    reason: &str,
) -> Result<Workflow, StoreError> {
    let owner = owner_only(tx, actor, disaster, id).await?;
    let w = load(tx, id).await?.ok_or(StoreError::NotFound)?;
    if w.version != expected_version {
        return Err(StoreError::Conflict { current: w.version });
    }
    let reason = reason.trim();
    if reason.chars().count() > 500 {
        return Err(StoreError::Invalid(ValidationErrors::single(
            "reason",
            "理由は500文字以内で入力してください",
        )));
    }
    let next = workflow::change_approach(w.approach, w.step, to, progress(tx, id).await?, reason)
        .map_err(blocked)?;
    bump(
        tx,
        id,
        w.version,
        vec![
            (plan_workflow::Column::Approach, Expr::value(to.code())),
            (plan_workflow::Column::Step, Expr::value(next.code())),
        ],
    )
    .await?;
    event(
        tx,
        Change {
            actor,
            org_name,
            id,
            owner,
        },
        "approach_changed",
        Some(w.step),
        Some(next),
        Some(format!("{} → {}: {reason}", w.approach.label(), to.label())),
    )
    .await?;
    load(tx, id).await?.ok_or(StoreError::NotFound)
}

/// What the transitions need: consent, and whether the latest plan is written and complete.
async fn progress(tx: &AuditedTx, id: PersonId) -> Result<Progress, StoreError> {
    let consent_given = crate::entity::consent::Entity::find_by_id(id.0)
        .one(tx.conn())
        .await?
        .is_some_and(|c| c.status == ConsentStatus::Given.code());
    let latest = evacuation_plan::Entity::find()
        .filter(evacuation_plan::Column::PersonId.eq(id.0))
        .order_by_desc(evacuation_plan::Column::Version)
        .one(tx.conn())
        .await?;
    let hazards = crate::roster::entry_of(tx.conn(), id)
        .await?
        .map(|e| e.home_hazards)
        .unwrap_or_default();
    let plan: Option<EvacuationPlan> = latest.and_then(|p| serde_json::from_str(&p.content).ok());
    let meeting_held = crate::entity::coordination_meeting::Entity::find()
        .filter(crate::entity::coordination_meeting::Column::PersonId.eq(id.0))
        .one(tx.conn())
        .await?
        .is_some();
    Ok(Progress {
        consent_given,
        meeting_held,
        plan_written: plan.is_some(),
        plan_complete: plan
            .is_some_and(|p| p.missing_items(&PlanHazard::of_home(&hazards)).is_empty()),
    })
}

/// How a step is finished: the version the user saw, skip or not, a note, and today (JST) for
/// the first review date when the plan is done.
pub struct Advance {
    pub expected_version: i32,
    pub skip: bool,
    pub note: Option<String>,
    pub today: NaiveDate,
}

/// A step finished: the workflow after it, the step finished (not skipped: `None`) and the
/// owning municipality.
pub struct Advanced {
    pub workflow: Workflow,
    pub finished: Option<Step>,
    pub owner: OrganisationId,
}

/// Finishes the current step (or skips an optional one). The owning municipality, or an
/// organisation that may write the record, records it — the municipality's own steps only its
/// staff; `expected_version` guards against two people moving the same workflow.
pub async fn advance(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    org_name: &str,
    id: PersonId,
    a: Advance,
) -> Result<Advanced, StoreError> {
    let Advance {
        expected_version,
        skip,
        note,
        today,
    } = a;
    let (owner, grant) = crate::access::require(tx, actor, disaster, id, Need::WritePlan).await?;
    let w = load(tx, id).await?.ok_or(StoreError::NotFound)?;
    // The municipality's own steps (確認, 提供 …) are its staff's, whoever else may write.
    workflow::may_carry_out(w.step, grant.basis == AccessBasis::Owner)
        .map_err(|_| StoreError::Forbidden)?;
    if w.version != expected_version {
        return Err(StoreError::Conflict { current: w.version });
    }
    let next =
        workflow::advance(w.approach, w.step, progress(tx, id).await?, skip).map_err(blocked)?;
    let review_due = if next == Step::Done {
        Some(review::next_due(
            today,
            crate::organisations::review_interval(tx.conn(), owner).await?,
        ))
    } else {
        None
    };
    bump(
        tx,
        id,
        w.version,
        vec![
            (
                plan_workflow::Column::ReviewDue,
                Expr::value(review_due.or(w.review_due)),
            ),
            (plan_workflow::Column::Step, Expr::value(next.code())),
        ],
    )
    .await?;
    event(
        tx,
        Change {
            actor,
            org_name,
            id,
            owner,
        },
        if skip { "skipped" } else { "advanced" },
        Some(w.step),
        Some(next),
        note,
    )
    .await?;
    let workflow = load(tx, id).await?.ok_or(StoreError::NotFound)?;
    Ok(Advanced {
        workflow,
        finished: (!skip).then_some(w.step),
        owner,
    })
}

/// Who the work is assigned to, by when.
#[derive(Clone, Debug)]
pub struct Assignment {
    pub organisation: OrganisationId,
    /// The person in that organisation, if named.
    pub assignee: Option<String>,
    pub due: Option<NaiveDate>,
}

/// What an assignment changed, for the shares that follow it: the organisation whose
/// assignment ended (if another had it) and the one now assigned.
#[derive(Clone, Debug)]
pub struct Assigned {
    pub workflow: Workflow,
    pub previous: Option<OrganisationId>,
    pub assigned: OrganisationId,
    pub owner: OrganisationId,
}

/// Assigns the work to an organisation of the person's municipality (and a person in it) with
/// a due date. The record's shares follow (the use case's job): the new assignee gets it for
/// writing, the previous one loses it.
pub async fn assign(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    org_name: &str,
    id: PersonId,
    a: Assignment,
) -> Result<Assigned, StoreError> {
    let Assignment {
        organisation: org,
        assignee,
        due,
    } = a;
    let owner = owner_only(tx, actor, disaster, id).await?;
    let w = load(tx, id).await?.ok_or(StoreError::NotFound)?;
    let target = crate::organisations::get(tx.conn(), org)
        .await?
        .ok_or(StoreError::NotFound)?;
    if target.municipality_id != Some(owner) {
        return Err(StoreError::NotFound);
    }
    bump(
        tx,
        id,
        w.version,
        vec![
            (
                plan_workflow::Column::AssigneeOrganisationId,
                Expr::value(Some(org.0)),
            ),
            (
                plan_workflow::Column::Assignee,
                Expr::value(assignee.clone()),
            ),
            (plan_workflow::Column::DueDate, Expr::value(due)),
        ],
    )
    .await?;
    let note = format!(
        "{}{}{}",
        target.name,
        assignee.map(|a| format!(" {a}")).unwrap_or_default(),
        due.map(|d| format!(" 期限 {d}")).unwrap_or_default()
    );
    event(
        tx,
        Change {
            actor,
            org_name,
            id,
            owner,
        },
        "assigned",
        None,
        None,
        Some(note),
    )
    .await?;
    Ok(Assigned {
        workflow: load(tx, id).await?.ok_or(StoreError::NotFound)?,
        previous: w.assignee_organisation_id.filter(|p| *p != target.id),
        assigned: target.id,
        owner,
    })
}

/// Records (or clears) one of the guide's obstacles.
pub async fn set_obstacle(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    org_name: &str,
    id: PersonId,
    obstacle: Option<Obstacle>,
    note: Option<String>,
) -> Result<Workflow, StoreError> {
    let owner = owner_only(tx, actor, disaster, id).await?;
    let w = load(tx, id).await?.ok_or(StoreError::NotFound)?;
    bump(
        tx,
        id,
        w.version,
        vec![(
            plan_workflow::Column::Obstacle,
            Expr::value(obstacle.map(|o| o.code())),
        )],
    )
    .await?;
    let text = match obstacle {
        Some(o) => format!(
            "{}{}",
            o.label(),
            note.map(|n| format!(": {n}")).unwrap_or_default()
        ),
        None => "課題を解消".to_owned(),
    };
    event(
        tx,
        Change {
            actor,
            org_name,
            id,
            owner,
        },
        "obstacle",
        None,
        None,
        Some(text),
    )
    .await?;
    load(tx, id).await?.ok_or(StoreError::NotFound)
}

/// The persons of the actor's municipality whose workflow is at `step`, in 宛名番号 order
/// (e.g. everyone who is to be sent the approach-ア forms). Municipal staff only.
pub async fn at_step(
    tx: &mut AuditedTx,
    actor: &Actor,
    step: Step,
) -> Result<Vec<PersonId>, StoreError> {
    if !tsunagi_domain::access::can(actor, tsunagi_domain::access::Capability::CreatePerson) {
        return Err(StoreError::Forbidden);
    }
    use crate::entity::person;
    let rows = person::Entity::find()
        .filter(person::Column::MunicipalityId.eq(actor.organisation_id.0))
        .filter(
            person::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(plan_workflow::Column::PersonId)
                    .from(plan_workflow::Entity)
                    .and_where(plan_workflow::Column::Step.eq(step.code()))
                    .to_owned(),
            ),
        )
        .order_by_asc(person::Column::ResidentNo)
        .order_by_asc(person::Column::Id)
        .all(tx.conn())
        .await?;
    Ok(rows.into_iter().map(|p| PersonId(p.id)).collect())
}
