//! Who checks on whom: each person of a sweep goes to one checking organisation (or the
//! municipality's staff) by the step of the municipality's checker order that decided.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SafetyChecks {
    Table,
    DeclarationId,
    CheckerId,
    CheckerStep,
}

#[derive(DeriveIden)]
enum SafetySettings {
    Table,
    CheckerOrder,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            uuid_null(SafetyChecks::CheckerId),
            string_null(SafetyChecks::CheckerStep),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(SafetyChecks::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("ix_safety_checks_checker")
                .table(SafetyChecks::Table)
                .col(SafetyChecks::DeclarationId)
                .col(SafetyChecks::CheckerId)
                .to_owned(),
        )
        .await?;
        let mut col = string_null(SafetySettings::CheckerOrder);
        m.alter_table(
            Table::alter()
                .table(SafetySettings::Table)
                .add_column(&mut col)
                .to_owned(),
        )
        .await
    }
}
