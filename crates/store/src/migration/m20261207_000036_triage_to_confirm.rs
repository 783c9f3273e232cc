//! Questions the decision flow could not answer (要確認): the stored result names them, so the
//! roster can be filtered to the people waiting for a 民生委員's or 自治会's answer.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TriageResults {
    Table,
    ToConfirm,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut col = string_null(TriageResults::ToConfirm).to_owned();
        m.alter_table(
            Table::alter()
                .table(TriageResults::Table)
                .add_column(&mut col)
                .to_owned(),
        )
        .await
    }
}
