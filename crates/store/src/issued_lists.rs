//! Lists handed out to receivers (配布した名簿): every download of a receiver's list is recorded
//! with the people on it; once someone on it leaves the roster the list needs recall (要回収),
//! shown to the municipality and to the receiver; the recall (回収・廃棄) is recorded once.

use std::collections::{BTreeSet, HashMap};

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use tsunagi_domain::access::{Actor, Capability, can};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::departure::LeaveReason;
use tsunagi_domain::issued_list::{IssuedListState, Recall, RecallMethod};
use tsunagi_domain::{OrganisationId, ValidationErrors};

use crate::audit::{AuditedTx, Entry};
use crate::entity::{issued_list, roster_departure};
use crate::error::StoreError;
use crate::organisations::Organisation;
use crate::persons::{PersonSummary, summary};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Someone on a handed-out list who left the roster after it went out.
#[derive(Clone, Debug, Serialize)]
pub struct DepartedLine {
    pub person: PersonSummary,
    pub reason: LeaveReason,
    pub left_on: chrono::NaiveDate,
}

/// A handed-out list as the municipality and the receiver see it.
#[derive(Clone, Debug, Serialize)]
pub struct IssuedListLine {
    pub id: uuid::Uuid,
    pub issued_at: chrono::DateTime<chrono::Utc>,
    pub issued_by: String,
    pub format: String,
    pub people: usize,
    pub state: IssuedListState,
    pub recall: Option<Recall>,
    pub recalled_by: Option<String>,
    /// Those on it who left the roster since (while it is not recalled).
    pub departed: Vec<DepartedLine>,
}

/// The receiver `org`, when the actor is its municipality's staff or one of its own members
/// (else `NotFound`: the same rule as its list).
async fn receiver_for(
    tx: &AuditedTx,
    actor: &Actor,
    org: OrganisationId,
) -> Result<(Organisation, OrganisationId), StoreError> {
    let target = crate::organisations::get(tx.conn(), org)
        .await?
        .filter(|o| o.kind.is_evacuation_support_party())
        .ok_or(StoreError::NotFound)?;
    let owner = target.municipality_id.ok_or(StoreError::NotFound)?;
    let owner_staff = can(actor, Capability::CreatePerson) && actor.organisation_id == owner;
    if !owner_staff && actor.organisation_id != org {
        return Err(StoreError::NotFound);
    }
    Ok((target, owner))
}

/// Records a list handed out to `org` (the receiver's list just read in this transaction).
pub async fn record(
    tx: &mut AuditedTx,
    actor: &Actor,
    owner: OrganisationId,
    org: OrganisationId,
    format: &str,
    persons: &[uuid::Uuid],
) -> Result<uuid::Uuid, StoreError> {
    let id = uuid::Uuid::now_v7();
    issued_list::Entity::insert(issued_list::ActiveModel {
        id: Set(id),
        municipality_id: Set(owner.0),
        organisation_id: Set(org.0),
        issued_at: Set(crate::now()),
        issued_by: Set(actor.login.clone()),
        format: Set(format.to_owned()),
        persons: Set(serde_json::to_string(persons).map_err(corrupt)?),
        recalled_on: Set(None),
        recall_method: Set(None),
        recall_note: Set(None),
        recalled_by: Set(None),
    })
    .exec(tx.conn())
    .await?;
    Ok(id)
}

/// How many copies handed out to `org` need recall (a count: no names, nothing audited).
pub async fn recall_needed(
    tx: &mut AuditedTx,
    actor: &Actor,
    org: OrganisationId,
) -> Result<usize, StoreError> {
    let (_, lists) = lists_of(tx, actor, org).await?;
    Ok(lists
        .iter()
        .filter(|l| l.state == IssuedListState::RecallNeeded)
        .count())
}

/// The lists handed out to `org`, newest first, each with its state and those on it who left
/// the roster since. Showing who left is a view of their names: audited as a search.
pub async fn of_receiver(
    tx: &mut AuditedTx,
    actor: &Actor,
    org: OrganisationId,
) -> Result<(Organisation, Vec<IssuedListLine>), StoreError> {
    let (target, lists) = lists_of(tx, actor, org).await?;
    let shown: BTreeSet<String> = lists
        .iter()
        .flat_map(|l| l.departed.iter().map(|d| d.person.id.to_string()))
        .collect();
    if !shown.is_empty() {
        tx.record(
            Entry::new(AuditAction::PersonSearched, "issued_lists", org)
                .owner(target.municipality_id.unwrap_or(org))
                .detail(serde_json::json!({"departed_shown": shown})),
        );
    }
    Ok((target, lists))
}

/// The lists handed out to `org` with their state and the departed on each (not audited:
/// the callers decide what they show).
async fn lists_of(
    tx: &mut AuditedTx,
    actor: &Actor,
    org: OrganisationId,
) -> Result<(Organisation, Vec<IssuedListLine>), StoreError> {
    let (target, owner) = receiver_for(tx, actor, org).await?;
    let rows = issued_list::Entity::find()
        .filter(issued_list::Column::OrganisationId.eq(org.0))
        .filter(issued_list::Column::MunicipalityId.eq(owner.0))
        .order_by_desc(issued_list::Column::IssuedAt)
        .all(tx.conn())
        .await?;
    let mut lists = Vec::with_capacity(rows.len());
    let mut everyone = BTreeSet::new();
    for m in rows {
        let persons: Vec<uuid::Uuid> = serde_json::from_str(&m.persons).map_err(corrupt)?;
        if m.recalled_on.is_none() {
            everyone.extend(persons.iter().copied());
        }
        lists.push((m, persons));
    }
    // Departures of the people on lists still out (few: people leave the roster one by one).
    let everyone: Vec<uuid::Uuid> = everyone.into_iter().collect();
    let mut departures: HashMap<uuid::Uuid, Vec<roster_departure::Model>> = HashMap::new();
    for chunk in everyone.chunks(500) {
        for d in roster_departure::Entity::find()
            .filter(roster_departure::Column::PersonId.is_in(chunk.to_vec()))
            .all(tx.conn())
            .await?
        {
            departures.entry(d.person_id).or_default().push(d);
        }
    }
    let departed_ids: Vec<uuid::Uuid> = departures.keys().copied().collect();
    let people: HashMap<uuid::Uuid, PersonSummary> =
        crate::persons::members::by_ids(tx.conn(), &departed_ids)
            .await?
            .values()
            .map(|m| Ok((m.id, summary(m)?)))
            .collect::<Result<_, StoreError>>()?;
    let mut out = Vec::with_capacity(lists.len());
    for (m, persons) in lists {
        let recall = match (m.recalled_on, m.recall_method.as_deref()) {
            (Some(on), Some(method)) => Some(Recall {
                method: RecallMethod::parse(method)
                    .ok_or_else(|| corrupt(format!("recall method {method}")))?,
                on,
                note: m.recall_note.clone(),
            }),
            _ => None,
        };
        let mut departed = Vec::new();
        if recall.is_none() {
            for p in &persons {
                let Some(d) = departures
                    .get(p)
                    .and_then(|ds| ds.iter().find(|d| d.recorded_at > m.issued_at))
                else {
                    continue;
                };
                let Some(person) = people.get(p) else {
                    continue;
                };
                departed.push(DepartedLine {
                    person: person.clone(),
                    reason: LeaveReason::parse(&d.reason)
                        .ok_or_else(|| corrupt(format!("leave reason {}", d.reason)))?,
                    left_on: d.left_on,
                });
            }
        }
        out.push(IssuedListLine {
            id: m.id,
            issued_at: m.issued_at,
            issued_by: m.issued_by,
            format: m.format,
            people: persons.len(),
            state: IssuedListState::of(recall.is_some(), departed.len()),
            recall,
            recalled_by: m.recalled_by,
            departed,
        });
    }
    Ok((target, out))
}

/// Records that a handed-out list came back or was destroyed (the municipality's staff or the
/// receiver's own member); once only (a second record is refused, and a race cannot write two).
pub async fn recall(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    r: Recall,
    today: chrono::NaiveDate,
) -> Result<OrganisationId, StoreError> {
    let m = issued_list::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    let org = OrganisationId(m.organisation_id);
    let (_, owner) = receiver_for(tx, actor, org).await?;
    let r = r
        .validate(today, crate::day_jst(m.issued_at))
        .map_err(StoreError::Invalid)?;
    let done = issued_list::Entity::update_many()
        .col_expr(issued_list::Column::RecalledOn, Expr::value(r.on))
        .col_expr(
            issued_list::Column::RecallMethod,
            Expr::value(r.method.code()),
        )
        .col_expr(issued_list::Column::RecallNote, Expr::value(r.note.clone()))
        .col_expr(
            issued_list::Column::RecalledBy,
            Expr::value(actor.login.clone()),
        )
        .filter(issued_list::Column::Id.eq(id))
        .filter(issued_list::Column::RecalledOn.is_null())
        .exec(tx.conn())
        .await?;
    if done.rows_affected != 1 {
        return Err(StoreError::Invalid(ValidationErrors::single(
            "recall",
            "この名簿の回収・廃棄は既に記録されています",
        )));
    }
    tx.record(
        Entry::new(AuditAction::ListRecalled, "issued_list", id)
            .owner(owner)
            .detail(serde_json::json!({"organisation": org, "recall": r})),
    );
    Ok(org)
}
