//! The roster (避難行動要支援者名簿): one entry per person on it (support reasons, household
//! facts, community watch, point 1), stored as JSON of `RosterEntry` and versioned. Every write
//! is audited field by field. What follows from a change (receivers, review marks) is the use
//! case's business.

use std::collections::HashMap;

use sea_orm::sea_query::Query;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use tsunagi_domain::access::{AccessBasis, Actor};
use tsunagi_domain::audit::{AuditAction, diff};
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::roster::RosterEntry;
use tsunagi_domain::triage::HomeHazards;
use tsunagi_domain::{OrganisationId, PersonId};

use crate::access::Need;
use crate::audit::{AuditedTx, Entry};
use crate::entity::{person, roster_entry};
use crate::error::StoreError;
use crate::now;

pub mod questions;

/// The stored form: JSON without the fields that are empty (`null`), which read back as `None`
/// (about half the size: a roster is read whole by imports and classifications).
fn encode(e: &RosterEntry) -> Result<String, StoreError> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(e.to_string());
    let mut v = serde_json::to_value(e).map_err(corrupt)?;
    if let serde_json::Value::Object(fields) = &mut v {
        fields.retain(|_, value| !value.is_null());
    }
    serde_json::to_string(&v).map_err(corrupt)
}

fn decode(id: uuid::Uuid, text: &str) -> Result<RosterEntry, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("roster entry of {id}: {e}")))
}

fn json(e: &RosterEntry) -> serde_json::Value {
    serde_json::to_value(e).unwrap_or_default()
}

/// What writing an entry did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryChange {
    Unchanged,
    /// The person was put on the roster.
    Registered,
    /// An existing entry changed.
    Changed,
}

/// Reads a person's roster entry. The caller has already checked access to the person.
pub(crate) async fn entry_of(
    conn: &impl ConnectionTrait,
    id: PersonId,
) -> Result<Option<RosterEntry>, StoreError> {
    match roster_entry::Entity::find_by_id(id.0).one(conn).await? {
        Some(m) => decode(m.person_id, &m.entry).map(Some),
        None => Ok(None),
    }
}

/// The roster entry of a person the actor may see (`NotFound` otherwise). Not audited by
/// itself: it is read together with the person's record, whose view is audited.
pub async fn get(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
) -> Result<Option<RosterEntry>, StoreError> {
    crate::access::require(tx, actor, disaster, id, Need::See).await?;
    entry_of(tx.conn(), id).await
}

/// Sets a person's roster entry (the owning municipality's staff only). What the hazard maps
/// found stays unless a manual value replaces it.
pub async fn set(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
    entry: &RosterEntry,
) -> Result<(OrganisationId, EntryChange), StoreError> {
    let (owner, _) = crate::access::require(tx, actor, disaster, id, Need::Own).await?;
    let stored = roster_entry::Entity::find_by_id(id.0)
        .one(tx.conn())
        .await?
        .map(|m| {
            Ok::<_, StoreError>(StoredEntry {
                version: m.version,
                entry: decode(m.person_id, &m.entry)?,
            })
        })
        .transpose()?;
    let change = match stored {
        Some(s) => {
            if update_many(tx, owner, vec![(id, s, entry.clone())])
                .await?
                .is_empty()
            {
                EntryChange::Unchanged
            } else {
                EntryChange::Changed
            }
        }
        None => {
            register_many(tx, owner, &[(id, entry)]).await?;
            EntryChange::Registered
        }
    };
    Ok((owner, change))
}

/// A stored entry with the version it was read at.
#[derive(Clone, Debug)]
pub struct StoredEntry {
    pub version: i32,
    pub entry: RosterEntry,
}

/// Every roster entry of a municipality, by person (what an import is matched against).
pub async fn entries_of_municipality(
    tx: &AuditedTx,
    owner: OrganisationId,
) -> Result<HashMap<uuid::Uuid, StoredEntry>, StoreError> {
    roster_entry::Entity::find()
        .filter(roster_entry::Column::PersonId.in_subquery(in_municipality(owner)))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|m| {
            Ok((
                m.person_id,
                StoredEntry {
                    version: m.version,
                    entry: decode(m.person_id, &m.entry)?,
                },
            ))
        })
        .collect()
}

/// The entries of some persons (of any municipality the caller has checked).
pub async fn entries_of(
    tx: &AuditedTx,
    ids: &[uuid::Uuid],
) -> Result<Vec<(uuid::Uuid, RosterEntry)>, StoreError> {
    rows_of(tx, ids)
        .await?
        .into_iter()
        .map(|m| Ok((m.person_id, decode(m.person_id, &m.entry)?)))
        .collect()
}

/// The stored rows of some persons' entries.
async fn rows_of(
    tx: &AuditedTx,
    ids: &[uuid::Uuid],
) -> Result<Vec<roster_entry::Model>, StoreError> {
    let backend = tx.conn().get_database_backend();
    let mut out = Vec::with_capacity(ids.len());
    for cond in crate::db::bulk::among(backend, "roster_entries", "person_id", ids) {
        out.extend(
            roster_entry::Entity::find()
                .filter(cond)
                .all(tx.conn())
                .await?,
        );
    }
    Ok(out)
}

/// The persons on a municipality's roster.
pub async fn persons_of(
    tx: &AuditedTx,
    owner: OrganisationId,
) -> Result<Vec<uuid::Uuid>, StoreError> {
    Ok(roster_entry::Entity::find()
        .filter(roster_entry::Column::PersonId.in_subquery(in_municipality(owner)))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|m| m.person_id)
        .collect())
}

/// Where everyone on `owner`'s roster lives, as an affected area decides by it: (person,
/// address, roster entry).
pub async fn places_of(
    tx: &AuditedTx,
    owner: OrganisationId,
) -> Result<Vec<(uuid::Uuid, String, RosterEntry)>, StoreError> {
    use sea_orm::QuerySelect;
    let addresses: HashMap<uuid::Uuid, String> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::Address)
        .filter(person::Column::MunicipalityId.eq(owner.0))
        .into_tuple::<(uuid::Uuid, String)>()
        .all(tx.conn())
        .await?
        .into_iter()
        .collect();
    entries_of_municipality(tx, owner)
        .await?
        .into_iter()
        .map(|(id, e)| {
            let address = addresses.get(&id).cloned().unwrap_or_default();
            Ok((id, address, e.entry))
        })
        .collect()
}

fn in_municipality(owner: OrganisationId) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(person::Column::MunicipalityId.eq(owner.0))
        .to_owned()
}

/// Puts persons of `owner` (already created) on the roster, many per statement; each
/// registration is audited with its entry.
pub async fn register_many(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    entries: &[(PersonId, &RosterEntry)],
) -> Result<(), StoreError> {
    let t = now();
    let encoded: Vec<String> = entries
        .iter()
        .map(|(_, e)| encode(e))
        .collect::<Result<_, _>>()?;
    let rows = entries
        .iter()
        .zip(&encoded)
        .map(|((id, _), text)| roster_entry::ActiveModel {
            person_id: Set(id.0),
            entry: Set(text.clone()),
            version: Set(1),
            registered_at: Set(t),
            updated_at: Set(t),
        })
        .collect();
    crate::db::bulk::insert_models(tx.conn(), rows).await?;
    if entries.len() >= 1000 {
        crate::db::analyze(tx.conn(), "roster_entries").await?;
    }
    for ((id, _), text) in entries.iter().zip(encoded) {
        tx.record(
            Entry::new(AuditAction::RosterUpdated, "person", id)
                .owner(owner)
                .basis(AccessBasis::Owner)
                .detail_text(format!("{{\"registered\":true,\"entry\":{text}}}")),
        );
        tx.flush_if_many().await?;
    }
    Ok(())
}

/// Writes new entries over stored ones of `owner`'s persons: each incoming entry keeps what
/// the maps found unless it has a manual value; an entry that comes out equal is left alone.
/// Each write names the version it read (a concurrent change is a conflict) and is audited
/// field by field. Returns the persons whose entry changed.
pub async fn update_many(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    updates: Vec<(PersonId, StoredEntry, RosterEntry)>,
) -> Result<Vec<PersonId>, StoreError> {
    let t = now();
    let started = std::time::Instant::now();
    let mut changed = Vec::new();
    let mut writes = Vec::new();
    for (id, stored, mut entry) in updates {
        entry.keep_map_hazards_from(&stored.entry);
        if entry == stored.entry {
            continue;
        }
        writes.push(crate::db::bulk::VersionedText {
            key: id.0,
            version: stored.version,
            text: encode(&entry)?,
        });
        tx.record(
            Entry::new(AuditAction::RosterUpdated, "person", id)
                .owner(owner)
                .basis(AccessBasis::Owner)
                .detail(serde_json::json!({
                    "registered": false,
                    "changes": diff(&json(&stored.entry), &json(&entry)),
                })),
        );
        tx.flush_if_many().await?;
        changed.push(id);
    }
    tracing::debug!(elapsed = ?started.elapsed(), changed = changed.len(), "entries compared");
    let written = crate::db::bulk::update_versioned_text(
        tx.conn(),
        "roster_entries",
        "person_id",
        "entry",
        &writes,
        t,
    )
    .await?;
    if written != writes.len() as u64 {
        // Someone changed an entry between our read and our write.
        return Err(StoreError::Conflict { current: 0 });
    }
    Ok(changed)
}

/// Point 1 as the hazard maps give it for one home, with the reason to write beside it.
#[derive(Clone, Debug)]
pub struct MapHazards {
    pub person: PersonId,
    pub hazards: HomeHazards,
    pub note: String,
}

/// What filling point 1 from the maps did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MapHazardsApplied {
    /// Entries written (point 1 or only its note changed).
    pub entries_changed: usize,
    /// Persons whose point 1 itself changed.
    pub point1_changed: Vec<PersonId>,
    /// Entries whose manual point 1 was kept.
    pub manual_kept: usize,
}

/// Fills point 1 of these persons' entries from the maps unless a manual value wins. One audit
/// entry names the entries written, whose point 1 changed, and `cause`.
pub async fn apply_map_hazards(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    results: &[MapHazards],
    cause: &[&str],
) -> Result<MapHazardsApplied, StoreError> {
    let t = now();
    let mut out = MapHazardsApplied::default();
    let ids: Vec<uuid::Uuid> = results.iter().map(|r| r.person.0).collect();
    let by_person: HashMap<uuid::Uuid, &MapHazards> =
        results.iter().map(|r| (r.person.0, r)).collect();
    let mut writes = Vec::new();
    {
        for m in rows_of(tx, &ids).await? {
            let Some(r) = by_person.get(&m.person_id) else {
                continue;
            };
            let mut entry = decode(m.person_id, &m.entry)?;
            let before = entry.home_hazards;
            let changed = entry.apply_map_hazards(r.hazards, r.note.clone());
            if entry.has_manual_hazards() {
                out.manual_kept += 1;
            }
            if changed {
                writes.push(crate::db::bulk::VersionedText {
                    key: m.person_id,
                    version: m.version,
                    text: encode(&entry)?,
                });
                if before != entry.home_hazards {
                    out.point1_changed.push(r.person);
                }
            }
        }
    }
    out.entries_changed = writes.len();
    tracing::debug!(read = ids.len(), "point 1: entries read and filled");
    let written = crate::db::bulk::update_versioned_text(
        tx.conn(),
        "roster_entries",
        "person_id",
        "entry",
        &writes,
        t,
    )
    .await?;
    if written != writes.len() as u64 {
        // Someone changed an entry between our read and our write.
        return Err(StoreError::Conflict { current: 0 });
    }
    if out.entries_changed > 0 {
        tx.record(
            Entry::new(AuditAction::RosterUpdated, "roster", owner)
                .owner(owner)
                .basis(AccessBasis::Owner)
                .detail(serde_json::json!({
                    "cause": cause,
                    "point1_from_maps": out.entries_changed,
                    "point1_changed": out.point1_changed.iter().map(ToString::to_string).collect::<Vec<_>>(),
                })),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_entries_read_back_as_written() {
        let full = RosterEntry {
            care_level: Some(tsunagi_domain::roster::CareLevel::Care3),
            family_can_help: Some(false),
            community_watch: None,
            lives_alone: true,
            hazard_note: Some("手入力".into()),
            ..RosterEntry::default()
        };
        for e in [RosterEntry::default(), full] {
            let text = encode(&e).unwrap_or_default();
            assert!(!text.contains("null"), "{text}");
            assert_eq!(decode(uuid::Uuid::nil(), &text).ok(), Some(e));
        }
    }
}

/// A departure as the municipality reads it back.
#[derive(Clone, Debug, Serialize)]
pub struct DepartureRecord {
    pub person: crate::persons::PersonSummary,
    pub departure: tsunagi_domain::departure::Departure,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

/// Takes a person off the roster (the owning municipality's staff): the entry is deleted and
/// kept in the departure record with the reason and the day. `NotFound` for a person the actor
/// may not see; invalid when the person is not on the roster.
pub async fn leave(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
    d: &tsunagi_domain::departure::Departure,
) -> Result<OrganisationId, StoreError> {
    let (owner, _) = crate::access::require(tx, actor, disaster, id, Need::Own).await?;
    let Some(entry) = roster_entry::Entity::find_by_id(id.0)
        .one(tx.conn())
        .await?
    else {
        return Err(StoreError::Invalid(
            tsunagi_domain::ValidationErrors::single("roster", "この方は名簿に登載されていません"),
        ));
    };
    roster_entry::Entity::delete_by_id(id.0)
        .exec(tx.conn())
        .await?;
    crate::entity::roster_departure::Entity::insert(crate::entity::roster_departure::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        person_id: Set(id.0),
        reason: Set(d.reason.code().to_owned()),
        left_on: Set(d.left_on),
        note: Set(d.note.clone()),
        entry: Set(entry.entry.clone()),
        recorded_by: Set(actor.login.clone()),
        recorded_at: Set(now()),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::RosterUpdated, "person", id)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({
                "left": {"reason": d.reason.code(), "left_on": d.left_on, "note": d.note},
            })),
    );
    Ok(owner)
}

/// The departures of the actor's municipality (its staff), newest first.
pub async fn departures(
    tx: &mut AuditedTx,
    actor: &Actor,
) -> Result<Vec<DepartureRecord>, StoreError> {
    use tsunagi_domain::access::{Capability, can};
    use tsunagi_domain::departure::{Departure, LeaveReason};
    if !can(actor, Capability::CreatePerson) {
        return Err(StoreError::Forbidden);
    }
    use crate::entity::roster_departure;
    use sea_orm::QueryOrder;
    let rows = roster_departure::Entity::find()
        .filter(
            roster_departure::Column::PersonId.in_subquery(in_municipality(actor.organisation_id)),
        )
        .order_by_desc(roster_departure::Column::RecordedAt)
        .all(tx.conn())
        .await?;
    // The persons of every departure in one query per 500, not one per row.
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.person_id).collect();
    let persons = crate::persons::members::by_ids(tx.conn(), &ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(p) = persons.get(&r.person_id) else {
            continue;
        };
        out.push(DepartureRecord {
            person: crate::persons::summary(p)?,
            departure: Departure {
                reason: LeaveReason::parse(&r.reason)
                    .ok_or_else(|| StoreError::Corrupt(format!("departure reason {}", r.reason)))?,
                left_on: r.left_on,
                note: r.note,
            },
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at,
        });
    }
    tx.record(
        Entry::new(AuditAction::PersonSearched, "person", "")
            .owner(actor.organisation_id)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({
                "departures": out.iter().map(|d| d.person.id.to_string()).collect::<Vec<_>>(),
            })),
    );
    Ok(out)
}

/// The SQL reading one district field out of a stored roster entry (JSON text), per backend.
pub(crate) fn district_sql(backend: sea_orm::DatabaseBackend, field: DistrictColumn) -> String {
    let key = match field {
        DistrictColumn::Community => "community_district",
        DistrictColumn::Welfare => "welfare_district",
    };
    match backend {
        sea_orm::DatabaseBackend::Postgres => format!("(entry::jsonb ->> '{key}')"),
        _ => format!("json_extract(entry, '$.{key}')"),
    }
}

/// Which district field of a roster entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DistrictColumn {
    /// 自治会
    Community,
    /// 民生委員地区
    Welfare,
}

/// The persons on the roster in `district` (its 自治会 or its 民生委員地区, as written in the
/// roster), as a subquery.
pub(crate) fn in_district(
    backend: sea_orm::DatabaseBackend,
    district: &str,
) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::Expr;
    let community = district_sql(backend, DistrictColumn::Community);
    let welfare = district_sql(backend, DistrictColumn::Welfare);
    Query::select()
        .column(roster_entry::Column::PersonId)
        .from(roster_entry::Entity)
        .and_where(Expr::cust_with_values(
            // sea-query numbers PostgreSQL's placeholders itself only when written as `$N`.
            if backend == sea_orm::DatabaseBackend::Postgres {
                format!("({community} = $1 OR {welfare} = $2)")
            } else {
                format!("({community} = ? OR {welfare} = ?)")
            },
            [district.to_owned(), district.to_owned()],
        ))
        .to_owned()
}

/// The district names (自治会 and 民生委員地区) used on the municipality's roster, sorted: the
/// choices of the roster's district filter. The municipality's staff only.
pub async fn district_names(tx: &AuditedTx, actor: &Actor) -> Result<Vec<String>, StoreError> {
    use sea_orm::{FromQueryResult, Statement};
    use tsunagi_domain::access::{Capability, can};
    if !can(actor, Capability::CreatePerson) {
        return Ok(Vec::new());
    }
    #[derive(FromQueryResult)]
    struct Name {
        name: Option<String>,
    }
    let backend = tx.conn().get_database_backend();
    let mut names = std::collections::BTreeSet::new();
    for field in [DistrictColumn::Community, DistrictColumn::Welfare] {
        let expr = district_sql(backend, field);
        let placeholder = if backend == sea_orm::DatabaseBackend::Postgres {
            "$1"
        } else {
            "?"
        };
        let sql = format!(
            "SELECT DISTINCT {expr} AS name FROM roster_entries WHERE person_id IN \
             (SELECT id FROM persons WHERE municipality_id = {placeholder})"
        );
        for n in Name::find_by_statement(Statement::from_sql_and_values(
            backend,
            sql,
            [actor.organisation_id.0.into()],
        ))
        .all(tx.conn())
        .await?
        {
            if let Some(name) = n.name.filter(|n| !n.is_empty()) {
                names.insert(name);
            }
        }
    }
    Ok(names.into_iter().collect())
}
