//! Roles (役割): what a user does within one organisation.

use crate::organisation::OrganisationKind;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// 管理者: manages the organisation's users and reads its audit trail.
    Administrator,
    /// 防災部局職員: owns roster, hazards, shelters; declares disasters.
    DisasterManagementStaff,
    /// 福祉部局職員: owns welfare data and triage.
    WelfareStaff,
    /// 社協・支え合いセンターの支援員・相談員.
    SupportWorker,
    /// 福祉専門職 (ケアマネジャー, 相談支援専門員).
    CareProfessional,
    /// 地域の支援者 (自治会役員, 民生委員, 自主防災組織, 消防団).
    CommunityMember,
    /// 専門家・NPO の担当者.
    PartnerStaff,
    /// 県職員.
    PrefectureStaff,
    /// 消防・警察の職員.
    Responder,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Administrator,
        Role::DisasterManagementStaff,
        Role::WelfareStaff,
        Role::SupportWorker,
        Role::CareProfessional,
        Role::CommunityMember,
        Role::PartnerStaff,
        Role::PrefectureStaff,
        Role::Responder,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::DisasterManagementStaff => "disaster_management_staff",
            Role::WelfareStaff => "welfare_staff",
            Role::SupportWorker => "support_worker",
            Role::CareProfessional => "care_professional",
            Role::CommunityMember => "community_member",
            Role::PartnerStaff => "partner_staff",
            Role::PrefectureStaff => "prefecture_staff",
            Role::Responder => "responder",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "管理者",
            Role::DisasterManagementStaff => "防災部局職員",
            Role::WelfareStaff => "福祉部局職員",
            Role::SupportWorker => "支援員・相談員",
            Role::CareProfessional => "福祉専門職",
            Role::CommunityMember => "地域支援者",
            Role::PartnerStaff => "専門家・NPO担当者",
            Role::PrefectureStaff => "県職員",
            Role::Responder => "消防・警察職員",
        }
    }

    /// Which roles an organisation of `kind` may give its members.
    pub fn allowed_in(self, kind: OrganisationKind) -> bool {
        use OrganisationKind as K;
        match self {
            Role::Administrator => true,
            Role::DisasterManagementStaff | Role::WelfareStaff => kind == K::Municipality,
            Role::SupportWorker => kind == K::SocialWelfareCouncil,
            Role::CareProfessional => kind == K::CareProvider,
            Role::CommunityMember => matches!(
                kind,
                K::CommunityAssociation | K::WelfareCommissionerDistrict | K::FireDepartment
            ),
            Role::PartnerStaff => matches!(kind, K::Npo | K::ProfessionalBody),
            Role::PrefectureStaff => kind == K::Prefecture,
            Role::Responder => matches!(kind, K::FireDepartment | K::Police),
        }
    }

    /// May this role change the records it can see (as opposed to reading them only)?
    pub fn may_write_records(self) -> bool {
        !matches!(self, Role::Responder)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| format!("不明な役割です: {s}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_an_administrator_and_a_working_role() {
        for k in OrganisationKind::ALL {
            assert!(Role::Administrator.allowed_in(k));
            assert!(
                Role::ALL
                    .iter()
                    .any(|r| *r != Role::Administrator && r.allowed_in(k)),
                "{k:?}"
            );
        }
    }

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.code().parse::<Role>(), Ok(r));
        }
        assert!(Role::WelfareStaff.allowed_in(OrganisationKind::Municipality));
        assert!(!Role::WelfareStaff.allowed_in(OrganisationKind::Npo));
    }
}
