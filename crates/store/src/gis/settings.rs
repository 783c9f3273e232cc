//! The municipality's evacuation-timing settings (walking speeds, time to start, tsunami
//! arrival per area, base-map tiles), versioned so concurrent edits never overwrite each other.

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::{AccessBasis, Actor};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::evacuation_timing::TimingSettings;
use tsunagi_domain::{ValidationErrors, error::FieldError};

use super::staff_municipality;
use crate::audit::{AuditedTx, Entry};
use crate::entity::gis_setting;
use crate::error::StoreError;
use crate::now;

/// The settings and their version (0: never saved, the defaults).
pub async fn get(
    conn: &impl ConnectionTrait,
    municipality: OrganisationId,
) -> Result<(TimingSettings, i32), StoreError> {
    match gis_setting::Entity::find_by_id(municipality.0)
        .one(conn)
        .await?
    {
        Some(m) => Ok((
            serde_json::from_str(&m.settings).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            m.version,
        )),
        None => Ok((TimingSettings::default(), 0)),
    }
}

/// Saves the settings; `expected_version` is the version the editor started from.
pub async fn set(
    tx: &mut AuditedTx,
    actor: &Actor,
    s: &TimingSettings,
    expected_version: i32,
) -> Result<i32, StoreError> {
    let owner = staff_municipality(actor)?;
    s.validate().map_err(|e| {
        StoreError::Invalid(ValidationErrors(vec![FieldError {
            field: "settings".into(),
            message: e.0,
        }]))
    })?;
    let (before, version) = get(tx.conn(), owner).await?;
    if version != expected_version {
        return Err(StoreError::Conflict { current: version });
    }
    gis_setting::Entity::delete_by_id(owner.0)
        .exec(tx.conn())
        .await?;
    gis_setting::Entity::insert(gis_setting::ActiveModel {
        municipality_id: Set(owner.0),
        settings: Set(serde_json::to_string(s).map_err(|e| StoreError::Corrupt(e.to_string()))?),
        version: Set(version + 1),
        updated_at: Set(now()),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::SettingsUpdated, "gis_settings", owner)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({"before": before, "after": s})),
    );
    Ok(version + 1)
}
