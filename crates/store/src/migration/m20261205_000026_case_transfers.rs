//! Wide-area evacuees: a case's owner (the municipality or prefecture managing it, which a
//! transfer changes; the household's records stay with the municipality of the disaster) and
//! the organisations it is shared with (`case_shares`, kept in step with the case's body).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    OwnerId,
    MunicipalityId,
}

#[derive(DeriveIden)]
enum CaseShares {
    Table,
    CaseId,
    OrganisationId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .add_column(uuid_null(Cases::OwnerId))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::update()
                .table(Cases::Table)
                .value(Cases::OwnerId, Expr::col(Cases::MunicipalityId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_cases_owner")
                .table(Cases::Table)
                .col(Cases::OwnerId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CaseShares::Table)
                .col(uuid(CaseShares::CaseId))
                .col(uuid(CaseShares::OrganisationId))
                .primary_key(
                    Index::create()
                        .col(CaseShares::CaseId)
                        .col(CaseShares::OrganisationId),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_case_shares_org")
                .table(CaseShares::Table)
                .col(CaseShares::OrganisationId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CaseShares::Table).to_owned())
            .await?;
        m.drop_index(
            Index::drop()
                .name("ix_cases_owner")
                .table(Cases::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Cases::Table)
                .drop_column(Cases::OwnerId)
                .to_owned(),
        )
        .await
    }
}
