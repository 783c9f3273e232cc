//! The victims' ledger (被災者台帳): the ledger's own items per household and declaration
//! (`victim_ledgers`, saved from the version read), the provisions made of it
//! (`ledger_disclosures`, append-only) and the organisations a municipality registered as
//! 被災者援護協力団体 (`ledger_partners`). Whether a provision is allowed is the domain's
//! `ledger::may_disclose`, asked by the use case; what a receiver sees is the union of the
//! items disclosed to it.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::ledger::{DisclosureBasis, DisclosureInput, LedgerBody, LedgerItem};
use tsunagi_domain::{HouseholdId, OrganisationId, ValidationErrors};

use crate::audit::{AuditedTx, Entry};
use crate::certificates::staff_municipality;
use crate::entity::{ledger_disclosure, ledger_partner, victim_ledger};
use crate::error::StoreError;
use crate::now;

/// A ledger as stored.
#[derive(Clone, Debug, Serialize)]
pub struct StoredLedger {
    pub id: uuid::Uuid,
    pub municipality_id: OrganisationId,
    pub declaration_id: uuid::Uuid,
    pub household_id: HouseholdId,
    pub body: LedgerBody,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// A provision as recorded.
#[derive(Clone, Debug, Serialize)]
pub struct DisclosureRecord {
    pub id: uuid::Uuid,
    pub ledger_id: uuid::Uuid,
    pub basis: DisclosureBasis,
    pub receiver_id: OrganisationId,
    pub items: Vec<LedgerItem>,
    pub purpose: String,
    pub disclosed_on: NaiveDate,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A registered 被災者援護協力団体.
#[derive(Clone, Debug, Serialize)]
pub struct Partner {
    pub organisation_id: OrganisationId,
    pub registration_no: String,
    pub registered_on: NaiveDate,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("ledger {what}"))
}

fn of(m: victim_ledger::Model) -> Result<StoredLedger, StoreError> {
    Ok(StoredLedger {
        id: m.id,
        municipality_id: OrganisationId(m.municipality_id),
        declaration_id: m.declaration_id,
        household_id: HouseholdId(m.household_id),
        body: serde_json::from_str(&m.body).map_err(|_| corrupt("body"))?,
        version: m.version,
        updated_at: m.updated_at,
    })
}

/// The ledger of a household under a declaration, if one has been written.
pub async fn find(
    tx: &AuditedTx,
    municipality: OrganisationId,
    declaration: uuid::Uuid,
    household: HouseholdId,
) -> Result<Option<StoredLedger>, StoreError> {
    victim_ledger::Entity::find()
        .filter(victim_ledger::Column::MunicipalityId.eq(municipality.0))
        .filter(victim_ledger::Column::DeclarationId.eq(declaration))
        .filter(victim_ledger::Column::HouseholdId.eq(household.0))
        .one(tx.conn())
        .await?
        .map(of)
        .transpose()
}

/// A ledger by id (the caller decides who may see it).
pub async fn by_id(tx: &AuditedTx, id: uuid::Uuid) -> Result<StoredLedger, StoreError> {
    victim_ledger::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .map(of)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

/// Every ledger of a declaration (exports, progress; the caller audits).
pub async fn of_declaration(
    tx: &AuditedTx,
    municipality: OrganisationId,
    declaration: uuid::Uuid,
) -> Result<Vec<StoredLedger>, StoreError> {
    victim_ledger::Entity::find()
        .filter(victim_ledger::Column::MunicipalityId.eq(municipality.0))
        .filter(victim_ledger::Column::DeclarationId.eq(declaration))
        .order_by_asc(victim_ledger::Column::CreatedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(of)
        .collect()
}

/// Writes a household's ledger (validated) from the version read: 0 for a ledger not yet
/// written. Audited with what the ledger now says.
pub async fn save(
    tx: &mut AuditedTx,
    actor: &Actor,
    declaration: uuid::Uuid,
    household: HouseholdId,
    expected_version: i32,
    body: &LedgerBody,
) -> Result<StoredLedger, StoreError> {
    let m = staff_municipality(actor)?;
    let json = serde_json::to_string(body).map_err(|e| corrupt(&e.to_string()))?;
    let t = now();
    let current = find(tx, m, declaration, household).await?;
    let id = match current {
        None if expected_version == 0 => {
            let id = uuid::Uuid::now_v7();
            victim_ledger::Entity::insert(victim_ledger::ActiveModel {
                id: Set(id),
                municipality_id: Set(m.0),
                declaration_id: Set(declaration),
                household_id: Set(household.0),
                body: Set(json),
                version: Set(1),
                created_at: Set(t),
                updated_at: Set(t),
            })
            .exec(tx.conn())
            .await
            .map_err(|e| match StoreError::duplicate_as("ledger")(e) {
                // Written by someone else at the same moment.
                StoreError::Duplicate(_) => StoreError::Conflict { current: 1 },
                other => other,
            })?;
            id
        }
        None => return Err(StoreError::Conflict { current: 0 }),
        Some(l) if l.version != expected_version => {
            return Err(StoreError::Conflict { current: l.version });
        }
        Some(l) => {
            let done = victim_ledger::Entity::update_many()
                .col_expr(victim_ledger::Column::Body, Expr::value(json))
                .col_expr(
                    victim_ledger::Column::Version,
                    Expr::value(expected_version + 1),
                )
                .col_expr(victim_ledger::Column::UpdatedAt, Expr::value(t))
                .filter(victim_ledger::Column::Id.eq(l.id))
                .filter(victim_ledger::Column::Version.eq(expected_version))
                .exec(tx.conn())
                .await?;
            if done.rows_affected != 1 {
                return Err(StoreError::Conflict {
                    current: expected_version + 1,
                });
            }
            l.id
        }
    };
    tx.record(
        Entry::new(AuditAction::LedgerUpdated, "victim_ledger", id)
            .owner(m)
            .detail(serde_json::json!({
                "declaration": declaration, "household": household.0,
                "version": expected_version + 1, "ledger": body,
            })),
    );
    by_id(tx, id).await
}

/// Records a provision the use case has allowed (`ledger::may_disclose`).
pub async fn disclose(
    tx: &mut AuditedTx,
    actor: &Actor,
    ledger: &StoredLedger,
    d: &DisclosureInput,
) -> Result<DisclosureRecord, StoreError> {
    let m = staff_municipality(actor)?;
    if ledger.municipality_id != m {
        return Err(StoreError::NotFound);
    }
    let id = uuid::Uuid::now_v7();
    let t = now();
    let items: Vec<&str> = d.items.iter().map(|i| i.code()).collect();
    ledger_disclosure::Entity::insert(ledger_disclosure::ActiveModel {
        id: Set(id),
        ledger_id: Set(ledger.id),
        basis: Set(d.basis.code().to_owned()),
        receiver_id: Set(d.receiver.0),
        items: Set(serde_json::to_string(&items).map_err(|e| corrupt(&e.to_string()))?),
        purpose: Set(d.purpose.clone()),
        disclosed_on: Set(d.disclosed_on),
        recorded_by: Set(actor.login.clone()),
        recorded_at: Set(t),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::LedgerDisclosed, "victim_ledger", ledger.id)
            .owner(m)
            .detail(serde_json::json!({
                "household": ledger.household_id.0, "basis": d.basis.code(),
                "receiver": d.receiver.0, "items": items, "purpose": d.purpose,
                "disclosed_on": d.disclosed_on,
            })),
    );
    Ok(DisclosureRecord {
        id,
        ledger_id: ledger.id,
        basis: d.basis,
        receiver_id: d.receiver,
        items: d.items.clone(),
        purpose: d.purpose.clone(),
        disclosed_on: d.disclosed_on,
        recorded_by: actor.login.clone(),
        recorded_at: t,
    })
}

fn disclosure_of(m: ledger_disclosure::Model) -> Result<DisclosureRecord, StoreError> {
    let codes: Vec<String> = serde_json::from_str(&m.items).map_err(|_| corrupt("items"))?;
    Ok(DisclosureRecord {
        id: m.id,
        ledger_id: m.ledger_id,
        basis: DisclosureBasis::parse(&m.basis).ok_or_else(|| corrupt("basis"))?,
        receiver_id: OrganisationId(m.receiver_id),
        items: codes
            .iter()
            .map(|c| LedgerItem::parse(c).ok_or_else(|| corrupt("item")))
            .collect::<Result<_, _>>()?,
        purpose: m.purpose,
        disclosed_on: m.disclosed_on,
        recorded_by: m.recorded_by,
        recorded_at: m.recorded_at,
    })
}

/// The provisions made of a ledger, oldest first.
pub async fn disclosures_of(
    tx: &AuditedTx,
    ledger: uuid::Uuid,
) -> Result<Vec<DisclosureRecord>, StoreError> {
    ledger_disclosure::Entity::find()
        .filter(ledger_disclosure::Column::LedgerId.eq(ledger))
        .order_by_asc(ledger_disclosure::Column::RecordedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(disclosure_of)
        .collect()
}

/// The provisions made to an organisation, newest first (its list of ledgers).
pub async fn disclosed_to(
    tx: &AuditedTx,
    receiver: OrganisationId,
) -> Result<Vec<DisclosureRecord>, StoreError> {
    ledger_disclosure::Entity::find()
        .filter(ledger_disclosure::Column::ReceiverId.eq(receiver.0))
        .order_by_desc(ledger_disclosure::Column::RecordedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(disclosure_of)
        .collect()
}

/// What of a ledger has been provided to an organisation (empty: nothing, so not visible).
pub async fn items_disclosed(
    tx: &AuditedTx,
    ledger: uuid::Uuid,
    receiver: OrganisationId,
) -> Result<BTreeSet<LedgerItem>, StoreError> {
    let mut out = BTreeSet::new();
    for d in ledger_disclosure::Entity::find()
        .filter(ledger_disclosure::Column::LedgerId.eq(ledger))
        .filter(ledger_disclosure::Column::ReceiverId.eq(receiver.0))
        .all(tx.conn())
        .await?
    {
        out.extend(disclosure_of(d)?.items);
    }
    Ok(out)
}

/// Registers an organisation as a 被災者援護協力団体 of the actor's municipality (again:
/// the registration is replaced), audited.
pub async fn register_partner(
    tx: &mut AuditedTx,
    actor: &Actor,
    organisation: OrganisationId,
    registration_no: &str,
    registered_on: NaiveDate,
) -> Result<(), StoreError> {
    let m = staff_municipality(actor)?;
    let no = registration_no.trim();
    if no.is_empty() || no.chars().count() > 50 {
        return Err(StoreError::Invalid(ValidationErrors::single(
            "registration_no",
            "登録番号を50文字以内で入力してください",
        )));
    }
    crate::organisations::get(tx.conn(), organisation)
        .await?
        .ok_or(StoreError::NotFound)?;
    ledger_partner::Entity::delete_many()
        .filter(ledger_partner::Column::MunicipalityId.eq(m.0))
        .filter(ledger_partner::Column::OrganisationId.eq(organisation.0))
        .exec(tx.conn())
        .await?;
    ledger_partner::Entity::insert(ledger_partner::ActiveModel {
        municipality_id: Set(m.0),
        organisation_id: Set(organisation.0),
        registration_no: Set(no.to_owned()),
        registered_on: Set(registered_on),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(
            AuditAction::LedgerPartnerRegistered,
            "organisation",
            organisation,
        )
        .owner(m)
        .detail(serde_json::json!({"registration_no": no, "registered_on": registered_on})),
    );
    Ok(())
}

/// The municipality's registered partners.
pub async fn partners(
    tx: &AuditedTx,
    municipality: OrganisationId,
) -> Result<Vec<Partner>, StoreError> {
    Ok(ledger_partner::Entity::find()
        .filter(ledger_partner::Column::MunicipalityId.eq(municipality.0))
        .order_by_asc(ledger_partner::Column::RegisteredOn)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|p| Partner {
            organisation_id: OrganisationId(p.organisation_id),
            registration_no: p.registration_no,
            registered_on: p.registered_on,
        })
        .collect())
}
