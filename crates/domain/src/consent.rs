//! Consent (同意) to give roster and plan data to 避難支援等関係者 in normal times.

use crate::organisation::OrganisationKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ConsentStatus {
    /// 未確認: not yet asked.
    NotAsked,
    /// 同意: given.
    Given,
    /// 不同意: refused.
    Refused,
    /// 意思確認困難: the person cannot answer.
    CannotAnswer,
    /// 撤回: given once, then withdrawn. Takes effect at once for every receiver.
    Withdrawn,
}

impl ConsentStatus {
    pub const ALL: [ConsentStatus; 5] = [
        ConsentStatus::NotAsked,
        ConsentStatus::Given,
        ConsentStatus::Refused,
        ConsentStatus::CannotAnswer,
        ConsentStatus::Withdrawn,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ConsentStatus::NotAsked => "not_asked",
            ConsentStatus::Given => "given",
            ConsentStatus::Refused => "refused",
            ConsentStatus::CannotAnswer => "cannot_answer",
            ConsentStatus::Withdrawn => "withdrawn",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ConsentStatus::NotAsked => "未確認",
            ConsentStatus::Given => "同意",
            ConsentStatus::Refused => "不同意",
            ConsentStatus::CannotAnswer => "意思確認困難",
            ConsentStatus::Withdrawn => "撤回",
        }
    }
}

impl FromStr for ConsentStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ConsentStatus::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| format!("不明な同意状態です: {s}"))
    }
}

/// What the policy needs to know of a person's consent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentFacts {
    pub status: ConsentStatus,
    /// The kinds of receiver the consent covers.
    pub scope: BTreeSet<OrganisationKind>,
}

impl ConsentFacts {
    pub fn not_asked() -> Self {
        Self {
            status: ConsentStatus::NotAsked,
            scope: BTreeSet::new(),
        }
    }

    /// Does the consent let an organisation of `kind` receive the data in normal times?
    pub fn covers(&self, kind: OrganisationKind) -> bool {
        self.status == ConsentStatus::Given && self.scope.contains(&kind)
    }
}

impl Default for ConsentFacts {
    fn default() -> Self {
        Self::not_asked()
    }
}
