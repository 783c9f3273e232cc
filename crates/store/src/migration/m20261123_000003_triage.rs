//! Triage: each municipality's versioned priority policy, and each roster person's result.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TriagePolicies {
    Table,
    Id,
    MunicipalityId,
    Version,
    Policy,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum TriageResults {
    Table,
    PersonId,
    Priority,
    Approach,
    Score,
    Result,
    PolicyVersion,
    ComputedAt,
    OverrideReason,
}

#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TriagePolicies::Table)
                .col(pk_uuid(TriagePolicies::Id))
                .col(uuid(TriagePolicies::MunicipalityId))
                .col(integer(TriagePolicies::Version))
                .col(text(TriagePolicies::Policy))
                .col(timestamp_with_time_zone(TriagePolicies::CreatedAt))
                .col(string_len(TriagePolicies::CreatedBy, 100))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_triage_policy_municipality")
                        .from(TriagePolicies::Table, TriagePolicies::MunicipalityId)
                        .to(Organisations::Table, Organisations::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_triage_policy_version")
                .table(TriagePolicies::Table)
                .col(TriagePolicies::MunicipalityId)
                .col(TriagePolicies::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TriageResults::Table)
                .col(pk_uuid(TriageResults::PersonId))
                .col(string_len(TriageResults::Priority, 10))
                .col(string_len(TriageResults::Approach, 30))
                .col(integer(TriageResults::Score))
                .col(text(TriageResults::Result))
                .col(integer(TriageResults::PolicyVersion))
                .col(timestamp_with_time_zone(TriageResults::ComputedAt))
                .col(text_null(TriageResults::OverrideReason))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_triage_result_person")
                        .from(TriageResults::Table, TriageResults::PersonId)
                        .to(Persons::Table, Persons::Id),
                )
                .to_owned(),
        )
        .await
    }
}
