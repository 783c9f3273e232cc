//! Paper lists of the safety-check sweep: print one (PDF, recorded as handed out), list those
//! of a declaration, enter a returned sheet's results (all or nothing, once).

use super::extract::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use tsunagi_app::safety_paper::{self, PaperRow};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
pub struct PrintPaperList {
    /// The checker whose people to print (the municipality's staff choose; none: the people
    /// left to the staff). A checking organisation always gets its own.
    #[serde(default)]
    pub checker_organisation_id: Option<Uuid>,
}

/// Prints a checker's people of an open declaration's sweep as an A4 sheet with boxes to tick
/// and a row number per person; the list is recorded (number, for whom, by whom, the people)
/// and audited as an export. Void once the declaration closes.
#[utoipa::path(post, path = "/api/v1/disasters/{id}/paper-lists", tag = "disasters", params(("id" = Uuid, Path)),
    request_body = PrintPaperList,
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn print(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(p): ApiJson<PrintPaperList>,
) -> Result<axum::response::Response, AppError> {
    let sheet = safety_paper::issue(
        &state.app,
        &user.ctx,
        id,
        p.checker_organisation_id
            .map(tsunagi_domain::OrganisationId),
    )
    .await?;
    let actor = user.ctx.actor()?;
    let municipality = tsunagi_app::organisations::name_of(
        &state.app,
        actor.municipality_id.unwrap_or(actor.organisation_id),
    )
    .await?;
    let mut r = crate::documents::sweep_sheet_pdf(&sheet, &municipality, user.ctx.today()).await?;
    if let Ok(v) = sheet.list.id.to_string().parse() {
        r.headers_mut().insert("x-paper-list-id", v);
    }
    Ok(r)
}

#[derive(Serialize, ToSchema)]
pub struct PaperListDto {
    pub id: Uuid,
    pub number: i32,
    pub checker_organisation_id: Option<Uuid>,
    pub checker: String,
    /// The people in row order (row 1 first).
    pub persons: Vec<Uuid>,
    pub issued_by: String,
    pub issued_at: chrono::DateTime<chrono::Utc>,
    pub entered_by: Option<String>,
    pub entered_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The paper lists handed out under a declaration, newest first (the municipality's staff).
#[utoipa::path(get, path = "/api/v1/disasters/{id}/paper-lists", tag = "disasters", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<PaperListDto>), (status = 404, body = ErrorBody)))]
pub async fn lists(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<PaperListDto>>, AppError> {
    Ok(Json(
        safety_paper::lists(&state.app, &user.ctx, id)
            .await?
            .into_iter()
            .map(|l| PaperListDto {
                id: l.list.id,
                number: l.list.number,
                checker_organisation_id: l.list.checker,
                checker: l.checker_name,
                persons: l.list.persons,
                issued_by: l.list.issued_by,
                issued_at: l.list.issued_at,
                entered_by: l.list.entered_by,
                entered_at: l.list.entered_at,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct PaperRowDto {
    /// The row number printed on the sheet.
    pub row: u32,
    pub status: tsunagi_domain::safety::SafetyStatus,
    pub method: tsunagi_domain::safety::ContactMethod,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct PaperResults {
    /// The rows marked on the returned sheet (blank rows left out).
    pub rows: Vec<PaperRowDto>,
}

#[derive(Serialize, ToSchema)]
pub struct PaperEnteredDto {
    pub recorded: usize,
}

/// Enters a returned sheet's results (the municipality's staff): every row checked first and
/// every error given with its row; then all recorded in one transaction, or none. Once per
/// sheet (409 after).
#[utoipa::path(post, path = "/api/v1/paper-lists/{id}/results", tag = "disasters", params(("id" = Uuid, Path)),
    request_body = PaperResults,
    responses((status = 200, body = PaperEnteredDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn enter(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<PaperResults>,
) -> Result<Json<PaperEnteredDto>, AppError> {
    let rows = r
        .rows
        .into_iter()
        .map(|r| PaperRow {
            row: r.row,
            status: r.status,
            method: r.method,
            note: r.note,
        })
        .collect();
    Ok(Json(PaperEnteredDto {
        recorded: safety_paper::enter(&state.app, &user.ctx, id, rows).await?,
    }))
}
