//! The victims' ledger (被災者台帳, 災害対策基本法 art. 90-3): one record per household and
//! declared disaster, made of what tsunagi already knows (members from the resident record,
//! 要配慮者 and why from the roster, the safety check, the certificate) and what the ledger adds
//! (each member's whereabouts, other damage, contact, support given). Provision to others
//! (art. 90-4) is decided here: each disclosure names its basis, and a receiver sees only the
//! items disclosed to it.

use crate::ValidationErrors;
use crate::circumstances::Circumstances;
use crate::coded_enum;
use crate::organisation::OrganisationKind;
use crate::text::unacceptable as bad_text;
use crate::{OrganisationId, PersonId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

coded_enum! {
    /// 住所又は居所: where a member is now, apart from the registered address.
    pub enum WhereaboutsKind {
        Home = ("home", "自宅"),
        Shelter = ("shelter", "避難所"),
        Relatives = ("relatives", "親族・知人宅"),
        TemporaryHousing = ("temporary_housing", "応急仮設住宅"),
        DeemedTemporaryHousing = ("deemed_temporary_housing", "みなし仮設（借上げ住宅）"),
        Hospital = ("hospital", "病院・施設"),
        OutsideMunicipality = ("outside_municipality", "市町村外"),
        OutsidePrefecture = ("outside_prefecture", "都道府県外"),
        Unknown = ("unknown", "不明"),
    }
}

coded_enum! {
    /// 住家の被害以外の被害 of a member.
    pub enum Harm {
        Died = ("died", "死亡"),
        Missing = ("missing", "行方不明"),
        SeriouslyInjured = ("seriously_injured", "重傷"),
        Injured = ("injured", "軽傷"),
    }
}

/// Where one member is, from a day on. The newest `since` is the member's current place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Whereabouts {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub person: PersonId,
    pub kind: WhereaboutsKind,
    /// The shelter's name, the relatives' or the housing's address …
    pub place: Option<String>,
    pub since: NaiveDate,
}

/// A member's injury or death.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberHarm {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub person: PersonId,
    pub harm: Harm,
    /// Caused by this disaster (災害関連死 is decided later, by the committee).
    pub caused_by_disaster: bool,
}

/// 援護の実施の状況: one programme or service given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportGiven {
    pub programme: String,
    pub given_on: NaiveDate,
    pub amount_yen: Option<u64>,
    pub note: Option<String>,
}

coded_enum! {
    /// Where an application to a programme stands.
    pub enum ProgrammeApplicationState {
        Applied = ("applied", "申請済み（審査中）"),
        Granted = ("granted", "決定（支給・実施）"),
        Refused = ("refused", "不支給・却下"),
    }
}

/// One application to a support programme (支援制度への申請).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgrammeApplication {
    /// The catalogue's programme id.
    pub programme: String,
    /// Its name when the application was recorded.
    pub programme_name: String,
    pub applied_on: NaiveDate,
    pub amount_applied_yen: Option<u64>,
    pub state: ProgrammeApplicationState,
    pub decided_on: Option<NaiveDate>,
    pub amount_granted_yen: Option<u64>,
    pub note: Option<String>,
}

/// What the ledger itself records (the rest is read from the person records).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerBody {
    /// 連絡先 while displaced.
    pub contact_phone: Option<String>,
    pub contact_note: Option<String>,
    #[serde(default)]
    pub whereabouts: Vec<Whereabouts>,
    #[serde(default)]
    pub harms: Vec<MemberHarm>,
    /// 生業の喪失 (the household's livelihood lost: business, farm, job).
    #[serde(default)]
    pub livelihood_lost: bool,
    /// Other damage in words (家財, 車両 …).
    pub other_damage: Option<String>,
    #[serde(default)]
    pub support: Vec<SupportGiven>,
    /// Applications to support programmes and their decisions (援護の実施の状況, with the
    /// eligibility engine's programme ids).
    #[serde(default)]
    pub applications: Vec<ProgrammeApplication>,
    /// What programmes ask that the ledger does not otherwise hold (an item the mayor adds).
    #[serde(default)]
    pub circumstances: Circumstances,
    /// The household agreed that its ledger may be provided to others (90-4(1)), and when.
    pub consent_to_provide_on: Option<NaiveDate>,
    pub notes: Option<String>,
}

/// Trims an optional text in place; blank is none.
fn clean(s: &mut Option<String>) {
    *s = crate::text::clean(s.take());
}

impl LedgerBody {
    /// Valid when every named person is a member, dates are between the disaster's day and
    /// today, and texts are bounded. Whereabouts are kept in date order.
    pub fn validate(
        mut self,
        members: &[PersonId],
        today: NaiveDate,
        disaster_day: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        clean(&mut self.contact_phone);
        clean(&mut self.contact_note);
        clean(&mut self.other_damage);
        clean(&mut self.notes);
        for (field, v, max) in [
            ("contact_phone", &self.contact_phone, 30),
            ("contact_note", &self.contact_note, 200),
            ("other_damage", &self.other_damage, 1000),
            ("notes", &self.notes, 2000),
        ] {
            if v.as_deref().is_some_and(|v| bad_text(v, max)) {
                e.push(
                    field,
                    format!("{max}文字以内で、使用できない文字を含めずに入力してください"),
                );
            }
        }
        let in_range = |d: NaiveDate| d >= disaster_day && d <= today;
        for w in &mut self.whereabouts {
            clean(&mut w.place);
            if !members.contains(&w.person) {
                e.push("whereabouts", "世帯員でない人の居所があります");
            }
            if !in_range(w.since) {
                e.push("whereabouts", "居所の日付は災害の発生日から今日までです");
            }
            if w.place.as_deref().is_some_and(|p| bad_text(p, 200)) {
                e.push("whereabouts", "居所は200文字以内で入力してください");
            }
        }
        self.whereabouts.sort_by_key(|w| w.since);
        for h in &self.harms {
            if !members.contains(&h.person) {
                e.push("harms", "世帯員でない人の被害があります");
            }
        }
        let mut seen = std::collections::HashSet::new();
        if self.harms.iter().any(|h| !seen.insert(h.person)) {
            e.push(
                "harms",
                "一人につき一つの被害を記録してください（重いほう）",
            );
        }
        for s in &mut self.support {
            s.programme = s.programme.trim().to_owned();
            clean(&mut s.note);
            if s.programme.is_empty() || bad_text(&s.programme, 200) {
                e.push(
                    "support",
                    "制度・サービスの名前を200文字以内で入力してください",
                );
            }
            if !in_range(s.given_on) {
                e.push("support", "援護の日付は災害の発生日から今日までです");
            }
        }
        let mut programmes = std::collections::HashSet::new();
        for a in &mut self.applications {
            clean(&mut a.note);
            if !programmes.insert(a.programme.clone()) {
                e.push("applications", "同じ制度への申請が二つあります");
            }
            if a.programme.is_empty() || bad_text(&a.programme_name, 200) {
                e.push("applications", "制度を選んでください");
            }
            if !in_range(a.applied_on) {
                e.push("applications", "申請日は災害の発生日から今日までです");
            }
            match (a.state, a.decided_on) {
                (ProgrammeApplicationState::Applied, Some(_)) => {
                    e.push("applications", "審査中の申請に決定日は入れられません")
                }
                (ProgrammeApplicationState::Granted | ProgrammeApplicationState::Refused, None) => {
                    e.push("applications", "決定日を入力してください")
                }
                (_, Some(d)) if d < a.applied_on || d > today => {
                    e.push("applications", "決定日は申請日から今日までです")
                }
                _ => {}
            }
            if a.note.as_deref().is_some_and(|n| bad_text(n, 500)) {
                e.push("applications", "申請の備考は500文字以内です");
            }
        }
        self.circumstances.check(members, &mut e);
        if self.consent_to_provide_on.is_some_and(|d| d > today) {
            e.push("consent_to_provide_on", "同意日が未来です");
        }
        if e.is_empty() { Ok(self) } else { Err(e) }
    }

    /// Each member's place now: the newest whereabouts, if any.
    pub fn current_place(&self, person: PersonId) -> Option<&Whereabouts> {
        self.whereabouts
            .iter()
            .filter(|w| w.person == person)
            .max_by_key(|w| w.since)
    }
}

coded_enum! {
    /// The ledger's items, as a disclosure names them (90-4: only what the purpose needs).
    pub enum LedgerItem {
        /// 氏名・生年月日・性別
        Identity = ("identity", "氏名・生年月日・性別"),
        /// 住所又は居所
        Whereabouts = ("whereabouts", "住所又は居所"),
        Contact = ("contact", "連絡先"),
        /// 住家の被害の状況 (survey and certificate)
        DwellingDamage = ("dwelling_damage", "住家の被害の状況・罹災証明"),
        /// その他の被害
        OtherDamage = ("other_damage", "その他の被害"),
        /// 要配慮者であるときはその旨及び事由
        CareNeeds = ("care_needs", "要配慮者である旨及び事由"),
        /// 援護の実施の状況
        Support = ("support", "援護の実施の状況"),
    }
}

coded_enum! {
    /// The basis of a provision (art. 90-4(1)).
    pub enum DisclosureBasis {
        /// 本人の同意 (or to the person themselves).
        Consent = ("consent", "本人の同意"),
        /// 市町村内部での利用 (another department of the municipality).
        Internal = ("internal", "市町村内部での利用"),
        /// 他の地方公共団体 (their own support of the household).
        OtherGovernment = ("other_government", "他の地方公共団体への提供"),
        /// 被災者援護協力団体 registered under the 2025 amendment.
        RegisteredPartner = ("registered_partner", "被災者援護協力団体への提供"),
    }
}

/// What the ledger's owner knows when deciding a provision.
#[derive(Clone, Copy, Debug)]
pub struct DisclosureFacts {
    pub owner: OrganisationId,
    pub receiver: OrganisationId,
    pub receiver_kind: OrganisationKind,
    /// The receiver is registered with the owner as a 被災者援護協力団体.
    pub receiver_registered: bool,
    /// The household's consent to provision is recorded on the ledger.
    pub consent_recorded: bool,
}

/// Whether the basis allows providing to this receiver; the reason in Japanese when not.
pub fn may_disclose(basis: DisclosureBasis, f: DisclosureFacts) -> Result<(), &'static str> {
    match basis {
        DisclosureBasis::Consent if f.consent_recorded => Ok(()),
        DisclosureBasis::Consent => Err("台帳に本人の同意が記録されていません"),
        DisclosureBasis::Internal if f.receiver == f.owner => Ok(()),
        DisclosureBasis::Internal => Err("内部利用は自市町村の中に限られます"),
        DisclosureBasis::OtherGovernment
            if f.receiver != f.owner
                && matches!(
                    f.receiver_kind,
                    OrganisationKind::Municipality | OrganisationKind::Prefecture
                ) =>
        {
            Ok(())
        }
        DisclosureBasis::OtherGovernment => Err("提供先が他の地方公共団体ではありません"),
        DisclosureBasis::RegisteredPartner if f.receiver_registered => Ok(()),
        DisclosureBasis::RegisteredPartner => {
            Err("提供先は被災者援護協力団体として登録されていません")
        }
    }
}

/// A provision as entered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisclosureInput {
    pub basis: DisclosureBasis,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub receiver: OrganisationId,
    pub items: Vec<LedgerItem>,
    pub purpose: String,
    pub disclosed_on: NaiveDate,
}

impl DisclosureInput {
    pub fn validate(mut self, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        self.items.sort();
        self.items.dedup();
        if self.items.is_empty() {
            e.push("items", "提供する項目を選んでください");
        }
        self.purpose = self.purpose.trim().to_owned();
        if self.purpose.is_empty() || bad_text(&self.purpose, 500) {
            e.push("purpose", "提供の目的を500文字以内で入力してください");
        }
        if self.disclosed_on > today {
            e.push("disclosed_on", "提供日が未来です");
        }
        if e.is_empty() { Ok(self) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests;
