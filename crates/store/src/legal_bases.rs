//! Each municipality's legal basis for providing roster and plan information in normal times
//! (`tsunagi_domain::legal_basis`): versioned, the newest in force; none recorded means 同意方式.
//! Every access decision reads it (`access::facts`, `access::scope`).

use crate::audit::{AuditedTx, Entry};
use crate::entity::legal_basis;
use crate::error::StoreError;
use crate::now;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::legal_basis::{LegalBasis, Provision, ProvisionBasis, RosterBases};
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::role::Role;

/// One recorded version.
#[derive(Clone, Debug, Serialize)]
pub struct LegalBasisVersion {
    pub version: i32,
    pub basis: LegalBasis,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

fn basis_of(code: &str) -> Result<ProvisionBasis, StoreError> {
    ProvisionBasis::parse(code).ok_or_else(|| StoreError::Corrupt(format!("legal basis {code}")))
}

fn version_of(m: legal_basis::Model) -> Result<LegalBasisVersion, StoreError> {
    Ok(LegalBasisVersion {
        version: m.version,
        basis: LegalBasis {
            provision: Provision {
                roster: basis_of(&m.roster_basis)?,
                plans: basis_of(&m.plan_basis)?,
                agreements_required: m.agreements_required,
                roster_only_stays_in_disasters: m.roster_only_stays_in_disasters,
            },
            ordinance: m.ordinance,
            effective_from: m.effective_from,
        },
        recorded_by: m.recorded_by,
        recorded_at: m.recorded_at,
    })
}

/// Every version for a municipality, newest first (empty: 同意方式 since the start). Not
/// personal data: read by the municipality's staff.
pub async fn history(
    tx: &AuditedTx,
    municipality: OrganisationId,
) -> Result<Vec<LegalBasisVersion>, StoreError> {
    history_in(tx.conn(), municipality).await
}

async fn history_in(
    conn: &impl ConnectionTrait,
    municipality: OrganisationId,
) -> Result<Vec<LegalBasisVersion>, StoreError> {
    legal_basis::Entity::find()
        .filter(legal_basis::Column::MunicipalityId.eq(municipality.0))
        .order_by_desc(legal_basis::Column::Version)
        .all(conn)
        .await?
        .into_iter()
        .map(version_of)
        .collect()
}

/// The bases in force for a municipality's residents.
pub(crate) async fn provision_of(
    conn: &impl ConnectionTrait,
    municipality: uuid::Uuid,
) -> Result<Provision, StoreError> {
    let newest = legal_basis::Entity::find()
        .filter(legal_basis::Column::MunicipalityId.eq(municipality))
        .order_by_desc(legal_basis::Column::Version)
        .one(conn)
        .await?;
    Ok(match newest {
        Some(m) => version_of(m)?.basis.provision,
        None => Provision::default(),
    })
}

/// The roster bases in force of every municipality that does not provide by consent, and the
/// municipalities whose basis requires an agreement (協定・誓約書) of a receiver before anything
/// is provided in normal times: what a list scope needs (one read of the few rows).
pub(crate) async fn in_force(
    conn: &impl ConnectionTrait,
) -> Result<(RosterBases, Vec<OrganisationId>), StoreError> {
    let mut bases = RosterBases::default();
    let mut requiring = std::collections::BTreeMap::new();
    // Few rows (one per change of a municipality's basis); the newest per municipality wins.
    for m in legal_basis::Entity::find()
        .order_by_asc(legal_basis::Column::Version)
        .all(conn)
        .await?
    {
        let owner = OrganisationId(m.municipality_id);
        bases.0.insert(owner, basis_of(&m.roster_basis)?);
        requiring.insert(owner, m.agreements_required);
    }
    bases.0.retain(|_, b| *b != ProvisionBasis::Consent);
    let requiring = requiring
        .into_iter()
        .filter(|(_, required)| *required)
        .map(|(m, _)| m)
        .collect();
    Ok((bases, requiring))
}

/// Records a new basis for the actor's municipality (its administrators only), from the
/// version the administrator saw (0 when none); a stale version is refused with the current.
pub async fn record(
    tx: &mut AuditedTx,
    actor: &Actor,
    expected_version: i32,
    basis: LegalBasis,
) -> Result<i32, StoreError> {
    if actor.organisation_kind != OrganisationKind::Municipality
        || actor.role != Role::Administrator
    {
        return Err(StoreError::Forbidden);
    }
    let municipality = actor.organisation_id;
    let current = history_in(tx.conn(), municipality).await?;
    let current_version = current.first().map(|v| v.version).unwrap_or(0);
    if current_version != expected_version {
        return Err(StoreError::Conflict {
            current: current_version,
        });
    }
    let version = current_version + 1;
    legal_basis::Entity::insert(legal_basis::ActiveModel {
        municipality_id: Set(municipality.0),
        version: Set(version),
        roster_basis: Set(basis.provision.roster.code().to_owned()),
        plan_basis: Set(basis.provision.plans.code().to_owned()),
        ordinance: Set(basis.ordinance.clone()),
        effective_from: Set(basis.effective_from),
        agreements_required: Set(basis.provision.agreements_required),
        roster_only_stays_in_disasters: Set(basis.provision.roster_only_stays_in_disasters),
        recorded_by: Set(actor.login.clone()),
        recorded_at: Set(now()),
    })
    .exec(tx.conn())
    .await
    .map_err(|e| match StoreError::duplicate_as("legal_basis")(e) {
        StoreError::Duplicate(_) => StoreError::Conflict { current: version },
        other => other,
    })?;
    let before = current
        .first()
        .map(|v| v.basis.provision)
        .unwrap_or_default();
    tx.record(
        Entry::new(AuditAction::SettingsUpdated, "legal_basis", municipality)
            .owner(municipality)
            .detail(serde_json::json!({
                "version": version,
                "roster": {"from": before.roster.code(), "to": basis.provision.roster.code()},
                "plans": {"from": before.plans.code(), "to": basis.provision.plans.code()},
                "ordinance": basis.ordinance,
                "effective_from": basis.effective_from,
                "agreements_required": {"from": before.agreements_required, "to": basis.provision.agreements_required},
                "roster_only_stays_in_disasters": {"from": before.roster_only_stays_in_disasters, "to": basis.provision.roster_only_stays_in_disasters},
            })),
    );
    Ok(version)
}
