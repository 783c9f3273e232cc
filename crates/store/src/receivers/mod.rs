//! Receivers (提供先): the municipality's definitions of who receives roster and plan data for
//! which districts, kept in force as `receiver` shares; and each receiver's list (名簿).
//!
//! A receiver's shares cover every roster person in its districts. They open nothing by
//! themselves: the person's consent is checked at every read (domain `person_access`), so a
//! consent given or withdrawn changes what the receiver sees at once, with no re-apply.

pub mod agreements;

use std::collections::{BTreeSet, HashMap};

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;
use tsunagi_domain::access::{AccessBasis, Actor, Capability, ShareSource, can, person_access};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::plan::EvacuationPlan;
use tsunagi_domain::receiver::{DistrictField, Receiver};
use tsunagi_domain::role::Role;
use tsunagi_domain::roster::RosterEntry;
use tsunagi_domain::{OrganisationId, UserId};

use crate::access::facts_under;
use crate::audit::{AuditedTx, Entry};
use crate::entity::{person, person_share, receiver, roster_entry};
use crate::error::StoreError;
use crate::now;
use crate::organisations::{Organisation, staff_municipality};
use crate::persons::{PersonSummary, summary};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// A support-party organisation of the municipality and its definition, if it has one.
#[derive(Clone, Debug, Serialize)]
pub struct ReceiverLine {
    pub organisation: Organisation,
    pub receiver: Option<Receiver>,
    pub version: i32,
    /// Roster persons its shares cover (whether or not their consent opens them).
    pub covered: u64,
}

/// What applying the definitions changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    pub added: usize,
    pub removed: usize,
}

fn definition(m: &receiver::Model) -> Result<Receiver, StoreError> {
    Ok(Receiver {
        district_field: DistrictField::parse(&m.district_field)
            .ok_or_else(|| corrupt(format!("district field {}", m.district_field)))?,
        districts: serde_json::from_str::<BTreeSet<String>>(&m.districts).map_err(corrupt)?,
        includes_plan: m.includes_plan,
        disaster_only: m.disaster_only,
    })
}

/// The municipality's support-party organisations with their definitions.
pub async fn list(tx: &mut AuditedTx, actor: &Actor) -> Result<Vec<ReceiverLine>, StoreError> {
    let owner = staff_municipality(actor)?;
    let orgs = crate::organisations::in_municipality(tx.conn(), owner).await?;
    let defs: HashMap<uuid::Uuid, receiver::Model> = receiver::Entity::find()
        .filter(receiver::Column::MunicipalityId.eq(owner.0))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|m| (m.organisation_id, m))
        .collect();
    let mut out = Vec::new();
    for o in orgs
        .into_iter()
        .filter(|o| o.kind.is_evacuation_support_party())
    {
        let covered = person_share::Entity::find()
            .filter(person_share::Column::OrganisationId.eq(o.id.0))
            .filter(person_share::Column::Source.eq(ShareSource::Receiver.code()))
            .count(tx.conn())
            .await?;
        let (receiver, version) = match defs.get(&o.id.0) {
            Some(m) => (Some(definition(m)?), m.version),
            None => (None, 0),
        };
        out.push(ReceiverLine {
            organisation: o,
            receiver,
            version,
            covered,
        });
    }
    Ok(out)
}

/// Sets (or with `None`, removes) an organisation's definition; the shares follow (the use
/// case's job). `expected_version` is the version the editor started from (0 for none): a
/// stale edit is refused, never silently overwritten. Returns the municipality.
pub async fn set(
    tx: &mut AuditedTx,
    actor: &Actor,
    org: OrganisationId,
    def: Option<&Receiver>,
    expected_version: i32,
) -> Result<OrganisationId, StoreError> {
    let owner = staff_municipality(actor)?;
    let target = crate::organisations::get(tx.conn(), org)
        .await?
        .filter(|o| o.municipality_id == Some(owner))
        .ok_or(StoreError::NotFound)?;
    if let Some(d) = def {
        d.validate(target.kind).map_err(StoreError::Invalid)?;
    }
    let current = receiver::Entity::find_by_id(org.0).one(tx.conn()).await?;
    let current_version = current.as_ref().map(|c| c.version).unwrap_or(0);
    if current_version != expected_version {
        return Err(StoreError::Conflict {
            current: current_version,
        });
    }
    receiver::Entity::delete_by_id(org.0)
        .exec(tx.conn())
        .await?;
    if let Some(d) = def {
        receiver::Entity::insert(receiver::ActiveModel {
            organisation_id: Set(org.0),
            municipality_id: Set(owner.0),
            district_field: Set(d.district_field.code().to_owned()),
            districts: Set(serde_json::to_string(&d.districts).map_err(corrupt)?),
            includes_plan: Set(d.includes_plan),
            disaster_only: Set(d.disaster_only),
            version: Set(current_version + 1),
            updated_at: Set(now()),
        })
        .exec(tx.conn())
        .await?;
    }
    tx.record(
        Entry::new(AuditAction::ReceiverUpdated, "organisation", org)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({
                "before": current.as_ref().map(definition).transpose()?,
                "after": def,
            })),
    );
    Ok(owner)
}

/// Every receiver definition of a municipality, by organisation.
pub async fn definitions(
    tx: &AuditedTx,
    owner: OrganisationId,
) -> Result<Vec<(OrganisationId, Receiver)>, StoreError> {
    receiver::Entity::find()
        .filter(receiver::Column::MunicipalityId.eq(owner.0))
        .all(tx.conn())
        .await?
        .iter()
        .map(|m| Ok((OrganisationId(m.organisation_id), definition(m)?)))
        .collect()
}

/// One line of a receiver's list.
#[derive(Clone, Debug, Serialize)]
pub struct ListLine {
    pub person: PersonSummary,
    pub phone: Option<String>,
    pub entry: RosterEntry,
    /// Whether this receiver is given this person's plan.
    pub plan_shared: bool,
    /// The latest plan, when it is given and written.
    pub plan: Option<EvacuationPlan>,
}

/// The list a receiver may hold (名簿): exactly the persons whose record it would be allowed
/// to open now — shared with it and consented for its kind — with plans if it receives them.
/// For the owning municipality's staff (to print or send) and the receiver's own members.
pub async fn receiver_list(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    org: OrganisationId,
) -> Result<(Organisation, Vec<ListLine>), StoreError> {
    let target = crate::organisations::get(tx.conn(), org)
        .await?
        .ok_or(StoreError::NotFound)?;
    let owner = target.municipality_id.ok_or(StoreError::NotFound)?;
    let is_owner_staff = can(actor, Capability::CreatePerson) && actor.organisation_id == owner;
    if !is_owner_staff && actor.organisation_id != org {
        return Err(StoreError::NotFound);
    }
    if !target.kind.is_evacuation_support_party() {
        return Err(StoreError::NotFound);
    }
    // The receiver as the policy sees it: read-only, whatever the caller's role.
    let as_receiver = Actor {
        user_id: UserId(uuid::Uuid::nil()),
        login: String::new(),
        organisation_id: org,
        organisation_kind: target.kind,
        municipality_id: Some(owner),
        role: Role::CommunityMember,
    };
    let shared: Vec<uuid::Uuid> = person_share::Entity::find()
        .filter(person_share::Column::OrganisationId.eq(org.0))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|s| s.person_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let provision = crate::legal_bases::provision_of(tx.conn(), owner.0).await?;
    let mut lines = Vec::new();
    // Who got which person on which basis (同意, 条例, 災害時), for the audit entry.
    let mut by_basis: std::collections::BTreeMap<&'static str, Vec<String>> =
        std::collections::BTreeMap::new();
    for chunk in shared.chunks(500) {
        for m in person::Entity::find()
            .filter(person::Column::Id.is_in(chunk.to_vec()))
            .filter(person::Column::MunicipalityId.eq(owner.0))
            .all(tx.conn())
            .await?
        {
            let f = facts_under(tx.conn(), &m, provision, disaster).await?;
            let Some(grant) = person_access(&as_receiver, &f, disaster) else {
                continue;
            };
            let Some(entry) = roster_entry::Entity::find_by_id(m.id)
                .one(tx.conn())
                .await?
            else {
                continue;
            };
            by_basis
                .entry(grant.basis.code())
                .or_default()
                .push(m.id.to_string());
            // Receivers get the newest version that passed 市町村による確認, never a draft.
            let plan = if grant.plan {
                crate::plans::newest_checked(tx.conn(), m.id).await?
            } else {
                None
            };
            lines.push(ListLine {
                person: summary(&m)?,
                phone: m.phone.clone(),
                entry: serde_json::from_str(&entry.entry).map_err(corrupt)?,
                plan_shared: grant.plan,
                plan,
            });
        }
    }
    lines.sort_by(|a, b| {
        a.entry
            .district_label()
            .cmp(&b.entry.district_label())
            .then(a.person.name_kana.cmp(&b.person.name_kana))
    });
    tx.record(
        Entry::new(AuditAction::RosterExported, "organisation", org)
            .owner(owner)
            // The widest basis any line was given on: a list that carries anyone without
            // consent is recorded as such (災害時 before 条例 before 同意).
            .basis(if is_owner_staff {
                AccessBasis::Owner
            } else if by_basis.contains_key(AccessBasis::Disaster.code()) {
                AccessBasis::Disaster
            } else if by_basis.contains_key(AccessBasis::Ordinance.code()) {
                AccessBasis::Ordinance
            } else {
                AccessBasis::Consent
            })
            .detail(serde_json::json!({
                "receiver": target.name,
                "persons": lines.iter().map(|l| l.person.id.to_string()).collect::<Vec<_>>(),
                "by_basis": by_basis,
            })),
    );
    Ok((target, lines))
}

/// Kinds that receive by district by default, for the screen's hint.
pub fn default_field(kind: OrganisationKind) -> DistrictField {
    match kind {
        OrganisationKind::CommunityAssociation => DistrictField::Community,
        OrganisationKind::WelfareCommissionerDistrict => DistrictField::Welfare,
        _ => DistrictField::All,
    }
}
