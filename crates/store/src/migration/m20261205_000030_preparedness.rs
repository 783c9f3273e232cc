//! Training, briefings and drills (研修・説明会・避難訓練): the guide's STEP 1 and STEP 5.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PreparednessActivities {
    Table,
    Id,
    MunicipalityId,
    Kind,
    HeldOn,
    Body,
    RecordedBy,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PreparednessActivities::Table)
                .col(pk_uuid(PreparednessActivities::Id))
                .col(uuid(PreparednessActivities::MunicipalityId))
                .col(string_len(PreparednessActivities::Kind, 20))
                .col(date(PreparednessActivities::HeldOn))
                .col(text(PreparednessActivities::Body))
                .col(string_len(PreparednessActivities::RecordedBy, 100))
                .col(timestamp_with_time_zone(PreparednessActivities::RecordedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_preparedness_municipality")
                .table(PreparednessActivities::Table)
                .col(PreparednessActivities::MunicipalityId)
                .col(PreparednessActivities::HeldOn)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(PreparednessActivities::Table)
                .to_owned(),
        )
        .await
    }
}
