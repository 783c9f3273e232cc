//! Property tests of the triage rules.

use super::super::*;
use proptest::prelude::*;

// ---- Properties ----

prop_compose! {
    fn any_input()(
        h in any::<[bool; 6]>(),
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
                storm_surge: h[5],
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
        h.flood || h.inland_flood || h.tsunami || h.house_collapse || h.landslide || h.storm_surge,
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
