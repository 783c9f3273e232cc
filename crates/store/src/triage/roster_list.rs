//! The roster list (名簿): the persons on the roster the actor may see, with their triage,
//! plan step, consent and district; filtered, ordered and paged in SQL; audited as a search.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, NullOrdering, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseBackend, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use tsunagi_domain::PersonId;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::consent::ConsentStatus;
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::paging::Page;
use tsunagi_domain::roster_order::{RosterOrder, RosterSort, step_stage};
use tsunagi_domain::triage::{Approach, Priority};
use tsunagi_domain::workflow::Step;

use super::{StoredTriage, corrupt};
use crate::access::scope_condition;
use crate::audit::{AuditedTx, Entry};
use crate::entity::{consent, person, plan_workflow, roster_entry, triage_result};
use crate::error::StoreError;
use crate::persons::{PersonSummary, summary};

/// A line of the roster list.
#[derive(Clone, Debug, Serialize)]
pub struct RosterLine {
    pub person: PersonSummary,
    pub triage: Option<StoredTriage>,
    /// The plan workflow's current step (`None`: not started).
    pub step: Option<Step>,
    /// The workflow's due date, if set.
    pub due: Option<chrono::NaiveDate>,
    pub consent: ConsentStatus,
    /// 自治会 / 民生委員地区, as the roster writes them.
    pub district: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct RosterFilter {
    pub priority: Option<Priority>,
    pub approach: Option<Approach>,
    /// Name, reading or 宛名番号 (as the person search reads it); empty: anyone.
    pub query: String,
    pub plan: Option<tsunagi_domain::workflow::PlanState>,
    pub consent: Option<tsunagi_domain::consent::ConsentStatus>,
    /// A 自治会 or 民生委員地区, as written in the roster; empty: anywhere.
    pub district: String,
    /// Only those whose approach waits for an answer (要確認).
    pub to_confirm: bool,
    /// A town (町・大字, as the progress page names it): those whose address begins with the
    /// municipality's name and it; empty: anywhere.
    pub town: String,
    pub order: RosterOrder,
    /// Only these persons (the rows a user ticked); `None`: anyone.
    pub only: Option<Vec<uuid::Uuid>>,
}

/// The roster persons the actor may see, with their triage, filtered; audited as a search.
pub async fn roster_list(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    filter: &RosterFilter,
    page: Page,
) -> Result<(Vec<RosterLine>, u64), StoreError> {
    let cond = condition(tx, actor, disaster, filter).await?;
    let q = person::Entity::find().filter(cond);
    let total = q.clone().count(tx.conn()).await?;
    let backend = sea_orm::ConnectionTrait::get_database_backend(tx.conn());
    let rows = ordered(q, backend, filter.order)
        .order_by_asc(person::Column::NameKana)
        .order_by_asc(person::Column::Id)
        .offset(page.offset())
        .limit(page.size)
        .all(tx.conn())
        .await?;
    lines(tx, actor, filter, page, rows, total).await
}

/// How many roster persons the filter holds for the actor (a count: nobody is shown, nothing
/// is audited).
pub async fn roster_count(
    tx: &AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    filter: &RosterFilter,
) -> Result<u64, StoreError> {
    let cond = condition(tx, actor, disaster, filter).await?;
    Ok(person::Entity::find().filter(cond).count(tx.conn()).await?)
}

/// Every person the filter holds (in its order), with their names, at most `limit`: what a
/// bulk action on "all N matching" acts on. `Invalid` when more match.
pub async fn roster_ids(
    tx: &AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    filter: &RosterFilter,
    limit: u64,
) -> Result<Vec<(PersonId, String)>, StoreError> {
    let cond = condition(tx, actor, disaster, filter).await?;
    let q = person::Entity::find().filter(cond);
    let total = q.clone().count(tx.conn()).await?;
    if total > limit {
        return Err(StoreError::Invalid(
            tsunagi_domain::ValidationErrors::single(
                "scope",
                format!(
                    "{total}人が該当します。一度に操作できるのは{limit}人までです。絞り込んでください"
                ),
            ),
        ));
    }
    let backend = sea_orm::ConnectionTrait::get_database_backend(tx.conn());
    Ok(ordered(q, backend, filter.order)
        .order_by_asc(person::Column::NameKana)
        .order_by_asc(person::Column::Id)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|m| (PersonId(m.id), m.name))
        .collect())
}

/// The towns (町・大字) of the roster people a receiver sees, for narrowing its list (a
/// 民生委員's 240 people by 町). Empty for the municipality's staff, who type the town: their
/// roster is the whole town.
pub async fn towns(
    tx: &AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
) -> Result<Vec<String>, StoreError> {
    use tsunagi_domain::access::{Capability, can};
    if can(actor, Capability::CreatePerson) {
        return Ok(Vec::new());
    }
    let Some(municipality) = actor.municipality_id else {
        return Ok(Vec::new());
    };
    let name = crate::organisations::name_in(tx, municipality).await?;
    let cond = condition(tx, actor, disaster, &RosterFilter::default()).await?;
    let addresses: Vec<String> = person::Entity::find()
        .select_only()
        .column(person::Column::Address)
        .filter(cond)
        .into_tuple()
        .all(tx.conn())
        .await?;
    Ok(addresses
        .iter()
        .map(|a| tsunagi_domain::progress::area_of(a, &name))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect())
}

/// The SQL condition of the filter within what the actor may see, on the roster only.
async fn condition(
    tx: &AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    filter: &RosterFilter,
) -> Result<Condition, StoreError> {
    let scope = crate::access::scope(tx.conn(), actor, disaster).await?;
    let mut cond = Condition::all().add(scope_condition(&scope)).add(
        person::Column::Id.in_subquery(
            Query::select()
                .column(roster_entry::Column::PersonId)
                .from(roster_entry::Entity)
                .to_owned(),
        ),
    );
    let mut triage_cond = Query::select()
        .column(triage_result::Column::PersonId)
        .from(triage_result::Entity)
        .to_owned();
    if let Some(p) = filter.priority {
        triage_cond.and_where(triage_result::Column::Priority.eq(p.code()));
    }
    if let Some(a) = filter.approach {
        triage_cond.and_where(triage_result::Column::Approach.eq(a.code()));
    }
    if filter.to_confirm {
        triage_cond.and_where(triage_result::Column::ToConfirm.is_not_null());
    }
    if filter.priority.is_some() || filter.approach.is_some() || filter.to_confirm {
        cond = cond.add(person::Column::Id.in_subquery(triage_cond));
    }
    if let Some(ids) = &filter.only {
        cond = cond.add(person::Column::Id.is_in(ids.iter().copied()));
    }
    let town = filter.town.trim();
    if !town.is_empty() {
        let municipality = actor.municipality_id.unwrap_or(actor.organisation_id);
        let name = crate::organisations::name_in(tx, municipality).await?;
        cond = cond.add(person::Column::Address.starts_with(format!("{name}{town}")));
    }
    if let Some(text) = crate::persons::text_condition(&filter.query) {
        cond = cond.add(text);
    }
    let district = filter.district.trim();
    if !district.is_empty() {
        let backend = sea_orm::ConnectionTrait::get_database_backend(tx.conn());
        cond =
            cond.add(person::Column::Id.in_subquery(crate::roster::in_district(backend, district)));
    }
    if let Some(state) = filter.plan {
        use crate::entity::plan_workflow;
        use tsunagi_domain::workflow::{PlanState, Step};
        let mut workflows = Query::select()
            .column(plan_workflow::Column::PersonId)
            .from(plan_workflow::Entity)
            .to_owned();
        cond = cond.add(match state {
            PlanState::NotStarted => person::Column::Id.not_in_subquery(workflows),
            PlanState::InProgress => person::Column::Id.in_subquery(
                workflows
                    .and_where(plan_workflow::Column::Step.ne(Step::Done.code()))
                    .to_owned(),
            ),
            PlanState::Done => person::Column::Id.in_subquery(
                workflows
                    .and_where(plan_workflow::Column::Step.eq(Step::Done.code()))
                    .to_owned(),
            ),
        });
    }
    if let Some(status) = filter.consent {
        use crate::entity::consent;
        use tsunagi_domain::consent::ConsentStatus;
        cond = cond.add(if status == ConsentStatus::NotAsked {
            // No consent record is "not asked" too.
            person::Column::Id.not_in_subquery(
                Query::select()
                    .column(consent::Column::PersonId)
                    .from(consent::Entity)
                    .and_where(consent::Column::Status.ne(ConsentStatus::NotAsked.code()))
                    .to_owned(),
            )
        } else {
            person::Column::Id.in_subquery(
                Query::select()
                    .column(consent::Column::PersonId)
                    .from(consent::Entity)
                    .and_where(consent::Column::Status.eq(status.code()))
                    .to_owned(),
            )
        });
    }
    Ok(cond)
}

/// The page's lines with their triage, step, consent and district; the search audited.
async fn lines(
    tx: &mut AuditedTx,
    actor: &Actor,
    filter: &RosterFilter,
    page: Page,
    rows: Vec<person::Model>,
    total: u64,
) -> Result<(Vec<RosterLine>, u64), StoreError> {
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
    let mut results: HashMap<uuid::Uuid, StoredTriage> = HashMap::new();
    for m in triage_result::Entity::find()
        .filter(triage_result::Column::PersonId.is_in(ids.clone()))
        .all(tx.conn())
        .await?
    {
        results.insert(
            m.person_id,
            StoredTriage {
                result: serde_json::from_str(&m.result).map_err(corrupt)?,
                override_reason: m.override_reason,
                computed_at: m.computed_at,
            },
        );
    }
    tx.record(
        Entry::new(AuditAction::PersonSearched, "roster", "")
            .listed_for(actor)
            .detail(serde_json::json!({
                "priority": filter.priority.map(Priority::code),
                "approach": filter.approach.map(Approach::code),
                "query": filter.query,
                "plan": filter.plan.map(|p| p.code()),
                "consent": filter.consent.map(|c| c.code()),
                "district": filter.district,
                "to_confirm": filter.to_confirm,
                "town": filter.town,
                "order": [filter.order.by.code(), filter.order.dir_code()],
                "page": page.number,
                "total": total,
                "shown": ids.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })),
    );
    let steps: HashMap<uuid::Uuid, (Step, Option<chrono::NaiveDate>)> =
        plan_workflow::Entity::find()
            .filter(plan_workflow::Column::PersonId.is_in(ids.clone()))
            .all(tx.conn())
            .await?
            .into_iter()
            .map(|w| {
                Step::parse(&w.step)
                    .map(|s| (w.person_id, (s, w.due_date)))
                    .ok_or_else(|| corrupt(format!("step {}", w.step)))
            })
            .collect::<Result<_, _>>()?;
    let consents: HashMap<uuid::Uuid, ConsentStatus> = consent::Entity::find()
        .filter(consent::Column::PersonId.is_in(ids.clone()))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|c| {
            c.status
                .parse::<ConsentStatus>()
                .map(|s| (c.person_id, s))
                .map_err(|_| corrupt(format!("consent {}", c.status)))
        })
        .collect::<Result<_, _>>()?;
    let mut districts: HashMap<uuid::Uuid, Option<String>> = HashMap::new();
    for e in roster_entry::Entity::find()
        .filter(roster_entry::Column::PersonId.is_in(ids))
        .all(tx.conn())
        .await?
    {
        let entry: tsunagi_domain::roster::RosterEntry =
            serde_json::from_str(&e.entry).map_err(corrupt)?;
        districts.insert(e.person_id, entry.district_label());
    }
    let lines = rows
        .iter()
        .map(|m| {
            Ok(RosterLine {
                person: summary(m)?,
                triage: results.remove(&m.id),
                step: steps.get(&m.id).map(|(s, _)| *s),
                due: steps.get(&m.id).and_then(|(_, d)| *d),
                consent: consents
                    .get(&m.id)
                    .copied()
                    .unwrap_or(ConsentStatus::NotAsked),
                district: districts.remove(&m.id).flatten(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((lines, total))
}

/// Orders the roster query as asked; people without the value (untriaged, no workflow, no
/// district, no due date) come last either way. Name and id break ties (the caller adds them).
fn ordered(
    q: sea_orm::Select<person::Entity>,
    backend: DatabaseBackend,
    order: RosterOrder,
) -> sea_orm::Select<person::Entity> {
    let dir = if order.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    // Correlated subqueries on the person's row (one per page row: the roster's own indexes).
    let of = |table: &str, expr: &str| {
        format!("(SELECT {expr} FROM {table} WHERE {table}.person_id = persons.id)")
    };
    let expr = match order.by {
        RosterSort::Name => return q.order_by(person::Column::NameKana, dir),
        // Youngest first: the latest birth date first.
        RosterSort::Age => {
            return q.order_by(
                person::Column::BirthDate,
                if order.descending {
                    Order::Asc
                } else {
                    Order::Desc
                },
            );
        }
        RosterSort::District => of(
            "roster_entries",
            &crate::roster::district_sql(backend, crate::roster::DistrictColumn::Community),
        ),
        RosterSort::Priority => of(
            "triage_results",
            &format!(
                "CASE priority WHEN '{}' THEN 1 WHEN '{}' THEN 2 WHEN '{}' THEN 3 END",
                Priority::High.code(),
                Priority::Medium.code(),
                Priority::Low.code()
            ),
        ),
        RosterSort::Step => {
            let whens: String = Step::ALL
                .iter()
                .map(|s| format!(" WHEN '{}' THEN {}", s.code(), step_stage(*s)))
                .collect();
            format!(
                "COALESCE({}, 0)",
                of("plan_workflows", &format!("CASE step{whens} END"))
            )
        }
        RosterSort::Due => of("plan_workflows", "due_date"),
    };
    q.order_by_with_nulls(Expr::cust(expr), dir, NullOrdering::Last)
}
