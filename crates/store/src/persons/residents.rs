//! Persons in bulk, as a roster import needs them: everyone of a municipality read once to
//! match on 宛名番号, new persons inserted many per statement, changed ones updated from the
//! version read. Every creation and change is audited per person.

use std::collections::HashMap;

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tsunagi_domain::access::AccessBasis;
use tsunagi_domain::person::PersonDetails;
use tsunagi_domain::{OrganisationId, PersonId};

use super::{PlaceChange, created_entry, details, new_row, updated_entry};
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
    version: i32,
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
    // In pages by id: a city's residents at once would hold every raw row and its model
    // together (1.5 GB for 300,000 on SQLite); pages keep the peak to the models.
    const PAGE: u64 = 20_000;
    let mut out = Vec::new();
    let mut after: Option<uuid::Uuid> = None;
    loop {
        let mut q = person::Entity::find()
            .filter(person::Column::MunicipalityId.eq(owner.0))
            .order_by_asc(person::Column::Id)
            .limit(PAGE);
        if let Some(last) = after {
            q = q.filter(person::Column::Id.gt(last));
        }
        let rows = q.all(tx.conn()).await?;
        let n = rows.len() as u64;
        after = rows.last().map(|r| r.id);
        for row in rows {
            let household_no = row.household_id.and_then(|h| households.get(&h).cloned());
            out.push(Resident {
                id: PersonId(row.id),
                details: details(&row, household_no)?,
                version: row.version,
                search_key: row.search_key,
            });
        }
        if n < PAGE {
            break;
        }
    }
    Ok(out)
}

/// A person about to be inserted, with the search key worked out once (an import also
/// matches look-alikes by it).
pub struct NewPerson<'a> {
    pub id: PersonId,
    pub details: &'a PersonDetails,
    search_key: String,
}

impl<'a> NewPerson<'a> {
    pub fn new(id: PersonId, details: &'a PersonDetails) -> Self {
        NewPerson {
            id,
            details,
            search_key: details.search_key(),
        }
    }
    pub fn search_key(&self) -> &str {
        &self.search_key
    }
}

/// Inserts new persons of `owner`, creating the households they name, many per statement;
/// each creation is audited with the details.
pub async fn insert_many(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    new: &[NewPerson<'_>],
) -> Result<(), StoreError> {
    let started = std::time::Instant::now();
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
    for p in new {
        let d = p.details;
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
        let mut row = new_row(p.id, owner, d, household_id, t);
        row.search_key = sea_orm::ActiveValue::Set(p.search_key.clone());
        rows.push(row);
    }
    tracing::debug!(elapsed = ?started.elapsed(), "persons: rows built");
    crate::db::bulk::insert_models(tx.conn(), new_households).await?;
    crate::db::bulk::insert_models(tx.conn(), rows)
        .await
        .map_err(|e| match e {
            StoreError::Database(db) => StoreError::duplicate_as("resident_no")(db),
            e => e,
        })?;
    tracing::debug!(elapsed = ?started.elapsed(), "persons: rows inserted");
    if new.len() >= 1000 {
        crate::db::analyze(tx.conn(), "persons").await?;
    }
    for p in new {
        tx.record(created_entry(p.id, owner, p.details));
        tx.flush_if_many().await?;
    }
    tracing::debug!(elapsed = ?started.elapsed(), "persons: audited");
    Ok(())
}

/// Writes new details over residents of `owner` read by [`residents_of`] in this transaction
/// (a change made in between is a conflict): households resolved (and made)
/// together, the rows written in a few statements from the versions read, each change audited
/// field by field. Returns what changed of each one's place, in order.
pub async fn update_residents(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    updates: &[(&Resident, &PersonDetails)],
) -> Result<Vec<PlaceChange>, StoreError> {
    if updates.is_empty() {
        return Ok(Vec::new());
    }
    let t = now();
    let mut households: HashMap<String, uuid::Uuid> = household::Entity::find()
        .filter(household::Column::MunicipalityId.eq(owner.0))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|h| (h.household_no, h.id))
        .collect();
    let mut new_households = Vec::new();
    let mut rows = Vec::with_capacity(updates.len());
    for (r, d) in updates {
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
        rows.push(crate::db::bulk::VersionedRow {
            key: r.id.0,
            version: r.version,
            values: vec![
                d.resident_no.clone().into(),
                d.name.clone().into(),
                d.name_kana.clone().into(),
                d.birth_date.into(),
                d.sex.code().to_owned().into(),
                d.postal_code.clone().into(),
                d.address.clone().into(),
                d.address_extra.clone().into(),
                d.phone.clone().into(),
                household_id.into(),
                d.relationship.clone().into(),
                d.search_key().into(),
                d.has_gaiji().into(),
            ],
        });
    }
    crate::db::bulk::insert_models(tx.conn(), new_households).await?;
    let written = crate::db::bulk::update_rows(
        tx.conn(),
        "persons",
        "id",
        &[
            "resident_no",
            "name",
            "name_kana",
            "birth_date",
            "sex",
            "postal_code",
            "address",
            "address_extra",
            "phone",
            "household_id",
            "relationship",
            "search_key",
            "has_gaiji",
        ],
        rows,
        t,
    )
    .await
    .map_err(|e| match e {
        StoreError::Database(db) => StoreError::duplicate_as("resident_no")(db),
        e => e,
    })?;
    if written != updates.len() as u64 {
        // Someone saved one of them between our read and our write.
        return Err(StoreError::Conflict { current: 0 });
    }
    let mut out = Vec::with_capacity(updates.len());
    for (r, d) in updates {
        tx.record(updated_entry(
            r.id,
            owner,
            AccessBasis::Owner,
            r.version + 1,
            &r.details,
            d,
        ));
        tx.flush_if_many().await?;
        out.push(PlaceChange {
            address: r.details.address != d.address,
            address_extra: r.details.address_extra != d.address_extra,
        });
    }
    Ok(out)
}

/// The residents of a municipality born on or before `born_by` (ids and addresses), for a
/// sweep that reaches beyond the roster. Reads without a policy check: the use case opening a
/// sweep asks; nothing leaves but who is in it.
pub async fn born_by(
    tx: &AuditedTx,
    owner: OrganisationId,
    born_by: chrono::NaiveDate,
) -> Result<Vec<(uuid::Uuid, String, chrono::NaiveDate)>, StoreError> {
    use sea_orm::QuerySelect;
    Ok(person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::Address)
        .column(person::Column::BirthDate)
        .filter(person::Column::MunicipalityId.eq(owner.0))
        .filter(person::Column::BirthDate.lte(born_by))
        .into_tuple()
        .all(tx.conn())
        .await?)
}
