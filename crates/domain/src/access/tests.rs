use super::*;
use crate::consent::ConsentStatus;
use crate::legal_basis::{Provision, ProvisionBasis, RosterBases};
use proptest::prelude::*;
use std::collections::BTreeSet;
use uuid::Uuid;

fn org(n: u128) -> OrganisationId {
    OrganisationId(Uuid::from_u128(n))
}

fn actor(org_n: u128, kind: OrganisationKind, role: Role) -> Actor {
    Actor {
        user_id: UserId(Uuid::from_u128(999)),
        login: "t".into(),
        organisation_id: org(org_n),
        organisation_kind: kind,
        municipality_id: Some(org(1)),
        role,
    }
}

fn person(owner: u128, shares: &[(u128, AccessLevel)], consent: ConsentFacts) -> PersonFacts {
    PersonFacts {
        owner: org(owner),
        shares: shares
            .iter()
            .map(|(o, l)| Share {
                organisation_id: org(*o),
                level: *l,
                plan: true,
                source: ShareSource::Manual,
                disaster_only: false,
            })
            .collect(),
        consent,
        provision: Provision::default(),
        declared_areas: Vec::new(),
        on_roster: true,
        supporters_agreed: true,
        unagreed: Vec::new(),
    }
}

fn consent(status: ConsentStatus, kinds: &[OrganisationKind]) -> ConsentFacts {
    ConsentFacts {
        status,
        scope: kinds.iter().copied().collect(),
    }
}

const FIRE: OrganisationKind = OrganisationKind::FireDepartment;

#[test]
fn municipal_staff_write_their_own_residents_only() {
    let p = person(1, &[], ConsentFacts::not_asked());
    let staff = actor(1, OrganisationKind::Municipality, Role::WelfareStaff);
    assert_eq!(
        person_access(&staff, &p, &DisasterState::normal()),
        Some(Grant {
            level: AccessLevel::Write,
            basis: AccessBasis::Owner,
            plan: true
        })
    );
    let other_town = actor(2, OrganisationKind::Municipality, Role::WelfareStaff);
    assert_eq!(
        person_access(&other_town, &p, &DisasterState::normal()),
        None
    );
}

#[test]
fn a_receiver_needs_both_a_share_and_consent_in_normal_times() {
    let fire = actor(5, FIRE, Role::Responder);
    let normal = DisasterState::normal();
    let given = consent(ConsentStatus::Given, &[FIRE]);
    // share and consent: read (responders never write)
    let p = person(1, &[(5, AccessLevel::Write)], given.clone());
    assert_eq!(
        person_access(&fire, &p, &normal),
        Some(Grant {
            level: AccessLevel::Read,
            basis: AccessBasis::Consent,
            plan: true
        })
    );
    // consent without share
    assert_eq!(
        person_access(&fire, &person(1, &[], given.clone()), &normal),
        None
    );
    // share, consent for other kinds only
    let police_only = consent(ConsentStatus::Given, &[OrganisationKind::Police]);
    assert_eq!(
        person_access(
            &fire,
            &person(1, &[(5, AccessLevel::Read)], police_only),
            &normal
        ),
        None
    );
    // withdrawn consent takes effect at once
    let withdrawn = consent(ConsentStatus::Withdrawn, &[FIRE]);
    assert_eq!(
        person_access(
            &fire,
            &person(1, &[(5, AccessLevel::Read)], withdrawn),
            &normal
        ),
        None
    );
}

#[test]
fn a_declared_disaster_opens_shared_records_to_support_parties_read_only() {
    let p = person(1, &[(5, AccessLevel::Write)], ConsentFacts::not_asked());
    let fire = actor(5, FIRE, Role::CommunityMember);
    let declared = DisasterState {
        declared_in: vec![org(1)],
        ..DisasterState::default()
    };
    assert_eq!(
        person_access(&fire, &p, &declared),
        Some(Grant {
            level: AccessLevel::Read,
            basis: AccessBasis::Disaster,
            plan: true
        })
    );
    // a disaster elsewhere changes nothing
    let elsewhere = DisasterState {
        declared_in: vec![org(2)],
        ..DisasterState::default()
    };
    assert_eq!(person_access(&fire, &p, &elsewhere), None);
    // an NPO is not an evacuation-support party
    let npo = actor(5, OrganisationKind::Npo, Role::PartnerStaff);
    assert_eq!(person_access(&npo, &p, &declared), None);
}

#[test]
fn a_declaration_over_part_of_the_town_reaches_only_the_people_in_its_area() {
    let area = uuid::Uuid::from_u128(77);
    let part = DisasterState {
        partial: vec![(org(1), area)],
        ..DisasterState::default()
    };
    let fire = actor(5, FIRE, Role::CommunityMember);
    let mut outside = person(1, &[(5, AccessLevel::Read)], ConsentFacts::not_asked());
    assert_eq!(person_access(&fire, &outside, &part), None);
    assert!(!person_scope(&fire, &part, &RosterBases::default()).admits(&outside));
    let mut inside = outside.clone();
    inside.declared_areas = vec![area];
    assert_eq!(
        person_access(&fire, &inside, &part).map(|g| (g.basis, g.level)),
        Some((AccessBasis::Disaster, AccessLevel::Read))
    );
    assert!(person_scope(&fire, &part, &RosterBases::default()).admits(&inside));
    // Once that declaration is closed (not in the state), the area no longer counts.
    assert_eq!(
        person_access(&fire, &inside, &DisasterState::normal()),
        None
    );
    // Another declaration's area does not reach this one's people.
    outside.declared_areas = vec![uuid::Uuid::from_u128(78)];
    assert_eq!(person_access(&fire, &outside, &part), None);
    assert!(part.any_declared_in(org(1)) && !part.is_declared_in(org(1)));
}

#[test]
fn an_assignment_opens_the_record_before_consent_only_to_entrusted_kinds() {
    let normal = DisasterState::normal();
    let mut p = person(1, &[], ConsentFacts::not_asked());
    for kind in [
        OrganisationKind::CareProvider,
        OrganisationKind::CommunityAssociation,
    ] {
        p.shares = vec![Share {
            organisation_id: org(5),
            level: AccessLevel::Write,
            plan: true,
            source: ShareSource::Assignment,
            disaster_only: false,
        }];
        let care_manager = actor(5, kind, Role::CareProfessional);
        let got = person_access(&care_manager, &p, &normal);
        if kind == OrganisationKind::CareProvider {
            assert_eq!(
                got,
                Some(Grant {
                    level: AccessLevel::Write,
                    basis: AccessBasis::Assignment,
                    plan: true
                })
            );
        } else {
            // A 自治会 is not a contractor: it still needs the person's consent.
            assert_eq!(got, None);
        }
        // A manual share is not an assignment.
        p.shares[0].source = ShareSource::Manual;
        assert_eq!(person_access(&care_manager, &p, &normal), None);
    }
}

#[test]
fn a_roster_only_receiver_gets_no_plan() {
    let fire = actor(5, FIRE, Role::Responder);
    let mut p = person(
        1,
        &[(5, AccessLevel::Read)],
        consent(ConsentStatus::Given, &[FIRE]),
    );
    p.shares[0].plan = false;
    p.shares[0].source = ShareSource::Receiver;
    let g = person_access(&fire, &p, &DisasterState::normal()).expect("granted");
    assert!(!g.plan);
    // A second, manual share with the plan adds it.
    p.shares.push(Share {
        organisation_id: org(5),
        level: AccessLevel::Read,
        plan: true,
        source: ShareSource::Manual,
        disaster_only: false,
    });
    assert!(
        person_access(&fire, &p, &DisasterState::normal())
            .expect("granted")
            .plan
    );
}

#[test]
fn an_administrator_of_a_non_municipality_gets_nothing_by_role_alone() {
    let p = person(1, &[], ConsentFacts::not_asked());
    let admin = actor(1, OrganisationKind::Npo, Role::Administrator);
    assert_eq!(person_access(&admin, &p, &DisasterState::normal()), None);
}

#[test]
fn user_management_is_limited_to_own_org_or_own_municipality() {
    let town_admin = actor(1, OrganisationKind::Municipality, Role::Administrator);
    assert!(may_manage_users_of(&town_admin, org(1), Some(org(1))));
    assert!(may_manage_users_of(&town_admin, org(7), Some(org(1))));
    assert!(!may_manage_users_of(&town_admin, org(7), Some(org(2))));
    let npo_admin = actor(7, OrganisationKind::Npo, Role::Administrator);
    assert!(may_manage_users_of(&npo_admin, org(7), Some(org(1))));
    assert!(!may_manage_users_of(&npo_admin, org(8), Some(org(1))));
    let staff = actor(1, OrganisationKind::Municipality, Role::WelfareStaff);
    assert!(!may_manage_users_of(&staff, org(1), Some(org(1))));
}

fn kind_strategy() -> impl Strategy<Value = OrganisationKind> {
    proptest::sample::select(OrganisationKind::ALL.to_vec())
}
fn role_strategy() -> impl Strategy<Value = Role> {
    proptest::sample::select(Role::ALL.to_vec())
}
fn status_strategy() -> impl Strategy<Value = ConsentStatus> {
    proptest::sample::select(ConsentStatus::ALL.to_vec())
}
fn level_strategy() -> impl Strategy<Value = AccessLevel> {
    prop_oneof![Just(AccessLevel::Read), Just(AccessLevel::Write)]
}

prop_compose! {
    fn any_actor()(o in 1u128..5, kind in kind_strategy(), role in role_strategy()) -> Actor {
        actor(o, kind, role)
    }
}

fn basis_strategy() -> impl Strategy<Value = ProvisionBasis> {
    proptest::sample::select(ProvisionBasis::ALL.to_vec())
}

fn source_strategy() -> impl Strategy<Value = ShareSource> {
    proptest::sample::select(ShareSource::ALL.to_vec())
}

prop_compose! {
    fn any_person()(
        owner in 1u128..3,
        shares in proptest::collection::vec((1u128..5, level_strategy(), any::<bool>(), source_strategy(), any::<bool>()), 0..5),
        status in status_strategy(),
        scope in proptest::collection::btree_set(kind_strategy(), 0..5),
        areas in proptest::collection::btree_set(1u128..4, 0..2),
        on_roster in any::<bool>(),
        supporters_agreed in any::<bool>(),
    ) -> PersonFacts {
        let mut p = person(owner, &[], ConsentFacts { status, scope });
        p.on_roster = on_roster;
        p.supporters_agreed = supporters_agreed;
        p.declared_areas = areas.into_iter().map(uuid::Uuid::from_u128).collect();
        p.shares = shares
            .into_iter()
            .map(|(o, level, plan, source, disaster_only)| Share { organisation_id: org(o), level, plan, source, disaster_only })
            .collect();
        p
    }
}

prop_compose! {
    fn any_disaster()(
        declared in proptest::collection::btree_set(1u128..3, 0..3),
        partial in proptest::collection::btree_set((1u128..3, 1u128..4), 0..3),
    ) -> DisasterState {
        DisasterState {
            declared_in: declared.into_iter().map(org).collect(),
            partial: partial.into_iter().map(|(o, d)| (org(o), uuid::Uuid::from_u128(d))).collect(),
        }
    }
}

proptest! {
    /// The list query and the record check never disagree: whatever a search returns can be
    /// opened, and whatever can be opened is found by a search.
    #[test]
    fn scope_agrees_with_record_access(a in any_actor(), p in any_person(), d in any_disaster()) {
        prop_assert_eq!(
            person_scope(&a, &d, &RosterBases::default()).admits(&p),
            person_access(&a, &p, &d).is_some()
        );
    }

    /// The same under every legal basis each municipality may choose, for the roster and for
    /// plans separately.
    #[test]
    fn scope_agrees_with_record_access_under_every_basis(
        a in any_actor(), mut p in any_person(), d in any_disaster(),
        bases in proptest::collection::btree_map(1u128..3, basis_strategy(), 0..3),
        plans in basis_strategy(),
        unagreed in any::<bool>(),
    ) {
        let bases = RosterBases(bases.into_iter().map(|(o, b)| (org(o), b)).collect());
        p.provision = Provision { roster: bases.of(p.owner), plans, agreements_required: unagreed, ..Default::default() };
        let mut scope = person_scope(&a, &d, &bases);
        if unagreed {
            // The owner requires an agreement the actor's organisation lacks: the store marks
            // it so on both sides.
            p.unagreed = vec![a.organisation_id];
            scope.unagreed_owners = vec![p.owner];
        }
        prop_assert_eq!(scope.admits(&p), person_access(&a, &p, &d).is_some());
    }

    /// Where the owner requires an agreement (協定・誓約書), a receiver without one gets nothing
    /// in normal times — by consent or by any ordinance; only an entrusted assignee (whose work
    /// the municipality contracted) and a disaster still reach the person.
    #[test]
    fn no_agreement_no_normal_time_provision(
        a in any_actor(), mut p in any_person(), roster in basis_strategy(), plans in basis_strategy(),
    ) {
        p.provision = Provision { roster, plans, agreements_required: true, ..Default::default() };
        p.unagreed = vec![a.organisation_id];
        if let Some(g) = person_access(&a, &p, &DisasterState::default()) {
            prop_assert!(
                matches!(g.basis, AccessBasis::Owner | AccessBasis::Assignment),
                "{:?}", g
            );
        }
        // With the agreement the same person is reached exactly as without the requirement.
        let mut agreed = p.clone();
        agreed.unagreed.clear();
        let mut free = agreed.clone();
        free.provision.agreements_required = false;
        prop_assert_eq!(
            person_access(&a, &agreed, &DisasterState::default()),
            person_access(&a, &free, &DisasterState::default())
        );
    }

    /// In normal times a person who refused (or withdrew) is seen by nobody but the owner and
    /// an entrusted assignee — unless the ordinance provides without consent.
    #[test]
    fn a_refusal_holds_unless_the_ordinance_needs_no_consent(
        a in any_actor(), mut p in any_person(), roster in basis_strategy(), plans in basis_strategy(),
        withdrawn in any::<bool>(),
    ) {
        p.consent.status = if withdrawn { ConsentStatus::Withdrawn } else { ConsentStatus::Refused };
        p.provision = Provision { roster, plans, ..Default::default() };
        if let Some(g) = person_access(&a, &p, &DisasterState::normal()) {
            prop_assert!(
                matches!(g.basis, AccessBasis::Owner | AccessBasis::Assignment)
                    || (roster == ProvisionBasis::OrdinanceWithoutConsent
                        && g.basis == AccessBasis::Ordinance
                        && a.organisation_kind.is_evacuation_support_party())
            );
        }
    }

    /// Ordinances reach only 避難支援等関係者 with a share, and the plan only where the plans'
    /// basis provides it too.
    #[test]
    fn ordinance_grants_need_a_share_a_support_party_and_the_plans_basis(
        a in any_actor(), mut p in any_person(), roster in basis_strategy(), plans in basis_strategy(),
    ) {
        p.provision = Provision { roster, plans, ..Default::default() };
        if let Some(g) = person_access(&a, &p, &DisasterState::normal())
            && g.basis == AccessBasis::Ordinance
        {
            prop_assert!(roster.needs_ordinance());
            prop_assert!(a.organisation_kind.is_evacuation_support_party());
            prop_assert!(p.shares.iter().any(|s| s.organisation_id == a.organisation_id));
            if g.plan {
                prop_assert!(plans.provides(&p.consent, a.organisation_kind));
            }
        }
    }

    /// Without a share, only the owning municipality's staff see a person — and, during a
    /// declaration reaching the person, the municipality's fire and police, read-only and
    /// without the plan.
    #[test]
    fn no_share_no_access_outside_the_owner(a in any_actor(), p in any_person(), d in any_disaster()) {
        let shared = p.shares.iter().any(|s| s.organisation_id == a.organisation_id);
        if !shared {
            let g = person_access(&a, &p, &d);
            match g.map(|g| g.basis) {
                None => {}
                Some(AccessBasis::Owner) => prop_assert_eq!(a.organisation_id, p.owner),
                Some(AccessBasis::Disaster) => {
                    let g = g.expect("grant");
                    prop_assert!(receives_everyone_in_disaster(a.organisation_kind));
                    prop_assert_eq!(a.municipality_id, Some(p.owner));
                    prop_assert!(d.reaches(p.owner, &p.declared_areas));
                    prop_assert_eq!((g.level, g.plan), (AccessLevel::Read, false));
                    // In normal times, never.
                    prop_assert!(person_access(&a, &p, &DisasterState::normal()).is_none());
                }
                Some(other) => prop_assert!(false, "{other:?} without a share"),
            }
        }
    }

    /// In normal times nobody but the owner, and an entrusted assignee, sees a person who
    /// has not given consent.
    #[test]
    fn normal_times_need_consent(a in any_actor(), p in any_person()) {
        if let Some(g) = person_access(&a, &p, &DisasterState::normal()) {
            prop_assert!(
                g.basis == AccessBasis::Owner
                    || p.consent.status == ConsentStatus::Given
                    || (g.basis == AccessBasis::Assignment
                        && may_be_entrusted(a.organisation_kind)
                        && p.shares.iter().any(|s| s.organisation_id == a.organisation_id
                            && s.source == ShareSource::Assignment))
            );
        }
    }

    /// A receiver whose normal-time shares all leave the plan out never gets the plan on
    /// consent (a share for disasters only does not count in normal times).
    #[test]
    fn roster_only_shares_keep_the_plan_out(a in any_actor(), p in any_person()) {
        if let Some(g) = person_access(&a, &p, &DisasterState::normal())
            && g.basis == AccessBasis::Consent
        {
            let any_plan = p.shares.iter().any(|s| {
                s.organisation_id == a.organisation_id && s.plan && !s.disaster_only
            });
            // … and the plan needs its supporters' agreement (the default basis is consent).
            prop_assert_eq!(g.plan, any_plan && p.supporters_agreed);
        }
    }

    /// Declaring a disaster only widens access, and only to read.
    #[test]
    fn disasters_only_widen(a in any_actor(), p in any_person(), d in any_disaster()) {
        let before = person_access(&a, &p, &DisasterState::normal());
        let during = person_access(&a, &p, &d);
        if let (Some(b), Some(g)) = (before, during) {
            // The same grant, except that the plan may be added (49-15(3)), on the basis 災害時.
            prop_assert_eq!(b.level, g.level);
            prop_assert!(g.plan >= b.plan);
            if g.plan == b.plan {
                prop_assert_eq!(b.basis, g.basis);
            } else {
                prop_assert_eq!(g.basis, AccessBasis::Disaster);
            }
        }
        prop_assert!(before.is_none() || during.is_some());
        if let (None, Some(g)) = (before, during) {
            prop_assert_eq!(g.level, AccessLevel::Read);
            prop_assert_eq!(g.basis, AccessBasis::Disaster);
        }
    }

    /// Where the municipality keeps roster-only receivers so in disasters, a disaster gives the
    /// plan only to those with a share that includes it (or the owner, or an entrusted
    /// assignee); it still reaches the same people, and the switch never narrows anyone's
    /// roster access.
    #[test]
    fn roster_only_receivers_can_stay_without_plans_in_disasters(
        a in any_actor(), mut p in any_person(), d in any_disaster(),
    ) {
        p.provision.roster_only_stays_in_disasters = false;
        let widened = person_access(&a, &p, &d);
        p.provision.roster_only_stays_in_disasters = true;
        let kept = person_access(&a, &p, &d);
        prop_assert_eq!(widened.is_some(), kept.is_some());
        if let Some(g) = kept {
            let own_plan_share = p
                .shares
                .iter()
                .any(|s| s.organisation_id == a.organisation_id && s.plan);
            if g.plan && g.basis == AccessBasis::Disaster {
                prop_assert!(own_plan_share, "{:?}", g);
            }
            if let Some(w) = widened {
                prop_assert_eq!(w.level, g.level);
                prop_assert!(w.plan >= g.plan);
            }
        }
    }

    /// Responders never write.
    #[test]
    fn responders_read_only(a in any_actor(), p in any_person(), d in any_disaster()) {
        if let (Role::Responder, Some(g)) = (a.role, person_access(&a, &p, &d)) {
            prop_assert_eq!(g.level, AccessLevel::Read);
        }
    }

    /// Drafts (plan versions not yet checked by the municipality) reach only those who may
    /// write: the owner always, a read-only receiver or responder never, in any disaster state.
    #[test]
    fn only_writers_see_unchecked_drafts(a in any_actor(), p in any_person(), d in any_disaster()) {
        if let Some(g) = person_access(&a, &p, &d) {
            prop_assert_eq!(
                sees_plan_drafts(&g),
                g.plan && g.level == AccessLevel::Write && g.basis != AccessBasis::Disaster
            );
            if g.basis == AccessBasis::Owner {
                prop_assert!(sees_plan_drafts(&g));
            }
            if a.role == Role::Responder || g.basis == AccessBasis::Disaster {
                prop_assert!(!sees_plan_drafts(&g));
            }
        }
    }

    /// Withdrawing consent removes every consent-based access at once.
    #[test]
    fn withdrawal_removes_consent_access(a in any_actor(), mut p in any_person()) {
        p.consent.status = ConsentStatus::Withdrawn;
        let g = person_access(&a, &p, &DisasterState::normal());
        prop_assert!(g.is_none() || matches!(g.map(|g| g.basis), Some(AccessBasis::Owner | AccessBasis::Assignment)));
    }
}

#[test]
fn scope_of_an_empty_consent_set() {
    let s: BTreeSet<OrganisationKind> = BTreeSet::new();
    assert!(
        !ConsentFacts {
            status: ConsentStatus::Given,
            scope: s
        }
        .covers(FIRE)
    );
}

proptest! {
    /// A share given for disasters only opens nothing in normal times, whatever the consent,
    /// the basis or the share's source; in a declaration reaching the person it reads like any
    /// other share of a 避難支援等関係者.
    #[test]
    fn a_disaster_only_share_opens_nothing_in_normal_times(
        a in any_actor(),
        mut p in any_person(),
        roster in basis_strategy(),
        plans in basis_strategy(),
    ) {
        p.provision = Provision { roster, plans, ..Default::default() };
        for s in &mut p.shares {
            s.disaster_only = true;
        }
        let got = person_access(&a, &p, &DisasterState::normal());
        let owner = a.organisation_kind == OrganisationKind::Municipality
            && a.organisation_id == p.owner
            && is_municipal_staff(a.role);
        prop_assert_eq!(got.is_some(), owner);
        let declared = DisasterState { declared_in: vec![p.owner], ..DisasterState::default() };
        if !owner && a.organisation_kind.is_evacuation_support_party()
            && p.shares.iter().any(|s| s.organisation_id == a.organisation_id)
        {
            let g = person_access(&a, &p, &declared).expect("reached in the disaster");
            prop_assert_eq!((g.level, g.basis), (AccessLevel::Read, AccessBasis::Disaster));
        }
    }
}

#[test]
fn the_communitys_volunteers_issue_no_api_tokens() {
    for role in Role::ALL {
        let a = actor(5, OrganisationKind::CommunityAssociation, role);
        assert_eq!(
            can(&a, Capability::IssueApiTokens),
            role != Role::CommunityMember,
            "{role:?}"
        );
    }
}

proptest! {
    /// In normal times a receiver (not the owner, not an entrusted assignee) gets the plan only
    /// when every supporter agreed, unless the plan basis is an ordinance that needs no consent.
    #[test]
    fn the_plan_needs_its_supporters_agreement_in_normal_times(
        a in any_actor(), mut p in any_person(), roster in basis_strategy(), plans in basis_strategy(),
    ) {
        p.provision = Provision { roster, plans, ..Default::default() };
        if let Some(g) = person_access(&a, &p, &DisasterState::normal())
            && matches!(g.basis, AccessBasis::Consent | AccessBasis::Ordinance)
            && g.plan
        {
            prop_assert!(p.supporters_agreed || plans == ProvisionBasis::OrdinanceWithoutConsent);
        }
    }
}
