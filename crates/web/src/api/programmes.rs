//! Support programmes (支援制度): the catalogue and a municipality's own programmes, the
//! eligibility of households described by the caller (nothing stored) or of a ledger household
//! (from what the ledger knows), applications and decisions, and the households who have not
//! applied for what they could receive.

use super::extract::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tsunagi_app::eligibility::{self, ApplicationInput, DecisionInput};
use tsunagi_domain::HouseholdId;
use tsunagi_domain::circumstances::{Circumstances, DisasterActs};
use tsunagi_eligibility::form::ProgrammeForm;
use tsunagi_eligibility::{Explained, HouseholdFacts};
use utoipa::ToSchema;
use uuid::Uuid;

fn json<T: serde::Serialize>(v: &T) -> Result<Json<Value>, AppError> {
    serde_json::to_value(v)
        .map(Json)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// One household or many, as `tsunagi eligibility` reads them.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Households {
    Many(Vec<HouseholdFacts>),
    One(Box<HouseholdFacts>),
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdResult {
    pub id: Option<String>,
    pub disaster_date: NaiveDate,
    pub programmes: Vec<Explained>,
}

/// Evaluates households described in JSON (docs/eligibility.md) against the caller's
/// municipality's catalogue (the built-in one for other organisations): per programme
/// eligible / possibly eligible with the facts still needed / not eligible, the reasons and
/// each step of the amount. Nothing is stored.
#[utoipa::path(post, path = "/api/v1/eligibility", tag = "programmes", request_body = Households,
    responses((status = 200, body = [HouseholdResult]), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn evaluate(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(h): ApiJson<Households>,
) -> Result<Json<Vec<HouseholdResult>>, AppError> {
    let households = match h {
        Households::Many(v) => v,
        Households::One(h) => vec![*h],
    };
    if households.len() > 10_000 {
        return Err(AppError::BadRequest(
            "一度に評価できるのは10,000世帯までです".into(),
        ));
    }
    let results = eligibility::evaluate(&state.app, &user.ctx, &households).await?;
    Ok(Json(
        households
            .into_iter()
            .zip(results)
            .map(|(h, programmes)| HouseholdResult {
                id: h.id,
                disaster_date: h.disaster.date,
                programmes,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ProgrammeSummary {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub kind: String,
    pub categories: Vec<String>,
    pub summary: String,
    pub source: String,
    pub checked_on: NaiveDate,
    /// Added by the municipality (not a file of the catalogue).
    pub municipal: bool,
    /// The periods of the rules: (from, until).
    pub versions: Vec<(NaiveDate, Option<NaiveDate>)>,
}

/// The catalogue: the built-in programmes and the caller's municipality's own.
#[utoipa::path(get, path = "/api/v1/programmes", tag = "programmes",
    responses((status = 200, body = [ProgrammeSummary])))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<ProgrammeSummary>>, AppError> {
    let c = tsunagi_app::programmes::catalogue(&state.app, &user.ctx).await?;
    Ok(Json(
        c.catalogue
            .programmes
            .iter()
            .map(|p| ProgrammeSummary {
                id: p.id.clone(),
                name: p.name.clone(),
                provider: p.provider.label().into(),
                kind: p.kind.label().into(),
                categories: p.categories.iter().map(|c| c.label().into()).collect(),
                summary: p.summary.clone(),
                source: p.source.clone(),
                checked_on: p.checked_on,
                municipal: p.origin == tsunagi_eligibility::Origin::Municipal,
                versions: p.versions.iter().map(|v| (v.from, v.until)).collect(),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ProgrammeSave {
    /// The version read (0 for a new programme).
    pub version: i32,
    pub programme: ProgrammeForm,
}

#[derive(Serialize, ToSchema)]
pub struct Saved {
    pub version: i32,
}

/// Adds or changes one of the municipality's own programmes (a top-up refers to a national one
/// with `eligible(id)` / `amount(id)`); refused with the reason when a rule does not check.
#[utoipa::path(post, path = "/api/v1/programmes", tag = "programmes", request_body = ProgrammeSave,
    responses((status = 200, body = Saved), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(s): ApiJson<ProgrammeSave>,
) -> Result<Json<Saved>, AppError> {
    let version =
        tsunagi_app::programmes::save(&state.app, &user.ctx, &s.programme, s.version).await?;
    Ok(Json(Saved { version }))
}

/// Which acts apply to the declared disaster.
#[utoipa::path(get, path = "/api/v1/disasters/{id}/acts", tag = "programmes", params(("id" = Uuid, Path)),
    responses((status = 200, body = DisasterActs), (status = 404, body = ErrorBody)))]
pub async fn acts(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<DisasterActs>, AppError> {
    Ok(Json(
        tsunagi_app::programmes::acts(&state.app, &user.ctx, id).await?,
    ))
}

/// Records which acts apply (被災者生活再建支援法, 災害救助法, 災害弔慰金法).
#[utoipa::path(put, path = "/api/v1/disasters/{id}/acts", tag = "programmes", params(("id" = Uuid, Path)),
    request_body = DisasterActs,
    responses((status = 200, body = DisasterActs), (status = 404, body = ErrorBody)))]
pub async fn set_acts(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(a): ApiJson<DisasterActs>,
) -> Result<Json<DisasterActs>, AppError> {
    tsunagi_app::programmes::set_acts(&state.app, &user.ctx, id, a).await?;
    Ok(Json(a))
}

/// A ledger household's programmes: the facts from the ledger and certificate, and per
/// programme the result and the household's application.
#[utoipa::path(get, path = "/api/v1/disasters/{id}/households/{household}/programmes", tag = "programmes",
    params(("id" = Uuid, Path), ("household" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn household(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, household)): ApiPath<(Uuid, Uuid)>,
) -> Result<Json<Value>, AppError> {
    let p = eligibility::for_household(&state.app, &user.ctx, id, HouseholdId(household)).await?;
    json(&serde_json::json!({
        "ledger_version": p.ledger.version,
        "disaster_date": p.disaster_day,
        "acts": p.acts,
        "facts": p.facts,
        "programmes": p.lines,
    }))
}

/// The household's letter (支援制度のご案内, A4 PDF, large print).
#[utoipa::path(get, path = "/api/v1/disasters/{id}/households/{household}/letter.pdf", tag = "programmes",
    params(("id" = Uuid, Path), ("household" = Uuid, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 404, body = ErrorBody)))]
pub async fn letter(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, household)): ApiPath<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    let p = eligibility::for_household(&state.app, &user.ctx, id, HouseholdId(household)).await?;
    let m = tsunagi_app::organisations::name_of(
        &state.app,
        user.actor
            .municipality_id
            .unwrap_or(user.actor.organisation_id),
    )
    .await?;
    crate::documents::letter_pdf(&p, &m, user.ctx.today()).await
}

#[derive(Deserialize, ToSchema)]
pub struct CircumstancesSave {
    /// The ledger's version read.
    pub version: i32,
    pub circumstances: Circumstances,
}

/// Records what programmes ask that the ledger does not otherwise hold (rebuild method,
/// income, main earner …), from the ledger's version read.
#[utoipa::path(put, path = "/api/v1/disasters/{id}/households/{household}/circumstances", tag = "programmes",
    params(("id" = Uuid, Path), ("household" = Uuid, Path)), request_body = CircumstancesSave,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn circumstances(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, household)): ApiPath<(Uuid, Uuid)>,
    ApiJson(s): ApiJson<CircumstancesSave>,
) -> Result<Json<Value>, AppError> {
    let v = eligibility::set_circumstances(
        &state.app,
        &user.ctx,
        id,
        HouseholdId(household),
        s.version,
        s.circumstances,
    )
    .await?;
    json(&v)
}

#[derive(Deserialize, ToSchema)]
pub struct ApplicationSave {
    pub version: i32,
    pub programme: String,
    pub applied_on: NaiveDate,
    pub amount_applied_yen: Option<u64>,
    pub note: Option<String>,
}

/// Records that the household applied for a programme.
#[utoipa::path(post, path = "/api/v1/disasters/{id}/households/{household}/programme-applications", tag = "programmes",
    params(("id" = Uuid, Path), ("household" = Uuid, Path)), request_body = ApplicationSave,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn apply(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, household)): ApiPath<(Uuid, Uuid)>,
    ApiJson(s): ApiJson<ApplicationSave>,
) -> Result<Json<Value>, AppError> {
    let v = eligibility::record_application(
        &state.app,
        &user.ctx,
        id,
        HouseholdId(household),
        s.version,
        ApplicationInput {
            programme: s.programme,
            applied_on: s.applied_on,
            amount_applied_yen: s.amount_applied_yen,
            note: s.note,
        },
    )
    .await?;
    json(&v)
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionSave {
    pub version: i32,
    pub programme: String,
    pub granted: bool,
    pub decided_on: NaiveDate,
    pub amount_granted_yen: Option<u64>,
}

/// Records the decision on an application; a grant is written into 援護の実施の状況.
#[utoipa::path(post, path = "/api/v1/disasters/{id}/households/{household}/programme-decisions", tag = "programmes",
    params(("id" = Uuid, Path), ("household" = Uuid, Path)), request_body = DecisionSave,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, household)): ApiPath<(Uuid, Uuid)>,
    ApiJson(s): ApiJson<DecisionSave>,
) -> Result<Json<Value>, AppError> {
    let v = eligibility::record_decision(
        &state.app,
        &user.ctx,
        id,
        HouseholdId(household),
        s.version,
        DecisionInput {
            programme: s.programme,
            granted: s.granted,
            decided_on: s.decided_on,
            amount_granted_yen: s.amount_granted_yen,
        },
    )
    .await?;
    json(&v)
}

/// Households eligible or possibly eligible for a programme they have not applied for,
/// deadline nearest first, with each household's yen gap; per area.
#[utoipa::path(get, path = "/api/v1/disasters/{id}/programmes/unclaimed", tag = "programmes",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn unclaimed(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&eligibility::unclaimed(&state.app, &user.ctx, id).await?)
}
