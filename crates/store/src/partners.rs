//! The partner directory (`partner_profiles`): each organisation's profile as the municipality
//! keeps it. Written by the municipality's staff, audited.

use std::collections::HashMap;

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::partner::PartnerProfile;

use crate::audit::{AuditedTx, Entry};
use crate::certificates::staff_municipality;
use crate::entity::partner_profile;
use crate::error::StoreError;
use crate::now;

/// Every profile a municipality keeps, by organisation.
pub async fn of_municipality(
    tx: &AuditedTx,
    municipality: OrganisationId,
) -> Result<HashMap<OrganisationId, PartnerProfile>, StoreError> {
    partner_profile::Entity::find()
        .filter(partner_profile::Column::MunicipalityId.eq(municipality.0))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|m| {
            serde_json::from_str(&m.profile)
                .map(|p| (OrganisationId(m.organisation_id), p))
                .map_err(|_| StoreError::Corrupt("partner profile".into()))
        })
        .collect()
}

/// Records an organisation's profile (the caller validated it), replacing the previous one.
pub async fn save(
    tx: &mut AuditedTx,
    actor: &Actor,
    organisation: OrganisationId,
    profile: &PartnerProfile,
) -> Result<(), StoreError> {
    let m = staff_municipality(actor)?;
    crate::organisations::get(tx.conn(), organisation)
        .await?
        .ok_or(StoreError::NotFound)?;
    let json = serde_json::to_string(profile)
        .map_err(|e| StoreError::Corrupt(format!("partner profile {e}")))?;
    partner_profile::Entity::delete_many()
        .filter(partner_profile::Column::MunicipalityId.eq(m.0))
        .filter(partner_profile::Column::OrganisationId.eq(organisation.0))
        .exec(tx.conn())
        .await?;
    partner_profile::Entity::insert(partner_profile::ActiveModel {
        municipality_id: Set(m.0),
        organisation_id: Set(organisation.0),
        profile: Set(json),
        updated_by: Set(actor.login.clone()),
        updated_at: Set(now()),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(
            AuditAction::SettingsUpdated,
            "partner_profile",
            organisation.0,
        )
        .owner(m)
        .detail(serde_json::to_value(profile).unwrap_or_default()),
    );
    Ok(())
}
