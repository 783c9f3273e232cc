//! Applying the valid rows of a roster extract: persons matched on 宛名番号 against everyone
//! registered (read once), new persons and entries inserted in bulk, changed ones updated from
//! the versions read; what follows (locating moved homes, receivers, review marks) is recorded
//! for the consequences, which run once for the whole file.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::person::PersonDetails;
use tsunagi_domain::roster::RosterEntry;
use tsunagi_domain::{OrganisationId, PersonId, ValidationErrors};
use tsunagi_store::audit::Entry;
use tsunagi_store::persons::{self, NewPerson, Resident};
use tsunagi_store::roster::{self, StoredEntry};

use crate::Error;
use crate::consequences::Cause;
use crate::work::Work;

/// One valid row of an extract.
pub(crate) struct Row<'a> {
    pub line: u64,
    pub person: &'a PersonDetails,
    /// The roster entry (a roster extract); `None` for a resident extract, which leaves the
    /// roster as it is.
    pub entry: Option<&'a RosterEntry>,
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
    /// For a full extract: roster people the file does not hold, to confirm (死亡・転出 …)
    /// before anyone takes them off the roster by hand. Nobody is removed by an import.
    pub absent: Vec<AbsentPerson>,
}

/// A roster person absent from a full extract.
#[derive(Clone, Debug, Serialize)]
pub struct AbsentPerson {
    pub id: PersonId,
    pub name: String,
    pub resident_no: Option<String>,
}

/// Applies `rows` in `owner`'s municipality, in the work's transaction.
pub(crate) async fn apply(
    w: &mut Work<'_>,
    owner: OrganisationId,
    source: &str,
    entity: &'static str,
    rows: &[Row<'_>],
    full_extract: bool,
) -> Result<ImportOutcome, Error> {
    let mut out = ImportOutcome::default();
    // Everything the rows are matched against, read once.
    let residents = persons::residents_of(&w.tx, owner).await?;
    let mut entries = if rows.iter().any(|r| r.entry.is_some()) {
        roster::entries_of_municipality(&w.tx, owner).await?
    } else {
        Default::default()
    };
    let t = std::time::Instant::now();
    tracing::debug!(
        residents = residents.len(),
        "roster import: matched against the stored roster"
    );
    let mut twins: HashMap<(NaiveDate, String), (PersonId, String)> = HashMap::new();
    let mut by_resident_no: HashMap<&str, &Resident> = HashMap::new();
    for r in &residents {
        twins.insert(
            (r.details.birth_date, r.search_key.clone()),
            (r.id, r.details.name.clone()),
        );
        if let Some(no) = r.details.resident_no.as_deref() {
            by_resident_no.insert(no, r);
        }
    }
    let mut created: Vec<NewPerson<'_>> = Vec::new();
    let mut registered: Vec<(PersonId, &RosterEntry)> = Vec::new();
    let mut person_updates: Vec<(&Resident, &PersonDetails)> = Vec::new();
    let mut entry_updates: Vec<(PersonId, StoredEntry, RosterEntry)> = Vec::new();
    let mut line_of: HashMap<PersonId, u64> = HashMap::new();
    for row in rows {
        let no = row.person.resident_no.as_deref().ok_or_else(|| {
            Error::Invalid(ValidationErrors::single(
                "resident_no",
                "宛名番号がありません",
            ))
        })?;
        match by_resident_no.get(no) {
            Some(r) => {
                line_of.insert(r.id, row.line);
                if r.details != *row.person {
                    person_updates.push((r, row.person));
                }
                if let Some(entry) = row.entry {
                    match entries.remove(&r.id.0) {
                        Some(stored) => entry_updates.push((r.id, stored, entry.clone())),
                        None => registered.push((r.id, entry)),
                    }
                }
            }
            None => {
                let id = PersonId::new_v7();
                let new = NewPerson::new(id, row.person);
                let key = (row.person.birth_date, new.search_key().to_owned());
                created.push(new);
                if let Some(entry) = row.entry {
                    registered.push((id, entry));
                }
                match twins.get(&key) {
                    Some((existing_id, name)) => {
                        out.possible_duplicates.push(PossibleDuplicate {
                            line: row.line,
                            new_id: id,
                            existing_id: *existing_id,
                            name: name.clone(),
                        });
                    }
                    None => {
                        twins.insert(key, (id, row.person.name.clone()));
                    }
                }
                out.created.push(row.line);
            }
        }
    }
    tracing::debug!(elapsed = ?t.elapsed(), "roster import: rows matched");
    if full_extract {
        // What is left of the stored roster matched no row: absent from the extract.
        let names: HashMap<uuid::Uuid, &Resident> = residents.iter().map(|r| (r.id.0, r)).collect();
        out.absent = entries
            .keys()
            .filter_map(|id| names.get(id))
            .map(|r| AbsentPerson {
                id: r.id,
                name: r.details.name.clone(),
                resident_no: r.details.resident_no.clone(),
            })
            .collect();
        out.absent.sort_by(|a, b| a.resident_no.cmp(&b.resident_no));
    }
    // New persons first: their households may be named by the updates.
    persons::insert_many(&mut w.tx, owner, &created).await?;
    tracing::debug!(created = created.len(), elapsed = ?t.elapsed(), "roster import: persons inserted");
    let mut updated: std::collections::BTreeSet<u64> = std::collections::BTreeSet::new();
    let places = persons::update_residents(&mut w.tx, owner, &person_updates).await?;
    for ((r, d), place) in person_updates.iter().zip(places) {
        if place.address {
            w.changes.address_changed(owner, r.id, &d.address);
        }
        if place.any() {
            w.changes.review(owner, r.id, Cause::AddressChanged);
        }
        updated.extend(line_of.get(&r.id));
    }
    tracing::debug!(updated = person_updates.len(), elapsed = ?t.elapsed(), "roster import: persons updated");
    roster::register_many(&mut w.tx, owner, &registered).await?;
    tracing::debug!(registered = registered.len(), elapsed = ?t.elapsed(), "roster import: entries registered");
    for (id, _) in &registered {
        w.changes.roster_changed(owner, *id);
        if let Some(line) = line_of.get(id) {
            updated.insert(*line);
        }
    }
    for id in roster::update_many(&mut w.tx, owner, entry_updates).await? {
        w.changes.roster_changed(owner, id);
        w.changes.review(owner, id, Cause::RosterChanged);
        updated.extend(line_of.get(&id));
    }
    tracing::debug!(elapsed = ?t.elapsed(), "roster import: entries updated");
    out.updated = updated.into_iter().collect();
    out.unchanged = rows.len() - out.created.len() - out.updated.len();
    w.tx.record(
        Entry::new(AuditAction::RosterImported, entity, source)
            .owner(owner)
            .detail(serde_json::json!({
                "rows": rows.len(),
                "created": out.created.len(),
                "updated": out.updated.len(),
                "unchanged": out.unchanged,
                "possible_duplicates": out.possible_duplicates.len(),
                "full_extract": full_extract,
                "absent": out.absent.iter().map(|a| a.id.to_string()).collect::<Vec<_>>(),
            })),
    );
    tracing::debug!(elapsed = ?t.elapsed(), "roster import: recorded");
    Ok(out)
}
