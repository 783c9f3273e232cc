//! Disaster declarations (災害の宣言): one row each, versioned; open while `closed_at` is null.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DisasterDeclarations {
    Table,
    Id,
    MunicipalityId,
    Name,
    Kind,
    Stage,
    Area,
    StartedAt,
    ClosedAt,
    DeclaredBy,
    Version,
    UpdatedAt,
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
                .table(DisasterDeclarations::Table)
                .col(pk_uuid(DisasterDeclarations::Id))
                .col(uuid(DisasterDeclarations::MunicipalityId))
                .col(string_len(DisasterDeclarations::Name, 100))
                .col(string_len(DisasterDeclarations::Kind, 20))
                .col(string_len(DisasterDeclarations::Stage, 30))
                .col(text(DisasterDeclarations::Area))
                .col(timestamp_with_time_zone(DisasterDeclarations::StartedAt))
                .col(timestamp_with_time_zone_null(
                    DisasterDeclarations::ClosedAt,
                ))
                .col(string_len(DisasterDeclarations::DeclaredBy, 100))
                .col(integer(DisasterDeclarations::Version))
                .col(timestamp_with_time_zone(DisasterDeclarations::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_declaration_municipality")
                        .from(
                            DisasterDeclarations::Table,
                            DisasterDeclarations::MunicipalityId,
                        )
                        .to(Organisations::Table, Organisations::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_declaration_open")
                .table(DisasterDeclarations::Table)
                .col(DisasterDeclarations::ClosedAt)
                .col(DisasterDeclarations::MunicipalityId)
                .to_owned(),
        )
        .await
    }
}
