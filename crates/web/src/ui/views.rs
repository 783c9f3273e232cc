//! Formatting for screens: dates in both calendars, labels, and the person views.

use chrono::{Duration, NaiveDate, Utc};
use tsunagi_app::persons::{PersonRecord, PersonSummary};
use tsunagi_domain::person::format_postal_code;
use tsunagi_domain::wareki::format_both;

/// `2026-11-23 18:04` in JST.
pub fn jst_minutes(t: &chrono::DateTime<Utc>) -> String {
    (*t + Duration::hours(9))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub struct PersonRow {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub birth: String,
    pub age: u32,
    pub sex: &'static str,
    pub address: String,
    pub gaiji: bool,
}

impl PersonRow {
    pub fn from(p: &PersonSummary, today: NaiveDate) -> Self {
        PersonRow {
            id: p.id.to_string(),
            name: p.name.clone(),
            kana: p.name_kana.clone(),
            birth: format_both(p.birth_date),
            age: today.years_since(p.birth_date).unwrap_or(0),
            sex: p.sex.label(),
            address: p.address.clone(),
            gaiji: p.has_gaiji,
        }
    }
}

/// A person's record as the detail page shows it.
pub struct PersonView {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub birth: String,
    pub age: u32,
    pub sex: &'static str,
    pub resident_no: String,
    pub postal_code: String,
    pub address: String,
    pub address_extra: String,
    pub phone: String,
    pub household_no: String,
    pub relationship: String,
    pub gaiji: bool,
    pub version: i32,
    pub updated_at: String,
    pub consent: &'static str,
    pub consent_detail: String,
    pub basis: &'static str,
    pub writable: bool,
    /// May the viewer see the plan (a roster-only receiver may not)?
    pub plan_visible: bool,
    /// The person's 自治会 / 民生委員 districts, if known.
    pub districts: String,
    /// On the roster (避難行動要支援者名簿)?
    pub on_roster: bool,
    pub roster_reasons: Vec<String>,
    pub household_facts: Vec<&'static str>,
    pub community_watch: &'static str,
    /// Triage: (priority label, approach label, reasons, path, override reason, computed at)
    pub triage: Option<TriageView>,
    /// Answers given to the flow's questions (要確認への回答), oldest first.
    pub help_answers: Vec<String>,
}

pub struct TriageView {
    pub priority: &'static str,
    pub priority_code: &'static str,
    pub approach: &'static str,
    pub reasons: Vec<String>,
    pub path: Vec<String>,
    pub override_reason: Option<String>,
    pub computed_at: String,
    pub policy_version: u32,
    /// The questions waiting for an answer (要確認): (code, label).
    pub to_confirm: Vec<(&'static str, &'static str)>,
}

impl PersonView {
    pub fn from(p: &PersonRecord, today: NaiveDate) -> Self {
        let d = &p.details;
        let or_dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "—".into());
        PersonView {
            id: p.id.to_string(),
            name: d.name.clone(),
            kana: d.name_kana.clone(),
            birth: format_both(d.birth_date),
            age: d.age_on(today),
            sex: d.sex.label(),
            resident_no: or_dash(&d.resident_no),
            postal_code: d
                .postal_code
                .as_deref()
                .map(|p| format!("〒{}", format_postal_code(p)))
                .unwrap_or_else(|| "—".into()),
            address: d.address.clone(),
            address_extra: or_dash(&d.address_extra),
            phone: or_dash(&d.phone),
            household_no: or_dash(&d.household_no),
            relationship: or_dash(&d.relationship),
            gaiji: p.has_gaiji,
            version: p.version,
            updated_at: jst_minutes(&p.updated_at),
            consent: p.consent.status.label(),
            consent_detail: {
                let c = &p.consent;
                let mut parts = Vec::new();
                if !c.scope.is_empty() {
                    let kinds: Vec<&str> = c.scope.iter().map(|k| k.label()).collect();
                    parts.push(format!("範囲: {}", kinds.join("・")));
                }
                if let Some(d) = c.obtained_on {
                    parts.push(tsunagi_domain::wareki::format_wareki(d));
                }
                if let Some(m) = c.method {
                    parts.push(m.label().to_owned());
                }
                if let Some(b) = &c.obtained_by {
                    parts.push(format!("取得者: {b}"));
                }
                parts.join("、")
            },
            basis: match p.grant.basis {
                tsunagi_domain::access::AccessBasis::Owner => "所管の市町村として",
                tsunagi_domain::access::AccessBasis::Consent => "本人の同意に基づく提供",
                tsunagi_domain::access::AccessBasis::Ordinance => {
                    "条例に基づく提供（平常時・同意によらない）"
                }
                tsunagi_domain::access::AccessBasis::Disaster => "災害時の提供（同意なし）",
                tsunagi_domain::access::AccessBasis::Assignment => {
                    "計画作成の担当（市町村からの委託）"
                }
            },
            plan_visible: p.grant.plan,
            districts: p
                .roster
                .as_ref()
                .and_then(|r| r.district_label())
                .unwrap_or_default(),
            writable: p.grant.level == tsunagi_domain::access::AccessLevel::Write,
            on_roster: p.roster.is_some(),
            roster_reasons: p.roster.as_ref().map(|r| r.reasons()).unwrap_or_default(),
            household_facts: p
                .roster
                .as_ref()
                .map(|r| {
                    [
                        (r.lives_alone, "独居"),
                        (r.elderly_only_household, "高齢者のみ世帯"),
                        (r.alone_in_daytime, "日中独居"),
                        (r.family_can_help == Some(true), "避難を手伝える家族あり"),
                        (r.family_can_help == Some(false), "避難を手伝える家族なし"),
                        (r.no_ties_with_neighbours, "地域とのつながりなし"),
                    ]
                    .into_iter()
                    .filter(|(f, _)| *f)
                    .map(|(_, l)| l)
                    .collect()
                })
                .unwrap_or_default(),
            triage: p.triage.as_ref().map(|t| TriageView {
                priority: t.result.priority.label(),
                priority_code: t.result.priority.code(),
                approach: t.result.approach.label(),
                reasons: t.result.reasons.clone(),
                path: t.result.path.clone(),
                override_reason: t.override_reason.clone(),
                computed_at: jst_minutes(&t.computed_at),
                policy_version: t.result.policy_version,
                to_confirm: t
                    .result
                    .to_confirm
                    .iter()
                    .map(|q| (q.code(), q.label()))
                    .collect(),
            }),
            help_answers: p
                .roster
                .as_ref()
                .map(|r| r.help_answers.iter().map(|a| a.summary()).collect())
                .unwrap_or_default(),
            community_watch: match p.roster.as_ref().and_then(|r| r.community_watch) {
                Some(true) => "あり",
                Some(false) => "なし",
                None => "不明",
            },
        }
    }
}

/// Page links: (number, is current).
pub fn page_numbers(current: u64, pages: u64) -> Vec<(u64, bool)> {
    let start = current.saturating_sub(3).max(1);
    let end = (current + 3).min(pages);
    (start..=end).map(|n| (n, n == current)).collect()
}
