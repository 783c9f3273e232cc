//! The roster entry (避難行動要支援者名簿の登載情報): why a person needs help to evacuate and the
//! facts about their household, attached to their one person record (Basic Act art. 49-10).

use crate::triage::{Condition, Help, HomeHazards, LivingSituation, Question, TriageInput};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// 要介護度 / 要支援度 of the long-term care insurance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CareLevel {
    Support1,
    Support2,
    Care1,
    Care2,
    Care3,
    Care4,
    Care5,
}

impl CareLevel {
    pub const ALL: [CareLevel; 7] = [
        CareLevel::Support1,
        CareLevel::Support2,
        CareLevel::Care1,
        CareLevel::Care2,
        CareLevel::Care3,
        CareLevel::Care4,
        CareLevel::Care5,
    ];
    pub fn label(self) -> &'static str {
        match self {
            CareLevel::Support1 => "要支援1",
            CareLevel::Support2 => "要支援2",
            CareLevel::Care1 => "要介護1",
            CareLevel::Care2 => "要介護2",
            CareLevel::Care3 => "要介護3",
            CareLevel::Care4 => "要介護4",
            CareLevel::Care5 => "要介護5",
        }
    }
    /// 要介護 1–5 as a number (要支援 is 0).
    pub fn care_number(self) -> u8 {
        match self {
            CareLevel::Support1 | CareLevel::Support2 => 0,
            CareLevel::Care1 => 1,
            CareLevel::Care2 => 2,
            CareLevel::Care3 => 3,
            CareLevel::Care4 => 4,
            CareLevel::Care5 => 5,
        }
    }
    /// Reads `要介護3`, `要介護３`, `介護3`, `要支援1`, `支援1`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
        let digit = t.chars().last().and_then(|c| c.to_digit(10));
        let level = match (t.contains("支援"), t.contains("介護"), digit) {
            (true, _, Some(1)) => Some(CareLevel::Support1),
            (true, _, Some(2)) => Some(CareLevel::Support2),
            (false, true, Some(1)) => Some(CareLevel::Care1),
            (false, true, Some(2)) => Some(CareLevel::Care2),
            (false, true, Some(3)) => Some(CareLevel::Care3),
            (false, true, Some(4)) => Some(CareLevel::Care4),
            (false, true, Some(5)) => Some(CareLevel::Care5),
            _ => None,
        };
        level.ok_or_else(|| {
            format!("要介護度が読み取れません（「{s}」）: 要支援1〜2・要介護1〜5で入力してください")
        })
    }
}

/// A yes/no cell as extracts write it: 1/0, ○/×, 有/無, はい/いいえ, TRUE/FALSE, or empty (no).
pub fn parse_flag(s: &str) -> Result<bool, String> {
    let t: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
    match t.to_lowercase().as_str() {
        "" | "0" | "×" | "x" | "無" | "なし" | "いいえ" | "false" | "no" | "-" => Ok(false),
        "1" | "○" | "◯" | "〇" | "●" | "有" | "あり" | "はい" | "true" | "yes" | "該当" => {
            Ok(true)
        }
        _ => Err(format!(
            "「{s}」は有無として読み取れません（1/0、○/×、有/無）"
        )),
    }
}

/// A 1–`max` grade written `1`, `1級`, `１級`.
pub fn parse_grade(s: &str, max: u8, what: &str) -> Result<u8, String> {
    let t: String = s
        .nfkc()
        .filter(|c| !c.is_whitespace() && *c != '級' && *c != '等')
        .collect();
    match t.parse::<u8>() {
        Ok(g) if (1..=max).contains(&g) => Ok(g),
        _ => Err(format!(
            "{what}の等級が読み取れません（「{s}」）: 1〜{max}級です"
        )),
    }
}

/// 療育手帳 grades differ by prefecture: A/B, A1/A2/B1/B2, 1度–4度 … kept as written after
/// normalising width, validated against the common forms.
pub fn parse_ryoiku(s: &str) -> Result<String, String> {
    let t: String = s
        .nfkc()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let ok = matches!(
        t.as_str(),
        "A" | "B" | "A1" | "A2" | "B1" | "B2" | "○A" | "OA" | "C"
    ) || (t.ends_with('度') && t.chars().count() == 2);
    if ok {
        Ok(t)
    } else {
        Err(format!(
            "療育手帳の区分が読み取れません（「{s}」）: A・B、A1〜B2 など"
        ))
    }
}

/// Why the person needs help, and their household, as the roster keeps them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterEntry {
    pub care_level: Option<CareLevel>,
    /// 身体障害者手帳 等級 (1–6) and 部位 (肢体, 視覚, 聴覚 …)
    pub physical_disability_grade: Option<u8>,
    pub physical_disability_kind: Option<String>,
    /// 療育手帳 区分
    pub ryoiku: Option<String>,
    /// 精神障害者保健福祉手帳 等級 (1–3)
    pub mental_disability_grade: Option<u8>,
    /// 難病
    pub intractable_disease: bool,
    pub dementia: bool,
    pub hearing_impairment: bool,
    pub visual_impairment: bool,
    /// Needs help in another language or plain Japanese.
    pub language_support: bool,
    pub pregnancy: bool,
    pub infant: bool,
    /// Medical care at home (ventilator, oxygen, suction, dialysis …).
    pub medical_care: bool,
    /// Which devices, and whether they need power.
    pub medical_devices: Option<String>,
    pub cannot_move_alone: bool,
    /// 避難支援を必要とする事由 in words, beyond the items above.
    pub other_reason: Option<String>,
    /// 独居
    pub lives_alone: bool,
    /// 高齢者のみ世帯
    pub elderly_only_household: bool,
    /// 日中独居
    pub alone_in_daytime: bool,
    /// Family who can help evacuate: `None` unknown.
    pub family_can_help: Option<bool>,
    /// No ties with neighbours (社会的孤立).
    pub no_ties_with_neighbours: bool,
    /// Already watched over by the community (見守り), or known to the 自治会: `None` unknown.
    pub community_watch: Option<bool>,
    /// Point 1 (自宅の災害危険性): set by hand (with a reason in `hazard_note`), or filled
    /// from the hazard maps when no manual value is given (`hazards_from_map`).
    #[serde(default)]
    pub home_hazards: HomeHazards,
    /// Where the hazard information came from, or why it was set by hand.
    #[serde(default)]
    pub hazard_note: Option<String>,
    /// `home_hazards` were filled by classifying the home against the hazard maps.
    #[serde(default)]
    pub hazards_from_map: bool,
    /// How the person walks when evacuating, as staff recorded it; `None`: judged from the
    /// entry (see `Mobility::of`).
    #[serde(default)]
    pub mobility: Option<crate::evacuation_timing::Mobility>,
    /// 自治会・町内会 (or 自主防災組織) district the person lives in: the community receiver.
    #[serde(default)]
    pub community_district: Option<String>,
    /// 民生委員 district (担当地区).
    #[serde(default)]
    pub welfare_district: Option<String>,
    /// Answers given to the questions the decision flow left open (要確認), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub help_answers: Vec<HelpAnswer>,
}

/// An answer to a question the decision flow left open (要確認への回答): who answered, when, and
/// what they said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelpAnswer {
    pub question: Question,
    /// The family can help / the community can help.
    pub yes: bool,
    /// The answering organisation's name (e.g. 本町地区民生委員).
    pub answered_by: String,
    pub answered_on: chrono::NaiveDate,
    #[serde(default)]
    pub note: Option<String>,
}

impl HelpAnswer {
    /// 「家族が避難を支援できるか: できる（本町地区民生委員、2026-12-05）」
    pub fn summary(&self) -> String {
        format!(
            "{}: {}（{}、{}）",
            self.question.label(),
            if self.yes {
                "できる"
            } else {
                "できない"
            },
            self.answered_by,
            self.answered_on
        )
    }
}

impl RosterEntry {
    /// Point 1 was set by hand: a manual value, given with its reason, wins over the maps.
    pub fn has_manual_hazards(&self) -> bool {
        !self.hazards_from_map
            && self
                .hazard_note
                .as_deref()
                .is_some_and(|n| !n.trim().is_empty())
    }

    /// Fills point 1 from the hazard maps unless a manual value wins; returns whether it
    /// changed anything.
    pub fn apply_map_hazards(&mut self, hazards: HomeHazards, note: String) -> bool {
        if self.has_manual_hazards() {
            return false;
        }
        let before = (
            self.home_hazards,
            self.hazard_note.clone(),
            self.hazards_from_map,
        );
        self.home_hazards = hazards;
        self.hazard_note = Some(note);
        self.hazards_from_map = true;
        before
            != (
                self.home_hazards,
                self.hazard_note.clone(),
                self.hazards_from_map,
            )
    }

    /// Carries the map's point 1 from the stored entry into an incoming one that has no manual
    /// value (a re-import or an edit must not erase what the maps found).
    pub fn keep_map_hazards_from(&mut self, stored: &RosterEntry) {
        if !self.has_manual_hazards() && stored.hazards_from_map {
            self.home_hazards = stored.home_hazards;
            self.hazard_note = stored.hazard_note.clone();
            self.hazards_from_map = true;
        }
    }

    /// The triage input this entry gives (DOMAIN.md §2, the three points and the flow).
    /// 療育手帳 A (A1, A2, ○A) counts as a severe intellectual disability; a person recorded as
    /// needing help or a wheelchair to walk cannot move alone; moving needs specialised help
    /// when the person cannot move alone and is 要介護4–5 or has a grade 1–2 physical
    /// disability.
    pub fn triage_input(&self) -> TriageInput {
        let care = self
            .care_level
            .map(CareLevel::care_number)
            .filter(|c| *c > 0);
        let severe_ryoiku = self
            .ryoiku
            .as_deref()
            .is_some_and(|r| r.starts_with('A') || r.starts_with("○A") || r.starts_with("OA"));
        let heavy =
            care.is_some_and(|c| c >= 4) || self.physical_disability_grade.is_some_and(|g| g <= 2);
        let cannot_move_alone = self.cannot_move_alone
            || self.mobility == Some(crate::evacuation_timing::Mobility::Assisted);
        TriageInput {
            hazards: self.home_hazards,
            condition: Condition {
                dementia: self.dementia,
                cannot_move_alone,
                needs_specialised_transport: cannot_move_alone && heavy,
                severe_intellectual_disability: severe_ryoiku,
                medical_care: self.medical_care,
                needs_care_level: care,
                physical_disability_grade: self.physical_disability_grade,
                visual_impairment: self.visual_impairment,
                hearing_impairment: self.hearing_impairment,
                mental_disability_grade: self.mental_disability_grade,
                intractable_disease: self.intractable_disease,
            },
            living: LivingSituation {
                lives_alone: self.lives_alone,
                elderly_only_household: self.elderly_only_household,
                alone_in_daytime: self.alone_in_daytime,
                family: Help::of(self.family_can_help),
                no_ties_with_neighbours: self.no_ties_with_neighbours,
            },
            community: Help::of(self.community_watch),
        }
    }

    /// Records an answer to a question the flow left open (要確認): the fact it answers and
    /// the answer itself.
    pub fn answer(&mut self, answer: HelpAnswer) {
        let slot = match answer.question {
            Question::FamilyHelp => &mut self.family_can_help,
            Question::CommunityHelp => &mut self.community_watch,
        };
        *slot = Some(answer.yes);
        self.help_answers.push(answer);
    }

    /// The person's districts in words (自治会 / 民生委員地区), if any is known.
    pub fn district_label(&self) -> Option<String> {
        let parts: Vec<&str> = [&self.community_district, &self.welfare_district]
            .into_iter()
            .filter_map(|d| d.as_deref().map(str::trim).filter(|d| !d.is_empty()))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" / "))
    }

    /// The reasons support is needed, in words, for lists and documents.
    pub fn reasons(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(c) = self.care_level {
            out.push(c.label().to_owned());
        }
        if let Some(g) = self.physical_disability_grade {
            let kind = self.physical_disability_kind.as_deref().unwrap_or("");
            out.push(format!(
                "身体障害者手帳{g}級{}",
                if kind.is_empty() {
                    String::new()
                } else {
                    format!("（{kind}）")
                }
            ));
        }
        if let Some(r) = &self.ryoiku {
            out.push(format!("療育手帳{r}"));
        }
        if let Some(g) = self.mental_disability_grade {
            out.push(format!("精神障害者保健福祉手帳{g}級"));
        }
        for (flag, label) in [
            (self.intractable_disease, "難病"),
            (self.dementia, "認知症"),
            (self.hearing_impairment, "聴覚障害"),
            (self.visual_impairment, "視覚障害"),
            (self.language_support, "言語の支援が必要"),
            (self.pregnancy, "妊産婦"),
            (self.infant, "乳幼児"),
            (self.medical_care, "医療的ケア"),
            (self.cannot_move_alone, "自力で移動できない"),
        ] {
            if flag {
                out.push(label.to_owned());
            }
        }
        if let Some(o) = &self.other_reason {
            out.push(o.clone());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_point_one_wins_over_the_maps_and_the_maps_survive_a_reimport() {
        let flood = HomeHazards {
            flood: true,
            ..HomeHazards::default()
        };
        let mut manual = RosterEntry {
            hazard_note: Some("高台のため危険なし（現地確認）".into()),
            ..RosterEntry::default()
        };
        assert!(manual.has_manual_hazards());
        assert!(!manual.apply_map_hazards(flood, "地図".into()));
        assert!(!manual.home_hazards.any());

        let mut mapped = RosterEntry::default();
        assert!(mapped.apply_map_hazards(flood, "地図".into()));
        assert!(mapped.home_hazards.flood && mapped.hazards_from_map);
        assert!(!mapped.has_manual_hazards());
        assert!(!mapped.apply_map_hazards(flood, "地図".into()), "no change");

        let mut reimported = RosterEntry::default();
        reimported.keep_map_hazards_from(&mapped);
        assert!(reimported.home_hazards.flood && reimported.hazards_from_map);
        manual.keep_map_hazards_from(&mapped);
        assert!(!manual.home_hazards.any(), "a manual value is kept");
    }

    #[test]
    fn care_levels_in_every_width() {
        assert_eq!(CareLevel::parse("要介護３"), Ok(CareLevel::Care3));
        assert_eq!(CareLevel::parse("介護5"), Ok(CareLevel::Care5));
        assert_eq!(CareLevel::parse("要支援1"), Ok(CareLevel::Support1));
        assert!(CareLevel::parse("要介護6").is_err());
        assert!(CareLevel::parse("3").is_err());
        for c in CareLevel::ALL {
            assert_eq!(CareLevel::parse(c.label()), Ok(c));
        }
    }

    #[test]
    fn flags_and_grades() {
        for yes in ["1", "○", "有", "ＴＲＵＥ", "はい"] {
            assert_eq!(parse_flag(yes), Ok(true), "{yes}");
        }
        for no in ["", "0", "×", "無", "false"] {
            assert_eq!(parse_flag(no), Ok(false), "{no}");
        }
        assert!(parse_flag("たぶん").is_err());
        assert_eq!(parse_grade("２級", 6, "身体障害者手帳"), Ok(2));
        assert!(parse_grade("7", 6, "身体障害者手帳").is_err());
        assert_eq!(parse_ryoiku("ａ１"), Ok("A1".into()));
        assert!(parse_ryoiku("Z").is_err());
    }

    #[test]
    fn reasons_in_words() {
        let e = RosterEntry {
            care_level: Some(CareLevel::Care3),
            physical_disability_grade: Some(1),
            physical_disability_kind: Some("肢体".into()),
            dementia: true,
            ..Default::default()
        };
        assert_eq!(
            e.reasons(),
            vec!["要介護3", "身体障害者手帳1級（肢体）", "認知症"]
        );
    }
}
