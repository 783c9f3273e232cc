//! The legal basis on which a municipality provides roster information (名簿情報, 災害対策基本法
//! art. 49-11(2)) and plan information (個別避難計画情報, art. 49-15(2)) to 避難支援等関係者 in
//! normal times. The Act's rule is the person's consent; "where an ordinance provides otherwise"
//! a municipality may provide unless the person refuses (逆手挙げ・意思確認方式), or without
//! consent; others register those who ask (手挙げ方式). Each municipality chooses, separately for
//! the roster and for plans, and every read decides by the basis in force. Disaster time
//! (49-11(3), 49-15(3)) is not a basis here: it is decided by the declared disaster.

use crate::consent::{ConsentFacts, ConsentStatus};
use crate::ids::OrganisationId;
use crate::organisation::OrganisationKind;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How information is provided in normal times.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProvisionBasis {
    /// 同意方式: only with the person's consent, to the kinds of receiver it names.
    #[default]
    Consent,
    /// 手挙げ方式: the person asked to be registered; the registration is the consent, to the
    /// kinds it names.
    SelfRegistration,
    /// 条例（不同意の申出がない限り提供）: provided to 避難支援等関係者 unless the person
    /// refused (不同意) or withdrew.
    OrdinanceOptOut,
    /// 条例（同意を要しない）: provided to 避難支援等関係者 whatever the person answered.
    OrdinanceWithoutConsent,
}

impl ProvisionBasis {
    pub const ALL: [ProvisionBasis; 4] = [
        ProvisionBasis::Consent,
        ProvisionBasis::SelfRegistration,
        ProvisionBasis::OrdinanceOptOut,
        ProvisionBasis::OrdinanceWithoutConsent,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ProvisionBasis::Consent => "consent",
            ProvisionBasis::SelfRegistration => "self_registration",
            ProvisionBasis::OrdinanceOptOut => "ordinance_opt_out",
            ProvisionBasis::OrdinanceWithoutConsent => "ordinance_without_consent",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            ProvisionBasis::Consent => "同意方式（本人の同意がある場合に提供）",
            ProvisionBasis::SelfRegistration => "手挙げ方式（本人の申出による登録）",
            ProvisionBasis::OrdinanceOptOut => {
                "条例による提供（不同意の申出がない限り提供。逆手挙げ・意思確認方式）"
            }
            ProvisionBasis::OrdinanceWithoutConsent => "条例による提供（同意を要しない）",
        }
    }
    /// An ordinance is needed (49-11(2) ただし書, 49-15(2) ただし書).
    pub fn needs_ordinance(self) -> bool {
        matches!(
            self,
            ProvisionBasis::OrdinanceOptOut | ProvisionBasis::OrdinanceWithoutConsent
        )
    }
    /// Does an organisation of `kind`, designated as a receiver, get the information of a
    /// person with this consent? Under an ordinance only 避難支援等関係者 do; a consent may name
    /// further kinds, and they get it under every basis. A refusal stops an opt-out ordinance,
    /// never an ordinance without consent.
    pub fn provides(self, consent: &ConsentFacts, kind: OrganisationKind) -> bool {
        if consent.covers(kind) {
            return true;
        }
        let party = kind.is_evacuation_support_party();
        match self {
            ProvisionBasis::Consent | ProvisionBasis::SelfRegistration => false,
            ProvisionBasis::OrdinanceOptOut => {
                party
                    && !matches!(
                        consent.status,
                        ConsentStatus::Refused | ConsentStatus::Withdrawn
                    )
            }
            ProvisionBasis::OrdinanceWithoutConsent => party,
        }
    }
}

/// A municipality's bases in force for the roster and for plans.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Provision {
    pub roster: ProvisionBasis,
    pub plans: ProvisionBasis,
    /// Nothing goes to a receiver in normal times until it has concluded an agreement
    /// (協定) or signed a pledge (誓約書) with the municipality that is in force (49-12:
    /// measures against leaks). Disaster-time provision (49-11(3)) does not wait for it.
    #[serde(default)]
    pub agreements_required: bool,
    /// In a disaster, a receiver given the roster only (no plans) stays without plans: the
    /// municipality does not use 49-15(3)'s widening for them. Off (the default): the plan goes
    /// to every support party the disaster reaches, read-only.
    #[serde(default)]
    pub roster_only_stays_in_disasters: bool,
}

/// One version of a municipality's legal basis: the bases, the ordinance that provides for
/// them and the day they took effect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegalBasis {
    pub provision: Provision,
    /// The ordinance (e.g. 「潮見市避難行動要支援者名簿に関する条例 第5条」); required when a
    /// basis is an ordinance.
    pub ordinance: Option<String>,
    pub effective_from: NaiveDate,
}

impl LegalBasis {
    /// Checks a new basis recorded on `today`: an ordinance basis names its ordinance; the
    /// start is not in the future (record it when it takes effect: every read decides by the
    /// basis recorded last).
    pub fn validate(mut self, today: NaiveDate) -> Result<Self, crate::ValidationErrors> {
        let mut e = crate::ValidationErrors::new();
        self.ordinance = self
            .ordinance
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty());
        let needs =
            self.provision.roster.needs_ordinance() || self.provision.plans.needs_ordinance();
        if needs && self.ordinance.is_none() {
            e.push(
                "ordinance",
                "条例による提供には、根拠となる条例（名称と条）を入力してください",
            );
        }
        if self.ordinance.as_ref().is_some_and(|o| {
            o.chars().count() > 200 || crate::text::invisible_or_control(o).is_some()
        }) {
            e.push(
                "ordinance",
                "条例は200文字以内で、使用できない文字を含めずに入力してください",
            );
        }
        if self.effective_from > today {
            e.push(
                "effective_from",
                "施行日が未来の日付です。施行された日に登録してください",
            );
        }
        if e.is_empty() { Ok(self) } else { Err(e) }
    }
}

/// The roster bases of the municipalities that provide without opt-in consent; every other
/// municipality provides by consent. What a list scope needs to know (see
/// [`crate::access::person_scope`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RosterBases(pub BTreeMap<OrganisationId, ProvisionBasis>);

impl RosterBases {
    pub fn of(&self, municipality: OrganisationId) -> ProvisionBasis {
        self.0.get(&municipality).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn consent(status: ConsentStatus, kinds: &[OrganisationKind]) -> ConsentFacts {
        ConsentFacts {
            status,
            scope: kinds.iter().copied().collect(),
        }
    }

    #[test]
    fn each_basis_against_each_answer() {
        use ConsentStatus::*;
        use OrganisationKind::*;
        use ProvisionBasis::*;
        let given = consent(Given, &[CommunityAssociation]);
        for (basis, status, kind, expected) in [
            // Consent and self-registration: what the person named, nothing else.
            (Consent, Given, CommunityAssociation, true),
            (Consent, Given, FireDepartment, false),
            (Consent, NotAsked, FireDepartment, false),
            (SelfRegistration, Given, CommunityAssociation, true),
            (SelfRegistration, CannotAnswer, CommunityAssociation, false),
            // Opt-out: every support party unless refused or withdrawn (意思確認困難 too).
            (OrdinanceOptOut, NotAsked, FireDepartment, true),
            (
                OrdinanceOptOut,
                CannotAnswer,
                WelfareCommissionerDistrict,
                true,
            ),
            (OrdinanceOptOut, Refused, FireDepartment, false),
            (OrdinanceOptOut, Withdrawn, CommunityAssociation, false),
            (OrdinanceOptOut, NotAsked, Npo, false),
            // Without consent: every support party, even after a refusal; never an NPO.
            (OrdinanceWithoutConsent, Refused, Police, true),
            (OrdinanceWithoutConsent, NotAsked, Npo, false),
        ] {
            let c = if status == Given {
                given.clone()
            } else {
                consent(status, &[])
            };
            assert_eq!(
                basis.provides(&c, kind),
                expected,
                "{basis:?} {status:?} {kind:?}"
            );
        }
    }

    #[test]
    fn an_ordinance_basis_names_its_ordinance_and_starts_in_the_past() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
        let b = LegalBasis {
            provision: Provision {
                roster: ProvisionBasis::OrdinanceOptOut,
                plans: ProvisionBasis::Consent,
                agreements_required: false,
                roster_only_stays_in_disasters: false,
            },
            ordinance: Some("  ".into()),
            effective_from: today,
        };
        let e = b.clone().validate(today).expect_err("no ordinance");
        assert!(e.for_field("ordinance").is_some());
        let ok = LegalBasis {
            ordinance: Some(" 潮見市避難行動要支援者名簿に関する条例 第5条 ".into()),
            ..b.clone()
        }
        .validate(today)
        .expect("valid");
        assert_eq!(
            ok.ordinance.as_deref(),
            Some("潮見市避難行動要支援者名簿に関する条例 第5条")
        );
        let future = LegalBasis {
            ordinance: Some("条例".into()),
            effective_from: today.succ_opt().expect("date"),
            ..b
        };
        assert!(
            future
                .validate(today)
                .expect_err("future")
                .for_field("effective_from")
                .is_some()
        );
    }

    fn kind() -> impl Strategy<Value = OrganisationKind> {
        proptest::sample::select(OrganisationKind::ALL.to_vec())
    }
    fn status() -> impl Strategy<Value = ConsentStatus> {
        proptest::sample::select(ConsentStatus::ALL.to_vec())
    }
    fn basis() -> impl Strategy<Value = ProvisionBasis> {
        proptest::sample::select(ProvisionBasis::ALL.to_vec())
    }

    proptest! {
        /// The bases are ordered: consent ⊆ opt-out ⊆ without consent, for every answer.
        #[test]
        fn bases_only_widen_in_order(s in status(), k in kind(), kinds in proptest::collection::btree_set(kind(), 0..4)) {
            let c = ConsentFacts { status: s, scope: kinds };
            let consent = ProvisionBasis::Consent.provides(&c, k);
            let opt_out = ProvisionBasis::OrdinanceOptOut.provides(&c, k);
            let without = ProvisionBasis::OrdinanceWithoutConsent.provides(&c, k);
            prop_assert!(!consent || opt_out);
            prop_assert!(!opt_out || without);
            prop_assert_eq!(consent, ProvisionBasis::SelfRegistration.provides(&c, k));
        }

        /// Whatever the basis, an organisation that is not a support party gets only what the
        /// person consented to.
        #[test]
        fn ordinances_reach_only_support_parties(b in basis(), s in status(), k in kind()) {
            let c = ConsentFacts { status: s, scope: BTreeSet::new() };
            if !k.is_evacuation_support_party() {
                prop_assert!(!b.provides(&c, k));
            }
        }
    }
}
