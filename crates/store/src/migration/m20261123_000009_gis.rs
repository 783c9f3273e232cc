//! Geography: imported layers (hazard maps, address reference points, shelter lists) with
//! their versions; hazard zones; shelters; each person's home location and classified
//! hazards; the municipality's evacuation-timing settings (walking speeds, tsunami arrival).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum GisLayers {
    Table,
    Id,
    MunicipalityId,
    LayerType,
    Name,
    Dataset,
    HazardKind,
    Version,
    FileName,
    ItemCount,
    ImportedBy,
    ImportedAt,
}

#[derive(DeriveIden)]
enum HazardZones {
    Table,
    LayerId,
    Seq,
    HazardKind,
    Severity,
    Label,
    MinLon,
    MinLat,
    MaxLon,
    MaxLat,
    Geometry,
}

#[derive(DeriveIden)]
enum AddressPoints {
    Table,
    LayerId,
    Seq,
    Level,
    Prefecture,
    City,
    Town,
    Koaza,
    Block,
    Lon,
    Lat,
}

#[derive(DeriveIden)]
enum Shelters {
    Table,
    Id,
    MunicipalityId,
    LayerId,
    ExternalId,
    Name,
    NameKana,
    Address,
    Lon,
    Lat,
    Suits,
    EmergencyPlace,
    Shelter,
    Welfare,
    Capacity,
    CapacityText,
    Phone,
    Communities,
    Note,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PersonLocations {
    Table,
    PersonId,
    Lon,
    Lat,
    Level,
    Matched,
    LocatedAt,
    Version,
}

#[derive(DeriveIden)]
enum PersonHazards {
    Table,
    PersonId,
    HazardKind,
    Severity,
    Label,
    LayerId,
    ClassifiedAt,
}

#[derive(DeriveIden)]
enum GisSettings {
    Table,
    MunicipalityId,
    Settings,
    Version,
    UpdatedAt,
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
                .table(GisLayers::Table)
                .col(pk_uuid(GisLayers::Id))
                .col(uuid(GisLayers::MunicipalityId))
                .col(string_len(GisLayers::LayerType, 20))
                .col(string_len(GisLayers::Name, 200))
                .col(string_len(GisLayers::Dataset, 40))
                .col(string_len_null(GisLayers::HazardKind, 20))
                .col(integer(GisLayers::Version))
                .col(string_len(GisLayers::FileName, 300))
                .col(integer(GisLayers::ItemCount))
                .col(string_len(GisLayers::ImportedBy, 200))
                .col(timestamp_with_time_zone(GisLayers::ImportedAt))
                .to_owned(),
        )
        .await?;
        // A layer is identified by its name within the municipality: re-importing replaces it.
        m.create_index(
            Index::create()
                .name("ux_gis_layers_name")
                .table(GisLayers::Table)
                .col(GisLayers::MunicipalityId)
                .col(GisLayers::Name)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(HazardZones::Table)
                .col(uuid(HazardZones::LayerId))
                .col(integer(HazardZones::Seq))
                .col(string_len(HazardZones::HazardKind, 20))
                .col(text(HazardZones::Severity))
                .col(string_len(HazardZones::Label, 100))
                .col(double(HazardZones::MinLon))
                .col(double(HazardZones::MinLat))
                .col(double(HazardZones::MaxLon))
                .col(double(HazardZones::MaxLat))
                .col(text(HazardZones::Geometry))
                .primary_key(
                    Index::create()
                        .col(HazardZones::LayerId)
                        .col(HazardZones::Seq),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_zone_layer")
                        .from(HazardZones::Table, HazardZones::LayerId)
                        .to(GisLayers::Table, GisLayers::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AddressPoints::Table)
                .col(uuid(AddressPoints::LayerId))
                .col(integer(AddressPoints::Seq))
                .col(string_len(AddressPoints::Level, 10))
                .col(string_len(AddressPoints::Prefecture, 20))
                .col(string_len(AddressPoints::City, 50))
                .col(string_len(AddressPoints::Town, 100))
                .col(string_len_null(AddressPoints::Koaza, 100))
                .col(string_len_null(AddressPoints::Block, 50))
                .col(double(AddressPoints::Lon))
                .col(double(AddressPoints::Lat))
                .primary_key(
                    Index::create()
                        .col(AddressPoints::LayerId)
                        .col(AddressPoints::Seq),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_address_point_layer")
                        .from(AddressPoints::Table, AddressPoints::LayerId)
                        .to(GisLayers::Table, GisLayers::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Shelters::Table)
                .col(pk_uuid(Shelters::Id))
                .col(uuid(Shelters::MunicipalityId))
                .col(uuid_null(Shelters::LayerId))
                .col(string_len_null(Shelters::ExternalId, 50))
                .col(string_len(Shelters::Name, 200))
                .col(string_len_null(Shelters::NameKana, 200))
                .col(string_len(Shelters::Address, 300))
                .col(double(Shelters::Lon))
                .col(double(Shelters::Lat))
                .col(text(Shelters::Suits))
                .col(boolean(Shelters::EmergencyPlace))
                .col(boolean(Shelters::Shelter))
                .col(boolean(Shelters::Welfare))
                .col(integer_null(Shelters::Capacity))
                .col(string_len_null(Shelters::CapacityText, 100))
                .col(string_len_null(Shelters::Phone, 50))
                .col(text(Shelters::Communities))
                .col(text_null(Shelters::Note))
                .col(integer(Shelters::Version))
                .col(timestamp_with_time_zone(Shelters::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_shelters_municipality")
                .table(Shelters::Table)
                .col(Shelters::MunicipalityId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PersonLocations::Table)
                .col(pk_uuid(PersonLocations::PersonId))
                .col(double(PersonLocations::Lon))
                .col(double(PersonLocations::Lat))
                .col(string_len(PersonLocations::Level, 10))
                .col(string_len_null(PersonLocations::Matched, 300))
                .col(timestamp_with_time_zone(PersonLocations::LocatedAt))
                .col(integer(PersonLocations::Version))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_location_person")
                        .from(PersonLocations::Table, PersonLocations::PersonId)
                        .to(Persons::Table, Persons::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PersonHazards::Table)
                .col(uuid(PersonHazards::PersonId))
                .col(string_len(PersonHazards::HazardKind, 20))
                .col(text(PersonHazards::Severity))
                .col(string_len(PersonHazards::Label, 100))
                .col(uuid(PersonHazards::LayerId))
                .col(timestamp_with_time_zone(PersonHazards::ClassifiedAt))
                .primary_key(
                    Index::create()
                        .col(PersonHazards::PersonId)
                        .col(PersonHazards::HazardKind),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_hazard_person")
                        .from(PersonHazards::Table, PersonHazards::PersonId)
                        .to(Persons::Table, Persons::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(GisSettings::Table)
                .col(pk_uuid(GisSettings::MunicipalityId))
                .col(text(GisSettings::Settings))
                .col(integer(GisSettings::Version))
                .col(timestamp_with_time_zone(GisSettings::UpdatedAt))
                .to_owned(),
        )
        .await
    }
}
