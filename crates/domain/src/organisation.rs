//! Organisations (組織): who works together in tsunagi. Nothing assumes a single organisation:
//! every record has an owner and an explicit list of who else may see it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kinds of organisation of DOMAIN.md §1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrganisationKind {
    /// 市町村: the implementing body; owns the roster and the person records.
    Municipality,
    /// 都道府県: supports municipalities, runs wide-area cases, sees roll-ups.
    Prefecture,
    /// 社会福祉協議会 (社協) and the 地域支え合いセンター it runs.
    SocialWelfareCouncil,
    /// 介護・障害福祉サービス事業所 (care managers, 相談支援専門員).
    CareProvider,
    /// 自治会・町内会・自主防災組織.
    CommunityAssociation,
    /// 民生委員・児童委員 of one district.
    WelfareCommissionerDistrict,
    /// NPO・ボランティア団体.
    Npo,
    /// 専門家団体: 弁護士会, 建築士会, 司法書士会, FP …
    ProfessionalBody,
    /// 消防 (fire service and 消防団).
    FireDepartment,
    /// 警察.
    Police,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 10] = [
        OrganisationKind::Municipality,
        OrganisationKind::Prefecture,
        OrganisationKind::SocialWelfareCouncil,
        OrganisationKind::CareProvider,
        OrganisationKind::CommunityAssociation,
        OrganisationKind::WelfareCommissionerDistrict,
        OrganisationKind::Npo,
        OrganisationKind::ProfessionalBody,
        OrganisationKind::FireDepartment,
        OrganisationKind::Police,
    ];

    /// Stable code used in the database and the API.
    pub fn code(self) -> &'static str {
        match self {
            OrganisationKind::Municipality => "municipality",
            OrganisationKind::Prefecture => "prefecture",
            OrganisationKind::SocialWelfareCouncil => "social_welfare_council",
            OrganisationKind::CareProvider => "care_provider",
            OrganisationKind::CommunityAssociation => "community_association",
            OrganisationKind::WelfareCommissionerDistrict => "welfare_commissioner_district",
            OrganisationKind::Npo => "npo",
            OrganisationKind::ProfessionalBody => "professional_body",
            OrganisationKind::FireDepartment => "fire_department",
            OrganisationKind::Police => "police",
        }
    }

    /// Screen label.
    pub fn label(self) -> &'static str {
        match self {
            OrganisationKind::Municipality => "市町村",
            OrganisationKind::Prefecture => "都道府県",
            OrganisationKind::SocialWelfareCouncil => "社会福祉協議会",
            OrganisationKind::CareProvider => "介護・障害福祉事業所",
            OrganisationKind::CommunityAssociation => "自治会・自主防災組織",
            OrganisationKind::WelfareCommissionerDistrict => "民生委員・児童委員",
            OrganisationKind::Npo => "NPO・ボランティア団体",
            OrganisationKind::ProfessionalBody => "専門家団体",
            OrganisationKind::FireDepartment => "消防",
            OrganisationKind::Police => "警察",
        }
    }

    /// 避難支援等関係者: the parties the Basic Act lets a municipality give roster data to
    /// (with consent in normal times; without it when a disaster occurs or threatens).
    pub fn is_evacuation_support_party(self) -> bool {
        matches!(
            self,
            OrganisationKind::SocialWelfareCouncil
                | OrganisationKind::CareProvider
                | OrganisationKind::CommunityAssociation
                | OrganisationKind::WelfareCommissionerDistrict
                | OrganisationKind::FireDepartment
                | OrganisationKind::Police
        )
    }
}

impl fmt::Display for OrganisationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for OrganisationKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrganisationKind::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| format!("不明な組織種別です: {s}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        for k in OrganisationKind::ALL {
            assert_eq!(k.code().parse::<OrganisationKind>(), Ok(k));
        }
        let mut codes: Vec<_> = OrganisationKind::ALL.iter().map(|k| k.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), OrganisationKind::ALL.len());
        assert!("city".parse::<OrganisationKind>().is_err());
    }
}
