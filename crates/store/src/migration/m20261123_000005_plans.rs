//! Individual evacuation plans (個別避難計画): every saved version is a row.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EvacuationPlans {
    Table,
    Id,
    PersonId,
    Version,
    Content,
    Author,
    AuthorOrganisation,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(EvacuationPlans::Table)
                .col(pk_uuid(EvacuationPlans::Id))
                .col(uuid(EvacuationPlans::PersonId))
                .col(integer(EvacuationPlans::Version))
                .col(text(EvacuationPlans::Content))
                .col(string_len(EvacuationPlans::Author, 100))
                .col(string_len(EvacuationPlans::AuthorOrganisation, 200))
                .col(timestamp_with_time_zone(EvacuationPlans::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_plan_person")
                        .from(EvacuationPlans::Table, EvacuationPlans::PersonId)
                        .to(Persons::Table, Persons::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_plan_version")
                .table(EvacuationPlans::Table)
                .col(EvacuationPlans::PersonId)
                .col(EvacuationPlans::Version)
                .unique()
                .to_owned(),
        )
        .await
    }
}
