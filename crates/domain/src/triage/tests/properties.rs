//! Property tests of the triage rules.

use super::super::*;
use proptest::prelude::*;

// ---- Properties ----

fn any_help() -> impl Strategy<Value = Help> {
    prop_oneof![Just(Help::Yes), Just(Help::No), Just(Help::Unknown)]
}

fn any_kinds() -> impl Strategy<Value = Vec<ConditionKind>> {
    proptest::sample::subsequence(ConditionKind::ALL.to_vec(), 0..=ConditionKind::ALL.len())
}

prop_compose! {
    fn any_input()(
        h in any::<[bool; 6]>(),
        c in any::<[bool; 8]>(),
        care in proptest::option::of(1u8..=5),
        physical in proptest::option::of(1u8..=6),
        mental in proptest::option::of(1u8..=3),
        l in any::<[bool; 4]>(),
        family in any_help(),
        community in any_help(),
    ) -> TriageInput {
        TriageInput {
            hazards: HomeHazards {
                flood: h[0],
                inland_flood: h[1],
                tsunami: h[2],
                house_collapse: h[3],
                landslide: h[4],
                storm_surge: h[5],
            },
            condition: Condition {
                dementia: c[0],
                cannot_move_alone: c[1],
                needs_specialised_transport: c[2],
                severe_intellectual_disability: c[3],
                medical_care: c[4],
                needs_care_level: care,
                physical_disability_grade: physical,
                visual_impairment: c[5],
                hearing_impairment: c[6],
                mental_disability_grade: mental,
                intractable_disease: c[7],
            },
            living: LivingSituation {
                lives_alone: l[0],
                elderly_only_household: l[1],
                alone_in_daytime: l[2],
                family,
                no_ties_with_neighbours: l[3],
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
        point2 in any_kinds(),
        point2_care_from in proptest::option::of(1u8..=5),
        generally_hard in any_kinds(),
        generally_hard_care_from in proptest::option::of(1u8..=5),
    ) -> PriorityPolicy {
        PriorityPolicy {
            version: 7,
            weights: Weights { hazard: h, condition: c, living: l },
            high_at: high,
            medium_at: medium.min(high),
            require_hazard_for_high: req,
            conditions: ConditionPolicy {
                point2,
                point2_care_from,
                generally_hard,
                generally_hard_care_from,
            },
        }
    }
}

/// Does the person have a condition of `kinds`, or a care level from `from`? Written
/// independently of the code under test.
fn counts(c: &Condition, kinds: &[ConditionKind], from: Option<u8>) -> bool {
    let has = |k: ConditionKind| match k {
        ConditionKind::Dementia => c.dementia,
        ConditionKind::CannotMoveAlone => c.cannot_move_alone,
        ConditionKind::SpecialisedTransport => c.needs_specialised_transport,
        ConditionKind::SevereIntellectualDisability => c.severe_intellectual_disability,
        ConditionKind::MedicalCare => c.medical_care,
        ConditionKind::PhysicalDisabilityGrade1To2 => {
            matches!(c.physical_disability_grade, Some(1 | 2))
        }
        ConditionKind::VisualImpairment => c.visual_impairment,
        ConditionKind::HearingImpairment => c.hearing_impairment,
        ConditionKind::MentalDisabilityGrade1To2 => {
            matches!(c.mental_disability_grade, Some(1 | 2))
        }
        ConditionKind::IntractableDisease => c.intractable_disease,
    };
    kinds.iter().any(|k| has(*k))
        || matches!((c.needs_care_level, from), (Some(level), Some(f)) if level >= f)
}

/// Which points apply, written independently of the code under test.
fn points(i: &TriageInput, p: &PriorityPolicy) -> [bool; 3] {
    let h = &i.hazards;
    let l = &i.living;
    [
        h.flood || h.inland_flood || h.tsunami || h.house_collapse || h.landslide || h.storm_surge,
        counts(
            &i.condition,
            &p.conditions.point2,
            p.conditions.point2_care_from,
        ),
        l.lives_alone
            || l.elderly_only_household
            || l.alone_in_daytime
            || l.family == Help::No
            || l.no_ties_with_neighbours,
    ]
}

proptest! {
    #[test]
    fn deterministic_and_well_formed(i in any_input(), p in any_policy()) {
        let a = triage(&i, &p);
        prop_assert_eq!(&a, &triage(&i, &p));
        prop_assert!(!a.path.is_empty());
        let applying = points(&i, &p).iter().filter(|x| **x).count();
        prop_assert_eq!(a.reasons.len(), applying);
        prop_assert_eq!(a.policy_version, 7);
    }

    #[test]
    fn score_and_priority_follow_the_policy(i in any_input(), p in any_policy()) {
        let [h, c, l] = points(&i, &p);
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
        let l = &i.living;
        let hard = counts(&i.condition, &p.conditions.generally_hard, p.conditions.generally_hard_care_from);
        let household_decided = l.lives_alone || l.elderly_only_household || l.alone_in_daytime || l.family == Help::No;
        let community = if i.community == Help::Unknown && l.no_ties_with_neighbours {
            Help::No
        } else {
            i.community
        };
        let mut questions = Vec::new();
        let expected = if r.priority == Priority::Low {
            Approach::SelfPreparedness
        } else if !household_decided && l.family == Help::Yes {
            Approach::PersonOrFamily
        } else {
            if !household_decided {
                questions.push(Question::FamilyHelp);
            }
            if hard {
                Approach::WelfareProfessional
            } else {
                match community {
                    Help::Yes => Approach::Community,
                    Help::No => Approach::WelfareProfessional,
                    Help::Unknown => {
                        questions.push(Question::CommunityHelp);
                        Approach::Community
                    }
                }
            }
        };
        prop_assert_eq!(r.approach, expected);
        prop_assert_eq!(&r.to_confirm, &questions);
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
    fn an_unknown_is_never_taken_as_help(i in any_input(), p in any_policy()) {
        let r = triage(&i, &p);
        if i.living.family == Help::Unknown {
            prop_assert_ne!(r.approach, Approach::PersonOrFamily);
        }
        // Each question asked is about an unknown, and answering it settles it.
        for q in &r.to_confirm {
            let mut answered = i;
            match q {
                Question::FamilyHelp => {
                    prop_assert_eq!(i.living.family, Help::Unknown);
                    answered.living.family = Help::Yes;
                }
                Question::CommunityHelp => {
                    prop_assert_eq!(i.community, Help::Unknown);
                    answered.community = Help::Yes;
                }
            }
            let again = triage(&answered, &p);
            prop_assert!(!again.to_confirm.contains(q));
            prop_assert_eq!(again.priority, r.priority, "an answer of help changes no priority");
        }
    }

    #[test]
    fn questions_are_asked_only_of_priority_people(i in any_input(), p in any_policy()) {
        let r = triage(&i, &p);
        prop_assert!(r.priority != Priority::Low || r.to_confirm.is_empty());
        let mut sorted = r.to_confirm.clone();
        sorted.sort();
        sorted.dedup();
        prop_assert_eq!(sorted, r.to_confirm);
    }

    #[test]
    fn adding_a_flag_never_lowers_priority(i in any_input(), p in any_policy(), which in 0usize..19) {
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
            13 => more.living.family = Help::No,
            14 => more.living.no_ties_with_neighbours = true,
            16 => more.condition.visual_impairment = true,
            17 => more.condition.hearing_impairment = true,
            18 => more.condition.intractable_disease = true,
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
