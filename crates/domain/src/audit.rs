//! The audit trail (監査ログ): what is recorded, how entries are chained, and how a chain is
//! verified. Storage appends entries in the same transaction as the change they describe.
//!
//! Each entry's hash covers its own fields and the previous entry's hash, so changing,
//! removing or reordering any entry breaks every hash after it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The hash that stands before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuditAction {
    LoginSucceeded,
    LoginFailed,
    LoginLocked,
    Logout,
    PersonViewed,
    PersonSearched,
    PersonCreated,
    PersonUpdated,
    UserCreated,
    MembershipAdded,
    OrganisationCreated,
    TokenCreated,
    TokenRevoked,
    AuditViewed,
    RosterImported,
    RosterUpdated,
    TriageRecorded,
    ReceiverUpdated,
    RosterExported,
    SettingsUpdated,
    LayerImported,
    LayerRemoved,
    ShelterUpdated,
    ShelterRemoved,
    HomesLocated,
    HomesClassified,
    /// Finished plans marked for review because something they rely on changed.
    ReviewMarked,
    /// Who can see a person changed: shares given or ended (receivers, assignments).
    SharesChanged,
    /// A disaster declared (災害の宣言): disaster-time provision starts.
    DisasterDeclared,
    /// A declared disaster's stage changed.
    DisasterStageChanged,
    /// A declared disaster closed: disaster-time provision ends.
    DisasterClosed,
    /// An open declaration's area widened: the people added join its sweep.
    DisasterAreaWidened,
    /// People entered or moved on the roster during an open declaration joined its sweep.
    SweepJoined,
    /// An answer to a question the triage flow left open (要確認): the family's or the
    /// community's help, given by the district's 民生委員 or 自治会 or the municipality.
    HelpConfirmed,
    /// A list handed out to a receiver came back or was destroyed (回収・廃棄).
    ListRecalled,
    /// A victims' ledger (被災者台帳) read: whose, by whom, on which basis.
    LedgerViewed,
    /// A victims' ledger written (whereabouts, damage, support).
    LedgerUpdated,
    /// Ledger information provided to another body (art. 90-4), with basis and items.
    LedgerDisclosed,
    /// An organisation registered as a 被災者援護協力団体.
    LedgerPartnerRegistered,
    /// A damage certificate application received or withdrawn.
    DamageApplied,
    /// A damage survey recorded (first, second or self-assessed).
    DamageSurveyed,
    /// A damage certificate issued or re-issued.
    CertificateIssued,
    /// A household asked for a re-survey (再調査).
    ReSurveyRequested,
    ProgrammeSaved,
    CaseOpened,
    CaseViewed,
    CaseUpdated,
    VisitRecorded,
    /// A case meeting scheduled, changed, cancelled or its minutes recorded.
    CaseMeetingSaved,
    /// A case task created, claimed, released or ended.
    TaskUpdated,
    /// A training, briefing or drill recorded.
    ActivityRecorded,
}

impl AuditAction {
    pub const ALL: [AuditAction; 51] = [
        AuditAction::LoginSucceeded,
        AuditAction::LoginFailed,
        AuditAction::LoginLocked,
        AuditAction::Logout,
        AuditAction::PersonViewed,
        AuditAction::PersonSearched,
        AuditAction::PersonCreated,
        AuditAction::PersonUpdated,
        AuditAction::UserCreated,
        AuditAction::MembershipAdded,
        AuditAction::OrganisationCreated,
        AuditAction::TokenCreated,
        AuditAction::TokenRevoked,
        AuditAction::AuditViewed,
        AuditAction::RosterImported,
        AuditAction::RosterUpdated,
        AuditAction::TriageRecorded,
        AuditAction::ReceiverUpdated,
        AuditAction::RosterExported,
        AuditAction::SettingsUpdated,
        AuditAction::LayerImported,
        AuditAction::LayerRemoved,
        AuditAction::ShelterUpdated,
        AuditAction::ShelterRemoved,
        AuditAction::HomesLocated,
        AuditAction::HomesClassified,
        AuditAction::ReviewMarked,
        AuditAction::SharesChanged,
        AuditAction::DisasterDeclared,
        AuditAction::DisasterStageChanged,
        AuditAction::DisasterClosed,
        AuditAction::DisasterAreaWidened,
        AuditAction::SweepJoined,
        AuditAction::HelpConfirmed,
        AuditAction::ListRecalled,
        AuditAction::LedgerViewed,
        AuditAction::LedgerUpdated,
        AuditAction::LedgerDisclosed,
        AuditAction::LedgerPartnerRegistered,
        AuditAction::DamageApplied,
        AuditAction::DamageSurveyed,
        AuditAction::CertificateIssued,
        AuditAction::ReSurveyRequested,
        AuditAction::ProgrammeSaved,
        AuditAction::CaseOpened,
        AuditAction::CaseViewed,
        AuditAction::CaseUpdated,
        AuditAction::VisitRecorded,
        AuditAction::CaseMeetingSaved,
        AuditAction::TaskUpdated,
        AuditAction::ActivityRecorded,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuditAction::LoginSucceeded => "login.succeeded",
            AuditAction::LoginFailed => "login.failed",
            AuditAction::LoginLocked => "login.locked",
            AuditAction::Logout => "logout",
            AuditAction::PersonViewed => "person.viewed",
            AuditAction::PersonSearched => "person.searched",
            AuditAction::PersonCreated => "person.created",
            AuditAction::PersonUpdated => "person.updated",
            AuditAction::UserCreated => "user.created",
            AuditAction::MembershipAdded => "membership.added",
            AuditAction::OrganisationCreated => "organisation.created",
            AuditAction::TokenCreated => "token.created",
            AuditAction::TokenRevoked => "token.revoked",
            AuditAction::AuditViewed => "audit.viewed",
            AuditAction::RosterImported => "roster.imported",
            AuditAction::RosterUpdated => "roster.updated",
            AuditAction::TriageRecorded => "triage.recorded",
            AuditAction::ReceiverUpdated => "receiver.updated",
            AuditAction::RosterExported => "roster.exported",
            AuditAction::SettingsUpdated => "settings.updated",
            AuditAction::LayerImported => "gis.layer_imported",
            AuditAction::LayerRemoved => "gis.layer_removed",
            AuditAction::ShelterUpdated => "gis.shelter_updated",
            AuditAction::ShelterRemoved => "gis.shelter_removed",
            AuditAction::HomesLocated => "gis.homes_located",
            AuditAction::HomesClassified => "gis.homes_classified",
            AuditAction::ReviewMarked => "plan.review_marked",
            AuditAction::SharesChanged => "share.changed",
            AuditAction::DisasterDeclared => "disaster.declared",
            AuditAction::DisasterStageChanged => "disaster.stage_changed",
            AuditAction::DisasterClosed => "disaster.closed",
            AuditAction::DisasterAreaWidened => "disaster.area_widened",
            AuditAction::SweepJoined => "safety.sweep_joined",
            AuditAction::HelpConfirmed => "roster.help_confirmed",
            AuditAction::ListRecalled => "roster.list_recalled",
            AuditAction::LedgerViewed => "ledger.viewed",
            AuditAction::LedgerUpdated => "ledger.updated",
            AuditAction::LedgerDisclosed => "ledger.disclosed",
            AuditAction::LedgerPartnerRegistered => "ledger.partner_registered",
            AuditAction::DamageApplied => "damage.applied",
            AuditAction::DamageSurveyed => "damage.surveyed",
            AuditAction::CertificateIssued => "damage.certificate_issued",
            AuditAction::ReSurveyRequested => "damage.resurvey_requested",
            AuditAction::ProgrammeSaved => "programme.saved",
            AuditAction::CaseOpened => "case.opened",
            AuditAction::CaseViewed => "case.viewed",
            AuditAction::CaseUpdated => "case.updated",
            AuditAction::VisitRecorded => "case.visit_recorded",
            AuditAction::CaseMeetingSaved => "case.meeting_saved",
            AuditAction::TaskUpdated => "case.task_updated",
            AuditAction::ActivityRecorded => "preparedness.recorded",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditAction::LoginSucceeded => "ログイン",
            AuditAction::LoginFailed => "ログイン失敗",
            AuditAction::LoginLocked => "ログイン一時停止",
            AuditAction::Logout => "ログアウト",
            AuditAction::PersonViewed => "個人記録の閲覧",
            AuditAction::PersonSearched => "個人記録の検索",
            AuditAction::PersonCreated => "個人記録の登録",
            AuditAction::PersonUpdated => "個人記録の更新",
            AuditAction::UserCreated => "利用者の登録",
            AuditAction::MembershipAdded => "所属の追加",
            AuditAction::OrganisationCreated => "組織の登録",
            AuditAction::TokenCreated => "APIトークンの発行",
            AuditAction::TokenRevoked => "APIトークンの失効",
            AuditAction::AuditViewed => "監査ログの閲覧",
            AuditAction::RosterImported => "名簿の取込",
            AuditAction::RosterUpdated => "名簿情報の更新",
            AuditAction::TriageRecorded => "優先度判定の記録",
            AuditAction::ReceiverUpdated => "提供先の設定",
            AuditAction::RosterExported => "名簿の出力",
            AuditAction::SettingsUpdated => "設定の変更",
            AuditAction::LayerImported => "地図データの取込",
            AuditAction::LayerRemoved => "地図データの削除",
            AuditAction::ShelterUpdated => "避難場所の編集",
            AuditAction::ShelterRemoved => "避難場所の削除",
            AuditAction::HomesLocated => "自宅位置の特定",
            AuditAction::HomesClassified => "ハザード判定",
            AuditAction::ReviewMarked => "計画の要見直し",
            AuditAction::SharesChanged => "提供先（閲覧できる組織）の変更",
            AuditAction::DisasterDeclared => "災害の宣言",
            AuditAction::DisasterStageChanged => "災害の段階の変更",
            AuditAction::DisasterClosed => "災害の終了",
            AuditAction::DisasterAreaWidened => "災害の区域の拡大",
            AuditAction::SweepJoined => "安否確認の対象に追加",
            AuditAction::HelpConfirmed => "要確認への回答",
            AuditAction::ListRecalled => "配布した名簿の回収・廃棄",
            AuditAction::LedgerViewed => "被災者台帳の閲覧",
            AuditAction::LedgerUpdated => "被災者台帳の更新",
            AuditAction::LedgerDisclosed => "被災者台帳の提供",
            AuditAction::LedgerPartnerRegistered => "被災者援護協力団体の登録",
            AuditAction::DamageApplied => "罹災証明の申請",
            AuditAction::DamageSurveyed => "被害認定調査の記録",
            AuditAction::CertificateIssued => "罹災証明書の交付",
            AuditAction::ReSurveyRequested => "再調査の依頼",
            AuditAction::ProgrammeSaved => "支援制度の登録・変更",
            AuditAction::CaseOpened => "ケースの開始",
            AuditAction::CaseViewed => "ケースの閲覧",
            AuditAction::CaseUpdated => "ケースの更新",
            AuditAction::VisitRecorded => "訪問の記録",
            AuditAction::CaseMeetingSaved => "ケース会議の記録",
            AuditAction::TaskUpdated => "作業の更新",
            AuditAction::ActivityRecorded => "研修・訓練の記録",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        AuditAction::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Does this action change data (as opposed to reading it)?
    pub fn is_write(self) -> bool {
        matches!(
            self,
            AuditAction::PersonCreated
                | AuditAction::PersonUpdated
                | AuditAction::UserCreated
                | AuditAction::MembershipAdded
                | AuditAction::OrganisationCreated
                | AuditAction::TokenCreated
                | AuditAction::TokenRevoked
                | AuditAction::RosterImported
                | AuditAction::RosterUpdated
                | AuditAction::TriageRecorded
                | AuditAction::ReceiverUpdated
                | AuditAction::SettingsUpdated
                | AuditAction::LayerImported
                | AuditAction::LayerRemoved
                | AuditAction::ShelterUpdated
                | AuditAction::ShelterRemoved
                | AuditAction::HomesLocated
                | AuditAction::HomesClassified
                | AuditAction::ReviewMarked
                | AuditAction::SharesChanged
        )
    }
}

/// One entry as stored: every field that the hash covers, in stored form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: i64,
    /// UTC, microsecond precision.
    pub at: DateTime<Utc>,
    pub user_id: Option<String>,
    pub user_login: String,
    pub organisation_id: Option<String>,
    pub role: Option<String>,
    pub action: String,
    /// The kind of record touched (`person`, `user` …).
    pub entity: String,
    pub entity_id: Option<String>,
    /// The municipality owning the record touched, for filtering by the owner's administrator.
    pub subject_owner_id: Option<String>,
    /// owner / consent / disaster: why the access was allowed.
    pub access_basis: Option<String>,
    /// The server's id of the request.
    pub request_id: Option<String>,
    /// The id the client sent (`X-Request-Id`), if any. Hashed only when present, so entries
    /// written before it existed verify unchanged.
    pub client_request_id: Option<String>,
    /// JSON text: for writes, what changed; for searches, the query.
    pub detail: String,
}

/// Timestamps are hashed in one fixed textual form.
pub fn format_timestamp(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The hash of `record` chained onto `prev_hash` (hex SHA-256).
pub fn chain_hash(prev_hash: &str, record: &AuditRecord) -> String {
    let mut fields = serde_json::json!([
        record.seq,
        format_timestamp(&record.at),
        record.user_id,
        record.user_login,
        record.organisation_id,
        record.role,
        record.action,
        record.entity,
        record.entity_id,
        record.subject_owner_id,
        record.access_basis,
        record.request_id,
        record.detail,
    ]);
    if let (Some(client), Some(list)) = (&record.client_request_id, fields.as_array_mut()) {
        list.push(serde_json::Value::String(client.clone()));
    }
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(fields.to_string().as_bytes());
    hex::encode(h.finalize())
}

/// Where a chain is broken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("監査ログ {seq} 番のハッシュが一致しません（改ざんの可能性）")]
    HashMismatch { seq: i64 },
    #[error("監査ログ {seq} 番の直前のハッシュが一致しません（削除または並べ替えの可能性）")]
    PrevMismatch { seq: i64 },
    #[error("監査ログの番号が飛んでいます: {expected} 番の次が {found} 番（削除の可能性）")]
    Gap { expected: i64, found: i64 },
    #[error(
        "監査ログの末尾が記録と一致しません: 最後は {found} 番、記録では {expected} 番（末尾の削除の可能性）"
    )]
    Tail { expected: i64, found: i64 },
}

/// Checks entries in sequence order, each with its stored `prev_hash` and `hash`, starting
/// after `(start_seq, start_hash)`; returns the last `(seq, hash)` for the next batch.
pub fn verify_batch<'a>(
    start: (i64, String),
    entries: impl IntoIterator<Item = (&'a AuditRecord, &'a str, &'a str)>,
) -> Result<(i64, String), ChainBreak> {
    let (mut last_seq, mut last_hash) = start;
    for (record, prev_hash, hash) in entries {
        if record.seq != last_seq + 1 {
            return Err(ChainBreak::Gap {
                expected: last_seq + 1,
                found: record.seq,
            });
        }
        if prev_hash != last_hash {
            return Err(ChainBreak::PrevMismatch { seq: record.seq });
        }
        if chain_hash(prev_hash, record) != hash {
            return Err(ChainBreak::HashMismatch { seq: record.seq });
        }
        last_seq = record.seq;
        last_hash = hash.to_owned();
    }
    Ok((last_seq, last_hash))
}

/// Field-by-field difference of two JSON objects: `{field: [before, after]}` for every field
/// that differs. Used as the `detail` of update entries.
pub fn diff(before: &Value, after: &Value) -> BTreeMap<String, [Value; 2]> {
    let empty = serde_json::Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut out = BTreeMap::new();
    for key in b.keys().chain(a.keys()) {
        let bv = b.get(key).cloned().unwrap_or(Value::Null);
        let av = a.get(key).cloned().unwrap_or(Value::Null);
        if bv != av {
            out.insert(key.clone(), [bv, av]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn record(seq: i64, detail: &str) -> AuditRecord {
        AuditRecord {
            seq,
            at: Utc
                .timestamp_opt(1_700_000_000 + seq, 123_456_000)
                .single()
                .unwrap_or_default(),
            user_id: Some("u".into()),
            user_login: "yamada".into(),
            organisation_id: Some("o".into()),
            role: Some("welfare_staff".into()),
            action: "person.viewed".into(),
            entity: "person".into(),
            entity_id: Some(format!("p{seq}")),
            subject_owner_id: None,
            access_basis: Some("owner".into()),
            request_id: None,
            client_request_id: None,
            detail: detail.into(),
        }
    }

    fn chain(n: i64) -> Vec<(AuditRecord, String, String)> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|i| {
                let r = record(i, "{}");
                let h = chain_hash(&prev, &r);
                let out = (r, prev.clone(), h.clone());
                prev = h;
                out
            })
            .collect()
    }

    fn verify(c: &[(AuditRecord, String, String)]) -> Result<(i64, String), ChainBreak> {
        verify_batch(
            (0, GENESIS_HASH.to_owned()),
            c.iter().map(|(r, p, h)| (r, p.as_str(), h.as_str())),
        )
    }

    #[test]
    fn an_intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify(&c).map(|(s, _)| s), Ok(5));
    }

    #[test]
    fn edits_deletions_and_reorders_are_detected() {
        let mut edited = chain(5);
        edited[2].0.user_login = "someone-else".into();
        assert_eq!(verify(&edited), Err(ChainBreak::HashMismatch { seq: 3 }));

        let mut deleted = chain(5);
        deleted.remove(2);
        assert_eq!(
            verify(&deleted),
            Err(ChainBreak::Gap {
                expected: 3,
                found: 4
            })
        );

        let mut swapped = chain(5);
        swapped.swap(1, 2);
        assert!(verify(&swapped).is_err());
    }

    #[test]
    fn diff_lists_only_changed_fields() {
        let d = diff(
            &serde_json::json!({"name": "山田", "phone": "1", "x": 1}),
            &serde_json::json!({"name": "山本", "phone": "1", "y": 2}),
        );
        assert_eq!(
            d.keys().cloned().collect::<Vec<_>>(),
            vec!["name", "x", "y"]
        );
    }

    #[test]
    fn a_client_request_id_is_hashed_only_when_present() {
        let r = record(1, "{}");
        let mut with_client = r.clone();
        with_client.client_request_id = Some("client-1".into());
        // Entries written before the field existed verify as they did.
        let fields = serde_json::json!([
            r.seq,
            format_timestamp(&r.at),
            r.user_id,
            r.user_login,
            r.organisation_id,
            r.role,
            r.action,
            r.entity,
            r.entity_id,
            r.subject_owner_id,
            r.access_basis,
            r.request_id,
            r.detail,
        ]);
        let mut h = Sha256::new();
        h.update(GENESIS_HASH.as_bytes());
        h.update(b"\n");
        h.update(fields.to_string().as_bytes());
        assert_eq!(chain_hash(GENESIS_HASH, &r), hex::encode(h.finalize()));
        // And the client's id cannot be changed unnoticed.
        assert_ne!(
            chain_hash(GENESIS_HASH, &r),
            chain_hash(GENESIS_HASH, &with_client)
        );
    }

    #[test]
    fn action_codes_round_trip() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(a.code()), Some(a));
        }
    }

    proptest! {
        #[test]
        fn any_change_to_any_detail_is_detected(n in 1i64..10, at in 0usize..10, s in "\\PC{0,20}") {
            let mut c = chain(n);
            let i = at % c.len();
            prop_assume!(c[i].0.detail != s);
            c[i].0.detail = s;
            prop_assert_eq!(verify(&c), Err(ChainBreak::HashMismatch { seq: i as i64 + 1 }));
        }
    }
}
