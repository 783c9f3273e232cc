use super::*;
use proptest::prelude::*;

const ALL_DONE: Progress = Progress {
    consent_given: true,
    plan_complete: true,
    plan_written: true,
    meeting_held: true,
};

#[test]
fn each_approach_follows_the_guide_to_done() {
    for (approach, expected) in [
        (
            Approach::PersonOrFamily,
            vec!["送付", "本人・家族", "確認", "提供", "完了"],
        ),
        (
            Approach::Community,
            vec![
                "同意の確認",
                "地域への説明",
                "調整会議",
                "地域・本人",
                "確認",
                "提供",
                "完了",
            ],
        ),
        (
            Approach::WelfareProfessional,
            vec!["依頼", "訪問", "福祉専門職による", "確認", "提供", "完了"],
        ),
    ] {
        let mut step = first_step(approach).unwrap_or(Step::Done);
        let mut seen = vec![step];
        while step != Step::Done {
            step = advance(approach, step, ALL_DONE, false).unwrap_or(Step::Done);
            seen.push(step);
        }
        assert_eq!(seen.len(), expected.len(), "{approach:?}");
        for (s, want) in seen.iter().zip(expected) {
            assert!(s.label().contains(want), "{} !~ {want}", s.label());
        }
        assert_eq!(
            advance(approach, Step::Done, ALL_DONE, false),
            Err(Blocked::Finished)
        );
    }
    assert_eq!(first_step(Approach::SelfPreparedness), None);
}

#[test]
fn the_approach_changes_mid_way_with_a_reason() {
    use Approach::*;
    let none = Progress::default();
    assert_eq!(
        change_approach(
            PersonOrFamily,
            Step::PersonWritesPlan,
            WelfareProfessional,
            none,
            "返送がない"
        ),
        Ok(Step::BriefProfessional)
    );
    // A written plan keeps its place: straight to the municipal check.
    assert_eq!(
        change_approach(
            PersonOrFamily,
            Step::PersonWritesPlan,
            Community,
            ALL_DONE,
            "地域で支える"
        ),
        Ok(Step::MunicipalCheck)
    );
    assert_eq!(
        change_approach(PersonOrFamily, Step::SendForms, PersonOrFamily, none, "x"),
        Err(Blocked::SameApproach)
    );
    assert_eq!(
        change_approach(PersonOrFamily, Step::SendForms, Community, none, "  "),
        Err(Blocked::NoReason)
    );
    assert_eq!(
        change_approach(PersonOrFamily, Step::SendForms, SelfPreparedness, none, "x"),
        Err(Blocked::NoWorkflowForApproach)
    );
    assert_eq!(
        change_approach(Community, Step::Done, PersonOrFamily, ALL_DONE, "x"),
        Err(Blocked::Finished)
    );
}

#[test]
fn only_the_municipality_carries_out_its_own_steps() {
    for step in Step::ALL {
        assert_eq!(may_carry_out(step, true), Ok(()), "{step:?}");
        let by_others = may_carry_out(step, false);
        match step {
            Step::SendForms
            | Step::ExplainToCommunity
            | Step::BriefProfessional
            | Step::MunicipalCheck
            | Step::Share
            | Step::Done => assert_eq!(by_others, Err(Blocked::MunicipalityOnly), "{step:?}"),
            _ => assert_eq!(by_others, Ok(()), "{step:?}"),
        }
        // Every step the guide gives to someone else is open to them.
        if step.actor() != StepActor::Municipality {
            assert_eq!(by_others, Ok(()), "{step:?}");
        }
    }
    // 確認 and 提供 in particular, on every approach.
    for approach in [
        Approach::PersonOrFamily,
        Approach::Community,
        Approach::WelfareProfessional,
    ] {
        for step in steps(approach) {
            if matches!(step, Step::MunicipalCheck | Step::Share) {
                assert!(may_carry_out(*step, false).is_err());
            }
        }
    }
}

#[test]
fn actors_match_the_guide() {
    assert_eq!(Step::PersonWritesPlan.actor(), StepActor::PersonOrFamily);
    assert_eq!(Step::CommunityWritesPlan.actor(), StepActor::Community);
    assert_eq!(
        Step::ProfessionalVisits.actor(),
        StepActor::WelfareProfessional
    );
    assert_eq!(Step::MunicipalCheck.actor(), StepActor::Municipality);
    assert_eq!(Step::CoordinationMeeting.actor(), StepActor::Municipality);
}

#[test]
fn blockers() {
    let none = Progress::default();
    assert_eq!(
        advance(Approach::Community, Step::ConfirmConsent, none, false),
        Err(Blocked::NoConsent)
    );
    assert_eq!(
        advance(
            Approach::WelfareProfessional,
            Step::ProfessionalVisits,
            none,
            false
        ),
        Err(Blocked::NoConsent)
    );
    assert_eq!(
        advance(
            Approach::PersonOrFamily,
            Step::PersonWritesPlan,
            none,
            false
        ),
        Err(Blocked::NoPlan)
    );
    let written = Progress {
        consent_given: true,
        plan_written: true,
        plan_complete: false,
        meeting_held: false,
    };
    assert_eq!(
        advance(
            Approach::PersonOrFamily,
            Step::MunicipalCheck,
            written,
            false
        ),
        Err(Blocked::PlanIncomplete)
    );
    assert_eq!(
        advance(
            Approach::PersonOrFamily,
            Step::Share,
            Progress {
                consent_given: false,
                ..ALL_DONE
            },
            false
        ),
        Err(Blocked::NoConsent)
    );
    assert_eq!(
        advance(Approach::Community, Step::CoordinationMeeting, none, true),
        Ok(Step::CommunityWritesPlan)
    );
    // Held, not skipped: its record must be there.
    assert_eq!(
        advance(Approach::Community, Step::CoordinationMeeting, none, false),
        Err(Blocked::NoMeetingRecord)
    );
    assert_eq!(
        advance(
            Approach::Community,
            Step::CoordinationMeeting,
            Progress {
                meeting_held: true,
                ..none
            },
            false
        ),
        Ok(Step::CommunityWritesPlan)
    );
    assert_eq!(
        advance(Approach::Community, Step::ExplainToCommunity, none, true),
        Err(Blocked::NotSkippable)
    );
    assert_eq!(
        advance(Approach::Community, Step::SendForms, ALL_DONE, false),
        Err(Blocked::NotInWorkflow)
    );
    for o in Obstacle::ALL {
        assert!(!o.suggestion().is_empty());
        assert_eq!(Obstacle::parse(o.code()), Some(o));
    }
    for s in Step::ALL {
        assert_eq!(Step::parse(s.code()), Some(s));
    }
}

#[test]
fn switching_approach_keeps_a_written_plan() {
    assert_eq!(
        restart(
            Approach::WelfareProfessional,
            Progress {
                plan_written: true,
                ..Default::default()
            }
        ),
        Some(Step::MunicipalCheck)
    );
    assert_eq!(
        restart(Approach::Community, Progress::default()),
        Some(Step::ConfirmConsent)
    );
    assert_eq!(restart(Approach::SelfPreparedness, ALL_DONE), None);
}

fn approach() -> impl Strategy<Value = Approach> {
    prop_oneof![
        Just(Approach::PersonOrFamily),
        Just(Approach::Community),
        Just(Approach::WelfareProfessional)
    ]
}

proptest! {
    /// Whatever happens, a workflow only moves forward along its own steps, never reaches
    /// 提供 or 完了 without consent and a complete plan, and ends at 完了.
    #[test]
    fn only_forward_and_never_shared_without_consent_and_a_complete_plan(
        a in approach(),
        moves in proptest::collection::vec((any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()), 0..40),
    ) {
        let order = steps(a);
        let mut step = first_step(a).unwrap_or(Step::Done);
        for (consent, complete, written, meeting, skip) in moves {
            let p = Progress { consent_given: consent, plan_complete: complete && written, plan_written: written, meeting_held: meeting };
            if step == Step::CoordinationMeeting && !skip && !meeting {
                prop_assert_eq!(advance(a, step, p, skip), Err(Blocked::NoMeetingRecord));
            }
            if let Ok(next) = advance(a, step, p, skip) {
                let i = order.iter().position(|s| *s == step).unwrap_or(0);
                prop_assert_eq!(order.get(i + 1).copied(), Some(next));
                if next == Step::Share { prop_assert!(p.plan_complete); }
                if next == Step::Done { prop_assert!(p.consent_given); }
                step = next;
            }
        }
        prop_assert!(order.contains(&step));
    }
}
