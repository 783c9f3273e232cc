//! A municipality may keep roster-only receivers without plans in a disaster (not using
//! 49-15(3)'s widening for them).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LegalBases {
    Table,
    RosterOnlyStaysInDisasters,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut col = boolean(LegalBases::RosterOnlyStaysInDisasters)
            .default(false)
            .to_owned();
        m.alter_table(
            Table::alter()
                .table(LegalBases::Table)
                .add_column(&mut col)
                .to_owned(),
        )
        .await
    }
}
