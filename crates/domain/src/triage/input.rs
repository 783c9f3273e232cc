//! What triage reads of one person: the three points of the guide and the two questions of its
//! decision flow that only the family or the community can answer.

use serde::{Deserialize, Serialize};

/// Point 1, 自宅の災害危険性: the hazards the home lies in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HomeHazards {
    /// 洪水 (river flooding)
    pub flood: bool,
    /// 内水氾濫 (inland flooding)
    pub inland_flood: bool,
    /// 津波浸水
    pub tsunami: bool,
    /// 家屋倒壊 (house collapse zone, or a house likely to collapse)
    pub house_collapse: bool,
    /// 土砂災害
    pub landslide: bool,
    /// 高潮浸水
    #[serde(default)]
    pub storm_surge: bool,
}

impl HomeHazards {
    /// Does point 1 apply?
    pub fn any(&self) -> bool {
        self.flood
            || self.inland_flood
            || self.tsunami
            || self.house_collapse
            || self.landslide
            || self.storm_surge
    }
    /// The hazards that apply, in Japanese, in a fixed order.
    pub fn labels(&self) -> Vec<&'static str> {
        [
            (self.flood, "洪水"),
            (self.inland_flood, "内水氾濫"),
            (self.tsunami, "津波"),
            (self.house_collapse, "家屋倒壊"),
            (self.landslide, "土砂災害"),
            (self.storm_surge, "高潮"),
        ]
        .into_iter()
        .filter(|(f, _)| *f)
        .map(|(_, l)| l)
        .collect()
    }
}

/// One fact of the person's body and mind the municipality's policy can count: for point 2,
/// and as making judging, communicating or moving generally hard (the flow's question for ウ).
/// The care level is counted separately, from a threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ConditionKind {
    /// 認知症
    Dementia,
    /// 自力で移動できない (also 介助・車いすが必要)
    CannotMoveAlone,
    /// 移動に専門的な支援が必要
    SpecialisedTransport,
    /// 重度の知的障害 (療育手帳A)
    SevereIntellectualDisability,
    /// 医療的ケア
    MedicalCare,
    /// 身体障害者手帳 1・2級
    PhysicalDisabilityGrade1To2,
    /// 視覚障害
    VisualImpairment,
    /// 聴覚障害
    HearingImpairment,
    /// 精神障害者保健福祉手帳 1・2級
    MentalDisabilityGrade1To2,
    /// 難病
    IntractableDisease,
}

impl ConditionKind {
    pub const ALL: [ConditionKind; 10] = [
        ConditionKind::Dementia,
        ConditionKind::CannotMoveAlone,
        ConditionKind::SpecialisedTransport,
        ConditionKind::SevereIntellectualDisability,
        ConditionKind::MedicalCare,
        ConditionKind::PhysicalDisabilityGrade1To2,
        ConditionKind::VisualImpairment,
        ConditionKind::HearingImpairment,
        ConditionKind::MentalDisabilityGrade1To2,
        ConditionKind::IntractableDisease,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ConditionKind::Dementia => "dementia",
            ConditionKind::CannotMoveAlone => "cannot_move_alone",
            ConditionKind::SpecialisedTransport => "specialised_transport",
            ConditionKind::SevereIntellectualDisability => "severe_intellectual_disability",
            ConditionKind::MedicalCare => "medical_care",
            ConditionKind::PhysicalDisabilityGrade1To2 => "physical_disability_grade1_to2",
            ConditionKind::VisualImpairment => "visual_impairment",
            ConditionKind::HearingImpairment => "hearing_impairment",
            ConditionKind::MentalDisabilityGrade1To2 => "mental_disability_grade1_to2",
            ConditionKind::IntractableDisease => "intractable_disease",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ConditionKind::Dementia => "認知症",
            ConditionKind::CannotMoveAlone => "自力で移動できない",
            ConditionKind::SpecialisedTransport => "移動に専門的な支援が必要",
            ConditionKind::SevereIntellectualDisability => "重度の知的障害",
            ConditionKind::MedicalCare => "医療的ケア",
            ConditionKind::PhysicalDisabilityGrade1To2 => "身体障害者手帳1・2級",
            ConditionKind::VisualImpairment => "視覚障害",
            ConditionKind::HearingImpairment => "聴覚障害",
            ConditionKind::MentalDisabilityGrade1To2 => "精神障害者保健福祉手帳1・2級",
            ConditionKind::IntractableDisease => "難病",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// Point 2, 本人の心身の状況: the facts; which of them count is the municipality's policy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Condition {
    /// 認知症: the decision to evacuate is hard.
    pub dementia: bool,
    /// Cannot move alone (or needs help or a wheelchair to move).
    pub cannot_move_alone: bool,
    /// Needs specialised help or transport to move.
    pub needs_specialised_transport: bool,
    /// 重度の知的障害
    pub severe_intellectual_disability: bool,
    /// 医療的ケア: ventilator, oxygen, suction …
    pub medical_care: bool,
    /// 要介護度 1..=5
    pub needs_care_level: Option<u8>,
    /// 身体障害者手帳 等級 1..=6
    #[serde(default)]
    pub physical_disability_grade: Option<u8>,
    /// 視覚障害
    #[serde(default)]
    pub visual_impairment: bool,
    /// 聴覚障害
    #[serde(default)]
    pub hearing_impairment: bool,
    /// 精神障害者保健福祉手帳 等級 1..=3
    #[serde(default)]
    pub mental_disability_grade: Option<u8>,
    /// 難病
    #[serde(default)]
    pub intractable_disease: bool,
}

impl Condition {
    /// The kinds of condition the person has, in [`ConditionKind::ALL`]'s order.
    pub fn kinds(&self) -> Vec<ConditionKind> {
        ConditionKind::ALL
            .into_iter()
            .filter(|k| self.has(*k))
            .collect()
    }

    pub fn has(&self, kind: ConditionKind) -> bool {
        match kind {
            ConditionKind::Dementia => self.dementia,
            ConditionKind::CannotMoveAlone => self.cannot_move_alone,
            ConditionKind::SpecialisedTransport => self.needs_specialised_transport,
            ConditionKind::SevereIntellectualDisability => self.severe_intellectual_disability,
            ConditionKind::MedicalCare => self.medical_care,
            ConditionKind::PhysicalDisabilityGrade1To2 => {
                self.physical_disability_grade.is_some_and(|g| g <= 2)
            }
            ConditionKind::VisualImpairment => self.visual_impairment,
            ConditionKind::HearingImpairment => self.hearing_impairment,
            ConditionKind::MentalDisabilityGrade1To2 => {
                self.mental_disability_grade.is_some_and(|g| g <= 2)
            }
            ConditionKind::IntractableDisease => self.intractable_disease,
        }
    }
}

/// Point 3, 居住実態・社会的孤立の状況. Applies when any fact is set (unknown family help is no
/// fact).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LivingSituation {
    /// 独居
    pub lives_alone: bool,
    /// 高齢者のみ世帯
    pub elderly_only_household: bool,
    /// 日中独居
    pub alone_in_daytime: bool,
    /// Can the family help the person evacuate?
    pub family: Help,
    /// 近所とのつながりがない: counts for point 3 and answers the community question.
    pub no_ties_with_neighbours: bool,
}

impl Default for LivingSituation {
    fn default() -> Self {
        Self {
            lives_alone: false,
            elderly_only_household: false,
            alone_in_daytime: false,
            family: Help::Yes,
            no_ties_with_neighbours: false,
        }
    }
}

impl LivingSituation {
    pub(super) fn labels(&self) -> Vec<&'static str> {
        [
            (self.lives_alone, "独居"),
            (self.elderly_only_household, "高齢者のみ世帯"),
            (self.alone_in_daytime, "日中独居"),
            (self.family == Help::No, "家族の支援が得られない"),
            (self.no_ties_with_neighbours, "近所とのつながりがない"),
        ]
        .into_iter()
        .filter(|(f, _)| *f)
        .map(|(_, l)| l)
        .collect()
    }
}

/// Can the person decide to evacuate and evacuate, alone or with family (自力避難)? The guide
/// asks this of the household: the condition is weighed at the next step, and ties with the
/// neighbours belong to the community question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SelfEvacuation {
    /// できる
    Can,
    /// 困難 (alone, elderly household, or the family cannot help)
    Difficult,
    /// できない場合がある (alone in the daytime)
    SometimesNot,
    /// 未確認: whether the family can help is not known — to confirm; until then not "can".
    Unconfirmed,
}

impl SelfEvacuation {
    pub const ALL: [SelfEvacuation; 4] = [
        SelfEvacuation::Can,
        SelfEvacuation::Difficult,
        SelfEvacuation::SometimesNot,
        SelfEvacuation::Unconfirmed,
    ];
    pub fn code(self) -> &'static str {
        match self {
            SelfEvacuation::Can => "can",
            SelfEvacuation::Difficult => "difficult",
            SelfEvacuation::SometimesNot => "sometimes_not",
            SelfEvacuation::Unconfirmed => "unconfirmed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SelfEvacuation::Can => "できる",
            SelfEvacuation::Difficult => "困難",
            SelfEvacuation::SometimesNot => "できない場合がある",
            SelfEvacuation::Unconfirmed => "未確認",
        }
    }
}

/// Derives [`SelfEvacuation`] from the household: difficult when the person lives alone or
/// only with the elderly or the family cannot help; "sometimes not" when alone in the daytime;
/// unconfirmed when nothing of that holds but the family's help is unknown; otherwise can.
pub fn self_evacuation(living: &LivingSituation) -> SelfEvacuation {
    if living.lives_alone || living.elderly_only_household || living.family == Help::No {
        SelfEvacuation::Difficult
    } else if living.alone_in_daytime {
        SelfEvacuation::SometimesNot
    } else if living.family == Help::Unknown {
        SelfEvacuation::Unconfirmed
    } else {
        SelfEvacuation::Can
    }
}

/// An answer to a question of help: the family's help to evacuate, or the community's help to
/// make the plan (地域の協力: watched by volunteers, or known to the 自治会 as needing help).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Help {
    /// あり
    Yes,
    /// なし
    No,
    /// 未確認: the office cannot know this alone — the flow asks the district's 民生委員 or
    /// 自治会 (要確認) and decides provisionally until they answer.
    Unknown,
}

impl Help {
    pub const ALL: [Help; 3] = [Help::Yes, Help::No, Help::Unknown];
    pub fn code(self) -> &'static str {
        match self {
            Help::Yes => "yes",
            Help::No => "no",
            Help::Unknown => "unknown",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Help::Yes => "あり",
            Help::No => "なし",
            Help::Unknown => "未確認",
        }
    }
    /// From a stored yes/no/unknown.
    pub fn of(known: Option<bool>) -> Self {
        match known {
            Some(true) => Help::Yes,
            Some(false) => Help::No,
            None => Help::Unknown,
        }
    }
}

/// A question the flow could not answer from the record (要確認): asked of the district's
/// 民生委員 or 自治会, who answer it in their own login.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Question {
    /// Can the family help the person evacuate (家族の支援)?
    FamilyHelp,
    /// Can the community help make the plan (地域の協力)?
    CommunityHelp,
}

impl Question {
    pub const ALL: [Question; 2] = [Question::FamilyHelp, Question::CommunityHelp];
    pub fn code(self) -> &'static str {
        match self {
            Question::FamilyHelp => "family_help",
            Question::CommunityHelp => "community_help",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Question::FamilyHelp => "家族が避難を支援できるか",
            Question::CommunityHelp => "地域（自治会・見守り）の協力が得られるか",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.code() == s)
    }
    /// Who answers, besides the owning municipality: the district's 民生委員 and the 自治会 —
    /// when the person is shared with them (the caller checks that).
    pub fn answered_by(kind: crate::organisation::OrganisationKind) -> bool {
        use crate::organisation::OrganisationKind as K;
        matches!(
            kind,
            K::WelfareCommissionerDistrict | K::CommunityAssociation
        )
    }
}

/// What triage needs to know of one person: the three points and the community's help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TriageInput {
    pub hazards: HomeHazards,
    pub condition: Condition,
    pub living: LivingSituation,
    /// 地域の協力: can the community help make the plan?
    pub community: Help,
}
