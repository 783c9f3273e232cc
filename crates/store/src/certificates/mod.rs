//! Damage certificates (罹災証明): applications, surveys (append-only, with photographs),
//! issued certificates (append-only: a re-issue after a re-survey is a new row with a new
//! number), and each municipality's survey settings. The owning municipality's staff only: to
//! anyone else an application does not exist. Every state change goes through
//! `tsunagi_domain::damage::next` from the version the user saw.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use tsunagi_domain::access::{Actor, Capability, can};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::damage::{
    ApplicantRelation, ApplicationEvent, ApplicationInput, ApplicationState, DamageLevel,
    DamageRatio, Survey, SurveyKind, certificate_number, next,
};
use tsunagi_domain::{HouseholdId, OrganisationId, ValidationErrors};

use crate::audit::{AuditedTx, Entry};
use crate::entity::{
    damage_application, damage_certificate, damage_setting, damage_survey, damage_survey_photo,
    household,
};
use crate::error::StoreError;
use crate::now;

/// A survey as recorded.
#[derive(Clone, Debug, Serialize)]
pub struct SurveyRecord {
    pub id: uuid::Uuid,
    #[serde(flatten)]
    pub survey: Survey,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub photos: Vec<uuid::Uuid>,
}

/// A certificate as issued.
#[derive(Clone, Debug, Serialize)]
pub struct CertificateRecord {
    pub id: uuid::Uuid,
    pub number: String,
    pub issued_on: NaiveDate,
    pub level: DamageLevel,
    pub survey_id: uuid::Uuid,
    /// Issued again after a re-survey (再交付).
    pub reissue: bool,
    pub issued_by: String,
}

/// An application with its whole history, oldest first.
#[derive(Clone, Debug, Serialize)]
pub struct Application {
    pub id: uuid::Uuid,
    pub municipality_id: OrganisationId,
    pub declaration_id: uuid::Uuid,
    pub household_id: HouseholdId,
    pub applicant_name: String,
    pub applicant_relation: ApplicantRelation,
    pub applicant_phone: Option<String>,
    pub cause: String,
    pub location: String,
    pub applied_on: NaiveDate,
    pub state: ApplicationState,
    pub resurvey_requested_on: Option<NaiveDate>,
    pub resurvey_reason: Option<String>,
    pub version: i32,
    pub surveys: Vec<SurveyRecord>,
    pub certificates: Vec<CertificateRecord>,
}

impl Application {
    /// The certificate in force: the newest issued.
    pub fn current_certificate(&self) -> Option<&CertificateRecord> {
        self.certificates.last()
    }
    pub fn latest_survey(&self) -> Option<&SurveyRecord> {
        self.surveys.last()
    }
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("damage {what}"))
}

/// The municipality whose certificates the actor handles: its own staff only. To others the
/// records do not exist.
pub fn staff_municipality(actor: &Actor) -> Result<OrganisationId, StoreError> {
    if can(actor, Capability::CreatePerson) {
        Ok(actor.organisation_id)
    } else {
        Err(StoreError::NotFound)
    }
}

/// Whether the municipality accepts photo self-assessment for 一部損壊.
pub async fn self_assessment_allowed(
    tx: &AuditedTx,
    municipality: OrganisationId,
) -> Result<bool, StoreError> {
    Ok(damage_setting::Entity::find_by_id(municipality.0)
        .one(tx.conn())
        .await?
        .is_some_and(|s| s.self_assessment_allowed))
}

/// Sets whether photo self-assessment is accepted (the municipality's staff), audited.
pub async fn set_self_assessment(
    tx: &mut AuditedTx,
    actor: &Actor,
    allowed: bool,
) -> Result<(), StoreError> {
    let m = staff_municipality(actor)?;
    damage_setting::Entity::delete_by_id(m.0)
        .exec(tx.conn())
        .await?;
    damage_setting::Entity::insert(damage_setting::ActiveModel {
        municipality_id: Set(m.0),
        self_assessment_allowed: Set(allowed),
        updated_at: Set(now()),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::SettingsUpdated, "damage_settings", m)
            .owner(m)
            .detail(serde_json::json!({"self_assessment_allowed": allowed})),
    );
    Ok(())
}

/// Whether a household is the municipality's.
pub async fn household_of(
    tx: &AuditedTx,
    municipality: OrganisationId,
    id: HouseholdId,
) -> Result<household::Model, StoreError> {
    household::Entity::find_by_id(id.0)
        .one(tx.conn())
        .await?
        .filter(|h| h.municipality_id == municipality.0)
        .ok_or(StoreError::NotFound)
}

/// Receives an application (validated; cause and location already filled in).
pub async fn apply(
    tx: &mut AuditedTx,
    actor: &Actor,
    declaration: uuid::Uuid,
    household: HouseholdId,
    a: &ApplicationInput,
) -> Result<Application, StoreError> {
    let m = staff_municipality(actor)?;
    household_of(tx, m, household).await?;
    let id = uuid::Uuid::now_v7();
    let t = now();
    damage_application::Entity::insert(damage_application::ActiveModel {
        id: Set(id),
        municipality_id: Set(m.0),
        declaration_id: Set(declaration),
        household_id: Set(household.0),
        applicant_name: Set(a.applicant_name.clone()),
        applicant_relation: Set(a.applicant_relation.code().to_owned()),
        applicant_phone: Set(a.applicant_phone.clone()),
        cause: Set(a.cause.clone().unwrap_or_default()),
        location: Set(a.location.clone().unwrap_or_default()),
        applied_on: Set(a.applied_on),
        state: Set(ApplicationState::Applied.code().to_owned()),
        resurvey_requested_on: Set(None),
        resurvey_reason: Set(None),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::DamageApplied, "damage_application", id)
            .owner(m)
            .detail(serde_json::json!({
                "declaration": declaration, "household": household.0,
                "applicant": a.applicant_name, "relation": a.applicant_relation.code(),
                "applied_on": a.applied_on,
            })),
    );
    load(tx, m, id).await
}

async fn load(
    tx: &AuditedTx,
    municipality: OrganisationId,
    id: uuid::Uuid,
) -> Result<Application, StoreError> {
    let row = damage_application::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .filter(|a| a.municipality_id == municipality.0)
        .ok_or(StoreError::NotFound)?;
    let mut all = with_history(tx, vec![row]).await?;
    all.pop().ok_or(StoreError::NotFound)
}

/// Applications with their surveys, photographs and certificates (a few queries for all).
async fn with_history(
    tx: &AuditedTx,
    rows: Vec<damage_application::Model>,
) -> Result<Vec<Application>, StoreError> {
    use std::collections::HashMap;
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
    let mut surveys: HashMap<uuid::Uuid, Vec<SurveyRecord>> = HashMap::new();
    let mut certificates: HashMap<uuid::Uuid, Vec<CertificateRecord>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let found = damage_survey::Entity::find()
            .filter(damage_survey::Column::ApplicationId.is_in(chunk.to_vec()))
            .order_by_asc(damage_survey::Column::RecordedAt)
            .all(tx.conn())
            .await?;
        let survey_ids: Vec<uuid::Uuid> = found.iter().map(|s| s.id).collect();
        let mut photos: HashMap<uuid::Uuid, Vec<uuid::Uuid>> = HashMap::new();
        for (p, s) in damage_survey_photo::Entity::find()
            .select_only()
            .column(damage_survey_photo::Column::Id)
            .column(damage_survey_photo::Column::SurveyId)
            .filter(damage_survey_photo::Column::SurveyId.is_in(survey_ids))
            .into_tuple::<(uuid::Uuid, uuid::Uuid)>()
            .all(tx.conn())
            .await?
        {
            photos.entry(s).or_default().push(p);
        }
        for s in found {
            let rec = survey_of(&s, photos.remove(&s.id).unwrap_or_default())?;
            surveys.entry(s.application_id).or_default().push(rec);
        }
        for c in damage_certificate::Entity::find()
            .filter(damage_certificate::Column::ApplicationId.is_in(chunk.to_vec()))
            .order_by_asc(damage_certificate::Column::IssuedAt)
            .all(tx.conn())
            .await?
        {
            certificates
                .entry(c.application_id)
                .or_default()
                .push(CertificateRecord {
                    id: c.id,
                    number: c.number,
                    issued_on: c.issued_on,
                    level: DamageLevel::parse(&c.level).ok_or_else(|| corrupt("level"))?,
                    survey_id: c.survey_id,
                    reissue: c.reissue,
                    issued_by: c.issued_by,
                });
        }
    }
    rows.into_iter()
        .map(|r| {
            Ok(Application {
                surveys: surveys.remove(&r.id).unwrap_or_default(),
                certificates: certificates.remove(&r.id).unwrap_or_default(),
                id: r.id,
                municipality_id: OrganisationId(r.municipality_id),
                declaration_id: r.declaration_id,
                household_id: HouseholdId(r.household_id),
                applicant_relation: ApplicantRelation::parse(&r.applicant_relation)
                    .ok_or_else(|| corrupt("relation"))?,
                applicant_name: r.applicant_name,
                applicant_phone: r.applicant_phone,
                cause: r.cause,
                location: r.location,
                applied_on: r.applied_on,
                state: ApplicationState::parse(&r.state).ok_or_else(|| corrupt("state"))?,
                resurvey_requested_on: r.resurvey_requested_on,
                resurvey_reason: r.resurvey_reason,
                version: r.version,
            })
        })
        .collect()
}

fn survey_of(
    s: &damage_survey::Model,
    photos: Vec<uuid::Uuid>,
) -> Result<SurveyRecord, StoreError> {
    Ok(SurveyRecord {
        id: s.id,
        survey: Survey {
            kind: SurveyKind::parse(&s.kind).ok_or_else(|| corrupt("survey kind"))?,
            surveyed_on: s.surveyed_on,
            surveyors: serde_json::from_str(&s.surveyors).map_err(|_| corrupt("surveyors"))?,
            ratio: match s.ratio_tenths {
                Some(t) => Some(
                    u16::try_from(t)
                        .ok()
                        .and_then(DamageRatio::from_tenths)
                        .ok_or_else(|| corrupt("ratio"))?,
                ),
                None => None,
            },
            collapsed: s.collapsed,
            level: DamageLevel::parse(&s.level).ok_or_else(|| corrupt("level"))?,
            notes: s.notes.clone(),
        },
        recorded_by: s.recorded_by.clone(),
        recorded_at: s.recorded_at,
        photos,
    })
}

/// One application with its history, for a use case that records what it does with it (no
/// view entry of its own).
pub async fn find(
    tx: &AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
) -> Result<Application, StoreError> {
    load(tx, staff_municipality(actor)?, id).await
}

/// One application with its history (audited as a view of the household's record).
pub async fn get(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
) -> Result<Application, StoreError> {
    let a = find(tx, actor, id).await?;
    let m = a.municipality_id;
    tx.record(
        Entry::new(AuditAction::LedgerViewed, "damage_application", id)
            .owner(m)
            .detail(serde_json::json!({"household": a.household_id.0})),
    );
    Ok(a)
}

/// The applications of one household under a declaration (for its ledger; the caller audits).
pub async fn of_household(
    tx: &AuditedTx,
    municipality: OrganisationId,
    declaration: uuid::Uuid,
    household: HouseholdId,
) -> Result<Vec<Application>, StoreError> {
    let rows = damage_application::Entity::find()
        .filter(damage_application::Column::MunicipalityId.eq(municipality.0))
        .filter(damage_application::Column::DeclarationId.eq(declaration))
        .filter(damage_application::Column::HouseholdId.eq(household.0))
        .order_by_asc(damage_application::Column::CreatedAt)
        .all(tx.conn())
        .await?;
    with_history(tx, rows).await
}

/// Every application of a declaration with its history, oldest first (progress, queue,
/// exports; the caller audits).
pub async fn of_declaration(
    tx: &AuditedTx,
    municipality: OrganisationId,
    declaration: uuid::Uuid,
) -> Result<Vec<Application>, StoreError> {
    let rows = damage_application::Entity::find()
        .filter(damage_application::Column::MunicipalityId.eq(municipality.0))
        .filter(damage_application::Column::DeclarationId.eq(declaration))
        .order_by_asc(damage_application::Column::AppliedOn)
        .order_by_asc(damage_application::Column::CreatedAt)
        .all(tx.conn())
        .await?;
    with_history(tx, rows).await
}

/// Moves an application by `event` from the version the user saw; returns it as it was.
async fn transition(
    tx: &AuditedTx,
    m: OrganisationId,
    id: uuid::Uuid,
    expected_version: i32,
    event: ApplicationEvent,
    extra: impl FnOnce(
        sea_orm::UpdateMany<damage_application::Entity>,
    ) -> sea_orm::UpdateMany<damage_application::Entity>,
) -> Result<Application, StoreError> {
    let before = load(tx, m, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict {
            current: before.version,
        });
    }
    let to = next(before.state, event)
        .map_err(|why| StoreError::Invalid(ValidationErrors::single("state", why)))?;
    let update = damage_application::Entity::update_many()
        .col_expr(damage_application::Column::State, Expr::value(to.code()))
        .col_expr(
            damage_application::Column::Version,
            Expr::value(expected_version + 1),
        )
        .col_expr(damage_application::Column::UpdatedAt, Expr::value(now()))
        .filter(damage_application::Column::Id.eq(id))
        .filter(damage_application::Column::Version.eq(expected_version));
    let done = extra(update).exec(tx.conn()).await?;
    if done.rows_affected != 1 {
        return Err(StoreError::Conflict {
            current: expected_version + 1,
        });
    }
    Ok(before)
}

/// Records a survey (validated) on an application.
pub async fn record_survey(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    expected_version: i32,
    s: &Survey,
) -> Result<Application, StoreError> {
    let m = staff_municipality(actor)?;
    let before = transition(
        tx,
        m,
        id,
        expected_version,
        ApplicationEvent::Survey(s.kind),
        |u| u,
    )
    .await?;
    let survey_id = uuid::Uuid::now_v7();
    damage_survey::Entity::insert(damage_survey::ActiveModel {
        id: Set(survey_id),
        application_id: Set(id),
        kind: Set(s.kind.code().to_owned()),
        surveyed_on: Set(s.surveyed_on),
        surveyors: Set(serde_json::to_string(&s.surveyors).map_err(|e| corrupt(&e.to_string()))?),
        ratio_tenths: Set(s.ratio.map(|r| i32::from(r.tenths()))),
        collapsed: Set(s.collapsed),
        level: Set(s.level.code().to_owned()),
        notes: Set(s.notes.clone()),
        recorded_by: Set(actor.login.clone()),
        recorded_at: Set(now()),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::DamageSurveyed, "damage_application", id)
            .owner(m)
            .detail(serde_json::json!({
                "household": before.household_id.0, "survey": survey_id,
                "kind": s.kind.code(), "surveyed_on": s.surveyed_on,
                "ratio": s.ratio.map(|r| r.to_string()), "collapsed": s.collapsed,
                "level": s.level.code(),
                "previous_level": before.latest_survey().map(|p| p.survey.level.code()),
            })),
    );
    load(tx, m, id).await
}

/// Issues the certificate of the newest survey, numbered in the municipality's sequence of
/// the year of issue. After a re-survey this is the re-issue, with a new number.
pub async fn issue(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    expected_version: i32,
    issued_on: NaiveDate,
) -> Result<Application, StoreError> {
    let m = staff_municipality(actor)?;
    let before = transition(tx, m, id, expected_version, ApplicationEvent::Issue, |u| u).await?;
    let survey = before
        .latest_survey()
        .ok_or_else(|| corrupt("issued without a survey"))?;
    let year = issued_on.year();
    let prefix = certificate_number(year, 0);
    let prefix = prefix.trim_end_matches("000000号");
    let issued = damage_certificate::Entity::find()
        .filter(damage_certificate::Column::MunicipalityId.eq(m.0))
        .filter(damage_certificate::Column::Number.starts_with(prefix))
        .count(tx.conn())
        .await?;
    let number = certificate_number(year, u32::try_from(issued + 1).unwrap_or(u32::MAX));
    let reissue = !before.certificates.is_empty();
    damage_certificate::Entity::insert(damage_certificate::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        application_id: Set(id),
        municipality_id: Set(m.0),
        number: Set(number.clone()),
        issued_on: Set(issued_on),
        level: Set(survey.survey.level.code().to_owned()),
        survey_id: Set(survey.id),
        reissue: Set(reissue),
        issued_by: Set(actor.login.clone()),
        issued_at: Set(now()),
    })
    .exec(tx.conn())
    .await
    .map_err(StoreError::duplicate_as("certificate number"))?;
    tx.record(
        Entry::new(AuditAction::CertificateIssued, "damage_application", id)
            .owner(m)
            .detail(serde_json::json!({
                "household": before.household_id.0, "number": number,
                "level": survey.survey.level.code(), "issued_on": issued_on,
                "reissue": reissue,
                "previous_level": before.current_certificate().map(|c| c.level.code()),
            })),
    );
    load(tx, m, id).await
}

/// Records the household's request for a re-survey (再調査) of an issued certificate.
pub async fn request_resurvey(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    expected_version: i32,
    on: NaiveDate,
    reason: &str,
) -> Result<Application, StoreError> {
    let m = staff_municipality(actor)?;
    let before = transition(
        tx,
        m,
        id,
        expected_version,
        ApplicationEvent::RequestReSurvey,
        |u| {
            u.col_expr(
                damage_application::Column::ResurveyRequestedOn,
                Expr::value(Some(on)),
            )
            .col_expr(
                damage_application::Column::ResurveyReason,
                Expr::value(Some(reason.to_owned())),
            )
        },
    )
    .await?;
    tx.record(
        Entry::new(AuditAction::ReSurveyRequested, "damage_application", id)
            .owner(m)
            .detail(serde_json::json!({
                "household": before.household_id.0, "requested_on": on, "reason": reason,
            })),
    );
    load(tx, m, id).await
}

/// Withdraws an application that has not been issued.
pub async fn withdraw(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    expected_version: i32,
) -> Result<Application, StoreError> {
    let m = staff_municipality(actor)?;
    let before = transition(
        tx,
        m,
        id,
        expected_version,
        ApplicationEvent::Withdraw,
        |u| u,
    )
    .await?;
    tx.record(
        Entry::new(AuditAction::DamageApplied, "damage_application", id)
            .owner(m)
            .detail(serde_json::json!({"household": before.household_id.0, "withdrawn": true})),
    );
    load(tx, m, id).await
}

mod photos;
pub use photos::{PHOTO_MAX_BYTES, add_photo, photo};
