//! Shelters in operation (避難所の開設・運営): openings per declaration and evacuees' stays.
//! The municipality's staff open and close shelters and check people in and out; a person is
//! checked in only if the actor may see them, and is at one shelter at a time. The shelter's
//! name is copied at opening (shelter lists are re-imported and may renumber).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::shelter_stay::{CheckInInput, EvacueeNeed, free_places};
use tsunagi_domain::{OrganisationId, PersonId, ValidationErrors};

use crate::access::Need;
use crate::audit::{AuditedTx, Entry};
use crate::certificates::staff_municipality;
use crate::entity::{shelter, shelter_opening, shelter_stay};
use crate::error::StoreError;
use crate::now;

/// An opened shelter with its figures.
#[derive(Clone, Debug, Serialize)]
pub struct Opening {
    pub id: uuid::Uuid,
    pub declaration_id: uuid::Uuid,
    pub shelter_id: uuid::Uuid,
    pub shelter_name: String,
    /// A 福祉避難所.
    pub welfare: bool,
    pub capacity: u32,
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i32,
    /// People there now.
    pub present: u32,
    pub free: u32,
    pub over: u32,
    /// People there now with each need.
    pub needs: Vec<(EvacueeNeed, u32)>,
}

/// One evacuee at a shelter.
#[derive(Clone, Debug, Serialize)]
pub struct Evacuee {
    pub stay_id: uuid::Uuid,
    pub person: crate::persons::PersonSummary,
    pub needs: Vec<EvacueeNeed>,
    pub note: Option<String>,
    pub checked_in_at: DateTime<Utc>,
    pub checked_in_by: String,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("shelter stay {what}"))
}

fn needs_of(json: &str) -> Result<Vec<EvacueeNeed>, StoreError> {
    let codes: Vec<String> = serde_json::from_str(json).map_err(|_| corrupt("needs"))?;
    codes
        .iter()
        .map(|c| EvacueeNeed::parse(c).ok_or_else(|| corrupt("need")))
        .collect()
}

fn invalid(field: &str, message: &str) -> StoreError {
    StoreError::Invalid(ValidationErrors::single(field, message))
}

async fn with_figures(
    tx: &AuditedTx,
    rows: Vec<shelter_opening::Model>,
) -> Result<Vec<Opening>, StoreError> {
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
    let mut present: HashMap<uuid::Uuid, (u32, HashMap<EvacueeNeed, u32>)> = HashMap::new();
    for chunk in ids.chunks(500) {
        for s in shelter_stay::Entity::find()
            .filter(shelter_stay::Column::OpeningId.is_in(chunk.to_vec()))
            .filter(shelter_stay::Column::CheckedOutAt.is_null())
            .all(tx.conn())
            .await?
        {
            let e = present.entry(s.opening_id).or_default();
            e.0 += 1;
            for n in needs_of(&s.needs)? {
                *e.1.entry(n).or_default() += 1;
            }
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let (n, needs) = present.remove(&r.id).unwrap_or_default();
            let capacity = u32::try_from(r.capacity).unwrap_or(0);
            let (free, over) = free_places(capacity, n);
            let mut needs: Vec<(EvacueeNeed, u32)> = needs.into_iter().collect();
            needs.sort();
            Opening {
                id: r.id,
                declaration_id: r.declaration_id,
                shelter_id: r.shelter_id,
                shelter_name: r.shelter_name,
                welfare: r.welfare,
                capacity,
                opened_at: r.opened_at,
                opened_by: r.opened_by,
                closed_at: r.closed_at,
                version: r.version,
                present: n,
                free,
                over,
                needs,
            }
        })
        .collect())
}

async fn load(
    tx: &AuditedTx,
    municipality: OrganisationId,
    id: uuid::Uuid,
) -> Result<Opening, StoreError> {
    let row = shelter_opening::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .filter(|o| o.municipality_id == municipality.0)
        .ok_or(StoreError::NotFound)?;
    with_figures(tx, vec![row])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Opens one of the municipality's shelters for a declaration (the caller checked the
/// declaration is the actor's and open). A shelter is open once per declaration.
pub async fn open(
    tx: &mut AuditedTx,
    actor: &Actor,
    declaration: uuid::Uuid,
    shelter_id: uuid::Uuid,
    capacity: u32,
) -> Result<Opening, StoreError> {
    let m = staff_municipality(actor)?;
    let s = shelter::Entity::find_by_id(shelter_id)
        .one(tx.conn())
        .await?
        .filter(|s| s.municipality_id == m.0)
        .ok_or_else(|| invalid("shelter_id", "避難所が見つかりません"))?;
    let already = shelter_opening::Entity::find()
        .filter(shelter_opening::Column::DeclarationId.eq(declaration))
        .filter(shelter_opening::Column::ShelterId.eq(shelter_id))
        .filter(shelter_opening::Column::ClosedAt.is_null())
        .one(tx.conn())
        .await?;
    if already.is_some() {
        return Err(invalid("shelter_id", "この避難所はすでに開設されています"));
    }
    let id = uuid::Uuid::now_v7();
    shelter_opening::Entity::insert(shelter_opening::ActiveModel {
        id: Set(id),
        municipality_id: Set(m.0),
        declaration_id: Set(declaration),
        shelter_id: Set(shelter_id),
        shelter_name: Set(s.name.clone()),
        welfare: Set(s.welfare),
        capacity: Set(i32::try_from(capacity).unwrap_or(i32::MAX)),
        opened_at: Set(now()),
        opened_by: Set(actor.login.clone()),
        closed_at: Set(None),
        closed_by: Set(None),
        version: Set(1),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::ShelterUpdated, "shelter_opening", id)
            .owner(m)
            .detail(serde_json::json!({
                "opened": s.name, "declaration": declaration, "capacity": capacity,
            })),
    );
    load(tx, m, id).await
}

/// Closes an opening from the version seen; refused while anyone is still checked in.
pub async fn close(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    expected_version: i32,
) -> Result<Opening, StoreError> {
    let m = staff_municipality(actor)?;
    let o = load(tx, m, id).await?;
    if o.version != expected_version {
        return Err(StoreError::Conflict { current: o.version });
    }
    if o.closed_at.is_some() {
        return Err(invalid("state", "すでに閉鎖されています"));
    }
    if o.present > 0 {
        return Err(invalid(
            "state",
            "避難者がいる間は閉鎖できません。退所か移送を記録してください",
        ));
    }
    let done = shelter_opening::Entity::update_many()
        .col_expr(shelter_opening::Column::ClosedAt, Expr::value(Some(now())))
        .col_expr(
            shelter_opening::Column::ClosedBy,
            Expr::value(Some(actor.login.clone())),
        )
        .col_expr(
            shelter_opening::Column::Version,
            Expr::value(expected_version + 1),
        )
        .filter(shelter_opening::Column::Id.eq(id))
        .filter(shelter_opening::Column::Version.eq(expected_version))
        .exec(tx.conn())
        .await?;
    if done.rows_affected != 1 {
        return Err(StoreError::Conflict {
            current: expected_version + 1,
        });
    }
    tx.record(
        Entry::new(AuditAction::ShelterUpdated, "shelter_opening", id)
            .owner(m)
            .detail(serde_json::json!({"closed": o.shelter_name})),
    );
    load(tx, m, id).await
}

/// One opening of the actor's municipality with its figures.
pub async fn get(tx: &AuditedTx, actor: &Actor, id: uuid::Uuid) -> Result<Opening, StoreError> {
    load(tx, staff_municipality(actor)?, id).await
}

/// The declaration's openings with their figures (not personal data: counts).
pub async fn of_declaration(
    tx: &AuditedTx,
    actor: &Actor,
    declaration: uuid::Uuid,
) -> Result<Vec<Opening>, StoreError> {
    let m = staff_municipality(actor)?;
    let rows = shelter_opening::Entity::find()
        .filter(shelter_opening::Column::MunicipalityId.eq(m.0))
        .filter(shelter_opening::Column::DeclarationId.eq(declaration))
        .order_by_asc(shelter_opening::Column::ShelterName)
        .all(tx.conn())
        .await?;
    with_figures(tx, rows).await
}

async fn current_stay(
    tx: &AuditedTx,
    declaration: uuid::Uuid,
    person: PersonId,
) -> Result<Option<(shelter_stay::Model, shelter_opening::Model)>, StoreError> {
    for s in shelter_stay::Entity::find()
        .filter(shelter_stay::Column::PersonId.eq(person.0))
        .filter(shelter_stay::Column::CheckedOutAt.is_null())
        .all(tx.conn())
        .await?
    {
        if let Some(o) = shelter_opening::Entity::find_by_id(s.opening_id)
            .one(tx.conn())
            .await?
            .filter(|o| o.declaration_id == declaration)
        {
            return Ok(Some((s, o)));
        }
    }
    Ok(None)
}

/// A stay begins (needs as stored JSON).
async fn insert_stay(
    tx: &AuditedTx,
    actor: &Actor,
    opening: uuid::Uuid,
    person: PersonId,
    needs: String,
    note: Option<String>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    shelter_stay::Entity::insert(shelter_stay::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        opening_id: Set(opening),
        person_id: Set(person.0),
        needs: Set(needs),
        note: Set(note),
        checked_in_at: Set(at),
        checked_in_by: Set(actor.login.clone()),
        checked_out_at: Set(None),
        checked_out_by: Set(None),
        transferred_to: Set(None),
    })
    .exec(tx.conn())
    .await?;
    Ok(())
}

/// Checks a person in at an open shelter. Someone still checked in elsewhere in the same
/// disaster is refused with where they are (a move is a transfer).
pub async fn check_in(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    opening: uuid::Uuid,
    person: PersonId,
    input: &CheckInInput,
) -> Result<Opening, StoreError> {
    let m = staff_municipality(actor)?;
    let o = load(tx, m, opening).await?;
    if o.closed_at.is_some() {
        return Err(invalid("opening", "この避難所は閉鎖されています"));
    }
    let (owner, grant) = crate::access::require(tx, actor, disaster, person, Need::See).await?;
    if let Some((_, at)) = current_stay(tx, o.declaration_id, person).await? {
        return Err(invalid(
            "person",
            &format!(
                "{} に入所中です（移る場合は移送を記録してください）",
                at.shelter_name
            ),
        ));
    }
    let codes: Vec<&str> = input.needs.iter().map(|n| n.code()).collect();
    let needs = serde_json::to_string(&codes).map_err(|e| corrupt(&e.to_string()))?;
    insert_stay(tx, actor, opening, person, needs, input.note.clone(), now()).await?;
    tx.record(
        Entry::new(AuditAction::PersonUpdated, "person", person)
            .owner(owner)
            .basis(grant.basis)
            .detail(serde_json::json!({
                "shelter": {"checked_in": o.shelter_name, "opening": opening,
                            "needs": codes, "note": input.note},
            })),
    );
    load(tx, m, opening).await
}

/// Checks a person out of a shelter — home, elsewhere, or (with `to`) transferred to another
/// open shelter such as a 福祉避難所, keeping their needs.
pub async fn check_out(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    opening: uuid::Uuid,
    person: PersonId,
    to: Option<uuid::Uuid>,
) -> Result<Opening, StoreError> {
    let m = staff_municipality(actor)?;
    let o = load(tx, m, opening).await?;
    let (owner, grant) = crate::access::require(tx, actor, disaster, person, Need::See).await?;
    let stay = shelter_stay::Entity::find()
        .filter(shelter_stay::Column::OpeningId.eq(opening))
        .filter(shelter_stay::Column::PersonId.eq(person.0))
        .filter(shelter_stay::Column::CheckedOutAt.is_null())
        .one(tx.conn())
        .await?
        .ok_or_else(|| invalid("person", "この避難所に入所していません"))?;
    let target = match to {
        Some(t) => {
            let target = load(tx, m, t).await?;
            if target.closed_at.is_some()
                || target.declaration_id != o.declaration_id
                || t == opening
            {
                return Err(invalid("to", "移送先は同じ災害で開設中の別の避難所です"));
            }
            Some(target)
        }
        None => None,
    };
    let t = now();
    shelter_stay::Entity::update_many()
        .col_expr(shelter_stay::Column::CheckedOutAt, Expr::value(Some(t)))
        .col_expr(
            shelter_stay::Column::CheckedOutBy,
            Expr::value(Some(actor.login.clone())),
        )
        .col_expr(shelter_stay::Column::TransferredTo, Expr::value(to))
        .filter(shelter_stay::Column::Id.eq(stay.id))
        .exec(tx.conn())
        .await?;
    if let Some(target) = &target {
        insert_stay(
            tx,
            actor,
            target.id,
            person,
            stay.needs.clone(),
            stay.note.clone(),
            t,
        )
        .await?;
    }
    tx.record(
        Entry::new(AuditAction::PersonUpdated, "person", person)
            .owner(owner)
            .basis(grant.basis)
            .detail(serde_json::json!({
                "shelter": {"checked_out": o.shelter_name, "opening": opening,
                            "transferred_to": target.as_ref().map(|t| t.shelter_name.clone())},
            })),
    );
    load(tx, m, opening).await
}

/// The people at a shelter now, by reading (the shelter staff's list; audited as a search
/// naming who was shown).
pub async fn evacuees(
    tx: &mut AuditedTx,
    actor: &Actor,
    opening: uuid::Uuid,
) -> Result<Vec<Evacuee>, StoreError> {
    let m = staff_municipality(actor)?;
    load(tx, m, opening).await?;
    let stays = shelter_stay::Entity::find()
        .filter(shelter_stay::Column::OpeningId.eq(opening))
        .filter(shelter_stay::Column::CheckedOutAt.is_null())
        .all(tx.conn())
        .await?;
    let ids: Vec<uuid::Uuid> = stays.iter().map(|s| s.person_id).collect();
    let persons = crate::persons::members::by_ids(tx.conn(), &ids).await?;
    let mut out = Vec::with_capacity(stays.len());
    for s in stays {
        let Some(p) = persons.get(&s.person_id) else {
            continue;
        };
        out.push(Evacuee {
            stay_id: s.id,
            person: crate::persons::summary(p)?,
            needs: needs_of(&s.needs)?,
            note: s.note,
            checked_in_at: s.checked_in_at,
            checked_in_by: s.checked_in_by,
        });
    }
    out.sort_by(|a, b| a.person.name_kana.cmp(&b.person.name_kana));
    tx.record(
        Entry::new(AuditAction::PersonSearched, "shelter_opening", opening)
            .owner(m)
            .detail(serde_json::json!({
                "shown": out.iter().map(|e| e.person.id.to_string()).collect::<Vec<_>>(),
            })),
    );
    Ok(out)
}

/// Where some persons are checked in now under a declaration: (shelter name, welfare, since)
/// — for their ledger; the caller checks and audits.
pub async fn stays_of(
    tx: &AuditedTx,
    declaration: uuid::Uuid,
    persons: &[uuid::Uuid],
) -> Result<HashMap<uuid::Uuid, (String, bool, DateTime<Utc>)>, StoreError> {
    let mut out = HashMap::new();
    for p in persons {
        if let Some((s, o)) = current_stay(tx, declaration, PersonId(*p)).await? {
            out.insert(*p, (o.shelter_name, o.welfare, s.checked_in_at));
        }
    }
    Ok(out)
}
