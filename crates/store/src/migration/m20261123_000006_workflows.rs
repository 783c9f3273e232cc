//! Plan workflows: the current step per person, and every event in its history.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PlanWorkflows {
    Table,
    PersonId,
    Approach,
    Step,
    AssigneeOrganisationId,
    Assignee,
    DueDate,
    Obstacle,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PlanWorkflowEvents {
    Table,
    Id,
    PersonId,
    At,
    Actor,
    Event,
    FromStep,
    ToStep,
    Note,
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
                .table(PlanWorkflows::Table)
                .col(pk_uuid(PlanWorkflows::PersonId))
                .col(string_len(PlanWorkflows::Approach, 30))
                .col(string_len(PlanWorkflows::Step, 40))
                .col(uuid_null(PlanWorkflows::AssigneeOrganisationId))
                .col(string_len_null(PlanWorkflows::Assignee, 100))
                .col(date_null(PlanWorkflows::DueDate))
                .col(string_len_null(PlanWorkflows::Obstacle, 30))
                .col(integer(PlanWorkflows::Version))
                .col(timestamp_with_time_zone(PlanWorkflows::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_workflow_person")
                        .from(PlanWorkflows::Table, PlanWorkflows::PersonId)
                        .to(Persons::Table, Persons::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PlanWorkflowEvents::Table)
                .col(pk_uuid(PlanWorkflowEvents::Id))
                .col(uuid(PlanWorkflowEvents::PersonId))
                .col(timestamp_with_time_zone(PlanWorkflowEvents::At))
                .col(string_len(PlanWorkflowEvents::Actor, 200))
                .col(string_len(PlanWorkflowEvents::Event, 30))
                .col(string_len_null(PlanWorkflowEvents::FromStep, 40))
                .col(string_len_null(PlanWorkflowEvents::ToStep, 40))
                .col(text_null(PlanWorkflowEvents::Note))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_workflow_event_person")
                        .from(PlanWorkflowEvents::Table, PlanWorkflowEvents::PersonId)
                        .to(Persons::Table, Persons::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_workflow_events_person")
                .table(PlanWorkflowEvents::Table)
                .col(PlanWorkflowEvents::PersonId)
                .to_owned(),
        )
        .await
    }
}
