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

/// A policy under which the home hazard alone makes a plan a priority, so (ア) is reachable.
fn hazard_alone_is_medium() -> PriorityPolicy {
    PriorityPolicy {
        medium_at: 1,
        ..Default::default()
    }
}

fn has_line(r: &TriageResult, text: &str) -> bool {
    r.path.iter().any(|l| l.contains(text))
}

// ---- Point labels and reasons ----

#[test]
fn hazard_labels_are_in_a_fixed_order() {
    let all = HomeHazards {
        flood: true,
        inland_flood: true,
        tsunami: true,
        house_collapse: true,
        landslide: true,
    };
    assert_eq!(
        all.labels(),
        vec!["洪水", "内水氾濫", "津波", "家屋倒壊", "土砂災害"]
    );
    assert!(all.any());
    assert!(!HomeHazards::default().any());
    assert!(HomeHazards::default().labels().is_empty());
}

#[test]
fn reasons_name_the_specifics_one_line_per_point() {
    let mut i = input();
    i.hazards = HomeHazards {
        flood: true,
        landslide: true,
        ..Default::default()
    };
    i.condition.dementia = true;
    i.condition.needs_care_level = Some(4);
    i.living.lives_alone = true;
    i.living.no_ties_with_neighbours = true;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(
        r.reasons,
        vec![
            "自宅の災害危険性: 洪水、土砂災害".to_owned(),
            "本人の心身の状況: 認知症、要介護4".to_owned(),
            "居住実態・社会的孤立の状況: 独居、近所とのつながりがない".to_owned(),
        ]
    );
    assert_eq!(r.score, 3);
}

#[test]
fn care_level_counts_from_three() {
    let mut i = input();
    i.hazards = flood();
    i.condition.needs_care_level = Some(2);
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!((r.score, r.reasons.len()), (1, 1));
    assert_eq!(r.priority, Priority::Low);
    i.condition.needs_care_level = Some(3);
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!((r.score, r.reasons.len()), (2, 2));
    assert_eq!(r.priority, Priority::Medium);
}

// ---- Self-evacuation ----

#[test]
fn self_evacuation_is_a_question_about_the_household() {
    let none = LivingSituation::default();
    assert_eq!(self_evacuation(&none), SelfEvacuation::Can);
    let daytime = LivingSituation {
        alone_in_daytime: true,
        ..Default::default()
    };
    assert_eq!(self_evacuation(&daytime), SelfEvacuation::SometimesNot);
    let difficult_living = [
        LivingSituation {
            lives_alone: true,
            ..Default::default()
        },
        LivingSituation {
            elderly_only_household: true,
            ..Default::default()
        },
        LivingSituation {
            family_cannot_help: true,
            ..Default::default()
        },
        LivingSituation {
            no_ties_with_neighbours: true,
            ..Default::default()
        },
        LivingSituation {
            alone_in_daytime: true,
            lives_alone: true,
            ..Default::default()
        },
    ];
    for l in difficult_living {
        assert_eq!(self_evacuation(&l), SelfEvacuation::Difficult, "{l:?}");
    }
}

#[test]
fn a_person_with_dementia_in_a_capable_family_is_approach_a_under_the_default_policy() {
    let i = TriageInput {
        hazards: HomeHazards {
            flood: true,
            ..Default::default()
        },
        condition: Condition {
            dementia: true,
            ..Default::default()
        },
        living: LivingSituation::default(),
        community: CommunitySupport::Unknown,
    };
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(
        (r.priority, r.approach),
        (Priority::Medium, Approach::PersonOrFamily)
    );
}

// ---- Every leaf of the decision flow ----

#[test]
fn leaf_not_priority_encourages_self_preparedness() {
    let r = triage(&input(), &PriorityPolicy::default());
    assert_eq!(
        (r.priority, r.approach, r.score),
        (Priority::Low, Approach::SelfPreparedness, 0)
    );
    assert!(r.reasons.is_empty());
    assert_eq!(
        r.path,
        vec![
            "3つの観点の点数 0（高 3 点以上、中 2 点以上）".to_owned(),
            "優先的に作成する対象ではない → 災害への自主的な備えを促す".to_owned(),
        ]
    );
}

#[test]
fn leaf_a_person_or_family_writes_the_plan() {
    let mut i = input();
    i.hazards = flood();
    let r = triage(&i, &hazard_alone_is_medium());
    assert_eq!(r.priority, Priority::Medium);
    assert_eq!(r.approach, Approach::PersonOrFamily);
    assert_eq!(
        r.path,
        vec![
            "3つの観点の点数 1（高 3 点以上、中 1 点以上）".to_owned(),
            "優先度「中」: 優先的に作成する".to_owned(),
            "本人・家族で避難の判断と避難ができる → （ア）本人・家族が作成".to_owned(),
        ]
    );
}

#[test]
fn leaf_u_when_judgement_communication_or_moving_is_generally_hard() {
    let hard = [
        Condition {
            dementia: true,
            ..Default::default()
        },
        Condition {
            severe_intellectual_disability: true,
            ..Default::default()
        },
        Condition {
            medical_care: true,
            ..Default::default()
        },
        Condition {
            needs_specialised_transport: true,
            ..Default::default()
        },
    ];
    for condition in hard {
        let mut i = input();
        i.hazards = HomeHazards {
            landslide: true,
            ..Default::default()
        };
        i.condition = condition;
        i.living.lives_alone = true;
        // Even a willing community does not change (ウ) here.
        i.community = CommunitySupport::Yes;
        let r = triage(&i, &PriorityPolicy::default());
        assert_eq!(r.priority, Priority::High, "{condition:?}");
        assert_eq!(r.approach, Approach::WelfareProfessional, "{condition:?}");
        assert_eq!(
            r.path,
            vec![
                "3つの観点の点数 3（高 3 点以上、中 2 点以上）".to_owned(),
                "優先度「高」: 優先的に作成する".to_owned(),
                "本人・家族だけでの避難は困難".to_owned(),
                "判断・意思疎通・移動が全般的に困難（認知症・重度の知的障害・医療的ケア等） → （ウ）福祉専門職と作成".to_owned(),
            ],
            "{condition:?}"
        );
    }
}

#[test]
fn leaf_i_community_helps_make_the_plan() {
    let mut i = input();
    i.hazards = flood();
    i.living.lives_alone = true;
    i.community = CommunitySupport::Yes;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(r.priority, Priority::Medium);
    assert_eq!(r.approach, Approach::Community);
    assert_eq!(
        r.path,
        vec![
            "3つの観点の点数 2（高 3 点以上、中 2 点以上）".to_owned(),
            "優先度「中」: 優先的に作成する".to_owned(),
            "本人・家族だけでの避難は困難".to_owned(),
            "特別な困難はない → 地域の協力で作成できるか".to_owned(),
            "地域の見守り・自治会の把握あり → （イ）地域と作成".to_owned(),
        ]
    );
}

#[test]
fn leaf_u_when_the_community_cannot_help() {
    let mut i = input();
    i.hazards = flood();
    i.living.alone_in_daytime = true;
    i.community = CommunitySupport::No;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(r.priority, Priority::Medium);
    assert_eq!(r.approach, Approach::WelfareProfessional);
    assert_eq!(
        r.path[2..],
        [
            "日中は本人だけになり、避難できない場合がある".to_owned(),
            "特別な困難はない → 地域の協力で作成できるか".to_owned(),
            "地域の協力が得られない → （ウ）福祉専門職と作成".to_owned(),
        ]
    );
}

#[test]
fn leaf_u_until_the_community_is_confirmed() {
    let mut i = input();
    i.hazards = flood();
    i.living.elderly_only_household = true;
    i.community = CommunitySupport::Unknown;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(r.approach, Approach::WelfareProfessional);
    assert_eq!(
        r.path[3..],
        [
            "特別な困難はない → 地域の協力で作成できるか".to_owned(),
            "地域の協力可否は本人または自治会に確認が必要".to_owned(),
            "確認できるまでは → （ウ）福祉専門職と作成".to_owned(),
        ]
    );
}

#[test]
fn care_level_three_living_alone_goes_to_the_community_question() {
    let mut i = input();
    i.hazards = flood();
    i.condition.needs_care_level = Some(3);
    i.living.lives_alone = true;
    i.community = CommunitySupport::Yes;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(r.priority, Priority::High);
    assert_eq!(r.approach, Approach::Community);
    assert!(has_line(&r, "本人・家族だけでの避難は困難"));
}

#[test]
fn no_hazard_caps_at_medium_unless_the_policy_says_otherwise() {
    let mut i = input();
    i.condition.dementia = true;
    i.living.lives_alone = true;
    let mut p = PriorityPolicy {
        high_at: 2,
        medium_at: 1,
        ..Default::default()
    };
    let r = triage(&i, &p);
    assert_eq!(r.priority, Priority::Medium);
    assert!(has_line(&r, "自宅に災害の危険がないため「中」まで"));
    p.require_hazard_for_high = false;
    let r = triage(&i, &p);
    assert_eq!(r.priority, Priority::High);
    assert!(!has_line(&r, "「中」まで"));
}

#[test]
fn weights_change_the_score() {
    let mut i = input();
    i.hazards = flood();
    i.living.lives_alone = true;
    let p = PriorityPolicy {
        version: 2,
        weights: Weights {
            hazard: 2,
            condition: 1,
            living: 1,
        },
        high_at: 3,
        medium_at: 2,
        require_hazard_for_high: true,
    };
    let r = triage(&i, &p);
    assert_eq!(
        (r.score, r.priority, r.policy_version),
        (3, Priority::High, 2)
    );
}

#[test]
fn huge_weights_saturate_instead_of_overflowing() {
    let mut i = input();
    i.hazards = flood();
    i.condition.dementia = true;
    i.living.lives_alone = true;
    let p = PriorityPolicy {
        weights: Weights {
            hazard: u32::MAX,
            condition: u32::MAX,
            living: u32::MAX,
        },
        ..Default::default()
    };
    assert!(p.validate().is_err());
    let r = triage(&i, &p);
    assert_eq!((r.score, r.priority), (u32::MAX, Priority::High));
}

// ---- Policy ----

#[test]
fn policies_are_validated() {
    assert_eq!(PriorityPolicy::default().validate(), Ok(()));
    let bad = [
        PriorityPolicy {
            medium_at: 4,
            ..Default::default()
        },
        PriorityPolicy {
            weights: Weights {
                hazard: 0,
                condition: 0,
                living: 0,
            },
            ..Default::default()
        },
        PriorityPolicy {
            high_at: 0,
            medium_at: 0,
            ..Default::default()
        },
        PriorityPolicy {
            weights: Weights {
                hazard: 101,
                condition: 1,
                living: 1,
            },
            ..Default::default()
        },
        PriorityPolicy {
            high_at: 301,
            ..Default::default()
        },
    ];
    for p in bad {
        let e = p.validate().err().unwrap_or_default();
        assert!(!e.is_empty(), "{p:?}");
        assert!(!e.is_ascii(), "Japanese message expected: {e}");
    }
    // One zero weight is fine: a municipality may ignore a point.
    let no_living = PriorityPolicy {
        weights: Weights {
            hazard: 1,
            condition: 1,
            living: 0,
        },
        high_at: 2,
        medium_at: 2,
        ..Default::default()
    };
    assert_eq!(no_living.validate(), Ok(()));
}

#[test]
fn policies_are_stored_as_json() {
    let json = serde_json::to_value(PriorityPolicy::default()).unwrap_or_default();
    assert_eq!(
        json,
        serde_json::json!({
            "version": 1,
            "weights": { "hazard": 1, "condition": 1, "living": 1 },
            "high_at": 3,
            "medium_at": 2,
            "require_hazard_for_high": true,
        })
    );
    assert_eq!(
        serde_json::from_value::<PriorityPolicy>(json).ok(),
        Some(PriorityPolicy::default())
    );
}

// ---- Overrides ----

#[test]
fn overrides_need_a_reason() {
    let r = triage(&input(), &PriorityPolicy::default());
    for reason in ["", "  ", "\u{3000}\n"] {
        let o = Override {
            priority: Some(Priority::High),
            approach: None,
            reason: reason.into(),
        };
        assert!(apply_override(r.clone(), &o).is_err(), "{reason:?}");
    }
    let nothing = Override {
        priority: None,
        approach: None,
        reason: "理由".into(),
    };
    assert!(apply_override(r, &nothing).is_err());
}

#[test]
fn overrides_change_only_what_they_name_and_are_recorded() {
    let r = triage(&input(), &PriorityPolicy::default());
    let o = Override {
        priority: Some(Priority::High),
        approach: Some(Approach::Community),
        reason: " 自治会長から申し出 ".into(),
    };
    let changed = apply_override(r.clone(), &o).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (changed.priority, changed.approach),
        (Priority::High, Approach::Community)
    );
    assert_eq!(changed.path.len(), r.path.len() + 1);
    assert_eq!(
        changed.path.last().map(String::as_str),
        Some("職員による変更: 自治会長から申し出")
    );
    assert_eq!(
        (&changed.reasons, changed.score, changed.policy_version),
        (&r.reasons, r.score, r.policy_version)
    );

    let only_approach = Override {
        priority: None,
        approach: Some(Approach::WelfareProfessional),
        reason: "家族が遠方".into(),
    };
    let changed = apply_override(r, &only_approach).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(changed.priority, Priority::Low);
    assert_eq!(changed.approach, Approach::WelfareProfessional);
}

// ---- Codes and labels ----

#[test]
fn priority_orders_by_urgency() {
    assert!(Priority::High > Priority::Medium);
    assert!(Priority::Medium > Priority::Low);
    let labels: Vec<_> = Priority::ALL.iter().map(|p| p.label()).collect();
    assert_eq!(labels, vec!["高", "中", "低"]);
}

#[test]
fn approach_symbols_and_labels() {
    let got: Vec<_> = Approach::ALL.iter().map(|a| a.symbol()).collect();
    assert_eq!(got, vec!["ア", "イ", "ウ", "—"]);
    assert_eq!(Approach::PersonOrFamily.label(), "（ア）本人・家族が作成");
    for a in [
        Approach::PersonOrFamily,
        Approach::Community,
        Approach::WelfareProfessional,
    ] {
        assert!(a.label().contains(&format!("（{}）", a.symbol())));
    }
}

#[test]
fn codes_round_trip_and_match_serde() {
    for p in Priority::ALL {
        assert_eq!(Priority::parse(p.code()), Some(p));
        assert_eq!(Priority::parse(p.label()), Some(p));
        assert_eq!(serde_json::to_value(p).ok(), Some(p.code().into()));
    }
    for a in Approach::ALL {
        assert_eq!(Approach::parse(a.code()), Some(a));
        assert_eq!(serde_json::to_value(a).ok(), Some(a.code().into()));
    }
    for s in SelfEvacuation::ALL {
        assert_eq!(serde_json::to_value(s).ok(), Some(s.code().into()));
        assert!(!s.label().is_empty());
    }
    for c in CommunitySupport::ALL {
        assert_eq!(serde_json::to_value(c).ok(), Some(c.code().into()));
        assert!(!c.label().is_empty());
    }
    assert_eq!(Priority::parse("urgent"), None);
    assert_eq!(Approach::parse("エ"), None);
}

// ---- Properties ----

prop_compose! {
    fn any_input()(
        h in any::<[bool; 5]>(),
        c in any::<[bool; 5]>(),
        care in proptest::option::of(1u8..=5),
        l in any::<[bool; 5]>(),
        community in prop_oneof![
            Just(CommunitySupport::Yes),
            Just(CommunitySupport::No),
            Just(CommunitySupport::Unknown),
        ],
    ) -> TriageInput {
        TriageInput {
            hazards: HomeHazards {
                flood: h[0],
                inland_flood: h[1],
                tsunami: h[2],
                house_collapse: h[3],
                landslide: h[4],
            },
            condition: Condition {
                dementia: c[0],
                cannot_move_alone: c[1],
                needs_specialised_transport: c[2],
                severe_intellectual_disability: c[3],
                medical_care: c[4],
                needs_care_level: care,
            },
            living: LivingSituation {
                lives_alone: l[0],
                elderly_only_household: l[1],
                alone_in_daytime: l[2],
                family_cannot_help: l[3],
                no_ties_with_neighbours: l[4],
            },
            community,
        }
    }
}

prop_compose! {
    fn any_policy()(
        h in 0u32..4,
        c in 0u32..4,
        l in 0u32..4,
        high in 1u32..8,
        medium in 0u32..8,
        req in any::<bool>(),
    ) -> PriorityPolicy {
        PriorityPolicy {
            version: 7,
            weights: Weights { hazard: h, condition: c, living: l },
            high_at: high,
            medium_at: medium.min(high),
            require_hazard_for_high: req,
        }
    }
}

/// Which points apply, written independently of the code under test.
fn points(i: &TriageInput) -> [bool; 3] {
    let h = &i.hazards;
    let c = &i.condition;
    let l = &i.living;
    [
        h.flood || h.inland_flood || h.tsunami || h.house_collapse || h.landslide,
        c.dementia
            || c.cannot_move_alone
            || c.needs_specialised_transport
            || c.severe_intellectual_disability
            || c.medical_care
            || c.needs_care_level.is_some_and(|n| n >= 3),
        l.lives_alone
            || l.elderly_only_household
            || l.alone_in_daytime
            || l.family_cannot_help
            || l.no_ties_with_neighbours,
    ]
}

proptest! {
    #[test]
    fn deterministic_and_well_formed(i in any_input(), p in any_policy()) {
        let a = triage(&i, &p);
        prop_assert_eq!(&a, &triage(&i, &p));
        prop_assert!(!a.path.is_empty());
        let applying = points(&i).iter().filter(|x| **x).count();
        prop_assert_eq!(a.reasons.len(), applying);
        prop_assert_eq!(a.policy_version, 7);
    }

    #[test]
    fn score_and_priority_follow_the_policy(i in any_input(), p in any_policy()) {
        let [h, c, l] = points(&i);
        let w = p.weights;
        let score = u32::from(h) * w.hazard + u32::from(c) * w.condition + u32::from(l) * w.living;
        let mut expected = if score >= p.high_at {
            Priority::High
        } else if score >= p.medium_at {
            Priority::Medium
        } else {
            Priority::Low
        };
        if expected == Priority::High && p.require_hazard_for_high && !h {
            expected = Priority::Medium;
        }
        let r = triage(&i, &p);
        prop_assert_eq!(r.score, score);
        prop_assert_eq!(r.priority, expected);
    }

    #[test]
    fn low_priority_iff_self_preparedness(i in any_input(), p in any_policy()) {
        let r = triage(&i, &p);
        prop_assert_eq!(r.priority == Priority::Low, r.approach == Approach::SelfPreparedness);
    }

    #[test]
    fn approach_follows_the_decision_flow(i in any_input(), p in any_policy()) {
        let r = triage(&i, &p);
        let c = &i.condition;
        let hard = c.dementia
            || c.severe_intellectual_disability
            || c.medical_care
            || c.needs_specialised_transport;
        let expected = if r.priority == Priority::Low {
            Approach::SelfPreparedness
        } else if self_evacuation(&i.living) == SelfEvacuation::Can {
            Approach::PersonOrFamily
        } else if hard {
            Approach::WelfareProfessional
        } else if i.community == CommunitySupport::Yes {
            Approach::Community
        } else {
            Approach::WelfareProfessional
        };
        prop_assert_eq!(r.approach, expected);
        let note = r.path.iter().any(|l| l == "地域の協力可否は本人または自治会に確認が必要");
        prop_assert_eq!(
            note,
            r.priority != Priority::Low
                && self_evacuation(&i.living) != SelfEvacuation::Can
                && !hard
                && i.community == CommunitySupport::Unknown
        );
        // The last step names the approach taken.
        let last = r.path.last().cloned().unwrap_or_default();
        match r.approach {
            Approach::SelfPreparedness => prop_assert!(last.contains("自主的な備え")),
            a => {
                let mark = format!("（{}）", a.symbol());
                prop_assert!(last.contains(&mark), "{} lacks {}", last, mark);
            }
        }
    }

    #[test]
    fn adding_a_flag_never_lowers_priority(i in any_input(), p in any_policy(), which in 0usize..16) {
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
            14 => more.living.no_ties_with_neighbours = true,
            _ => more.condition.needs_care_level = Some(more.condition.needs_care_level.map_or(1, |n| (n + 1).min(5))),
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
    fn generated_policies_validate_unless_all_weights_are_zero(p in any_policy()) {
        prop_assert_eq!(PriorityPolicy::default().validate(), Ok(()));
        let all_zero = p.weights.hazard == 0 && p.weights.condition == 0 && p.weights.living == 0;
        prop_assert_eq!(p.validate().is_ok(), !all_zero);
    }

    #[test]
    fn an_override_adds_exactly_one_path_line(
        i in any_input(),
        p in any_policy(),
        reason in "[ぁ-ん]{1,10}",
        pr in proptest::option::of(prop_oneof![Just(Priority::High), Just(Priority::Medium), Just(Priority::Low)]),
    ) {
        let r = triage(&i, &p);
        let o = Override { priority: pr, approach: Some(Approach::Community), reason: reason.clone() };
        let changed = apply_override(r.clone(), &o);
        prop_assert!(changed.is_ok());
        let changed = changed.unwrap_or(r.clone());
        prop_assert_eq!(changed.path.len(), r.path.len() + 1);
        prop_assert_eq!(&changed.path[..r.path.len()], &r.path[..]);
        let expected_line = format!("職員による変更: {reason}");
        prop_assert_eq!(changed.path.last(), Some(&expected_line));
        prop_assert_eq!(changed.priority, pr.unwrap_or(r.priority));
    }
}
