//! The yearly national survey (消防庁「避難行動要支援者名簿及び個別避難計画の作成等に係る取組
//! 状況の調査」): the figures it asks of a municipality, counted from the progress rows — people
//! on the roster; provided in normal times, by consent or by the ordinance; plans finished
//! (全部作成), written in part (一部作成: a version written, not finished) or not begun; finished
//! plans provided in normal times; high-priority people and how many have a finished plan —
//! for the municipality, per area (町名) and per 自治会 district, and the municipality's plan
//! status (全部策定 / 一部策定 / 未策定).

use serde::Serialize;
use std::collections::BTreeMap;

use crate::progress::ProgressRow;
use crate::triage::Priority;
use crate::workflow::Step;

/// The survey's figures for one district (or the whole municipality).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SurveyFigures {
    pub district: String,
    /// 名簿掲載者数
    pub roster: u64,
    /// 平常時から名簿情報を提供している者
    pub shared: u64,
    /// …of them by the person's consent (本人同意)
    pub shared_by_consent: u64,
    /// …of them under the ordinance without (or unless refused) consent (条例)
    pub shared_by_ordinance: u64,
    /// 個別避難計画 全部作成 (the plan finished: 作成完了)
    pub plans_done: u64,
    /// 一部作成 (a version written, not finished)
    pub plans_partial: u64,
    /// 未作成
    pub plans_none: u64,
    /// 平常時から計画情報を提供している者 (finished plans under the plan basis)
    pub plans_shared: u64,
    /// 優先度が高い者
    pub high_priority: u64,
    /// …of them with a finished plan
    pub high_priority_done: u64,
}

impl SurveyFigures {
    fn add(&mut self, r: &ProgressRow) {
        self.roster += 1;
        if r.shared_normal_times {
            self.shared += 1;
            if r.shared_by_consent {
                self.shared_by_consent += 1;
            } else {
                self.shared_by_ordinance += 1;
            }
        }
        let done = r.step == Some(Step::Done);
        if done {
            self.plans_done += 1;
        } else if r.plan_written {
            self.plans_partial += 1;
        } else {
            self.plans_none += 1;
        }
        self.plans_shared += u64::from(done && r.plan_shared_normal_times);
        let high = r.priority == Some(Priority::High);
        self.high_priority += u64::from(high);
        self.high_priority_done += u64::from(high && done);
    }
}

/// 個別避難計画の策定状況 as the survey asks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// 全部策定: every person on the roster has a finished plan.
    All,
    /// 一部策定: some do.
    Some,
    /// 未策定: nobody does (or the roster is empty).
    None,
}

impl PlanStatus {
    pub fn label(self) -> &'static str {
        match self {
            PlanStatus::All => "全部策定",
            PlanStatus::Some => "一部策定",
            PlanStatus::None => "未策定",
        }
    }
}

/// The survey's figures for a municipality.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Survey {
    pub total: SurveyFigures,
    /// Per area (町名), by name.
    pub areas: Vec<SurveyFigures>,
    /// Per 自治会 district, by name.
    pub community_districts: Vec<SurveyFigures>,
}

impl Survey {
    pub fn plan_status(&self) -> PlanStatus {
        let t = &self.total;
        if t.plans_done == 0 {
            PlanStatus::None
        } else if t.plans_done == t.roster {
            PlanStatus::All
        } else {
            PlanStatus::Some
        }
    }
}

/// Counts the survey from one row per person on the roster.
pub fn survey<'a>(rows: impl IntoIterator<Item = &'a ProgressRow>) -> Survey {
    let mut total = SurveyFigures {
        district: "全体".into(),
        ..SurveyFigures::default()
    };
    let mut areas: BTreeMap<&str, SurveyFigures> = BTreeMap::new();
    let mut districts: BTreeMap<&str, SurveyFigures> = BTreeMap::new();
    for r in rows {
        total.add(r);
        for (map, key) in [
            (&mut areas, r.area.as_str()),
            (&mut districts, r.community_district.as_str()),
        ] {
            map.entry(key)
                .or_insert_with(|| SurveyFigures {
                    district: key.to_owned(),
                    ..SurveyFigures::default()
                })
                .add(r);
        }
    }
    Survey {
        total,
        areas: areas.into_values().collect(),
        community_districts: districts.into_values().collect(),
    }
}

#[cfg(test)]
mod tests;
