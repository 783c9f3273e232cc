//! Leaving the roster (名簿からの削除): a person who died, moved out of the municipality,
//! entered a facility or no longer meets the criteria leaves the roster with the reason and the
//! day. The person record stays (it is the municipality's resident record); the roster entry
//! goes, so every list, export and receiver share of the roster drops the person at once, and
//! the departure is kept for the record.

use crate::ValidationErrors;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 削除の理由.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    /// 死亡
    Died,
    /// 転出
    MovedOut,
    /// 施設入所（長期入院を含む）
    EnteredFacility,
    /// 要件に該当しなくなった
    NoLongerEligible,
    /// 本人の申出・その他
    Other,
}

impl LeaveReason {
    pub const ALL: [LeaveReason; 5] = [
        LeaveReason::Died,
        LeaveReason::MovedOut,
        LeaveReason::EnteredFacility,
        LeaveReason::NoLongerEligible,
        LeaveReason::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            LeaveReason::Died => "died",
            LeaveReason::MovedOut => "moved_out",
            LeaveReason::EnteredFacility => "entered_facility",
            LeaveReason::NoLongerEligible => "no_longer_eligible",
            LeaveReason::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            LeaveReason::Died => "死亡",
            LeaveReason::MovedOut => "転出",
            LeaveReason::EnteredFacility => "施設入所・長期入院",
            LeaveReason::NoLongerEligible => "要件に該当しなくなった",
            LeaveReason::Other => "本人の申出・その他",
        }
    }
}

/// A departure as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Departure {
    pub reason: LeaveReason,
    /// The day it happened (死亡日, 転出日 …).
    pub left_on: NaiveDate,
    pub note: Option<String>,
}

impl Departure {
    /// The day has come (not after `today`); "other" needs a note; a note is at most 500
    /// characters without invisible characters.
    pub fn validate(mut self, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        self.note = self
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        if self.left_on > today {
            e.push("left_on", "日付が未来です。起きた日を入力してください");
        }
        if self.reason == LeaveReason::Other && self.note.is_none() {
            e.push(
                "note",
                "「本人の申出・その他」のときは内容を入力してください",
            );
        }
        if self
            .note
            .as_deref()
            .is_some_and(|n| crate::text::unacceptable(n, 500))
        {
            e.push("note", crate::text::unacceptable_message(500));
        }
        if e.is_empty() { Ok(self) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_departure_has_happened_and_other_says_what() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
        let d = Departure {
            reason: LeaveReason::MovedOut,
            left_on: today,
            note: Some("  ".into()),
        };
        assert_eq!(d.clone().validate(today).expect("ok").note, None);
        let future = Departure {
            left_on: today.succ_opt().expect("date"),
            ..d.clone()
        };
        assert!(
            future
                .validate(today)
                .expect_err("future")
                .for_field("left_on")
                .is_some()
        );
        let other = Departure {
            reason: LeaveReason::Other,
            ..d
        };
        assert!(
            other
                .validate(today)
                .expect_err("note")
                .for_field("note")
                .is_some()
        );
        for r in LeaveReason::ALL {
            assert_eq!(LeaveReason::parse(r.code()), Some(r));
        }
    }
}
