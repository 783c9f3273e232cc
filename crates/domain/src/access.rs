//! The sharing policy: who may see and change what. Decided here, from plain facts, and nowhere
//! else. Handlers and repositories ask; they never decide.
//!
//! Architecture invariant: a user who may not see a person gets the same answer as for a person
//! who does not exist (`None` here, 404 on the wire), so the policy never leaks existence.

use crate::consent::{ConsentFacts, ConsentStatus};
use crate::disaster::DisasterState;
use crate::ids::{OrganisationId, UserId};
use crate::legal_basis::{Provision, ProvisionBasis, RosterBases};
use crate::organisation::OrganisationKind;
use crate::role::Role;
use serde::{Deserialize, Serialize};

/// The acting user: who, in which organisation, with which role. Every repository call takes one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: UserId,
    pub login: String,
    pub organisation_id: OrganisationId,
    pub organisation_kind: OrganisationKind,
    /// The municipality the organisation works in (itself, for a municipality).
    pub municipality_id: Option<OrganisationId>,
    pub role: Role,
}

/// Read only, or read and write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AccessLevel {
    Read,
    Write,
}

impl AccessLevel {
    pub fn code(self) -> &'static str {
        match self {
            AccessLevel::Read => "read",
            AccessLevel::Write => "write",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "read" => Some(AccessLevel::Read),
            "write" => Some(AccessLevel::Write),
            _ => None,
        }
    }
}

/// Why access was granted; written to the audit trail with every access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AccessBasis {
    /// The person belongs to the actor's municipality (実施主体).
    Owner,
    /// Shared with the actor's organisation, and the person's consent covers it (平常時).
    Consent,
    /// Shared with the actor's organisation under the municipality's ordinance (平常時, 条例:
    /// unless the person refused, or without consent).
    Ordinance,
    /// Shared with the actor's organisation during a declared disaster, without consent (発災時).
    Disaster,
    /// The municipality entrusted (委託) the plan work for this person to the actor's
    /// organisation (a care provider or the 社協) by assigning it: the professional visits to
    /// explain and obtain consent, so the record is open before consent, while assigned.
    Assignment,
}

impl AccessBasis {
    pub fn code(self) -> &'static str {
        match self {
            AccessBasis::Owner => "owner",
            AccessBasis::Consent => "consent",
            AccessBasis::Ordinance => "ordinance",
            AccessBasis::Disaster => "disaster",
            AccessBasis::Assignment => "assignment",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub level: AccessLevel,
    pub basis: AccessBasis,
    /// Whether the individual evacuation plan is included, or only the roster entry.
    pub plan: bool,
}

/// Why a share exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareSource {
    /// Shared by hand with one organisation.
    Manual,
    /// The organisation is a receiver (提供先) whose districts include the person.
    Receiver,
    /// The plan work is assigned to the organisation.
    Assignment,
}

impl ShareSource {
    pub const ALL: [ShareSource; 3] = [
        ShareSource::Manual,
        ShareSource::Receiver,
        ShareSource::Assignment,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ShareSource::Manual => "manual",
            ShareSource::Receiver => "receiver",
            ShareSource::Assignment => "assignment",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            ShareSource::Manual => "個別に提供",
            ShareSource::Receiver => "提供先の地区",
            ShareSource::Assignment => "担当（委託）",
        }
    }
}

/// An explicit share of one person's record with one organisation. An organisation may hold
/// several (e.g. as the district's receiver and as the assignee).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub organisation_id: OrganisationId,
    pub level: AccessLevel,
    /// Whether the plan is shared too, or only the roster entry.
    pub plan: bool,
    pub source: ShareSource,
    /// Given for disasters only (a receiver the municipality designates for disasters, 災害時
    /// のみの提供先): counts only while a declaration reaches the person, never in normal
    /// times, whatever the consent or the ordinance says.
    #[serde(default)]
    pub disaster_only: bool,
}

/// Kinds of organisation a municipality entrusts plan work to (委託先): care managers and
/// 相談支援専門員 (approach ウ) and the 社協. An assignment opens the record to them before
/// consent, because obtaining consent is part of their work.
pub fn may_be_entrusted(kind: OrganisationKind) -> bool {
    matches!(
        kind,
        OrganisationKind::CareProvider | OrganisationKind::SocialWelfareCouncil
    )
}

/// What the policy needs to know of one person record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonFacts {
    /// The municipality that owns the record.
    pub owner: OrganisationId,
    pub shares: Vec<Share>,
    pub consent: ConsentFacts,
    /// The owner's legal bases in force for normal-time provision.
    pub provision: Provision,
    /// The open part-area declarations whose area holds the person (their sweep); only read
    /// while one is open (see [`DisasterState::reaches`]).
    pub declared_areas: Vec<uuid::Uuid>,
    /// The person is on the roster (避難行動要支援者名簿), not only a resident from the
    /// resident extract; only read while a declaration of the owner is open (fire and police
    /// receive the roster's people, not every resident).
    pub on_roster: bool,
    /// Every supporter named in the newest checked plan agreed to its provision (49-15(2));
    /// without it a receiver gets the plan in normal times only under an ordinance that needs
    /// no consent. Only read when a share includes the plan.
    pub supporters_agreed: bool,
    /// Organisations sharing the person that lack the agreement (協定・誓約書) the owner
    /// requires before anything is provided in normal times; empty unless the owner requires
    /// one (`Provision::agreements_required`).
    pub unagreed: Vec<OrganisationId>,
}

/// Roles of a municipality that work on its residents' records directly.
fn is_municipal_staff(role: Role) -> bool {
    matches!(
        role,
        Role::Administrator | Role::DisasterManagementStaff | Role::WelfareStaff
    )
}

/// May `actor` see (and change) this person, and on what basis?
pub fn person_access(
    actor: &Actor,
    person: &PersonFacts,
    disaster: &DisasterState,
) -> Option<Grant> {
    if actor.organisation_kind == OrganisationKind::Municipality
        && actor.organisation_id == person.owner
        && is_municipal_staff(actor.role)
    {
        return Some(Grant {
            level: AccessLevel::Write,
            basis: AccessBasis::Owner,
            plan: true,
        });
    }
    let mine: Vec<&Share> = person
        .shares
        .iter()
        .filter(|s| s.organisation_id == actor.organisation_id)
        .collect();
    if mine.is_empty() {
        // Fire and police of the municipality receive everyone in a declared area, share or
        // not (art. 49-11(3); they are handed the full roster): the unreached go to them.
        return rescues(actor, person, disaster).then_some(Grant {
            level: AccessLevel::Read,
            basis: AccessBasis::Disaster,
            plan: false,
        });
    }
    // In normal times only the shares given for normal times count.
    let normal: Vec<&Share> = mine.iter().copied().filter(|s| !s.disaster_only).collect();
    let level = normal
        .iter()
        .map(|s| s.level)
        .max()
        .unwrap_or(AccessLevel::Read);
    let cap = |level: AccessLevel| {
        if actor.role.may_write_records() {
            level
        } else {
            AccessLevel::Read
        }
    };
    if may_be_entrusted(actor.organisation_kind)
        && normal.iter().any(|s| s.source == ShareSource::Assignment)
    {
        return Some(Grant {
            level: cap(level),
            basis: AccessBasis::Assignment,
            plan: true,
        });
    }
    let kind = actor.organisation_kind;
    // Where the owner requires an agreement (協定・誓約書), a receiver without one in force gets
    // nothing in normal times, by consent or by ordinance; a disaster still reaches it.
    let agreed = !person.unagreed.contains(&actor.organisation_id);
    if !normal.is_empty() && agreed && person.provision.roster.provides(&person.consent, kind) {
        // The plan follows the plans' own basis (49-15(2)), on top of the roster's, and needs
        // the supporters' agreement unless the ordinance needs no consent.
        let plan = normal.iter().any(|s| s.plan)
            && person.provision.plans.provides(&person.consent, kind)
            && (person.supporters_agreed
                || person.provision.plans == ProvisionBasis::OrdinanceWithoutConsent);
        let basis = if person.consent.covers(kind) {
            AccessBasis::Consent
        } else {
            AccessBasis::Ordinance
        };
        if !plan
            && disaster.reaches(person.owner, &person.declared_areas)
            && kind.is_evacuation_support_party()
            && (normal.iter().any(|s| s.plan) || !person.provision.roster_only_stays_in_disasters)
        {
            // In a disaster the plan goes to the support parties without consent (49-15(3)),
            // as it does to those the roster reaches only then.
            return Some(Grant {
                level: cap(level),
                basis: AccessBasis::Disaster,
                plan: true,
            });
        }
        return Some(Grant {
            level: cap(level),
            basis,
            plan,
        });
    }
    if disaster.reaches(person.owner, &person.declared_areas)
        && actor.organisation_kind.is_evacuation_support_party()
    {
        // Art. 49-11(3)/49-15(3): when a disaster occurs or threatens, roster and plan data
        // may go to the support parties without consent, to protect life — the plan not to a
        // roster-only receiver where the municipality keeps them so.
        return Some(Grant {
            level: AccessLevel::Read,
            basis: AccessBasis::Disaster,
            plan: mine.iter().any(|s| s.plan) || !person.provision.roster_only_stays_in_disasters,
        });
    }
    None
}

/// Fire departments and the police (消防・警察): during a declaration they receive everyone on
/// their municipality's roster in the declared area, with or without a share or consent.
pub fn receives_everyone_in_disaster(kind: OrganisationKind) -> bool {
    matches!(
        kind,
        OrganisationKind::FireDepartment | OrganisationKind::Police
    )
}

/// Is `actor` fire or police of the person's municipality, the person on its roster, with a
/// declaration reaching the person open?
fn rescues(actor: &Actor, person: &PersonFacts, disaster: &DisasterState) -> bool {
    receives_everyone_in_disaster(actor.organisation_kind)
        && actor.municipality_id == Some(person.owner)
        && person.on_roster
        && disaster.reaches(person.owner, &person.declared_areas)
}

/// Which persons a list or search may return for `actor`: the same rule as [`person_access`],
/// in a form the storage layer can turn into a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonScope {
    /// Every person owned by this municipality (the actor is its staff).
    pub owned_by: Option<OrganisationId>,
    /// Persons shared with this organisation …
    pub shared_with: OrganisationId,
    /// … whose consent covers this kind of receiver, …
    pub kind: OrganisationKind,
    /// … or, under an opt-out ordinance, those owned by these municipalities who did not
    /// refuse; …
    pub opt_out_owners: Vec<OrganisationId>,
    /// … or, under an ordinance without consent, those owned by these municipalities; …
    pub without_consent_owners: Vec<OrganisationId>,
    /// … or, without consent, those owned by these municipalities (declared disaster); …
    pub disaster_owners: Vec<OrganisationId>,
    /// … or, without consent, those in the area of these open part-area declarations
    /// (municipality, declaration); …
    pub disaster_areas: Vec<(OrganisationId, uuid::Uuid)>,
    /// … or, without consent, those whose plan work is assigned to this organisation
    /// (only for kinds that [`may_be_entrusted`]); …
    pub entrusted: bool,
    /// … or, share or not (fire and police of the municipality), those on the roster of this
    /// municipality under a whole-area declaration (`Some`), and those on its roster in these
    /// of its open part-area declarations.
    pub rescue_owner: Option<OrganisationId>,
    pub rescue_areas: Vec<(OrganisationId, uuid::Uuid)>,
    /// The municipalities requiring an agreement (協定・誓約書) this organisation has not
    /// concluded (or that expired): their persons come by none of the normal-time ways of
    /// consent or ordinance. Set by the store, which knows the agreements.
    pub unagreed_owners: Vec<OrganisationId>,
}

/// The list scope of `actor`; `bases` are the municipalities' roster bases in force.
pub fn person_scope(actor: &Actor, disaster: &DisasterState, bases: &RosterBases) -> PersonScope {
    let owned_by = (actor.organisation_kind == OrganisationKind::Municipality
        && is_municipal_staff(actor.role))
    .then_some(actor.organisation_id);
    let (disaster_owners, disaster_areas) = if actor.organisation_kind.is_evacuation_support_party()
    {
        (disaster.declared_in.clone(), disaster.partial.clone())
    } else {
        (Vec::new(), Vec::new())
    };
    let owners_under = |basis: ProvisionBasis| -> Vec<OrganisationId> {
        if !actor.organisation_kind.is_evacuation_support_party() {
            return Vec::new();
        }
        bases
            .0
            .iter()
            .filter(|(_, b)| **b == basis)
            .map(|(o, _)| *o)
            .collect()
    };
    let home = actor
        .municipality_id
        .filter(|_| receives_everyone_in_disaster(actor.organisation_kind));
    PersonScope {
        rescue_owner: home.filter(|m| disaster.is_declared_in(*m)),
        rescue_areas: home
            .map(|m| {
                disaster
                    .partial
                    .iter()
                    .filter(|(o, _)| *o == m)
                    .copied()
                    .collect()
            })
            .unwrap_or_default(),
        owned_by,
        shared_with: actor.organisation_id,
        kind: actor.organisation_kind,
        opt_out_owners: owners_under(ProvisionBasis::OrdinanceOptOut),
        without_consent_owners: owners_under(ProvisionBasis::OrdinanceWithoutConsent),
        disaster_owners,
        disaster_areas,
        entrusted: may_be_entrusted(actor.organisation_kind),
        unagreed_owners: Vec::new(),
    }
}

impl PersonScope {
    /// Evaluates the scope against one person's facts: what a query built from it must return.
    pub fn admits(&self, person: &PersonFacts) -> bool {
        let mine = || {
            person
                .shares
                .iter()
                .filter(|s| s.organisation_id == self.shared_with)
        };
        let normal = || mine().filter(|s| !s.disaster_only);
        self.owned_by == Some(person.owner)
            || (person.on_roster
                && (self.rescue_owner == Some(person.owner)
                    || self
                        .rescue_areas
                        .iter()
                        .any(|(m, d)| *m == person.owner && person.declared_areas.contains(d))))
            || normal().any(|s| self.entrusted && s.source == ShareSource::Assignment)
            || (normal().next().is_some()
                && !self.unagreed_owners.contains(&person.owner)
                && (person.consent.covers(self.kind)
                    || (self.opt_out_owners.contains(&person.owner)
                        && !matches!(
                            person.consent.status,
                            ConsentStatus::Refused | ConsentStatus::Withdrawn
                        ))
                    || self.without_consent_owners.contains(&person.owner)))
            || (mine().next().is_some()
                && (self.disaster_owners.contains(&person.owner)
                    || self
                        .disaster_areas
                        .iter()
                        .any(|(m, d)| *m == person.owner && person.declared_areas.contains(d))))
    }
}

/// Actions that are not about one person's record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capability {
    /// Create a person record in the actor's municipality.
    CreatePerson,
    /// Read the audit trail of the actor's organisation (and, for a municipality, of its
    /// residents' records).
    ReadAudit,
    /// See users and create them.
    ManageUsers,
    /// Declare, change and close disasters (the municipality's disaster-management staff and
    /// administrators).
    DeclareDisaster,
    /// Issue API tokens for other systems. Not the community's volunteers (自治会役員, 民生委員,
    /// 消防団): they work on the screens, and a token would carry their lists out of sight.
    IssueApiTokens,
}

/// Whether a grant shows the plan's versions that have not passed 市町村による確認 (drafts).
/// Only those who may write the plan (the municipality, an organisation the work is assigned
/// to or shared with for writing) see drafts; receivers — in normal times and in a disaster —
/// see the newest checked version, so what reaches the community is what the municipality
/// checked. A plan that reaches an organisation only because of a disaster (49-15(3)) is
/// provided read-only, whatever the organisation may write of the record otherwise.
pub fn sees_plan_drafts(grant: &Grant) -> bool {
    may_write_plan(grant)
}

/// Whether a grant lets its holder write the plan and its workflow: write access, the plan
/// included, and not on the disaster basis (disaster-time provision is read-only).
pub fn may_write_plan(grant: &Grant) -> bool {
    grant.plan && grant.level == AccessLevel::Write && grant.basis != AccessBasis::Disaster
}

pub fn can(actor: &Actor, capability: Capability) -> bool {
    match capability {
        Capability::CreatePerson => {
            actor.organisation_kind == OrganisationKind::Municipality
                && is_municipal_staff(actor.role)
        }
        Capability::ReadAudit | Capability::ManageUsers => actor.role == Role::Administrator,
        Capability::DeclareDisaster => {
            actor.organisation_kind == OrganisationKind::Municipality
                && matches!(
                    actor.role,
                    Role::Administrator | Role::DisasterManagementStaff
                )
        }
        Capability::IssueApiTokens => actor.role != Role::CommunityMember,
    }
}

/// May `actor` manage the users of `target`, an organisation working in `target_municipality`?
/// An organisation's administrator manages its own users; a municipality's administrator also
/// those of the organisations that work in the municipality.
pub fn may_manage_users_of(
    actor: &Actor,
    target: OrganisationId,
    target_municipality: Option<OrganisationId>,
) -> bool {
    if actor.role != Role::Administrator {
        return false;
    }
    actor.organisation_id == target
        || (actor.organisation_kind == OrganisationKind::Municipality
            && target_municipality == Some(actor.organisation_id))
}

#[cfg(test)]
mod tests;
