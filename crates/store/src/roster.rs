//! The roster: entries attached to person records, and the import that creates or updates
//! persons and their entries from a municipal extract, matched on 宛名番号.

use crate::audit::{AuditedTx, Entry};
use crate::entity::{household, person, roster_entry};
use crate::error::StoreError;
use crate::now;
use crate::persons;
use crate::persons::Need;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use std::collections::HashMap;
use tsunagi_domain::PersonId;
use tsunagi_domain::access::{AccessBasis, Actor, Capability, can};
use tsunagi_domain::audit::{AuditAction, diff};
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::person::PersonDetails;
use tsunagi_domain::roster::RosterEntry;

/// One valid row of an import.
pub struct ImportRow<'a> {
    pub line: u64,
    pub person: &'a PersonDetails,
    pub entry: &'a RosterEntry,
}

/// A new person who looks like someone already registered (same name and birth date, other
/// 宛名番号). Flagged for a person to check, never merged.
#[derive(Clone, Debug, Serialize)]
pub struct PossibleDuplicate {
    pub line: u64,
    pub new_id: PersonId,
    pub existing_id: PersonId,
    pub name: String,
}

/// What an import did (or, in a dry run, would do).
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportOutcome {
    pub created: Vec<u64>,
    pub updated: Vec<u64>,
    pub unchanged: usize,
    pub possible_duplicates: Vec<PossibleDuplicate>,
}

fn encode(e: &RosterEntry) -> Result<String, StoreError> {
    serde_json::to_string(e).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Reads a person's roster entry. The caller has already checked access to the person.
pub(crate) async fn entry_of(
    conn: &impl sea_orm::ConnectionTrait,
    id: PersonId,
) -> Result<Option<RosterEntry>, StoreError> {
    match roster_entry::Entity::find_by_id(id.0).one(conn).await? {
        Some(m) => serde_json::from_str(&m.entry)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("roster entry of {id}: {e}"))),
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
    persons::require(tx, actor, disaster, id, Need::See).await?;
    entry_of(tx.conn(), id).await
}

/// Sets a person's roster entry (the owning municipality's staff only); returns whether it
/// changed. Changes are audited field by field.
pub async fn set(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
    entry: &RosterEntry,
) -> Result<bool, StoreError> {
    let (owner, _) = persons::require(tx, actor, disaster, id, Need::Own).await?;
    let changed = set_unchecked(tx, owner, id, entry).await?;
    if changed {
        crate::receivers::apply_person(tx, owner, id, entry).await?;
    }
    Ok(changed)
}

/// Sets the entry of a person the caller has already established the actor owns.
async fn set_unchecked(
    tx: &mut AuditedTx,
    owner: tsunagi_domain::OrganisationId,
    id: PersonId,
    entry: &RosterEntry,
) -> Result<bool, StoreError> {
    let before = roster_entry::Entity::find_by_id(id.0)
        .one(tx.conn())
        .await?;
    let t = now();
    let mut entry = entry.clone();
    let changes = match &before {
        Some(m) => {
            let old: RosterEntry = serde_json::from_str(&m.entry).unwrap_or_default();
            // What the hazard maps found stays unless a manual value replaces it.
            entry.keep_map_hazards_from(&old);
            if old == entry {
                return Ok(false);
            }
            crate::workflows::mark_for_review(tx, id, "心身の状況・世帯の変化").await?;
            roster_entry::Entity::update_many()
                .col_expr(roster_entry::Column::Entry, Expr::value(encode(&entry)?))
                .col_expr(roster_entry::Column::Version, Expr::value(m.version + 1))
                .col_expr(roster_entry::Column::UpdatedAt, Expr::value(t))
                .filter(roster_entry::Column::PersonId.eq(id.0))
                .exec(tx.conn())
                .await?;
            diff(
                &serde_json::to_value(&old).unwrap_or_default(),
                &serde_json::to_value(&entry).unwrap_or_default(),
            )
        }
        None => {
            roster_entry::Entity::insert(roster_entry::ActiveModel {
                person_id: Set(id.0),
                entry: Set(encode(&entry)?),
                version: Set(1),
                registered_at: Set(t),
                updated_at: Set(t),
            })
            .exec(tx.conn())
            .await?;
            diff(
                &serde_json::Value::Null,
                &serde_json::to_value(&entry).unwrap_or_default(),
            )
        }
    };
    tx.record(
        Entry::new(AuditAction::RosterUpdated, "person", id)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({"registered": before.is_none(), "changes": changes})),
    );
    Ok(true)
}

/// New rows of an import, inserted many at a time (households first, for the foreign keys).
#[derive(Default)]
struct Pending {
    households: Vec<household::ActiveModel>,
    persons: Vec<person::ActiveModel>,
    entries: Vec<roster_entry::ActiveModel>,
}

impl Pending {
    async fn flush(&mut self, tx: &AuditedTx) -> Result<(), StoreError> {
        // Chunks keep each statement under SQLite's bound-parameter limit.
        for chunk in std::mem::take(&mut self.households).chunks(500) {
            household::Entity::insert_many(chunk.to_vec())
                .exec(tx.conn())
                .await?;
        }
        for chunk in std::mem::take(&mut self.persons).chunks(500) {
            person::Entity::insert_many(chunk.to_vec())
                .exec(tx.conn())
                .await
                .map_err(StoreError::duplicate_as("resident_no"))?;
        }
        for chunk in std::mem::take(&mut self.entries).chunks(500) {
            roster_entry::Entity::insert_many(chunk.to_vec())
                .exec(tx.conn())
                .await?;
        }
        Ok(())
    }
}

fn registered_entry(
    owner: tsunagi_domain::OrganisationId,
    id: PersonId,
    entry: &RosterEntry,
) -> Entry {
    Entry::new(AuditAction::RosterUpdated, "person", id)
        .owner(owner)
        .basis(AccessBasis::Owner)
        .detail(serde_json::json!({
            "registered": true,
            "changes": diff(&serde_json::Value::Null, &serde_json::to_value(entry).unwrap_or_default()),
        }))
}

/// Applies an import in the actor's municipality: persons matched on 宛名番号 are updated when
/// their details differ, others created; every row's roster entry is set. All in the caller's
/// transaction: drop it for a dry run, commit it to apply.
pub async fn import(
    tx: &mut AuditedTx,
    actor: &Actor,
    source: &str,
    rows: &[ImportRow<'_>],
) -> Result<ImportOutcome, StoreError> {
    if !can(actor, Capability::CreatePerson) {
        return Err(StoreError::Forbidden);
    }
    let owner = actor.organisation_id;
    let mut out = ImportOutcome::default();
    // Everything the rows are matched against, read once.
    let existing = person::Entity::find()
        .filter(person::Column::MunicipalityId.eq(owner.0))
        .all(tx.conn())
        .await?;
    let households: HashMap<uuid::Uuid, String> = household::Entity::find()
        .filter(household::Column::MunicipalityId.eq(owner.0))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|h| (h.id, h.household_no))
        .collect();
    let t = now();
    let mut household_ids: HashMap<String, uuid::Uuid> = households
        .iter()
        .map(|(id, no)| (no.clone(), *id))
        .collect();
    let mut pending = Pending::default();
    let mut twins: HashMap<(chrono::NaiveDate, String), (PersonId, String)> = HashMap::new();
    let mut by_resident_no: HashMap<String, person::Model> = HashMap::new();
    for m in existing {
        twins.insert(
            (m.birth_date, m.search_key.clone()),
            (PersonId(m.id), m.name.clone()),
        );
        if let Some(r) = m.resident_no.clone() {
            by_resident_no.insert(r, m);
        }
    }
    for row in rows {
        let resident_no = row.person.resident_no.clone().ok_or_else(|| {
            StoreError::Invalid(tsunagi_domain::ValidationErrors::single(
                "resident_no",
                "宛名番号がありません",
            ))
        })?;
        let (id, person_changed) = match by_resident_no.get(&resident_no) {
            Some(m) => {
                let household_no = m.household_id.and_then(|h| households.get(&h).cloned());
                let changed = &persons::details(m, household_no)? != row.person;
                if changed {
                    pending.flush(tx).await?; // households it may name must exist first
                    persons::write_update(tx, m, AccessBasis::Owner, m.version, row.person).await?;
                }
                (PersonId(m.id), changed)
            }
            None => {
                let id = PersonId::new_v7();
                let household_id = match row.person.household_no.as_deref() {
                    None => None,
                    Some(no) => Some(match household_ids.get(no) {
                        Some(h) => *h,
                        None => {
                            let h = uuid::Uuid::now_v7();
                            pending.households.push(household::ActiveModel {
                                id: Set(h),
                                municipality_id: Set(owner.0),
                                household_no: Set(no.to_owned()),
                                created_at: Set(t),
                            });
                            household_ids.insert(no.to_owned(), h);
                            h
                        }
                    }),
                };
                pending
                    .persons
                    .push(persons::new_row(id, owner, row.person, household_id, t));
                pending.entries.push(roster_entry::ActiveModel {
                    person_id: Set(id.0),
                    entry: Set(encode(row.entry)?),
                    version: Set(1),
                    registered_at: Set(t),
                    updated_at: Set(t),
                });
                tx.record(persons::created_entry(id, owner, row.person));
                tx.record(registered_entry(owner, id, row.entry));
                let key = (row.person.birth_date, row.person.search_key());
                if let Some((existing_id, name)) = twins.get(&key) {
                    out.possible_duplicates.push(PossibleDuplicate {
                        line: row.line,
                        new_id: id,
                        existing_id: *existing_id,
                        name: name.clone(),
                    });
                } else {
                    twins.insert(key, (id, row.person.name.clone()));
                }
                out.created.push(row.line);
                if pending.persons.len() >= 500 {
                    pending.flush(tx).await?;
                }
                continue;
            }
        };
        let entry_changed = set_unchecked(tx, owner, id, row.entry).await?;
        if person_changed || entry_changed {
            out.updated.push(row.line);
        } else {
            out.unchanged += 1;
        }
    }
    pending.flush(tx).await?;
    // People may have moved between 自治会 or 民生委員 districts.
    crate::receivers::apply_all(tx, owner).await?;
    tx.record(
        Entry::new(AuditAction::RosterImported, "roster", source)
            .owner(owner)
            .detail(serde_json::json!({
                "rows": rows.len(),
                "created": out.created.len(),
                "updated": out.updated.len(),
                "unchanged": out.unchanged,
                "possible_duplicates": out.possible_duplicates.len(),
            })),
    );
    Ok(out)
}
