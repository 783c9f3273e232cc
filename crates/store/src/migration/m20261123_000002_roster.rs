//! The roster (避難行動要支援者名簿): one entry per person on it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RosterEntries {
    Table,
    PersonId,
    Entry,
    Version,
    RegisteredAt,
    UpdatedAt,
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
                .table(RosterEntries::Table)
                .col(pk_uuid(RosterEntries::PersonId))
                .col(text(RosterEntries::Entry))
                .col(integer(RosterEntries::Version))
                .col(timestamp_with_time_zone(RosterEntries::RegisteredAt))
                .col(timestamp_with_time_zone(RosterEntries::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_roster_person")
                        .from(RosterEntries::Table, RosterEntries::PersonId)
                        .to(Persons::Table, Persons::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await
    }
}
