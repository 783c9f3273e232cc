//! Priority triage (優先度) and the choice of approach (進め方) for an individual evacuation
//! plan, after the three points and the decision flow of Kagoshima Prefecture's guide
//! (DOMAIN.md §2). Pure: the same input and policy always give the same result.

use serde::{Deserialize, Serialize};

mod input;
mod policy;

pub use input::{
    Condition, ConditionKind, Help, HomeHazards, LivingSituation, Question, SelfEvacuation,
    TriageInput, self_evacuation,
};
pub use policy::{ConditionPolicy, PriorityPolicy, Weights};

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
    /// The questions the record could not answer (要確認): until they are answered the approach
    /// is provisional. Empty when the flow was decided on facts (or staff chose the approach).
    #[serde(default)]
    pub to_confirm: Vec<Question>,
}

impl TriageResult {
    /// Is the approach provisional, waiting for an answer (要確認)?
    pub fn needs_confirmation(&self) -> bool {
        !self.to_confirm.is_empty()
    }
}

/// Decides priority and approach: each of the three points that applies adds its weight (which
/// conditions count for point 2 is the policy's); the score against the policy's thresholds
/// gives the priority; the guide's decision flow gives the approach. A question the record
/// cannot answer (the family's or the community's help unknown) is put in `to_confirm` and the
/// flow goes on provisionally: unknown family help is never taken as help (the condition and
/// the community decide), unknown community help gives （イ） — asking the 自治会 is its first
/// step — rather than the scarce （ウ）.
pub fn triage(input: &TriageInput, policy: &PriorityPolicy) -> TriageResult {
    let mut reasons = Vec::new();
    let mut score: u32 = 0;
    let hazards = input.hazards.labels();
    let point1 = !hazards.is_empty();
    if point1 {
        score = score.saturating_add(policy.weights.hazard);
        reasons.push(format!("自宅の災害危険性: {}", hazards.join("、")));
    }
    let condition = policy.conditions.point2_labels(&input.condition);
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
    let mut to_confirm = Vec::new();
    let approach = if priority == Priority::Low {
        path.push("優先的に作成する対象ではない → 災害への自主的な備えを促す".into());
        Approach::SelfPreparedness
    } else {
        path.push(format!("優先度「{}」: 優先的に作成する", priority.label()));
        decide_approach(input, policy, &mut path, &mut to_confirm)
    };
    TriageResult {
        priority,
        score,
        reasons,
        approach,
        path,
        policy_version: policy.version,
        to_confirm,
    }
}

/// The decision flow below the priority: the household, the condition, the community.
fn decide_approach(
    input: &TriageInput,
    policy: &PriorityPolicy,
    path: &mut Vec<String>,
    to_confirm: &mut Vec<Question>,
) -> Approach {
    match self_evacuation(&input.living) {
        SelfEvacuation::Can => {
            path.push("本人・家族で避難の判断と避難ができる → （ア）本人・家族が作成".into());
            return Approach::PersonOrFamily;
        }
        SelfEvacuation::SometimesNot => {
            path.push("日中は本人だけになり、避難できない場合がある".into())
        }
        SelfEvacuation::Difficult => path.push("本人・家族だけでの避難は困難".into()),
        SelfEvacuation::Unconfirmed => {
            to_confirm.push(Question::FamilyHelp);
            path.push(
                "家族が避難を支援できるか未確認 → 要確認（確認できるまでは家族の支援がないものとして進める）"
                    .into(),
            );
        }
    }
    let hard = policy.conditions.hard_labels(&input.condition);
    if !hard.is_empty() {
        path.push(format!(
            "判断・意思疎通・移動が全般的に困難（{}） → （ウ）福祉専門職と作成",
            hard.join("、")
        ));
        return Approach::WelfareProfessional;
    }
    path.push("判断・意思疎通・移動に全般的な困難はない → 地域の協力で作成できるか".into());
    let community = match input.community {
        Help::Unknown if input.living.no_ties_with_neighbours => {
            path.push("近所とのつながりがない → 地域の協力は得られないものとする".into());
            Help::No
        }
        c => c,
    };
    match community {
        Help::Yes => {
            path.push("地域の見守り・自治会の把握あり → （イ）地域と作成".into());
            Approach::Community
        }
        Help::No => {
            path.push("地域の協力が得られない → （ウ）福祉専門職と作成".into());
            Approach::WelfareProfessional
        }
        Help::Unknown => {
            to_confirm.push(Question::CommunityHelp);
            path.push("地域の協力が得られるか未確認 → 要確認（民生委員・自治会に確認）".into());
            path.push("確認できるまでは（イ）地域と作成として進める".into());
            Approach::Community
        }
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
/// change; the result's path gains the line 「職員による変更: {reason}」; choosing the approach
/// settles the questions left to confirm. The combination is
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
        // Staff chose the approach: nothing is left to confirm for it.
        result.approach = a;
        result.to_confirm.clear();
    }
    result.path.push(format!("職員による変更: {reason}"));
    Ok(result)
}

#[cfg(test)]
mod tests;
