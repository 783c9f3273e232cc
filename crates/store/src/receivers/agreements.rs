//! Agreements with receivers (協定・誓約書), recorded by the municipality's staff; and which
//! receivers hold one in force, for the access decision where the municipality requires one.

use std::collections::HashSet;

use chrono::NaiveDate;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::receiver::{AgreementKind, ReceiverAgreement};

use crate::audit::{AuditedTx, Entry};
use crate::entity::receiver_agreement;
use crate::error::StoreError;
use crate::organisations::staff_municipality;

/// A recorded agreement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredAgreement {
    pub id: uuid::Uuid,
    pub organisation_id: OrganisationId,
    pub agreement: ReceiverAgreement,
    /// Ended early: the first day it no longer holds.
    pub ended_on: Option<NaiveDate>,
    pub recorded_by: String,
}

impl StoredAgreement {
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.agreement.in_force(day, self.ended_on)
    }
}

fn stored(m: receiver_agreement::Model) -> Result<StoredAgreement, StoreError> {
    Ok(StoredAgreement {
        id: m.id,
        organisation_id: OrganisationId(m.organisation_id),
        agreement: ReceiverAgreement {
            kind: AgreementKind::parse(&m.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("agreement kind {}", m.kind)))?,
            concluded_on: m.concluded_on,
            expires_on: m.expires_on,
            scope: m.scope,
            file_reference: m.file_reference,
        },
        ended_on: m.ended_on,
        recorded_by: m.recorded_by,
    })
}

/// Every agreement of the actor's municipality with its receivers, newest first.
pub async fn of_municipality(
    tx: &AuditedTx,
    actor: &Actor,
) -> Result<Vec<StoredAgreement>, StoreError> {
    let owner = staff_municipality(actor)?;
    receiver_agreement::Entity::find()
        .filter(receiver_agreement::Column::MunicipalityId.eq(owner.0))
        .order_by_desc(receiver_agreement::Column::ConcludedOn)
        .order_by_desc(receiver_agreement::Column::Id)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(stored)
        .collect()
}

/// Records an agreement of one of the municipality's support-party organisations (its staff);
/// audited. Returns its id.
pub async fn add(
    tx: &mut AuditedTx,
    actor: &Actor,
    org: OrganisationId,
    a: ReceiverAgreement,
    today: NaiveDate,
) -> Result<uuid::Uuid, StoreError> {
    let owner = staff_municipality(actor)?;
    crate::organisations::get(tx.conn(), org)
        .await?
        .filter(|o| o.municipality_id == Some(owner) && o.kind.is_evacuation_support_party())
        .ok_or(StoreError::NotFound)?;
    let a = a.validate(today).map_err(StoreError::Invalid)?;
    let id = uuid::Uuid::now_v7();
    receiver_agreement::Entity::insert(receiver_agreement::ActiveModel {
        id: Set(id),
        municipality_id: Set(owner.0),
        organisation_id: Set(org.0),
        kind: Set(a.kind.code().to_owned()),
        concluded_on: Set(a.concluded_on),
        expires_on: Set(a.expires_on),
        scope: Set(a.scope.clone()),
        file_reference: Set(a.file_reference.clone()),
        ended_on: Set(None),
        recorded_by: Set(actor.login.clone()),
        recorded_at: Set(crate::now()),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::ReceiverUpdated, "organisation", org)
            .owner(owner)
            .detail(serde_json::json!({"agreement_added": id, "agreement": a})),
    );
    Ok(id)
}

/// Ends an agreement from `on` (the first day it no longer holds); audited. An agreement
/// already ended is refused.
pub async fn end(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    on: NaiveDate,
) -> Result<OrganisationId, StoreError> {
    let owner = staff_municipality(actor)?;
    let m = receiver_agreement::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .filter(|m| m.municipality_id == owner.0)
        .ok_or(StoreError::NotFound)?;
    if m.ended_on.is_some() {
        return Err(StoreError::Invalid(
            tsunagi_domain::ValidationErrors::single(
                "agreement",
                "この協定・誓約書は既に終了しています",
            ),
        ));
    }
    let org = OrganisationId(m.organisation_id);
    let mut active: receiver_agreement::ActiveModel = m.into();
    active.ended_on = Set(Some(on));
    receiver_agreement::Entity::update(active)
        .exec(tx.conn())
        .await?;
    tx.record(
        Entry::new(AuditAction::ReceiverUpdated, "organisation", org)
            .owner(owner)
            .detail(serde_json::json!({"agreement_ended": id, "ended_on": on})),
    );
    Ok(org)
}

/// Which of `orgs` hold an agreement with `municipality` in force on `day`.
pub(crate) async fn in_force_with(
    conn: &impl ConnectionTrait,
    municipality: uuid::Uuid,
    orgs: &[uuid::Uuid],
    day: NaiveDate,
) -> Result<HashSet<uuid::Uuid>, StoreError> {
    if orgs.is_empty() {
        return Ok(HashSet::new());
    }
    let mut out = HashSet::new();
    for m in receiver_agreement::Entity::find()
        .filter(receiver_agreement::Column::MunicipalityId.eq(municipality))
        .filter(receiver_agreement::Column::OrganisationId.is_in(orgs.iter().copied()))
        .all(conn)
        .await?
    {
        let a = stored(m)?;
        if a.in_force(day) {
            out.insert(a.organisation_id.0);
        }
    }
    Ok(out)
}

/// The municipalities `org` holds an agreement in force with on `day`.
pub(crate) async fn municipalities_agreed(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    day: NaiveDate,
) -> Result<HashSet<uuid::Uuid>, StoreError> {
    let mut out = HashSet::new();
    for m in receiver_agreement::Entity::find()
        .filter(receiver_agreement::Column::OrganisationId.eq(org.0))
        .all(conn)
        .await?
    {
        let municipality = m.municipality_id;
        if stored(m)?.in_force(day) {
            out.insert(municipality);
        }
    }
    Ok(out)
}
