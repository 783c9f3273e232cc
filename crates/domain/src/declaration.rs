//! Disaster declarations (災害の宣言): the municipality declares a disaster with its kind, stage
//! and affected area; while one is open, the disaster state of every request in that
//! municipality is 発災時 and the law's disaster-time provision applies (災害対策基本法
//! arts. 49-11(3), 49-15(3)). A pure state machine: declare → change stage (any number of
//! times, either way: alerts are raised and lowered) → close, once. Several may be open.

use crate::ValidationErrors;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// 災害の種類.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DisasterKind {
    Flood,
    Tsunami,
    Earthquake,
    Landslide,
    StormSurge,
    Other,
}

impl DisasterKind {
    pub const ALL: [DisasterKind; 6] = [
        DisasterKind::Flood,
        DisasterKind::Tsunami,
        DisasterKind::Earthquake,
        DisasterKind::Landslide,
        DisasterKind::StormSurge,
        DisasterKind::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            DisasterKind::Flood => "flood",
            DisasterKind::Tsunami => "tsunami",
            DisasterKind::Earthquake => "earthquake",
            DisasterKind::Landslide => "landslide",
            DisasterKind::StormSurge => "storm_surge",
            DisasterKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            DisasterKind::Flood => "洪水・大雨",
            DisasterKind::Tsunami => "津波",
            DisasterKind::Earthquake => "地震",
            DisasterKind::Landslide => "土砂災害",
            DisasterKind::StormSurge => "高潮",
            DisasterKind::Other => "その他",
        }
    }
}

/// The stage: the evacuation information issued (警戒レベル 3–5) or the disaster having occurred.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 高齢者等避難（警戒レベル3）
    ElderlyEvacuation,
    /// 避難指示（警戒レベル4）
    EvacuationOrder,
    /// 緊急安全確保（警戒レベル5）
    EmergencySafety,
    /// 発災
    Occurred,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::ElderlyEvacuation,
        Stage::EvacuationOrder,
        Stage::EmergencySafety,
        Stage::Occurred,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Stage::ElderlyEvacuation => "elderly_evacuation",
            Stage::EvacuationOrder => "evacuation_order",
            Stage::EmergencySafety => "emergency_safety",
            Stage::Occurred => "occurred",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Stage::ElderlyEvacuation => "高齢者等避難（警戒レベル3）",
            Stage::EvacuationOrder => "避難指示（警戒レベル4）",
            Stage::EmergencySafety => "緊急安全確保（警戒レベル5）",
            Stage::Occurred => "発災",
        }
    }
}

mod area;
pub use area::{AffectedArea, AreaDistrict, MAX_PARTS, Place, ZoneHazard};

/// What the municipality declares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewDeclaration {
    /// e.g. 「令和8年台風第10号」.
    pub name: String,
    pub kind: DisasterKind,
    pub stage: Stage,
    pub area: AffectedArea,
    /// When it began; now when absent.
    pub started_at: Option<DateTime<Utc>>,
    /// The safety-check sweep also reaches every resident of the area (from the resident
    /// extract) aged at least this many years on the day it began, e.g. 75; none: the roster
    /// only.
    #[serde(default)]
    pub residents_aged: Option<u32>,
}

impl NewDeclaration {
    /// Checks the name (1–100 characters, no invisible characters) and that the start is not
    /// in the future (a warning ahead of time is declared when it is issued).
    pub fn validate(mut self, now: DateTime<Utc>) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        self.name = crate::text::collapse_spaces(&self.name, ' ');
        if self.name.is_empty() {
            e.push(
                "name",
                "災害の名称を入力してください（例: 令和8年台風第10号）",
            );
        } else if self.name.chars().count() > 100 {
            e.push("name", "名称は100文字以内で入力してください");
        } else if crate::text::invisible_or_control(&self.name).is_some() {
            e.push("name", "名称に使用できない文字が含まれています");
        }
        match self.area.clone().validate() {
            Ok(a) => self.area = a,
            Err(errors) => e.0.extend(errors.0),
        }
        if self
            .residents_aged
            .is_some_and(|a| !RESIDENTS_AGED.contains(&a))
        {
            e.push(
                "residents_aged",
                "名簿にない住民を含める年齢は60歳から100歳までです",
            );
        }
        if self.started_at.is_some_and(|t| t > now) {
            e.push(
                "started_at",
                "開始日時が未来です。発令・発生した時点で宣言してください",
            );
        }
        if e.is_empty() { Ok(self) } else { Err(e) }
    }
}

/// The ages from which a sweep may reach residents beyond the roster.
pub const RESIDENTS_AGED: std::ops::RangeInclusive<u32> = 60..=100;

/// Whether a resident born on `birth` is of the sweep's age on the day `started` (JST).
pub fn of_age(birth: chrono::NaiveDate, started: chrono::NaiveDate, aged: u32) -> bool {
    started.years_since(birth).is_some_and(|y| y >= aged)
}

/// A declaration's state: open at a stage, or closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    Open(Stage),
    Closed { at: DateTime<Utc>, last: Stage },
}

/// Why a change is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("この災害はすでに終了しています")]
    AlreadyClosed,
    #[error("現在の段階と同じです")]
    SameStage,
    #[error("終了日時が開始日時より前です")]
    ClosesBeforeItStarted,
}

impl State {
    pub fn is_open(self) -> bool {
        matches!(self, State::Open(_))
    }
    /// Moves an open declaration to another stage (up or down).
    pub fn change_stage(self, to: Stage) -> Result<State, Refused> {
        match self {
            State::Closed { .. } => Err(Refused::AlreadyClosed),
            State::Open(s) if s == to => Err(Refused::SameStage),
            State::Open(_) => Ok(State::Open(to)),
        }
    }
    /// Closes an open declaration at `at`, which may not precede `started_at`.
    pub fn close(self, at: DateTime<Utc>, started_at: DateTime<Utc>) -> Result<State, Refused> {
        match self {
            State::Closed { .. } => Err(Refused::AlreadyClosed),
            State::Open(_) if at < started_at => Err(Refused::ClosesBeforeItStarted),
            State::Open(last) => Ok(State::Closed { at, last }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::seconds(s)
    }

    #[test]
    fn a_declaration_rises_falls_and_closes_once() {
        let s = State::Open(Stage::ElderlyEvacuation);
        let s = s.change_stage(Stage::EvacuationOrder).expect("up");
        let s = s.change_stage(Stage::ElderlyEvacuation).expect("down");
        assert_eq!(
            s.change_stage(Stage::ElderlyEvacuation),
            Err(Refused::SameStage)
        );
        assert_eq!(s.close(t(5), t(10)), Err(Refused::ClosesBeforeItStarted));
        let closed = s.close(t(20), t(10)).expect("close");
        assert!(!closed.is_open());
        assert_eq!(closed.close(t(30), t(10)), Err(Refused::AlreadyClosed));
        assert_eq!(
            closed.change_stage(Stage::Occurred),
            Err(Refused::AlreadyClosed)
        );
    }

    #[test]
    fn a_declaration_needs_a_name_and_a_start_that_has_come() {
        let now = t(1000);
        let d = NewDeclaration {
            name: "  令和8年　台風第10号 ".into(),
            kind: DisasterKind::Flood,
            stage: Stage::EvacuationOrder,
            area: AffectedArea::WholeMunicipality,
            started_at: Some(t(900)),
            residents_aged: None,
        };
        assert_eq!(
            d.clone().validate(now).expect("ok").name,
            "令和8年 台風第10号"
        );
        let e = NewDeclaration {
            name: " ".into(),
            started_at: Some(t(2000)),
            ..d
        }
        .validate(now)
        .expect_err("bad");
        assert!(e.for_field("name").is_some() && e.for_field("started_at").is_some());
    }

    #[test]
    fn a_sweep_reaches_residents_of_an_age_from_sixty_to_a_hundred() {
        let now = t(1000);
        let d = |aged| NewDeclaration {
            name: "潮見川の洪水".into(),
            kind: DisasterKind::Flood,
            stage: Stage::Occurred,
            area: AffectedArea::WholeMunicipality,
            started_at: None,
            residents_aged: aged,
        };
        assert!(d(Some(75)).validate(now).is_ok());
        assert!(d(None).validate(now).is_ok());
        for bad in [59, 101] {
            let e = d(Some(bad)).validate(now).expect_err("out of range");
            assert!(e.for_field("residents_aged").is_some());
        }
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
        // 75 on the very day it began counts; the day before the birthday does not.
        assert!(of_age(day(1951, 12, 5), day(2026, 12, 5), 75));
        assert!(!of_age(day(1951, 12, 6), day(2026, 12, 5), 75));
    }

    fn stage() -> impl Strategy<Value = Stage> {
        proptest::sample::select(Stage::ALL.to_vec())
    }

    proptest! {
        /// Whatever the sequence of changes, a closed declaration never reopens and an open
        /// one is always at the last stage it was moved to.
        #[test]
        fn closed_stays_closed(moves in proptest::collection::vec((stage(), any::<bool>()), 0..30)) {
            let mut s = State::Open(Stage::ElderlyEvacuation);
            let mut last = Stage::ElderlyEvacuation;
            for (i, (to, close)) in moves.into_iter().enumerate() {
                let was_open = s.is_open();
                let next = if close { s.close(t(i as i64 + 1), t(0)) } else { s.change_stage(to) };
                match next {
                    Ok(n) => {
                        prop_assert!(was_open);
                        if let State::Open(st) = n { prop_assert_eq!(st, to); last = to; }
                        if let State::Closed { last: l, .. } = n { prop_assert_eq!(l, last); }
                        s = n;
                    }
                    Err(_) => prop_assert!(!was_open || (!close && State::Open(to) == s)),
                }
            }
        }
    }
}
