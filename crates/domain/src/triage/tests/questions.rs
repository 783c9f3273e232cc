//! The decision flow's questions (要確認) and the municipality's condition policy.

use super::super::*;
use super::{flood, has_line, hazard_alone_is_medium, input};

#[test]
fn unknown_community_help_is_asked_and_provisionally_i() {
    let mut i = input();
    i.hazards = flood();
    i.living.elderly_only_household = true;
    i.community = Help::Unknown;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(r.approach, Approach::Community);
    assert_eq!(r.to_confirm, vec![Question::CommunityHelp]);
    assert!(r.needs_confirmation());
    assert_eq!(
        r.path[3..],
        [
            "判断・意思疎通・移動に全般的な困難はない → 地域の協力で作成できるか".to_owned(),
            "地域の協力が得られるか未確認 → 要確認（民生委員・自治会に確認）".to_owned(),
            "確認できるまでは（イ）地域と作成として進める".to_owned(),
        ]
    );
}

#[test]
fn no_ties_with_neighbours_answers_the_community_question_not_the_household() {
    let mut i = input();
    i.hazards = flood();
    i.living.no_ties_with_neighbours = true;
    // A capable family: (ア), whatever the neighbours.
    let r = triage(&i, &hazard_alone_is_medium());
    assert_eq!(r.approach, Approach::PersonOrFamily);
    // Living alone with no ties: the community cannot be counted on → (ウ), nothing to ask.
    i.living.lives_alone = true;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(r.approach, Approach::WelfareProfessional);
    assert!(r.to_confirm.is_empty());
    assert!(has_line(
        &r,
        "近所とのつながりがない → 地域の協力は得られないものとする"
    ));
    // Unless the 自治会 has said it knows and helps them.
    i.community = Help::Yes;
    assert_eq!(
        triage(&i, &PriorityPolicy::default()).approach,
        Approach::Community
    );
}

#[test]
fn unknown_family_help_is_never_taken_as_help() {
    // A bedridden person on a ventilator whose family's help is not known: not (ア).
    let mut i = input();
    i.hazards = flood();
    i.condition.medical_care = true;
    i.condition.needs_care_level = Some(5);
    i.living.family = Help::Unknown;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(r.approach, Approach::WelfareProfessional);
    assert_eq!(r.to_confirm, vec![Question::FamilyHelp]);
    assert!(has_line(&r, "家族が避難を支援できるか未確認"));
    // The family answers that they can: (ア), nothing left to confirm.
    i.living.family = Help::Yes;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(r.approach, Approach::PersonOrFamily);
    assert!(r.to_confirm.is_empty());
    // Both unknown: both asked, in order.
    let mut j = input();
    j.hazards = flood();
    j.condition.needs_care_level = Some(3);
    j.living.family = Help::Unknown;
    let r = triage(&j, &PriorityPolicy::default());
    assert_eq!(
        r.to_confirm,
        vec![Question::FamilyHelp, Question::CommunityHelp]
    );
    assert_eq!(r.approach, Approach::Community);
}

#[test]
fn care_level_five_with_a_wheelchair_is_generally_hard() {
    let mut i = input();
    i.hazards = flood();
    i.condition.needs_care_level = Some(5);
    i.condition.cannot_move_alone = true;
    i.living.lives_alone = true;
    i.community = Help::Yes;
    let r = triage(&i, &PriorityPolicy::default());
    assert_eq!(r.approach, Approach::WelfareProfessional);
    assert!(has_line(&r, "全般的に困難（要介護5）"));
    assert!(!has_line(&r, "全般的な困難はない"));
}

#[test]
fn the_policy_says_which_conditions_count() {
    let mut i = input();
    i.hazards = flood();
    i.condition.visual_impairment = true;
    i.condition.physical_disability_grade = Some(2);
    i.condition.mental_disability_grade = Some(3);
    let mut p = PriorityPolicy::default();
    let r = triage(&i, &p);
    assert_eq!(
        r.reasons[1],
        "本人の心身の状況: 身体障害者手帳1・2級、視覚障害"
    );
    assert_eq!(r.priority, Priority::Medium);
    // A municipality that counts neither: point 2 does not apply.
    p.conditions.point2.retain(|k| {
        !matches!(
            k,
            ConditionKind::VisualImpairment | ConditionKind::PhysicalDisabilityGrade1To2
        )
    });
    let r = triage(&i, &p);
    assert_eq!((r.reasons.len(), r.priority), (1, Priority::Low));
    // One that takes a visual impairment as generally hard sends a person living alone to (ウ).
    let mut p = PriorityPolicy::default();
    p.conditions
        .generally_hard
        .push(ConditionKind::VisualImpairment);
    i.living.lives_alone = true;
    i.community = Help::Yes;
    let r = triage(&i, &p);
    assert_eq!(r.approach, Approach::WelfareProfessional);
    assert!(has_line(&r, "全般的に困難（視覚障害）"));
    // The care level's thresholds are the policy's too.
    let mut j = input();
    j.hazards = flood();
    j.condition.needs_care_level = Some(3);
    let mut p = PriorityPolicy::default();
    p.conditions.point2_care_from = None;
    assert_eq!(triage(&j, &p).priority, Priority::Low);
    p.conditions.point2_care_from = Some(2);
    j.condition.needs_care_level = Some(2);
    assert_eq!(triage(&j, &p).priority, Priority::Medium);
}

#[test]
fn condition_policies_are_validated_and_normalised() {
    let mut p = PriorityPolicy::default();
    p.conditions.point2_care_from = Some(6);
    assert!(p.validate().is_err());
    p.conditions.point2_care_from = Some(0);
    assert!(p.validate().is_err());
    let mut p = PriorityPolicy::default();
    p.conditions.generally_hard = vec![
        ConditionKind::MedicalCare,
        ConditionKind::Dementia,
        ConditionKind::MedicalCare,
    ];
    let saved = p.checked().expect("valid");
    assert_eq!(
        saved.conditions.generally_hard,
        vec![ConditionKind::Dementia, ConditionKind::MedicalCare]
    );
    // A policy saved before conditions were settable reads as the default.
    let old = r#"{"version":3,"weights":{"hazard":1,"condition":1,"living":1},"high_at":3,"medium_at":2,"require_hazard_for_high":true}"#;
    let read: PriorityPolicy = serde_json::from_str(old).expect("reads");
    assert_eq!(read.conditions, ConditionPolicy::default());
}

#[test]
fn an_override_of_the_approach_settles_the_questions() {
    let mut i = input();
    i.hazards = flood();
    i.living.lives_alone = true;
    let r = triage(&i, &PriorityPolicy::default());
    assert!(r.needs_confirmation());
    let pr = apply_override(
        r.clone(),
        &Override {
            priority: Some(Priority::High),
            approach: None,
            reason: "本人から聞き取り".into(),
        },
    )
    .expect("ok");
    assert!(pr.needs_confirmation(), "a priority alone settles nothing");
    let ap = apply_override(
        r,
        &Override {
            priority: None,
            approach: Some(Approach::WelfareProfessional),
            reason: "自治会長と相談済み".into(),
        },
    )
    .expect("ok");
    assert!(!ap.needs_confirmation());
}
