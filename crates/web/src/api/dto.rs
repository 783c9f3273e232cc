//! What the API sends and receives. Kept apart from storage types so the contract changes
//! only on purpose.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tsunagi_app::persons::{PersonRecord, PersonSummary};
use tsunagi_domain::access::{AccessBasis, AccessLevel};
use tsunagi_domain::consent::ConsentStatus;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::person::{PersonInput, Sex};
use tsunagi_domain::role::Role;
use tsunagi_domain::wareki::format_wareki;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct PersonSummaryDto {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub name: String,
    pub name_kana: String,
    pub birth_date: NaiveDate,
    /// 和暦: 昭和15年6月1日
    pub birth_date_wareki: String,
    pub sex: Sex,
    pub address: String,
    /// 外字を含む
    pub has_gaiji: bool,
}

impl From<&PersonSummary> for PersonSummaryDto {
    fn from(p: &PersonSummary) -> Self {
        Self {
            id: p.id.0,
            municipality_id: p.municipality_id.0,
            name: p.name.clone(),
            name_kana: p.name_kana.clone(),
            birth_date: p.birth_date,
            birth_date_wareki: format_wareki(p.birth_date),
            sex: p.sex,
            address: p.address.clone(),
            has_gaiji: p.has_gaiji,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonPageDto {
    pub items: Vec<PersonSummaryDto>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Serialize, ToSchema)]
pub struct PersonDto {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub resident_no: Option<String>,
    pub name: String,
    pub name_kana: String,
    pub birth_date: NaiveDate,
    pub birth_date_wareki: String,
    pub sex: Sex,
    pub postal_code: Option<String>,
    pub address: String,
    pub address_extra: Option<String>,
    pub phone: Option<String>,
    pub household_no: Option<String>,
    /// The household (世帯): the key of its victims' ledger and damage certificates.
    pub household_id: Option<Uuid>,
    pub relationship: Option<String>,
    pub has_gaiji: bool,
    /// Send this back with an update; a stale version is refused with 409.
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    pub consent: ConsentStatus,
    pub access_level: AccessLevel,
    /// Why the caller may see this record.
    pub access_basis: AccessBasis,
    pub household: Vec<PersonSummaryDto>,
}

impl From<&PersonRecord> for PersonDto {
    fn from(p: &PersonRecord) -> Self {
        let d = &p.details;
        Self {
            id: p.id.0,
            municipality_id: p.municipality_id.0,
            resident_no: d.resident_no.clone(),
            name: d.name.clone(),
            name_kana: d.name_kana.clone(),
            birth_date: d.birth_date,
            birth_date_wareki: format_wareki(d.birth_date),
            sex: d.sex,
            postal_code: d.postal_code.clone(),
            address: d.address.clone(),
            address_extra: d.address_extra.clone(),
            phone: d.phone.clone(),
            household_no: d.household_no.clone(),
            household_id: p.household_id.map(|h| h.0),
            relationship: d.relationship.clone(),
            has_gaiji: p.has_gaiji,
            version: p.version,
            updated_at: p.updated_at,
            consent: p.consent.status,
            access_level: p.grant.level,
            access_basis: p.grant.basis,
            household: p.household.iter().map(Into::into).collect(),
        }
    }
}

/// An update: the new details and the version they were based on.
#[derive(Deserialize, ToSchema)]
pub struct PersonUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub person: PersonInput,
}

#[derive(Deserialize, IntoParams)]
pub struct PersonQuery {
    /// Name, reading (any width, hiragana or katakana) or 宛名番号.
    #[serde(default)]
    pub q: String,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationDto {
    pub id: Uuid,
    pub name: String,
    pub kind: OrganisationKind,
    pub local_gov_code: Option<String>,
    pub municipality_id: Option<Uuid>,
}

impl From<&tsunagi_app::organisations::Organisation> for OrganisationDto {
    fn from(o: &tsunagi_app::organisations::Organisation) -> Self {
        Self {
            id: o.id.0,
            name: o.name.clone(),
            kind: o.kind,
            local_gov_code: o.local_gov_code.clone(),
            municipality_id: o.municipality_id.map(|m| m.0),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MembershipDto {
    pub id: Uuid,
    pub organisation: OrganisationDto,
    pub role: Role,
}

impl From<&tsunagi_app::users::Membership> for MembershipDto {
    fn from(m: &tsunagi_app::users::Membership) -> Self {
        Self {
            id: m.id.0,
            organisation: (&m.organisation).into(),
            role: m.role,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MeDto {
    pub user_id: Uuid,
    pub login: String,
    pub acting_as: MembershipDto,
}

#[derive(Serialize, ToSchema)]
pub struct UserDto {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    pub locked_until: Option<DateTime<Utc>>,
    pub memberships: Vec<MembershipDto>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    /// At least 10 characters.
    pub password: String,
    pub organisation_id: Uuid,
    pub role: Role,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntryDto {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub user_login: String,
    pub organisation_id: Option<String>,
    pub role: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub access_basis: Option<String>,
    /// The server's id of the request.
    pub request_id: Option<String>,
    /// The id the client sent in `X-Request-Id`, if any.
    pub client_request_id: Option<String>,
    /// JSON text: what changed, or the query.
    pub detail: String,
    pub hash: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPageDto {
    pub items: Vec<AuditEntryDto>,
    pub total: u64,
}

#[derive(Deserialize, IntoParams)]
pub struct AuditQueryDto {
    pub action: Option<String>,
    pub user: Option<String>,
    pub entity_id: Option<String>,
    /// YYYY-MM-DD (JST), inclusive
    pub from: Option<String>,
    /// YYYY-MM-DD (JST), inclusive
    pub until: Option<String>,
    pub page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenDto {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<&tsunagi_app::tokens::ApiToken> for TokenDto {
    fn from(t: &tsunagi_app::tokens::ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            prefix: t.prefix.clone(),
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewToken {
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    pub token: TokenDto,
    /// Shown once; only its hash is kept.
    pub secret: String,
}
