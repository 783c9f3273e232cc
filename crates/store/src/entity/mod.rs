//! SeaORM entities: one module per table. Plain rows; meaning lives in the domain crate.

pub mod api_token;
pub mod audit_head;
pub mod audit_log;
pub mod consent;
pub mod consent_scope;
pub mod coordination_meeting;
pub mod evacuation_plan;
pub mod household;
pub mod membership;
pub mod organisation;
pub mod person;
pub mod person_share;
pub mod plan_workflow;
pub mod plan_workflow_event;
pub mod receiver;
pub mod roster_entry;
pub mod session;
pub mod triage_policy;
pub mod triage_result;
pub mod user;
