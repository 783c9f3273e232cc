//! Evaluating a household against the catalogue: per programme eligible / possibly eligible
//! (with the facts still needed) / not eligible, the reasons, and the amount step by step.

use crate::facts::{FactValues, questions};
use crate::lang::{Missing, Scope, Settled};
use crate::programme::Programme;
use chrono::NaiveDate;
use serde::Serialize;

/// The verdict for one programme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Status {
    Eligible,
    /// Possibly eligible: facts are missing, or local rules decide (`confirm_with`).
    Possibly,
    NotEligible,
    /// No rules in the catalogue for the disaster's date (none before it either).
    NoRules,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Eligible => "対象",
            Status::Possibly => "対象の可能性あり",
            Status::NotEligible => "対象外",
            Status::NoRules => "この日付の規則が未登録",
        }
    }
    /// Whether the household should be told of it.
    pub fn worth_applying(self) -> bool {
        matches!(self, Status::Eligible | Status::Possibly)
    }
}

/// One programme's outcome, compact (the batch path keeps only this).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    /// The version of the rules used.
    pub version: Option<usize>,
    /// Facts whose absence keeps the answer open (requirements and amount).
    pub missing: Missing,
    /// For not eligible: the requirement that failed.
    pub failed: Option<usize>,
    /// Each amount step: its value or what it misses; `None` when skipped (`when` false).
    pub steps: Vec<Option<Result<i64, Missing>>>,
    /// The amount (the last step's value), if the programme has one.
    pub amount: Option<Result<i64, Missing>>,
    pub deadline: Option<NaiveDate>,
    /// The disaster is after the last period entered (e.g. a fiscal year's limits not yet in
    /// the catalogue): the requirements of the latest rules were used, no amount is given and
    /// the answer is at most "possibly eligible".
    pub rules_outdated: bool,
}

/// A checked catalogue, in evaluation order.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    pub programmes: Vec<Programme>,
}

impl Catalogue {
    pub fn get(&self, id: &str) -> Option<&Programme> {
        self.programmes.iter().find(|p| p.id == id)
    }

    /// Evaluates one household against every programme.
    pub fn evaluate(&self, facts: &FactValues, disaster: NaiveDate) -> Vec<Outcome> {
        let mut settled: Vec<Settled> = Vec::with_capacity(self.programmes.len());
        let mut out = Vec::with_capacity(self.programmes.len());
        for p in &self.programmes {
            let o = evaluate_one(p, facts, disaster, &settled);
            settled.push(Settled {
                eligible: match o.status {
                    Status::Eligible => Ok(true),
                    Status::NotEligible | Status::NoRules => Ok(false),
                    Status::Possibly => Err(o.missing),
                },
                amount: match (o.status, &o.amount) {
                    (Status::NotEligible | Status::NoRules, _) | (_, None) => Ok(0),
                    (Status::Eligible, Some(a)) => *a,
                    (Status::Possibly, Some(a)) => a.and(Err(o.missing)),
                },
            });
            out.push(o);
        }
        out
    }
}

fn evaluate_one(
    p: &Programme,
    facts: &FactValues,
    disaster: NaiveDate,
    settled: &[Settled],
) -> Outcome {
    // After the last period entered: its requirements still say who may be eligible.
    let (found, outdated) = match p.version_for(disaster) {
        Some(v) => (Some(v), false),
        None => (
            p.versions
                .iter()
                .enumerate()
                .rev()
                .find(|(_, v)| v.until.is_some_and(|u| u < disaster)),
            true,
        ),
    };
    let Some((vi, v)) = found else {
        return Outcome {
            status: Status::NoRules,
            version: None,
            missing: 0,
            failed: None,
            steps: Vec::new(),
            amount: None,
            deadline: None,
            rules_outdated: false,
        };
    };
    fn scope<'a>(
        facts: &'a FactValues,
        steps: &'a [Result<i64, Missing>],
        programmes: &'a [Settled],
    ) -> Scope<'a> {
        Scope {
            facts,
            steps,
            programmes,
        }
    }
    let mut missing = 0;
    let mut failed = None;
    let empty: [Result<i64, Missing>; 0] = [];
    for (i, r) in v.requires.iter().enumerate() {
        match r.rule.eval(&scope(facts, &empty, settled)) {
            Ok(0) => {
                failed = Some(i);
                break;
            }
            Ok(_) => {}
            Err(m) => missing |= m,
        }
    }
    let deadline = v.window.and_then(|w| w.deadline(disaster));
    if failed.is_some() {
        return Outcome {
            status: Status::NotEligible,
            version: Some(vi),
            missing: 0,
            failed,
            steps: Vec::new(),
            amount: None,
            deadline,
            rules_outdated: outdated,
        };
    }
    if outdated {
        return Outcome {
            status: Status::Possibly,
            version: Some(vi),
            missing,
            failed: None,
            steps: Vec::new(),
            amount: None,
            deadline,
            rules_outdated: true,
        };
    }
    // Named steps are read by index; a skipped step carries the previous value.
    let mut values: Vec<Result<i64, Missing>> = Vec::with_capacity(v.amount.len());
    let mut steps = Vec::with_capacity(v.amount.len());
    let mut current: Result<i64, Missing> = Ok(0);
    for s in &v.amount {
        let applies = match &s.when {
            None => Ok(true),
            Some(w) => w.eval(&scope(facts, &values, settled)).map(|x| x != 0),
        };
        let step = match applies {
            Ok(true) => Some(s.value.eval(&scope(facts, &values, settled))),
            Ok(false) => None,
            Err(m) => match (s.value.eval(&scope(facts, &values, settled)), current) {
                (Ok(a), Ok(b)) if a == b => Some(Ok(a)),
                (Ok(_), Ok(_)) => Some(Err(m)),
                (Err(n), _) | (_, Err(n)) => Some(Err(m | n)),
            },
        };
        if let Some(x) = step {
            current = x;
        }
        steps.push(step);
        if s.name.is_some() {
            values.push(current);
        }
    }
    let amount = (!v.amount.is_empty()).then_some(current);
    let status = if missing != 0 || p.confirm_with.is_some() {
        Status::Possibly
    } else {
        Status::Eligible
    };
    Outcome {
        status,
        version: Some(vi),
        missing,
        failed: None,
        steps,
        amount,
        deadline,
        rules_outdated: false,
    }
}

/// A programme's outcome in words: what a screen, the JSON output and the letter show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Explained {
    pub programme: String,
    pub name: String,
    pub provider: String,
    /// What it gives (`grant`, `loan`, `in_kind`, `reduction`, `service`) and in words.
    pub benefit: crate::programme::BenefitKind,
    pub kind: String,
    pub categories: Vec<String>,
    pub status: Status,
    pub status_label: String,
    /// Why, in Japanese.
    pub reasons: Vec<String>,
    /// What to find out, in Japanese (for possibly eligible).
    pub needed: Vec<String>,
    /// Who to confirm with, where local rules decide.
    pub confirm_with: Option<String>,
    pub amount_yen: Option<i64>,
    /// Each step of the calculation.
    pub calculation: Vec<CalculationStep>,
    pub deadline: Option<NaiveDate>,
    pub summary: String,
    pub documents: Vec<String>,
    pub where_to_apply: String,
    pub source: String,
    pub checked_on: NaiveDate,
    pub rules_from: Option<NaiveDate>,
    /// What was not confirmed from a primary source.
    pub unconfirmed: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalculationStep {
    pub label: String,
    /// None when the step did not apply or its value is not known yet.
    pub amount_yen: Option<i64>,
    pub applied: bool,
}

impl Outcome {
    pub fn explain(&self, p: &Programme) -> Explained {
        let v = self.version.map(|i| &p.versions[i]);
        let mut reasons = Vec::new();
        match (self.status, v) {
            (_, None) => {
                reasons.push("災害の日付に適用される規則がカタログにありません".to_owned())
            }
            (Status::NotEligible, Some(v)) => {
                if let Some(r) = self.failed.and_then(|i| v.requires.get(i)) {
                    reasons.push(format!("{}、に当たりません", r.reason));
                }
            }
            (_, Some(v)) => {
                if self.rules_outdated {
                    reasons.push(format!(
                        "災害の日付に適用される規則（金額）がカタログにありません。{}までの規則の要件で判定しています（金額は実施機関に確認してください）",
                        v.until.map(|u| u.to_string()).unwrap_or_default()
                    ));
                }
                reasons.extend(v.requires.iter().map(|r| r.reason.clone()));
            }
        }
        let needed: Vec<String> = questions(
            self.missing
                | self
                    .amount
                    .and_then(|a| a.err())
                    .filter(|_| self.status != Status::NotEligible)
                    .unwrap_or(0),
        )
        .into_iter()
        .map(|f| f.question.to_owned())
        .collect();
        let calculation = v
            .map(|v| {
                v.amount
                    .iter()
                    .zip(&self.steps)
                    .map(|(s, r)| CalculationStep {
                        label: s.label.clone(),
                        amount_yen: r.and_then(|r| r.ok()),
                        applied: r.is_some(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Explained {
            programme: p.id.clone(),
            name: p.name.clone(),
            provider: p.provider.label().to_owned(),
            benefit: p.kind,
            kind: p.kind.label().to_owned(),
            categories: p.categories.iter().map(|c| c.label().to_owned()).collect(),
            status: self.status,
            status_label: self.status.label().to_owned(),
            reasons,
            needed,
            confirm_with: p.confirm_with.clone(),
            amount_yen: self.amount.and_then(|a| a.ok()),
            calculation,
            deadline: self.deadline,
            summary: p.summary.clone(),
            documents: p.documents.clone(),
            where_to_apply: p.where_to_apply.clone(),
            source: p.source.clone(),
            checked_on: p.checked_on,
            rules_from: v.map(|v| v.from),
            unconfirmed: p.unconfirmed.clone(),
        }
    }
}
