//! Referrals from a case to an organisation (支援へのつなぎ): the state, the receiver and the body
//! (what is shared, on which basis, every step with who took it) as JSON with a version.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Referrals {
    Table,
    Id,
    MunicipalityId,
    CaseId,
    ToOrganisationId,
    State,
    Body,
    Version,
    CreatedAt,
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
                .table(Referrals::Table)
                .col(pk_uuid(Referrals::Id))
                .col(uuid(Referrals::MunicipalityId))
                .col(uuid(Referrals::CaseId))
                .col(uuid(Referrals::ToOrganisationId))
                .col(string_len(Referrals::State, 20))
                .col(text(Referrals::Body))
                .col(integer(Referrals::Version))
                .col(timestamp_with_time_zone(Referrals::CreatedAt))
                .col(timestamp_with_time_zone(Referrals::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_referral_case")
                .table(Referrals::Table)
                .col(Referrals::CaseId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_referral_receiver")
                .table(Referrals::Table)
                .col(Referrals::ToOrganisationId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Referrals::Table).to_owned())
            .await
    }
}
