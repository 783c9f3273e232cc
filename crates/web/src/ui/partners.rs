//! 「連携団体」: the partner directory and the form that keeps an organisation's profile.

use super::programmes::{Choice, Pairs, choices_of, field, form_failure};
use super::{Chrome, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::response::{IntoResponse, Redirect, Response};
use tsunagi_app::partners::DirectoryLine;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::issue_category::IssueCategory;
use tsunagi_domain::partner::PartnerProfile;

#[derive(Template, WebTemplate)]
#[template(path = "partners.html")]
pub(super) struct DirectoryPage {
    chrome: Chrome,
    lines: Vec<DirectoryLine>,
    categories: Vec<Choice>,
    errors: Vec<String>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    errors: Vec<String>,
) -> Result<DirectoryPage, AppError> {
    Ok(DirectoryPage {
        chrome: Chrome::new(user, "partners"),
        lines: tsunagi_app::partners::directory(&state.app, &user.ctx).await?,
        categories: choices_of(
            IssueCategory::ALL,
            IssueCategory::code,
            IssueCategory::label,
            |_| false,
        ),
        errors,
    })
}

/// The directory.
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    Ok(page(&state, &user, Vec::new()).await?.into_response())
}

/// Saves an organisation's profile.
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let text = |n: &str| Some(field(&f, n).to_owned()).filter(|v| !v.is_empty());
    let r = async {
        let organisation =
            OrganisationId(field(&f, "organisation").parse().map_err(|_| {
                tsunagi_app::Error::invalid("organisation", "団体を選んでください")
            })?);
        let profile = PartnerProfile {
            fields: f
                .iter()
                .filter(|(k, _)| k == "fields")
                .filter_map(|(_, v)| IssueCategory::parse(v))
                .collect(),
            area: text("area"),
            contact: text("contact"),
            agreement: text("agreement"),
            agreement_until: field(&f, "agreement_until").parse().ok(),
        };
        tsunagi_app::partners::save(&state.app, &user.ctx, organisation, profile).await
    }
    .await;
    match form_failure(r)? {
        None => Ok(Redirect::to("/partners").into_response()),
        Some((status, errors)) => Ok((status, page(&state, &user, errors).await?).into_response()),
    }
}
