//! Consent (同意) and sharing (情報提供先) of one person's record, for the owning municipality.

use super::path_person_id as person_id;
use super::{UiError, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeSet;
use tsunagi_app::sharing;
use tsunagi_domain::access::AccessLevel;
use tsunagi_domain::consent::{ConsentMethod, ConsentRecord, ConsentStatus};
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::{OrganisationId, PersonId};

/// Reads the consent form (`scope` repeats, one per receiver kind).
pub fn consent_from_pairs(pairs: &[(String, String)]) -> Result<ConsentRecord, AppError> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let status = get("status")
        .and_then(|s| s.parse::<ConsentStatus>().ok())
        .ok_or_else(|| {
            AppError::Invalid(tsunagi_domain::ValidationErrors::single(
                "status",
                "同意の状態を選んでください",
            ))
        })?;
    let scope: BTreeSet<OrganisationKind> = pairs
        .iter()
        .filter(|(k, _)| k == "scope")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let obtained_on = match get("obtained_on") {
        Some(d) => Some(tsunagi_domain::wareki::parse_date(&d).map_err(|e| {
            AppError::Invalid(tsunagi_domain::ValidationErrors::single(
                "obtained_on",
                e.to_string(),
            ))
        })?),
        None => None,
    };
    let record = ConsentRecord {
        status,
        scope,
        obtained_on,
        method: get("method").as_deref().and_then(ConsentMethod::parse),
        obtained_by: get("obtained_by"),
        note: get("note"),
    };
    Ok(record)
}

pub async fn set_consent(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    let Form(pairs) = form.map_err(AppError::from)?;
    let record = consent_from_pairs(&pairs)?;
    sharing::set_consent(&state.app, &user.ctx, id, &record).await?;
    Ok(Redirect::to(&format!("/persons/{id}?saved=1")).into_response())
}

#[derive(serde::Deserialize)]
pub struct ShareForm {
    organisation_id: String,
    #[serde(default)]
    level: String,
}

pub async fn add_share(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<ShareForm>, FormRejection>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let org: OrganisationId = f.organisation_id.parse().map_err(|_| {
        AppError::Invalid(tsunagi_domain::ValidationErrors::single(
            "organisation_id",
            "提供先を選んでください",
        ))
    })?;
    let level = AccessLevel::parse(&f.level).unwrap_or(AccessLevel::Read);
    sharing::share(&state.app, &user.ctx, id, org, level).await?;
    Ok(Redirect::to(&format!("/persons/{id}?saved=1")).into_response())
}

pub async fn remove_share(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((raw, org)): Path<(String, String)>,
) -> UiResult<Response> {
    let id: PersonId = raw.parse().map_err(|_| UiError(AppError::NotFound))?;
    let org: OrganisationId = org.parse().map_err(|_| UiError(AppError::NotFound))?;
    sharing::unshare(&state.app, &user.ctx, id, org).await?;
    Ok(Redirect::to(&format!("/persons/{id}?saved=1")).into_response())
}
