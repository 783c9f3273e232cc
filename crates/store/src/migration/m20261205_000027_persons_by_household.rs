//! Persons by (municipality, household): every household page filters on both, and SQLite's
//! planner (without statistics) chose the municipality index and read every resident of the
//! town for each household — 5 ms a case at 5,000 cases, growing with the town.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Persons {
    Table,
    MunicipalityId,
    HouseholdId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ix_persons_municipality_household")
                .table(Persons::Table)
                .col(Persons::MunicipalityId)
                .col(Persons::HouseholdId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_persons_municipality_household")
                .table(Persons::Table)
                .to_owned(),
        )
        .await
    }
}
