//! A support programme as the catalogue holds it, once loaded and checked.

use crate::lang::Expr;
use chrono::NaiveDate;
use tsunagi_domain::coded_enum;
use tsunagi_domain::issue_category::IssueCategory;

coded_enum! {
    /// Who provides the programme.
    pub enum Provider {
        National = ("national", "国"),
        Prefecture = ("prefecture", "都道府県"),
        Municipality = ("municipality", "市町村"),
        Shakyo = ("shakyo", "社会福祉協議会"),
        Other = ("other", "その他"),
    }
}

coded_enum! {
    /// What the programme gives; the amount means something different for each.
    pub enum BenefitKind {
        /// 支給: money paid.
        Grant = ("grant", "支給"),
        /// 貸付: a loan; the amount is its limit.
        Loan = ("loan", "貸付（限度額）"),
        /// 現物: work or goods provided; the amount is its limit (応急修理).
        InKind = ("in_kind", "現物給付（上限額）"),
        /// 減免: a tax or premium reduced or waived.
        Reduction = ("reduction", "減免"),
        /// 相談・その他.
        Service = ("service", "相談・サービス"),
    }
}

impl BenefitKind {
    /// Whether the amount is money the household receives (counts in the "not applied" gap).
    pub fn is_received(self) -> bool {
        matches!(self, BenefitKind::Grant | BenefitKind::InKind)
    }
}

/// Where a programme was defined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A file of the catalogue in the repository.
    Catalogue(String),
    /// Added by a municipality on screen.
    Municipal,
}

/// A support programme (支援制度).
#[derive(Clone, Debug)]
pub struct Programme {
    pub id: String,
    pub name: String,
    pub provider: Provider,
    pub kind: BenefitKind,
    pub categories: Vec<IssueCategory>,
    /// In plain Japanese, for the household.
    pub summary: String,
    pub documents: Vec<String>,
    pub where_to_apply: String,
    /// The law or official page.
    pub source: String,
    pub source_url: Option<String>,
    pub checked_on: NaiveDate,
    /// Local rules decide: at most "possibly eligible — confirm with …".
    pub confirm_with: Option<String>,
    /// What was not confirmed from a primary source, if anything.
    pub unconfirmed: Option<String>,
    pub origin: Origin,
    /// In date order, not overlapping.
    pub versions: Vec<Version>,
}

/// The rules in force for disasters in a period.
#[derive(Clone, Debug)]
pub struct Version {
    pub from: NaiveDate,
    /// Inclusive; open-ended when none.
    pub until: Option<NaiveDate>,
    pub window: Option<Window>,
    pub requires: Vec<Requirement>,
    pub amount: Vec<Step>,
    pub note: Option<String>,
}

impl Version {
    pub fn covers(&self, day: NaiveDate) -> bool {
        day >= self.from && self.until.is_none_or(|u| day <= u)
    }
}

/// The application window, counted from the disaster's date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    Months(u32),
    Days(u32),
}

impl Window {
    /// The last day to apply.
    pub fn deadline(self, disaster: NaiveDate) -> Option<NaiveDate> {
        match self {
            Window::Months(m) => disaster.checked_add_months(chrono::Months::new(m)),
            Window::Days(d) => disaster.checked_add_days(chrono::Days::new(u64::from(d))),
        }
    }
}

/// One condition, with what it means in Japanese.
#[derive(Clone, Debug)]
pub struct Requirement {
    pub rule: Expr,
    pub text: String,
    pub reason: String,
}

/// One step of the amount's calculation.
#[derive(Clone, Debug)]
pub struct Step {
    pub name: Option<String>,
    pub label: String,
    /// When given and false, the step is skipped and the previous value carries on.
    pub when: Option<Expr>,
    pub value: Expr,
}

impl Programme {
    pub fn version_for(&self, disaster: NaiveDate) -> Option<(usize, &Version)> {
        self.versions
            .iter()
            .enumerate()
            .find(|(_, v)| v.covers(disaster))
    }
}
