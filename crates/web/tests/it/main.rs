//! The web crate's integration tests, one binary (a binary per file cost a link each): HTTP
//! tests of the screens and the API on SQLite and PostgreSQL, and the headless-chromium tests.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

mod browser_common;
mod common;
mod map_town;

mod approaches;
mod browser;
mod browser_cases;
mod browser_ledger;
mod browser_map;
mod browser_programmes;
mod browser_roster_law;
mod browser_upload;
mod case_meetings;
mod cases;
mod defects;
mod departures;
mod disaster_areas;
mod disaster_receivers;
mod disasters;
mod full_list;
mod geography;
mod handovers;
mod help_questions;
mod http;
mod issued_lists;
mod ledger;
mod legal_basis;
mod map;
mod paper_lists;
mod plans;
mod preparedness;
mod programmes;
mod receiver_agreements;
mod receivers;
mod referrals;
mod roster_bulk;
mod roster_filters;
mod roster_import;
mod roster_order;
mod sharing;
mod shelter_edits;
mod shelters_in_operation;
mod supporters;
mod supporters_consent;
mod survey;
mod sweep_checkers;
mod sweep_joins;
mod sweep_residents;
mod triage;
mod workflow;
