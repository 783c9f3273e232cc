//! Receivers (名簿の提供先) over the API: definitions by district and each receiver's list.

use super::extract::{ApiJson, ApiPath};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use tsunagi_app::receivers;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::plan::EvacuationPlan;
use tsunagi_domain::receiver::Receiver;
use tsunagi_domain::roster::RosterEntry;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct ReceiverDto {
    pub organisation_id: Uuid,
    pub name: String,
    pub kind: OrganisationKind,
    /// `null` when the organisation is not a receiver.
    pub receiver: Option<Receiver>,
    pub version: i32,
    /// Roster persons in its districts (whether or not their consent opens them).
    pub covered: u64,
}

/// The municipality's support-party organisations and what each receives.
#[utoipa::path(get, path = "/api/v1/receivers", tag = "receivers",
    responses((status = 200, body = Vec<ReceiverDto>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<ReceiverDto>>, AppError> {
    let lines = receivers::list(&state.app, &user.ctx).await?;
    Ok(Json(
        lines
            .into_iter()
            .map(|l| ReceiverDto {
                organisation_id: l.organisation.id.0,
                name: l.organisation.name,
                kind: l.organisation.kind,
                receiver: l.receiver,
                version: l.version,
                covered: l.covered,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ReceiverWrite {
    /// The version the edit started from (0 for a new receiver); stale edits get 409.
    pub version: i32,
    /// `null` stops giving this organisation anything.
    pub receiver: Option<Receiver>,
}

#[derive(Serialize, ToSchema)]
pub struct ApplyDto {
    pub added: usize,
    pub removed: usize,
}

/// Sets an organisation's districts and whether it receives plans, and applies it at once.
#[utoipa::path(put, path = "/api/v1/receivers/{id}", tag = "receivers", params(("id" = Uuid, Path)), request_body = ReceiverWrite,
    responses((status = 200, body = ApplyDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(w): ApiJson<ReceiverWrite>,
) -> Result<Json<ApplyDto>, AppError> {
    let r = receivers::set(
        &state.app,
        &user.ctx,
        OrganisationId(id),
        w.receiver.as_ref(),
        w.version,
    )
    .await?;
    Ok(Json(ApplyDto {
        added: r.added,
        removed: r.removed,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ListLineDto {
    pub person_id: Uuid,
    pub name: String,
    pub name_kana: String,
    pub birth_date: chrono::NaiveDate,
    pub address: String,
    pub phone: Option<String>,
    pub roster: RosterEntry,
    /// Present only for receivers given plans.
    pub plan: Option<EvacuationPlan>,
}

/// The receiver's list: exactly the persons in its districts whose consent covers it now.
/// For the municipality's staff and the receiver's own members; others get 404.
#[utoipa::path(get, path = "/api/v1/receivers/{id}/list", tag = "receivers", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<ListLineDto>), (status = 404, body = ErrorBody)))]
pub async fn receiver_list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<ListLineDto>>, AppError> {
    let (_, lines) =
        receivers::receiver_list(&state.app, &user.ctx, OrganisationId(id), "api").await?;
    Ok(Json(
        lines
            .into_iter()
            .map(|l| ListLineDto {
                person_id: l.person.id.0,
                name: l.person.name,
                name_kana: l.person.name_kana,
                birth_date: l.person.birth_date,
                address: l.person.address,
                phone: l.phone,
                roster: l.entry,
                plan: l.plan,
            })
            .collect(),
    ))
}

/// An agreement (協定・誓約書) of a receiver with the municipality.
#[derive(Serialize, ToSchema)]
pub struct AgreementDto {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub agreement: tsunagi_domain::receiver::ReceiverAgreement,
    /// Ended early: the first day it no longer holds.
    pub ended_on: Option<chrono::NaiveDate>,
    /// Holds today (JST).
    pub in_force: bool,
    pub recorded_by: String,
}

/// The agreements of the municipality with its receivers, newest first.
#[utoipa::path(get, path = "/api/v1/receiver-agreements", tag = "receivers",
    responses((status = 200, body = Vec<AgreementDto>), (status = 403, body = ErrorBody)))]
pub async fn agreements(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<AgreementDto>>, AppError> {
    let today = user.ctx.today();
    Ok(Json(
        receivers::agreements(&state.app, &user.ctx)
            .await?
            .into_iter()
            .map(|a| AgreementDto {
                id: a.id,
                organisation_id: a.organisation_id.0,
                in_force: a.in_force(today),
                agreement: a.agreement,
                ended_on: a.ended_on,
                recorded_by: a.recorded_by,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct CreatedDto {
    pub id: Uuid,
}

/// Records an agreement of a receiver (協定 or 誓約書: the day, an optional expiry, what it
/// covers, where the document is kept). Where the municipality requires one, the receiver's
/// normal-time provision opens with it.
#[utoipa::path(post, path = "/api/v1/receivers/{id}/agreements", tag = "receivers", params(("id" = Uuid, Path)),
    request_body = tsunagi_domain::receiver::ReceiverAgreement,
    responses((status = 201, body = CreatedDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_agreement(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(a): ApiJson<tsunagi_domain::receiver::ReceiverAgreement>,
) -> Result<(axum::http::StatusCode, Json<CreatedDto>), AppError> {
    let id = receivers::add_agreement(&state.app, &user.ctx, OrganisationId(id), a).await?;
    Ok((axum::http::StatusCode::CREATED, Json(CreatedDto { id })))
}

/// Ends an agreement from today; where the municipality requires one, the receiver's
/// normal-time provision ends with it.
#[utoipa::path(post, path = "/api/v1/receiver-agreements/{id}/end", tag = "receivers", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn end_agreement(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<axum::http::StatusCode, AppError> {
    receivers::end_agreement(&state.app, &user.ctx, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Someone on a handed-out list who left the roster after it went out.
#[derive(Serialize, ToSchema)]
pub struct DepartedDto {
    pub person_id: Uuid,
    pub name: String,
    pub reason: tsunagi_domain::departure::LeaveReason,
    pub left_on: chrono::NaiveDate,
}

/// A list handed out to a receiver (配布した名簿).
#[derive(Serialize, ToSchema)]
pub struct IssuedListDto {
    pub id: Uuid,
    pub issued_at: chrono::DateTime<chrono::Utc>,
    pub issued_by: String,
    /// xlsx, csv, csv-utf8 or api
    pub format: String,
    pub people: usize,
    pub state: tsunagi_domain::issued_list::IssuedListState,
    pub recall: Option<tsunagi_domain::issued_list::Recall>,
    /// Those on it who left the roster since it went out (while it is not recalled).
    pub departed: Vec<DepartedDto>,
}

/// The lists handed out to a receiver, newest first: each download of its list is one. For
/// the municipality's staff and the receiver's own members; others get 404.
#[utoipa::path(get, path = "/api/v1/receivers/{id}/issued-lists", tag = "receivers", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<IssuedListDto>), (status = 404, body = ErrorBody)))]
pub async fn issued_lists(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<IssuedListDto>>, AppError> {
    let (_, lists) = receivers::issued_lists(&state.app, &user.ctx, OrganisationId(id)).await?;
    Ok(Json(
        lists
            .into_iter()
            .map(|l| IssuedListDto {
                id: l.id,
                issued_at: l.issued_at,
                issued_by: l.issued_by,
                format: l.format,
                people: l.people,
                state: l.state,
                recall: l.recall,
                departed: l
                    .departed
                    .into_iter()
                    .map(|d| DepartedDto {
                        person_id: d.person.id.0,
                        name: d.person.name,
                        reason: d.reason,
                        left_on: d.left_on,
                    })
                    .collect(),
            })
            .collect(),
    ))
}

/// Records that a handed-out list came back (回収) or was destroyed (廃棄), once; by the
/// municipality's staff or the receiver's own member.
#[utoipa::path(post, path = "/api/v1/issued-lists/{id}/recall", tag = "receivers", params(("id" = Uuid, Path)),
    request_body = tsunagi_domain::issued_list::Recall,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn recall_list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<tsunagi_domain::issued_list::Recall>,
) -> Result<axum::http::StatusCode, AppError> {
    receivers::recall_list(&state.app, &user.ctx, id, r).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
