//! Receipts of the full roster handed to fire and police during a declaration (受領記録): who
//! received it for which organisation, when, under which declaration, how many people.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RosterReceipts {
    Table,
    Id,
    MunicipalityId,
    DeclarationId,
    OrganisationId,
    ReceivedBy,
    ReceivedAt,
    Persons,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RosterReceipts::Table)
                .col(pk_uuid(RosterReceipts::Id))
                .col(uuid(RosterReceipts::MunicipalityId))
                .col(uuid(RosterReceipts::DeclarationId))
                .col(uuid(RosterReceipts::OrganisationId))
                .col(string_len(RosterReceipts::ReceivedBy, 100))
                .col(timestamp_with_time_zone(RosterReceipts::ReceivedAt))
                .col(integer(RosterReceipts::Persons))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_roster_receipts_declaration")
                .table(RosterReceipts::Table)
                .col(RosterReceipts::DeclarationId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RosterReceipts::Table).to_owned())
            .await
    }
}
