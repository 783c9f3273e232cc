//! Shelter rows edited on screen remember it (`edited_at`, `edited_by`), so re-importing the
//! published list keeps the municipality's corrections instead of silently replacing them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Shelters {
    Table,
    EditedAt,
    EditedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one ADD COLUMN per statement.
        for col in [
            timestamp_with_time_zone_null(Shelters::EditedAt),
            string_len_null(Shelters::EditedBy, 100),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(Shelters::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
