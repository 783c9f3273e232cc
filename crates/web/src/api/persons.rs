use super::dto::{PersonDto, PersonPageDto, PersonQuery, PersonUpdate};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tsunagi_app::persons;
use tsunagi_domain::PersonId;
use tsunagi_domain::paging::Page;
use tsunagi_domain::person::PersonInput;
use uuid::Uuid;

/// Persons the caller may see, searched by name, reading or 宛名番号.
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", params(PersonQuery),
    responses((status = 200, body = PersonPageDto), (status = 401, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<PersonQuery>,
) -> Result<Json<PersonPageDto>, AppError> {
    let page = Page::requested(q.page, q.per_page).map_err(AppError::BadRequest)?;
    let found = persons::search(&state.app, &user.ctx, &q.q, page).await?;
    Ok(Json(PersonPageDto {
        items: found.items.iter().map(Into::into).collect(),
        total: found.total,
        page: page.number,
        per_page: page.size,
    }))
}

/// Registers a person in the caller's municipality.
#[utoipa::path(post, path = "/api/v1/persons", tag = "persons", request_body = PersonInput,
    responses((status = 201, body = PersonDto), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<(StatusCode, Json<PersonDto>), AppError> {
    let details = input
        .validate(user.ctx.today())
        .map_err(AppError::Invalid)?;
    let p = persons::create(&state.app, &user.ctx, details).await?;
    Ok((StatusCode::CREATED, Json((&p).into())))
}

/// One person's record. 404 when it does not exist or the caller may not see it.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = Uuid, Path)),
    responses((status = 200, body = PersonDto), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<PersonDto>, AppError> {
    let p = persons::get(&state.app, &user.ctx, PersonId(id)).await?;
    Ok(Json((&p).into()))
}

/// Replaces a person's details. `version` must be the version read; otherwise 409 with the
/// current version, and nothing is changed.
#[utoipa::path(put, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = Uuid, Path)), request_body = PersonUpdate,
    responses((status = 200, body = PersonDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<PersonUpdate>,
) -> Result<Json<PersonDto>, AppError> {
    let details = body
        .person
        .validate(user.ctx.today())
        .map_err(AppError::Invalid)?;
    let p = persons::update(&state.app, &user.ctx, PersonId(id), body.version, details).await?;
    Ok(Json((&p).into()))
}
