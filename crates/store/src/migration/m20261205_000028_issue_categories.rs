//! The issue categories a municipality adds beside the seven of seed 000 (仕事, 心のケア …), in
//! the order its visit form shows them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IssueCategories {
    Table,
    MunicipalityId,
    Label,
    Position,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(IssueCategories::Table)
                .col(uuid(IssueCategories::MunicipalityId))
                .col(string_len(IssueCategories::Label, 60))
                .col(integer(IssueCategories::Position))
                .primary_key(
                    Index::create()
                        .col(IssueCategories::MunicipalityId)
                        .col(IssueCategories::Label),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IssueCategories::Table).to_owned())
            .await
    }
}
