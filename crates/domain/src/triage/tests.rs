use super::*;
use proptest::prelude::*;

fn input() -> TriageInput {
    TriageInput {
        hazards: HomeHazards::default(),
        condition: Condition::default(),
        living: LivingSituation::default(),
        community: CommunitySupport::Unknown,
    }
}

fn flood() -> HomeHazards {
    HomeHazards {
        flood: true,
        ..Default::default()
    }
}

#[test]
fn nothing_applies_means_self_preparedness() {
    let r = triage(&input(), &PriorityPolicy::default());
    assert_eq!(
        (r.priority, r.approach, r.score),
        (Priority::Low, Approach::SelfPreparedness, 0)
    );
    assert!(r.reasons.is_empty());
    assert!(r.path.last().is_some_and(|p| p.contains("自主的な備え")));
}

#[test]
fn hazard_and_condition_but_family_can_help_is_approach_a() {
    // Medium: hazard + condition, but not moving alone is not asked; family is there.
    let mut i = input();
    i.hazards = flood();
    i.condition.needs_care_level = Some(1);
    i.living.alone_in_daytime = false;
    // only point 1 applies (care level 1 is not point 2): low
    assert_eq!(
        triage(&i, &PriorityPolicy::default()).priority,
        Priority::Low
    );
    i.condition.needs_care_level = Some(3);
    let r = triage(&i, &PriorityPolicy::default());
    // care 3 makes self-evacuation difficult, no general difficulty, community unknown → ウ
    assert_eq!(r.priority, Priority::Medium);
    assert_eq!(r.approach, Approach::WelfareProfessional);
}

#[test]
fn leaf_a_person_or_family() {
    let mut i = input();
    i.hazards = flood();
    i.condition.needs_care_level = Some(4);
    let mut p = PriorityPolicy::default();
    p.medium_at = 1;
    // Score 2 → medium; care level 4 → difficult; so construct a Can case instead:
    i.condition.needs_care_level = None;
    let r = triage(&i, &p);
    assert_eq!(r.priority, Priority::Medium);
    assert_eq!(r.approach, Approach::PersonOrFamily);
    assert!(r.path.iter().any(|l| l.contains("（ア）")));
}

#[test]
fn leaf_u_by_general_difficulty() {
    let mut i = input();
    i.hazards = HomeHazards {
        landslide: true,
        ..Default::default()
    };
    i.condition.medical_care = true;
    i.living.lives_alone = true;
    i.community = CommunitySupport::Yes;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(r.priority, Priority::High);
    assert_eq!(r.approach, Approach::WelfareProfessional);
    assert!(r.path.iter().any(|l| l.contains("全般的に困難")));
    assert_eq!(r.reasons.len(), 3);
    assert!(r.reasons[0].contains("土砂災害"));
}

#[test]
fn leaf_i_community() {
    let mut i = input();
    i.hazards = flood();
    i.living.lives_alone = true;
    i.community = CommunitySupport::Yes;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(r.priority, Priority::Medium);
    assert_eq!(r.approach, Approach::Community);
    assert!(r.path.iter().any(|l| l.contains("（イ）")));
}

#[test]
fn leaf_u_when_community_cannot_help_or_is_unknown() {
    let mut i = input();
    i.hazards = flood();
    i.living.alone_in_daytime = true;
    i.community = CommunitySupport::No;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(r.approach, Approach::WelfareProfessional);
    assert!(r.path.iter().any(|l| l.contains("できない場合がある")));
    i.community = CommunitySupport::Unknown;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(r.approach, Approach::WelfareProfessional);
    assert!(r.path.iter().any(|l| l.contains("確認が必要")));
}

#[test]
fn no_hazard_caps_at_medium_unless_the_policy_says_otherwise() {
    let mut i = input();
    i.condition.dementia = true;
    i.living.lives_alone = true;
    let mut p = PriorityPolicy::default();
    p.high_at = 2;
    p.medium_at = 1;
    assert_eq!(triage(&i, &p).priority, Priority::Medium);
    p.require_hazard_for_high = false;
    assert_eq!(triage(&i, &p).priority, Priority::High);
}

#[test]
fn policies_are_validated() {
    assert!(PriorityPolicy::default().validate().is_ok());
    let mut p = PriorityPolicy::default();
    p.medium_at = 4;
    assert!(p.validate().is_err());
    p = PriorityPolicy::default();
    p.weights = Weights {
        hazard: 0,
        condition: 0,
        living: 0,
    };
    assert!(p.validate().is_err());
    p = PriorityPolicy::default();
    p.high_at = 0;
    p.medium_at = 0;
    assert!(p.validate().is_err());
    let json = serde_json::to_string(&PriorityPolicy::default()).unwrap_or_default();
    assert_eq!(
        serde_json::from_str::<PriorityPolicy>(&json).ok(),
        Some(PriorityPolicy::default())
    );
}

#[test]
fn overrides_need_a_reason_and_are_recorded_in_the_path() {
    let r = triage(&input(), &PriorityPolicy::default());
    let blank = Override {
        priority: Some(Priority::High),
        approach: None,
        reason: "  ".into(),
    };
    assert!(apply_override(r.clone(), &blank).is_err());
    let nothing = Override {
        priority: None,
        approach: None,
        reason: "x".into(),
    };
    assert!(apply_override(r.clone(), &nothing).is_err());
    let o = Override {
        priority: Some(Priority::High),
        approach: Some(Approach::Community),
        reason: "自治会長から申し出".into(),
    };
    let changed = apply_override(r, &o).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (changed.priority, changed.approach),
        (Priority::High, Approach::Community)
    );
    assert!(
        changed
            .path
            .last()
            .is_some_and(|l| l.contains("自治会長から申し出"))
    );
}

#[test]
fn codes_round_trip() {
    for p in Priority::ALL {
        assert_eq!(Priority::parse(p.code()), Some(p));
    }
    for a in Approach::ALL {
        assert_eq!(Approach::parse(a.code()), Some(a));
    }
}

prop_compose! {
    fn any_input()(
        h in any::<[bool; 5]>(),
        c in any::<[bool; 5]>(),
        care in proptest::option::of(1u8..=5),
        l in any::<[bool; 5]>(),
        community in prop_oneof![Just(CommunitySupport::Yes), Just(CommunitySupport::No), Just(CommunitySupport::Unknown)],
    ) -> TriageInput {
        TriageInput {
            hazards: HomeHazards { flood: h[0], inland_flood: h[1], tsunami: h[2], house_collapse: h[3], landslide: h[4] },
            condition: Condition { dementia: c[0], cannot_move_alone: c[1], needs_specialised_transport: c[2], severe_intellectual_disability: c[3], medical_care: c[4], needs_care_level: care },
            living: LivingSituation { lives_alone: l[0], elderly_only_household: l[1], alone_in_daytime: l[2], family_cannot_help: l[3], no_ties_with_neighbours: l[4] },
            community,
        }
    }
}

prop_compose! {
    fn any_policy()(h in 0u32..4, c in 0u32..4, l in 0u32..4, high in 1u32..8, medium in 0u32..8, req in any::<bool>()) -> PriorityPolicy {
        PriorityPolicy { version: 7, weights: Weights { hazard: h, condition: c, living: l }, high_at: high, medium_at: medium.min(high), require_hazard_for_high: req }
    }
}

fn points(i: &TriageInput) -> usize {
    usize::from(i.hazards.any())
        + usize::from(!i.condition.labels().is_empty())
        + usize::from(!i.living.labels().is_empty())
}

proptest! {
    #[test]
    fn deterministic_and_well_formed(i in any_input(), p in any_policy()) {
        let a = triage(&i, &p);
        prop_assert_eq!(&a, &triage(&i, &p));
        prop_assert!(!a.path.is_empty());
        prop_assert_eq!(a.reasons.len(), points(&i));
        prop_assert_eq!(a.policy_version, 7);
        prop_assert_eq!(a.priority == Priority::Low, a.approach == Approach::SelfPreparedness);
    }

    #[test]
    fn adding_a_flag_never_lowers_priority(i in any_input(), p in any_policy(), which in 0usize..15) {
        let before = triage(&i, &p).priority;
        let mut more = i;
        match which {
            0 => more.hazards.flood = true,
            1 => more.hazards.tsunami = true,
            2 => more.hazards.landslide = true,
            3 => more.hazards.inland_flood = true,
            4 => more.hazards.house_collapse = true,
            5 => more.condition.dementia = true,
            6 => more.condition.cannot_move_alone = true,
            7 => more.condition.medical_care = true,
            8 => more.condition.severe_intellectual_disability = true,
            9 => more.condition.needs_specialised_transport = true,
            10 => more.living.lives_alone = true,
            11 => more.living.elderly_only_household = true,
            12 => more.living.alone_in_daytime = true,
            13 => more.living.family_cannot_help = true,
            _ => more.living.no_ties_with_neighbours = true,
        }
        prop_assert!(triage(&more, &p).priority >= before);
    }

    #[test]
    fn without_a_hazard_nobody_is_high_when_the_policy_requires_one(mut i in any_input(), mut p in any_policy()) {
        i.hazards = HomeHazards::default();
        p.require_hazard_for_high = true;
        prop_assert!(triage(&i, &p).priority != Priority::High);
    }

    #[test]
    fn valid_policies_validate(p in any_policy()) {
        let all_zero = p.weights.hazard == 0 && p.weights.condition == 0 && p.weights.living == 0;
        prop_assert_eq!(p.validate().is_ok(), !all_zero);
    }
}
