//! Disaster case management, first part: cases (`cases`: one per household and declaration,
//! the lead organisation, the body as JSON saved from the version read) and outreach visits
//! (`outreach_visits`, append-only). Who may see or change a case is decided by the use case
//! (`app::cases`); every read of a case and every write is audited here.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::case_management::{CaseBody, CaseSource, VisitInput, VisitOutcome};
use tsunagi_domain::{HouseholdId, OrganisationId};

use crate::audit::{AuditedTx, Entry};
use crate::entity::{case, case_share, outreach_visit};
use crate::error::StoreError;
use crate::now;

/// A case as stored.
#[derive(Clone, Debug, Serialize)]
pub struct StoredCase {
    pub id: uuid::Uuid,
    /// The municipality of the disaster, where the household's records are.
    pub municipality_id: OrganisationId,
    /// The municipality or prefecture managing the case (the first unless transferred).
    pub owner_id: OrganisationId,
    pub declaration_id: uuid::Uuid,
    pub household_id: HouseholdId,
    pub lead_organisation_id: OrganisationId,
    pub source: CaseSource,
    pub closed: bool,
    pub body: CaseBody,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A visit as recorded.
#[derive(Clone, Debug, Serialize)]
pub struct StoredVisit {
    pub id: uuid::Uuid,
    pub household_id: HouseholdId,
    #[serde(flatten)]
    pub visit: VisitInput,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("case {what}"))
}

fn of(m: case::Model) -> Result<StoredCase, StoreError> {
    Ok(StoredCase {
        id: m.id,
        municipality_id: OrganisationId(m.municipality_id),
        owner_id: OrganisationId(m.owner_id.unwrap_or(m.municipality_id)),
        declaration_id: m.declaration_id,
        household_id: HouseholdId(m.household_id),
        lead_organisation_id: OrganisationId(m.lead_organisation_id),
        source: CaseSource::parse(&m.source).ok_or_else(|| corrupt("source"))?,
        closed: m.closed,
        body: serde_json::from_str(&m.body).map_err(|_| corrupt("body"))?,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn visit_of(m: outreach_visit::Model) -> Result<StoredVisit, StoreError> {
    Ok(StoredVisit {
        id: m.id,
        household_id: HouseholdId(m.household_id),
        visit: serde_json::from_str(&m.visit).map_err(|_| corrupt("visit"))?,
        recorded_by: m.recorded_by,
        recorded_at: m.recorded_at,
    })
}

/// Opens a case (the caller checked the actor is the municipality's staff and the household
/// is its own). A second case for the household under the declaration is a duplicate.
#[allow(clippy::too_many_arguments)]
pub async fn open(
    tx: &mut AuditedTx,
    actor: &Actor,
    municipality: OrganisationId,
    declaration: uuid::Uuid,
    household: HouseholdId,
    lead: OrganisationId,
    source: CaseSource,
    body: &CaseBody,
) -> Result<StoredCase, StoreError> {
    let t = now();
    let id = uuid::Uuid::now_v7();
    let json = serde_json::to_string(body).map_err(|e| corrupt(&e.to_string()))?;
    case::Entity::insert(case::ActiveModel {
        id: Set(id),
        municipality_id: Set(municipality.0),
        declaration_id: Set(declaration),
        household_id: Set(household.0),
        lead_organisation_id: Set(lead.0),
        source: Set(source.code().to_owned()),
        closed: Set(false),
        body: Set(json),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
        owner_id: Set(Some(municipality.0)),
    })
    .exec(tx.conn())
    .await
    .map_err(StoreError::duplicate_as("case"))?;
    tx.record(
        Entry::new(AuditAction::CaseOpened, "case", id)
            .owner(municipality)
            .detail(serde_json::json!({
                "declaration": declaration, "household": household.0, "lead": lead.0,
                "source": source.code(), "by": actor.login,
            })),
    );
    find(tx, id).await
}

/// A case by id (no audit: the caller decides access and records the view).
pub async fn find(tx: &AuditedTx, id: uuid::Uuid) -> Result<StoredCase, StoreError> {
    case::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)
        .and_then(of)
}

/// The case of a household under a declaration, if one is open or was.
pub async fn of_household(
    tx: &AuditedTx,
    municipality: OrganisationId,
    declaration: uuid::Uuid,
    household: HouseholdId,
) -> Result<Option<StoredCase>, StoreError> {
    case::Entity::find()
        .filter(case::Column::MunicipalityId.eq(municipality.0))
        .filter(case::Column::DeclarationId.eq(declaration))
        .filter(case::Column::HouseholdId.eq(household.0))
        .one(tx.conn())
        .await?
        .map(of)
        .transpose()
}

/// Every case of a declaration.
pub async fn of_declaration(
    tx: &AuditedTx,
    municipality: OrganisationId,
    declaration: uuid::Uuid,
) -> Result<Vec<StoredCase>, StoreError> {
    case::Entity::find()
        .filter(case::Column::MunicipalityId.eq(municipality.0))
        .filter(case::Column::DeclarationId.eq(declaration))
        .order_by_asc(case::Column::CreatedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(of)
        .collect()
}

/// The cases an organisation leads, newest first.
pub async fn led_by(
    tx: &AuditedTx,
    organisation: OrganisationId,
) -> Result<Vec<StoredCase>, StoreError> {
    case::Entity::find()
        .filter(case::Column::LeadOrganisationId.eq(organisation.0))
        .order_by_desc(case::Column::CreatedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(of)
        .collect()
}

/// Saves a case's body, lead and owner from the version read, the shares kept in step with
/// the body; audited with what changed (for the owner before and after, when it changed).
#[allow(clippy::too_many_arguments)]
pub async fn save(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    expected_version: i32,
    owner: OrganisationId,
    lead: OrganisationId,
    body: &CaseBody,
    what: &str,
) -> Result<StoredCase, StoreError> {
    let current = find(tx, id).await?;
    if current.version != expected_version {
        return Err(StoreError::Conflict {
            current: current.version,
        });
    }
    let json = serde_json::to_string(body).map_err(|e| corrupt(&e.to_string()))?;
    let done = case::Entity::update_many()
        .col_expr(case::Column::Body, Expr::value(json))
        .col_expr(case::Column::Closed, Expr::value(body.closing.is_some()))
        .col_expr(case::Column::LeadOrganisationId, Expr::value(lead.0))
        .col_expr(case::Column::OwnerId, Expr::value(owner.0))
        .col_expr(case::Column::Version, Expr::value(expected_version + 1))
        .col_expr(case::Column::UpdatedAt, Expr::value(now()))
        .filter(case::Column::Id.eq(id))
        .filter(case::Column::Version.eq(expected_version))
        .exec(tx.conn())
        .await?;
    if done.rows_affected != 1 {
        return Err(StoreError::Conflict {
            current: expected_version + 1,
        });
    }
    if current.body.shared_with != body.shared_with {
        case_share::Entity::delete_many()
            .filter(case_share::Column::CaseId.eq(id))
            .exec(tx.conn())
            .await?;
        if !body.shared_with.is_empty() {
            case_share::Entity::insert_many(body.shared_with.iter().map(|o| {
                case_share::ActiveModel {
                    case_id: Set(id),
                    organisation_id: Set(o.0),
                }
            }))
            .exec(tx.conn())
            .await?;
        }
    }
    let detail = serde_json::json!({
        "change": what, "version": expected_version + 1, "by": actor.login,
        "organisation": actor.organisation_id.0, "owner": owner.0,
    });
    tx.record(
        Entry::new(AuditAction::CaseUpdated, "case", id)
            .owner(owner)
            .detail(detail.clone()),
    );
    if current.owner_id != owner {
        tx.record(
            Entry::new(AuditAction::CaseUpdated, "case", id)
                .owner(current.owner_id)
                .detail(detail),
        );
    }
    find(tx, id).await
}

/// Records a visit to a household (the caller checked access and validated it); audited.
pub async fn record_visit(
    tx: &mut AuditedTx,
    actor: &Actor,
    municipality: OrganisationId,
    declaration: uuid::Uuid,
    household: HouseholdId,
    visit: &VisitInput,
) -> Result<StoredVisit, StoreError> {
    let id = uuid::Uuid::now_v7();
    let t = now();
    let json = serde_json::to_string(visit).map_err(|e| corrupt(&e.to_string()))?;
    outreach_visit::Entity::insert(outreach_visit::ActiveModel {
        id: Set(id),
        municipality_id: Set(municipality.0),
        declaration_id: Set(declaration),
        household_id: Set(household.0),
        visited_on: Set(visit.visited_on),
        outcome: Set(visit.outcome.code().to_owned()),
        visit: Set(json),
        recorded_by: Set(actor.login.clone()),
        recorded_at: Set(t),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::VisitRecorded, "household", household.0)
            .owner(municipality)
            .detail(serde_json::json!({
                "declaration": declaration, "visit": id, "outcome": visit.outcome.code(),
                "organisation": actor.organisation_id.0,
            })),
    );
    Ok(StoredVisit {
        id,
        household_id: household,
        visit: visit.clone(),
        recorded_by: actor.login.clone(),
        recorded_at: t,
    })
}

/// A household's visits, oldest first.
pub async fn visits_of(
    tx: &AuditedTx,
    declaration: uuid::Uuid,
    household: HouseholdId,
) -> Result<Vec<StoredVisit>, StoreError> {
    outreach_visit::Entity::find()
        .filter(outreach_visit::Column::DeclarationId.eq(declaration))
        .filter(outreach_visit::Column::HouseholdId.eq(household.0))
        .order_by_asc(outreach_visit::Column::VisitedOn)
        .order_by_asc(outreach_visit::Column::RecordedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(visit_of)
        .collect()
}

/// Every visit's household, day and outcome under a declaration, oldest first (the queue).
pub async fn outcomes_of_declaration(
    tx: &AuditedTx,
    municipality: OrganisationId,
    declaration: uuid::Uuid,
) -> Result<Vec<(HouseholdId, NaiveDate, VisitOutcome)>, StoreError> {
    let rows: Vec<(uuid::Uuid, NaiveDate, String)> = outreach_visit::Entity::find()
        .select_only()
        .column(outreach_visit::Column::HouseholdId)
        .column(outreach_visit::Column::VisitedOn)
        .column(outreach_visit::Column::Outcome)
        .filter(outreach_visit::Column::MunicipalityId.eq(municipality.0))
        .filter(outreach_visit::Column::DeclarationId.eq(declaration))
        .order_by_asc(outreach_visit::Column::VisitedOn)
        .order_by_asc(outreach_visit::Column::RecordedAt)
        .into_tuple()
        .all(tx.conn())
        .await?;
    rows.into_iter()
        .map(|(h, d, o)| {
            VisitOutcome::parse(&o)
                .map(|o| (HouseholdId(h), d, o))
                .ok_or_else(|| corrupt("visit outcome"))
        })
        .collect()
}

/// Every visit of a declaration, oldest first (the report reads the latest assessments).
pub async fn visits_of_declaration(
    tx: &AuditedTx,
    municipality: OrganisationId,
    declaration: uuid::Uuid,
) -> Result<Vec<StoredVisit>, StoreError> {
    outreach_visit::Entity::find()
        .filter(outreach_visit::Column::MunicipalityId.eq(municipality.0))
        .filter(outreach_visit::Column::DeclarationId.eq(declaration))
        .order_by_asc(outreach_visit::Column::VisitedOn)
        .order_by_asc(outreach_visit::Column::RecordedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(visit_of)
        .collect()
}

/// Every case a municipality or prefecture manages (owns or shares), newest first.
pub async fn managed_by(
    tx: &AuditedTx,
    organisation: OrganisationId,
) -> Result<Vec<StoredCase>, StoreError> {
    let shared: Vec<uuid::Uuid> = case_share::Entity::find()
        .select_only()
        .column(case_share::Column::CaseId)
        .filter(case_share::Column::OrganisationId.eq(organisation.0))
        .into_tuple()
        .all(tx.conn())
        .await?;
    let mut owned = sea_orm::Condition::any().add(case::Column::OwnerId.eq(organisation.0));
    if !shared.is_empty() {
        owned = owned.add(case::Column::Id.is_in(shared));
    }
    case::Entity::find()
        .filter(owned)
        .order_by_desc(case::Column::CreatedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(of)
        .collect()
}

/// The cases with these ids (those that exist), in chunks.
pub async fn by_ids(tx: &AuditedTx, ids: &[uuid::Uuid]) -> Result<Vec<StoredCase>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        for m in case::Entity::find()
            .filter(case::Column::Id.is_in(chunk.to_vec()))
            .all(tx.conn())
            .await?
        {
            out.push(of(m)?);
        }
    }
    Ok(out)
}

/// The visits of these households under a declaration, oldest first (in chunks): a
/// caseworker's day reads its own households' visits, not the whole disaster's.
pub async fn visits_of_households(
    tx: &AuditedTx,
    declaration: uuid::Uuid,
    households: &[HouseholdId],
) -> Result<Vec<StoredVisit>, StoreError> {
    let mut out = Vec::new();
    for chunk in households.chunks(500) {
        let ids: Vec<uuid::Uuid> = chunk.iter().map(|h| h.0).collect();
        for m in outreach_visit::Entity::find()
            .filter(outreach_visit::Column::DeclarationId.eq(declaration))
            .filter(outreach_visit::Column::HouseholdId.is_in(ids))
            .order_by_asc(outreach_visit::Column::VisitedOn)
            .order_by_asc(outreach_visit::Column::RecordedAt)
            .all(tx.conn())
            .await?
        {
            out.push(visit_of(m)?);
        }
    }
    Ok(out)
}
