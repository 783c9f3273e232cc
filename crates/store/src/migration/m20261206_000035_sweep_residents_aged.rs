//! A declaration's sweep may reach beyond the roster: every resident of the area aged at least
//! so many years (e.g. 75+), from the resident extract.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DisasterDeclarations {
    Table,
    ResidentsAged,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut col = integer_null(DisasterDeclarations::ResidentsAged);
        m.alter_table(
            Table::alter()
                .table(DisasterDeclarations::Table)
                .add_column(&mut col)
                .to_owned(),
        )
        .await
    }
}
