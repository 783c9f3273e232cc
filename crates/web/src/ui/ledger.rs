//! 「被災者台帳」 of one household: members, whereabouts, other damage, support given, damage
//! applications with surveys and certificates, provisions to others — with a plain form for
//! each step. The owning municipality's staff only. The lists around it are in
//! `ledger_lists.rs`.

use super::views::jst_minutes;
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
use tsunagi_app::certificates;
use tsunagi_app::ledger::{self, LedgerView};
use tsunagi_domain::damage::{ApplicantRelation, ApplicationInput, SurveyInput, SurveyKind};
use tsunagi_domain::ledger::{
    DisclosureBasis, DisclosureInput, LedgerItem, Whereabouts, WhereaboutsKind,
};
use tsunagi_domain::wareki::format_wareki;
use tsunagi_domain::{HouseholdId, OrganisationId, PersonId};

pub(super) fn uuid_of(raw: &str) -> Result<uuid::Uuid, UiError> {
    raw.parse().map_err(|_| UiError(AppError::NotFound))
}

fn two_ids(
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(uuid::Uuid, uuid::Uuid), UiError> {
    let Path((a, b)) = path.map_err(|_| UiError(AppError::NotFound))?;
    Ok((uuid_of(&a)?, uuid_of(&b)?))
}

pub(super) fn one_id(path: Result<Path<String>, PathRejection>) -> Result<uuid::Uuid, UiError> {
    super::path_uuid(path)
}

struct Choice {
    code: &'static str,
    label: &'static str,
}

fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            code: code(*v),
            label: label(*v),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "ledger_household.html")]
pub(super) struct HouseholdPage {
    chrome: Chrome,
    v: LedgerView,
    declaration: String,
    household: String,
    today: String,
    errors: Vec<String>,
    whereabouts_kinds: Vec<Choice>,
    survey_kinds: Vec<Choice>,
    relations: Vec<Choice>,
    harms: Vec<Choice>,
    bases: Vec<Choice>,
    items: Vec<Choice>,
    organisations: Vec<(String, String)>,
}

impl HouseholdPage {
    fn day(d: &NaiveDate) -> String {
        format_wareki(*d)
    }
    fn name_of(&self, id: &PersonId) -> String {
        self.v
            .members
            .iter()
            .find(|m| m.id == *id)
            .and_then(|m| m.name.clone())
            .unwrap_or_default()
    }
    fn organisation_name(&self, id: &OrganisationId) -> String {
        let id = id.0.to_string();
        self.organisations
            .iter()
            .find(|(o, _)| *o == id)
            .map(|(_, n)| n.clone())
            .unwrap_or(id)
    }
    pub(super) fn items_text(items: &[LedgerItem]) -> String {
        items
            .iter()
            .map(|i| i.label())
            .collect::<Vec<_>>()
            .join("・")
    }
    fn at(t: &chrono::DateTime<chrono::Utc>) -> String {
        jst_minutes(t)
    }
}

async fn household_page(
    state: &AppState,
    user: &CurrentUser,
    declaration: uuid::Uuid,
    household: uuid::Uuid,
    errors: Vec<String>,
) -> UiResult<HouseholdPage> {
    let v = ledger::view(&state.app, &user.ctx, declaration, HouseholdId(household)).await?;
    let municipality = user.actor.organisation_id;
    let organisations = tsunagi_app::organisations::all(&state.app)
        .await?
        .into_iter()
        .filter(|o| o.id != municipality)
        .map(|o| (o.id.0.to_string(), o.name))
        .collect();
    Ok(HouseholdPage {
        chrome: Chrome::new(user, "disasters"),
        v,
        declaration: declaration.to_string(),
        household: household.to_string(),
        today: user.ctx.today().to_string(),
        errors,
        whereabouts_kinds: choices(
            WhereaboutsKind::ALL,
            WhereaboutsKind::code,
            WhereaboutsKind::label,
        ),
        survey_kinds: choices(SurveyKind::ALL, SurveyKind::code, SurveyKind::label),
        relations: choices(
            ApplicantRelation::ALL,
            ApplicantRelation::code,
            ApplicantRelation::label,
        ),
        harms: choices(
            tsunagi_domain::ledger::Harm::ALL,
            tsunagi_domain::ledger::Harm::code,
            tsunagi_domain::ledger::Harm::label,
        ),
        bases: choices(
            DisclosureBasis::ALL,
            DisclosureBasis::code,
            DisclosureBasis::label,
        ),
        items: choices(LedgerItem::ALL, LedgerItem::code, LedgerItem::label),
        organisations,
    })
}

/// A household's ledger.
pub async fn household(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
) -> UiResult<Response> {
    let (d, h) = two_ids(path)?;
    Ok(household_page(&state, &user, d, h, Vec::new())
        .await?
        .into_response())
}

/// After a step: back to the household's ledger, or the ledger again with the reasons (422).
async fn after(
    state: &AppState,
    user: &CurrentUser,
    declaration: uuid::Uuid,
    household: uuid::Uuid,
    r: Result<(), tsunagi_app::Error>,
) -> UiResult<Response> {
    match r {
        Ok(()) => Ok(
            Redirect::to(&format!("/disasters/{declaration}/households/{household}"))
                .into_response(),
        ),
        Err(tsunagi_app::Error::Invalid(e)) => {
            let errors = e.0.into_iter().map(|f| f.message).collect();
            let page = household_page(state, user, declaration, household, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(tsunagi_app::Error::Conflict { .. }) => {
            let errors =
                vec!["ほかの人が先に更新しました。内容を確かめて、もう一度操作してください".into()];
            let page = household_page(state, user, declaration, household, errors).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) fn date_of(s: &str, field: &str) -> Result<NaiveDate, tsunagi_app::Error> {
    s.trim()
        .parse()
        .map_err(|_| tsunagi_app::Error::invalid(field, "日付を入力してください"))
}

#[derive(Deserialize)]
pub struct WhereaboutsForm {
    version: i32,
    person: String,
    kind: String,
    #[serde(default)]
    place: String,
    since: String,
}

/// Changes the ledger's own items from the version the page showed (read, changed and saved
/// in one transaction by the use case).
async fn edit_body(
    state: &AppState,
    user: &CurrentUser,
    declaration: uuid::Uuid,
    household: uuid::Uuid,
    version: i32,
    change: impl FnOnce(&mut tsunagi_domain::ledger::LedgerBody) -> Result<(), tsunagi_app::Error>,
) -> Result<(), tsunagi_app::Error> {
    ledger::edit(
        &state.app,
        &user.ctx,
        declaration,
        HouseholdId(household),
        version,
        change,
    )
    .await
    .map(|_| ())
}

fn person_of(raw: &str) -> Result<PersonId, tsunagi_app::Error> {
    raw.parse()
        .map_err(|_| tsunagi_app::Error::invalid("person", "世帯員を選んでください"))
}

pub(super) fn optional(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Records where a member is now (a new whereabouts line; the history is kept).
pub async fn add_whereabouts(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<WhereaboutsForm>, FormRejection>,
) -> UiResult<Response> {
    let (d, h) = two_ids(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let r = async {
        let person = person_of(&f.person)?;
        let kind = WhereaboutsKind::parse(&f.kind)
            .ok_or_else(|| tsunagi_app::Error::invalid("kind", "居所の種類を選んでください"))?;
        let since = date_of(&f.since, "since")?;
        edit_body(&state, &user, d, h, f.version, |b| {
            b.whereabouts.push(Whereabouts {
                person,
                kind,
                place: optional(&f.place),
                since,
            });
            Ok(())
        })
        .await
    }
    .await;
    after(&state, &user, d, h, r).await
}

#[derive(Deserialize)]
pub struct DetailsForm {
    version: i32,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    contact_note: String,
    #[serde(default)]
    livelihood_lost: Option<String>,
    #[serde(default)]
    other_damage: String,
    #[serde(default)]
    consent_to_provide_on: String,
    #[serde(default)]
    notes: String,
}

/// Contact, other damage, the consent to provision and notes.
pub async fn save_details(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<DetailsForm>, FormRejection>,
) -> UiResult<Response> {
    let (d, h) = two_ids(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let r = async {
        let consent = match f.consent_to_provide_on.trim() {
            "" => None,
            s => Some(date_of(s, "consent_to_provide_on")?),
        };
        edit_body(&state, &user, d, h, f.version, |b| {
            b.contact_phone = optional(&f.contact_phone);
            b.contact_note = optional(&f.contact_note);
            b.livelihood_lost = f.livelihood_lost.is_some();
            b.other_damage = optional(&f.other_damage);
            b.consent_to_provide_on = consent;
            b.notes = optional(&f.notes);
            Ok(())
        })
        .await
    }
    .await;
    after(&state, &user, d, h, r).await
}

#[derive(Deserialize)]
pub struct HarmForm {
    version: i32,
    person: String,
    /// A harm's code, or empty to clear the member's.
    #[serde(default)]
    harm: String,
}

/// A member's injury or death (one per member: the form replaces it; empty clears it).
pub async fn set_harm(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<HarmForm>, FormRejection>,
) -> UiResult<Response> {
    let (d, h) = two_ids(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let r = async {
        let person = person_of(&f.person)?;
        let harm = match f.harm.as_str() {
            "" => None,
            c => Some(
                tsunagi_domain::ledger::Harm::parse(c)
                    .ok_or_else(|| tsunagi_app::Error::invalid("harm", "被害を選んでください"))?,
            ),
        };
        edit_body(&state, &user, d, h, f.version, |b| {
            b.harms.retain(|x| x.person != person);
            if let Some(harm) = harm {
                b.harms.push(tsunagi_domain::ledger::MemberHarm {
                    person,
                    harm,
                    caused_by_disaster: true,
                });
            }
            Ok(())
        })
        .await
    }
    .await;
    after(&state, &user, d, h, r).await
}

#[derive(Deserialize)]
pub struct SupportForm {
    version: i32,
    programme: String,
    given_on: String,
    #[serde(default)]
    amount_yen: String,
    #[serde(default)]
    note: String,
}

/// One programme or service given (援護の実施の状況).
pub async fn add_support(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<SupportForm>, FormRejection>,
) -> UiResult<Response> {
    let (d, h) = two_ids(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let r = async {
        let amount_yen = match f.amount_yen.trim().replace([',', '，'], "").as_str() {
            "" => None,
            s => Some(s.parse::<u64>().map_err(|_| {
                tsunagi_app::Error::invalid("amount_yen", "金額は円単位の数字で入力してください")
            })?),
        };
        let given_on = date_of(&f.given_on, "given_on")?;
        edit_body(&state, &user, d, h, f.version, |b| {
            b.support.push(tsunagi_domain::ledger::SupportGiven {
                programme: f.programme.clone(),
                given_on,
                amount_yen,
                note: optional(&f.note),
            });
            Ok(())
        })
        .await
    }
    .await;
    after(&state, &user, d, h, r).await
}

#[derive(Deserialize)]
pub struct ApplicationForm {
    applicant_name: String,
    applicant_relation: String,
    #[serde(default)]
    applicant_phone: String,
    #[serde(default)]
    location: String,
    applied_on: String,
}

/// Receives an application for a certificate.
pub async fn apply(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<ApplicationForm>, FormRejection>,
) -> UiResult<Response> {
    let (d, h) = two_ids(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let r = async {
        let input = ApplicationInput {
            applicant_name: f.applicant_name.clone(),
            applicant_relation: ApplicantRelation::parse(&f.applicant_relation).ok_or_else(
                || tsunagi_app::Error::invalid("applicant_relation", "続柄を選んでください"),
            )?,
            applicant_phone: Some(f.applicant_phone.clone()),
            cause: None,
            location: Some(f.location.clone()),
            applied_on: date_of(&f.applied_on, "applied_on")?,
        };
        certificates::apply(&state.app, &user.ctx, d, HouseholdId(h), input).await?;
        Ok(())
    }
    .await;
    after(&state, &user, d, h, r).await
}

#[derive(Deserialize)]
pub struct StepForm {
    declaration: String,
    household: String,
    version: i32,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    surveyed_on: String,
    #[serde(default)]
    surveyors: String,
    #[serde(default)]
    damage_ratio: String,
    #[serde(default)]
    collapsed: Option<String>,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    reason: String,
}

/// A step of an application: `survey`, `issue` or `resurvey`.
pub async fn step(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<StepForm>, FormRejection>,
) -> UiResult<Response> {
    let Path((id, what)) = path.map_err(|_| UiError(AppError::NotFound))?;
    let id = uuid_of(&id)?;
    let Form(f) = form.map_err(AppError::from)?;
    let (d, h) = (uuid_of(&f.declaration)?, uuid_of(&f.household)?);
    let r = async {
        match what.as_str() {
            "survey" => {
                let ratio = match f.damage_ratio.trim() {
                    "" => None,
                    s => Some(s.parse::<f64>().map_err(|_| {
                        tsunagi_app::Error::invalid(
                            "damage_ratio",
                            "損害割合は数字（%）で入力してください",
                        )
                    })?),
                };
                let input = SurveyInput {
                    kind: SurveyKind::parse(&f.kind).ok_or_else(|| {
                        tsunagi_app::Error::invalid("kind", "調査の種類を選んでください")
                    })?,
                    surveyed_on: date_of(&f.surveyed_on, "surveyed_on")?,
                    surveyors: f.surveyors.split(['、', ',']).map(str::to_owned).collect(),
                    damage_ratio: ratio,
                    collapsed: f.collapsed.is_some(),
                    notes: Some(f.notes.clone()),
                };
                certificates::record_survey(&state.app, &user.ctx, id, f.version, input).await?;
            }
            "issue" => {
                certificates::issue(&state.app, &user.ctx, id, f.version).await?;
            }
            "resurvey" => {
                certificates::request_resurvey(&state.app, &user.ctx, id, f.version, &f.reason)
                    .await?;
            }
            _ => return Err(tsunagi_app::Error::NotFound),
        }
        Ok(())
    }
    .await;
    after(&state, &user, d, h, r).await
}

/// The certificate in force as a PDF.
pub async fn certificate_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = one_id(path)?;
    let p = certificates::printable(&state.app, &user.ctx, id).await?;
    Ok(crate::documents::certificates_pdf(&[p], user.ctx.today(), "certificate").await?)
}

/// Records a provision of the ledger (art. 90-4). The form's items are checkboxes of one
/// name, so the body is read as pairs.
pub async fn disclose(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> UiResult<Response> {
    let id = one_id(path)?;
    let Form(pairs) = form.map_err(AppError::from)?;
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (d, h) = (
        uuid_of(&field("declaration"))?,
        uuid_of(&field("household"))?,
    );
    let r = async {
        let input =
            DisclosureInput {
                basis: DisclosureBasis::parse(&field("basis")).ok_or_else(|| {
                    tsunagi_app::Error::invalid("basis", "提供の根拠を選んでください")
                })?,
                receiver: OrganisationId(field("receiver").parse().map_err(|_| {
                    tsunagi_app::Error::invalid("receiver", "提供先を選んでください")
                })?),
                items: pairs
                    .iter()
                    .filter(|(k, _)| k == "items")
                    .filter_map(|(_, v)| LedgerItem::parse(v))
                    .collect(),
                purpose: field("purpose"),
                disclosed_on: date_of(&field("disclosed_on"), "disclosed_on")?,
            };
        ledger::disclose(&state.app, &user.ctx, id, input).await?;
        Ok(())
    }
    .await;
    after(&state, &user, d, h, r).await
}

/// Attaches a photograph to a survey from the household's page (multipart; the CSRF token
/// travels in the action URL).
pub async fn upload_photo(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    mut multipart: axum::extract::Multipart,
) -> UiResult<Response> {
    let survey = one_id(path)?;
    let bad = |m: String| UiError(AppError::BadRequest(m));
    let (mut bytes, mut declaration, mut household) = (Vec::new(), String::new(), String::new());
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(e.body_text()))?
    {
        match field.name().unwrap_or_default() {
            "photo" => {
                bytes = field
                    .bytes()
                    .await
                    .map_err(|e| bad(e.body_text()))?
                    .to_vec()
            }
            "declaration" => declaration = field.text().await.map_err(|e| bad(e.body_text()))?,
            "household" => household = field.text().await.map_err(|e| bad(e.body_text()))?,
            _ => {}
        }
    }
    let (d, h) = (uuid_of(&declaration)?, uuid_of(&household)?);
    let r = certificates::add_photo(&state.app, &user.ctx, survey, bytes)
        .await
        .map(|_| ());
    after(&state, &user, d, h, r).await
}

/// A survey photograph, for the municipality's staff.
pub async fn photo(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = one_id(path)?;
    let (content_type, bytes) = certificates::photo(&state.app, &user.ctx, id).await?;
    Response::builder()
        .header(axum::http::header::CONTENT_TYPE, content_type)
        .header(axum::http::header::CACHE_CONTROL, "private, no-store")
        .body(axum::body::Body::from(bytes))
        .map_err(|e| UiError(AppError::Internal(e.to_string())))
}
