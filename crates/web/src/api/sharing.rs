use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tsunagi_app::sharing;
use tsunagi_domain::access::AccessLevel;
use tsunagi_domain::consent::ConsentRecord;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::{OrganisationId, PersonId};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Records a person's consent (the owning municipality only). A withdrawal takes effect for
/// every receiver at once.
#[utoipa::path(put, path = "/api/v1/persons/{id}/consent", tag = "sharing", params(("id" = Uuid, Path)), request_body = ConsentRecord,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_consent(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(c): ApiJson<ConsentRecord>,
) -> Result<StatusCode, AppError> {
    sharing::set_consent(&state.app, &user.ctx, PersonId(id), &c).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct ShareDto {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub kind: OrganisationKind,
    pub level: AccessLevel,
}

/// Who a person's record is shared with (the owning municipality only).
#[utoipa::path(get, path = "/api/v1/persons/{id}/shares", tag = "sharing", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<ShareDto>), (status = 404, body = ErrorBody)))]
pub async fn list_shares(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<ShareDto>>, AppError> {
    let shares = sharing::shares_of(&state.app, &user.ctx, PersonId(id)).await?;
    Ok(Json(
        shares
            .into_iter()
            .map(|s| ShareDto {
                organisation_id: s.organisation_id.0,
                organisation_name: s.organisation_name,
                kind: s.kind,
                level: s.level,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewShare {
    pub organisation_id: Uuid,
    pub level: AccessLevel,
}

/// Shares a person's record with an organisation working in the same municipality.
#[utoipa::path(post, path = "/api/v1/persons/{id}/shares", tag = "sharing", params(("id" = Uuid, Path)), request_body = NewShare,
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn add_share(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(s): ApiJson<NewShare>,
) -> Result<StatusCode, AppError> {
    sharing::share(
        &state.app,
        &user.ctx,
        PersonId(id),
        OrganisationId(s.organisation_id),
        s.level,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stops sharing at once.
#[utoipa::path(delete, path = "/api/v1/persons/{id}/shares/{org}", tag = "sharing", params(("id" = Uuid, Path), ("org" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn remove_share(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, org)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    sharing::unshare(&state.app, &user.ctx, PersonId(id), OrganisationId(org)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct ImportQuery {
    /// The file's name, for the report and the audit trail
    pub file_name: Option<String>,
    /// auto (default), utf-8, shift_jis
    pub encoding: Option<String>,
    #[serde(default)]
    pub dry_run: bool,
    #[serde(default)]
    pub only_valid: bool,
    /// The file is a full extract: roster people absent from it are listed in the report
    /// (`outcome.absent`) for confirmation, never removed
    #[serde(default)]
    pub full_extract: bool,
}

/// Imports a roster CSV (the request body, as the file's bytes). Same rules as the screen: a
/// file with bad rows changes nothing unless `only_valid`; `dry_run` changes nothing.
#[utoipa::path(post, path = "/api/v1/roster/import", tag = "roster", params(ImportQuery), request_body(content = Vec<u8>, content_type = "text/csv"),
    responses((status = 200, description = "the import report"), (status = 422, body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<tsunagi_app::roster::ImportReport>), AppError> {
    if !tsunagi_domain::access::can(
        &user.actor,
        tsunagi_domain::access::Capability::CreatePerson,
    ) {
        return Err(AppError::Forbidden);
    }
    let options = tsunagi_app::roster::ImportOptions {
        encoding: q
            .encoding
            .as_deref()
            .unwrap_or("auto")
            .parse()
            .map_err(AppError::BadRequest)?,
        mapping: Default::default(),
        dry_run: q.dry_run,
        only_valid: q.only_valid,
        full_extract: q.full_extract,
    };
    let name = q.file_name.unwrap_or_else(|| "roster.csv".into());
    match tsunagi_app::roster::import(&state.app, &user.ctx, &name, &body, &options).await {
        Ok(r) => {
            let status = if r.errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok((status, Json(r)))
        }
        Err(tsunagi_app::roster::ImportError::File(e)) => Err(AppError::BadRequest(e.to_string())),
        Err(tsunagi_app::roster::ImportError::App(e)) => Err(e.into()),
    }
}
