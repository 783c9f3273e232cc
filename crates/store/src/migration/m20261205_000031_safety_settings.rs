//! A municipality's own escalation time for the safety-check sweep (要対応にするまでの時間).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SafetySettings {
    Table,
    MunicipalityId,
    EscalateAfterMinutes,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SafetySettings::Table)
                .col(pk_uuid(SafetySettings::MunicipalityId))
                .col(integer(SafetySettings::EscalateAfterMinutes))
                .col(timestamp_with_time_zone(SafetySettings::UpdatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SafetySettings::Table).to_owned())
            .await
    }
}
