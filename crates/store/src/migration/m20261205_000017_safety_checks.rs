//! The safety-check sweep (安否確認): one row per person and declaration with the latest
//! status (`safety_checks`), and every attempt (`safety_attempts`, unique per client key so a
//! resubmitted form records once).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SafetyChecks {
    Table,
    DeclarationId,
    PersonId,
    Status,
    Attempts,
    LastAt,
    LastBy,
    LastSeq,
}

#[derive(DeriveIden)]
enum SafetyAttempts {
    Table,
    Id,
    DeclarationId,
    PersonId,
    Status,
    Method,
    Note,
    ByLogin,
    ByOrganisation,
    At,
    ClientKey,
}

#[derive(DeriveIden)]
enum DisasterDeclarations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Persons {
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
                .table(SafetyChecks::Table)
                .col(uuid(SafetyChecks::DeclarationId))
                .col(uuid(SafetyChecks::PersonId))
                .col(string_len(SafetyChecks::Status, 30))
                .col(integer(SafetyChecks::Attempts))
                .col(timestamp_with_time_zone_null(SafetyChecks::LastAt))
                .col(string_len_null(SafetyChecks::LastBy, 300))
                .col(big_integer_null(SafetyChecks::LastSeq))
                .primary_key(
                    Index::create()
                        .col(SafetyChecks::DeclarationId)
                        .col(SafetyChecks::PersonId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_safety_check_declaration")
                        .from(SafetyChecks::Table, SafetyChecks::DeclarationId)
                        .to(DisasterDeclarations::Table, DisasterDeclarations::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_safety_check_person")
                        .from(SafetyChecks::Table, SafetyChecks::PersonId)
                        .to(Persons::Table, Persons::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SafetyAttempts::Table)
                .col(pk_uuid(SafetyAttempts::Id))
                .col(uuid(SafetyAttempts::DeclarationId))
                .col(uuid(SafetyAttempts::PersonId))
                .col(string_len(SafetyAttempts::Status, 30))
                .col(string_len(SafetyAttempts::Method, 30))
                .col(string_len_null(SafetyAttempts::Note, 500))
                .col(string_len(SafetyAttempts::ByLogin, 100))
                .col(string_len(SafetyAttempts::ByOrganisation, 200))
                .col(timestamp_with_time_zone(SafetyAttempts::At))
                .col(string_len(SafetyAttempts::ClientKey, 64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_safety_attempt_key")
                .table(SafetyAttempts::Table)
                .col(SafetyAttempts::ClientKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_safety_attempt_person")
                .table(SafetyAttempts::Table)
                .col(SafetyAttempts::DeclarationId)
                .col(SafetyAttempts::PersonId)
                .to_owned(),
        )
        .await
    }
}
