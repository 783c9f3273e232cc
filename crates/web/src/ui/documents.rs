//! Printing: a person's plan, the approach-ア form pack for one person, and the merged pack
//! for everyone whose workflow is at 「同意書と計画様式を送付」.

use super::UiResult;
use super::path_person_id as person_id;
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

pub async fn plan_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    Ok(crate::documents::plan_pdf(&state, &user.ctx, id).await?)
}

#[derive(Deserialize)]
pub struct PackQuery {
    /// 返送期限 (YYYY-MM-DD); four weeks from today when absent.
    #[serde(default)]
    reply_by: String,
}

impl PackQuery {
    /// The 返送期限 asked for; a date that does not parse is refused with the error page.
    fn reply_by(&self) -> Result<Option<chrono::NaiveDate>, AppError> {
        let s = self.reply_by.trim();
        if s.is_empty() {
            return Ok(None);
        }
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                AppError::BadRequest(format!(
                    "返送期限「{s}」を読み取れません。YYYY-MM-DD（例: 2027-01-31）で指定してください"
                ))
            })
    }
}

pub async fn person_form_pack(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<PackQuery>, QueryRejection>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    let Query(q) = query.map_err(AppError::from)?;
    let reply_by = q.reply_by()?;
    let records = tsunagi_app::documents::form_pack_records(&state.app, &user.ctx, &[id]).await?;
    Ok(crate::documents::form_pack_pdf(&state, &user.ctx, &records, reply_by).await?)
}

pub async fn roster_form_pack(
    State(state): State<AppState>,
    user: CurrentUser,
    query: Result<Query<PackQuery>, QueryRejection>,
) -> UiResult<Response> {
    let Query(q) = query.map_err(AppError::from)?;
    let reply_by = q.reply_by()?;
    let records = tsunagi_app::documents::send_forms_records(&state.app, &user.ctx).await?;
    Ok(crate::documents::form_pack_pdf(&state, &user.ctx, &records, reply_by).await?)
}
