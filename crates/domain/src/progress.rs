//! Progress of the roster and plans (進捗): counts and percentages for the whole municipality
//! and per area, from one plain row per person on the roster.

use crate::consent::ConsentStatus;
use crate::triage::{Approach, Priority};
use crate::workflow::Step;
use serde::Serialize;
use std::collections::BTreeMap;

/// What progress needs to know of one person on the roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgressRow {
    pub area: String,
    pub priority: Option<Priority>,
    pub approach: Option<Approach>,
    pub step: Option<Step>,
    pub consent: ConsentStatus,
    pub plan_complete: bool,
    pub review_overdue: bool,
    /// 津波避難困難: cannot reach a tsunami-suitable place before the wave.
    pub tsunami_difficult: bool,
    /// Roster information reaches at least one kind of 避難支援等関係者 in normal times, under
    /// the municipality's legal basis in force (the national survey's 平常時からの名簿提供).
    pub shared_normal_times: bool,
    /// …because the person consented (otherwise, when shared: by the ordinance).
    pub shared_by_consent: bool,
    /// A plan version has been written (a finished plan is `step == Done`).
    pub plan_written: bool,
    /// The finished plan reaches at least one kind of 避難支援等関係者 in normal times under the
    /// plan basis in force.
    pub plan_shared_normal_times: bool,
    /// The 自治会 district of the roster entry (「（未設定）」 when none).
    pub community_district: String,
}

/// Counts for one area (or the whole municipality).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub roster: u64,
    pub triaged: u64,
    pub by_priority: BTreeMap<String, u64>,
    pub by_approach: BTreeMap<String, u64>,
    pub by_step: BTreeMap<String, u64>,
    pub by_consent: BTreeMap<String, u64>,
    pub plans_complete: u64,
    pub plans_done: u64,
    pub reviews_overdue: u64,
    pub tsunami_difficult: u64,
    /// Provided in normal times under the basis in force.
    pub shared_normal_times: u64,
    /// 優先度 高 and their finished plans (the survey's 優先度の高い方のうち作成済み).
    pub high_priority: u64,
    pub high_priority_done: u64,
}

impl Counts {
    fn add(&mut self, r: &ProgressRow) {
        self.roster += 1;
        if let Some(p) = r.priority {
            self.triaged += 1;
            *self.by_priority.entry(p.label().to_owned()).or_default() += 1;
        }
        if let Some(a) = r.approach {
            *self.by_approach.entry(a.label().to_owned()).or_default() += 1;
        }
        let step = r.step.map(|s| s.label()).unwrap_or("未着手");
        *self.by_step.entry(step.to_owned()).or_default() += 1;
        *self
            .by_consent
            .entry(r.consent.label().to_owned())
            .or_default() += 1;
        self.plans_complete += u64::from(r.plan_complete);
        self.plans_done += u64::from(r.step == Some(Step::Done));
        self.reviews_overdue += u64::from(r.review_overdue);
        self.tsunami_difficult += u64::from(r.tsunami_difficult);
        self.shared_normal_times += u64::from(r.shared_normal_times);
        let high = r.priority == Some(Priority::High);
        self.high_priority += u64::from(high);
        self.high_priority_done += u64::from(high && r.step == Some(Step::Done));
    }

    /// `part` of the roster as a percentage with one decimal ("—" for an empty roster).
    pub fn percent(&self, part: u64) -> String {
        if self.roster == 0 {
            "—".into()
        } else {
            format!("{:.1}%", part as f64 * 100.0 / self.roster as f64)
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total: Counts,
    pub areas: BTreeMap<String, Counts>,
}

pub fn summarise<'a>(rows: impl IntoIterator<Item = &'a ProgressRow>) -> Summary {
    let mut s = Summary::default();
    for r in rows {
        s.total.add(r);
        s.areas.entry(r.area.clone()).or_default().add(r);
    }
    s
}

/// The area (町名・大字) of an address: what follows the municipality's name, up to the first
/// number. `潮見市本町一丁目1番` → `本町一丁目`.
pub fn area_of(address: &str, municipality_name: &str) -> String {
    let rest = address.strip_prefix(municipality_name).unwrap_or(address);
    let area: String = rest
        .chars()
        .take_while(|c| {
            !c.is_ascii_digit() && !('０'..='９').contains(c) && *c != '-' && *c != '番'
        })
        .collect();
    let area = area.trim();
    if area.is_empty() {
        "（不明）".to_owned()
    } else {
        area.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn row(area: &str, priority: Option<Priority>, step: Option<Step>) -> ProgressRow {
        ProgressRow {
            area: area.into(),
            priority,
            approach: priority.map(|_| Approach::Community),
            step,
            consent: ConsentStatus::Given,
            plan_complete: step == Some(Step::Done),
            review_overdue: false,
            tsunami_difficult: false,
            shared_normal_times: true,
            shared_by_consent: true,
            plan_written: step.is_some(),
            plan_shared_normal_times: step == Some(Step::Done),
            community_district: "本町自治会".into(),
        }
    }

    #[test]
    fn counts_add_up_per_area_and_overall() {
        let rows = vec![
            row("本町", Some(Priority::High), Some(Step::Done)),
            row("本町", None, None),
            row("港町", Some(Priority::Low), Some(Step::MunicipalCheck)),
        ];
        let s = summarise(&rows);
        assert_eq!(
            (s.total.roster, s.total.triaged, s.total.plans_done),
            (3, 2, 1)
        );
        assert_eq!(s.areas["本町"].roster, 2);
        assert_eq!((s.total.high_priority, s.total.high_priority_done), (1, 1));
        assert_eq!(s.total.shared_normal_times, 3);
        assert_eq!(s.total.by_step["未着手"], 1);
        assert_eq!(s.total.percent(s.total.plans_done), "33.3%");
        assert_eq!(Counts::default().percent(0), "—");
    }

    #[test]
    fn areas_from_addresses() {
        assert_eq!(area_of("潮見市本町一丁目1番2号", "潮見市"), "本町一丁目");
        assert_eq!(area_of("潮見市港町2-3", "潮見市"), "港町");
        assert_eq!(area_of("潮見市大字中村１２３", "潮見市"), "大字中村");
        assert_eq!(area_of("12", "潮見市"), "（不明）");
    }

    proptest! {
        #[test]
        fn areas_partition_the_total(areas in proptest::collection::vec("[あ-ん]{1,3}", 0..50)) {
            let rows: Vec<_> = areas.iter().map(|a| row(a, None, None)).collect();
            let s = summarise(&rows);
            prop_assert_eq!(s.areas.values().map(|c| c.roster).sum::<u64>(), s.total.roster);
        }
    }
}
