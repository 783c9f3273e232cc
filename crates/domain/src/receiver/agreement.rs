//! Agreements with receivers (協定・誓約書): what a receiver signed with the municipality about
//! keeping the roster and plans safe (49-12: the municipality takes measures against leaks; the
//! receiver's duty of confidentiality, 49-13). A municipality may require one in force before
//! anything is provided in normal times (`Provision::agreements_required`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ValidationErrors;

/// 協定 (an agreement between the municipality and the organisation) or 誓約書 (a pledge the
/// organisation, or its members, signed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AgreementKind {
    /// 協定
    Agreement,
    /// 誓約書
    Pledge,
}

impl AgreementKind {
    pub const ALL: [AgreementKind; 2] = [AgreementKind::Agreement, AgreementKind::Pledge];
    pub fn code(self) -> &'static str {
        match self {
            AgreementKind::Agreement => "agreement",
            AgreementKind::Pledge => "pledge",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            AgreementKind::Agreement => "協定",
            AgreementKind::Pledge => "誓約書",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// One agreement with a receiver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiverAgreement {
    pub kind: AgreementKind,
    /// The day it was concluded or signed.
    pub concluded_on: NaiveDate,
    /// The last day it holds; `None`: until ended.
    #[serde(default)]
    pub expires_on: Option<NaiveDate>,
    /// What it covers (e.g. 名簿情報・個別避難計画情報の適正管理と守秘義務).
    pub scope: String,
    /// Where the signed document is kept (文書番号・保管場所).
    #[serde(default)]
    pub file_reference: Option<String>,
}

impl ReceiverAgreement {
    /// Checks an agreement recorded on `today`: concluded, not in the future, a scope in words,
    /// an expiry after the start.
    pub fn validate(mut self, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        self.scope = self.scope.trim().to_owned();
        self.file_reference = self
            .file_reference
            .map(|f| f.trim().to_owned())
            .filter(|f| !f.is_empty());
        if self.scope.is_empty() {
            e.push(
                "scope",
                "対象（何についての協定・誓約か）を入力してください",
            );
        }
        let too_long =
            |t: &str| t.chars().count() > 200 || crate::text::invisible_or_control(t).is_some();
        if too_long(&self.scope) || self.file_reference.as_deref().is_some_and(too_long) {
            e.push(
                "scope",
                "200文字以内で、使用できない文字を含めずに入力してください",
            );
        }
        if self.concluded_on > today {
            e.push(
                "concluded_on",
                "締結日が未来の日付です。締結した日に登録してください",
            );
        }
        if self.expires_on.is_some_and(|x| x < self.concluded_on) {
            e.push("expires_on", "有効期限が締結日より前です");
        }
        if e.is_empty() { Ok(self) } else { Err(e) }
    }

    /// Does it hold on `day` (ended early on `ended_on`, if so)?
    pub fn in_force(&self, day: NaiveDate, ended_on: Option<NaiveDate>) -> bool {
        self.concluded_on <= day
            && self.expires_on.is_none_or(|x| day <= x)
            && ended_on.is_none_or(|e| day < e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn pledge() -> ReceiverAgreement {
        ReceiverAgreement {
            kind: AgreementKind::Pledge,
            concluded_on: d(2026, 4, 1),
            expires_on: Some(d(2027, 3, 31)),
            scope: " 名簿情報の適正管理 ".into(),
            file_reference: Some("  ".into()),
        }
    }

    #[test]
    fn an_agreement_holds_from_its_day_to_its_expiry_or_its_end() {
        let a = pledge();
        assert!(!a.in_force(d(2026, 3, 31), None));
        assert!(a.in_force(d(2026, 4, 1), None));
        assert!(a.in_force(d(2027, 3, 31), None));
        assert!(!a.in_force(d(2027, 4, 1), None));
        assert!(!a.in_force(d(2026, 10, 1), Some(d(2026, 10, 1))));
        assert!(a.in_force(d(2026, 9, 30), Some(d(2026, 10, 1))));
    }

    #[test]
    fn agreements_are_checked_and_trimmed() {
        let ok = pledge().validate(d(2026, 12, 5)).expect("valid");
        assert_eq!(ok.scope, "名簿情報の適正管理");
        assert_eq!(ok.file_reference, None);
        let mut future = pledge();
        future.concluded_on = d(2027, 1, 1);
        future.expires_on = None;
        assert!(future.validate(d(2026, 12, 5)).is_err());
        let mut backwards = pledge();
        backwards.expires_on = Some(d(2026, 1, 1));
        assert!(backwards.validate(d(2026, 12, 5)).is_err());
        let mut blank = pledge();
        blank.scope = "　".into();
        assert!(blank.validate(d(2026, 12, 5)).is_err());
        for k in AgreementKind::ALL {
            assert_eq!(AgreementKind::parse(k.code()), Some(k));
        }
    }
}
