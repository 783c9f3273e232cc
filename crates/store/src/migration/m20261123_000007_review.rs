//! Plan review (見直し): the next review date and what changed since.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PlanWorkflows {
    Table,
    ReviewDue,
    ReviewReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            date_null(PlanWorkflows::ReviewDue),
            text_null(PlanWorkflows::ReviewReason),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(PlanWorkflows::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
