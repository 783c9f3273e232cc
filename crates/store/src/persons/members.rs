//! Members of many households at once (the eligibility of a whole ledger reads every affected
//! household's members in a few queries, not one per household).

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tsunagi_domain::{HouseholdId, OrganisationId};

use super::{PersonSummary, summary};
use crate::audit::AuditedTx;
use crate::entity::{household, person};
use crate::error::StoreError;

/// The person rows of `ids`, by id, in one query per 500 (the caller checks access and audits
/// what it shows); ids that name nobody are absent.
pub(crate) async fn by_ids(
    conn: &impl sea_orm::ConnectionTrait,
    ids: &[uuid::Uuid],
) -> Result<HashMap<uuid::Uuid, person::Model>, StoreError> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        for p in person::Entity::find()
            .filter(person::Column::Id.is_in(chunk.to_vec()))
            .all(conn)
            .await?
        {
            out.insert(p.id, p);
        }
    }
    Ok(out)
}

/// The members of each listed household of a municipality (the caller checks and audits).
pub async fn members_of_households(
    tx: &AuditedTx,
    municipality: OrganisationId,
    households: &[HouseholdId],
) -> Result<HashMap<HouseholdId, Vec<PersonSummary>>, StoreError> {
    let mut out: HashMap<HouseholdId, Vec<PersonSummary>> = HashMap::new();
    for chunk in households.chunks(500) {
        let rows = person::Entity::find()
            .filter(person::Column::MunicipalityId.eq(municipality.0))
            .filter(person::Column::HouseholdId.is_in(chunk.iter().map(|h| h.0)))
            .all(tx.conn())
            .await?;
        for m in &rows {
            if let Some(h) = m.household_id {
                out.entry(HouseholdId(h)).or_default().push(summary(m)?);
            }
        }
    }
    // By reading, sorted here (see `household_members`: no ORDER BY on the reading in SQL).
    for members in out.values_mut() {
        members.sort_by(|a, b| a.name_kana.cmp(&b.name_kana).then(a.id.0.cmp(&b.id.0)));
    }
    Ok(out)
}

/// The 世帯番号 of each listed household of a municipality.
pub async fn household_numbers(
    tx: &AuditedTx,
    municipality: OrganisationId,
    households: &[HouseholdId],
) -> Result<HashMap<HouseholdId, String>, StoreError> {
    let mut out = HashMap::with_capacity(households.len());
    for chunk in households.chunks(500) {
        let rows = household::Entity::find()
            .filter(household::Column::MunicipalityId.eq(municipality.0))
            .filter(household::Column::Id.is_in(chunk.iter().map(|h| h.0)))
            .all(tx.conn())
            .await?;
        out.extend(
            rows.into_iter()
                .map(|h| (HouseholdId(h.id), h.household_no)),
        );
    }
    Ok(out)
}

/// The household of each listed person of a municipality (those in one).
pub async fn households_of_persons(
    tx: &AuditedTx,
    municipality: OrganisationId,
    persons: &[uuid::Uuid],
) -> Result<HashMap<uuid::Uuid, HouseholdId>, StoreError> {
    use sea_orm::QuerySelect;
    let mut out = HashMap::with_capacity(persons.len());
    for chunk in persons.chunks(500) {
        let rows: Vec<(uuid::Uuid, Option<uuid::Uuid>)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::HouseholdId)
            .filter(person::Column::MunicipalityId.eq(municipality.0))
            .filter(person::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(tx.conn())
            .await?;
        out.extend(
            rows.into_iter()
                .filter_map(|(p, h)| h.map(|h| (p, HouseholdId(h)))),
        );
    }
    Ok(out)
}

/// The persons of a municipality with these 宛名番号 (those found), by number.
pub async fn ids_by_resident_no(
    tx: &AuditedTx,
    municipality: OrganisationId,
    numbers: &[String],
) -> Result<HashMap<String, tsunagi_domain::PersonId>, StoreError> {
    use sea_orm::QuerySelect;
    let mut out = HashMap::with_capacity(numbers.len());
    for chunk in numbers.chunks(500) {
        let rows: Vec<(uuid::Uuid, Option<String>)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::ResidentNo)
            .filter(person::Column::MunicipalityId.eq(municipality.0))
            .filter(person::Column::ResidentNo.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(tx.conn())
            .await?;
        out.extend(
            rows.into_iter()
                .filter_map(|(p, n)| n.map(|n| (n, tsunagi_domain::PersonId(p)))),
        );
    }
    Ok(out)
}
