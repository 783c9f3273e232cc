//! Receivers designated for disasters only (災害時のみの提供先): the definition says so and
//! its shares carry it, so normal-time access never counts them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PersonShares {
    Table,
    DisasterOnly,
}

#[derive(DeriveIden)]
enum Receivers {
    Table,
    DisasterOnly,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut col = boolean(PersonShares::DisasterOnly)
            .default(false)
            .to_owned();
        m.alter_table(
            Table::alter()
                .table(PersonShares::Table)
                .add_column(&mut col)
                .to_owned(),
        )
        .await?;
        let mut col = boolean(Receivers::DisasterOnly).default(false).to_owned();
        m.alter_table(
            Table::alter()
                .table(Receivers::Table)
                .add_column(&mut col)
                .to_owned(),
        )
        .await
    }
}
