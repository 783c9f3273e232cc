//! Departures from the roster (名簿からの削除): reason, day, note, who and when. The roster entry
//! itself is deleted; the person record stays.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RosterDepartures {
    Table,
    Id,
    PersonId,
    Reason,
    LeftOn,
    Note,
    Entry,
    RecordedBy,
    RecordedAt,
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
                .table(RosterDepartures::Table)
                .col(pk_uuid(RosterDepartures::Id))
                .col(uuid(RosterDepartures::PersonId))
                .col(string_len(RosterDepartures::Reason, 30))
                .col(date(RosterDepartures::LeftOn))
                .col(string_len_null(RosterDepartures::Note, 500))
                .col(text(RosterDepartures::Entry))
                .col(string_len(RosterDepartures::RecordedBy, 100))
                .col(timestamp_with_time_zone(RosterDepartures::RecordedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_departure_person")
                        .from(RosterDepartures::Table, RosterDepartures::PersonId)
                        .to(Persons::Table, Persons::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_departure_person")
                .table(RosterDepartures::Table)
                .col(RosterDepartures::PersonId)
                .to_owned(),
        )
        .await
    }
}
