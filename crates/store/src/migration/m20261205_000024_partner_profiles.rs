//! The partner directory: per municipality and organisation, its profile (fields, area,
//! contact, agreement) as JSON.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PartnerProfiles {
    Table,
    MunicipalityId,
    OrganisationId,
    Profile,
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
                .table(PartnerProfiles::Table)
                .col(uuid(PartnerProfiles::MunicipalityId))
                .col(uuid(PartnerProfiles::OrganisationId))
                .col(text(PartnerProfiles::Profile))
                .col(string_len(PartnerProfiles::UpdatedBy, 100))
                .col(timestamp_with_time_zone(PartnerProfiles::UpdatedAt))
                .primary_key(
                    Index::create()
                        .col(PartnerProfiles::MunicipalityId)
                        .col(PartnerProfiles::OrganisationId),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PartnerProfiles::Table).to_owned())
            .await
    }
}
