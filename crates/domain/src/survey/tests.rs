use super::*;
use crate::consent::ConsentStatus;
use proptest::prelude::*;

#[allow(clippy::too_many_arguments)]
fn row(
    area: &str,
    district: &str,
    priority: Option<Priority>,
    step: Option<Step>,
    written: bool,
    shared: bool,
    by_consent: bool,
    plan_shared: bool,
) -> ProgressRow {
    ProgressRow {
        area: area.into(),
        priority,
        approach: None,
        step,
        consent: ConsentStatus::NotAsked,
        plan_complete: false,
        review_overdue: false,
        tsunami_difficult: false,
        shared_normal_times: shared,
        shared_by_consent: by_consent,
        plan_written: written,
        plan_shared_normal_times: plan_shared,
        community_district: district.into(),
    }
}

#[test]
fn the_survey_counts_provision_by_basis_and_plans_in_whole_and_in_part() {
    let rows = [
        // Consented, high priority, plan finished and shared.
        row(
            "本町",
            "本町自治会",
            Some(Priority::High),
            Some(Step::Done),
            true,
            true,
            true,
            true,
        ),
        // Under the ordinance, high priority, a plan written but not finished.
        row(
            "本町",
            "本町自治会",
            Some(Priority::High),
            Some(Step::MunicipalCheck),
            true,
            true,
            false,
            false,
        ),
        // Refused under opt-out: not shared, no plan.
        row(
            "港町",
            "（未設定）",
            Some(Priority::Low),
            None,
            false,
            false,
            false,
            false,
        ),
        // A finished plan the plan basis does not share.
        row(
            "港町",
            "港町自治会",
            None,
            Some(Step::Done),
            true,
            true,
            true,
            false,
        ),
    ];
    let s = survey(&rows);
    let t = &s.total;
    assert_eq!(t.district, "全体");
    assert_eq!(
        (
            t.roster,
            t.shared,
            t.shared_by_consent,
            t.shared_by_ordinance
        ),
        (4, 3, 2, 1)
    );
    assert_eq!(
        (t.plans_done, t.plans_partial, t.plans_none, t.plans_shared),
        (2, 1, 1, 1)
    );
    assert_eq!((t.high_priority, t.high_priority_done), (2, 1));
    assert_eq!(s.plan_status(), PlanStatus::Some);
    assert_eq!(
        s.areas
            .iter()
            .map(|a| (a.district.as_str(), a.roster))
            .collect::<Vec<_>>(),
        vec![("本町", 2), ("港町", 2)]
    );
    assert_eq!(s.community_districts.len(), 3);
    assert_eq!(survey(&rows[..1]).plan_status(), PlanStatus::All);
    assert_eq!(survey(&rows[2..3]).plan_status(), PlanStatus::None);
    assert_eq!(survey(&[]).plan_status(), PlanStatus::None);
}

fn rows() -> impl Strategy<Value = Vec<ProgressRow>> {
    let step = prop::option::of(prop::sample::select(vec![Step::Done, Step::MunicipalCheck]));
    let priority = prop::option::of(prop::sample::select(vec![Priority::High, Priority::Low]));
    prop::collection::vec(
        (
            prop::sample::select(vec!["本町", "港町", "中村"]),
            prop::sample::select(vec!["本町自治会", "（未設定）"]),
            priority,
            step,
            any::<(bool, bool, bool, bool)>(),
        )
            .prop_map(|(a, d, p, s, (w, sh, c, ps))| row(a, d, p, s, w || s.is_some(), sh, c, ps)),
        0..60,
    )
}

proptest! {
    /// Everyone is counted once in every breakdown; provision splits by basis and plans into
    /// finished, in part and none without overlap.
    #[test]
    fn every_breakdown_adds_up(rows in rows()) {
        let s = survey(&rows);
        let t = &s.total;
        prop_assert_eq!(t.roster, rows.len() as u64);
        prop_assert_eq!(t.shared, t.shared_by_consent + t.shared_by_ordinance);
        prop_assert_eq!(t.roster, t.plans_done + t.plans_partial + t.plans_none);
        prop_assert!(t.plans_shared <= t.plans_done);
        prop_assert!(t.high_priority_done <= t.high_priority.min(t.plans_done));
        for parts in [&s.areas, &s.community_districts] {
            let sum = |f: fn(&SurveyFigures) -> u64| parts.iter().map(f).sum::<u64>();
            prop_assert_eq!(sum(|f| f.roster), t.roster);
            prop_assert_eq!(sum(|f| f.shared_by_ordinance), t.shared_by_ordinance);
            prop_assert_eq!(sum(|f| f.plans_partial), t.plans_partial);
            prop_assert_eq!(sum(|f| f.high_priority_done), t.high_priority_done);
        }
    }
}
