//! Priority triage (優先度) and the choice of approach (進め方) for an individual evacuation
//! plan, after the three points and the decision flow of Kagoshima Prefecture's guide
//! (DOMAIN.md §2). Pure: the same input and policy always give the same result.

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

/// Point 2, 本人の心身の状況. Applies when any flag is set or 要介護度 is 3 or more.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Condition {
    /// 認知症: the decision to evacuate is hard.
    pub dementia: bool,
    /// Cannot move alone.
    pub cannot_move_alone: bool,
    /// Needs specialised help or transport to move.
    pub needs_specialised_transport: bool,
    /// 重度の知的障害
    pub severe_intellectual_disability: bool,
    /// 医療的ケア: ventilator, oxygen, suction …
    pub medical_care: bool,
    /// 要介護度 1..=5
    pub needs_care_level: Option<u8>,
}

impl Condition {
    fn labels(&self) -> Vec<String> {
        let mut out: Vec<String> = [
            (self.dementia, "認知症"),
            (self.cannot_move_alone, "自力で移動できない"),
            (self.needs_specialised_transport, "移動に専門的な支援が必要"),
            (self.severe_intellectual_disability, "重度の知的障害"),
            (self.medical_care, "医療的ケア"),
        ]
        .into_iter()
        .filter(|(f, _)| *f)
        .map(|(_, l)| l.to_owned())
        .collect();
        if let Some(c) = self.needs_care_level.filter(|c| *c >= 3) {
            out.push(format!("要介護{c}"));
        }
        out
    }

    /// Judgement, communication or moving generally hard (the flow's question for ウ).
    fn generally_hard(&self) -> bool {
        self.dementia
            || self.severe_intellectual_disability
            || self.medical_care
            || self.needs_specialised_transport
    }
}

/// Point 3, 居住実態・社会的孤立の状況. Applies when any flag is set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LivingSituation {
    /// 独居
    pub lives_alone: bool,
    /// 高齢者のみ世帯
    pub elderly_only_household: bool,
    /// 日中独居
    pub alone_in_daytime: bool,
    /// 家族が支援できない
    pub family_cannot_help: bool,
    /// 近所とのつながりがない
    pub no_ties_with_neighbours: bool,
}

impl LivingSituation {
    fn labels(&self) -> Vec<&'static str> {
        [
            (self.lives_alone, "独居"),
            (self.elderly_only_household, "高齢者のみ世帯"),
            (self.alone_in_daytime, "日中独居"),
            (self.family_cannot_help, "家族の支援が得られない"),
            (self.no_ties_with_neighbours, "近所とのつながりがない"),
        ]
        .into_iter()
        .filter(|(f, _)| *f)
        .map(|(_, l)| l)
        .collect()
    }
}

/// Can the person decide to evacuate and evacuate, alone or with family (自力避難)?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SelfEvacuation {
    /// できる
    Can,
    /// 困難 (alone, elderly household, family cannot help, or cannot move/decide)
    Difficult,
    /// できない場合がある (alone in the daytime)
    SometimesNot,
}

impl SelfEvacuation {
    pub const ALL: [SelfEvacuation; 3] = [
        SelfEvacuation::Can,
        SelfEvacuation::Difficult,
        SelfEvacuation::SometimesNot,
    ];
    pub fn code(self) -> &'static str {
        match self {
            SelfEvacuation::Can => "can",
            SelfEvacuation::Difficult => "difficult",
            SelfEvacuation::SometimesNot => "sometimes_not",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SelfEvacuation::Can => "できる",
            SelfEvacuation::Difficult => "困難",
            SelfEvacuation::SometimesNot => "できない場合がある",
        }
    }
}

/// Derives [`SelfEvacuation`] from the living situation and the condition: [`SelfEvacuation::Can`]
/// when no living-situation flag is set and nothing makes moving or judging hard;
/// [`SelfEvacuation::SometimesNot`] when the only such fact is 日中独居; otherwise
/// [`SelfEvacuation::Difficult`].
pub fn self_evacuation(living: &LivingSituation) -> SelfEvacuation {
    // The guide asks this of the household, not of the person's condition: a person with
    // dementia whose family can take them is (ア); the condition is weighed at the next step.
    let difficult = living.lives_alone
        || living.elderly_only_household
        || living.family_cannot_help
        || living.no_ties_with_neighbours;
    if difficult {
        SelfEvacuation::Difficult
    } else if living.alone_in_daytime {
        SelfEvacuation::SometimesNot
    } else {
        SelfEvacuation::Can
    }
}

/// 地域の協力: can the community help make the plan (watched by volunteers, or known to the
/// 自治会 as needing help)?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CommunitySupport {
    /// あり
    Yes,
    /// なし
    No,
    /// 未確認. The office cannot know this alone: treated as No, with a path note to confirm
    /// with the person or the 自治会.
    Unknown,
}

impl CommunitySupport {
    pub const ALL: [CommunitySupport; 3] = [
        CommunitySupport::Yes,
        CommunitySupport::No,
        CommunitySupport::Unknown,
    ];
    pub fn code(self) -> &'static str {
        match self {
            CommunitySupport::Yes => "yes",
            CommunitySupport::No => "no",
            CommunitySupport::Unknown => "unknown",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            CommunitySupport::Yes => "あり",
            CommunitySupport::No => "なし",
            CommunitySupport::Unknown => "未確認",
        }
    }
}

/// What triage needs to know of one person: the three points and the community's help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TriageInput {
    pub hazards: HomeHazards,
    pub condition: Condition,
    pub living: LivingSituation,
    pub community: CommunitySupport,
}

/// How much each point counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Weights {
    pub hazard: u32,
    pub condition: u32,
    pub living: u32,
}

/// The municipality's rule turning the three points into a priority; stored, versioned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriorityPolicy {
    pub version: u32,
    pub weights: Weights,
    /// Score at or above which the priority is 高.
    pub high_at: u32,
    /// Score at or above which the priority is 中.
    pub medium_at: u32,
    /// 高 only when the home itself is at risk (point 1).
    pub require_hazard_for_high: bool,
}

impl Default for PriorityPolicy {
    fn default() -> Self {
        Self {
            version: 1,
            weights: Weights {
                hazard: 1,
                condition: 1,
                living: 1,
            },
            high_at: 3,
            medium_at: 2,
            require_hazard_for_high: true,
        }
    }
}

impl PriorityPolicy {
    /// Checks a policy before it is stored. [`triage`] itself accepts any policy (scores
    /// saturate), so an unchecked one gives odd results but never panics.
    pub fn validate(&self) -> Result<(), String> {
        let w = self.weights;
        if w.hazard == 0 && w.condition == 0 && w.living == 0 {
            return Err("重みがすべて0です。少なくとも一つは1以上にしてください".into());
        }
        if self.high_at == 0 {
            return Err("「高」とする点数は1以上にしてください".into());
        }
        if self.medium_at > self.high_at {
            return Err("「中」とする点数は「高」とする点数以下にしてください".into());
        }
        if w.hazard.max(w.condition).max(w.living) > 100 {
            return Err("重みは100以下にしてください".into());
        }
        if self.high_at > 300 {
            return Err("「高」とする点数は300以下にしてください".into());
        }
        Ok(())
    }
}

/// 優先度. Ordered by urgency, `Low < Medium < High`, so `p >= Priority::Medium` means
/// "make this plan with priority".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Medium,
    High,
}

impl Priority {
    pub const ALL: [Priority; 3] = [Priority::High, Priority::Medium, Priority::Low];
    pub fn code(self) -> &'static str {
        match self {
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Priority::High => "高",
            Priority::Medium => "中",
            Priority::Low => "低",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Priority::ALL
            .into_iter()
            .find(|p| p.code() == s || p.label() == s)
    }
    /// A list filter: empty means "any"; a value that names no priority is refused.
    pub fn parse_filter(s: &str) -> Result<Option<Self>, String> {
        crate::codes::parse_filter(s, Self::parse, "優先度", Self::ALL.map(Self::code))
    }
}

/// 進め方: who makes the plan with the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Approach {
    /// (ア) 本人・家族が作成
    PersonOrFamily,
    /// (イ) 地域と一緒に作成
    Community,
    /// (ウ) 福祉専門職と一緒に作成
    WelfareProfessional,
    /// 優先度低: 災害への自主的な備えを促す
    SelfPreparedness,
}

impl Approach {
    pub const ALL: [Approach; 4] = [
        Approach::PersonOrFamily,
        Approach::Community,
        Approach::WelfareProfessional,
        Approach::SelfPreparedness,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Approach::PersonOrFamily => "person_or_family",
            Approach::Community => "community",
            Approach::WelfareProfessional => "welfare_professional",
            Approach::SelfPreparedness => "self_preparedness",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Approach::PersonOrFamily => "（ア）本人・家族が作成",
            Approach::Community => "（イ）地域と作成",
            Approach::WelfareProfessional => "（ウ）福祉専門職と作成",
            Approach::SelfPreparedness => "自主的な備えを促す",
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Approach::PersonOrFamily => "ア",
            Approach::Community => "イ",
            Approach::WelfareProfessional => "ウ",
            Approach::SelfPreparedness => "—",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Approach::ALL
            .into_iter()
            .find(|a| a.code() == s || a.symbol() == s)
    }
    /// A list filter: empty means "any"; a value that names no approach is refused.
    pub fn parse_filter(s: &str) -> Result<Option<Self>, String> {
        crate::codes::parse_filter(s, Self::parse, "進め方", Self::ALL.map(Self::code))
    }
}

/// The outcome of [`triage`], with the reasons and the steps taken so staff can check it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TriageResult {
    pub priority: Priority,
    pub score: u32,
    /// One line per point that applies, naming the specifics.
    pub reasons: Vec<String>,
    pub approach: Approach,
    /// The decision flow's steps, in words, in order.
    pub path: Vec<String>,
    pub policy_version: u32,
}

/// Decides priority and approach: each of the three points that applies adds its weight; the
/// score against the policy's thresholds gives the priority; the guide's decision flow gives
/// the approach.
pub fn triage(input: &TriageInput, policy: &PriorityPolicy) -> TriageResult {
    let mut reasons = Vec::new();
    let mut score: u32 = 0;
    let hazards = input.hazards.labels();
    let point1 = !hazards.is_empty();
    if point1 {
        score = score.saturating_add(policy.weights.hazard);
        reasons.push(format!("自宅の災害危険性: {}", hazards.join("、")));
    }
    let condition = input.condition.labels();
    if !condition.is_empty() {
        score = score.saturating_add(policy.weights.condition);
        reasons.push(format!("本人の心身の状況: {}", condition.join("、")));
    }
    let living = input.living.labels();
    if !living.is_empty() {
        score = score.saturating_add(policy.weights.living);
        reasons.push(format!("居住実態・社会的孤立の状況: {}", living.join("、")));
    }
    let mut priority = if score >= policy.high_at {
        Priority::High
    } else if score >= policy.medium_at {
        Priority::Medium
    } else {
        Priority::Low
    };
    let mut path = vec![format!(
        "3つの観点の点数 {score}（高 {} 点以上、中 {} 点以上）",
        policy.high_at, policy.medium_at
    )];
    if priority == Priority::High && policy.require_hazard_for_high && !point1 {
        priority = Priority::Medium;
        path.push("自宅に災害の危険がないため「中」まで".into());
    }
    if priority == Priority::Low {
        path.push("優先的に作成する対象ではない → 災害への自主的な備えを促す".into());
        return TriageResult {
            priority,
            score,
            reasons,
            approach: Approach::SelfPreparedness,
            path,
            policy_version: policy.version,
        };
    }
    path.push(format!("優先度「{}」: 優先的に作成する", priority.label()));
    let approach = match self_evacuation(&input.living) {
        SelfEvacuation::Can => {
            path.push("本人・家族で避難の判断と避難ができる → （ア）本人・家族が作成".into());
            Approach::PersonOrFamily
        }
        se => {
            path.push(match se {
                SelfEvacuation::SometimesNot => {
                    "日中は本人だけになり、避難できない場合がある".into()
                }
                _ => "本人・家族だけでの避難は困難".to_owned(),
            });
            if input.condition.generally_hard() {
                path.push(
                    "判断・意思疎通・移動が全般的に困難（認知症・重度の知的障害・医療的ケア等） → （ウ）福祉専門職と作成"
                        .into(),
                );
                Approach::WelfareProfessional
            } else {
                path.push("特別な困難はない → 地域の協力で作成できるか".into());
                match input.community {
                    CommunitySupport::Yes => {
                        path.push("地域の見守り・自治会の把握あり → （イ）地域と作成".into());
                        Approach::Community
                    }
                    CommunitySupport::No => {
                        path.push("地域の協力が得られない → （ウ）福祉専門職と作成".into());
                        Approach::WelfareProfessional
                    }
                    CommunitySupport::Unknown => {
                        path.push("地域の協力可否は本人または自治会に確認が必要".into());
                        path.push("確認できるまでは → （ウ）福祉専門職と作成".into());
                        Approach::WelfareProfessional
                    }
                }
            }
        }
    };
    TriageResult {
        priority,
        score,
        reasons,
        approach,
        path,
        policy_version: policy.version,
    }
}

/// A staff member's change to a result, with the reason (kept in the audit trail).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Override {
    pub priority: Option<Priority>,
    pub approach: Option<Approach>,
    pub reason: String,
}

/// Applies a staff member's [`Override`]. The reason must not be blank and something must
/// change; the result's path gains the line 「職員による変更: {reason}」. The combination is
/// staff's judgement: an overridden result need not follow the decision flow.
pub fn apply_override(mut result: TriageResult, o: &Override) -> Result<TriageResult, String> {
    let reason = o.reason.trim();
    if reason.is_empty() {
        return Err("変更の理由を入力してください".into());
    }
    if o.priority.is_none() && o.approach.is_none() {
        return Err("優先度か進め方のどちらかを選んでください".into());
    }
    if let Some(p) = o.priority {
        result.priority = p;
    }
    if let Some(a) = o.approach {
        result.approach = a;
    }
    result.path.push(format!("職員による変更: {reason}"));
    Ok(result)
}

#[cfg(test)]
mod tests;
