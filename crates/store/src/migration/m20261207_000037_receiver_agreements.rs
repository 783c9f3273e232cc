//! Agreements with receivers (協定・誓約書) and the municipality's choice to require one before
//! anything is provided in normal times.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReceiverAgreements {
    Table,
    Id,
    MunicipalityId,
    OrganisationId,
    Kind,
    ConcludedOn,
    ExpiresOn,
    Scope,
    FileReference,
    EndedOn,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum LegalBases {
    Table,
    AgreementsRequired,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReceiverAgreements::Table)
                .col(pk_uuid(ReceiverAgreements::Id))
                .col(uuid(ReceiverAgreements::MunicipalityId))
                .col(uuid(ReceiverAgreements::OrganisationId))
                .col(string_len(ReceiverAgreements::Kind, 20))
                .col(date(ReceiverAgreements::ConcludedOn))
                .col(date_null(ReceiverAgreements::ExpiresOn))
                .col(text(ReceiverAgreements::Scope))
                .col(text_null(ReceiverAgreements::FileReference))
                .col(date_null(ReceiverAgreements::EndedOn))
                .col(string_len(ReceiverAgreements::RecordedBy, 100))
                .col(timestamp_with_time_zone(ReceiverAgreements::RecordedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_receiver_agreements_organisation")
                .table(ReceiverAgreements::Table)
                .col(ReceiverAgreements::OrganisationId)
                .col(ReceiverAgreements::MunicipalityId)
                .to_owned(),
        )
        .await?;
        let mut col = boolean(LegalBases::AgreementsRequired)
            .default(false)
            .to_owned();
        m.alter_table(
            Table::alter()
                .table(LegalBases::Table)
                .add_column(&mut col)
                .to_owned(),
        )
        .await
    }
}
