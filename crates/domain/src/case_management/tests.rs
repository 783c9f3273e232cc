use super::*;
use proptest::prelude::*;

fn issue(category: IssueCategory, severity: Severity) -> IssueAssessment {
    IssueAssessment {
        category,
        severity,
        notes: None,
    }
}

#[test]
fn absences_count_since_the_household_was_last_met() {
    use VisitOutcome::*;
    assert_eq!(absences_in_a_row(&[]), 0);
    assert_eq!(absences_in_a_row(&[Absent, Absent, Absent]), 3);
    assert_eq!(absences_in_a_row(&[Absent, Met, Absent, Absent]), 2);
    assert_eq!(absences_in_a_row(&[Absent, Refused, Absent]), 2);
}

#[test]
fn never_reached_households_come_first_escalated_before_the_rest() {
    let never = QueueFacts::default();
    let escalated = QueueFacts {
        absences_in_a_row: 3,
        ..QueueFacts::default()
    };
    let reached_high_risk = QueueFacts {
        reached: true,
        roster_priority: Some(Priority::High),
        damage: Some(DamageLevel::Total),
        oldest_age: Some(90),
        lives_alone: true,
        ..QueueFacts::default()
    };
    let never_risky = QueueFacts {
        roster_priority: Some(Priority::High),
        ..QueueFacts::default()
    };
    let mut v = [&reached_high_risk, &never, &never_risky, &escalated];
    v.sort_by_key(|f| queue_key(f));
    assert_eq!(v[0], &escalated);
    assert_eq!(v[1], &never_risky);
    assert_eq!(v[2], &never);
    assert_eq!(v[3], &reached_high_risk);
}

#[test]
fn the_proposal_follows_the_two_axes() {
    use IssueCategory as C;
    assert_eq!(propose(&[]), HouseholdType::SelfReliant);
    assert_eq!(
        propose(&[issue(C::Housing, Severity::Low)]),
        HouseholdType::SelfReliant
    );
    assert_eq!(
        propose(&[issue(C::Housing, Severity::Medium)]),
        HouseholdType::Housing
    );
    assert_eq!(
        propose(&[issue(C::Welfare, Severity::High)]),
        HouseholdType::DailyLife
    );
    assert_eq!(
        propose(&[
            issue(C::Housing, Severity::High),
            issue(C::Health, Severity::Medium),
            issue(C::Legal, Severity::Low),
        ]),
        HouseholdType::Both
    );
    assert_eq!(
        propose(&[issue(C::LivingFunds, Severity::High)]),
        HouseholdType::Housing
    );
}

#[test]
fn a_case_closes_with_a_reason_and_reopens_keeping_the_history() {
    let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default();
    let mut b = CaseBody::default();
    let c = Classification {
        household_type: HouseholdType::Both,
        proposed: HouseholdType::Housing,
        reason: "  ".into(),
        decided_on: day,
        decided_by: "staff".into(),
    };
    assert!(b.classify(c.clone()).is_err(), "a reason is required");
    b.classify(Classification {
        reason: "通院の付き添いが必要".into(),
        ..c.clone()
    })
    .expect("classified");
    assert_eq!(b.current_type(), Some(HouseholdType::Both));
    let closing = Closing {
        reason: ClosingReason::Recovered,
        closed_on: day,
        note: None,
    };
    b.close(closing.clone()).expect("closed");
    assert!(b.close(closing.clone()).is_err());
    assert!(
        b.classify(Classification {
            reason: "x".into(),
            ..c
        })
        .is_err()
    );
    b.reopen().expect("reopened");
    assert!(b.reopen().is_err());
    assert_eq!(b.closed_before, vec![closing]);
}

#[test]
fn a_visit_is_checked() {
    let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default();
    let v = VisitInput {
        visited_on: day,
        visitors: vec![" ".into()],
        outcome: VisitOutcome::Absent,
        seen: None,
        issues: vec![issue(IssueCategory::Housing, Severity::High)],
        other_issues: Vec::new(),
        next_visit_on: Some(day - chrono::Duration::days(1)),
    };
    let e = v.validate(day, day).expect_err("refused");
    let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["visitors", "issues", "next_visit_on"]);
}

fn severity() -> impl Strategy<Value = Severity> {
    prop_oneof![
        Just(Severity::Low),
        Just(Severity::Medium),
        Just(Severity::High)
    ]
}

proptest! {
    /// Adding an issue never lowers the proposal: support needed on an axis stays needed.
    #[test]
    fn more_issues_never_lower_the_proposal(
        cats in proptest::collection::vec(0usize..7, 0..7),
        sevs in proptest::collection::vec(severity(), 7),
        extra in 0usize..7, extra_sev in severity(),
    ) {
        let mut issues: Vec<IssueAssessment> = Vec::new();
        for (i, c) in cats.iter().enumerate() {
            let category = IssueCategory::ALL[*c];
            if issues.iter().all(|x| x.category != category) {
                issues.push(issue(category, sevs[i % 7]));
            }
        }
        let axes = |t: HouseholdType| match t {
            HouseholdType::SelfReliant => (false, false),
            HouseholdType::DailyLife => (false, true),
            HouseholdType::Housing => (true, false),
            HouseholdType::Both => (true, true),
        };
        let before = axes(propose(&issues));
        issues.push(issue(IssueCategory::ALL[extra], extra_sev));
        let after = axes(propose(&issues));
        prop_assert!(after.0 >= before.0 && after.1 >= before.1);
    }
}

#[test]
fn a_review_revises_the_policy_and_moves_the_next_review() {
    let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default();
    let later = day + chrono::Duration::days(30);
    let mut b = CaseBody {
        next_review_on: Some(day),
        ..CaseBody::default()
    };
    assert!(b.review_due(day));
    assert!(!b.review_due(day - chrono::Duration::days(1)));
    let r = Review {
        reviewed_on: day,
        progress: vec![IssueProgress {
            category: IssueCategory::Housing,
            progress: Progress::Improved,
        }],
        policy: " ".into(),
        next_review_on: Some(day),
        reviewed_by: "staff".into(),
        meeting: None,
    };
    let e = b.review(r.clone()).expect_err("refused");
    assert_eq!(e.0.len(), 2, "{e:?}");
    b.review(Review {
        policy: "応急修理の申請に付き添う".into(),
        next_review_on: Some(later),
        ..r
    })
    .expect("reviewed");
    assert_eq!(b.next_review_on, Some(later));
    assert!(!b.review_due(day));
    assert_eq!(b.reviews.len(), 1);
    b.close(Closing {
        reason: ClosingReason::Recovered,
        closed_on: day,
        note: None,
    })
    .expect("closed");
    assert!(!b.review_due(later), "a closed case is not due");
}

#[test]
fn handovers_need_a_reason_and_keep_the_shares_in_step() {
    let org = |n: u8| crate::OrganisationId(uuid::Uuid::from_bytes([n; 16]));
    let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default();
    let h = |kind, to: u8, reason: &str| Handover {
        kind,
        from: org(1),
        from_name: "潮見市".into(),
        to: org(to),
        to_name: format!("団体{to}"),
        on: day,
        by: "staff".into(),
        reason: reason.into(),
        whereabouts: Some("都道府県外（福岡市）".into()),
    };
    let mut b = CaseBody::default();
    assert!(b.hand_over(h(HandoverKind::Share, 2, " ")).is_err());
    assert!(b.hand_over(h(HandoverKind::Share, 1, "自分")).is_err());
    assert!(
        b.hand_over(h(HandoverKind::Unshare, 2, "共有していない"))
            .is_err()
    );
    assert!(b.hand_over(h(HandoverKind::Share, 2, "県外避難")).is_ok());
    assert!(b.hand_over(h(HandoverKind::Share, 2, "二度目")).is_err());
    assert_eq!(b.shared_with, vec![org(2)]);
    // Transferring to the one it was shared with: it owns the case now, not shares it.
    assert!(
        b.hand_over(h(HandoverKind::Transfer, 2, "避難先で支援"))
            .is_ok()
    );
    assert!(b.shared_with.is_empty());
    assert_eq!(b.handovers.len(), 2);
    b.close(Closing {
        reason: ClosingReason::MovedAway,
        closed_on: day,
        note: None,
    })
    .expect("closed");
    assert!(b.hand_over(h(HandoverKind::Transfer, 3, "再移管")).is_err());
}
