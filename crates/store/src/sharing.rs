//! Sharing a person's record with organisations, and recording the person's consent: the two
//! facts the sharing policy reads. Only the owning municipality changes them.

use crate::audit::{AuditedTx, Entry};
use crate::entity::{consent, consent_scope, person_share};
use crate::error::StoreError;
use crate::now;
use crate::persons::load_visible;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use tsunagi_domain::access::{AccessLevel, Actor, ShareSource};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::consent::ConsentRecord;
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::{OrganisationId, PersonId};

/// Shares a person's record, plan included, with an organisation by hand (the owning
/// municipality decides).
pub async fn share(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
    with: OrganisationId,
    level: AccessLevel,
) -> Result<(), StoreError> {
    share_as(tx, actor, disaster, id, with, level, ShareSource::Manual).await
}

/// Shares a person's record for a reason (`source`); replaces the organisation's earlier share
/// of the same source. Plans are included (receiver shares are kept by `receivers::apply`).
pub async fn share_as(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
    with: OrganisationId,
    level: AccessLevel,
    source: ShareSource,
) -> Result<(), StoreError> {
    let Some((m, _, grant)) = load_visible(tx, actor, disaster, id).await? else {
        return Err(StoreError::NotFound);
    };
    if grant.basis != tsunagi_domain::access::AccessBasis::Owner {
        return Err(StoreError::Forbidden);
    }
    person_share::Entity::delete_many()
        .filter(person_share::Column::PersonId.eq(id.0))
        .filter(person_share::Column::OrganisationId.eq(with.0))
        .filter(person_share::Column::Source.eq(source.code()))
        .exec(tx.conn())
        .await?;
    person_share::Entity::insert(new_share(id, with, level, source, true))
        .exec(tx.conn())
        .await?;
    tx.record(
        Entry::new(AuditAction::PersonUpdated, "person", id)
            .owner(m.municipality_id)
            .basis(grant.basis)
            .detail(serde_json::json!({"share": {"organisation": with.to_string(), "level": level.code(), "source": source.code()}})),
    );
    Ok(())
}

pub(crate) fn new_share(
    id: PersonId,
    with: OrganisationId,
    level: AccessLevel,
    source: ShareSource,
    includes_plan: bool,
) -> person_share::ActiveModel {
    person_share::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        person_id: Set(id.0),
        organisation_id: Set(with.0),
        level: Set(level.code().to_owned()),
        created_at: Set(now()),
        source: Set(source.code().to_owned()),
        includes_plan: Set(includes_plan),
    }
}

/// Records the person's consent (the owning municipality records it). Withdrawal or refusal
/// takes effect for every receiver at once, because access is decided from this row.
pub async fn set_consent(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
    c: &ConsentRecord,
) -> Result<(), StoreError> {
    let Some((m, f, grant)) = load_visible(tx, actor, disaster, id).await? else {
        return Err(StoreError::NotFound);
    };
    if grant.basis != tsunagi_domain::access::AccessBasis::Owner {
        return Err(StoreError::Forbidden);
    }
    let existing = consent::Entity::find_by_id(id.0).one(tx.conn()).await?;
    let version = existing.as_ref().map(|e| e.version + 1).unwrap_or(1);
    consent::Entity::delete_by_id(id.0).exec(tx.conn()).await?;
    consent_scope::Entity::delete_many()
        .filter(consent_scope::Column::PersonId.eq(id.0))
        .exec(tx.conn())
        .await?;
    consent::Entity::insert(consent::ActiveModel {
        person_id: Set(id.0),
        status: Set(c.status.code().to_owned()),
        recorded_at: Set(now()),
        version: Set(version),
        obtained_on: Set(c.obtained_on),
        method: Set(c.method.map(|m| m.code().to_owned())),
        obtained_by: Set(c.obtained_by.clone()),
        note: Set(c.note.clone()),
    })
    .exec(tx.conn())
    .await?;
    for kind in &c.scope {
        consent_scope::Entity::insert(consent_scope::ActiveModel {
            person_id: Set(id.0),
            receiver_kind: Set(kind.code().to_owned()),
        })
        .exec(tx.conn())
        .await?;
    }
    tx.record(
        Entry::new(AuditAction::PersonUpdated, "person", id)
            .owner(m.municipality_id)
            .basis(grant.basis)
            .detail(serde_json::json!({"consent": {"before": f.consent, "after": c}})),
    );
    Ok(())
}

/// An organisation a person's record is shared with.
#[derive(Clone, Debug, Serialize)]
pub struct ShareLine {
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub kind: OrganisationKind,
    pub level: AccessLevel,
    pub source: ShareSource,
    pub includes_plan: bool,
}

/// Who a person's record is shared with (the owning municipality's staff only).
pub async fn shares_of(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
) -> Result<Vec<ShareLine>, StoreError> {
    let Some((_, _, grant)) = load_visible(tx, actor, disaster, id).await? else {
        return Err(StoreError::NotFound);
    };
    if grant.basis != tsunagi_domain::access::AccessBasis::Owner {
        return Err(StoreError::Forbidden);
    }
    let mut out = Vec::new();
    for s in person_share::Entity::find()
        .filter(person_share::Column::PersonId.eq(id.0))
        .all(tx.conn())
        .await?
    {
        let Some(o) =
            crate::organisations::get(tx.conn(), OrganisationId(s.organisation_id)).await?
        else {
            continue;
        };
        out.push(ShareLine {
            organisation_id: o.id,
            organisation_name: o.name,
            kind: o.kind,
            level: AccessLevel::parse(&s.level).unwrap_or(AccessLevel::Read),
            source: ShareSource::parse(&s.source).unwrap_or(ShareSource::Manual),
            includes_plan: s.includes_plan,
        });
    }
    out.sort_by(|a, b| a.organisation_name.cmp(&b.organisation_name));
    Ok(out)
}

/// Stops sharing a person's record with an organisation by hand, at once. Shares that come
/// from a receiver definition or an assignment change with those, not here.
pub async fn unshare(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
    with: OrganisationId,
) -> Result<(), StoreError> {
    let Some((m, _, grant)) = load_visible(tx, actor, disaster, id).await? else {
        return Err(StoreError::NotFound);
    };
    if grant.basis != tsunagi_domain::access::AccessBasis::Owner {
        return Err(StoreError::Forbidden);
    }
    let r = person_share::Entity::delete_many()
        .filter(person_share::Column::PersonId.eq(id.0))
        .filter(person_share::Column::OrganisationId.eq(with.0))
        .filter(person_share::Column::Source.eq(ShareSource::Manual.code()))
        .exec(tx.conn())
        .await?;
    if r.rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    tx.record(
        Entry::new(AuditAction::PersonUpdated, "person", id)
            .owner(m.municipality_id)
            .basis(grant.basis)
            .detail(serde_json::json!({"unshare": with.to_string()})),
    );
    Ok(())
}
