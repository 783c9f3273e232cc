//! Organisations, users, memberships, sessions, API tokens, households, persons, shares,
//! consent and the audit chain.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    Name,
    Kind,
    LocalGovCode,
    MunicipalityId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Login,
    DisplayName,
    PasswordHash,
    FailedLogins,
    LockedUntil,
    Disabled,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    Id,
    UserId,
    OrganisationId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Households {
    Table,
    Id,
    MunicipalityId,
    HouseholdNo,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Persons {
    Table,
    Id,
    MunicipalityId,
    ResidentNo,
    Name,
    NameKana,
    BirthDate,
    Sex,
    PostalCode,
    Address,
    AddressExtra,
    Phone,
    HouseholdId,
    Relationship,
    SearchKey,
    HasGaiji,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PersonShares {
    Table,
    Id,
    PersonId,
    OrganisationId,
    Level,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Consents {
    Table,
    PersonId,
    Status,
    RecordedAt,
    Version,
}

#[derive(DeriveIden)]
enum ConsentScopes {
    Table,
    PersonId,
    ReceiverKind,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Seq,
    At,
    UserId,
    UserLogin,
    OrganisationId,
    Role,
    Action,
    Entity,
    EntityId,
    SubjectOwnerId,
    AccessBasis,
    RequestId,
    Detail,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
    LockCounter,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    IdHash,
    Data,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    MembershipId,
    Name,
    TokenHash,
    Prefix,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
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
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

async fn index(
    m: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(c);
    }
    if unique {
        i.unique();
    }
    m.create_index(i.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Organisations::Table)
                .col(pk_uuid(Organisations::Id))
                .col(string_len(Organisations::Name, 200))
                .col(string_len(Organisations::Kind, 40))
                .col(string_len_null(Organisations::LocalGovCode, 6))
                .col(uuid_null(Organisations::MunicipalityId))
                .col(timestamp_with_time_zone(Organisations::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_organisations_municipality",
                    (Organisations::Table, Organisations::MunicipalityId),
                    (Organisations::Table, Organisations::Id),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(pk_uuid(Users::Id))
                .col(string_len_uniq(Users::Login, 100))
                .col(string_len(Users::DisplayName, 100))
                .col(string_len(Users::PasswordHash, 200))
                .col(integer(Users::FailedLogins).default(0))
                .col(timestamp_with_time_zone_null(Users::LockedUntil))
                .col(boolean(Users::Disabled).default(false))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Memberships::Table)
                .col(pk_uuid(Memberships::Id))
                .col(uuid(Memberships::UserId))
                .col(uuid(Memberships::OrganisationId))
                .col(string_len(Memberships::Role, 40))
                .col(timestamp_with_time_zone(Memberships::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_memberships_user",
                    (Memberships::Table, Memberships::UserId),
                    (Users::Table, Users::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_memberships_organisation",
                    (Memberships::Table, Memberships::OrganisationId),
                    (Organisations::Table, Organisations::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_memberships_user_org",
            Memberships::Table,
            vec![
                Memberships::UserId.into_iden(),
                Memberships::OrganisationId.into_iden(),
            ],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Households::Table)
                .col(pk_uuid(Households::Id))
                .col(uuid(Households::MunicipalityId))
                .col(string_len(Households::HouseholdNo, 20))
                .col(timestamp_with_time_zone(Households::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_households_municipality",
                    (Households::Table, Households::MunicipalityId),
                    (Organisations::Table, Organisations::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_households_no",
            Households::Table,
            vec![
                Households::MunicipalityId.into_iden(),
                Households::HouseholdNo.into_iden(),
            ],
            true,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Persons::Table)
                .col(pk_uuid(Persons::Id))
                .col(uuid(Persons::MunicipalityId))
                .col(string_len_null(Persons::ResidentNo, 20))
                .col(string_len(Persons::Name, 60))
                .col(string_len(Persons::NameKana, 60))
                .col(date(Persons::BirthDate))
                .col(string_len(Persons::Sex, 20))
                .col(string_len_null(Persons::PostalCode, 7))
                .col(string_len(Persons::Address, 200))
                .col(string_len_null(Persons::AddressExtra, 100))
                .col(string_len_null(Persons::Phone, 20))
                .col(uuid_null(Persons::HouseholdId))
                .col(string_len_null(Persons::Relationship, 20))
                .col(string_len(Persons::SearchKey, 400))
                .col(boolean(Persons::HasGaiji).default(false))
                .col(integer(Persons::Version))
                .col(timestamp_with_time_zone(Persons::CreatedAt))
                .col(timestamp_with_time_zone(Persons::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_persons_municipality",
                    (Persons::Table, Persons::MunicipalityId),
                    (Organisations::Table, Organisations::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_persons_household",
                    (Persons::Table, Persons::HouseholdId),
                    (Households::Table, Households::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_persons_resident_no",
            Persons::Table,
            vec![
                Persons::MunicipalityId.into_iden(),
                Persons::ResidentNo.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            m,
            "ix_persons_kana",
            Persons::Table,
            vec![
                Persons::MunicipalityId.into_iden(),
                Persons::NameKana.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            m,
            "ix_persons_household",
            Persons::Table,
            vec![Persons::HouseholdId.into_iden()],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PersonShares::Table)
                .col(pk_uuid(PersonShares::Id))
                .col(uuid(PersonShares::PersonId))
                .col(uuid(PersonShares::OrganisationId))
                .col(string_len(PersonShares::Level, 10))
                .col(timestamp_with_time_zone(PersonShares::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_shares_person",
                    (PersonShares::Table, PersonShares::PersonId),
                    (Persons::Table, Persons::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_shares_organisation",
                    (PersonShares::Table, PersonShares::OrganisationId),
                    (Organisations::Table, Organisations::Id),
                ))
                .to_owned(),
        )
        .await?;
        index(
            m,
            "ux_shares_person_org",
            PersonShares::Table,
            vec![
                PersonShares::PersonId.into_iden(),
                PersonShares::OrganisationId.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            m,
            "ix_shares_org",
            PersonShares::Table,
            vec![PersonShares::OrganisationId.into_iden()],
            false,
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Consents::Table)
                .col(pk_uuid(Consents::PersonId))
                .col(string_len(Consents::Status, 20))
                .col(timestamp_with_time_zone(Consents::RecordedAt))
                .col(integer(Consents::Version))
                .foreign_key(&mut fk(
                    "fk_consents_person",
                    (Consents::Table, Consents::PersonId),
                    (Persons::Table, Persons::Id),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ConsentScopes::Table)
                .col(uuid(ConsentScopes::PersonId))
                .col(string_len(ConsentScopes::ReceiverKind, 40))
                .primary_key(
                    Index::create()
                        .col(ConsentScopes::PersonId)
                        .col(ConsentScopes::ReceiverKind),
                )
                .foreign_key(&mut fk(
                    "fk_consent_scopes_person",
                    (ConsentScopes::Table, ConsentScopes::PersonId),
                    (Persons::Table, Persons::Id),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_integer(AuditLog::Seq).primary_key())
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(string_len_null(AuditLog::UserId, 36))
                .col(string_len(AuditLog::UserLogin, 100))
                .col(string_len_null(AuditLog::OrganisationId, 36))
                .col(string_len_null(AuditLog::Role, 40))
                .col(string_len(AuditLog::Action, 40))
                .col(string_len(AuditLog::Entity, 40))
                .col(string_len_null(AuditLog::EntityId, 64))
                .col(string_len_null(AuditLog::SubjectOwnerId, 36))
                .col(string_len_null(AuditLog::AccessBasis, 20))
                .col(string_len_null(AuditLog::RequestId, 64))
                .col(text(AuditLog::Detail))
                .col(string_len(AuditLog::PrevHash, 64))
                .col(string_len(AuditLog::Hash, 64))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_audit_at", AuditLog::At),
            ("ix_audit_org", AuditLog::OrganisationId),
            ("ix_audit_subject_owner", AuditLog::SubjectOwnerId),
            ("ix_audit_entity", AuditLog::EntityId),
        ] {
            index(m, name, AuditLog::Table, vec![col.into_iden()], false).await?;
        }

        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .col(integer(AuditHead::Id).primary_key())
                .col(big_integer(AuditHead::Seq))
                .col(string_len(AuditHead::Hash, 64))
                .col(big_integer(AuditHead::LockCounter))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(AuditHead::Table)
                .columns([
                    AuditHead::Id,
                    AuditHead::Seq,
                    AuditHead::Hash,
                    AuditHead::LockCounter,
                ])
                .values_panic([
                    1.into(),
                    0i64.into(),
                    tsunagi_domain::audit::GENESIS_HASH.into(),
                    0i64.into(),
                ])
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string_len(Sessions::IdHash, 64).primary_key())
                .col(text(Sessions::Data))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(pk_uuid(ApiTokens::Id))
                .col(uuid(ApiTokens::UserId))
                .col(uuid(ApiTokens::MembershipId))
                .col(string_len(ApiTokens::Name, 100))
                .col(string_len_uniq(ApiTokens::TokenHash, 64))
                .col(string_len(ApiTokens::Prefix, 16))
                .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                .foreign_key(&mut fk(
                    "fk_tokens_user",
                    (ApiTokens::Table, ApiTokens::UserId),
                    (Users::Table, Users::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_tokens_membership",
                    (ApiTokens::Table, ApiTokens::MembershipId),
                    (Memberships::Table, Memberships::Id),
                ))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
