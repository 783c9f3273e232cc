//! tsunagi's storage: SeaORM entities, migrations and repositories, on SQLite (embedded
//! default) and PostgreSQL (production) from one code base.
//!
//! Architecture invariants:
//! - Every repository call that touches a person takes the acting [`Actor`] and asks the
//!   domain's policy; there is no "all rows" path for users.
//! - Every write, and every read of a person's detail, goes through [`AuditedTx`]: the audit
//!   entry is appended in the same transaction as the change, or neither happens.
//! - Dialect-specific SQL lives only in [`db`].
//!
//! [`Actor`]: tsunagi_domain::access::Actor

pub mod access;
pub mod audit;
pub mod case_meetings;
pub mod case_tasks;
pub mod cases;
pub mod certificates;
pub mod db;
pub mod declarations;
pub mod disaster_lists;
pub mod entity;
mod error;
pub mod gis;
pub mod issue_categories;
pub mod issued_lists;
pub mod ledger;
pub mod legal_bases;
pub mod meetings;
pub mod migration;
pub mod organisations;
pub mod partners;
pub mod persons;
pub mod plans;
pub mod preparedness;
pub mod programmes;
pub mod progress;
pub mod receivers;
pub mod referrals;
pub mod roster;
pub mod safety;
pub mod safety_info;
pub mod sessions;
pub mod sharing;
pub mod shelter_stays;
pub mod testing;
pub mod tokens;
pub mod triage;
pub mod users;
pub mod workflows;

pub use audit::{AuditContext, AuditedTx};
pub use db::Store;
pub use error::StoreError;

use chrono::{DateTime, SubsecRound, Utc};

/// Now, truncated to microseconds: PostgreSQL keeps microseconds and SQLite nanoseconds, so
/// values read back must equal values written on both.
/// Today in Japan (JST, UTC+9): the one "today" of screens, documents and the access decision
/// (an agreement's days).
pub fn today_jst() -> chrono::NaiveDate {
    (Utc::now() + chrono::Duration::hours(9)).date_naive()
}

/// The day in Japan (JST) of a moment.
pub fn day_jst(at: DateTime<Utc>) -> chrono::NaiveDate {
    (at + chrono::Duration::hours(9)).date_naive()
}

pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
