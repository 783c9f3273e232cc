use super::dto::OrganisationDto;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;

/// The directory of organisations.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations",
    responses((status = 200, body = Vec<OrganisationDto>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _user: ApiUser,
) -> Result<Json<Vec<OrganisationDto>>, AppError> {
    Ok(Json(
        tsunagi_app::organisations::all(&state.app)
            .await?
            .iter()
            .map(Into::into)
            .collect(),
    ))
}
