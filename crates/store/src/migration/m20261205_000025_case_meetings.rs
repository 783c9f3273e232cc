//! Case meetings (ケース会議) and their tasks: the meeting (state, day, body as JSON with a
//! version), the organisations invited and the cases on the agenda (so that a participant's
//! access and a case's meetings are one indexed lookup), the tasks decided (state, due date,
//! body with the claims) and the organisations holding a claim on each.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CaseMeetings {
    Table,
    Id,
    MunicipalityId,
    DeclarationId,
    State,
    MeetingOn,
    Body,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CaseMeetingParticipants {
    Table,
    MeetingId,
    OrganisationId,
}

#[derive(DeriveIden)]
enum CaseMeetingCases {
    Table,
    MeetingId,
    CaseId,
}

#[derive(DeriveIden)]
enum CaseTasks {
    Table,
    Id,
    MunicipalityId,
    CaseId,
    MeetingId,
    State,
    DueOn,
    Body,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CaseTaskClaims {
    Table,
    TaskId,
    OrganisationId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CaseMeetings::Table)
                .col(pk_uuid(CaseMeetings::Id))
                .col(uuid(CaseMeetings::MunicipalityId))
                .col(uuid(CaseMeetings::DeclarationId))
                .col(string_len(CaseMeetings::State, 20))
                .col(date(CaseMeetings::MeetingOn))
                .col(text(CaseMeetings::Body))
                .col(integer(CaseMeetings::Version))
                .col(timestamp_with_time_zone(CaseMeetings::CreatedAt))
                .col(timestamp_with_time_zone(CaseMeetings::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_case_meetings_municipality")
                .table(CaseMeetings::Table)
                .col(CaseMeetings::MunicipalityId)
                .col(CaseMeetings::MeetingOn)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CaseMeetingParticipants::Table)
                .col(uuid(CaseMeetingParticipants::MeetingId))
                .col(uuid(CaseMeetingParticipants::OrganisationId))
                .primary_key(
                    Index::create()
                        .col(CaseMeetingParticipants::MeetingId)
                        .col(CaseMeetingParticipants::OrganisationId),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_case_meeting_participants_org")
                .table(CaseMeetingParticipants::Table)
                .col(CaseMeetingParticipants::OrganisationId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CaseMeetingCases::Table)
                .col(uuid(CaseMeetingCases::MeetingId))
                .col(uuid(CaseMeetingCases::CaseId))
                .primary_key(
                    Index::create()
                        .col(CaseMeetingCases::MeetingId)
                        .col(CaseMeetingCases::CaseId),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_case_meeting_cases_case")
                .table(CaseMeetingCases::Table)
                .col(CaseMeetingCases::CaseId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CaseTasks::Table)
                .col(pk_uuid(CaseTasks::Id))
                .col(uuid(CaseTasks::MunicipalityId))
                .col(uuid(CaseTasks::CaseId))
                .col(uuid_null(CaseTasks::MeetingId))
                .col(string_len(CaseTasks::State, 20))
                .col(date_null(CaseTasks::DueOn))
                .col(text(CaseTasks::Body))
                .col(integer(CaseTasks::Version))
                .col(timestamp_with_time_zone(CaseTasks::CreatedAt))
                .col(timestamp_with_time_zone(CaseTasks::UpdatedAt))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_case_tasks_case", CaseTasks::CaseId),
            ("ix_case_tasks_meeting", CaseTasks::MeetingId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(CaseTasks::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(CaseTaskClaims::Table)
                .col(uuid(CaseTaskClaims::TaskId))
                .col(uuid(CaseTaskClaims::OrganisationId))
                .primary_key(
                    Index::create()
                        .col(CaseTaskClaims::TaskId)
                        .col(CaseTaskClaims::OrganisationId),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_case_task_claims_org")
                .table(CaseTaskClaims::Table)
                .col(CaseTaskClaims::OrganisationId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CaseTaskClaims::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(CaseTasks::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(CaseMeetingCases::Table).to_owned())
            .await?;
        m.drop_table(
            Table::drop()
                .table(CaseMeetingParticipants::Table)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(CaseMeetings::Table).to_owned())
            .await
    }
}
