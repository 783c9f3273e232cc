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

impl ConsentStatus {
    /// A list filter: empty means "any"; anything else that names no status is refused.
    pub fn parse_filter(s: &str) -> Result<Option<Self>, String> {
        crate::codes::parse_filter(
            s,
            |s| s.parse().ok(),
            "同意の状況",
            Self::ALL.map(Self::code),
        )
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

/// How consent was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// 書面（同意書）
    Written,
    /// 口頭
    Oral,
    /// 代理人（家族・後見人）
    Proxy,
    /// その他
    Other,
}

impl ConsentMethod {
    pub const ALL: [ConsentMethod; 4] = [
        ConsentMethod::Written,
        ConsentMethod::Oral,
        ConsentMethod::Proxy,
        ConsentMethod::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ConsentMethod::Written => "written",
            ConsentMethod::Oral => "oral",
            ConsentMethod::Proxy => "proxy",
            ConsentMethod::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ConsentMethod::Written => "書面（同意書）",
            ConsentMethod::Oral => "口頭",
            ConsentMethod::Proxy => "代理人（家族・後見人）",
            ConsentMethod::Other => "その他",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        ConsentMethod::ALL.into_iter().find(|m| m.code() == s)
    }
}

/// The consent as recorded: status and scope (what the policy reads) and how it was obtained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentRecord {
    pub status: ConsentStatus,
    /// Kinds of receiver the consent covers (by organisation kind code).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<OrganisationKind>))]
    pub scope: BTreeSet<OrganisationKind>,
    /// The day it was given, refused or withdrawn.
    pub obtained_on: Option<chrono::NaiveDate>,
    pub method: Option<ConsentMethod>,
    /// Who obtained it (name and organisation).
    pub obtained_by: Option<String>,
    pub note: Option<String>,
}

impl ConsentRecord {
    pub fn facts(&self) -> ConsentFacts {
        ConsentFacts {
            status: self.status,
            scope: self.scope.clone(),
        }
    }

    /// Given consent names its receivers, its day and how it was obtained; a refusal or
    /// withdrawal names its day. Dates in the future are refused.
    pub fn validate(&self, today: chrono::NaiveDate) -> Result<(), crate::ValidationErrors> {
        let mut e = crate::ValidationErrors::new();
        let answered = matches!(
            self.status,
            ConsentStatus::Given | ConsentStatus::Refused | ConsentStatus::Withdrawn
        );
        if self.status == ConsentStatus::Given {
            if self.scope.is_empty() {
                e.push(
                    "scope",
                    "同意の範囲（提供先の種類）を一つ以上選んでください",
                );
            }
            if self.method.is_none() {
                e.push("method", "同意の取得方法を選んでください");
            }
        }
        if answered && self.obtained_on.is_none() {
            e.push("obtained_on", "日付を入力してください");
        }
        if self.obtained_on.is_some_and(|d| d > today) {
            e.push("obtained_on", "未来の日付です");
        }
        for (field, value, max) in [
            ("obtained_by", &self.obtained_by, 100),
            ("note", &self.note, 500),
        ] {
            if value.as_ref().is_some_and(|v| v.chars().count() > max) {
                e.push(field, format!("{max}文字以内で入力してください"));
            }
        }
        if e.is_empty() { Ok(()) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    fn given() -> ConsentRecord {
        ConsentRecord {
            status: ConsentStatus::Given,
            scope: BTreeSet::from([OrganisationKind::FireDepartment]),
            obtained_on: Some(today()),
            method: Some(ConsentMethod::Written),
            obtained_by: Some("福祉 花子".into()),
            note: None,
        }
    }

    #[test]
    fn given_consent_needs_scope_day_and_method() {
        assert!(given().validate(today()).is_ok());
        let mut c = given();
        c.scope.clear();
        c.method = None;
        c.obtained_on = None;
        let e = c.validate(today()).err().unwrap_or_default();
        for f in ["scope", "method", "obtained_on"] {
            assert!(e.for_field(f).is_some(), "{f}");
        }
    }

    #[test]
    fn withdrawal_needs_its_day_and_covers_nobody() {
        let mut c = given();
        c.status = ConsentStatus::Withdrawn;
        assert!(c.validate(today()).is_ok());
        assert!(!c.facts().covers(OrganisationKind::FireDepartment));
        c.obtained_on = today().succ_opt();
        assert!(c.validate(today()).is_err());
        let not_asked = ConsentRecord {
            status: ConsentStatus::NotAsked,
            scope: BTreeSet::new(),
            obtained_on: None,
            method: None,
            obtained_by: None,
            note: None,
        };
        assert!(not_asked.validate(today()).is_ok());
    }
}
