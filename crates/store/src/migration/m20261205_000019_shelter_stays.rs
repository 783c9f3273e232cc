//! Shelters in operation (避難所の開設・運営): a shelter opened for a declaration
//! (`shelter_openings`, with the shelter's name copied: shelter lists are re-imported) and the
//! evacuees' stays (`shelter_stays`: in, out, needs, a transfer to a 福祉避難所).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ShelterOpenings {
    Table,
    Id,
    MunicipalityId,
    DeclarationId,
    ShelterId,
    ShelterName,
    Welfare,
    Capacity,
    OpenedAt,
    OpenedBy,
    ClosedAt,
    ClosedBy,
    Version,
}

#[derive(DeriveIden)]
enum ShelterStays {
    Table,
    Id,
    OpeningId,
    PersonId,
    Needs,
    Note,
    CheckedInAt,
    CheckedInBy,
    CheckedOutAt,
    CheckedOutBy,
    TransferredTo,
}

#[derive(DeriveIden)]
enum DisasterDeclarations {
    Table,
    Id,
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
                .table(ShelterOpenings::Table)
                .col(pk_uuid(ShelterOpenings::Id))
                .col(uuid(ShelterOpenings::MunicipalityId))
                .col(uuid(ShelterOpenings::DeclarationId))
                .col(uuid(ShelterOpenings::ShelterId))
                .col(string_len(ShelterOpenings::ShelterName, 200))
                .col(boolean(ShelterOpenings::Welfare))
                .col(integer(ShelterOpenings::Capacity))
                .col(timestamp_with_time_zone(ShelterOpenings::OpenedAt))
                .col(string_len(ShelterOpenings::OpenedBy, 100))
                .col(timestamp_with_time_zone_null(ShelterOpenings::ClosedAt))
                .col(string_len_null(ShelterOpenings::ClosedBy, 100))
                .col(integer(ShelterOpenings::Version))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_shelter_opening_declaration")
                        .from(ShelterOpenings::Table, ShelterOpenings::DeclarationId)
                        .to(DisasterDeclarations::Table, DisasterDeclarations::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_shelter_opening_declaration")
                .table(ShelterOpenings::Table)
                .col(ShelterOpenings::DeclarationId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ShelterStays::Table)
                .col(pk_uuid(ShelterStays::Id))
                .col(uuid(ShelterStays::OpeningId))
                .col(uuid(ShelterStays::PersonId))
                .col(text(ShelterStays::Needs))
                .col(string_len_null(ShelterStays::Note, 500))
                .col(timestamp_with_time_zone(ShelterStays::CheckedInAt))
                .col(string_len(ShelterStays::CheckedInBy, 100))
                .col(timestamp_with_time_zone_null(ShelterStays::CheckedOutAt))
                .col(string_len_null(ShelterStays::CheckedOutBy, 100))
                .col(uuid_null(ShelterStays::TransferredTo))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_shelter_stay_opening")
                        .from(ShelterStays::Table, ShelterStays::OpeningId)
                        .to(ShelterOpenings::Table, ShelterOpenings::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_shelter_stay_person")
                        .from(ShelterStays::Table, ShelterStays::PersonId)
                        .to(Persons::Table, Persons::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_shelter_stay_opening")
                .table(ShelterStays::Table)
                .col(ShelterStays::OpeningId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_shelter_stay_person")
                .table(ShelterStays::Table)
                .col(ShelterStays::PersonId)
                .to_owned(),
        )
        .await
    }
}
