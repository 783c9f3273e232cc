//! Training, briefings and drills on screen (the municipality's staff).

use super::ledger::{date_of as date, optional};
use super::programmes::{Pairs, field, form_failure};
use super::{Chrome, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::response::{IntoResponse, Redirect, Response};
use tsunagi_app::preparedness;
use tsunagi_app::preparedness::StoredActivity;
use tsunagi_domain::preparedness::{ActivityInput, ActivityKind, Finding};

/// Finding rows the form offers.
const ROWS: usize = 5;

#[derive(Template, WebTemplate)]
#[template(path = "preparedness.html")]
pub(super) struct Page {
    chrome: Chrome,
    list: Vec<StoredActivity>,
    kinds: Vec<(&'static str, &'static str)>,
    rows: Vec<usize>,
    today: String,
    errors: Vec<String>,
}

async fn page(state: &AppState, user: &CurrentUser, errors: Vec<String>) -> Result<Page, AppError> {
    Ok(Page {
        chrome: Chrome::new(user, "preparedness"),
        list: preparedness::list(&state.app, &user.ctx).await?,
        kinds: ActivityKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        rows: (0..ROWS).collect(),
        today: user.ctx.today().to_string(),
        errors,
    })
}

pub async fn show(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    Ok(page(&state, &user, Vec::new()).await?.into_response())
}

pub async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let r = async {
        let input = ActivityInput {
            kind: ActivityKind::parse(field(&f, "kind"))
                .ok_or_else(|| tsunagi_app::Error::invalid("kind", "種類を選んでください"))?,
            held_on: date(field(&f, "held_on"), "held_on")?,
            title: field(&f, "title").to_owned(),
            district: optional(field(&f, "district")),
            organisations: field(&f, "organisations")
                .split(['、', ','])
                .map(str::to_owned)
                .collect(),
            attendees: field(&f, "attendees").parse().unwrap_or(0),
            what_happened: optional(field(&f, "what_happened")),
            findings: (0..ROWS)
                .map(|i| Finding {
                    resident_no: field(&f, &format!("finding_no_{i}")).to_owned(),
                    note: field(&f, &format!("finding_note_{i}")).to_owned(),
                })
                .collect(),
        };
        preparedness::record(&state.app, &user.ctx, input)
            .await
            .map(|_| ())
    }
    .await;
    let Some((status, errors)) = form_failure(r)? else {
        return Ok(Redirect::to("/preparedness").into_response());
    };
    Ok((status, page(&state, &user, errors).await?).into_response())
}
