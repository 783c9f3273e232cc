//! Paper lists of a sweep (紙の安否確認名簿): printed before the network goes, recorded as handed
//! out, their results entered by staff when the sheets come back.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SafetyPaperLists {
    Table,
    Id,
    DeclarationId,
    MunicipalityId,
    Number,
    CheckerId,
    Persons,
    IssuedBy,
    IssuedAt,
    EnteredBy,
    EnteredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SafetyPaperLists::Table)
                .col(pk_uuid(SafetyPaperLists::Id))
                .col(uuid(SafetyPaperLists::DeclarationId))
                .col(uuid(SafetyPaperLists::MunicipalityId))
                .col(integer(SafetyPaperLists::Number))
                .col(uuid_null(SafetyPaperLists::CheckerId))
                .col(text(SafetyPaperLists::Persons))
                .col(string(SafetyPaperLists::IssuedBy))
                .col(timestamp_with_time_zone(SafetyPaperLists::IssuedAt))
                .col(string_null(SafetyPaperLists::EnteredBy))
                .col(timestamp_with_time_zone_null(SafetyPaperLists::EnteredAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_safety_paper_lists_number")
                .table(SafetyPaperLists::Table)
                .col(SafetyPaperLists::DeclarationId)
                .col(SafetyPaperLists::Number)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SafetyPaperLists::Table).to_owned())
            .await
    }
}
