//! Lists handed out to receivers (配布した名簿): who received which list, when, with whom on
//! it; and its recall (回収・廃棄).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IssuedLists {
    Table,
    Id,
    MunicipalityId,
    OrganisationId,
    IssuedAt,
    IssuedBy,
    Format,
    Persons,
    RecalledOn,
    RecallMethod,
    RecallNote,
    RecalledBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(IssuedLists::Table)
                .col(pk_uuid(IssuedLists::Id))
                .col(uuid(IssuedLists::MunicipalityId))
                .col(uuid(IssuedLists::OrganisationId))
                .col(timestamp_with_time_zone(IssuedLists::IssuedAt))
                .col(string_len(IssuedLists::IssuedBy, 100))
                .col(string_len(IssuedLists::Format, 20))
                .col(text(IssuedLists::Persons))
                .col(date_null(IssuedLists::RecalledOn))
                .col(string_len_null(IssuedLists::RecallMethod, 20))
                .col(text_null(IssuedLists::RecallNote))
                .col(string_len_null(IssuedLists::RecalledBy, 100))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_issued_lists_organisation")
                .table(IssuedLists::Table)
                .col(IssuedLists::OrganisationId)
                .to_owned(),
        )
        .await
    }
}
