//! The lists around the victims' ledger: a declaration's certificate progress (by area, days
//! to issue, the queue, households with no application) with the surveyor teams' upload and
//! the 被災者援護協力団体 registration; every issued certificate in one PDF; and a receiver's
//! side of a provision — the ledgers provided to it, each read-only with only the items
//! provided.

use super::ledger::{HouseholdPage, one_id, uuid_of};
use super::{Chrome, UiError, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use tsunagi_app::certificates::{self, DamageProgress};
use tsunagi_app::ledger::{self, LedgerView};
use tsunagi_domain::OrganisationId;
use tsunagi_domain::wareki::format_wareki;

#[derive(Template, WebTemplate)]
#[template(path = "ledger_progress.html")]
struct ProgressPage {
    chrome: Chrome,
    p: DamageProgress,
    /// The report of a survey sheet just uploaded.
    report: Option<tsunagi_app::survey_import::SurveyImportReport>,
    file_error: Option<String>,
    layout: &'static [(&'static str, &'static [&'static str], &'static str)],
    /// Registered 被災者援護協力団体: (name, number, registered on).
    partners: Vec<(String, String, String)>,
    /// Organisations that could be registered: (id, name).
    candidates: Vec<(String, String)>,
}

impl ProgressPage {
    fn days(v: &Option<i64>) -> String {
        v.map(|d| format!("{d} 日")).unwrap_or_else(|| "—".into())
    }
    fn day(d: &NaiveDate) -> String {
        format_wareki(*d)
    }
}

/// The certificates' progress of a declaration, with the queue and the households that have
/// not applied.
pub async fn progress(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = one_id(path)?;
    Ok(progress_page(&state, &user, id).await?.into_response())
}

async fn progress_page(
    state: &AppState,
    user: &CurrentUser,
    id: uuid::Uuid,
) -> UiResult<ProgressPage> {
    let p = certificates::progress(&state.app, &user.ctx, id).await?;
    let organisations =
        tsunagi_app::organisations::in_municipality(&state.app, user.actor.organisation_id).await?;
    let name = |id: OrganisationId| {
        organisations
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| id.0.to_string())
    };
    let partners = ledger::partners(&state.app, &user.ctx)
        .await?
        .into_iter()
        .map(|p| {
            (
                name(p.organisation_id),
                p.registration_no,
                format_wareki(p.registered_on),
            )
        })
        .collect();
    Ok(ProgressPage {
        chrome: Chrome::new(user, "disasters"),
        p,
        report: None,
        file_error: None,
        layout: tsunagi_import::surveys::COLUMNS,
        partners,
        candidates: organisations
            .iter()
            .filter(|o| o.id != user.actor.organisation_id)
            .map(|o| (o.id.0.to_string(), o.name.clone()))
            .collect(),
    })
}

/// Records a surveyor team's sheet (CSV) from the progress screen; shows the report.
pub async fn upload_surveys(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    mut multipart: axum::extract::Multipart,
) -> UiResult<Response> {
    let id = one_id(path)?;
    let bad = |m: String| UiError(AppError::BadRequest(m));
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut dry_run = false;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(e.body_text()))?
    {
        match field.name().unwrap_or_default() {
            "file" => {
                let name = field.file_name().unwrap_or("surveys.csv").to_owned();
                let bytes = field.bytes().await.map_err(|e| bad(e.body_text()))?;
                file = Some((name, bytes.to_vec()));
            }
            "dry_run" => dry_run = true,
            _ => {}
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let mut p = progress_page(&state, &user, id).await?;
        p.file_error = Some("ファイルを選んでください".into());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    };
    let result = tsunagi_app::survey_import::import_surveys(
        &state.app, &user.ctx, id, &name, &bytes, dry_run,
    )
    .await;
    let mut p = progress_page(&state, &user, id).await?;
    let status = match result {
        Ok(r) => {
            let status = if r.errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            p.report = Some(r);
            status
        }
        Err(tsunagi_app::survey_import::SurveyImportError::File(e)) => {
            p.file_error = Some(format!("{name}: {e}"));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(tsunagi_app::survey_import::SurveyImportError::App(e)) => return Err(e.into()),
    };
    Ok((status, p).into_response())
}

/// Every issued certificate of a declaration in one PDF.
pub async fn batch_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = one_id(path)?;
    let p = certificates::printable_batch(&state.app, &user.ctx, id, None).await?;
    Ok(crate::documents::certificates_pdf(&p, user.ctx.today(), "certificates").await?)
}

struct ProvidedRow {
    ledger: String,
    disclosed_on: String,
    basis: &'static str,
    items: String,
    purpose: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "ledgers_provided.html")]
struct ProvidedPage {
    chrome: Chrome,
    rows: Vec<ProvidedRow>,
}

/// The ledgers provided to the user's organisation (art. 90-4), newest first.
pub async fn provided(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let list = ledger::disclosed_to_me(&state.app, &user.ctx).await?;
    Ok(ProvidedPage {
        chrome: Chrome::new(&user, "ledgers"),
        rows: list
            .into_iter()
            .map(|d| ProvidedRow {
                ledger: d.ledger_id.to_string(),
                disclosed_on: format_wareki(d.disclosed_on),
                basis: d.basis.label(),
                items: HouseholdPage::items_text(&d.items),
                purpose: d.purpose,
            })
            .collect(),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "ledger_view.html")]
struct LedgerViewPage {
    chrome: Chrome,
    v: LedgerView,
    items: String,
}

impl LedgerViewPage {
    fn day(d: &NaiveDate) -> String {
        format_wareki(*d)
    }
}

/// A ledger as the user may see it: whole for the owner's staff, the provided items for a
/// receiver, 404 for anyone else.
pub async fn view(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = one_id(path)?;
    let v = ledger::view_by_id(&state.app, &user.ctx, id).await?;
    Ok(LedgerViewPage {
        chrome: Chrome::new(&user, "ledgers"),
        items: HouseholdPage::items_text(&v.items),
        v,
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct PartnerForm {
    declaration: String,
    organisation: String,
    registration_no: String,
}

/// Registers a 被災者援護協力団体 (from the progress screen).
pub async fn register_partner(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<PartnerForm>, FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let declaration = uuid_of(&f.declaration)?;
    let organisation = OrganisationId(
        f.organisation
            .parse()
            .map_err(|_| AppError::BadRequest("団体を選んでください".into()))?,
    );
    match ledger::register_partner(&state.app, &user.ctx, organisation, &f.registration_no).await {
        Ok(()) => Ok(Redirect::to(&format!("/disasters/{declaration}/ledger")).into_response()),
        Err(tsunagi_app::Error::Invalid(e)) => {
            let mut p = progress_page(&state, &user, declaration).await?;
            p.file_error = Some(e.to_string());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
