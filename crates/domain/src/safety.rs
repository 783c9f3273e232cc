//! The safety-check sweep (安否確認): when a disaster is declared, everyone on the roster is
//! checked; each attempt (who, how, what was found) is kept, and the people nobody has reached
//! rise to the top of the queue, the highest priority first.

pub mod checkers;

use crate::ValidationErrors;
use crate::triage::Priority;
use serde::{Deserialize, Serialize};

/// What a check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SafetyStatus {
    /// 未確認: nobody has reached the person yet.
    Unchecked,
    /// 無事（在宅）
    SafeAtHome,
    /// 避難済み (where: in the note)
    Evacuated,
    /// 要支援 (what is needed: in the note)
    NeedsSupport,
    /// 負傷
    Injured,
    /// 入院
    Hospitalised,
    /// 行方不明
    Missing,
    /// 死亡
    Dead,
    /// 不在・連絡つかず
    NotReached,
}

impl SafetyStatus {
    pub const ALL: [SafetyStatus; 9] = [
        SafetyStatus::Unchecked,
        SafetyStatus::SafeAtHome,
        SafetyStatus::Evacuated,
        SafetyStatus::NeedsSupport,
        SafetyStatus::Injured,
        SafetyStatus::Hospitalised,
        SafetyStatus::Missing,
        SafetyStatus::Dead,
        SafetyStatus::NotReached,
    ];
    pub fn code(self) -> &'static str {
        match self {
            SafetyStatus::Unchecked => "unchecked",
            SafetyStatus::SafeAtHome => "safe_at_home",
            SafetyStatus::Evacuated => "evacuated",
            SafetyStatus::NeedsSupport => "needs_support",
            SafetyStatus::Injured => "injured",
            SafetyStatus::Hospitalised => "hospitalised",
            SafetyStatus::Missing => "missing",
            SafetyStatus::Dead => "dead",
            SafetyStatus::NotReached => "not_reached",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            SafetyStatus::Unchecked => "未確認",
            SafetyStatus::SafeAtHome => "無事（在宅）",
            SafetyStatus::Evacuated => "避難済み",
            SafetyStatus::NeedsSupport => "要支援",
            SafetyStatus::Injured => "負傷",
            SafetyStatus::Hospitalised => "入院",
            SafetyStatus::Missing => "行方不明",
            SafetyStatus::Dead => "死亡",
            SafetyStatus::NotReached => "不在・連絡つかず",
        }
    }
    /// Someone has found out how the person is (not 未確認, not 不在・連絡つかず).
    pub fn is_confirmed(self) -> bool {
        !matches!(self, SafetyStatus::Unchecked | SafetyStatus::NotReached)
    }
    /// Where the person stands in the queue: nobody reached first, then those who need
    /// action (missing, needing support, injured), then the settled.
    fn urgency(self) -> u8 {
        match self {
            SafetyStatus::Unchecked | SafetyStatus::NotReached => 0,
            SafetyStatus::Missing => 1,
            SafetyStatus::NeedsSupport | SafetyStatus::Injured => 2,
            SafetyStatus::Hospitalised | SafetyStatus::Dead => 3,
            SafetyStatus::Evacuated | SafetyStatus::SafeAtHome => 4,
        }
    }
}

/// How the checker made contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactMethod {
    /// 訪問
    Visit,
    /// 電話
    Phone,
    /// 避難所で確認
    AtShelter,
    /// 近所の人などから聞いた
    ToldByOthers,
}

impl ContactMethod {
    pub const ALL: [ContactMethod; 4] = [
        ContactMethod::Visit,
        ContactMethod::Phone,
        ContactMethod::AtShelter,
        ContactMethod::ToldByOthers,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ContactMethod::Visit => "visit",
            ContactMethod::Phone => "phone",
            ContactMethod::AtShelter => "at_shelter",
            ContactMethod::ToldByOthers => "told_by_others",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            ContactMethod::Visit => "訪問",
            ContactMethod::Phone => "電話",
            ContactMethod::AtShelter => "避難所で確認",
            ContactMethod::ToldByOthers => "近所の人などから",
        }
    }
}

/// One attempt to check on a person, as a checker submits it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckAttempt {
    pub status: SafetyStatus,
    pub method: ContactMethod,
    /// Where they went, what they need …
    pub note: Option<String>,
    /// A key the client makes once per submit (a form's hidden field): the same key sent twice
    /// records once.
    pub key: String,
}

impl CheckAttempt {
    /// 未確認 is not something a check finds; 避難済み says where and 要支援 says what; a note
    /// is at most 500 characters; the key is 8–64 visible ASCII characters.
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        self.note = self
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        if self.status == SafetyStatus::Unchecked {
            e.push("status", "確認の結果を選んでください");
        }
        if matches!(
            self.status,
            SafetyStatus::Evacuated | SafetyStatus::NeedsSupport
        ) && self.note.is_none()
        {
            e.push(
                "note",
                "避難済みは避難先を、要支援は必要な支援を入力してください",
            );
        }
        if self
            .note
            .as_deref()
            .is_some_and(|n| crate::text::unacceptable(n, 500))
        {
            e.push("note", crate::text::unacceptable_message(500));
        }
        let k = self.key.len();
        if !(8..=64).contains(&k) || !self.key.chars().all(|c| c.is_ascii_graphic()) {
            e.push("key", "送信キーが不正です。画面を開き直してください");
        }
        if e.is_empty() { Ok(self) } else { Err(e) }
    }
}

/// How long a person may stay unreached (未確認 or 不在・連絡つかず since the declaration or the
/// last attempt) before they are flagged 要対応 and go to the top of the queue, for fire,
/// police or staff — unless the municipality sets its own (`escalate_after_minutes`).
pub const ESCALATE_AFTER: chrono::Duration = chrono::Duration::hours(3);

/// The shortest and longest times a municipality may set, in minutes (30 minutes to 3 days).
pub const ESCALATE_MINUTES: std::ops::RangeInclusive<u32> = 30..=4320;

/// A municipality's own escalation time, checked.
pub fn escalate_after_minutes(minutes: u32) -> Result<chrono::Duration, ValidationErrors> {
    if ESCALATE_MINUTES.contains(&minutes) {
        Ok(chrono::Duration::minutes(i64::from(minutes)))
    } else {
        Err(ValidationErrors::single(
            "escalate_after_minutes",
            "要対応にするまでの時間は30分から72時間（4320分）までです",
        ))
    }
}

/// Is a person overdue: still unreached `after` after `since` (the last attempt, or the
/// declaration's start when nobody has tried)?
pub fn overdue(
    status: SafetyStatus,
    since: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
    after: chrono::Duration,
) -> bool {
    !status.is_confirmed() && now - since >= after
}

/// The sort key of a person in the sweep queue: the overdue first, then nobody reached, then by
/// urgency of what was found; within that the highest priority, then the oldest last check
/// (never checked first).
pub fn queue_key(
    overdue: bool,
    status: SafetyStatus,
    priority: Option<Priority>,
    last_attempt_seq: Option<i64>,
) -> (bool, u8, std::cmp::Reverse<Option<Priority>>, i64) {
    (
        !overdue,
        status.urgency(),
        std::cmp::Reverse(priority),
        last_attempt_seq.unwrap_or(i64::MIN),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn attempt(status: SafetyStatus, note: Option<&str>) -> CheckAttempt {
        CheckAttempt {
            status,
            method: ContactMethod::Visit,
            note: note.map(str::to_owned),
            key: "k-12345678".into(),
        }
    }

    #[test]
    fn an_attempt_says_what_was_found() {
        assert!(attempt(SafetyStatus::SafeAtHome, None).validate().is_ok());
        assert!(attempt(SafetyStatus::Unchecked, None).validate().is_err());
        assert!(
            attempt(SafetyStatus::Evacuated, Some(" "))
                .validate()
                .is_err()
        );
        assert!(
            attempt(SafetyStatus::Evacuated, Some("潮見小学校"))
                .validate()
                .is_ok()
        );
        assert!(
            attempt(SafetyStatus::NeedsSupport, None)
                .validate()
                .is_err()
        );
        let mut bad_key = attempt(SafetyStatus::SafeAtHome, None);
        bad_key.key = "short".into();
        assert!(
            bad_key
                .validate()
                .expect_err("key")
                .for_field("key")
                .is_some()
        );
    }

    #[test]
    fn the_unreached_and_the_highest_priority_come_first() {
        let mut people = [
            (
                "safe-high",
                queue_key(
                    false,
                    SafetyStatus::SafeAtHome,
                    Some(Priority::High),
                    Some(5),
                ),
            ),
            (
                "unchecked-low",
                queue_key(false, SafetyStatus::Unchecked, Some(Priority::Low), None),
            ),
            (
                "not-reached-high",
                queue_key(
                    false,
                    SafetyStatus::NotReached,
                    Some(Priority::High),
                    Some(3),
                ),
            ),
            (
                "unchecked-high",
                queue_key(false, SafetyStatus::Unchecked, Some(Priority::High), None),
            ),
            (
                "missing",
                queue_key(false, SafetyStatus::Missing, Some(Priority::Low), Some(4)),
            ),
        ];
        people.sort_by_key(|(_, k)| *k);
        let order: Vec<&str> = people.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            order,
            [
                "unchecked-high",
                "not-reached-high",
                "unchecked-low",
                "missing",
                "safe-high"
            ]
        );
    }

    #[test]
    fn the_long_unreached_are_flagged_and_go_first() {
        let t0 = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        let later = t0 + ESCALATE_AFTER;
        assert!(overdue(SafetyStatus::Unchecked, t0, later, ESCALATE_AFTER));
        assert!(overdue(SafetyStatus::NotReached, t0, later, ESCALATE_AFTER));
        assert!(!overdue(
            SafetyStatus::Unchecked,
            t0,
            later - chrono::Duration::minutes(1),
            ESCALATE_AFTER
        ));
        assert!(!overdue(
            SafetyStatus::SafeAtHome,
            t0,
            later,
            ESCALATE_AFTER
        ));
        // A municipality's own time: an hour.
        let hour = escalate_after_minutes(60).expect("an hour");
        assert!(overdue(SafetyStatus::Unchecked, t0, t0 + hour, hour));
        assert!(escalate_after_minutes(29).is_err());
        assert!(escalate_after_minutes(4321).is_err());
        assert!(
            queue_key(true, SafetyStatus::NotReached, Some(Priority::Low), Some(1))
                < queue_key(false, SafetyStatus::Unchecked, Some(Priority::High), None)
        );
    }

    fn status() -> impl Strategy<Value = SafetyStatus> {
        proptest::sample::select(SafetyStatus::ALL.to_vec())
    }

    proptest! {
        /// Whoever nobody has reached is ahead of everyone who has been reached.
        #[test]
        fn unreached_always_first(a in status(), b in status(), pa in proptest::option::of(proptest::sample::select(Priority::ALL.to_vec())), pb in proptest::option::of(proptest::sample::select(Priority::ALL.to_vec()))) {
            if !a.is_confirmed() && b.is_confirmed() {
                prop_assert!(queue_key(false, a, pa, Some(1)) < queue_key(false, b, pb, None));
            }
        }
    }
}
