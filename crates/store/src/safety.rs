//! The safety-check sweep (安否確認) of a declared disaster: opened over everyone on the
//! municipality's roster when the disaster is declared; each attempt is kept; the latest
//! status per person drives the queue (`tsunagi_domain::safety::queue_key`). Checkers are
//! whoever may see the person at that moment — during a declaration that includes the
//! 避難支援等関係者 with a share, without consent.

use std::collections::HashMap;

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::safety::checkers::{CheckerAssignment, CheckerStep};
use tsunagi_domain::safety::{CheckAttempt, SafetyStatus, queue_key};
use tsunagi_domain::triage::Priority;
use tsunagi_domain::{OrganisationId, PersonId, ValidationErrors};

use crate::access::{Need, scope_condition};
use crate::audit::{AuditedTx, Entry};
use crate::entity::{disaster_declaration, person, safety_attempt, safety_check, triage_result};
use crate::error::StoreError;
use crate::now;

mod checkers;
pub mod paper;
mod settings;
pub use checkers::{CheckerLoad, assigned_counts};
pub use settings::{checker_order, escalate_after, set_checker_order, set_escalate_after};

/// One person in a sweep, as the queue shows them.
#[derive(Clone, Debug, Serialize)]
pub struct SweepLine {
    pub person: crate::persons::PersonSummary,
    pub status: SafetyStatus,
    pub priority: Option<Priority>,
    pub attempts: i32,
    pub last_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_by: Option<String>,
    /// 要対応: unreached for longer than `safety::ESCALATE_AFTER`.
    pub overdue: bool,
    /// The checking organisation the sweep gave the person to; `None`: the staff.
    pub checker: Option<uuid::Uuid>,
    /// The checker order's step that decided (`Supporters`: reach the plan's supporters first).
    pub checker_step: Option<CheckerStep>,
    /// The checking organisation's name (「市町村職員」 for the staff).
    pub checker_name: String,
}

/// Opens the sweep of a new declaration over the people in its area (all 未確認), each given
/// to its checker, or adds the people of a widened area who are not in it yet. Returns who
/// was added.
pub async fn open_sweep(
    tx: &mut AuditedTx,
    declaration: uuid::Uuid,
    persons: Vec<(uuid::Uuid, CheckerAssignment)>,
) -> Result<Vec<uuid::Uuid>, StoreError> {
    let already: std::collections::HashSet<uuid::Uuid> =
        members(tx, declaration).await?.into_iter().collect();
    let new: Vec<(uuid::Uuid, CheckerAssignment)> = persons
        .into_iter()
        .filter(|(p, _)| !already.contains(p))
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_iter()
        .collect();
    let added: Vec<uuid::Uuid> = new.iter().map(|(p, _)| *p).collect();
    crate::db::bulk::insert_models(
        tx.conn(),
        new.into_iter()
            .map(|(p, a)| safety_check::ActiveModel {
                declaration_id: Set(declaration),
                person_id: Set(p),
                status: Set(SafetyStatus::Unchecked.code().to_owned()),
                attempts: Set(0),
                last_at: Set(None),
                last_by: Set(None),
                last_seq: Set(None),
                checker_id: Set(a.organisation.map(|o| o.0)),
                checker_step: Set(Some(a.step.code().to_owned())),
            })
            .collect(),
    )
    .await?;
    if added.len() >= 1000 {
        // The sweep is read at once and at its busiest right after it opens: give PostgreSQL's
        // planner the new rows now (without, a checker's list probed the sweep by sequential
        // scan, 5–6 ms a read, until autovacuum came by).
        crate::db::analyze(tx.conn(), "safety_checks").await?;
    }
    Ok(added)
}

/// People a roster change brought into an open declaration's area join its sweep (nobody
/// leaves it), each with its checker; one audit entry names them and the cause. Returns who
/// joined.
pub async fn join(
    tx: &mut AuditedTx,
    declaration: uuid::Uuid,
    municipality: OrganisationId,
    persons: Vec<(uuid::Uuid, CheckerAssignment)>,
    cause: &[&str],
) -> Result<Vec<uuid::Uuid>, StoreError> {
    let joined = open_sweep(tx, declaration, persons).await?;
    if joined.is_empty() {
        return Ok(joined);
    }
    tx.record(
        Entry::new(AuditAction::SweepJoined, "disaster", declaration)
            .owner(municipality)
            .detail(serde_json::json!({"cause": cause, "persons": joined})),
    );
    Ok(joined)
}

/// How many people each declaration's sweep holds (the people in its area).
pub async fn sizes(
    tx: &AuditedTx,
    declarations: &[uuid::Uuid],
) -> Result<HashMap<uuid::Uuid, i64>, StoreError> {
    if declarations.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(safety_check::Entity::find()
        .select_only()
        .column(safety_check::Column::DeclarationId)
        .column_as(safety_check::Column::PersonId.count(), "n")
        .filter(safety_check::Column::DeclarationId.is_in(declarations.to_vec()))
        .group_by(safety_check::Column::DeclarationId)
        .into_tuple::<(uuid::Uuid, i64)>()
        .all(tx.conn())
        .await?
        .into_iter()
        .collect())
}

/// The people in a declaration's sweep.
pub async fn members(
    tx: &AuditedTx,
    declaration: uuid::Uuid,
) -> Result<Vec<uuid::Uuid>, StoreError> {
    Ok(safety_check::Entity::find()
        .select_only()
        .column(safety_check::Column::PersonId)
        .filter(safety_check::Column::DeclarationId.eq(declaration))
        .into_tuple::<uuid::Uuid>()
        .all(tx.conn())
        .await?)
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("safety {what}"))
}

/// The declaration, if it is the actor's municipality's (`NotFound` otherwise).
async fn declaration_of(
    tx: &AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
) -> Result<disaster_declaration::Model, StoreError> {
    let d = disaster_declaration::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    let municipality = actor.municipality_id.unwrap_or(actor.organisation_id);
    if d.municipality_id != municipality.0 {
        return Err(StoreError::NotFound);
    }
    Ok(d)
}

/// Which people of a sweep to read (always within what the actor may see).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepPart {
    /// Everyone the actor may see.
    All,
    /// Those the checker order gave to this organisation (`None`: to the municipality's staff).
    GivenTo(Option<uuid::Uuid>),
}

/// The sweep as the actor may see it (or the `part` of it), in queue order: nobody reached
/// first, highest priority first; with the municipality's escalation time it was read under.
/// Audited as a search naming who was shown.
pub async fn sweep(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    declaration: uuid::Uuid,
    part: SweepPart,
) -> Result<(Vec<SweepLine>, chrono::Duration), StoreError> {
    let d = declaration_of(tx, actor, declaration).await?;
    let scope = crate::access::scope(tx.conn(), actor, disaster).await?;
    // A checker's: those the actor may see, then those of them in the sweep (below) — a
    // subquery on the sweep made SQLite drive the search from the whole sweep (50,000 index
    // probes for a checker's 167 people: 39 ms against 12). The municipality's staff: those
    // in the sweep (not the whole town when the area is a part of it).
    let mut query = person::Entity::find().filter(scope_condition(&scope));
    if scope.owned_by.is_some() || part != SweepPart::All {
        let mut members = sea_orm::sea_query::Query::select()
            .column(safety_check::Column::PersonId)
            .from(safety_check::Entity)
            .and_where(safety_check::Column::DeclarationId.eq(declaration))
            .to_owned();
        match part {
            SweepPart::All => {}
            SweepPart::GivenTo(Some(org)) => {
                members.and_where(safety_check::Column::CheckerId.eq(org));
            }
            SweepPart::GivenTo(None) => {
                members.and_where(safety_check::Column::CheckerId.is_null());
            }
        }
        query = query.filter(person::Column::Id.in_subquery(members));
    }
    let persons = query.all(tx.conn()).await?;
    let ids: Vec<uuid::Uuid> = persons.iter().map(|p| p.id).collect();
    let mut checks: HashMap<uuid::Uuid, safety_check::Model> = HashMap::new();
    let mut priorities: HashMap<uuid::Uuid, Priority> = HashMap::new();
    for chunk in ids.chunks(500) {
        for c in safety_check::Entity::find()
            .filter(safety_check::Column::DeclarationId.eq(declaration))
            .filter(safety_check::Column::PersonId.is_in(chunk.to_vec()))
            .all(tx.conn())
            .await?
        {
            checks.insert(c.person_id, c);
        }
        for t in triage_result::Entity::find()
            .filter(triage_result::Column::PersonId.is_in(chunk.to_vec()))
            .all(tx.conn())
            .await?
        {
            if let Some(p) = Priority::parse(&t.priority) {
                priorities.insert(t.person_id, p);
            }
        }
    }
    let t = now();
    let after = escalate_after(tx, OrganisationId(d.municipality_id)).await?;
    // The names of the checkers on these lines only (a checker's own list: one).
    let checker_ids: Vec<uuid::Uuid> = checks
        .values()
        .filter_map(|c| c.checker_id)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let names = crate::organisations::names_of(tx.conn(), &checker_ids).await?;
    let mut lines = Vec::with_capacity(persons.len());
    for p in &persons {
        let Some(c) = checks.remove(&p.id) else {
            continue;
        };
        let status = SafetyStatus::parse(&c.status).ok_or_else(|| corrupt("status"))?;
        lines.push((
            c.last_seq,
            SweepLine {
                person: crate::persons::summary(p)?,
                status,
                overdue: tsunagi_domain::safety::overdue(
                    status,
                    c.last_at.unwrap_or(d.started_at),
                    t,
                    after,
                ),
                priority: priorities.get(&p.id).copied(),
                attempts: c.attempts,
                last_at: c.last_at,
                last_by: c.last_by,
                checker_name: c
                    .checker_id
                    .and_then(|o| names.get(&o).cloned())
                    .unwrap_or_else(|| CheckerStep::MunicipalStaff.label().to_owned()),
                checker: c.checker_id,
                checker_step: c.checker_step.as_deref().and_then(CheckerStep::parse),
            },
        ));
    }
    lines.sort_by(|(sa, a), (sb, b)| {
        queue_key(a.overdue, a.status, a.priority, *sa)
            .cmp(&queue_key(b.overdue, b.status, b.priority, *sb))
            .then(a.person.name_kana.cmp(&b.person.name_kana))
    });
    let mut lines: Vec<SweepLine> = lines.into_iter().map(|(_, l)| l).collect();
    if tsunagi_domain::access::receives_everyone_in_disaster(actor.organisation_kind) {
        // Fire and police see everyone in the area, but their queue is the unreached past the
        // municipality's time (要対応) and the people shared with them.
        let shared: std::collections::HashSet<uuid::Uuid> =
            crate::entity::person_share::Entity::find()
                .select_only()
                .column(crate::entity::person_share::Column::PersonId)
                .filter(
                    crate::entity::person_share::Column::OrganisationId.eq(actor.organisation_id.0),
                )
                .into_tuple::<uuid::Uuid>()
                .all(tx.conn())
                .await?
                .into_iter()
                .collect();
        lines.retain(|l| l.overdue || shared.contains(&l.person.id.0));
    }
    tx.record(
        Entry::new(AuditAction::PersonSearched, "disaster", declaration)
            .owner(OrganisationId(d.municipality_id))
            .detail(serde_json::json!({
                "sweep": declaration,
                "shown": lines.iter().map(|l| l.person.id.to_string()).collect::<Vec<_>>(),
            })),
    );
    Ok((lines, after))
}

/// Records one attempt on one person of an open declaration's sweep, by anyone who may see
/// the person now. The same client key twice records once (the second returns the line as it
/// is). `NotFound` for a person the actor may not see or who is not in the sweep.
pub async fn record(
    tx: &mut AuditedTx,
    actor: &Actor,
    organisation_name: &str,
    disaster: &DisasterState,
    declaration: uuid::Uuid,
    id: PersonId,
    a: &CheckAttempt,
) -> Result<SafetyStatus, StoreError> {
    let d = declaration_of(tx, actor, declaration).await?;
    let (owner, grant) = crate::access::require(tx, actor, disaster, id, Need::See).await?;
    let current = safety_check::Entity::find_by_id((declaration, id.0))
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    if let Some(done) = safety_attempt::Entity::find()
        .filter(safety_attempt::Column::ClientKey.eq(a.key.as_str()))
        .one(tx.conn())
        .await?
    {
        // A resubmitted form: recorded already (or the key belongs to another check).
        if done.person_id != id.0 || done.declaration_id != declaration {
            return Err(StoreError::Conflict { current: 0 });
        }
        return SafetyStatus::parse(&current.status).ok_or_else(|| corrupt("status"));
    }
    if d.closed_at.is_some() {
        return Err(StoreError::Invalid(ValidationErrors::single(
            "declaration",
            "この災害は終了しています。安否確認は記録できません",
        )));
    }
    let t = now();
    let by = format!("{}（{organisation_name}）", actor.login);
    safety_attempt::Entity::insert(safety_attempt::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        declaration_id: Set(declaration),
        person_id: Set(id.0),
        status: Set(a.status.code().to_owned()),
        method: Set(a.method.code().to_owned()),
        note: Set(a.note.clone()),
        by_login: Set(actor.login.clone()),
        by_organisation: Set(organisation_name.to_owned()),
        at: Set(t),
        client_key: Set(a.key.clone()),
    })
    .exec(tx.conn())
    .await
    .map_err(|e| match StoreError::duplicate_as("safety_attempt")(e) {
        // Two submits of one form at the same moment: the other one recorded it.
        StoreError::Duplicate(_) => StoreError::Conflict { current: 0 },
        other => other,
    })?;
    safety_check::Entity::update_many()
        .col_expr(safety_check::Column::Status, Expr::value(a.status.code()))
        .col_expr(
            safety_check::Column::Attempts,
            Expr::value(current.attempts + 1),
        )
        .col_expr(safety_check::Column::LastAt, Expr::value(Some(t)))
        .col_expr(safety_check::Column::LastBy, Expr::value(Some(by)))
        .col_expr(
            safety_check::Column::LastSeq,
            Expr::value(Some(t.timestamp_micros())),
        )
        .filter(safety_check::Column::DeclarationId.eq(declaration))
        .filter(safety_check::Column::PersonId.eq(id.0))
        .exec(tx.conn())
        .await?;
    tx.record(
        Entry::new(AuditAction::PersonUpdated, "person", id)
            .owner(owner)
            .basis(grant.basis)
            .detail(serde_json::json!({
                "safety": {"declaration": declaration, "status": a.status.code(),
                           "method": a.method.code(), "note": a.note},
            })),
    );
    Ok(a.status)
}

/// How many people of a declaration's sweep are at each status (not personal data: counts for
/// the disaster headquarters, of the whole sweep).
pub async fn counts(
    tx: &AuditedTx,
    actor: &Actor,
    declaration: uuid::Uuid,
) -> Result<Vec<(SafetyStatus, u64)>, StoreError> {
    use sea_orm::QuerySelect;
    declaration_of(tx, actor, declaration).await?;
    let rows: Vec<(String, i64)> = safety_check::Entity::find()
        .select_only()
        .column(safety_check::Column::Status)
        .column_as(safety_check::Column::PersonId.count(), "n")
        .filter(safety_check::Column::DeclarationId.eq(declaration))
        .group_by(safety_check::Column::Status)
        .into_tuple()
        .all(tx.conn())
        .await?;
    let mut out: Vec<(SafetyStatus, u64)> = SafetyStatus::ALL.iter().map(|s| (*s, 0)).collect();
    for (status, n) in rows {
        let s = SafetyStatus::parse(&status).ok_or_else(|| corrupt("status"))?;
        if let Some(slot) = out.iter_mut().find(|(x, _)| *x == s) {
            slot.1 = u64::try_from(n).unwrap_or(0);
        }
    }
    Ok(out)
}

/// The latest status of some persons in a declaration's sweep (for their ledger; the caller
/// checks and audits). Persons outside the sweep are absent.
pub async fn statuses_of(
    tx: &AuditedTx,
    declaration: uuid::Uuid,
    persons: &[uuid::Uuid],
) -> Result<HashMap<uuid::Uuid, SafetyStatus>, StoreError> {
    let mut out = HashMap::new();
    for chunk in persons.chunks(500) {
        for c in safety_check::Entity::find()
            .filter(safety_check::Column::DeclarationId.eq(declaration))
            .filter(safety_check::Column::PersonId.is_in(chunk.to_vec()))
            .all(tx.conn())
            .await?
        {
            out.insert(
                c.person_id,
                SafetyStatus::parse(&c.status).ok_or_else(|| corrupt("status"))?,
            );
        }
    }
    Ok(out)
}

/// Where one person of a sweep lives and how they are: for counting by area and district
/// (the caller only counts; nobody is named).
#[derive(Clone, Debug)]
pub struct SweepPlace {
    pub address: String,
    /// 自治会 and 民生委員 districts, from the roster entry.
    pub community: Option<String>,
    pub welfare: Option<String>,
    pub status: SafetyStatus,
}

/// Every person of a declaration's sweep with their address, districts and latest status.
pub async fn statuses_with_places(
    tx: &AuditedTx,
    actor: &Actor,
    declaration: uuid::Uuid,
) -> Result<Vec<SweepPlace>, StoreError> {
    declaration_of(tx, actor, declaration).await?;
    let checks: Vec<(uuid::Uuid, String)> = safety_check::Entity::find()
        .select_only()
        .column(safety_check::Column::PersonId)
        .column(safety_check::Column::Status)
        .filter(safety_check::Column::DeclarationId.eq(declaration))
        .into_tuple()
        .all(tx.conn())
        .await?;
    let mut addresses: HashMap<uuid::Uuid, String> = HashMap::new();
    let ids: Vec<uuid::Uuid> = checks.iter().map(|(p, _)| *p).collect();
    for chunk in ids.chunks(500) {
        let rows: Vec<(uuid::Uuid, String)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::Address)
            .filter(person::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(tx.conn())
            .await?;
        addresses.extend(rows);
    }
    let mut entries: HashMap<uuid::Uuid, tsunagi_domain::roster::RosterEntry> = HashMap::new();
    for chunk in ids.chunks(500) {
        entries.extend(crate::roster::entries_of(tx, chunk).await?);
    }
    checks
        .into_iter()
        .map(|(p, s)| {
            let entry = entries.remove(&p).unwrap_or_default();
            Ok(SweepPlace {
                address: addresses.remove(&p).unwrap_or_default(),
                community: entry.community_district,
                welfare: entry.welfare_district,
                status: SafetyStatus::parse(&s).ok_or_else(|| corrupt("status"))?,
            })
        })
        .collect()
}

/// What each checking organisation has done in a sweep: (organisation, people checked at
/// least once, attempts), most people first.
pub async fn by_checker(
    tx: &AuditedTx,
    actor: &Actor,
    declaration: uuid::Uuid,
) -> Result<Vec<(String, u32, u32)>, StoreError> {
    declaration_of(tx, actor, declaration).await?;
    let rows: Vec<(String, uuid::Uuid)> = safety_attempt::Entity::find()
        .select_only()
        .column(safety_attempt::Column::ByOrganisation)
        .column(safety_attempt::Column::PersonId)
        .filter(safety_attempt::Column::DeclarationId.eq(declaration))
        .into_tuple()
        .all(tx.conn())
        .await?;
    let mut per: HashMap<String, (std::collections::HashSet<uuid::Uuid>, u32)> = HashMap::new();
    for (org, person) in rows {
        let e = per.entry(org).or_default();
        e.0.insert(person);
        e.1 += 1;
    }
    let mut out: Vec<(String, u32, u32)> = per
        .into_iter()
        .map(|(org, (people, attempts))| {
            (
                org,
                u32::try_from(people.len()).unwrap_or(u32::MAX),
                attempts,
            )
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(out)
}
