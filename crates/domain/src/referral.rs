//! Connecting a household to support (支援へのつなぎ): a referral from a case to an organisation
//! (or for a programme), sharing only the items chosen, on a basis named (the household's
//! consent or a legal basis), and its states: proposed → sent → accepted / declined (with a
//! reason) → accompanied (who went with the household, where, what was advised) → done / not
//! achieved (with a reason). The receiving organisation sees only the referral's items and
//! answers in its own login.

use crate::coded_enum;
use crate::text::{clean, unacceptable as bad_text};
use crate::{OrganisationId, ValidationErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

coded_enum! {
    pub enum ReferralState {
        Proposed = ("proposed", "提案"),
        Sent = ("sent", "依頼済み"),
        Accepted = ("accepted", "受諾"),
        Declined = ("declined", "辞退"),
        Accompanied = ("accompanied", "同行支援済み"),
        Done = ("done", "完了"),
        NotAchieved = ("not_achieved", "達成できず"),
    }
}

coded_enum! {
    /// What a referral shares with the receiver.
    pub enum ReferralItem {
        Identity = ("identity", "世帯員の氏名・生年月日"),
        Contact = ("contact", "住所・連絡先"),
        Damage = ("damage", "住家の被害（罹災証明）"),
        Issues = ("issues", "課題の評価"),
    }
}

coded_enum! {
    /// The basis on which the items are shared.
    pub enum ReferralBasis {
        Consent = ("consent", "本人の同意"),
        Law = ("law", "法令の定め（災害対策基本法第90条の4 など）"),
    }
}

impl ReferralState {
    /// Sent and not yet finished: the household is waiting on it.
    pub fn is_waiting(self) -> bool {
        matches!(
            self,
            ReferralState::Sent | ReferralState::Accepted | ReferralState::Accompanied
        )
    }
}

/// Who does what on a referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The case's owner or lead: propose, send, record the outcome.
    Sender,
    /// The organisation referred to: accept or decline, accompany, record the outcome.
    Receiver,
}

/// A step on a referral, with what it records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum ReferralStep {
    Send,
    Accept,
    Decline {
        reason: String,
    },
    Accompany {
        who: String,
        place: String,
        advice: String,
    },
    Complete,
    Fail {
        reason: String,
    },
}

impl ReferralStep {
    pub fn code(&self) -> &'static str {
        match self {
            ReferralStep::Send => "send",
            ReferralStep::Accept => "accept",
            ReferralStep::Decline { .. } => "decline",
            ReferralStep::Accompany { .. } => "accompany",
            ReferralStep::Complete => "complete",
            ReferralStep::Fail { .. } => "fail",
        }
    }
}

/// The next state, or why not. Texts a step records must be given.
pub fn next(
    state: ReferralState,
    step: &ReferralStep,
    side: Side,
) -> Result<ReferralState, &'static str> {
    use ReferralState as S;
    use ReferralStep as T;
    let text_ok = |t: &str| !t.trim().is_empty() && !bad_text(t.trim(), 500);
    match (state, step, side) {
        (S::Proposed, T::Send, Side::Sender) => Ok(S::Sent),
        (S::Sent, T::Accept, Side::Receiver) => Ok(S::Accepted),
        (S::Sent, T::Decline { reason }, Side::Receiver) => {
            if text_ok(reason) {
                Ok(S::Declined)
            } else {
                Err("辞退の理由を入力してください")
            }
        }
        (S::Accepted | S::Accompanied, T::Accompany { who, place, advice }, Side::Receiver) => {
            if text_ok(who) && text_ok(place) && text_ok(advice) {
                Ok(S::Accompanied)
            } else {
                Err("同行した人・場所・助言の内容を入力してください")
            }
        }
        (S::Accepted | S::Accompanied, T::Complete, _) => Ok(S::Done),
        (S::Sent | S::Accepted | S::Accompanied, T::Fail { reason }, _) => {
            if text_ok(reason) {
                Ok(S::NotAchieved)
            } else {
                Err("達成できなかった理由を入力してください")
            }
        }
        (_, _, Side::Receiver) if matches!(step, T::Send) => Err("依頼は紹介する側が行います"),
        (_, T::Accept | T::Decline { .. } | T::Accompany { .. }, Side::Sender) => {
            Err("受諾・辞退・同行は紹介先の団体が記録します")
        }
        _ => Err("この状態ではその操作はできません"),
    }
}

/// A referral as entered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralInput {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub to_organisation: OrganisationId,
    /// The support programme (catalogue id), when the referral is for one.
    pub programme: Option<String>,
    pub purpose: String,
    pub items: Vec<ReferralItem>,
    pub basis: ReferralBasis,
    /// The day the household agreed (for `consent`), or the provision named (for `law`).
    pub consent_on: Option<NaiveDate>,
    pub legal_basis: Option<String>,
}

impl ReferralInput {
    pub fn validate(mut self, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        self.purpose = self.purpose.trim().to_owned();
        if self.purpose.is_empty() || bad_text(&self.purpose, 500) {
            e.push("purpose", "紹介の目的を500文字以内で入力してください");
        }
        self.items.sort();
        self.items.dedup();
        self.legal_basis = clean(self.legal_basis);
        match self.basis {
            ReferralBasis::Consent if self.consent_on.is_none_or(|d| d > today) => {
                e.push("consent_on", "本人が同意した日を入力してください");
            }
            ReferralBasis::Law if self.legal_basis.as_deref().is_none_or(|l| bad_text(l, 200)) => {
                e.push("legal_basis", "根拠となる法令を入力してください");
            }
            _ => {}
        }
        if e.is_empty() { Ok(self) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReferralState as S;

    #[test]
    fn the_happy_path_and_who_may_take_each_step() {
        let accompany = ReferralStep::Accompany {
            who: "山本".into(),
            place: "市役所 被災者支援課".into(),
            advice: "応急修理の申請書を一緒に書いた".into(),
        };
        assert_eq!(
            next(S::Proposed, &ReferralStep::Send, Side::Sender),
            Ok(S::Sent)
        );
        assert!(next(S::Sent, &ReferralStep::Accept, Side::Sender).is_err());
        assert_eq!(
            next(S::Sent, &ReferralStep::Accept, Side::Receiver),
            Ok(S::Accepted)
        );
        assert_eq!(
            next(S::Accepted, &accompany, Side::Receiver),
            Ok(S::Accompanied)
        );
        assert!(next(S::Accepted, &accompany, Side::Sender).is_err());
        assert_eq!(
            next(S::Accompanied, &ReferralStep::Complete, Side::Sender),
            Ok(S::Done)
        );
        assert!(next(S::Done, &ReferralStep::Complete, Side::Sender).is_err());
        let empty = ReferralStep::Decline { reason: " ".into() };
        assert!(next(S::Sent, &empty, Side::Receiver).is_err());
        let fail = ReferralStep::Fail {
            reason: "連絡がつかない".into(),
        };
        assert_eq!(next(S::Sent, &fail, Side::Sender), Ok(S::NotAchieved));
        assert!(next(S::Proposed, &ReferralStep::Accept, Side::Receiver).is_err());
    }

    #[test]
    fn every_state_is_reachable_only_forwards() {
        // No step leads back to proposed or sent once accepted or later.
        let steps = [
            ReferralStep::Send,
            ReferralStep::Accept,
            ReferralStep::Decline { reason: "x".into() },
            ReferralStep::Accompany {
                who: "a".into(),
                place: "b".into(),
                advice: "c".into(),
            },
            ReferralStep::Complete,
            ReferralStep::Fail { reason: "x".into() },
        ];
        for s in ReferralState::ALL {
            for t in &steps {
                for side in [Side::Sender, Side::Receiver] {
                    if let Ok(n) = next(*s, t, side) {
                        assert!(
                            n > *s || (n == S::Accompanied && *s == S::Accompanied),
                            "{s:?} → {n:?}"
                        );
                    }
                }
            }
        }
    }
}
