use super::*;
use proptest::prelude::*;

fn org(n: u8) -> OrganisationId {
    OrganisationId(uuid::Uuid::from_bytes([n; 16]))
}

fn claim(n: u8) -> Claim {
    Claim {
        organisation_id: org(n),
        organisation: format!("団体{n}"),
        by: format!("user{n}"),
        on: day(5),
        knowing_of: Vec::new(),
    }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default()
}

fn input() -> MeetingInput {
    MeetingInput {
        title: "第1回ケース会議".into(),
        starts_at: day(10).and_hms_opt(13, 30, 0).unwrap_or_default(),
        place: Some("市役所 302会議室".into()),
        agenda: vec![uuid::Uuid::from_bytes([1; 16])],
        participants: vec![Participant {
            organisation_id: org(1),
            organisation: "社協".into(),
            attendees: Some("山田".into()),
        }],
        basis: ReferralBasis::Consent,
    }
}

#[test]
fn a_meeting_needs_a_title_cases_and_participants_each_once() {
    assert!(input().validate().is_ok());
    let mut m = input();
    m.title = "  ".into();
    m.agenda.clear();
    m.participants.clear();
    let e = m
        .validate()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("会議の名前"), "{e}");
    assert!(e.contains("ケースを選んで"), "{e}");
    assert!(e.contains("団体を選んで"), "{e}");
    let mut m = input();
    m.agenda.push(m.agenda[0]);
    m.participants.push(m.participants[0].clone());
    let e = m
        .validate()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("同じケース") && e.contains("同じ団体"), "{e}");
    let mut m = input();
    m.agenda = (0..=MAX_AGENDA as u8)
        .map(|i| uuid::Uuid::from_bytes([i; 16]))
        .collect();
    assert!(m.validate().is_err());
}

fn minutes(case: uuid::Uuid) -> Minutes {
    Minutes {
        held_on: day(10),
        cases: vec![CaseMinute {
            case_id: case,
            situation: "屋根の応急修理が済んでいない".into(),
            policy: "応急修理の申請に同行する".into(),
            tasks: vec![TaskInput {
                what: "応急修理の申請に同行".into(),
                organisation_id: Some(org(1)),
                due_on: Some(day(20)),
            }],
            next_review_on: Some(day(24)),
        }],
        notes: None,
    }
}

#[test]
fn minutes_keep_to_the_agenda_and_the_participants() {
    let case = uuid::Uuid::from_bytes([1; 16]);
    let ok = minutes(case).validate(&[case], &[org(1)], day(10));
    assert!(ok.is_ok());
    // A case not on the agenda.
    assert!(minutes(case).validate(&[], &[org(1)], day(10)).is_err());
    // A task given to an organisation not in the meeting.
    assert!(minutes(case).validate(&[case], &[org(2)], day(10)).is_err());
    // Minutes of a meeting not yet held.
    assert!(minutes(case).validate(&[case], &[org(1)], day(9)).is_err());
    // No policy.
    let mut m = minutes(case);
    m.cases[0].policy = " ".into();
    assert!(m.validate(&[case], &[org(1)], day(10)).is_err());
    // A task due before the meeting; a review on the day of the meeting.
    let mut m = minutes(case);
    m.cases[0].tasks[0].due_on = Some(day(9));
    assert!(m.validate(&[case], &[org(1)], day(10)).is_err());
    let mut m = minutes(case);
    m.cases[0].next_review_on = Some(day(10));
    assert!(m.validate(&[case], &[org(1)], day(10)).is_err());
    // Blank task rows are dropped, not refused.
    let mut m = minutes(case);
    m.cases[0].tasks.push(TaskInput {
        what: "  ".into(),
        organisation_id: None,
        due_on: None,
    });
    let m = m.validate(&[case], &[org(1)], day(10));
    assert_eq!(m.map(|m| m.cases[0].tasks.len()).ok(), Some(1));
}

#[test]
fn a_second_claim_shows_the_first_and_is_taken_only_knowingly() {
    let mut t = TaskBody::new("住宅の相談に同行".into(), Some(day(20)), None);
    assert!(t.claim(claim(1), false).is_ok());
    match t.claim(claim(2), false) {
        Err(ClaimRefused::Taken(first)) => {
            assert_eq!(first.len(), 1);
            assert_eq!(first[0].organisation_id, org(1));
            let m = ClaimRefused::Taken(first).message();
            assert!(m.contains("団体1") && m.contains("user1"), "{m}");
        }
        other => panic!("expected the first claim shown, got {other:?}"),
    }
    assert_eq!(t.claims.len(), 1);
    assert!(t.claim(claim(2), true).is_ok());
    assert_eq!(t.claims[1].knowing_of, vec!["団体1".to_owned()]);
    assert_eq!(t.claim(claim(1), true), Err(ClaimRefused::AlreadyOurs));
    assert!(t.release(org(1)).is_ok());
    assert!(t.release(org(1)).is_err());
    assert!(!t.claimed_by(org(1)));
}

#[test]
fn a_task_ends_once_and_is_overdue_only_while_open() {
    let mut t = TaskBody::new("書類の準備".into(), Some(day(10)), Some(claim(1)));
    assert!(!t.overdue(day(10)));
    assert!(t.overdue(day(11)));
    let end = TaskEnd {
        on: day(11),
        by: "user1".into(),
        note: Some("申請済み".into()),
    };
    assert!(t.end(TaskState::Open, end.clone()).is_err());
    assert!(t.end(TaskState::Done, end.clone()).is_ok());
    assert!(!t.overdue(day(12)));
    assert!(t.end(TaskState::Dropped, end).is_err());
    assert_eq!(t.claim(claim(2), true), Err(ClaimRefused::NotOpen));
}

proptest! {
    /// Whatever order organisations claim in, nobody holds a task without knowing of every
    /// organisation that held it before: each claim names exactly the claims before it.
    #[test]
    fn no_two_organisations_hold_a_task_unknowingly(
        steps in proptest::collection::vec((0u8..5, any::<bool>(), any::<bool>()), 0..40)
    ) {
        let mut t = TaskBody::new("作業".into(), None, None);
        for (who, knowing, release) in steps {
            if release {
                let _ = t.release(org(who));
            } else {
                let before: Vec<String> = t.claims.iter().map(|c| c.organisation.clone()).collect();
                let r = t.claim(claim(who), knowing);
                match r {
                    Ok(()) => {
                        prop_assert!(knowing || before.is_empty());
                        prop_assert_eq!(&t.claims.last().map(|c| c.knowing_of.clone()).unwrap_or_default(), &before);
                    }
                    Err(ClaimRefused::Taken(first)) => {
                        prop_assert!(!knowing);
                        prop_assert!(!first.is_empty());
                    }
                    Err(ClaimRefused::AlreadyOurs) => prop_assert!(t.claimed_by(org(who))),
                    Err(ClaimRefused::NotOpen) => prop_assert!(false),
                }
            }
            let mut seen = HashSet::new();
            prop_assert!(t.claims.iter().all(|c| seen.insert(c.organisation_id)));
        }
    }
}
