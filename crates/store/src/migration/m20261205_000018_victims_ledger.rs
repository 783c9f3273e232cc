//! The victims' ledger (被災者台帳) and damage certificates (罹災証明): ledgers per household
//! and declaration (`victim_ledgers`, the ledger's own items as JSON), provisions to others
//! (`ledger_disclosures`), registered 被災者援護協力団体 (`ledger_partners`), certificate
//! applications (`damage_applications`), surveys (`damage_surveys`, append-only), photographs
//! (`damage_survey_photos`), issued certificates (`damage_certificates`, append-only: a
//! re-issue is a new row) and each municipality's survey settings (`damage_settings`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum VictimLedgers {
    Table,
    Id,
    MunicipalityId,
    DeclarationId,
    HouseholdId,
    Body,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LedgerDisclosures {
    Table,
    Id,
    LedgerId,
    Basis,
    ReceiverId,
    Items,
    Purpose,
    DisclosedOn,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum LedgerPartners {
    Table,
    MunicipalityId,
    OrganisationId,
    RegistrationNo,
    RegisteredOn,
}

#[derive(DeriveIden)]
enum DamageApplications {
    Table,
    Id,
    MunicipalityId,
    DeclarationId,
    HouseholdId,
    ApplicantName,
    ApplicantRelation,
    ApplicantPhone,
    Cause,
    Location,
    AppliedOn,
    State,
    ResurveyRequestedOn,
    ResurveyReason,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DamageSurveys {
    Table,
    Id,
    ApplicationId,
    Kind,
    SurveyedOn,
    Surveyors,
    RatioTenths,
    Collapsed,
    Level,
    Notes,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum DamageSurveyPhotos {
    Table,
    Id,
    SurveyId,
    ContentType,
    Bytes,
    Size,
    UploadedAt,
}

#[derive(DeriveIden)]
enum DamageCertificates {
    Table,
    Id,
    ApplicationId,
    MunicipalityId,
    Number,
    IssuedOn,
    Level,
    SurveyId,
    Reissue,
    IssuedBy,
    IssuedAt,
}

#[derive(DeriveIden)]
enum DamageSettings {
    Table,
    MunicipalityId,
    SelfAssessmentAllowed,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DisasterDeclarations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Households {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
    MunicipalityId,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A resident import reads a whole city's residents in pages by id.
        m.create_index(
            Index::create()
                .name("ix_person_municipality_id")
                .table(Persons::Table)
                .col(Persons::MunicipalityId)
                .col(Persons::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(VictimLedgers::Table)
                .col(pk_uuid(VictimLedgers::Id))
                .col(uuid(VictimLedgers::MunicipalityId))
                .col(uuid(VictimLedgers::DeclarationId))
                .col(uuid(VictimLedgers::HouseholdId))
                .col(text(VictimLedgers::Body))
                .col(integer(VictimLedgers::Version))
                .col(timestamp_with_time_zone(VictimLedgers::CreatedAt))
                .col(timestamp_with_time_zone(VictimLedgers::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_victim_ledger_declaration",
                    (VictimLedgers::Table, VictimLedgers::DeclarationId),
                    (DisasterDeclarations::Table, DisasterDeclarations::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_victim_ledger_household",
                    (VictimLedgers::Table, VictimLedgers::HouseholdId),
                    (Households::Table, Households::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_victim_ledger_household")
                .table(VictimLedgers::Table)
                .col(VictimLedgers::DeclarationId)
                .col(VictimLedgers::HouseholdId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LedgerDisclosures::Table)
                .col(pk_uuid(LedgerDisclosures::Id))
                .col(uuid(LedgerDisclosures::LedgerId))
                .col(string_len(LedgerDisclosures::Basis, 30))
                .col(uuid(LedgerDisclosures::ReceiverId))
                .col(text(LedgerDisclosures::Items))
                .col(string_len(LedgerDisclosures::Purpose, 500))
                .col(date(LedgerDisclosures::DisclosedOn))
                .col(string_len(LedgerDisclosures::RecordedBy, 100))
                .col(timestamp_with_time_zone(LedgerDisclosures::RecordedAt))
                .foreign_key(&mut fk(
                    "fk_ledger_disclosure_ledger",
                    (LedgerDisclosures::Table, LedgerDisclosures::LedgerId),
                    (VictimLedgers::Table, VictimLedgers::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_ledger_disclosure_receiver")
                .table(LedgerDisclosures::Table)
                .col(LedgerDisclosures::ReceiverId)
                .col(LedgerDisclosures::LedgerId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LedgerPartners::Table)
                .col(uuid(LedgerPartners::MunicipalityId))
                .col(uuid(LedgerPartners::OrganisationId))
                .col(string_len(LedgerPartners::RegistrationNo, 50))
                .col(date(LedgerPartners::RegisteredOn))
                .primary_key(
                    Index::create()
                        .col(LedgerPartners::MunicipalityId)
                        .col(LedgerPartners::OrganisationId),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DamageApplications::Table)
                .col(pk_uuid(DamageApplications::Id))
                .col(uuid(DamageApplications::MunicipalityId))
                .col(uuid(DamageApplications::DeclarationId))
                .col(uuid(DamageApplications::HouseholdId))
                .col(string_len(DamageApplications::ApplicantName, 100))
                .col(string_len(DamageApplications::ApplicantRelation, 20))
                .col(string_len_null(DamageApplications::ApplicantPhone, 30))
                .col(string_len(DamageApplications::Cause, 200))
                .col(string_len(DamageApplications::Location, 200))
                .col(date(DamageApplications::AppliedOn))
                .col(string_len(DamageApplications::State, 30))
                .col(date_null(DamageApplications::ResurveyRequestedOn))
                .col(string_len_null(DamageApplications::ResurveyReason, 500))
                .col(integer(DamageApplications::Version))
                .col(timestamp_with_time_zone(DamageApplications::CreatedAt))
                .col(timestamp_with_time_zone(DamageApplications::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_damage_application_declaration",
                    (DamageApplications::Table, DamageApplications::DeclarationId),
                    (DisasterDeclarations::Table, DisasterDeclarations::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_damage_application_household",
                    (DamageApplications::Table, DamageApplications::HouseholdId),
                    (Households::Table, Households::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_damage_application_household")
                .table(DamageApplications::Table)
                .col(DamageApplications::DeclarationId)
                .col(DamageApplications::HouseholdId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DamageSurveys::Table)
                .col(pk_uuid(DamageSurveys::Id))
                .col(uuid(DamageSurveys::ApplicationId))
                .col(string_len(DamageSurveys::Kind, 30))
                .col(date(DamageSurveys::SurveyedOn))
                .col(text(DamageSurveys::Surveyors))
                .col(integer_null(DamageSurveys::RatioTenths))
                .col(boolean(DamageSurveys::Collapsed))
                .col(string_len(DamageSurveys::Level, 20))
                .col(text_null(DamageSurveys::Notes))
                .col(string_len(DamageSurveys::RecordedBy, 100))
                .col(timestamp_with_time_zone(DamageSurveys::RecordedAt))
                .foreign_key(&mut fk(
                    "fk_damage_survey_application",
                    (DamageSurveys::Table, DamageSurveys::ApplicationId),
                    (DamageApplications::Table, DamageApplications::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_damage_survey_application")
                .table(DamageSurveys::Table)
                .col(DamageSurveys::ApplicationId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DamageSurveyPhotos::Table)
                .col(pk_uuid(DamageSurveyPhotos::Id))
                .col(uuid(DamageSurveyPhotos::SurveyId))
                .col(string_len(DamageSurveyPhotos::ContentType, 50))
                .col(blob(DamageSurveyPhotos::Bytes))
                .col(integer(DamageSurveyPhotos::Size))
                .col(timestamp_with_time_zone(DamageSurveyPhotos::UploadedAt))
                .foreign_key(&mut fk(
                    "fk_damage_photo_survey",
                    (DamageSurveyPhotos::Table, DamageSurveyPhotos::SurveyId),
                    (DamageSurveys::Table, DamageSurveys::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DamageCertificates::Table)
                .col(pk_uuid(DamageCertificates::Id))
                .col(uuid(DamageCertificates::ApplicationId))
                .col(uuid(DamageCertificates::MunicipalityId))
                .col(string_len(DamageCertificates::Number, 40))
                .col(date(DamageCertificates::IssuedOn))
                .col(string_len(DamageCertificates::Level, 20))
                .col(uuid(DamageCertificates::SurveyId))
                .col(boolean(DamageCertificates::Reissue))
                .col(string_len(DamageCertificates::IssuedBy, 100))
                .col(timestamp_with_time_zone(DamageCertificates::IssuedAt))
                .foreign_key(&mut fk(
                    "fk_damage_certificate_application",
                    (DamageCertificates::Table, DamageCertificates::ApplicationId),
                    (DamageApplications::Table, DamageApplications::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_damage_certificate_survey",
                    (DamageCertificates::Table, DamageCertificates::SurveyId),
                    (DamageSurveys::Table, DamageSurveys::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_damage_certificate_number")
                .table(DamageCertificates::Table)
                .col(DamageCertificates::MunicipalityId)
                .col(DamageCertificates::Number)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_damage_certificate_application")
                .table(DamageCertificates::Table)
                .col(DamageCertificates::ApplicationId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DamageSettings::Table)
                .col(pk_uuid(DamageSettings::MunicipalityId))
                .col(boolean(DamageSettings::SelfAssessmentAllowed))
                .col(timestamp_with_time_zone(DamageSettings::UpdatedAt))
                .to_owned(),
        )
        .await
    }
}
