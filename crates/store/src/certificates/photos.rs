//! Survey photographs (被害認定調査の写真): JPEG or PNG by their first bytes, size-limited,
//! stored with the survey; read back by the municipality's staff only, each view audited.

use sea_orm::{ActiveValue::Set, EntityTrait};
use tsunagi_domain::ValidationErrors;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;

use super::{load, staff_municipality};
use crate::audit::{AuditedTx, Entry};
use crate::entity::{damage_survey, damage_survey_photo};
use crate::error::StoreError;
use crate::now;

/// The most a photograph may weigh.
pub const PHOTO_MAX_BYTES: usize = 8 * 1024 * 1024;

/// Attaches a photograph (JPEG or PNG, by its first bytes) to a survey of the municipality.
pub async fn add_photo(
    tx: &mut AuditedTx,
    actor: &Actor,
    survey: uuid::Uuid,
    bytes: Vec<u8>,
) -> Result<uuid::Uuid, StoreError> {
    let m = staff_municipality(actor)?;
    let s = damage_survey::Entity::find_by_id(survey)
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    load(tx, m, s.application_id).await?;
    let content_type = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else {
        return Err(StoreError::Invalid(ValidationErrors::single(
            "photo",
            "写真は JPEG か PNG にしてください",
        )));
    };
    if bytes.len() > PHOTO_MAX_BYTES {
        return Err(StoreError::Invalid(ValidationErrors::single(
            "photo",
            "写真は 8MB 以下にしてください",
        )));
    }
    let id = uuid::Uuid::now_v7();
    let size = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
    damage_survey_photo::Entity::insert(damage_survey_photo::ActiveModel {
        id: Set(id),
        survey_id: Set(survey),
        content_type: Set(content_type.to_owned()),
        bytes: Set(bytes),
        size: Set(size),
        uploaded_at: Set(now()),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(
            AuditAction::DamageSurveyed,
            "damage_application",
            s.application_id,
        )
        .owner(m)
        .detail(serde_json::json!({"survey": survey, "photo": id, "bytes": size})),
    );
    Ok(id)
}

/// A photograph: its type and bytes (the municipality's staff; audited as a view).
pub async fn photo(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
) -> Result<(String, Vec<u8>), StoreError> {
    let m = staff_municipality(actor)?;
    let p = damage_survey_photo::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    let s = damage_survey::Entity::find_by_id(p.survey_id)
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    load(tx, m, s.application_id).await?;
    tx.record(
        Entry::new(
            AuditAction::LedgerViewed,
            "damage_application",
            s.application_id,
        )
        .owner(m)
        .detail(serde_json::json!({"photo": id})),
    );
    Ok((p.content_type, p.bytes))
}
