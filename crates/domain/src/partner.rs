//! The partner directory (連携団体の一覧): for each organisation working with a municipality, the
//! fields it serves (issue categories), its area, contact and the agreement (協定) in force.
//! Whether it is a registered 被災者援護協力団体 is the ledger's registration.

use crate::ValidationErrors;
use crate::issue_category::IssueCategory;
use crate::text::{clean, unacceptable as bad_text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerProfile {
    #[serde(default)]
    pub fields: Vec<IssueCategory>,
    pub area: Option<String>,
    /// Who to call, how.
    pub contact: Option<String>,
    /// The agreement (協定) and its date.
    pub agreement: Option<String>,
    /// Until when the agreement is in force; open-ended when none.
    pub agreement_until: Option<NaiveDate>,
}

impl PartnerProfile {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        self.fields.sort();
        self.fields.dedup();
        self.area = clean(self.area);
        self.contact = clean(self.contact);
        self.agreement = clean(self.agreement);
        for (f, v, max) in [
            ("area", &self.area, 200),
            ("contact", &self.contact, 300),
            ("agreement", &self.agreement, 300),
        ] {
            if v.as_deref().is_some_and(|v| bad_text(v, max)) {
                e.push(f, format!("{max}文字以内で入力してください"));
            }
        }
        if self.agreement.is_none() && self.agreement_until.is_some() {
            e.push("agreement_until", "協定の名前を入力してください");
        }
        if e.is_empty() { Ok(self) } else { Err(e) }
    }

    /// An agreement is recorded and not expired.
    pub fn agreement_in_force(&self, today: NaiveDate) -> bool {
        self.agreement.is_some() && self.agreement_until.is_none_or(|u| u >= today)
    }

    /// The fields in words (「住宅の補修再建・法的トラブル」).
    pub fn fields_text(&self) -> String {
        self.fields
            .iter()
            .map(|f| f.label())
            .collect::<Vec<_>>()
            .join("・")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agreement_is_in_force_until_its_day() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default();
        let p = PartnerProfile {
            agreement: Some("災害時の支援に関する協定（令和7年4月1日）".into()),
            agreement_until: Some(day),
            ..PartnerProfile::default()
        };
        assert!(p.agreement_in_force(day));
        assert!(!p.agreement_in_force(day + chrono::Duration::days(1)));
        assert!(!PartnerProfile::default().agreement_in_force(day));
        let bad = PartnerProfile {
            agreement_until: Some(day),
            ..PartnerProfile::default()
        };
        assert!(bad.validate().is_err());
    }
}
