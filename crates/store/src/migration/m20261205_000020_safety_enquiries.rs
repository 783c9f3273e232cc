//! Enquiries about a person's safety (安否情報): the person's agreement per declaration
//! (`safety_info_consents`) and every answer given (`safety_enquiries`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SafetyInfoConsents {
    Table,
    DeclarationId,
    PersonId,
    Relatives,
    Acquaintances,
    Others,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum SafetyEnquiries {
    Table,
    Id,
    DeclarationId,
    PersonId,
    EnquirerName,
    Relation,
    Answered,
    Answer,
    AnsweredBy,
    AnsweredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SafetyInfoConsents::Table)
                .col(uuid(SafetyInfoConsents::DeclarationId))
                .col(uuid(SafetyInfoConsents::PersonId))
                .col(boolean(SafetyInfoConsents::Relatives))
                .col(boolean(SafetyInfoConsents::Acquaintances))
                .col(boolean(SafetyInfoConsents::Others))
                .col(string_len(SafetyInfoConsents::RecordedBy, 100))
                .col(timestamp_with_time_zone(SafetyInfoConsents::RecordedAt))
                .primary_key(
                    Index::create()
                        .col(SafetyInfoConsents::DeclarationId)
                        .col(SafetyInfoConsents::PersonId),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SafetyEnquiries::Table)
                .col(pk_uuid(SafetyEnquiries::Id))
                .col(uuid(SafetyEnquiries::DeclarationId))
                .col(uuid(SafetyEnquiries::PersonId))
                .col(string_len(SafetyEnquiries::EnquirerName, 100))
                .col(string_len(SafetyEnquiries::Relation, 20))
                .col(boolean(SafetyEnquiries::Answered))
                .col(string_len(SafetyEnquiries::Answer, 300))
                .col(string_len(SafetyEnquiries::AnsweredBy, 100))
                .col(timestamp_with_time_zone(SafetyEnquiries::AnsweredAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_safety_enquiry_person")
                .table(SafetyEnquiries::Table)
                .col(SafetyEnquiries::DeclarationId)
                .col(SafetyEnquiries::PersonId)
                .to_owned(),
        )
        .await
    }
}
