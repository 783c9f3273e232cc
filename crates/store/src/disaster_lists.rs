//! The full roster for fire and police during a declaration (arts. 49-11(3)): everyone on the
//! municipality's roster — with or without consent, including those who refused — as one
//! list, and the receipt of each hand-over (`roster_receipts`). Who may receive it (fire and
//! police of the municipality, while the declaration is open) is decided by the use case
//! (`app::disaster_lists`); the hand-over is audited here with every person on it.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::{AccessBasis, Actor};
use tsunagi_domain::audit::AuditAction;

use crate::audit::{AuditedTx, Entry};
use crate::entity::{person, roster_receipt};
use crate::error::StoreError;
use crate::now;
use crate::receivers::ListLine;

/// A receipt as recorded.
#[derive(Clone, Debug, Serialize)]
pub struct Receipt {
    pub id: uuid::Uuid,
    pub declaration_id: uuid::Uuid,
    pub organisation_id: OrganisationId,
    pub received_by: String,
    pub received_at: DateTime<Utc>,
    pub persons: i32,
}

fn of(m: roster_receipt::Model) -> Receipt {
    Receipt {
        id: m.id,
        declaration_id: m.declaration_id,
        organisation_id: OrganisationId(m.organisation_id),
        received_by: m.received_by,
        received_at: m.received_at,
        persons: m.persons,
    }
}

/// Everyone on the municipality's roster — or, with `only`, those of them in a declared part
/// of it (its sweep) — by reading (no plans: the plans stay with the receivers that have
/// them). The caller decided the actor may have it.
pub async fn full_list(
    tx: &AuditedTx,
    municipality: OrganisationId,
    only: Option<&std::collections::HashSet<uuid::Uuid>>,
) -> Result<Vec<ListLine>, StoreError> {
    let entries = crate::roster::entries_of_municipality(tx, municipality).await?;
    let ids: Vec<uuid::Uuid> = entries
        .keys()
        .copied()
        .filter(|id| only.is_none_or(|o| o.contains(id)))
        .collect();
    let mut lines = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        for m in person::Entity::find()
            .filter(person::Column::Id.is_in(chunk.to_vec()))
            .filter(person::Column::MunicipalityId.eq(municipality.0))
            .all(tx.conn())
            .await?
        {
            let Some(e) = entries.get(&m.id) else {
                continue;
            };
            lines.push(ListLine {
                person: crate::persons::summary(&m)?,
                phone: m.phone.clone(),
                entry: e.entry.clone(),
                plan_shared: false,
                plan: None,
            });
        }
    }
    lines.sort_by(|a, b| a.person.name_kana.cmp(&b.person.name_kana));
    Ok(lines)
}

/// Records the hand-over: the receipt, and an audit entry on the basis 災害時 naming the
/// declaration and every person on the list.
pub async fn record_receipt(
    tx: &mut AuditedTx,
    actor: &Actor,
    municipality: OrganisationId,
    declaration: uuid::Uuid,
    lines: &[ListLine],
) -> Result<Receipt, StoreError> {
    let id = uuid::Uuid::now_v7();
    let m = roster_receipt::ActiveModel {
        id: Set(id),
        municipality_id: Set(municipality.0),
        declaration_id: Set(declaration),
        organisation_id: Set(actor.organisation_id.0),
        received_by: Set(actor.login.clone()),
        received_at: Set(now()),
        persons: Set(i32::try_from(lines.len()).unwrap_or(i32::MAX)),
    };
    roster_receipt::Entity::insert(m).exec(tx.conn()).await?;
    tx.record(
        Entry::new(AuditAction::RosterExported, "roster", municipality.0)
            .owner(municipality)
            .basis(AccessBasis::Disaster)
            .detail(serde_json::json!({
                "full_list": true, "declaration": declaration, "receipt": id,
                "organisation": actor.organisation_id.0,
                "persons": lines.iter().map(|l| l.person.id.to_string()).collect::<Vec<_>>(),
            })),
    );
    roster_receipt::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .map(of)
        .ok_or(StoreError::NotFound)
}

/// The receipts of a declaration, newest first.
pub async fn receipts(tx: &AuditedTx, declaration: uuid::Uuid) -> Result<Vec<Receipt>, StoreError> {
    Ok(roster_receipt::Entity::find()
        .filter(roster_receipt::Column::DeclarationId.eq(declaration))
        .order_by_desc(roster_receipt::Column::ReceivedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(of)
        .collect())
}
