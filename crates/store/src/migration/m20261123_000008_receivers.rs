//! Receivers (提供先) with their districts and what they receive; why each share exists;
//! the review interval per municipality; coordination meetings (調整会議).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PersonShares {
    Table,
    PersonId,
    OrganisationId,
    Source,
    IncludesPlan,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    ReviewIntervalMonths,
}

#[derive(DeriveIden)]
enum Receivers {
    Table,
    OrganisationId,
    MunicipalityId,
    DistrictField,
    Districts,
    IncludesPlan,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CoordinationMeetings {
    Table,
    Id,
    PersonId,
    HeldOn,
    Place,
    Attendees,
    DestinationAndRoute,
    Timing,
    Roles,
    Notes,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
}

async fn add_column(
    m: &SchemaManager<'_>,
    table: impl IntoIden,
    mut col: ColumnDef,
) -> Result<(), DbErr> {
    // SQLite takes one ADD COLUMN per statement.
    m.alter_table(Table::alter().table(table).add_column(&mut col).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            m,
            PersonShares::Table,
            string_len(PersonShares::Source, 20)
                .default("manual")
                .to_owned(),
        )
        .await?;
        add_column(
            m,
            PersonShares::Table,
            boolean(PersonShares::IncludesPlan).default(true).to_owned(),
        )
        .await?;
        // One share per person, organisation and reason: an organisation may be both the
        // district's receiver and the assignee.
        m.drop_index(
            Index::drop()
                .name("ux_shares_person_org")
                .table(PersonShares::Table)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_shares_person_org_source")
                .table(PersonShares::Table)
                .col(PersonShares::PersonId)
                .col(PersonShares::OrganisationId)
                .col(PersonShares::Source)
                .unique()
                .to_owned(),
        )
        .await?;
        add_column(
            m,
            Organisations::Table,
            integer(Organisations::ReviewIntervalMonths)
                .default(12)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Receivers::Table)
                .col(pk_uuid(Receivers::OrganisationId))
                .col(uuid(Receivers::MunicipalityId))
                .col(string_len(Receivers::DistrictField, 20))
                .col(text(Receivers::Districts))
                .col(boolean(Receivers::IncludesPlan))
                .col(integer(Receivers::Version))
                .col(timestamp_with_time_zone(Receivers::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_receiver_organisation")
                        .from(Receivers::Table, Receivers::OrganisationId)
                        .to(Organisations::Table, Organisations::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CoordinationMeetings::Table)
                .col(pk_uuid(CoordinationMeetings::Id))
                .col(uuid(CoordinationMeetings::PersonId))
                .col(date(CoordinationMeetings::HeldOn))
                .col(string_len(CoordinationMeetings::Place, 200))
                .col(text(CoordinationMeetings::Attendees))
                .col(text(CoordinationMeetings::DestinationAndRoute))
                .col(text(CoordinationMeetings::Timing))
                .col(text(CoordinationMeetings::Roles))
                .col(text_null(CoordinationMeetings::Notes))
                .col(string_len(CoordinationMeetings::RecordedBy, 200))
                .col(timestamp_with_time_zone(CoordinationMeetings::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_meeting_person")
                        .from(CoordinationMeetings::Table, CoordinationMeetings::PersonId)
                        .to(Persons::Table, Persons::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_meetings_person")
                .table(CoordinationMeetings::Table)
                .col(CoordinationMeetings::PersonId)
                .to_owned(),
        )
        .await
    }
}
