use super::dto::{MeDto, NewUser, UserDto};
use super::extract::ApiJson;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tsunagi_app::users;
use tsunagi_domain::OrganisationId;

/// Who the token belongs to, and the organisation and role it acts for.
#[utoipa::path(get, path = "/api/v1/me", tag = "users",
    responses((status = 200, body = MeDto), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, user: ApiUser) -> Result<Json<MeDto>, AppError> {
    let m = users::current_membership(&state.app, &user.ctx).await?;
    Ok(Json(MeDto {
        user_id: user.actor.user_id.0,
        login: user.actor.login.clone(),
        acting_as: (&m).into(),
    }))
}

/// Users of the organisations the caller administers.
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, body = Vec<UserDto>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<UserDto>>, AppError> {
    Ok(Json(
        users::users_for(&state.app, &user.ctx)
            .await?
            .iter()
            .map(|u| UserDto {
                id: u.id.0,
                login: u.login.clone(),
                display_name: u.display_name.clone(),
                locked_until: u.locked_until,
                memberships: u.memberships.iter().map(Into::into).collect(),
            })
            .collect(),
    ))
}

/// Creates a user with a role in an organisation the caller administers.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUser,
    responses((status = 201, body = UserDto), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(new): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<UserDto>), AppError> {
    let id = users::create_member(
        &state.app,
        &user.ctx,
        users::NewUser {
            login: &new.login,
            display_name: &new.display_name,
            password: &new.password,
        },
        OrganisationId(new.organisation_id),
        new.role,
    )
    .await?;
    let memberships = users::memberships(&state.app, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(UserDto {
            id: id.0,
            login: new.login.trim().to_owned(),
            display_name: new.display_name.trim().to_owned(),
            locked_until: None,
            memberships: memberships.iter().map(Into::into).collect(),
        }),
    ))
}
