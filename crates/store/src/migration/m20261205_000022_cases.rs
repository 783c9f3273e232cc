//! Disaster case management, first part: cases per household and declaration (`cases`: the
//! lead organisation, open or closed, and the case's body as JSON with a version) and outreach
//! visits (`outreach_visits`, append-only, before and after a case is opened).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
    MunicipalityId,
    DeclarationId,
    HouseholdId,
    LeadOrganisationId,
    Source,
    Closed,
    Body,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OutreachVisits {
    Table,
    Id,
    MunicipalityId,
    DeclarationId,
    HouseholdId,
    VisitedOn,
    Outcome,
    Visit,
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
                .table(Cases::Table)
                .col(pk_uuid(Cases::Id))
                .col(uuid(Cases::MunicipalityId))
                .col(uuid(Cases::DeclarationId))
                .col(uuid(Cases::HouseholdId))
                .col(uuid(Cases::LeadOrganisationId))
                .col(string_len(Cases::Source, 20))
                .col(boolean(Cases::Closed))
                .col(text(Cases::Body))
                .col(integer(Cases::Version))
                .col(timestamp_with_time_zone(Cases::CreatedAt))
                .col(timestamp_with_time_zone(Cases::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_case_household")
                .table(Cases::Table)
                .col(Cases::DeclarationId)
                .col(Cases::HouseholdId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_case_lead")
                .table(Cases::Table)
                .col(Cases::LeadOrganisationId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(OutreachVisits::Table)
                .col(pk_uuid(OutreachVisits::Id))
                .col(uuid(OutreachVisits::MunicipalityId))
                .col(uuid(OutreachVisits::DeclarationId))
                .col(uuid(OutreachVisits::HouseholdId))
                .col(date(OutreachVisits::VisitedOn))
                .col(string_len(OutreachVisits::Outcome, 20))
                .col(text(OutreachVisits::Visit))
                .col(string_len(OutreachVisits::RecordedBy, 100))
                .col(timestamp_with_time_zone(OutreachVisits::RecordedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_outreach_visit_household")
                .table(OutreachVisits::Table)
                .col(OutreachVisits::DeclarationId)
                .col(OutreachVisits::HouseholdId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OutreachVisits::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Cases::Table).to_owned())
            .await
    }
}
