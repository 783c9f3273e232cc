//! Shelters in operation (避難所の開設・運営): open and close a shelter for a declaration, check
//! evacuees in and out (a transfer to a 福祉避難所 keeps their needs), each shelter's list, and
//! the counts and free places for the headquarters. The municipality's staff.

use super::extract::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use tsunagi_app::shelter_operations as ops;
use tsunagi_domain::PersonId;
use tsunagi_domain::shelter_stay::{EvacueeNeed, OpeningInput};
use utoipa::ToSchema;
use uuid::Uuid;

fn json<T: serde::Serialize>(v: &T) -> Result<Json<Value>, AppError> {
    serde_json::to_value(v)
        .map(Json)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The declaration's shelters in operation: present, capacity, free places, needs.
#[utoipa::path(get, path = "/api/v1/disasters/{id}/shelters", tag = "shelters", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&ops::list(&state.app, &user.ctx, id).await?)
}

/// Opens one of the municipality's shelters for an open declaration.
#[utoipa::path(post, path = "/api/v1/disasters/{id}/shelters", tag = "shelters", params(("id" = Uuid, Path)),
    request_body = OpeningInput,
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<OpeningInput>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let o = ops::open(&state.app, &user.ctx, id, input).await?;
    Ok((StatusCode::CREATED, json(&o)?))
}

#[derive(Deserialize, ToSchema)]
pub struct CloseOpening {
    pub version: i32,
}

/// Closes a shelter (refused while anyone is checked in).
#[utoipa::path(post, path = "/api/v1/shelter-openings/{id}/close", tag = "shelters", params(("id" = Uuid, Path)),
    request_body = CloseOpening,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(c): ApiJson<CloseOpening>,
) -> Result<Json<Value>, AppError> {
    json(&ops::close(&state.app, &user.ctx, id, c.version).await?)
}

/// The people at a shelter now, by reading, with their needs.
#[utoipa::path(get, path = "/api/v1/shelter-openings/{id}/evacuees", tag = "shelters", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn evacuees(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&ops::evacuees(&state.app, &user.ctx, id).await?)
}

#[derive(Deserialize, ToSchema)]
pub struct CheckIn {
    pub person: Uuid,
    #[serde(default)]
    pub needs: Vec<EvacueeNeed>,
    pub note: Option<String>,
}

/// Checks a person in (found by the person search: name, kana, 宛名番号). A person in the
/// safety-check sweep is recorded 避難済み at once.
#[utoipa::path(post, path = "/api/v1/shelter-openings/{id}/check-in", tag = "shelters", params(("id" = Uuid, Path)),
    request_body = CheckIn,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn check_in(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(c): ApiJson<CheckIn>,
) -> Result<Json<Value>, AppError> {
    let input = tsunagi_domain::shelter_stay::CheckInInput {
        needs: c.needs,
        note: c.note,
    };
    json(&ops::check_in(&state.app, &user.ctx, id, PersonId(c.person), input).await?)
}

/// Registers someone with no record yet (name, reading, age, sex, the address if known) and
/// checks them in, in one step; the birth date is estimated from the age and the stay says so.
#[utoipa::path(post, path = "/api/v1/shelter-openings/{id}/walk-in", tag = "shelters", params(("id" = Uuid, Path)),
    request_body = tsunagi_domain::shelter_stay::WalkIn,
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn walk_in(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(w): ApiJson<tsunagi_domain::shelter_stay::WalkIn>,
) -> Result<(axum::http::StatusCode, Json<Value>), AppError> {
    let (person, opening) = ops::check_in_walk_in(&state.app, &user.ctx, id, w).await?;
    let v = serde_json::json!({"person": person, "opening": opening});
    Ok((axum::http::StatusCode::CREATED, Json(v)))
}

#[derive(Deserialize, ToSchema)]
pub struct CheckOut {
    pub person: Uuid,
    /// Another open shelter of the same disaster (e.g. a 福祉避難所): a transfer.
    pub to: Option<Uuid>,
}

/// Checks a person out, or transfers them to another open shelter.
#[utoipa::path(post, path = "/api/v1/shelter-openings/{id}/check-out", tag = "shelters", params(("id" = Uuid, Path)),
    request_body = CheckOut,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn check_out(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(c): ApiJson<CheckOut>,
) -> Result<Json<Value>, AppError> {
    json(&ops::check_out(&state.app, &user.ctx, id, PersonId(c.person), c.to).await?)
}

/// The disaster headquarters' figures: per area the people in the safety-check sweep —
/// safe, needing help, not reached, missing, dead — and the shelters open with occupancy,
/// free places and needs. Counts only.
#[utoipa::path(get, path = "/api/v1/disasters/{id}/headquarters", tag = "shelters", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn headquarters(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Value>, AppError> {
    json(&tsunagi_app::headquarters::view(&state.app, &user.ctx, id).await?)
}

/// Records whom the person lets be told of their safety in this disaster (安否情報の提供).
#[utoipa::path(put, path = "/api/v1/disasters/{id}/persons/{person}/safety-info-consent", tag = "shelters",
    params(("id" = Uuid, Path), ("person" = Uuid, Path)),
    request_body = tsunagi_domain::safety_info::SafetyInfoConsent,
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn safety_info_consent(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, person)): ApiPath<(Uuid, Uuid)>,
    ApiJson(c): ApiJson<tsunagi_domain::safety_info::SafetyInfoConsent>,
) -> Result<StatusCode, AppError> {
    tsunagi_app::safety_info::set_consent(&state.app, &user.ctx, id, PersonId(person), c).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct Enquiry {
    pub person: Uuid,
    /// Who is asking.
    pub enquirer: String,
    pub relation: tsunagi_domain::safety_info::EnquirerRelation,
}

/// Answers an enquiry about a person's safety with only what the person agreed for such an
/// enquirer; the answer is recorded.
#[utoipa::path(post, path = "/api/v1/disasters/{id}/enquiries", tag = "shelters", params(("id" = Uuid, Path)),
    request_body = Enquiry,
    responses((status = 200, body = tsunagi_domain::safety_info::EnquiryAnswer), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn enquiry(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(e): ApiJson<Enquiry>,
) -> Result<Json<tsunagi_domain::safety_info::EnquiryAnswer>, AppError> {
    Ok(Json(
        tsunagi_app::safety_info::answer_enquiry(
            &state.app,
            &user.ctx,
            id,
            PersonId(e.person),
            &e.enquirer,
            e.relation,
        )
        .await?,
    ))
}
