//! Referrals on screen: made from a case (the household's page, or a programme on the
//! household's programmes page), the organisation referred to answering in its own login
//! (「紹介（つなぎ）」), each side seeing what it may.

use super::programmes::{Pairs, field};
use super::{Chrome, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tsunagi_app::referrals::{self, ReferralView, StoredReferral};
use tsunagi_domain::OrganisationId;
use tsunagi_domain::referral::{
    ReferralBasis, ReferralInput, ReferralItem, ReferralState, ReferralStep,
};
use tsunagi_domain::wareki::format_wareki;

/// Makes (and sends) a referral from a case; back to where the user was, or that page again
/// with the reasons.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let case = super::ledger::one_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let to = super::programmes::back_to(&f, "/referrals");
    let r = async {
        let input = ReferralInput {
            to_organisation: OrganisationId(field(&f, "to_organisation").parse().map_err(
                |_| tsunagi_app::Error::invalid("to_organisation", "紹介先の団体を選んでください"),
            )?),
            programme: Some(field(&f, "programme").to_owned()).filter(|p| !p.is_empty()),
            purpose: field(&f, "purpose").to_owned(),
            items: f
                .iter()
                .filter(|(k, _)| k == "items")
                .filter_map(|(_, v)| ReferralItem::parse(v))
                .collect(),
            basis: ReferralBasis::parse(field(&f, "basis")).ok_or_else(|| {
                tsunagi_app::Error::invalid("basis", "共有の根拠を選んでください")
            })?,
            consent_on: field(&f, "consent_on").parse().ok(),
            legal_basis: Some(field(&f, "legal_basis").to_owned()).filter(|l| !l.is_empty()),
        };
        referrals::refer(&state.app, &user.ctx, case, input, true).await
    }
    .await;
    match r {
        Ok(v) => Ok(Redirect::to(&format!("/referrals/{}", v.referral.id)).into_response()),
        Err(tsunagi_app::Error::Invalid(e)) => {
            let messages: Vec<String> = e.0.into_iter().map(|f| f.message).collect();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorPage {
                    chrome: Chrome::new(&user, "referrals"),
                    errors: messages,
                    back: to,
                },
            )
                .into_response())
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "referral_error.html")]
pub(super) struct ErrorPage {
    chrome: Chrome,
    errors: Vec<String>,
    back: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "referrals.html")]
pub(super) struct ListPage {
    chrome: Chrome,
    list: Vec<StoredReferral>,
}

/// The referrals made to the user's organisation.
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let list = referrals::to_us(&state.app, &user.ctx).await?;
    Ok(ListPage {
        chrome: Chrome::new(&user, "referrals"),
        list,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "referral.html")]
pub(super) struct ReferralPage {
    chrome: Chrome,
    v: ReferralView,
    organisation: String,
    errors: Vec<String>,
}

impl ReferralPage {
    fn day(d: &chrono::NaiveDate) -> String {
        format_wareki(*d)
    }
    fn open(&self) -> bool {
        matches!(
            self.v.referral.state,
            ReferralState::Sent | ReferralState::Accepted | ReferralState::Accompanied
        )
    }
    fn items(&self) -> String {
        self.v
            .referral
            .body
            .input
            .items
            .iter()
            .map(|i| i.label())
            .collect::<Vec<_>>()
            .join("・")
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    id: uuid::Uuid,
    errors: Vec<String>,
) -> Result<ReferralPage, AppError> {
    let v = referrals::get(&state.app, &user.ctx, id).await?;
    let organisation =
        tsunagi_app::organisations::name_of(&state.app, v.referral.to_organisation_id)
            .await
            .unwrap_or_default();
    Ok(ReferralPage {
        chrome: Chrome::new(user, "referrals"),
        v,
        organisation,
        errors,
    })
}

/// One referral.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = super::ledger::one_id(path)?;
    Ok(page(&state, &user, id, Vec::new()).await?.into_response())
}

/// Takes a step (the form's `step` and its texts).
pub async fn step(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let id = super::ledger::one_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let text = |n: &str| field(&f, n).to_owned();
    let step = match field(&f, "step") {
        "send" => ReferralStep::Send,
        "accept" => ReferralStep::Accept,
        "decline" => ReferralStep::Decline {
            reason: text("reason"),
        },
        "accompany" => ReferralStep::Accompany {
            who: text("who"),
            place: text("place"),
            advice: text("advice"),
        },
        "complete" => ReferralStep::Complete,
        "fail" => ReferralStep::Fail {
            reason: text("reason"),
        },
        _ => return Err(AppError::BadRequest("unknown step".into()).into()),
    };
    let version = field(&f, "version").parse().unwrap_or(0);
    let r = referrals::step(&state.app, &user.ctx, id, version, step)
        .await
        .map(|_| ());
    match super::programmes::form_failure(r)? {
        None => Ok(Redirect::to(&format!("/referrals/{id}")).into_response()),
        Some((status, errors)) => {
            Ok((status, page(&state, &user, id, errors).await?).into_response())
        }
    }
}
