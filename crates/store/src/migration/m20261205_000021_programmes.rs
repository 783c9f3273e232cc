//! The support-programme catalogue's stored part: programmes a municipality adds or tops up on
//! screen (`municipal_programmes`, in the catalogue's own TOML form) and, per declaration, which
//! acts apply to the disaster (`disaster_acts`), facts every household's eligibility reads.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MunicipalProgrammes {
    Table,
    MunicipalityId,
    ProgrammeId,
    Source,
    UpdatedBy,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum DisasterActs {
    Table,
    DeclarationId,
    SupportActApplied,
    ReliefActApplied,
    CondolenceActApplies,
    UpdatedBy,
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
                .table(MunicipalProgrammes::Table)
                .col(uuid(MunicipalProgrammes::MunicipalityId))
                .col(string_len(MunicipalProgrammes::ProgrammeId, 60))
                .col(text(MunicipalProgrammes::Source))
                .col(string_len(MunicipalProgrammes::UpdatedBy, 100))
                .col(timestamp_with_time_zone(MunicipalProgrammes::UpdatedAt))
                .col(integer(MunicipalProgrammes::Version))
                .primary_key(
                    Index::create()
                        .col(MunicipalProgrammes::MunicipalityId)
                        .col(MunicipalProgrammes::ProgrammeId),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DisasterActs::Table)
                .col(pk_uuid(DisasterActs::DeclarationId))
                .col(boolean_null(DisasterActs::SupportActApplied))
                .col(boolean_null(DisasterActs::ReliefActApplied))
                .col(boolean_null(DisasterActs::CondolenceActApplies))
                .col(string_len(DisasterActs::UpdatedBy, 100))
                .col(timestamp_with_time_zone(DisasterActs::UpdatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DisasterActs::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(MunicipalProgrammes::Table).to_owned())
            .await
    }
}
