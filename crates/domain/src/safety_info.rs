//! Enquiries about a person's safety (安否情報の照会, 災害対策基本法 art. 86-15): the person says
//! whether the fact of their safety may be given to relatives, to acquaintances, to anyone
//! else; staff answering an enquiry are shown only what that agreement allows for the
//! enquirer, and every answer is recorded. Without an agreement nothing is said beyond that
//! the municipality cannot answer.

use crate::coded_enum;
use crate::safety::SafetyStatus;
use serde::{Deserialize, Serialize};

coded_enum! {
    /// Who is asking.
    pub enum EnquirerRelation {
        /// 親族（配偶者・同居者を含む）
        Relative = ("relative", "親族・同居者"),
        /// 知人その他の関係者
        Acquaintance = ("acquaintance", "知人・職場など"),
        /// それ以外（報道など）
        Other = ("other", "その他"),
    }
}

/// What the person agreed may be told, by who asks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SafetyInfoConsent {
    pub relatives: bool,
    pub acquaintances: bool,
    pub others: bool,
}

impl SafetyInfoConsent {
    pub fn allows(self, r: EnquirerRelation) -> bool {
        match r {
            EnquirerRelation::Relative => self.relatives,
            EnquirerRelation::Acquaintance => self.acquaintances,
            EnquirerRelation::Other => self.others,
        }
    }
}

/// The answer staff may give, in the words to read out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnquiryAnswer {
    pub answered: bool,
    pub text: String,
}

/// The answer for an enquirer, from the person's agreement (none recorded: nothing), the
/// latest safety status and the shelter they are in. Where they are is said only to
/// relatives; others hear whether the person is safe.
pub fn answer(
    relation: EnquirerRelation,
    consent: Option<SafetyInfoConsent>,
    status: Option<SafetyStatus>,
    shelter: Option<&str>,
) -> EnquiryAnswer {
    let refused = EnquiryAnswer {
        answered: false,
        text: "ご本人の同意がないため、お答えできません。".into(),
    };
    if !consent.is_some_and(|c| c.allows(relation)) {
        return refused;
    }
    let state = match status {
        None | Some(SafetyStatus::Unchecked | SafetyStatus::NotReached) => {
            "まだ安否を確認できていません。"
        }
        Some(SafetyStatus::SafeAtHome | SafetyStatus::Evacuated) => "無事が確認されています。",
        Some(SafetyStatus::NeedsSupport) => "無事が確認され、支援を受けています。",
        Some(SafetyStatus::Injured | SafetyStatus::Hospitalised) => {
            "負傷されていますが、安否は確認されています。"
        }
        Some(SafetyStatus::Missing) => "行方が分かっていません。",
        Some(SafetyStatus::Dead) => "お亡くなりになったことが確認されています。",
    };
    let mut text = state.to_owned();
    if relation == EnquirerRelation::Relative
        && let Some(s) = shelter
    {
        text.push_str(&format!("{s}に避難されています。"));
    }
    EnquiryAnswer {
        answered: true,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn relations() -> impl Strategy<Value = EnquirerRelation> {
        prop::sample::select(EnquirerRelation::ALL.to_vec())
    }

    proptest! {
        /// Without the agreement for the enquirer nothing is said; the place goes only to
        /// relatives.
        #[test]
        fn only_what_was_agreed(
            r in relations(), relatives: bool, acquaintances: bool, others: bool, has: bool,
            status in prop::option::of(prop::sample::select(SafetyStatus::ALL.to_vec())),
        ) {
            let consent = has.then_some(SafetyInfoConsent { relatives, acquaintances, others });
            let a = answer(r, consent, status, Some("本町小学校"));
            prop_assert_eq!(a.answered, consent.is_some_and(|c| c.allows(r)));
            if !a.answered {
                prop_assert!(!a.text.contains("本町小学校") && !a.text.contains("無事"));
            }
            if r != EnquirerRelation::Relative {
                prop_assert!(!a.text.contains("本町小学校"));
            }
        }
    }

    #[test]
    fn a_relative_hears_where() {
        let c = SafetyInfoConsent {
            relatives: true,
            acquaintances: false,
            others: false,
        };
        let a = answer(
            EnquirerRelation::Relative,
            Some(c),
            Some(SafetyStatus::Evacuated),
            Some("本町小学校"),
        );
        assert!(
            a.answered && a.text.contains("本町小学校に避難"),
            "{}",
            a.text
        );
        assert!(
            !answer(
                EnquirerRelation::Acquaintance,
                Some(c),
                Some(SafetyStatus::Evacuated),
                None
            )
            .answered
        );
    }
}
