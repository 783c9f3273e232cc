//! Person records: search, read, create and update, each checked against the domain's sharing
//! policy and written to the audit trail.

use crate::audit::{AuditedTx, Entry};
use crate::entity::{consent, consent_scope, household, person, person_share};
use crate::error::StoreError;
use crate::now;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use std::collections::BTreeSet;
use tsunagi_domain::access::{
    AccessLevel, Actor, Capability, Grant, PersonFacts, PersonScope, Share, ShareSource, can,
    person_access, person_scope,
};
use tsunagi_domain::audit::{AuditAction, diff};
use tsunagi_domain::consent::{ConsentMethod, ConsentRecord, ConsentStatus};
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::organisation::OrganisationKind;
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

/// The SQL form of a [`PersonScope`]. Tested against `PersonScope::admits` on both databases.
pub(crate) fn scope_condition(scope: &PersonScope) -> Condition {
    let shared = person::Column::Id.in_subquery(
        Query::select()
            .column(person_share::Column::PersonId)
            .from(person_share::Entity)
            .and_where(person_share::Column::OrganisationId.eq(scope.shared_with.0))
            .to_owned(),
    );
    let consented = person::Column::Id.in_subquery(
        Query::select()
            .column((consent::Entity, consent::Column::PersonId))
            .from(consent::Entity)
            .inner_join(
                consent_scope::Entity,
                Expr::col((consent_scope::Entity, consent_scope::Column::PersonId))
                    .equals((consent::Entity, consent::Column::PersonId)),
            )
            .and_where(
                Expr::col((consent::Entity, consent::Column::Status))
                    .eq(ConsentStatus::Given.code()),
            )
            .and_where(
                Expr::col((consent_scope::Entity, consent_scope::Column::ReceiverKind))
                    .eq(scope.kind.code()),
            )
            .to_owned(),
    );
    let mut basis = Condition::any().add(consented);
    if !scope.disaster_owners.is_empty() {
        basis = basis.add(
            person::Column::MunicipalityId.is_in(
                scope
                    .disaster_owners
                    .iter()
                    .map(|o| o.0)
                    .collect::<Vec<_>>(),
            ),
        );
    }
    let mut cond = Condition::any().add(Condition::all().add(shared).add(basis));
    if scope.entrusted {
        cond = cond.add(
            person::Column::Id.in_subquery(
                Query::select()
                    .column(person_share::Column::PersonId)
                    .from(person_share::Entity)
                    .and_where(person_share::Column::OrganisationId.eq(scope.shared_with.0))
                    .and_where(person_share::Column::Source.eq(ShareSource::Assignment.code()))
                    .to_owned(),
            ),
        );
    }
    if let Some(owner) = scope.owned_by {
        cond = cond.add(person::Column::MunicipalityId.eq(owner.0));
    }
    cond
}

pub(crate) async fn facts(
    conn: &impl ConnectionTrait,
    m: &person::Model,
) -> Result<PersonFacts, StoreError> {
    let shares = person_share::Entity::find()
        .filter(person_share::Column::PersonId.eq(m.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| {
            Ok(Share {
                organisation_id: s.organisation_id.into(),
                level: AccessLevel::parse(&s.level)
                    .ok_or_else(|| StoreError::Corrupt(format!("share level {}", s.level)))?,
                plan: s.includes_plan,
                source: ShareSource::parse(&s.source)
                    .ok_or_else(|| StoreError::Corrupt(format!("share source {}", s.source)))?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(PersonFacts {
        owner: m.municipality_id.into(),
        shares,
        consent: consent_of(conn, m.id).await?.facts(),
    })
}

async fn consent_of(
    conn: &impl ConnectionTrait,
    id: uuid::Uuid,
) -> Result<ConsentRecord, StoreError> {
    let Some(c) = consent::Entity::find_by_id(id).one(conn).await? else {
        return Ok(ConsentRecord {
            status: ConsentStatus::NotAsked,
            scope: BTreeSet::new(),
            obtained_on: None,
            method: None,
            obtained_by: None,
            note: None,
        });
    };
    let scope = consent_scope::Entity::find()
        .filter(consent_scope::Column::PersonId.eq(id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| {
            s.receiver_kind
                .parse::<OrganisationKind>()
                .map_err(StoreError::Corrupt)
        })
        .collect::<Result<BTreeSet<_>, _>>()?;
    Ok(ConsentRecord {
        status: c.status.parse().map_err(StoreError::Corrupt)?,
        scope,
        obtained_on: c.obtained_on,
        method: c.method.as_deref().and_then(ConsentMethod::parse),
        obtained_by: c.obtained_by,
        note: c.note,
    })
}

/// What an operation needs of a person's record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    /// To see the record.
    See,
    /// To see the plan too (a roster-only receiver may not).
    Plan,
    /// To write the plan and its workflow.
    WritePlan,
    /// To be the owning municipality (consent, shares, roster, triage, workflow control).
    Own,
}

/// The owner and the actor's grant for a person when the actor has what `need` asks:
/// `NotFound` when it may not see it (or its plan), `Forbidden` when it sees but may not act.
pub(crate) async fn require(
    tx: &AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
    need: Need,
) -> Result<(OrganisationId, Grant), StoreError> {
    let (m, _, grant) = load_visible(tx, actor, disaster, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if matches!(need, Need::Plan | Need::WritePlan) && !grant.plan {
        return Err(StoreError::NotFound);
    }
    let allowed = match need {
        Need::See | Need::Plan => true,
        Need::WritePlan => grant.level == AccessLevel::Write,
        Need::Own => grant.basis == tsunagi_domain::access::AccessBasis::Owner,
    };
    if !allowed {
        return Err(StoreError::Forbidden);
    }
    Ok((OrganisationId(m.municipality_id), grant))
}

/// Loads a person and decides access; `None` when absent or not visible (never told apart).
pub(crate) async fn load_visible(
    tx: &AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
) -> Result<Option<(person::Model, PersonFacts, Grant)>, StoreError> {
    let Some(m) = person::Entity::find_by_id(id.0).one(tx.conn()).await? else {
        return Ok(None);
    };
    let f = facts(tx.conn(), &m).await?;
    Ok(person_access(actor, &f, disaster).map(|g| (m, f, g)))
}

impl crate::Store {
    /// How many persons `actor` may see. A count names nobody, so it is not audited and takes
    /// no lock.
    pub async fn count_visible(
        &self,
        actor: &Actor,
        disaster: &DisasterState,
    ) -> Result<u64, StoreError> {
        let scope = person_scope(actor, disaster);
        Ok(person::Entity::find()
            .filter(scope_condition(&scope))
            .count(self.conn())
            .await?)
    }
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
    let scope = person_scope(actor, disaster);
    let mut cond = Condition::all().add(scope_condition(&scope));
    if let Some(pattern) = search_pattern(query) {
        let folded = fold_for_search(query);
        let mut text = Condition::any()
            .add(Expr::col(person::Column::SearchKey).like(LikeExpr::new(pattern).escape('\\')));
        if folded
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            text = text.add(person::Column::ResidentNo.eq(folded.clone()));
        }
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
            .detail(serde_json::json!({"q": query, "page": page.number, "total": total})),
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
        let scope = person_scope(actor, disaster);
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
        consent: consent_of(tx.conn(), m.id).await?,
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

/// The audit entry of a newly created person.
pub(crate) fn created_entry(id: PersonId, owner: OrganisationId, d: &PersonDetails) -> Entry {
    Entry::new(AuditAction::PersonCreated, "person", id)
        .owner(owner)
        .basis(tsunagi_domain::access::AccessBasis::Owner)
        .detail(audit_view(d))
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
) -> Result<PersonRecord, StoreError> {
    let Some((m, _, grant)) = load_visible(tx, actor, disaster, id).await? else {
        return Err(StoreError::NotFound);
    };
    if grant.level != AccessLevel::Write {
        return Err(StoreError::Forbidden);
    }
    write_update(tx, &m, grant.basis, expected_version, &d).await?;
    let (m, _, grant) = load_visible(tx, actor, disaster, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    record_of(tx, actor, disaster, m, grant).await
}

/// Writes new details over `m` if it is still at `expected_version`, and records the change.
/// The caller has decided access (`basis`).
pub(crate) async fn write_update(
    tx: &mut AuditedTx,
    m: &person::Model,
    basis: tsunagi_domain::access::AccessBasis,
    expected_version: i32,
    d: &PersonDetails,
) -> Result<(), StoreError> {
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
    if before.address != d.address || before.address_extra != d.address_extra {
        crate::workflows::mark_for_review(tx, PersonId(m.id), "住所の変更").await?;
    }
    if before.address != d.address {
        crate::gis::locations::relocate(
            tx,
            OrganisationId(m.municipality_id),
            PersonId(m.id),
            &d.address,
        )
        .await?;
    }
    tx.record(
        Entry::new(AuditAction::PersonUpdated, "person", m.id)
            .owner(m.municipality_id)
            .basis(basis)
            .detail(serde_json::json!({
                "version": expected_version + 1,
                "changes": diff(&audit_view(&before), &audit_view(d)),
            })),
    );
    Ok(())
}

pub use crate::sharing::{ShareLine, set_consent, share, share_as, shares_of, unshare};
