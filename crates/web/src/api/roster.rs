use super::dto::PersonSummaryDto;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use tsunagi_app::triage::{self, RosterFilter};
use tsunagi_domain::PersonId;
use tsunagi_domain::paging::Page;
use tsunagi_domain::triage::{
    Approach, Override, Priority, PriorityPolicy, Question, TriageResult,
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct TriageRunDto {
    pub triaged: usize,
    pub kept_overrides: usize,
    pub policy_version: u32,
    pub by_priority: std::collections::BTreeMap<String, usize>,
    pub by_approach: std::collections::BTreeMap<String, usize>,
    /// Results whose approach waits for an answer (要確認).
    pub to_confirm: usize,
}

/// Triages the caller's municipality's whole roster under its current policy.
#[utoipa::path(post, path = "/api/v1/roster/triage", tag = "roster",
    responses((status = 200, body = TriageRunDto), (status = 403, body = ErrorBody)))]
pub async fn run(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<TriageRunDto>, AppError> {
    let s = triage::run(&state.app, &user.ctx).await?;
    Ok(Json(TriageRunDto {
        triaged: s.triaged,
        kept_overrides: s.kept_overrides,
        policy_version: s.policy_version,
        by_priority: s.by_priority,
        by_approach: s.by_approach,
        to_confirm: s.to_confirm,
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct RosterQuery {
    /// high, medium or low
    pub priority: Option<String>,
    /// person_or_family, community, welfare_professional, self_preparedness
    pub approach: Option<String>,
    /// Name, reading (any width, hiragana or katakana) or 宛名番号
    pub q: Option<String>,
    /// not_started, in_progress or done
    pub plan: Option<String>,
    /// not_asked, given, refused, cannot_answer or withdrawn
    pub consent: Option<String>,
    /// A 自治会 or 民生委員地区, as written in the roster
    pub district: Option<String>,
    /// `true`: only those whose approach waits for an answer (要確認)
    pub to_confirm: Option<bool>,
    /// A town (町・大字) as the progress page names it: addresses beginning with the
    /// municipality's name and it
    pub town: Option<String>,
    /// name (default), age, district, priority, step or due
    pub sort: Option<String>,
    /// asc (default) or desc
    pub dir: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct RosterLineDto {
    pub person: PersonSummaryDto,
    pub triage: Option<TriageResult>,
    pub override_reason: Option<String>,
    /// The plan workflow's current step; `null`: not started
    pub step: Option<tsunagi_domain::workflow::Step>,
    /// The workflow's due date
    pub due: Option<chrono::NaiveDate>,
    pub consent: tsunagi_domain::consent::ConsentStatus,
    /// 自治会 / 民生委員地区
    pub district: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RosterPageDto {
    pub items: Vec<RosterLineDto>,
    pub total: u64,
}

/// Roster persons the caller may see, with their triage.
#[utoipa::path(get, path = "/api/v1/roster", tag = "roster", params(RosterQuery),
    responses((status = 200, body = RosterPageDto), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<RosterQuery>,
) -> Result<Json<RosterPageDto>, AppError> {
    let filter = RosterFilter {
        priority: Priority::parse_filter(q.priority.as_deref().unwrap_or(""))
            .map_err(AppError::BadRequest)?,
        approach: Approach::parse_filter(q.approach.as_deref().unwrap_or(""))
            .map_err(AppError::BadRequest)?,
        query: q.q.clone().unwrap_or_default(),
        district: q.district.clone().unwrap_or_default(),
        plan: tsunagi_domain::workflow::PlanState::parse_filter(q.plan.as_deref().unwrap_or(""))
            .map_err(AppError::BadRequest)?,
        consent: tsunagi_domain::consent::ConsentStatus::parse_filter(
            q.consent.as_deref().unwrap_or(""),
        )
        .map_err(AppError::BadRequest)?,
        to_confirm: q.to_confirm.unwrap_or(false),
        town: q.town.clone().unwrap_or_default(),
        order: tsunagi_domain::roster_order::RosterOrder::parse(
            q.sort.as_deref().unwrap_or(""),
            q.dir.as_deref().unwrap_or(""),
        )
        .map_err(AppError::BadRequest)?,
        only: None,
    };
    let (lines, total) = triage::roster_list(
        &state.app,
        &user.ctx,
        &filter,
        Page::requested(q.page, q.per_page).map_err(AppError::BadRequest)?,
    )
    .await?;
    Ok(Json(RosterPageDto {
        total,
        items: lines
            .into_iter()
            .map(|l| RosterLineDto {
                person: (&l.person).into(),
                override_reason: l.triage.as_ref().and_then(|t| t.override_reason.clone()),
                triage: l.triage.map(|t| t.result),
                step: l.step,
                due: l.due,
                consent: l.consent,
                district: l.district,
            })
            .collect(),
    }))
}

/// Changes one person's triage by hand; the reason is required and kept.
#[utoipa::path(post, path = "/api/v1/persons/{id}/triage", tag = "roster", params(("id" = Uuid, Path)), request_body = Override,
    responses((status = 200, body = TriageResult), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn override_result(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(o): ApiJson<Override>,
) -> Result<Json<TriageResult>, AppError> {
    let r = triage::override_result(&state.app, &user.ctx, PersonId(id), &o).await?;
    Ok(Json(r))
}

/// One answer to a question the flow left open.
#[derive(Deserialize, ToSchema)]
pub struct AnswerDto {
    pub question: Question,
    /// The family can help / the community can help.
    pub yes: bool,
}

#[derive(Deserialize, ToSchema)]
pub struct AnswersDto {
    pub answers: Vec<AnswerDto>,
    /// What was confirmed, with whom and how.
    pub note: Option<String>,
}

/// Answers the questions the triage flow left open for a person (要確認: the family's help to
/// evacuate, the community's help to make the plan), as the district's 民生委員 or 自治会 the
/// person is shared with, or the owning municipality. The person is triaged again; the new
/// result is returned (an override by staff is kept). 422 when a question is not waiting (for
/// instance already answered by someone else).
#[utoipa::path(post, path = "/api/v1/persons/{id}/questions", tag = "roster", params(("id" = Uuid, Path)), request_body = AnswersDto,
    responses((status = 200, body = TriageResult), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn answer_questions(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(a): ApiJson<AnswersDto>,
) -> Result<Json<Option<TriageResult>>, AppError> {
    let answers: Vec<(Question, bool)> = a.answers.iter().map(|x| (x.question, x.yes)).collect();
    tsunagi_app::roster::answer_questions(
        &state.app,
        &user.ctx,
        PersonId(id),
        &answers,
        a.note.as_deref(),
    )
    .await?;
    let record = tsunagi_app::persons::get(&state.app, &user.ctx, PersonId(id)).await?;
    Ok(Json(record.triage.map(|t| t.result)))
}

/// The caller's municipality's triage policy.
#[utoipa::path(get, path = "/api/v1/roster/policy", tag = "roster",
    responses((status = 200, body = PriorityPolicy), (status = 403, body = ErrorBody)))]
pub async fn get_policy(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<PriorityPolicy>, AppError> {
    Ok(Json(triage::policy(&state.app, &user.ctx).await?))
}

/// Saves a new version of the policy (the version number is assigned).
#[utoipa::path(put, path = "/api/v1/roster/policy", tag = "roster", request_body = PriorityPolicy,
    responses((status = 200, body = PriorityPolicy), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_policy(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(p): ApiJson<PriorityPolicy>,
) -> Result<Json<PriorityPolicy>, AppError> {
    let saved = triage::set_policy(&state.app, &user.ctx, p).await?;
    Ok(Json(saved))
}

/// Takes a person off the roster with the reason and the day (the owning municipality): the
/// entry goes from every list, export and receiver at once; the person record stays.
#[utoipa::path(post, path = "/api/v1/persons/{id}/roster/leave", tag = "roster", params(("id" = uuid::Uuid, Path)),
    request_body = tsunagi_domain::departure::Departure,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn leave(
    State(state): State<AppState>,
    user: ApiUser,
    super::extract::ApiPath(id): super::extract::ApiPath<uuid::Uuid>,
    super::extract::ApiJson(d): super::extract::ApiJson<tsunagi_domain::departure::Departure>,
) -> Result<axum::http::StatusCode, AppError> {
    tsunagi_app::roster::leave(&state.app, &user.ctx, tsunagi_domain::PersonId(id), d).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DepartureDto {
    pub person: super::dto::PersonSummaryDto,
    pub departure: tsunagi_domain::departure::Departure,
    pub recorded_by: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

/// The municipality's departures from the roster, newest first.
#[utoipa::path(get, path = "/api/v1/roster/departures", tag = "roster",
    responses((status = 200, body = Vec<DepartureDto>), (status = 403, body = ErrorBody)))]
pub async fn departures(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<DepartureDto>>, AppError> {
    let d = tsunagi_app::roster::departures(&state.app, &user.ctx).await?;
    Ok(Json(
        d.into_iter()
            .map(|r| DepartureDto {
                person: (&r.person).into(),
                departure: r.departure,
                recorded_by: r.recorded_by,
                recorded_at: r.recorded_at,
            })
            .collect(),
    ))
}

/// Supporter capacity (the guide's Q1): roster people without a supporter in their newest plan,
/// and supporters named in several plans (the municipality's staff).
#[utoipa::path(get, path = "/api/v1/roster/supporters", tag = "roster",
    responses((status = 200, body = tsunagi_domain::supporters::SupporterCapacity), (status = 403, body = ErrorBody)))]
pub async fn supporters(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<tsunagi_domain::supporters::SupporterCapacity>, AppError> {
    Ok(Json(
        tsunagi_app::plans::supporter_capacity(&state.app, &user.ctx).await?,
    ))
}
