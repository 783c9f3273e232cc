//! The guide's STEP 1 and STEP 5 (issue 16 item 8): training and briefings (研修・説明会) for
//! professionals, 自治会 and 民生委員, and drills (避難訓練) per district or plan — what happened
//! and what must change. A drill's finding about a person marks their plan for review (the use
//! case records it as a consequence).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ValidationErrors;
use crate::coded_enum;
use crate::text::{clean, unacceptable as bad_text};

coded_enum! {
    pub enum ActivityKind {
        Training = ("training", "研修（専門職など）"),
        Briefing = ("briefing", "説明会（自治会・民生委員など）"),
        Drill = ("drill", "避難訓練"),
    }
}

/// A finding of a drill about one person (by 宛名番号): what must change in their plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub resident_no: String,
    pub note: String,
}

/// A training, briefing or drill as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityInput {
    pub kind: ActivityKind,
    pub held_on: NaiveDate,
    pub title: String,
    /// The district (自治会, 民生委員 district, 町名), if it was for one.
    pub district: Option<String>,
    /// The organisations that took part, as named.
    #[serde(default)]
    pub organisations: Vec<String>,
    pub attendees: u32,
    /// What happened (訓練の結果・気づき).
    pub what_happened: Option<String>,
    /// Findings about people (drills only): each marks that person's plan for review.
    #[serde(default)]
    pub findings: Vec<Finding>,
}

impl ActivityInput {
    pub fn validate(mut self, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        self.title = self.title.trim().to_owned();
        if self.title.is_empty() || bad_text(&self.title, 100) {
            e.push("title", "名前を100文字以内で入力してください");
        }
        if self.held_on > today {
            e.push("held_on", "実施日が未来です");
        }
        self.district = clean(self.district);
        if self.district.as_deref().is_some_and(|d| bad_text(d, 100)) {
            e.push("district", "地区は100文字以内です");
        }
        self.organisations = self
            .organisations
            .into_iter()
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
            .collect();
        if self.organisations.iter().any(|o| bad_text(o, 100)) {
            e.push("organisations", "団体名は一つ100文字以内です");
        }
        if self.attendees > 100_000 {
            e.push("attendees", "参加者数を確かめてください");
        }
        self.what_happened = clean(self.what_happened);
        if self
            .what_happened
            .as_deref()
            .is_some_and(|w| bad_text(w, 2000))
        {
            e.push("what_happened", "結果・気づきは2000文字以内です");
        }
        self.findings.retain(|f| !f.resident_no.trim().is_empty());
        if self.kind != ActivityKind::Drill && !self.findings.is_empty() {
            e.push("findings", "個別の気づきは避難訓練で記録します");
        }
        let mut seen = std::collections::HashSet::new();
        for f in &mut self.findings {
            f.resident_no = f.resident_no.trim().to_owned();
            f.note = f.note.trim().to_owned();
            if !seen.insert(f.resident_no.clone()) {
                e.push(
                    "findings",
                    format!("宛名番号 {} が二度あります", f.resident_no),
                );
            }
            if f.note.is_empty() || bad_text(&f.note, 500) {
                e.push("findings", "気づきの内容を500文字以内で入力してください");
            }
        }
        if e.is_empty() { Ok(self) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default()
    }

    fn drill() -> ActivityInput {
        ActivityInput {
            kind: ActivityKind::Drill,
            held_on: day(1),
            title: "本町 避難訓練".into(),
            district: Some("本町自治会".into()),
            organisations: vec!["本町自治会".into(), " ".into()],
            attendees: 24,
            what_happened: Some("車いすで坂を上れなかった".into()),
            findings: vec![Finding {
                resident_no: "1001".into(),
                note: "避難先を近くの集会所に変える".into(),
            }],
        }
    }

    #[test]
    fn a_drill_records_findings_and_other_activities_do_not() {
        let d = drill().validate(day(5));
        assert_eq!(d.as_ref().map(|d| d.organisations.len()).ok(), Some(1));
        let mut t = drill();
        t.kind = ActivityKind::Training;
        assert!(t.validate(day(5)).is_err());
        let mut t = drill();
        t.kind = ActivityKind::Training;
        t.findings.clear();
        assert!(t.validate(day(5)).is_ok());
        assert!(drill().validate(day(1)).is_ok());
        let mut f = drill();
        f.held_on = day(6);
        assert!(f.validate(day(5)).is_err(), "in the future");
        let mut f = drill();
        f.findings.push(f.findings[0].clone());
        assert!(f.validate(day(5)).is_err(), "the same person twice");
        let mut f = drill();
        f.findings[0].note = " ".into();
        assert!(
            f.validate(day(5)).is_err(),
            "a finding says what must change"
        );
    }
}
