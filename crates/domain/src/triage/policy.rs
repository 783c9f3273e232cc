//! The municipality's rule for triage (優先度の判定基準): how much each point counts, the
//! thresholds, and which conditions count for point 2 and as generally hard. Stored, versioned.

use super::input::{Condition, ConditionKind};
use serde::{Deserialize, Serialize};

/// How much each point counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Weights {
    pub hazard: u32,
    pub condition: u32,
    pub living: u32,
}

/// Which conditions count, and for what. Each municipality sets its own (the guide leaves it to
/// them); the default counts for point 2 every condition the roster records (身体障害者手帳1・2級,
/// 視覚・聴覚障害, 精神1・2級, 難病 and 要介護3以上 among them) and takes judging, communicating or
/// moving as generally hard with dementia, a severe intellectual disability, medical care,
/// specialised transport or 要介護4以上.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConditionPolicy {
    /// Conditions that make point 2 apply.
    pub point2: Vec<ConditionKind>,
    /// 要介護度 from which point 2 applies; `None`: the care level alone never does.
    pub point2_care_from: Option<u8>,
    /// Conditions under which judging, communicating or moving is generally hard (→ ウ).
    pub generally_hard: Vec<ConditionKind>,
    /// 要介護度 from which it is generally hard; `None`: the care level alone never is.
    pub generally_hard_care_from: Option<u8>,
}

impl Default for ConditionPolicy {
    fn default() -> Self {
        Self {
            point2: ConditionKind::ALL.to_vec(),
            point2_care_from: Some(3),
            generally_hard: vec![
                ConditionKind::Dementia,
                ConditionKind::SpecialisedTransport,
                ConditionKind::SevereIntellectualDisability,
                ConditionKind::MedicalCare,
            ],
            generally_hard_care_from: Some(4),
        }
    }
}

impl ConditionPolicy {
    /// What of `c` counts for point 2, in words, in a fixed order.
    pub fn point2_labels(&self, c: &Condition) -> Vec<String> {
        let mut out: Vec<String> = c
            .kinds()
            .into_iter()
            .filter(|k| self.point2.contains(k))
            .map(|k| k.label().to_owned())
            .collect();
        if let Some(level) = c
            .needs_care_level
            .filter(|l| self.point2_care_from.is_some_and(|from| *l >= from))
        {
            out.push(format!("要介護{level}"));
        }
        out
    }

    /// What of `c` makes judging, communicating or moving generally hard, in words.
    pub fn hard_labels(&self, c: &Condition) -> Vec<String> {
        let mut out: Vec<String> = c
            .kinds()
            .into_iter()
            .filter(|k| self.generally_hard.contains(k))
            .map(|k| k.label().to_owned())
            .collect();
        if let Some(level) = c
            .needs_care_level
            .filter(|l| self.generally_hard_care_from.is_some_and(|from| *l >= from))
        {
            out.push(format!("要介護{level}"));
        }
        out
    }

    /// Each kind once, in [`ConditionKind::ALL`]'s order (as saved).
    fn normalised(mut self) -> Self {
        let order = |v: &[ConditionKind]| -> Vec<ConditionKind> {
            ConditionKind::ALL
                .into_iter()
                .filter(|k| v.contains(k))
                .collect()
        };
        self.point2 = order(&self.point2);
        self.generally_hard = order(&self.generally_hard);
        self
    }

    fn validate(&self) -> Result<(), String> {
        for from in [self.point2_care_from, self.generally_hard_care_from]
            .into_iter()
            .flatten()
        {
            if !(1..=5).contains(&from) {
                return Err("要介護度は1〜5で指定してください".into());
            }
        }
        Ok(())
    }
}

/// The municipality's rule turning the three points into a priority; stored, versioned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Which conditions count for point 2 and as generally hard (policies saved before it was
    /// settable read as the default).
    #[serde(default)]
    pub conditions: ConditionPolicy,
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
            conditions: ConditionPolicy::default(),
        }
    }
}

impl PriorityPolicy {
    /// Checks a policy before it is stored. [`super::triage`] itself accepts any policy (scores
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
        self.conditions.validate()
    }

    /// The policy as it is saved: validated, each condition kind once and in order.
    pub fn checked(mut self) -> Result<Self, String> {
        self.validate()?;
        self.conditions = self.conditions.normalised();
        Ok(self)
    }
}
