//! Receivers (名簿・計画の提供先): which organisations the municipality gives roster and plan
//! data to, for which districts, and what each receives. A receiver is given a share of every
//! roster person in its districts; the person's consent decides, at every read, whether the
//! share opens anything (so a consent given or withdrawn takes effect at once).

mod agreement;

pub use agreement::{AgreementKind, ReceiverAgreement};

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use unicode_normalization::UnicodeNormalization;

use crate::ValidationErrors;
use crate::organisation::OrganisationKind;
use crate::roster::RosterEntry;

/// Which of the person's districts a receiver's district list is matched against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DistrictField {
    /// The whole municipality (fire, police, 社協).
    All,
    /// 自治会・町内会 (the roster's 自治会 column).
    Community,
    /// 民生委員 district (the roster's 民生委員地区 column).
    Welfare,
}

impl DistrictField {
    pub const ALL: [DistrictField; 3] = [
        DistrictField::All,
        DistrictField::Community,
        DistrictField::Welfare,
    ];
    pub fn code(self) -> &'static str {
        match self {
            DistrictField::All => "all",
            DistrictField::Community => "community",
            DistrictField::Welfare => "welfare",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            DistrictField::All => "市町村全域",
            DistrictField::Community => "自治会",
            DistrictField::Welfare => "民生委員地区",
        }
    }
}

/// How district names are compared: NFKC (全角/半角), no spaces. 「本町 自治会」 and
/// 「本町自治会」 are one district.
pub fn district_key(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// One receiver's definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receiver {
    pub district_field: DistrictField,
    /// District names as the roster writes them; ignored for [`DistrictField::All`].
    pub districts: BTreeSet<String>,
    /// Whether plans are given too, or only roster entries.
    pub includes_plan: bool,
    /// Designated for disasters only (災害時のみの提供先, art. 49-11(3)): it receives nothing
    /// in normal times, whatever the person's consent or the ordinance says, and the area's
    /// people while a declaration reaches them.
    #[serde(default)]
    pub disaster_only: bool,
}

impl Receiver {
    /// Does this receiver cover a roster person in these districts?
    pub fn covers(&self, entry: &RosterEntry) -> bool {
        let person_district = match self.district_field {
            DistrictField::All => return true,
            DistrictField::Community => entry.community_district.as_deref(),
            DistrictField::Welfare => entry.welfare_district.as_deref(),
        };
        let Some(d) = person_district.map(district_key).filter(|d| !d.is_empty()) else {
            return false;
        };
        self.districts.iter().any(|x| district_key(x) == d)
    }

    /// A receiver must be a 避難支援等関係者 of the law, and a district receiver needs at
    /// least one district.
    pub fn validate(&self, kind: OrganisationKind) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::new();
        if !kind.is_evacuation_support_party() {
            e.push(
                "organisation",
                "名簿を提供できるのは避難支援等関係者（消防・警察・社協・民生委員・自治会・福祉事業所）です",
            );
        }
        if self.district_field != DistrictField::All
            && self.districts.iter().all(|d| district_key(d).is_empty())
        {
            e.push("districts", "地区を1つ以上入力してください");
        }
        if self.districts.len() > 200 || self.districts.iter().any(|d| d.chars().count() > 100) {
            e.push("districts", "地区が多すぎるか長すぎます");
        }
        if e.is_empty() { Ok(()) } else { Err(e) }
    }
}

/// Parses a district list typed one per line or separated by 、 or commas.
pub fn parse_districts(s: &str) -> BTreeSet<String> {
    s.split(['\n', ',', '、', '，'])
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(community: Option<&str>, welfare: Option<&str>) -> RosterEntry {
        RosterEntry {
            community_district: community.map(str::to_owned),
            welfare_district: welfare.map(str::to_owned),
            ..RosterEntry::default()
        }
    }

    fn receiver(field: DistrictField, districts: &[&str]) -> Receiver {
        Receiver {
            district_field: field,
            districts: districts.iter().map(|d| (*d).to_owned()).collect(),
            includes_plan: true,
            disaster_only: false,
        }
    }

    #[test]
    fn districts_match_by_field_ignoring_width_and_spaces() {
        let r = receiver(DistrictField::Community, &["本町自治会", "港町１区"]);
        assert!(r.covers(&entry(Some("本町 自治会"), None)));
        assert!(r.covers(&entry(Some("港町1区"), None)));
        assert!(!r.covers(&entry(Some("浜町自治会"), Some("本町自治会"))));
        assert!(!r.covers(&entry(None, None)));
        assert!(!r.covers(&entry(Some("  "), None)));
        let w = receiver(DistrictField::Welfare, &["第3地区"]);
        assert!(w.covers(&entry(Some("本町自治会"), Some("第３地区"))));
        assert!(!w.covers(&entry(Some("第3地区"), None)));
        let all = receiver(DistrictField::All, &[]);
        assert!(all.covers(&entry(None, None)));
    }

    #[test]
    fn validation() {
        let r = receiver(DistrictField::Community, &[]);
        assert!(r.validate(OrganisationKind::CommunityAssociation).is_err());
        let r = receiver(DistrictField::Community, &["本町"]);
        assert!(r.validate(OrganisationKind::CommunityAssociation).is_ok());
        assert!(r.validate(OrganisationKind::Npo).is_err());
        assert!(
            receiver(DistrictField::All, &[])
                .validate(OrganisationKind::FireDepartment)
                .is_ok()
        );
    }

    #[test]
    fn district_lists_split_on_lines_and_commas() {
        let d = parse_districts("本町自治会\n港町1区、 浜町,\n\n本町自治会");
        assert_eq!(d.len(), 3);
        assert!(d.contains("港町1区") && d.contains("浜町"));
    }

    proptest! {
        /// A person is covered by a district receiver exactly when one of its districts has
        /// the person's district key.
        #[test]
        fn covers_is_membership_of_the_key(
            districts in proptest::collection::btree_set("[本港浜]町[1１]?", 0..4),
            person in proptest::option::of("[本港浜]町[1１]?"),
        ) {
            let r = Receiver { district_field: DistrictField::Community, districts: districts.clone(), includes_plan: false, disaster_only: false };
            let e = entry(person.as_deref(), None);
            let expected = person.as_deref().is_some_and(|p| districts.iter().any(|d| district_key(d) == district_key(p)));
            prop_assert_eq!(r.covers(&e), expected);
            // The welfare field never looks at the community district.
            let w = Receiver { district_field: DistrictField::Welfare, ..r };
            prop_assert!(!w.covers(&e));
        }
    }
}
