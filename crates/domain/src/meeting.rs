//! The coordination meeting (調整会議) of approach イ: the municipality, the community, the
//! person and the family confirm the home's hazards and the difficulties, then decide
//! ① destination and route, ② timing, ③ actions and roles in a disaster (seed 004).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ValidationErrors;

/// Someone at the meeting, and in what capacity (本人, 長女, 自治会長, 民生委員, 市 福祉課 …).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendee {
    pub name: String,
    pub role: String,
}

/// The record of one meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoordinationMeeting {
    pub held_on: NaiveDate,
    pub place: String,
    pub attendees: Vec<Attendee>,
    /// ① 避難先と避難経路
    pub destination_and_route: String,
    /// ② 避難のタイミング
    pub timing: String,
    /// ③ 災害時の行動と役割分担
    pub roles: String,
    pub notes: Option<String>,
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

impl CoordinationMeeting {
    /// Drops empty attendee rows (blank form slots) and trims text.
    pub fn normalised(mut self) -> Self {
        self.attendees
            .retain(|a| !(blank(&a.name) && blank(&a.role)));
        for a in &mut self.attendees {
            a.name = a.name.trim().to_owned();
            a.role = a.role.trim().to_owned();
        }
        self.notes = self.notes.filter(|n| !blank(n));
        self
    }

    /// A meeting happened (not in the future), someone attended, and each of the three
    /// agenda items has a decision in words (「継続協議」 is a decision too).
    pub fn validate(&self, today: NaiveDate) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::new();
        if self.held_on > today {
            e.push("held_on", "開催日が未来の日付です");
        }
        if blank(&self.place) {
            e.push("place", "開催場所を入力してください");
        }
        if self.attendees.is_empty() {
            e.push("attendees", "出席者を1人以上入力してください");
        }
        if self
            .attendees
            .iter()
            .any(|a| blank(&a.name) || blank(&a.role))
        {
            e.push("attendees", "出席者の氏名と立場を入力してください");
        }
        for (field, value, label) in [
            (
                "destination_and_route",
                &self.destination_and_route,
                "①避難先と避難経路",
            ),
            ("timing", &self.timing, "②避難のタイミング"),
            ("roles", &self.roles, "③災害時の行動と役割分担"),
        ] {
            if blank(value) {
                e.push(field, format!("{label}の決定事項を入力してください"));
            }
        }
        let texts = [
            self.place.as_str(),
            &self.destination_and_route,
            &self.timing,
            &self.roles,
            self.notes.as_deref().unwrap_or(""),
        ];
        if texts.iter().any(|t| t.chars().count() > 2000)
            || self.attendees.len() > 30
            || self
                .attendees
                .iter()
                .any(|a| a.name.chars().count() > 100 || a.role.chars().count() > 100)
        {
            e.push("meeting", "入力が長すぎます");
        }
        if e.is_empty() { Ok(()) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
    }

    fn meeting() -> CoordinationMeeting {
        CoordinationMeeting {
            held_on: day(20),
            place: "本町公民館".into(),
            attendees: vec![
                Attendee {
                    name: "岡林 千代".into(),
                    role: "本人".into(),
                },
                Attendee {
                    name: "".into(),
                    role: " ".into(),
                },
            ],
            destination_and_route: "山手小学校、県道経由".into(),
            timing: "警戒レベル3で".into(),
            roles: "自治会長が声かけ、隣家が同行".into(),
            notes: Some("  ".into()),
        }
        .normalised()
    }

    #[test]
    fn a_complete_record_passes_and_blank_rows_are_dropped() {
        let m = meeting();
        assert_eq!(m.attendees.len(), 1);
        assert_eq!(m.notes, None);
        assert!(m.validate(day(23)).is_ok());
    }

    #[test]
    fn every_missing_decision_is_named() {
        let mut m = meeting();
        m.timing = " ".into();
        m.roles = String::new();
        m.attendees.clear();
        m.held_on = day(24);
        let e = m.validate(day(23)).expect_err("invalid");
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["held_on", "attendees", "timing", "roles"]);
    }
}
