//! The victims' ledger (被災者台帳): a household's ledger under a declaration, provisions to
//! others (art. 90-4), registered 被災者援護協力団体, and the resident record import that
//! brings every household in. Ledgers are the owning municipality's; an organisation sees a
//! ledger only as far as it was provided to it.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use tsunagi_app::ledger;
use tsunagi_app::roster::{ImportError, ImportOptions};
use tsunagi_domain::ledger::{DisclosureInput, LedgerBody};
use tsunagi_domain::{HouseholdId, OrganisationId};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn json<T: serde::Serialize>(v: &T) -> Result<Json<Value>, AppError> {
    serde_json::to_value(v)
        .map(Json)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// A household's ledger under a declaration (members, whereabouts, damage, support, the
/// provisions made): the owning municipality's staff. Version 0 until first written.
#[utoipa::path(get, path = "/api/v1/disasters/{id}/households/{household}/ledger", tag = "ledger",
    params(("id" = Uuid, Path), ("household" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, household)): ApiPath<(Uuid, Uuid)>,
) -> Result<Json<Value>, AppError> {
    json(&ledger::view(&state.app, &user.ctx, id, HouseholdId(household)).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct LedgerSave {
    /// The version read (0 for a ledger not yet written).
    pub version: i32,
    pub ledger: LedgerBody,
}

/// Writes the ledger's own items (whereabouts, other damage, contact, support given) from the
/// version read.
#[utoipa::path(put, path = "/api/v1/disasters/{id}/households/{household}/ledger", tag = "ledger",
    params(("id" = Uuid, Path), ("household" = Uuid, Path)), request_body = LedgerSave,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, household)): ApiPath<(Uuid, Uuid)>,
    ApiJson(s): ApiJson<LedgerSave>,
) -> Result<Json<Value>, AppError> {
    let v = ledger::save(
        &state.app,
        &user.ctx,
        id,
        HouseholdId(household),
        s.version,
        s.ledger,
    )
    .await?;
    json(&v)
}

/// A ledger by id: whole for the owning municipality's staff, only the items provided for an
/// organisation it was provided to, 404 for anyone else.
#[utoipa::path(get, path = "/api/v1/ledgers/{id}", tag = "ledger", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn by_id(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&ledger::view_by_id(&state.app, &user.ctx, id).await?)
}

/// Provides a ledger's items to another body on a basis of art. 90-4 (本人の同意, 内部利用,
/// 他の地方公共団体, 被災者援護協力団体); refused with the reason when the basis does not allow it.
#[utoipa::path(post, path = "/api/v1/ledgers/{id}/disclosures", tag = "ledger", params(("id" = Uuid, Path)),
    request_body = DisclosureInput,
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn disclose(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(d): ApiJson<DisclosureInput>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let r = ledger::disclose(&state.app, &user.ctx, id, d).await?;
    Ok((StatusCode::CREATED, json(&r)?))
}

/// The provisions made to the caller's organisation, newest first (its ledgers to open).
#[utoipa::path(get, path = "/api/v1/ledgers/provided-to-me", tag = "ledger",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
pub async fn provided_to_me(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Value>, AppError> {
    json(&ledger::disclosed_to_me(&state.app, &user.ctx).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct PartnerRegistration {
    pub organisation_id: Uuid,
    pub registration_no: String,
}

/// The municipality's registered 被災者援護協力団体.
#[utoipa::path(get, path = "/api/v1/ledger-partners", tag = "ledger",
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn partners(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Value>, AppError> {
    json(&ledger::partners(&state.app, &user.ctx).await?)
}

/// Registers an organisation as a 被災者援護協力団体 (2025 amendment), with its number.
#[utoipa::path(post, path = "/api/v1/ledger-partners", tag = "ledger", request_body = PartnerRegistration,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn register_partner(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(p): ApiJson<PartnerRegistration>,
) -> Result<StatusCode, AppError> {
    ledger::register_partner(
        &state.app,
        &user.ctx,
        OrganisationId(p.organisation_id),
        &p.registration_no,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct ImportQuery {
    /// Show what would change, change nothing
    pub dry_run: Option<bool>,
    /// Apply the valid rows even if some rows are bad
    pub only_valid: Option<bool>,
    /// auto, utf-8 or shift_jis
    pub encoding: Option<String>,
    pub file_name: Option<String>,
}

/// Imports the resident record extract (住民記録, CSV as the body; UTF-8 or Shift_JIS): every
/// resident with household and address. Every bad row is reported with its line; a file with
/// bad rows changes nothing unless `only_valid`.
#[utoipa::path(post, path = "/api/v1/residents/import", tag = "ledger", params(ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn import_residents(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let options = ImportOptions {
        encoding: q
            .encoding
            .as_deref()
            .unwrap_or("auto")
            .parse()
            .map_err(AppError::BadRequest)?,
        mapping: Default::default(),
        dry_run: q.dry_run.unwrap_or(false),
        only_valid: q.only_valid.unwrap_or(false),
        full_extract: false,
    };
    let name = q.file_name.unwrap_or_else(|| "residents.csv".into());
    match tsunagi_app::residents::import(&state.app, &user.ctx, &name, &body, &options).await {
        Ok(r) => json(&r),
        Err(ImportError::File(e)) => Err(AppError::BadRequest(e.to_string())),
        Err(ImportError::App(e)) => Err(e.into()),
    }
}
