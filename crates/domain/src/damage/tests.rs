use super::*;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

#[test]
fn every_boundary_of_the_table() {
    let cases = [
        (0.0, DamageLevel::Partial),
        (9.9, DamageLevel::Partial),
        (10.0, DamageLevel::NearHalf),
        (19.9, DamageLevel::NearHalf),
        (20.0, DamageLevel::Half),
        (29.9, DamageLevel::Half),
        (30.0, DamageLevel::MediumHalf),
        (35.0, DamageLevel::MediumHalf),
        (39.9, DamageLevel::MediumHalf),
        (40.0, DamageLevel::LargeHalf),
        (42.0, DamageLevel::LargeHalf),
        (49.9, DamageLevel::LargeHalf),
        (50.0, DamageLevel::Total),
        (100.0, DamageLevel::Total),
    ];
    for (p, level) in cases {
        assert_eq!(
            DamageRatio::from_percent(p).expect("ratio").level(),
            level,
            "{p}%"
        );
    }
    for bad in [-0.1, 100.1, f64::NAN, f64::INFINITY] {
        assert!(DamageRatio::from_percent(bad).is_err(), "{bad}");
    }
    assert_eq!(
        DamageRatio::from_percent(42.25).expect("r").to_string(),
        "42.3%"
    );
}

/// The levels as PROGRAMMES.md writes them: lower bound included, upper bound excluded.
fn by_table(tenths: u16) -> DamageLevel {
    let table = [
        (500, DamageLevel::Total),
        (400, DamageLevel::LargeHalf),
        (300, DamageLevel::MediumHalf),
        (200, DamageLevel::Half),
        (100, DamageLevel::NearHalf),
    ];
    table
        .iter()
        .find(|(from, _)| tenths >= *from)
        .map_or(DamageLevel::Partial, |(_, l)| *l)
}

proptest! {
    #[test]
    fn the_level_follows_the_table(t in 0u16..=1000) {
        let r = DamageRatio::from_tenths(t).expect("in range");
        prop_assert_eq!(r.level(), by_table(t));
    }

    #[test]
    fn more_damage_never_gives_a_lower_level(a in 0u16..=1000, b in 0u16..=1000) {
        let (lo, hi) = (a.min(b), a.max(b));
        let lo = DamageRatio::from_tenths(lo).expect("lo").level();
        let hi = DamageRatio::from_tenths(hi).expect("hi").level();
        prop_assert!(lo <= hi);
    }

    #[test]
    fn a_percent_reads_back(t in 0u16..=1000) {
        let r = DamageRatio::from_tenths(t).expect("t");
        prop_assert_eq!(DamageRatio::from_percent(r.percent()).expect("back"), r);
    }
}

fn survey(kind: SurveyKind, ratio: Option<f64>, collapsed: bool) -> SurveyInput {
    SurveyInput {
        kind,
        surveyed_on: d(2026, 12, 5),
        surveyors: vec!["調査班A".into()],
        damage_ratio: ratio,
        collapsed,
        notes: None,
    }
}

#[test]
fn a_survey_needs_a_ratio_or_a_collapse_by_named_surveyors_on_a_real_day() {
    let (today, day) = (d(2026, 12, 5), d(2026, 12, 4));
    let s = survey(SurveyKind::First, Some(35.0), false)
        .validate(today, day, false)
        .expect("valid");
    assert_eq!(s.level, DamageLevel::MediumHalf);
    let s = survey(SurveyKind::First, None, true)
        .validate(today, day, false)
        .expect("collapse");
    assert_eq!(s.level, DamageLevel::Total);
    let e = survey(SurveyKind::First, None, false)
        .validate(today, day, false)
        .expect_err("nothing");
    assert!(e.for_field("damage_ratio").is_some());
    let mut nobody = survey(SurveyKind::First, Some(12.0), false);
    nobody.surveyors = vec![" ".into()];
    assert!(
        nobody
            .validate(today, day, false)
            .expect_err("who")
            .for_field("surveyors")
            .is_some()
    );
    let mut early = survey(SurveyKind::First, Some(12.0), false);
    early.surveyed_on = d(2026, 12, 3);
    assert!(
        early
            .validate(today, day, false)
            .expect_err("early")
            .for_field("surveyed_on")
            .is_some()
    );
    let mut late = survey(SurveyKind::First, Some(12.0), false);
    late.surveyed_on = d(2026, 12, 6);
    assert!(
        late.validate(today, day, false)
            .expect_err("future")
            .for_field("surveyed_on")
            .is_some()
    );
}

#[test]
fn self_assessment_only_where_allowed_and_only_for_partial_damage() {
    let (today, day) = (d(2026, 12, 5), d(2026, 12, 4));
    let mut own = survey(SurveyKind::SelfAssessment, Some(5.0), false);
    own.surveyors.clear();
    assert!(own.clone().validate(today, day, false).is_err());
    assert_eq!(
        own.clone()
            .validate(today, day, true)
            .expect("allowed")
            .level,
        DamageLevel::Partial
    );
    let worse = SurveyInput {
        damage_ratio: Some(10.0),
        ..own
    };
    assert!(
        worse
            .validate(today, day, true)
            .expect_err("not partial")
            .for_field("kind")
            .is_some()
    );
}

fn events() -> impl Strategy<Value = Vec<ApplicationEvent>> {
    prop::collection::vec(
        prop_oneof![
            Just(ApplicationEvent::Survey(SurveyKind::First)),
            Just(ApplicationEvent::Survey(SurveyKind::Second)),
            Just(ApplicationEvent::Survey(SurveyKind::SelfAssessment)),
            Just(ApplicationEvent::Issue),
            Just(ApplicationEvent::RequestReSurvey),
            Just(ApplicationEvent::Withdraw),
        ],
        0..30,
    )
}

proptest! {
    /// Whatever is tried: a certificate is issued only after a survey made since the last
    /// issue; a second survey only follows a re-survey request; withdrawn is final; issued is
    /// never withdrawn.
    #[test]
    fn the_application_machine_keeps_its_promises(evs in events()) {
        let mut s = ApplicationState::Applied;
        let mut surveyed_since_issue = false;
        let mut requested = false;
        for ev in evs {
            let before = s;
            match next(s, ev) {
                Ok(to) => {
                    match ev {
                        ApplicationEvent::Issue => {
                            prop_assert!(surveyed_since_issue);
                            surveyed_since_issue = false;
                            requested = false;
                        }
                        ApplicationEvent::Survey(SurveyKind::Second) => {
                            prop_assert!(requested);
                            surveyed_since_issue = true;
                        }
                        ApplicationEvent::Survey(_) => {
                            prop_assert!(!requested);
                            surveyed_since_issue = true;
                        }
                        ApplicationEvent::RequestReSurvey => {
                            prop_assert_eq!(before, ApplicationState::Issued);
                            requested = true;
                        }
                        ApplicationEvent::Withdraw => {
                            prop_assert_ne!(before, ApplicationState::Issued);
                        }
                    }
                    s = to;
                }
                Err(msg) => prop_assert!(!msg.is_empty()),
            }
            if before == ApplicationState::Withdrawn {
                prop_assert_eq!(s, ApplicationState::Withdrawn);
            }
        }
    }
}

#[test]
fn the_done_when_path() {
    use ApplicationEvent as E;
    let mut s = ApplicationState::Applied;
    for ev in [
        E::Survey(SurveyKind::First),
        E::Issue,
        E::RequestReSurvey,
        E::Survey(SurveyKind::Second),
        E::Issue,
    ] {
        s = next(s, ev).expect("allowed");
    }
    assert_eq!(s, ApplicationState::Issued);
    assert!(next(ApplicationState::Applied, E::Issue).is_err());
    assert!(next(ApplicationState::Surveyed, E::Survey(SurveyKind::Second)).is_err());
}

#[test]
fn percentiles_by_nearest_rank() {
    assert_eq!(percentile(&[], 50), None);
    assert_eq!(percentile(&[7], 90), Some(7));
    let v: Vec<i64> = (1..=10).collect();
    assert_eq!(percentile(&v, 50), Some(5));
    assert_eq!(percentile(&v, 90), Some(9));
    assert_eq!(percentile(&v, 100), Some(10));
    assert_eq!(certificate_number(2026, 12), "第2026-000012号");
    for l in DamageLevel::ALL {
        assert_eq!(DamageLevel::parse(l.code()), Some(*l));
    }
}
