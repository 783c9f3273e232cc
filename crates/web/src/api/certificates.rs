//! Damage certificates (罹災証明): applications, surveys (with photographs), issue and
//! re-issue after a re-survey, the certificate PDFs, the progress "without delay" and the
//! exchange files. The owning municipality's staff only.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use tsunagi_app::certificates;
use tsunagi_domain::HouseholdId;
use tsunagi_domain::damage::{ApplicationInput, SurveyInput};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn json<T: serde::Serialize>(v: &T) -> Result<Json<Value>, AppError> {
    serde_json::to_value(v)
        .map(Json)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Receives a household's application for a certificate (罹災証明書交付申請). Cause and location
/// default to the declaration's name and the household's registered address.
#[utoipa::path(post, path = "/api/v1/disasters/{id}/households/{household}/damage-applications", tag = "certificates",
    params(("id" = Uuid, Path), ("household" = Uuid, Path)), request_body = ApplicationInput,
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn apply(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, household)): ApiPath<(Uuid, Uuid)>,
    ApiJson(a): ApiJson<ApplicationInput>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let a = certificates::apply(&state.app, &user.ctx, id, HouseholdId(household), a).await?;
    Ok((StatusCode::CREATED, json(&a)?))
}

/// An application with its surveys and certificates, oldest first.
#[utoipa::path(get, path = "/api/v1/damage-applications/{id}", tag = "certificates", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&certificates::get(&state.app, &user.ctx, id).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct SurveyRecordRequest {
    pub version: i32,
    pub survey: SurveyInput,
}

/// Records a survey: 第1次 (outside) before issue, 第2次 (inside) after a re-survey request,
/// self-assessment for 一部損壊 where accepted. The ratio gives the level.
#[utoipa::path(post, path = "/api/v1/damage-applications/{id}/surveys", tag = "certificates", params(("id" = Uuid, Path)),
    request_body = SurveyRecordRequest,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn survey(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<SurveyRecordRequest>,
) -> Result<Json<Value>, AppError> {
    json(&certificates::record_survey(&state.app, &user.ctx, id, r.version, r.survey).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct VersionOnly {
    pub version: i32,
}

/// Issues the certificate of the newest survey today (after a re-survey: the re-issue, with
/// a new number and the history kept).
#[utoipa::path(post, path = "/api/v1/damage-applications/{id}/issue", tag = "certificates", params(("id" = Uuid, Path)),
    request_body = VersionOnly,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn issue(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<VersionOnly>,
) -> Result<Json<Value>, AppError> {
    json(&certificates::issue(&state.app, &user.ctx, id, r.version).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct ResurveyRequest {
    pub version: i32,
    pub reason: String,
}

/// Records the household's request for a re-survey (再調査) of an issued certificate.
#[utoipa::path(post, path = "/api/v1/damage-applications/{id}/resurvey", tag = "certificates", params(("id" = Uuid, Path)),
    request_body = ResurveyRequest,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resurvey(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<ResurveyRequest>,
) -> Result<Json<Value>, AppError> {
    json(&certificates::request_resurvey(&state.app, &user.ctx, id, r.version, &r.reason).await?)
}

/// Withdraws an application not yet issued.
#[utoipa::path(post, path = "/api/v1/damage-applications/{id}/withdraw", tag = "certificates", params(("id" = Uuid, Path)),
    request_body = VersionOnly,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<VersionOnly>,
) -> Result<Json<Value>, AppError> {
    json(&certificates::withdraw(&state.app, &user.ctx, id, r.version).await?)
}

/// The certificate in force as an A4 PDF (the national unified form's layout).
#[utoipa::path(get, path = "/api/v1/damage-applications/{id}/certificate.pdf", tag = "certificates", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn certificate_pdf(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, AppError> {
    let p = certificates::printable(&state.app, &user.ctx, id).await?;
    crate::documents::certificates_pdf(&[p], user.ctx.today(), "certificate").await
}

#[derive(Deserialize, IntoParams)]
pub struct BatchQuery {
    /// Only the certificates issued on this day (YYYY-MM-DD)
    pub issued_on: Option<chrono::NaiveDate>,
}

/// Every issued certificate of a declaration (or of one day) in one PDF, a page each.
#[utoipa::path(get, path = "/api/v1/disasters/{id}/certificates.pdf", tag = "certificates",
    params(("id" = Uuid, Path), BatchQuery),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn batch_pdf(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<BatchQuery>,
) -> Result<Response, AppError> {
    let p = certificates::printable_batch(&state.app, &user.ctx, id, q.issued_on).await?;
    crate::documents::certificates_pdf(&p, user.ctx.today(), "certificates").await
}

/// Whether certificates go out without delay: applied, surveyed, issued and re-survey
/// requests per area, days from application to issue (median, 90th percentile), the queue
/// by age, and the households of the affected area with no application.
#[utoipa::path(get, path = "/api/v1/disasters/{id}/damage-progress", tag = "certificates", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn progress(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&certificates::progress(&state.app, &user.ctx, id).await?)
}

#[derive(Deserialize, IntoParams)]
pub struct ExportQuery {
    /// xlsx (default) or csv (UTF-8 with BOM)
    pub format: Option<String>,
}

/// The declaration's applications and certificates as .xlsx or CSV, in the layout of
/// docs/ledger-exchange.md (addresses also as the geocoder's matching key).
#[utoipa::path(get, path = "/api/v1/disasters/{id}/certificates/export", tag = "certificates",
    params(("id" = Uuid, Path), ExportQuery),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, AppError> {
    let format = export_format(&q)?;
    let rows = certificates::export(&state.app, &user.ctx, id).await?;
    table_file(
        &crate::exports::certificate_table(&rows),
        format,
        "certificates",
        "罹災証明",
    )
}

fn export_format(q: &ExportQuery) -> Result<&str, AppError> {
    let format = q.format.as_deref().unwrap_or("xlsx");
    if matches!(format, "xlsx" | "csv") {
        Ok(format)
    } else {
        Err(AppError::BadRequest(format!(
            "format は xlsx か csv です（{format}）"
        )))
    }
}

/// A table as an .xlsx or UTF-8 (BOM) CSV download.
fn table_file(
    table: &crate::exports::Table,
    format: &str,
    ascii: &str,
    name: &str,
) -> Result<Response, AppError> {
    let internal = |e: String| AppError::Internal(e);
    Ok(match format {
        "csv" => crate::download::attachment(
            crate::exports::csv_utf8_bom(table).map_err(|e| internal(e.to_string()))?,
            "text/csv; charset=utf-8",
            &format!("{ascii}.csv"),
            &format!("{name}.csv"),
        ),
        _ => crate::download::attachment(
            crate::exports::xlsx(name, table).map_err(|e| internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("{ascii}.xlsx"),
            &format!("{name}.xlsx"),
        ),
    })
}

/// The declaration's victims' ledger as .xlsx or CSV, one row per member of every household
/// with a ledger or an application (docs/ledger-exchange.md).
#[utoipa::path(get, path = "/api/v1/disasters/{id}/ledger/export", tag = "ledger",
    params(("id" = Uuid, Path), ExportQuery),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export_ledger(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, AppError> {
    let format = export_format(&q)?;
    let ledgers = tsunagi_app::ledger::export(&state.app, &user.ctx, id).await?;
    table_file(
        &crate::exports::ledger_table(&ledgers),
        format,
        "ledger",
        "被災者台帳",
    )
}

/// Attaches a photograph (JPEG or PNG, up to 8 MB, as the body) to a survey.
#[utoipa::path(post, path = "/api/v1/damage-surveys/{id}/photos", tag = "certificates", params(("id" = Uuid, Path)),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_photo(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let photo = certificates::add_photo(&state.app, &user.ctx, id, body.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": photo}))))
}

/// A survey photograph.
#[utoipa::path(get, path = "/api/v1/damage-photos/{id}", tag = "certificates", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn photo(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, AppError> {
    let (content_type, bytes) = certificates::photo(&state.app, &user.ctx, id).await?;
    Response::builder()
        .header(axum::http::header::CONTENT_TYPE, content_type)
        .header(axum::http::header::CACHE_CONTROL, "private, no-store")
        .body(axum::body::Body::from(bytes))
        .map_err(|e| AppError::Internal(e.to_string()))
}

#[derive(Deserialize, ToSchema)]
pub struct DamageSettings {
    /// Accept photo self-assessment (自己判定方式) for 一部損壊.
    pub self_assessment_allowed: bool,
}

/// Sets the municipality's survey settings.
#[utoipa::path(put, path = "/api/v1/damage-settings", tag = "certificates", request_body = DamageSettings,
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn settings(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(s): ApiJson<DamageSettings>,
) -> Result<StatusCode, AppError> {
    certificates::set_self_assessment(&state.app, &user.ctx, s.self_assessment_allowed).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct SurveyImportQuery {
    /// Show what would be recorded, record nothing
    pub dry_run: Option<bool>,
    pub file_name: Option<String>,
}

/// Records surveyor teams' results from a CSV (the body; layout in the README): matched by
/// 世帯番号 to each household's open application. Every bad row is reported with its line;
/// any bad row records nothing.
#[utoipa::path(post, path = "/api/v1/disasters/{id}/surveys/import", tag = "certificates",
    params(("id" = Uuid, Path), SurveyImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn import_surveys(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<SurveyImportQuery>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let name = q.file_name.unwrap_or_else(|| "surveys.csv".into());
    match tsunagi_app::survey_import::import_surveys(
        &state.app,
        &user.ctx,
        id,
        &name,
        &body,
        q.dry_run.unwrap_or(false),
    )
    .await
    {
        Ok(r) => json(&r),
        Err(tsunagi_app::survey_import::SurveyImportError::File(e)) => {
            Err(AppError::BadRequest(e.to_string()))
        }
        Err(tsunagi_app::survey_import::SurveyImportError::App(e)) => Err(e.into()),
    }
}
