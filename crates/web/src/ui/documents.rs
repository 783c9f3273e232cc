//! Printing: a person's plan, the approach-ア form pack for one person, and the merged pack
//! for everyone whose workflow is at 「同意書と計画様式を送付」.

use super::UiResult;
use super::path_person_id as person_id;
use crate::AppState;
use crate::auth::CurrentUser;
use axum::extract::rejection::PathRejection;
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
    reply_by: Option<chrono::NaiveDate>,
}

pub async fn person_form_pack(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    Query(q): Query<PackQuery>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    let records = tsunagi_app::documents::form_pack_records(&state.app, &user.ctx, &[id]).await?;
    Ok(crate::documents::form_pack_pdf(&state, &user.ctx, &records, q.reply_by).await?)
}

pub async fn roster_form_pack(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PackQuery>,
) -> UiResult<Response> {
    let records = tsunagi_app::documents::send_forms_records(&state.app, &user.ctx).await?;
    Ok(crate::documents::form_pack_pdf(&state, &user.ctx, &records, q.reply_by).await?)
}
