//! Consent details: when, how and by whom consent was obtained (同意の取得日・方法・取得者).
//! SQLite adds one column per statement.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Consents {
    Table,
    ObtainedOn,
    Method,
    ObtainedBy,
    Note,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            date_null(Consents::ObtainedOn),
            string_len_null(Consents::Method, 20),
            string_len_null(Consents::ObtainedBy, 100),
            text_null(Consents::Note),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(Consents::Table)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
