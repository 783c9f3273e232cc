//! A municipality's own programme as entered on one screen (one condition, one amount, one
//! period), turned into the catalogue's TOML so that the same loader checks it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::{Table, Value};
use tsunagi_domain::issue_category::IssueCategory;

use crate::load::ProgrammeFile;
use crate::programme::{BenefitKind, Provider};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgrammeForm {
    pub id: String,
    pub name: String,
    pub provider: Option<Provider>,
    pub kind: Option<BenefitKind>,
    pub categories: Vec<IssueCategory>,
    pub summary: String,
    /// One per line.
    pub documents: String,
    pub where_to_apply: String,
    pub source: String,
    /// A rule (`eligible(livelihood_basic)`, `damage >= 半壊 and household_size >= 2` …).
    pub condition: String,
    /// The condition in words, shown to staff and the household.
    pub condition_reason: String,
    /// An amount rule (`100_000円`, `amount(livelihood_basic) / 10` …); empty for none.
    pub amount: String,
    pub amount_label: String,
    pub window_months: Option<u32>,
    /// Disasters from this day are covered.
    pub from: Option<NaiveDate>,
    pub checked_on: Option<NaiveDate>,
}

fn date(d: NaiveDate) -> Value {
    d.to_string()
        .parse::<toml::value::Datetime>()
        .map_or_else(|_| Value::String(d.to_string()), Value::Datetime)
}

impl ProgrammeForm {
    /// The programme file; what is missing is left out so the loader names it.
    pub fn to_toml(&self) -> String {
        let mut t = Table::new();
        let s = |v: &str| Value::String(v.trim().to_owned());
        t.insert("id".into(), s(&self.id));
        t.insert("name".into(), s(&self.name));
        if let Some(p) = self.provider {
            t.insert("provider".into(), s(p.code()));
        }
        if let Some(k) = self.kind {
            t.insert("kind".into(), s(k.code()));
        }
        t.insert(
            "categories".into(),
            Value::Array(self.categories.iter().map(|c| s(c.code())).collect()),
        );
        t.insert("summary".into(), s(&self.summary));
        t.insert(
            "documents".into(),
            Value::Array(
                self.documents
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(s)
                    .collect(),
            ),
        );
        t.insert("where_to_apply".into(), s(&self.where_to_apply));
        t.insert("source".into(), s(&self.source));
        if let Some(d) = self.checked_on {
            t.insert("checked_on".into(), date(d));
        }
        if let Some(m) = self.window_months {
            t.insert("window_months".into(), Value::Integer(i64::from(m)));
        }
        let mut rule = Table::new();
        rule.insert("rule".into(), s(&self.condition));
        rule.insert("reason".into(), s(&self.condition_reason));
        t.insert("requires".into(), Value::Array(vec![Value::Table(rule)]));
        if !self.amount.trim().is_empty() {
            let mut step = Table::new();
            let label = if self.amount_label.trim().is_empty() {
                "金額"
            } else {
                self.amount_label.as_str()
            };
            step.insert("label".into(), s(label));
            step.insert("value".into(), s(&self.amount));
            t.insert("amount".into(), Value::Array(vec![Value::Table(step)]));
        }
        let mut version = Table::new();
        if let Some(d) = self.from {
            version.insert("from".into(), date(d));
        }
        t.insert("versions".into(), Value::Array(vec![Value::Table(version)]));
        toml::to_string(&t).unwrap_or_default()
    }

    /// The form of a programme saved from it (for editing); `None` for a file written by hand.
    pub fn from_toml(text: &str) -> Option<ProgrammeForm> {
        let f: ProgrammeFile = toml::from_str(text).ok()?;
        let requirement = f.requires.first()?;
        let step = f.amount.first();
        let day = |d: &toml::value::Datetime| {
            d.date.and_then(|d| {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            })
        };
        Some(ProgrammeForm {
            id: f.id,
            name: f.name,
            provider: Some(f.provider),
            kind: Some(f.kind),
            categories: f.categories,
            summary: f.summary,
            documents: f.documents.join("\n"),
            where_to_apply: f.where_to_apply,
            source: f.source,
            condition: requirement.rule.get_ref().clone(),
            condition_reason: requirement.reason.clone(),
            amount: step.map(|s| s.value.get_ref().clone()).unwrap_or_default(),
            amount_label: step.map(|s| s.label.clone()).unwrap_or_default(),
            window_months: f.window_months,
            from: f.versions.first().and_then(|v| day(&v.from)),
            checked_on: day(&f.checked_on),
        })
    }
}
