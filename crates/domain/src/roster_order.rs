//! How the roster list is ordered (名簿の並べ替え): by name, age, district, priority, plan step
//! or due date, either way. Pure: the store turns it into SQL.

use crate::workflow::Step;

/// The column the roster is ordered by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RosterSort {
    /// 氏名（カナ順）
    #[default]
    Name,
    /// 年齢 (ascending: youngest first)
    Age,
    /// 地区 (自治会, then 民生委員地区)
    District,
    /// 優先度 (ascending: 高 first; untriaged last)
    Priority,
    /// 手順 (ascending: not started first, then the earliest stage)
    Step,
    /// 期限 (the workflow's due date; none last)
    Due,
}

impl RosterSort {
    pub const ALL: [RosterSort; 6] = [
        RosterSort::Name,
        RosterSort::Age,
        RosterSort::District,
        RosterSort::Priority,
        RosterSort::Step,
        RosterSort::Due,
    ];
    pub fn code(self) -> &'static str {
        match self {
            RosterSort::Name => "name",
            RosterSort::Age => "age",
            RosterSort::District => "district",
            RosterSort::Priority => "priority",
            RosterSort::Step => "step",
            RosterSort::Due => "due",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            RosterSort::Name => "氏名",
            RosterSort::Age => "年齢",
            RosterSort::District => "地区",
            RosterSort::Priority => "優先度",
            RosterSort::Step => "手順",
            RosterSort::Due => "期限",
        }
    }
}

/// A roster ordering: the column and the direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RosterOrder {
    pub by: RosterSort,
    pub descending: bool,
}

impl RosterOrder {
    /// Reads `sort` (a [`RosterSort`] code; empty: by name) and `dir` (`asc`, `desc`; empty:
    /// ascending). Anything else is refused with a message naming what is accepted.
    pub fn parse(sort: &str, dir: &str) -> Result<Self, String> {
        let by = match sort.trim() {
            "" => RosterSort::Name,
            s => RosterSort::ALL
                .into_iter()
                .find(|k| k.code() == s)
                .ok_or_else(|| {
                    format!(
                        "並べ替え「{s}」は使えません（{}）",
                        RosterSort::ALL.map(RosterSort::code).join(", ")
                    )
                })?,
        };
        let descending = match dir.trim() {
            "" | "asc" => false,
            "desc" => true,
            d => return Err(format!("並べ替えの向き「{d}」は使えません（asc, desc）")),
        };
        Ok(Self { by, descending })
    }

    /// The order a header link sets: the other direction when the list is already ordered by
    /// `by`, else ascending.
    pub fn toggled(self, by: RosterSort) -> Self {
        Self {
            by,
            descending: self.by == by && !self.descending,
        }
    }

    pub fn dir_code(self) -> &'static str {
        if self.descending { "desc" } else { "asc" }
    }
}

/// How far along a plan's steps are, whatever the approach (for ordering by 手順): 1 the
/// first contact, 2 explaining to the community or visiting, 3 the coordination meeting, 4
/// writing, 5 the municipality's check, 6 provision, 7 done. A person with no workflow is 0
/// (未着手).
pub fn step_stage(step: Step) -> u8 {
    match step {
        Step::SendForms | Step::ConfirmConsent | Step::BriefProfessional => 1,
        Step::ExplainToCommunity | Step::ProfessionalVisits => 2,
        Step::CoordinationMeeting => 3,
        Step::PersonWritesPlan | Step::CommunityWritesPlan | Step::ProfessionalWritesPlan => 4,
        Step::MunicipalCheck => 5,
        Step::Share => 6,
        Step::Done => 7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::Approach;
    use crate::workflow::steps;

    #[test]
    fn orders_parse_and_toggle() {
        assert_eq!(RosterOrder::parse("", ""), Ok(RosterOrder::default()));
        let by_age = RosterOrder::parse("age", "desc").expect("valid");
        assert_eq!((by_age.by, by_age.descending), (RosterSort::Age, true));
        assert!(RosterOrder::parse("salary", "").is_err());
        assert!(RosterOrder::parse("age", "up").is_err());
        assert!(!by_age.toggled(RosterSort::Age).descending);
        assert!(!by_age.toggled(RosterSort::Name).descending);
        assert!(RosterOrder::default().toggled(RosterSort::Name).descending);
        for s in RosterSort::ALL {
            assert_eq!(RosterOrder::parse(s.code(), "").map(|o| o.by), Ok(s));
        }
    }

    #[test]
    fn every_approach_moves_forward_through_the_stages() {
        for a in [
            Approach::PersonOrFamily,
            Approach::Community,
            Approach::WelfareProfessional,
        ] {
            let stages: Vec<u8> = steps(a).iter().map(|s| step_stage(*s)).collect();
            assert!(stages.windows(2).all(|w| w[0] < w[1]), "{a:?}: {stages:?}");
            assert_eq!(stages.last(), Some(&7));
        }
    }
}
