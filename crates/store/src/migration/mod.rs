//! Schema migrations: one set for SQLite and PostgreSQL, applied at start-up and by
//! `tsunagi migrate`. Migrations are append-only: never edit one that has shipped.

use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_roster;
mod m20261123_000003_triage;
mod m20261123_000004_consent_details;
mod m20261123_000005_plans;
mod m20261123_000006_workflows;
mod m20261123_000007_review;
mod m20261123_000008_receivers;
mod m20261123_000009_gis;
mod m20261123_000010_shelter_edits;
mod m20261204_000011_client_request_id;
pub(crate) mod m20261204_000012_zone_packs;
mod m20261205_000013_plan_checks;
mod m20261205_000014_legal_bases;
mod m20261205_000015_disaster_declarations;
mod m20261205_000016_roster_departures;
mod m20261205_000017_safety_checks;
mod m20261205_000018_victims_ledger;
mod m20261205_000019_shelter_stays;
mod m20261205_000020_safety_enquiries;
mod m20261205_000021_programmes;
mod m20261205_000022_cases;
mod m20261205_000023_referrals;
mod m20261205_000024_partner_profiles;
mod m20261205_000025_case_meetings;
mod m20261205_000026_case_transfers;
mod m20261205_000027_persons_by_household;
mod m20261205_000028_issue_categories;
mod m20261205_000029_roster_receipts;
mod m20261205_000030_preparedness;
mod m20261205_000031_safety_settings;
mod m20261206_000032_safety_checkers;
mod m20261206_000033_safety_paper_lists;
mod m20261206_000034_disaster_only_receivers;
mod m20261206_000035_sweep_residents_aged;
mod m20261207_000036_triage_to_confirm;
mod m20261207_000037_receiver_agreements;
mod m20261207_000038_issued_lists;
mod m20261207_000039_roster_only_in_disasters;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_roster::Migration),
            Box::new(m20261123_000003_triage::Migration),
            Box::new(m20261123_000004_consent_details::Migration),
            Box::new(m20261123_000005_plans::Migration),
            Box::new(m20261123_000006_workflows::Migration),
            Box::new(m20261123_000007_review::Migration),
            Box::new(m20261123_000008_receivers::Migration),
            Box::new(m20261123_000009_gis::Migration),
            Box::new(m20261123_000010_shelter_edits::Migration),
            Box::new(m20261204_000011_client_request_id::Migration),
            Box::new(m20261204_000012_zone_packs::Migration),
            Box::new(m20261205_000013_plan_checks::Migration),
            Box::new(m20261205_000014_legal_bases::Migration),
            Box::new(m20261205_000015_disaster_declarations::Migration),
            Box::new(m20261205_000016_roster_departures::Migration),
            Box::new(m20261205_000017_safety_checks::Migration),
            Box::new(m20261205_000018_victims_ledger::Migration),
            Box::new(m20261205_000019_shelter_stays::Migration),
            Box::new(m20261205_000020_safety_enquiries::Migration),
            Box::new(m20261205_000021_programmes::Migration),
            Box::new(m20261205_000022_cases::Migration),
            Box::new(m20261205_000023_referrals::Migration),
            Box::new(m20261205_000024_partner_profiles::Migration),
            Box::new(m20261205_000025_case_meetings::Migration),
            Box::new(m20261205_000026_case_transfers::Migration),
            Box::new(m20261205_000027_persons_by_household::Migration),
            Box::new(m20261205_000028_issue_categories::Migration),
            Box::new(m20261205_000029_roster_receipts::Migration),
            Box::new(m20261205_000030_preparedness::Migration),
            Box::new(m20261205_000031_safety_settings::Migration),
            Box::new(m20261206_000032_safety_checkers::Migration),
            Box::new(m20261206_000033_safety_paper_lists::Migration),
            Box::new(m20261206_000034_disaster_only_receivers::Migration),
            Box::new(m20261206_000035_sweep_residents_aged::Migration),
            Box::new(m20261207_000036_triage_to_confirm::Migration),
            Box::new(m20261207_000037_receiver_agreements::Migration),
            Box::new(m20261207_000038_issued_lists::Migration),
            Box::new(m20261207_000039_roster_only_in_disasters::Migration),
        ]
    }
}
