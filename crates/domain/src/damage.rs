//! Damage certificates (罹災証明書, 災害対策基本法 art. 90-2): the damage survey of a dwelling
//! (被害認定調査) gives a damage ratio (損害割合), the ratio gives the level by the Cabinet
//! Office's thresholds, and the level is what the certificate states and what support is keyed
//! on. An application moves through a small state machine: surveyed, issued, and — when the
//! household disagrees — a re-survey (再調査) and a re-issue, the history kept.

use crate::ValidationErrors;
use crate::coded_enum;
use crate::text::{clean, unacceptable as bad_text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

coded_enum! {
    /// 住家の被害の程度, least to most severe (so `Ord` is severity).
    pub enum DamageLevel {
        /// 準半壊に至らない（一部損壊）: under 10%.
        Partial = ("partial", "準半壊に至らない（一部損壊）"),
        /// 準半壊: 10% to under 20%.
        NearHalf = ("near_half", "準半壊"),
        /// 半壊: 20% to under 30%.
        Half = ("half", "半壊"),
        /// 中規模半壊: 30% to under 40% (since December 2020).
        MediumHalf = ("medium_half", "中規模半壊"),
        /// 大規模半壊: 40% to under 50%.
        LargeHalf = ("large_half", "大規模半壊"),
        /// 全壊: 50% or more, or collapsed / leaning 1/20 or more at the 一次 survey.
        Total = ("total", "全壊"),
    }
}

/// A damage ratio (損害割合) in tenths of a percent, 0 to 1000: surveys give one decimal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DamageRatio(u16);

impl DamageRatio {
    /// From a percentage as typed (one decimal kept, rounded half up); 0–100 only.
    pub fn from_percent(p: f64) -> Result<Self, String> {
        if !p.is_finite() || !(0.0..=100.0).contains(&p) {
            return Err("損害割合は 0〜100 (%) で入力してください".into());
        }
        // In range, so the cast cannot truncate.
        Ok(DamageRatio((p * 10.0).round() as u16))
    }
    pub fn from_tenths(t: u16) -> Option<Self> {
        (t <= 1000).then_some(DamageRatio(t))
    }
    pub fn tenths(self) -> u16 {
        self.0
    }
    pub fn percent(self) -> f64 {
        f64::from(self.0) / 10.0
    }
    /// The level the ratio gives (PROGRAMMES.md's table; each lower bound included).
    pub fn level(self) -> DamageLevel {
        match self.0 {
            500.. => DamageLevel::Total,
            400..=499 => DamageLevel::LargeHalf,
            300..=399 => DamageLevel::MediumHalf,
            200..=299 => DamageLevel::Half,
            100..=199 => DamageLevel::NearHalf,
            _ => DamageLevel::Partial,
        }
    }
}

impl std::fmt::Display for DamageRatio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}%", self.0 / 10, self.0 % 10)
    }
}

coded_enum! {
    /// How the dwelling was surveyed.
    pub enum SurveyKind {
        /// 第1次調査: from outside (roof, outer walls, foundation).
        First = ("first", "第1次調査（外観）"),
        /// 第2次調査: inside, with the resident, on a re-survey request.
        Second = ("second", "第2次調査（内部立入）"),
        /// 自己判定方式: the household's photographs, for 一部損壊 only, where allowed.
        SelfAssessment = ("self_assessment", "自己判定（写真）"),
    }
}

/// A survey as entered (screen, API or a surveyor team's CSV).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyInput {
    pub kind: SurveyKind,
    pub surveyed_on: NaiveDate,
    /// Who surveyed (names or team), at least one unless self-assessed.
    #[serde(default)]
    pub surveyors: Vec<String>,
    /// 損害割合 in percent (one decimal), unless `collapsed`.
    pub damage_ratio: Option<f64>,
    /// 一見して倒壊 or leaning 1/20 or more: 全壊 at once.
    #[serde(default)]
    pub collapsed: bool,
    pub notes: Option<String>,
}

/// A valid survey with its level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survey {
    pub kind: SurveyKind,
    pub surveyed_on: NaiveDate,
    pub surveyors: Vec<String>,
    pub ratio: Option<DamageRatio>,
    pub collapsed: bool,
    pub level: DamageLevel,
    pub notes: Option<String>,
}

impl SurveyInput {
    /// Valid when dated between the disaster's day and today, with a ratio or a collapse, by
    /// named surveyors; a self-assessment only where the municipality allows it and only for
    /// 一部損壊 (anything worse needs a surveyor on site).
    pub fn validate(
        self,
        today: NaiveDate,
        disaster_day: NaiveDate,
        self_assessment_allowed: bool,
    ) -> Result<Survey, ValidationErrors> {
        let mut e = ValidationErrors::new();
        if self.surveyed_on > today {
            e.push("surveyed_on", "調査日が未来です");
        } else if self.surveyed_on < disaster_day {
            e.push("surveyed_on", "調査日が災害の発生日より前です");
        }
        let surveyors: Vec<String> = self
            .surveyors
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        if surveyors.iter().any(|s| bad_text(s, 100)) || surveyors.len() > 20 {
            e.push(
                "surveyors",
                "調査員は20人まで、各100文字以内で入力してください",
            );
        }
        if surveyors.is_empty() && self.kind != SurveyKind::SelfAssessment {
            e.push("surveyors", "調査員を入力してください");
        }
        let ratio = match self.damage_ratio {
            Some(p) => e.take("damage_ratio", DamageRatio::from_percent(p)),
            None => None,
        };
        if ratio.is_none() && !self.collapsed && e.for_field("damage_ratio").is_none() {
            e.push(
                "damage_ratio",
                "損害割合を入力してください（倒壊・傾斜1/20以上のときは「全壊（一見して）」を選んでください）",
            );
        }
        if self.collapsed && self.kind == SurveyKind::SelfAssessment {
            e.push("collapsed", "自己判定では全壊の判定はできません");
        }
        let level = if self.collapsed {
            DamageLevel::Total
        } else {
            ratio.map_or(DamageLevel::Partial, DamageRatio::level)
        };
        if self.kind == SurveyKind::SelfAssessment {
            if !self_assessment_allowed {
                e.push("kind", "この市町村では自己判定方式を使っていません");
            } else if level != DamageLevel::Partial {
                e.push(
                    "kind",
                    "自己判定は一部損壊（10%未満）に限られます。調査員による調査を行ってください",
                );
            }
        }
        let notes = clean(self.notes);
        if notes.as_deref().is_some_and(|n| bad_text(n, 1000)) {
            e.push(
                "notes",
                "1000文字以内で、使用できない文字を含めずに入力してください",
            );
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(Survey {
            kind: self.kind,
            surveyed_on: self.surveyed_on,
            surveyors,
            ratio,
            collapsed: self.collapsed,
            level,
            notes,
        })
    }
}

coded_enum! {
    /// The applicant's relation to the household (申請者と被災世帯の関係).
    pub enum ApplicantRelation {
        Householder = ("householder", "世帯主"),
        Member = ("member", "世帯員"),
        Agent = ("agent", "代理人（委任状あり）"),
    }
}

/// An application for a certificate (罹災証明書交付申請書), the national unified form's items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationInput {
    pub applicant_name: String,
    pub applicant_relation: ApplicantRelation,
    pub applicant_phone: Option<String>,
    /// 罹災原因 (e.g. 「令和8年12月4日の大雨による洪水」); the declaration's name when blank.
    pub cause: Option<String>,
    /// 被災住家の所在地; the household's registered address when blank.
    pub location: Option<String>,
    pub applied_on: NaiveDate,
}

impl ApplicationInput {
    pub fn validate(
        mut self,
        today: NaiveDate,
        disaster_day: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        self.applicant_name = self.applicant_name.trim().to_owned();
        if self.applicant_name.is_empty() || bad_text(&self.applicant_name, 100) {
            e.push(
                "applicant_name",
                "申請者の氏名を100文字以内で入力してください",
            );
        }
        self.applicant_phone = clean(self.applicant_phone);
        if self
            .applicant_phone
            .as_deref()
            .is_some_and(|p| bad_text(p, 30))
        {
            e.push("applicant_phone", "電話番号は30文字以内で入力してください");
        }
        self.cause = clean(self.cause);
        self.location = clean(self.location);
        for (field, v) in [("cause", &self.cause), ("location", &self.location)] {
            if v.as_deref().is_some_and(|v| bad_text(v, 200)) {
                e.push(
                    field,
                    "200文字以内で、使用できない文字を含めずに入力してください",
                );
            }
        }
        if self.applied_on > today {
            e.push("applied_on", "申請日が未来です");
        } else if self.applied_on < disaster_day {
            e.push("applied_on", "申請日が災害の発生日より前です");
        }
        if e.is_empty() { Ok(self) } else { Err(e) }
    }
}

coded_enum! {
    /// Where an application stands.
    pub enum ApplicationState {
        Applied = ("applied", "申請受付（調査待ち）"),
        Surveyed = ("surveyed", "調査済（交付待ち）"),
        Issued = ("issued", "交付済"),
        ReSurveyRequested = ("resurvey_requested", "再調査依頼中"),
        ReSurveyed = ("resurveyed", "再調査済（再交付待ち）"),
        Withdrawn = ("withdrawn", "取下げ"),
    }
}

/// What can happen to an application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplicationEvent {
    Survey(SurveyKind),
    Issue,
    RequestReSurvey,
    Withdraw,
}

/// The next state, or why the event cannot happen now (in Japanese, for the screen).
///
/// - 一次 or self-assessment: before issue (a correction replaces the earlier result);
/// - 二次: only on a re-survey request (the household asked, the surveyor goes inside), and
///   once re-surveyed only 二次 corrects it;
/// - issue: only when surveyed since the last issue — a certificate always states the newest
///   survey's level;
/// - re-survey: only of an issued certificate;
/// - withdraw: while not issued.
pub fn next(
    state: ApplicationState,
    event: ApplicationEvent,
) -> Result<ApplicationState, &'static str> {
    use ApplicationEvent as E;
    use ApplicationState as S;
    match (state, event) {
        (S::Withdrawn, _) => Err("取り下げられた申請です"),
        (S::Applied | S::Surveyed, E::Survey(SurveyKind::First | SurveyKind::SelfAssessment)) => {
            Ok(S::Surveyed)
        }
        (S::ReSurveyRequested | S::ReSurveyed, E::Survey(SurveyKind::Second)) => Ok(S::ReSurveyed),
        (_, E::Survey(SurveyKind::Second)) => Err("第2次調査は再調査の依頼を受けてから行います"),
        (S::ReSurveyRequested | S::ReSurveyed, E::Survey(_)) => {
            Err("再調査は第2次調査（内部立入）で行います")
        }
        (S::Issued, E::Survey(_)) => {
            Err("交付済みです。結果に不服があるときは再調査の依頼を記録してください")
        }
        (S::Surveyed | S::ReSurveyed, E::Issue) => Ok(S::Issued),
        (S::Applied | S::ReSurveyRequested, E::Issue) => {
            Err("調査結果がまだありません。調査を記録してから交付してください")
        }
        (S::Issued, E::Issue) => Err("交付済みです（再発行は「再発行」から行います）"),
        (S::Issued, E::RequestReSurvey) => Ok(S::ReSurveyRequested),
        (_, E::RequestReSurvey) => Err("再調査の依頼は交付後に受け付けます"),
        (S::Applied | S::Surveyed | S::ReSurveyRequested | S::ReSurveyed, E::Withdraw) => {
            Ok(S::Withdrawn)
        }
        (S::Issued, E::Withdraw) => Err("交付済みの申請は取り下げられません"),
    }
}

/// A certificate number: 第{year}-{seq:06}号, sequential per municipality and year of issue.
pub fn certificate_number(year: i32, seq: u32) -> String {
    format!("第{year}-{seq:06}号")
}

/// The nearest-rank percentile (`p` in 1..=100) of sorted values; `None` when empty.
pub fn percentile(sorted: &[i64], p: u8) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (usize::from(p.clamp(1, 100)) * sorted.len()).div_ceil(100);
    sorted.get(rank.max(1) - 1).copied()
}

#[cfg(test)]
mod tests;
