//! Persons in bulk, as a roster import needs them: everyone of a municipality read once to
//! match on 宛名番号, new persons inserted many per statement, changed ones updated from the
//! version read. Every creation and change is audited per person.

use std::collections::HashMap;

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use tsunagi_domain::access::AccessBasis;
use tsunagi_domain::person::PersonDetails;
use tsunagi_domain::{OrganisationId, PersonId};

use super::{PlaceChange, created_entry, details, new_row, write_update};
use crate::audit::AuditedTx;
use crate::entity::{household, person};
use crate::error::StoreError;
use crate::now;

/// A person already registered, as an import matches and compares it.
#[derive(Clone, Debug)]
pub struct Resident {
    pub id: PersonId,
    pub details: PersonDetails,
    /// The word-prefix search key (name and reading folded), to flag look-alikes.
    pub search_key: String,
    row: person::Model,
}

/// Everyone registered in a municipality, with their household numbers.
pub async fn residents_of(
    tx: &AuditedTx,
    owner: OrganisationId,
) -> Result<Vec<Resident>, StoreError> {
    let households: HashMap<uuid::Uuid, String> = household::Entity::find()
        .filter(household::Column::MunicipalityId.eq(owner.0))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|h| (h.id, h.household_no))
        .collect();
    person::Entity::find()
        .filter(person::Column::MunicipalityId.eq(owner.0))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|row| {
            let household_no = row.household_id.and_then(|h| households.get(&h).cloned());
            Ok(Resident {
                id: PersonId(row.id),
                details: details(&row, household_no)?,
                search_key: row.search_key.clone(),
                row,
            })
        })
        .collect()
}

/// Rows per multi-row insert (well under SQLite's bound-parameter limit at 18 columns).
const CHUNK: usize = 1000;

/// Inserts new persons of `owner` (ids chosen by the caller), creating the households they
/// name, many per statement; each creation is audited with the details.
pub async fn insert_many(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    new: &[(PersonId, &PersonDetails)],
) -> Result<(), StoreError> {
    let t = now();
    let mut households: HashMap<String, uuid::Uuid> = household::Entity::find()
        .filter(household::Column::MunicipalityId.eq(owner.0))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|h| (h.household_no, h.id))
        .collect();
    let mut new_households = Vec::new();
    let mut rows = Vec::with_capacity(new.len());
    for (id, d) in new {
        let household_id = d
            .household_no
            .as_deref()
            .map(|no| match households.get(no) {
                Some(h) => *h,
                None => {
                    let h = uuid::Uuid::now_v7();
                    new_households.push(household::ActiveModel {
                        id: Set(h),
                        municipality_id: Set(owner.0),
                        household_no: Set(no.to_owned()),
                        created_at: Set(t),
                    });
                    households.insert(no.to_owned(), h);
                    h
                }
            });
        rows.push(new_row(*id, owner, d, household_id, t));
    }
    for chunk in new_households.chunks(CHUNK) {
        household::Entity::insert_many(chunk.to_vec())
            .exec(tx.conn())
            .await?;
    }
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(CHUNK).collect();
        person::Entity::insert_many(chunk)
            .exec(tx.conn())
            .await
            .map_err(StoreError::duplicate_as("resident_no"))?;
    }
    for (id, d) in new {
        tx.record(created_entry(*id, owner, d));
    }
    Ok(())
}

/// Writes new details over a resident read by [`residents_of`] in this transaction (a change
/// made in between is a conflict), audited field by field.
pub async fn update_resident(
    tx: &mut AuditedTx,
    r: &Resident,
    d: &PersonDetails,
) -> Result<PlaceChange, StoreError> {
    write_update(tx, &r.row, AccessBasis::Owner, r.row.version, d).await
}
