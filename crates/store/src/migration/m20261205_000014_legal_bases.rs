//! Each municipality's legal basis for providing roster and plan information in normal times
//! (`legal_bases`: one row per version; the newest is in force). No row means 同意方式.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LegalBases {
    Table,
    MunicipalityId,
    Version,
    RosterBasis,
    PlanBasis,
    Ordinance,
    EffectiveFrom,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum Organisations {
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
                .table(LegalBases::Table)
                .col(uuid(LegalBases::MunicipalityId))
                .col(integer(LegalBases::Version))
                .col(string_len(LegalBases::RosterBasis, 40))
                .col(string_len(LegalBases::PlanBasis, 40))
                .col(string_len_null(LegalBases::Ordinance, 200))
                .col(date(LegalBases::EffectiveFrom))
                .col(string_len(LegalBases::RecordedBy, 100))
                .col(timestamp_with_time_zone(LegalBases::RecordedAt))
                .primary_key(
                    Index::create()
                        .col(LegalBases::MunicipalityId)
                        .col(LegalBases::Version),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_legal_basis_municipality")
                        .from(LegalBases::Table, LegalBases::MunicipalityId)
                        .to(Organisations::Table, Organisations::Id),
                )
                .to_owned(),
        )
        .await
    }
}
