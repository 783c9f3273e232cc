//! Sharing a person's record with organisations, and recording the person's consent: the two
//! facts the sharing policy reads. Only the owning municipality changes them.

use crate::access::load_visible;
use crate::audit::{AuditedTx, Entry};
use crate::entity::{consent, consent_scope, person_share};
use crate::error::StoreError;
use crate::now;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
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
        disaster_only: Set(false),
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

/// Ends an organisation's share of one source (e.g. the previous assignee's, when the work is
/// assigned to another), audited. No-op when there is none.
pub async fn end_share(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    id: PersonId,
    with: OrganisationId,
    source: ShareSource,
) -> Result<(), StoreError> {
    let r = person_share::Entity::delete_many()
        .filter(person_share::Column::PersonId.eq(id.0))
        .filter(person_share::Column::OrganisationId.eq(with.0))
        .filter(person_share::Column::Source.eq(source.code()))
        .exec(tx.conn())
        .await?;
    if r.rows_affected > 0 {
        tx.record(
            Entry::new(AuditAction::SharesChanged, "person", id)
                .owner(owner)
                .basis(tsunagi_domain::access::AccessBasis::Owner)
                .detail(serde_json::json!({
                    "organisation": with.to_string(),
                    "source": source.code(),
                    "removed": [id.to_string()],
                })),
        );
    }
    Ok(())
}

/// What a synchronisation of receiver shares changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub added: Vec<PersonId>,
    pub removed: Vec<PersonId>,
}

/// What a receiver's shares carry from its definition: the plan or not, disasters only or not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReceiverTerms {
    pub includes_plan: bool,
    pub disaster_only: bool,
}

impl From<&tsunagi_domain::receiver::Receiver> for ReceiverTerms {
    fn from(r: &tsunagi_domain::receiver::Receiver) -> Self {
        ReceiverTerms {
            includes_plan: r.includes_plan,
            disaster_only: r.disaster_only,
        }
    }
}

/// Brings one receiver's shares (source `receiver`) to exactly `covered` among the persons
/// considered: all of them with `among: None` (the definition changed), or only `among` (some
/// roster entries changed). Whether plans are included and whether the shares are for
/// disasters only follow `terms`. One audit entry names the organisation, every person added
/// and removed, and `cause`.
pub async fn sync_receiver_shares(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    org: OrganisationId,
    terms: ReceiverTerms,
    covered: &HashSet<uuid::Uuid>,
    among: Option<&HashSet<uuid::Uuid>>,
    cause: &[&str],
) -> Result<SyncReport, StoreError> {
    let mut existing = person_share::Entity::find()
        .filter(person_share::Column::OrganisationId.eq(org.0))
        .filter(person_share::Column::Source.eq(ShareSource::Receiver.code()));
    if let Some(among) = among
        && among.len() <= 500
    {
        existing = existing.filter(
            person_share::Column::PersonId.is_in(among.iter().copied().collect::<Vec<_>>()),
        );
    }
    let existing: HashMap<uuid::Uuid, (uuid::Uuid, ReceiverTerms)> = existing
        .all(tx.conn())
        .await?
        .into_iter()
        .filter(|s| among.is_none_or(|a| a.contains(&s.person_id)))
        .map(|s| {
            let t = ReceiverTerms {
                includes_plan: s.includes_plan,
                disaster_only: s.disaster_only,
            };
            (s.person_id, (s.id, t))
        })
        .collect();
    let mut stale: Vec<(uuid::Uuid, uuid::Uuid)> = existing
        .iter()
        .filter(|(p, _)| !covered.contains(p))
        .map(|(p, (share, _))| (*p, *share))
        .collect();
    stale.sort();
    for chunk in stale.chunks(500) {
        person_share::Entity::delete_many()
            .filter(
                person_share::Column::Id.is_in(chunk.iter().map(|(_, s)| *s).collect::<Vec<_>>()),
            )
            .exec(tx.conn())
            .await?;
    }
    let mut wrong_plan: Vec<uuid::Uuid> = existing
        .iter()
        .filter(|(p, (_, t))| covered.contains(p) && *t != terms)
        .map(|(_, (share, _))| *share)
        .collect();
    wrong_plan.sort();
    for chunk in wrong_plan.chunks(500) {
        person_share::Entity::update_many()
            .col_expr(
                person_share::Column::IncludesPlan,
                sea_orm::sea_query::Expr::value(terms.includes_plan),
            )
            .col_expr(
                person_share::Column::DisasterOnly,
                sea_orm::sea_query::Expr::value(terms.disaster_only),
            )
            .filter(person_share::Column::Id.is_in(chunk.to_vec()))
            .exec(tx.conn())
            .await?;
    }
    let mut added: Vec<uuid::Uuid> = covered
        .iter()
        .filter(|p| !existing.contains_key(p))
        .copied()
        .collect();
    added.sort();
    crate::db::bulk::insert_models(
        tx.conn(),
        added
            .iter()
            .map(|p| {
                let mut s = new_share(
                    PersonId(*p),
                    org,
                    AccessLevel::Read,
                    ShareSource::Receiver,
                    terms.includes_plan,
                );
                s.disaster_only = Set(terms.disaster_only);
                s
            })
            .collect(),
    )
    .await?;
    if added.len() >= 1000 {
        crate::db::analyze(tx.conn(), "person_shares").await?;
    }
    let report = SyncReport {
        added: added.into_iter().map(PersonId).collect(),
        removed: stale.into_iter().map(|(p, _)| PersonId(p)).collect(),
    };
    if !report.added.is_empty() || !report.removed.is_empty() || !wrong_plan.is_empty() {
        tx.record(
            Entry::new(AuditAction::SharesChanged, "organisation", org)
                .owner(owner)
                .basis(tsunagi_domain::access::AccessBasis::Owner)
                .detail(serde_json::json!({
                    "cause": cause,
                    "source": ShareSource::Receiver.code(),
                    "includes_plan": terms.includes_plan,
                    "disaster_only": terms.disaster_only,
                    "added": report.added.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "removed": report.removed.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "plan_changed": wrong_plan.len(),
                })),
        );
    }
    Ok(report)
}

/// The organisations of the municipality each of these people's records is shared with, with
/// their kinds: who could check on them when a sweep opens. Reads without a policy check (the
/// use case opening a sweep asks; nothing personal leaves).
pub async fn organisations_of(
    tx: &AuditedTx,
    municipality: OrganisationId,
    persons: &[uuid::Uuid],
) -> Result<HashMap<uuid::Uuid, Vec<(OrganisationId, OrganisationKind)>>, StoreError> {
    use sea_orm::QuerySelect;
    let kinds: HashMap<uuid::Uuid, OrganisationKind> =
        crate::organisations::in_municipality(tx.conn(), municipality)
            .await?
            .into_iter()
            .map(|o| (o.id.0, o.kind))
            .collect();
    let mut out: HashMap<uuid::Uuid, Vec<(OrganisationId, OrganisationKind)>> = HashMap::new();
    for chunk in persons.chunks(500) {
        let rows: Vec<(uuid::Uuid, uuid::Uuid)> = person_share::Entity::find()
            .select_only()
            .column(person_share::Column::PersonId)
            .column(person_share::Column::OrganisationId)
            .filter(person_share::Column::PersonId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(tx.conn())
            .await?;
        for (person, org) in rows {
            if let Some(kind) = kinds.get(&org) {
                out.entry(person)
                    .or_default()
                    .push((OrganisationId(org), *kind));
            }
        }
    }
    Ok(out)
}
