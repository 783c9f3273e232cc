//! tsunagi's domain: the types and rules of the work, with no I/O.
//!
//! Architecture invariant: nothing in this crate touches a database, a file, the network or
//! the clock. Rules take plain values and return plain values, so they can be tested
//! exhaustively. Storage, HTTP and the CLI are thin layers around this crate.

pub mod access;
pub mod audit;
pub mod case_management;
pub mod case_meeting;
pub mod case_report;
pub mod circumstances;
pub mod codes;
pub mod consent;
pub mod damage;
pub mod declaration;
pub mod departure;
pub mod disaster;
pub mod error;
pub mod evacuation_timing;
pub mod headquarters;
pub mod ids;
pub mod issue_category;
pub mod issued_list;
pub mod ledger;
pub mod legal_basis;
pub mod login;
pub mod meeting;
pub mod municipality;
pub mod organisation;
pub mod paging;
pub mod partner;
pub mod password;
pub mod person;
pub mod plan;
pub mod preparedness;
pub mod progress;
pub mod receiver;
pub mod referral;
pub mod role;
pub mod roster;
pub mod roster_order;
pub mod safety;
pub mod safety_info;
pub mod shelter_stay;
pub mod supporters;
pub mod survey;
pub mod text;
pub mod triage;
pub mod wareki;
pub mod workflow;

pub use error::{FieldError, ValidationErrors};
pub use ids::{HouseholdId, MembershipId, OrganisationId, PersonId, UserId};
