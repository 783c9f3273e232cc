//! A municipality's own settings for its sweeps: the escalation time (要対応にするまでの時間)
//! and the checker order (安否確認の担当の順).

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, EntityTrait};
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::safety::checkers::CheckerOrder;

use crate::audit::{AuditedTx, Entry};
use crate::entity::safety_setting;
use crate::error::StoreError;
use crate::now;

async fn settings_of(
    tx: &AuditedTx,
    municipality: OrganisationId,
) -> Result<Option<safety_setting::Model>, StoreError> {
    Ok(safety_setting::Entity::find_by_id(municipality.0)
        .one(tx.conn())
        .await?)
}

/// The municipality's escalation time (its own, or the default of three hours).
pub async fn escalate_after(
    tx: &AuditedTx,
    municipality: OrganisationId,
) -> Result<chrono::Duration, StoreError> {
    Ok(settings_of(tx, municipality)
        .await?
        .map_or(tsunagi_domain::safety::ESCALATE_AFTER, |s| {
            chrono::Duration::minutes(i64::from(s.escalate_after_minutes))
        }))
}

/// The municipality's checker order (its own, or the guide's).
pub async fn checker_order(
    tx: &AuditedTx,
    municipality: OrganisationId,
) -> Result<CheckerOrder, StoreError> {
    match settings_of(tx, municipality)
        .await?
        .and_then(|s| s.checker_order)
    {
        None => Ok(CheckerOrder::default()),
        Some(code) => CheckerOrder::parse(&code)
            .ok_or_else(|| StoreError::Corrupt(format!("checker order {code}"))),
    }
}

/// Writes one setting, keeping the other as it is (a new row takes the defaults).
async fn upsert(
    tx: &mut AuditedTx,
    actor: &Actor,
    municipality: OrganisationId,
    row: safety_setting::ActiveModel,
    column: safety_setting::Column,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    safety_setting::Entity::insert(row)
        .on_conflict(
            OnConflict::column(safety_setting::Column::MunicipalityId)
                .update_columns([column, safety_setting::Column::UpdatedAt])
                .to_owned(),
        )
        .exec(tx.conn())
        .await?;
    let mut detail = detail;
    detail["by"] = serde_json::json!(actor.login);
    tx.record(
        Entry::new(
            AuditAction::DisasterStageChanged,
            "safety_settings",
            municipality.0,
        )
        .owner(municipality)
        .detail(detail),
    );
    Ok(())
}

/// Sets the municipality's escalation time (checked by the caller), audited.
pub async fn set_escalate_after(
    tx: &mut AuditedTx,
    actor: &Actor,
    municipality: OrganisationId,
    minutes: u32,
) -> Result<(), StoreError> {
    let m = i32::try_from(minutes).unwrap_or(i32::MAX);
    upsert(
        tx,
        actor,
        municipality,
        safety_setting::ActiveModel {
            municipality_id: Set(municipality.0),
            escalate_after_minutes: Set(m),
            checker_order: Set(None),
            updated_at: Set(now()),
        },
        safety_setting::Column::EscalateAfterMinutes,
        serde_json::json!({"escalate_after_minutes": minutes}),
    )
    .await
}

/// Sets the municipality's checker order, audited. Sweeps opened from now on use it; open ones
/// keep the checkers they gave.
pub async fn set_checker_order(
    tx: &mut AuditedTx,
    actor: &Actor,
    municipality: OrganisationId,
    order: &CheckerOrder,
) -> Result<(), StoreError> {
    let minutes = tsunagi_domain::safety::ESCALATE_AFTER.num_minutes();
    upsert(
        tx,
        actor,
        municipality,
        safety_setting::ActiveModel {
            municipality_id: Set(municipality.0),
            escalate_after_minutes: Set(i32::try_from(minutes).unwrap_or(180)),
            checker_order: Set(Some(order.code())),
            updated_at: Set(now()),
        },
        safety_setting::Column::CheckerOrder,
        serde_json::json!({"checker_order": order.code()}),
    )
    .await
}
