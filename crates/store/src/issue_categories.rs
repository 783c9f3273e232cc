//! The issue categories a municipality added (`issue_categories`): read by the visit form, the
//! visit's check and the report; replaced as a whole by the municipality's staff, audited.

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;

use crate::audit::{AuditedTx, Entry};
use crate::entity::issue_category;
use crate::error::StoreError;

/// The municipality's own categories, in order.
pub async fn of_municipality(
    tx: &AuditedTx,
    municipality: OrganisationId,
) -> Result<Vec<String>, StoreError> {
    Ok(issue_category::Entity::find()
        .filter(issue_category::Column::MunicipalityId.eq(municipality.0))
        .order_by_asc(issue_category::Column::Position)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|m| m.label)
        .collect())
}

/// Replaces the municipality's categories (validated by the caller); audited with the list.
pub async fn replace(
    tx: &mut AuditedTx,
    actor: &Actor,
    municipality: OrganisationId,
    labels: &[String],
) -> Result<(), StoreError> {
    issue_category::Entity::delete_many()
        .filter(issue_category::Column::MunicipalityId.eq(municipality.0))
        .exec(tx.conn())
        .await?;
    if !labels.is_empty() {
        issue_category::Entity::insert_many(labels.iter().enumerate().map(|(i, l)| {
            issue_category::ActiveModel {
                municipality_id: Set(municipality.0),
                label: Set(l.clone()),
                position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            }
        }))
        .exec(tx.conn())
        .await?;
    }
    tx.record(
        Entry::new(AuditAction::CaseUpdated, "issue_categories", municipality.0)
            .owner(municipality)
            .detail(serde_json::json!({"categories": labels, "by": actor.login})),
    );
    Ok(())
}
