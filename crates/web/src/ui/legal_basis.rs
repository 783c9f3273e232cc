//! 「提供の根拠」: the municipality's legal basis for normal-time provision of the roster and of
//! plans (同意方式・条例・手挙げ方式), its history, and for administrators the form to record a
//! new one.

use super::views::jst_minutes;
use super::{Chrome, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::HashMap;
use tsunagi_app::legal_basis::{self, LegalBasisVersion};
use tsunagi_domain::legal_basis::{LegalBasis, Provision, ProvisionBasis};
use tsunagi_domain::role::Role;

struct Row {
    version: i32,
    roster: &'static str,
    plans: &'static str,
    ordinance: String,
    effective_from: String,
    recorded: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "legal_basis.html")]
struct LegalBasisPage {
    chrome: Chrome,
    can_record: bool,
    version: i32,
    roster: &'static str,
    plans: &'static str,
    /// Nothing to a receiver in normal times without an agreement (協定・誓約書) in force.
    agreements_required: bool,
    roster_only_stays: bool,
    ordinance: String,
    effective_from: String,
    rows: Vec<Row>,
    choices: Vec<(&'static str, &'static str)>,
    form_roster: String,
    form_plans: String,
    form_agreements: bool,
    form_roster_only: bool,
    form_ordinance: String,
    form_effective_from: String,
    errors: HashMap<String, String>,
    saved: bool,
}

fn page(user: &CurrentUser, history: &[LegalBasisVersion]) -> LegalBasisPage {
    let current = history.first();
    let provision = current.map(|v| v.basis.provision).unwrap_or_default();
    LegalBasisPage {
        chrome: Chrome::new(user, "legal_basis"),
        can_record: user.actor.role == Role::Administrator,
        version: current.map(|v| v.version).unwrap_or(0),
        roster: provision.roster.label(),
        plans: provision.plans.label(),
        agreements_required: provision.agreements_required,
        roster_only_stays: provision.roster_only_stays_in_disasters,
        ordinance: current
            .and_then(|v| v.basis.ordinance.clone())
            .unwrap_or_default(),
        effective_from: current
            .map(|v| tsunagi_domain::wareki::format_both(v.basis.effective_from))
            .unwrap_or_default(),
        rows: history
            .iter()
            .map(|v| Row {
                version: v.version,
                roster: v.basis.provision.roster.label(),
                plans: v.basis.provision.plans.label(),
                ordinance: v.basis.ordinance.clone().unwrap_or_default(),
                effective_from: tsunagi_domain::wareki::format_both(v.basis.effective_from),
                recorded: format!("{} {}", jst_minutes(&v.recorded_at), v.recorded_by),
            })
            .collect(),
        choices: ProvisionBasis::ALL
            .into_iter()
            .map(|b| (b.code(), b.label()))
            .collect(),
        form_roster: provision.roster.code().to_owned(),
        form_plans: provision.plans.code().to_owned(),
        form_agreements: provision.agreements_required,
        form_roster_only: provision.roster_only_stays_in_disasters,
        form_ordinance: current
            .and_then(|v| v.basis.ordinance.clone())
            .unwrap_or_default(),
        form_effective_from: String::new(),
        errors: HashMap::new(),
        saved: false,
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<HashMap<String, String>>,
) -> UiResult<Response> {
    let history = legal_basis::history(&state.app, &user.ctx).await?;
    let mut p = page(&user, &history);
    p.saved = q.contains_key("saved");
    Ok(p.into_response())
}

#[derive(Deserialize)]
pub struct BasisForm {
    version: i32,
    roster: String,
    plans: String,
    #[serde(default)]
    ordinance: String,
    effective_from: String,
    /// `1`: require an agreement before normal-time provision.
    #[serde(default)]
    agreements_required: String,
    /// `1`: roster-only receivers get no plans in a disaster either.
    #[serde(default)]
    roster_only_stays: String,
}

pub async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<BasisForm>, FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let history = legal_basis::history(&state.app, &user.ctx).await?;
    let mut p = page(&user, &history);
    p.form_roster = f.roster.clone();
    p.form_plans = f.plans.clone();
    p.form_agreements = f.agreements_required == "1";
    p.form_roster_only = f.roster_only_stays == "1";
    p.form_ordinance = f.ordinance.clone();
    p.form_effective_from = f.effective_from.clone();
    let roster = ProvisionBasis::parse(&f.roster);
    let plans = ProvisionBasis::parse(&f.plans);
    let date = tsunagi_domain::wareki::parse_date(&f.effective_from).map_err(|e| e.to_string());
    if roster.is_none() {
        p.errors
            .insert("roster".into(), "提供の方式を選んでください".into());
    }
    if plans.is_none() {
        p.errors
            .insert("plans".into(), "提供の方式を選んでください".into());
    }
    if let Err(m) = &date {
        p.errors.insert("effective_from".into(), m.clone());
    }
    let (Some(roster), Some(plans), Ok(effective_from)) = (roster, plans, date) else {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    };
    let basis = LegalBasis {
        provision: Provision {
            roster,
            plans,
            agreements_required: f.agreements_required == "1",
            roster_only_stays_in_disasters: f.roster_only_stays == "1",
        },
        ordinance: Some(f.ordinance),
        effective_from,
    };
    match legal_basis::record(&state.app, &user.ctx, f.version, basis).await {
        Ok(_) => Ok(Redirect::to("/legal-basis?saved=1").into_response()),
        Err(tsunagi_app::Error::Invalid(errors)) => {
            for e in errors.0 {
                p.errors.insert(e.field, e.message);
            }
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(tsunagi_app::Error::Conflict { .. }) => {
            p.errors.insert(
                "version".into(),
                "この画面を開いた後に、ほかの方が根拠を変更しました。内容を確かめてからもう一度登録してください"
                    .into(),
            );
            Ok((StatusCode::CONFLICT, p).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
