//! Person records: search, read, create and update, each checked against the domain's sharing
//! policy and written to the audit trail.

pub(crate) mod members;
mod residents;

pub use members::{
    household_numbers, households_of_persons, ids_by_resident_no, members_of_households,
};
pub use residents::{NewPerson, Resident, born_by, insert_many, residents_of, update_residents};

use crate::access::{load_visible, scope_condition};
use crate::audit::{AuditedTx, Entry};
use crate::entity::{household, person};
use crate::error::StoreError;
use crate::now;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use tsunagi_domain::access::{AccessLevel, Actor, Capability, Grant, can};
use tsunagi_domain::audit::{AuditAction, diff};
use tsunagi_domain::consent::ConsentRecord;
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::paging::Page;
use tsunagi_domain::person::PersonDetails;
use tsunagi_domain::text::{fold_for_search, search_pattern};
use tsunagi_domain::{HouseholdId, OrganisationId, PersonId};

/// A line of a person list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonSummary {
    pub id: PersonId,
    pub municipality_id: OrganisationId,
    pub name: String,
    pub name_kana: String,
    pub birth_date: NaiveDate,
    pub sex: tsunagi_domain::person::Sex,
    pub address: String,
    pub relationship: Option<String>,
    pub has_gaiji: bool,
}

/// A person's whole record as the actor may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonRecord {
    pub id: PersonId,
    pub municipality_id: OrganisationId,
    pub details: PersonDetails,
    pub household_id: Option<HouseholdId>,
    pub has_gaiji: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub consent: ConsentRecord,
    /// How the actor may use the record, and why.
    pub grant: Grant,
    /// The other members of the household whom the actor may also see.
    pub household: Vec<PersonSummary>,
    /// The roster entry (避難行動要支援者名簿), if the person is on the roster.
    pub roster: Option<tsunagi_domain::roster::RosterEntry>,
    /// The stored triage result, if triaged.
    pub triage: Option<crate::triage::StoredTriage>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PersonPage {
    pub items: Vec<PersonSummary>,
    pub total: u64,
    pub page: Page,
}

pub(crate) fn summary(m: &person::Model) -> Result<PersonSummary, StoreError> {
    Ok(PersonSummary {
        id: m.id.into(),
        municipality_id: m.municipality_id.into(),
        name: m.name.clone(),
        name_kana: m.name_kana.clone(),
        birth_date: m.birth_date,
        sex: m.sex.parse().map_err(StoreError::Corrupt)?,
        address: m.address.clone(),
        relationship: m.relationship.clone(),
        has_gaiji: m.has_gaiji,
    })
}

pub(crate) fn details(
    m: &person::Model,
    household_no: Option<String>,
) -> Result<PersonDetails, StoreError> {
    Ok(PersonDetails {
        resident_no: m.resident_no.clone(),
        name: m.name.clone(),
        name_kana: m.name_kana.clone(),
        birth_date: m.birth_date,
        sex: m.sex.parse().map_err(StoreError::Corrupt)?,
        postal_code: m.postal_code.clone(),
        address: m.address.clone(),
        address_extra: m.address_extra.clone(),
        phone: m.phone.clone(),
        household_no,
        relationship: m.relationship.clone(),
    })
}

impl crate::Store {
    /// How many persons `actor` may see. A count names nobody, so it is not audited and takes
    /// no lock.
    pub async fn count_visible(
        &self,
        actor: &Actor,
        disaster: &DisasterState,
    ) -> Result<u64, StoreError> {
        let scope = crate::access::scope(self.conn(), actor, disaster).await?;
        Ok(person::Entity::find()
            .filter(scope_condition(&scope))
            .count(self.conn())
            .await?)
    }
}

/// Persons whose name or reading matches `query` at the start of a word (any width, hiragana or
/// katakana), or whose 宛名番号 is `query`; `None` for an empty query.
pub(crate) fn text_condition(query: &str) -> Option<Condition> {
    let pattern = search_pattern(query)?;
    let folded = fold_for_search(query);
    let mut text = Condition::any()
        .add(Expr::col(person::Column::SearchKey).like(LikeExpr::new(pattern).escape('\\')));
    if folded
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        text = text.add(person::Column::ResidentNo.eq(folded));
    }
    Some(text)
}

/// Searches the persons `actor` may see by name, reading (any width, hiragana or katakana) or
/// 宛名番号. An empty query lists everyone visible. Ordered by reading.
pub async fn search(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    query: &str,
    page: Page,
) -> Result<PersonPage, StoreError> {
    let scope = crate::access::scope(tx.conn(), actor, disaster).await?;
    let mut cond = Condition::all().add(scope_condition(&scope));
    if let Some(text) = text_condition(query) {
        cond = cond.add(text);
    }
    let q = person::Entity::find().filter(cond);
    let total = q.clone().count(tx.conn()).await?;
    let rows = q
        .order_by_asc(person::Column::NameKana)
        .order_by_asc(person::Column::Id)
        .offset(page.offset())
        .limit(page.size)
        .all(tx.conn())
        .await?;
    tx.record(
        Entry::new(AuditAction::PersonSearched, "person", "")
            .listed_for(actor)
            .detail(serde_json::json!({
                "q": query,
                "page": page.number,
                "total": total,
                "shown": rows.iter().map(|m| m.id.to_string()).collect::<Vec<_>>(),
            })),
    );
    Ok(PersonPage {
        items: rows.iter().map(summary).collect::<Result<_, _>>()?,
        total,
        page,
    })
}

async fn household_no(
    conn: &impl ConnectionTrait,
    id: Option<uuid::Uuid>,
) -> Result<Option<String>, StoreError> {
    match id {
        Some(h) => Ok(household::Entity::find_by_id(h)
            .one(conn)
            .await?
            .map(|h| h.household_no)),
        None => Ok(None),
    }
}

async fn record_of(
    tx: &AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    m: person::Model,
    grant: Grant,
) -> Result<PersonRecord, StoreError> {
    let mut household = Vec::new();
    if let Some(h) = m.household_id {
        let scope = crate::access::scope(tx.conn(), actor, disaster).await?;
        let members = person::Entity::find()
            .filter(person::Column::HouseholdId.eq(h))
            .filter(person::Column::Id.ne(m.id))
            .filter(scope_condition(&scope))
            .order_by_asc(person::Column::BirthDate)
            .all(tx.conn())
            .await?;
        household = members.iter().map(summary).collect::<Result<_, _>>()?;
    }
    Ok(PersonRecord {
        id: m.id.into(),
        municipality_id: m.municipality_id.into(),
        details: details(&m, household_no(tx.conn(), m.household_id).await?)?,
        household_id: m.household_id.map(Into::into),
        has_gaiji: m.has_gaiji,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        consent: crate::access::consent_of(tx.conn(), m.id).await?,
        grant,
        household,
        roster: crate::roster::entry_of(tx.conn(), PersonId(m.id)).await?,
        triage: crate::triage::result_of(tx.conn(), PersonId(m.id)).await?,
    })
}

/// Reads one person's record, recording the view with its basis. `NotFound` when the person
/// does not exist or the actor may not see it.
pub async fn get(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
) -> Result<PersonRecord, StoreError> {
    let Some((m, _, grant)) = load_visible(tx, actor, disaster, id).await? else {
        return Err(StoreError::NotFound);
    };
    tx.record(
        Entry::new(AuditAction::PersonViewed, "person", id)
            .owner(m.municipality_id)
            .basis(grant.basis),
    );
    record_of(tx, actor, disaster, m, grant).await
}

async fn household_for(
    tx: &AuditedTx,
    municipality: OrganisationId,
    no: Option<&str>,
) -> Result<Option<uuid::Uuid>, StoreError> {
    let Some(no) = no else { return Ok(None) };
    if let Some(h) = household::Entity::find()
        .filter(household::Column::MunicipalityId.eq(municipality.0))
        .filter(household::Column::HouseholdNo.eq(no))
        .one(tx.conn())
        .await?
    {
        return Ok(Some(h.id));
    }
    let id = HouseholdId::new_v7().0;
    household::Entity::insert(household::ActiveModel {
        id: Set(id),
        municipality_id: Set(municipality.0),
        household_no: Set(no.to_owned()),
        created_at: Set(now()),
    })
    .exec(tx.conn())
    .await?;
    Ok(Some(id))
}

fn audit_view(d: &PersonDetails) -> serde_json::Value {
    serde_json::to_value(d).unwrap_or_default()
}

/// Creates a person in the actor's municipality.
pub async fn create(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    d: PersonDetails,
) -> Result<PersonRecord, StoreError> {
    if !can(actor, Capability::CreatePerson) {
        return Err(StoreError::Forbidden);
    }
    let id = insert(tx, actor.organisation_id, &d).await?;
    get_after_write(tx, actor, disaster, id).await
}

/// Inserts a person owned by `owner` and records it. The caller has checked the capability.
pub(crate) async fn insert(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    d: &PersonDetails,
) -> Result<PersonId, StoreError> {
    let household_id = household_for(tx, owner, d.household_no.as_deref()).await?;
    let id = PersonId::new_v7();
    let row = new_row(id, owner, d, household_id, now());
    person::Entity::insert(row)
        .exec(tx.conn())
        .await
        .map_err(StoreError::duplicate_as("resident_no"))?;
    tx.record(created_entry(id, owner, d));
    Ok(id)
}

/// The audit entry of a newly created person (the details as entered).
pub(crate) fn created_entry(id: PersonId, owner: OrganisationId, d: &PersonDetails) -> Entry {
    Entry::new(AuditAction::PersonCreated, "person", id)
        .owner(owner)
        .basis(tsunagi_domain::access::AccessBasis::Owner)
        .detail_text(serde_json::to_string(d).unwrap_or_else(|_| "{}".into()))
}

/// A new person row (version 1).
pub(crate) fn new_row(
    id: PersonId,
    owner: OrganisationId,
    d: &PersonDetails,
    household_id: Option<uuid::Uuid>,
    t: DateTime<Utc>,
) -> person::ActiveModel {
    person::ActiveModel {
        id: Set(id.0),
        municipality_id: Set(owner.0),
        resident_no: Set(d.resident_no.clone()),
        name: Set(d.name.clone()),
        name_kana: Set(d.name_kana.clone()),
        birth_date: Set(d.birth_date),
        sex: Set(d.sex.code().to_owned()),
        postal_code: Set(d.postal_code.clone()),
        address: Set(d.address.clone()),
        address_extra: Set(d.address_extra.clone()),
        phone: Set(d.phone.clone()),
        household_id: Set(household_id),
        relationship: Set(d.relationship.clone()),
        search_key: Set(d.search_key()),
        has_gaiji: Set(d.has_gaiji()),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
    }
}

async fn get_after_write(
    tx: &AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
) -> Result<PersonRecord, StoreError> {
    let (m, _, grant) = load_visible(tx, actor, disaster, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    record_of(tx, actor, disaster, m, grant).await
}

/// Updates a person. `expected_version` is the version the editor started from: if someone
/// else has saved since, nothing is written and `Conflict` names the current version.
pub async fn update(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
    expected_version: i32,
    d: PersonDetails,
) -> Result<(PersonRecord, PlaceChange), StoreError> {
    let Some((m, _, grant)) = load_visible(tx, actor, disaster, id).await? else {
        return Err(StoreError::NotFound);
    };
    if grant.level != AccessLevel::Write {
        return Err(StoreError::Forbidden);
    }
    let change = write_update(tx, &m, grant.basis, expected_version, &d).await?;
    let (m, _, grant) = load_visible(tx, actor, disaster, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((record_of(tx, actor, disaster, m, grant).await?, change))
}

/// Writes new details over `m` if it is still at `expected_version`, and records the change.
/// The caller has decided access (`basis`).
pub(crate) async fn write_update(
    tx: &mut AuditedTx,
    m: &person::Model,
    basis: tsunagi_domain::access::AccessBasis,
    expected_version: i32,
    d: &PersonDetails,
) -> Result<PlaceChange, StoreError> {
    if m.version != expected_version {
        return Err(StoreError::Conflict { current: m.version });
    }
    let before = details(m, household_no(tx.conn(), m.household_id).await?)?;
    let household_id = household_for(
        tx,
        OrganisationId(m.municipality_id),
        d.household_no.as_deref(),
    )
    .await?;
    let result = person::Entity::update_many()
        .col_expr(
            person::Column::ResidentNo,
            Expr::value(d.resident_no.clone()),
        )
        .col_expr(person::Column::Name, Expr::value(d.name.clone()))
        .col_expr(person::Column::NameKana, Expr::value(d.name_kana.clone()))
        .col_expr(person::Column::BirthDate, Expr::value(d.birth_date))
        .col_expr(person::Column::Sex, Expr::value(d.sex.code()))
        .col_expr(
            person::Column::PostalCode,
            Expr::value(d.postal_code.clone()),
        )
        .col_expr(person::Column::Address, Expr::value(d.address.clone()))
        .col_expr(
            person::Column::AddressExtra,
            Expr::value(d.address_extra.clone()),
        )
        .col_expr(person::Column::Phone, Expr::value(d.phone.clone()))
        .col_expr(person::Column::HouseholdId, Expr::value(household_id))
        .col_expr(
            person::Column::Relationship,
            Expr::value(d.relationship.clone()),
        )
        .col_expr(person::Column::SearchKey, Expr::value(d.search_key()))
        .col_expr(person::Column::HasGaiji, Expr::value(d.has_gaiji()))
        .col_expr(person::Column::Version, Expr::value(expected_version + 1))
        .col_expr(person::Column::UpdatedAt, Expr::value(now()))
        .filter(person::Column::Id.eq(m.id))
        .filter(person::Column::Version.eq(expected_version))
        .exec(tx.conn())
        .await
        .map_err(StoreError::duplicate_as("resident_no"))?;
    if result.rows_affected == 0 {
        // Someone saved between our read and our write.
        let current = person::Entity::find_by_id(m.id)
            .one(tx.conn())
            .await?
            .map(|m| m.version)
            .unwrap_or(expected_version);
        return Err(StoreError::Conflict { current });
    }
    tx.record(updated_entry(
        PersonId(m.id),
        OrganisationId(m.municipality_id),
        basis,
        expected_version + 1,
        &before,
        d,
    ));
    Ok(PlaceChange {
        address: before.address != d.address,
        address_extra: before.address_extra != d.address_extra,
    })
}

/// The audit entry of an update: the new version and what changed, field by field.
pub(crate) fn updated_entry(
    id: PersonId,
    owner: OrganisationId,
    basis: tsunagi_domain::access::AccessBasis,
    version: i32,
    before: &PersonDetails,
    after: &PersonDetails,
) -> Entry {
    Entry::new(AuditAction::PersonUpdated, "person", id)
        .owner(owner)
        .basis(basis)
        .detail(serde_json::json!({
            "version": version,
            "changes": diff(&audit_view(before), &audit_view(after)),
        }))
}

/// What an update changed of where the person lives (what plans and maps rely on).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlaceChange {
    /// The address itself: the home must be located again.
    pub address: bool,
    /// 方書 (building, room): the plan's directions may no longer hold.
    pub address_extra: bool,
}

impl PlaceChange {
    pub fn any(self) -> bool {
        self.address || self.address_extra
    }
}

/// The members of one household of a municipality, by reading (for its ledger; the caller
/// checks and audits). Sorted here, not in SQL: an ORDER BY on the reading makes SQLite walk
/// the reading index over every resident of the town instead of the household's index.
pub async fn household_members(
    tx: &AuditedTx,
    municipality: OrganisationId,
    household: HouseholdId,
) -> Result<Vec<PersonSummary>, StoreError> {
    let mut members = person::Entity::find()
        .filter(person::Column::MunicipalityId.eq(municipality.0))
        .filter(person::Column::HouseholdId.eq(household.0))
        .all(tx.conn())
        .await?
        .iter()
        .map(summary)
        .collect::<Result<Vec<_>, _>>()?;
    members.sort_by(|a, b| a.name_kana.cmp(&b.name_kana).then(a.id.0.cmp(&b.id.0)));
    Ok(members)
}

/// A household with its head (世帯主: the member whose relationship says so, else the eldest)
/// and its size.
#[derive(Clone, Debug, Serialize)]
pub struct HouseholdLine {
    pub id: HouseholdId,
    pub household_no: String,
    pub head: HouseholdHead,
    pub members: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct HouseholdHead {
    pub id: PersonId,
    pub name: String,
    pub address: String,
}

/// Every household of a municipality that has members, with its head (the caller checks and
/// audits). Reads only the columns it needs: a city has hundreds of thousands of residents.
pub async fn households_with_heads(
    tx: &AuditedTx,
    municipality: OrganisationId,
) -> Result<Vec<HouseholdLine>, StoreError> {
    use std::collections::HashMap;
    type Row = (
        uuid::Uuid,
        Option<uuid::Uuid>,
        String,
        String,
        Option<String>,
        NaiveDate,
    );
    let rows: Vec<Row> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::HouseholdId)
        .column(person::Column::Name)
        .column(person::Column::Address)
        .column(person::Column::Relationship)
        .column(person::Column::BirthDate)
        .filter(person::Column::MunicipalityId.eq(municipality.0))
        .filter(person::Column::HouseholdId.is_not_null())
        .into_tuple()
        .all(tx.conn())
        .await?;
    let numbers: HashMap<uuid::Uuid, String> = household::Entity::find()
        .filter(household::Column::MunicipalityId.eq(municipality.0))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|h| (h.id, h.household_no))
        .collect();
    // (is head by relationship, earlier birth) decides the head.
    let mut by_household: HashMap<uuid::Uuid, (HouseholdHead, (bool, NaiveDate), usize)> =
        HashMap::new();
    for (id, household, name, address, relationship, birth) in rows {
        let Some(h) = household else { continue };
        let is_head = tsunagi_domain::person::is_householder(relationship.as_deref());
        let rank = (is_head, birth);
        let candidate = HouseholdHead {
            id: PersonId(id),
            name,
            address,
        };
        match by_household.get_mut(&h) {
            None => {
                by_household.insert(h, (candidate, rank, 1));
            }
            Some((head, best, n)) => {
                *n += 1;
                if (rank.0 && !best.0) || (rank.0 == best.0 && rank.1 < best.1) {
                    *head = candidate;
                    *best = rank;
                }
            }
        }
    }
    let mut out: Vec<HouseholdLine> = by_household
        .into_iter()
        .map(|(h, (head, _, members))| HouseholdLine {
            id: HouseholdId(h),
            household_no: numbers.get(&h).cloned().unwrap_or_default(),
            head,
            members,
        })
        .collect();
    out.sort_by(|a, b| a.household_no.cmp(&b.household_no));
    Ok(out)
}

/// A municipality's households by 世帯番号 (survey imports match on it).
pub async fn households_by_no(
    tx: &AuditedTx,
    municipality: OrganisationId,
) -> Result<std::collections::HashMap<String, HouseholdId>, StoreError> {
    Ok(household::Entity::find()
        .filter(household::Column::MunicipalityId.eq(municipality.0))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|h| (h.household_no, HouseholdId(h.id)))
        .collect())
}
