use super::*;

fn input() -> TriageInput {
    TriageInput {
        hazards: HomeHazards::default(),
        condition: Condition::default(),
        living: LivingSituation::default(),
        community: Help::Unknown,
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
        storm_surge: true,
    };
    assert_eq!(
        all.labels(),
        vec!["洪水", "内水氾濫", "津波", "家屋倒壊", "土砂災害", "高潮"]
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
            family: Help::No,
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
    // No ties with the neighbours is the community question's, not the household's.
    let no_ties = LivingSituation {
        no_ties_with_neighbours: true,
        ..Default::default()
    };
    assert_eq!(self_evacuation(&no_ties), SelfEvacuation::Can);
    // Unknown family help is not help.
    let unknown = LivingSituation {
        family: Help::Unknown,
        ..Default::default()
    };
    assert_eq!(self_evacuation(&unknown), SelfEvacuation::Unconfirmed);
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
        community: Help::Unknown,
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
        i.community = Help::Yes;
        let r = triage(&i, &PriorityPolicy::default());
        assert_eq!(r.priority, Priority::High, "{condition:?}");
        assert_eq!(r.approach, Approach::WelfareProfessional, "{condition:?}");
        let named = condition.kinds()[0].label();
        assert_eq!(
            r.path,
            vec![
                "3つの観点の点数 3（高 3 点以上、中 2 点以上）".to_owned(),
                "優先度「高」: 優先的に作成する".to_owned(),
                "本人・家族だけでの避難は困難".to_owned(),
                format!("判断・意思疎通・移動が全般的に困難（{named}） → （ウ）福祉専門職と作成"),
            ],
            "{condition:?}"
        );
        assert!(r.to_confirm.is_empty());
    }
}

#[test]
fn leaf_i_community_helps_make_the_plan() {
    let mut i = input();
    i.hazards = flood();
    i.living.lives_alone = true;
    i.community = Help::Yes;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(r.priority, Priority::Medium);
    assert_eq!(r.approach, Approach::Community);
    assert_eq!(
        r.path,
        vec![
            "3つの観点の点数 2（高 3 点以上、中 2 点以上）".to_owned(),
            "優先度「中」: 優先的に作成する".to_owned(),
            "本人・家族だけでの避難は困難".to_owned(),
            "判断・意思疎通・移動に全般的な困難はない → 地域の協力で作成できるか".to_owned(),
            "地域の見守り・自治会の把握あり → （イ）地域と作成".to_owned(),
        ]
    );
}

#[test]
fn leaf_u_when_the_community_cannot_help() {
    let mut i = input();
    i.hazards = flood();
    i.living.alone_in_daytime = true;
    i.community = Help::No;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(r.priority, Priority::Medium);
    assert_eq!(r.approach, Approach::WelfareProfessional);
    assert_eq!(
        r.path[2..],
        [
            "日中は本人だけになり、避難できない場合がある".to_owned(),
            "判断・意思疎通・移動に全般的な困難はない → 地域の協力で作成できるか".to_owned(),
            "地域の協力が得られない → （ウ）福祉専門職と作成".to_owned(),
        ]
    );
}

#[test]
fn care_level_three_living_alone_goes_to_the_community_question() {
    let mut i = input();
    i.hazards = flood();
    i.condition.needs_care_level = Some(3);
    i.living.lives_alone = true;
    i.community = Help::Yes;
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
        conditions: ConditionPolicy::default(),
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
            "conditions": {
                "point2": [
                    "dementia", "cannot_move_alone", "specialised_transport",
                    "severe_intellectual_disability", "medical_care",
                    "physical_disability_grade1_to2", "visual_impairment", "hearing_impairment",
                    "mental_disability_grade1_to2", "intractable_disease"
                ],
                "point2_care_from": 3,
                "generally_hard": [
                    "dementia", "specialised_transport", "severe_intellectual_disability",
                    "medical_care"
                ],
                "generally_hard_care_from": 4,
            },
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
    for c in Help::ALL {
        assert_eq!(serde_json::to_value(c).ok(), Some(c.code().into()));
        assert!(!c.label().is_empty());
    }
    assert_eq!(Priority::parse("urgent"), None);
    assert_eq!(Approach::parse("エ"), None);
}

mod properties;
mod questions;
