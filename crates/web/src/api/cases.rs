//! Disaster case management, first part: the outreach queue, visits with their assessment,
//! cases (opened per household with a lead organisation), the household's classification, and
//! closing / reopening. A user of an organisation with no part in a case gets 404.

use super::extract::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;
use tsunagi_app::cases::{self, NewCase};
use tsunagi_domain::case_management::{
    CaseSource, Closing, ClosingReason, HouseholdType, VisitInput,
};
use tsunagi_domain::{HouseholdId, OrganisationId};
use utoipa::ToSchema;
use uuid::Uuid;

fn json<T: serde::Serialize>(v: &T) -> Result<Json<Value>, AppError> {
    serde_json::to_value(v)
        .map(Json)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The outreach queue (アウトリーチ): every household on the ledger, with a case or a visit, or
/// with someone in the safety sweep; never reached first (absent three times: escalated, at
/// the top), then by risk (roster priority, damage, age, living alone, the sweep).
#[utoipa::path(get, path = "/api/v1/disasters/{id}/outreach", tag = "cases", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn queue(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&cases::queue(&state.app, &user.ctx, id).await?)
}

/// Records a visit: date, visitors with their organisations, outcome (met / absent / refused /
/// moved), what was seen, the assessment per issue category when met, the next visit.
#[utoipa::path(post, path = "/api/v1/disasters/{id}/households/{household}/visits", tag = "cases",
    params(("id" = Uuid, Path), ("household" = Uuid, Path)), request_body = VisitInput,
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn visit(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, household)): ApiPath<(Uuid, Uuid)>,
    ApiJson(v): ApiJson<VisitInput>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let v = cases::record_visit(&state.app, &user.ctx, id, HouseholdId(household), v).await?;
    Ok((StatusCode::CREATED, json(&v)?))
}

#[derive(Deserialize, ToSchema)]
pub struct CaseOpen {
    pub lead_organisation: Uuid,
    pub source: CaseSource,
    pub lead_caseworker: Option<String>,
    pub next_review_on: Option<NaiveDate>,
}

/// Opens the household's case, owned by the municipality, with a lead organisation.
#[utoipa::path(post, path = "/api/v1/disasters/{id}/households/{household}/case", tag = "cases",
    params(("id" = Uuid, Path), ("household" = Uuid, Path)), request_body = CaseOpen,
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, household)): ApiPath<(Uuid, Uuid)>,
    ApiJson(c): ApiJson<CaseOpen>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let v = cases::open(
        &state.app,
        &user.ctx,
        id,
        HouseholdId(household),
        NewCase {
            lead_organisation: OrganisationId(c.lead_organisation),
            source: c.source,
            lead_caseworker: c.lead_caseworker,
            next_review_on: c.next_review_on,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, json(&v)?))
}

/// A case with its household (members, roster, safety, certificate), visits, the latest
/// assessment and the proposed classification.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&cases::get(&state.app, &user.ctx, id).await?)
}

/// The cases the caller's organisation leads.
#[utoipa::path(get, path = "/api/v1/cases/mine", tag = "cases",
    responses((status = 200, body = Object)))]
pub async fn mine(State(state): State<AppState>, user: ApiUser) -> Result<Json<Value>, AppError> {
    json(&cases::mine(&state.app, &user.ctx).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct ClassificationSave {
    pub version: i32,
    pub household_type: HouseholdType,
    pub reason: String,
}

/// Decides the household's classification (生活再建可能 / 日常生活支援 / 住まいの再建支援 / 両方)
/// with the reason; the proposal from the assessment is kept beside it.
#[utoipa::path(post, path = "/api/v1/cases/{id}/classification", tag = "cases", params(("id" = Uuid, Path)),
    request_body = ClassificationSave,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn classify(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(c): ApiJson<ClassificationSave>,
) -> Result<Json<Value>, AppError> {
    json(
        &cases::classify(
            &state.app,
            &user.ctx,
            id,
            c.version,
            c.household_type,
            c.reason,
        )
        .await?,
    )
}

#[derive(Deserialize, ToSchema)]
pub struct CaseClose {
    pub version: i32,
    pub reason: ClosingReason,
    pub closed_on: NaiveDate,
    pub note: Option<String>,
}

/// Closes a case with its reason (the municipality's staff).
#[utoipa::path(post, path = "/api/v1/cases/{id}/close", tag = "cases", params(("id" = Uuid, Path)),
    request_body = CaseClose,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(c): ApiJson<CaseClose>,
) -> Result<Json<Value>, AppError> {
    let closing = Closing {
        reason: c.reason,
        closed_on: c.closed_on,
        note: c.note,
    };
    json(&cases::close(&state.app, &user.ctx, id, c.version, closing).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct CaseReopen {
    pub version: i32,
}

/// Reopens a closed case (the municipality's staff); the closing stays in the history.
#[utoipa::path(post, path = "/api/v1/cases/{id}/reopen", tag = "cases", params(("id" = Uuid, Path)),
    request_body = CaseReopen,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reopen(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(c): ApiJson<CaseReopen>,
) -> Result<Json<Value>, AppError> {
    json(&cases::reopen(&state.app, &user.ctx, id, c.version).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct HandoverSave {
    pub version: i32,
    /// `transfer` (移管), `share` (共有) or `unshare` (共有の終了).
    pub kind: tsunagi_domain::case_management::HandoverKind,
    /// The municipality or prefecture.
    #[schema(value_type = String, format = Uuid)]
    pub to: tsunagi_domain::OrganisationId,
    pub reason: String,
}

/// Transfers a case to, or shares it with, another municipality or the prefecture (the
/// owner's staff), the household's whereabouts from the ledger recorded; a transfer ends the
/// sending side's view.
#[utoipa::path(post, path = "/api/v1/cases/{id}/handovers", tag = "cases", params(("id" = Uuid, Path)),
    request_body = HandoverSave,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn handover(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(h): ApiJson<HandoverSave>,
) -> Result<Json<Value>, AppError> {
    json(&cases::hand_over(&state.app, &user.ctx, id, h.version, h.kind, h.to, h.reason).await?)
}

/// The information-sharing meeting's report (情報連携会議): cases by status, classification,
/// issue category and severity, area and lead organisation, households not reached — counts
/// only, cells of one to four households shown as 「5未満」; the change since the last meeting
/// (`since`, default 14 days ago) and open referrals by days waited.
#[utoipa::path(get, path = "/api/v1/disasters/{id}/case-report", tag = "cases",
    params(("id" = Uuid, Path), ("since" = Option<String>, Query, description = "the day of the last meeting (YYYY-MM-DD)")),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    axum::extract::Query(q): axum::extract::Query<ReportQuery>,
) -> Result<Json<Value>, AppError> {
    let since = q.since.as_deref().and_then(|s| s.parse().ok());
    json(&cases::report(&state.app, &user.ctx, id, since).await?)
}

/// The prefecture's roll-up (the prefecture's staff): the same figures across every open
/// declaration of the municipalities of the prefecture, one area per municipality.
#[utoipa::path(get, path = "/api/v1/prefecture/case-report", tag = "cases",
    params(("since" = Option<String>, Query, description = "the day of the last meeting (YYYY-MM-DD)")),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody)))]
pub async fn prefecture_report(
    State(state): State<AppState>,
    user: ApiUser,
    axum::extract::Query(q): axum::extract::Query<ReportQuery>,
) -> Result<Json<Value>, AppError> {
    let since = q.since.as_deref().and_then(|s| s.parse().ok());
    json(&cases::prefecture_report(&state.app, &user.ctx, since).await?)
}

#[derive(Deserialize)]
pub struct ReportQuery {
    since: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewSave {
    pub version: i32,
    #[serde(default)]
    pub progress: Vec<tsunagi_domain::case_management::IssueProgress>,
    pub policy: String,
    pub next_review_on: Option<NaiveDate>,
}

/// Records a review (見直し): progress per issue, the revised support policy, the next review.
#[utoipa::path(post, path = "/api/v1/cases/{id}/reviews", tag = "cases", params(("id" = Uuid, Path)),
    request_body = ReviewSave,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<ReviewSave>,
) -> Result<Json<Value>, AppError> {
    let input = cases::ReviewInput {
        progress: r.progress,
        policy: r.policy,
        next_review_on: r.next_review_on,
    };
    json(&cases::review(&state.app, &user.ctx, id, r.version, input).await?)
}

/// The caller's day: visits planned for today or earlier, reviews due, open cases (its
/// organisation's; the municipality's staff: all of the municipality's).
#[utoipa::path(get, path = "/api/v1/cases/day", tag = "cases",
    responses((status = 200, body = Object)))]
pub async fn day(State(state): State<AppState>, user: ApiUser) -> Result<Json<Value>, AppError> {
    json(&cases::my_day(&state.app, &user.ctx).await?)
}
