//! Lists handed out to receivers (配布した名簿) and their recall (回収・廃棄). Every download of
//! a receiver's list is a copy out of the municipality's hands; when someone on it leaves the
//! roster, the copy must come back or be destroyed (the guide's rule for paper rosters; the
//! receivers' duty of confidentiality, 49-13).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ValidationErrors;

/// How a list came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RecallMethod {
    /// 回収: returned to the municipality.
    Collected,
    /// 廃棄: destroyed by the receiver (shredded, deleted).
    Destroyed,
}

impl RecallMethod {
    pub const ALL: [RecallMethod; 2] = [RecallMethod::Collected, RecallMethod::Destroyed];
    pub fn code(self) -> &'static str {
        match self {
            RecallMethod::Collected => "collected",
            RecallMethod::Destroyed => "destroyed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            RecallMethod::Collected => "回収",
            RecallMethod::Destroyed => "廃棄",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == s)
    }
}

/// A list's recall as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recall {
    pub method: RecallMethod,
    /// The day it came back or was destroyed.
    pub on: NaiveDate,
    #[serde(default)]
    pub note: Option<String>,
}

impl Recall {
    /// Checks a recall recorded on `today` of a list handed out on `issued_on`.
    pub fn validate(
        mut self,
        today: NaiveDate,
        issued_on: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        self.note = self
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        if self.on > today {
            e.push("on", "回収・廃棄の日が未来の日付です");
        }
        if self.on < issued_on {
            e.push("on", "回収・廃棄の日が配布より前です");
        }
        if self.note.as_deref().is_some_and(|n| {
            n.chars().count() > 500 || crate::text::invisible_or_control(n).is_some()
        }) {
            e.push(
                "note",
                "500文字以内で、使用できない文字を含めずに入力してください",
            );
        }
        if e.is_empty() { Ok(self) } else { Err(e) }
    }
}

/// Where a handed-out list stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IssuedListState {
    /// 配布中: out, everyone on it still on the roster.
    Out,
    /// 要回収: someone on it left the roster since it was handed out.
    RecallNeeded,
    /// 回収済み・廃棄済み.
    Recalled,
}

impl IssuedListState {
    /// From the recall (if any) and how many on the list left the roster after it went out.
    pub fn of(recalled: bool, departed_since: usize) -> Self {
        if recalled {
            IssuedListState::Recalled
        } else if departed_since > 0 {
            IssuedListState::RecallNeeded
        } else {
            IssuedListState::Out
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            IssuedListState::Out => "配布中",
            IssuedListState::RecallNeeded => "要回収",
            IssuedListState::Recalled => "回収・廃棄済み",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
    }

    #[test]
    fn a_recall_is_dated_between_issue_and_today() {
        let r = Recall {
            method: RecallMethod::Destroyed,
            on: d(12, 1),
            note: Some("  シュレッダー ".into()),
        };
        let ok = r.clone().validate(d(12, 5), d(11, 1)).expect("valid");
        assert_eq!(ok.note.as_deref(), Some("シュレッダー"));
        assert!(r.clone().validate(d(11, 30), d(11, 1)).is_err(), "future");
        assert!(r.validate(d(12, 5), d(12, 2)).is_err(), "before the issue");
    }

    #[test]
    fn a_list_needs_recall_once_someone_on_it_left() {
        assert_eq!(IssuedListState::of(false, 0), IssuedListState::Out);
        assert_eq!(IssuedListState::of(false, 2), IssuedListState::RecallNeeded);
        assert_eq!(IssuedListState::of(true, 2), IssuedListState::Recalled);
        for m in RecallMethod::ALL {
            assert_eq!(RecallMethod::parse(m.code()), Some(m));
        }
    }
}
