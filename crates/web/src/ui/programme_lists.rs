//! The disaster-wide side of support programmes: which acts apply to the disaster, the
//! households that have not applied for what they could receive (deadline nearest first, with
//! the yen gap, per area, and as .xlsx for the information-sharing meeting); and the catalogue
//! with the municipality's own programmes added on screen.

use super::ledger::one_id;
use super::programmes::{Choice, Pairs, choices_of, field, tri};
use super::{Chrome, UiResult};
use crate::auth::CurrentUser;
use crate::documents::yen;
use crate::exports::Table;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tsunagi_app::eligibility::{UnclaimedReport, unclaimed};
use tsunagi_domain::circumstances::DisasterActs;
use tsunagi_domain::issue_category::IssueCategory;
use tsunagi_domain::wareki::format_wareki;
use tsunagi_eligibility::form::ProgrammeForm;
use tsunagi_eligibility::programme::{BenefitKind, Provider};

fn tri_of(s: &str) -> Option<bool> {
    match s {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

pub(super) struct Row {
    household: String,
    household_no: String,
    head: String,
    area: String,
    programme: String,
    status: String,
    amount: String,
    deadline: String,
    days_left: String,
    gap: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "programmes_disaster.html")]
pub(super) struct DisasterPage {
    chrome: Chrome,
    declaration: String,
    declaration_name: String,
    acts: [(&'static str, &'static str, &'static str); 3],
    households: usize,
    rows: Vec<Row>,
    areas: Vec<(String, usize, usize, String)>,
    gap: String,
}

fn rows(r: &UnclaimedReport) -> Vec<Row> {
    r.rows
        .iter()
        .map(|u| Row {
            household: u.household_id.0.to_string(),
            household_no: u.household_no.clone(),
            head: u.head.clone(),
            area: u.area.clone(),
            programme: u.programme_name.clone(),
            status: u.status.label().into(),
            amount: u.amount_yen.map(yen).unwrap_or_default(),
            deadline: u.deadline.map(format_wareki).unwrap_or_default(),
            days_left: u
                .days_left
                .map(|d| {
                    if d < 0 {
                        "期限切れ".into()
                    } else {
                        format!("あと{d}日")
                    }
                })
                .unwrap_or_default(),
            gap: yen(u.household_gap_yen),
        })
        .collect()
}

/// The disaster's acts and the households who have not applied.
pub async fn disaster(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = one_id(path)?;
    let acts = tsunagi_app::programmes::acts(&state.app, &user.ctx, id).await?;
    let r = unclaimed(&state.app, &user.ctx, id).await?;
    Ok(DisasterPage {
        chrome: Chrome::new(&user, "disasters"),
        declaration: id.to_string(),
        declaration_name: r.declaration_name.clone(),
        acts: [
            (
                "support_act_applied",
                "被災者生活再建支援法が適用された",
                tri(acts.support_act_applied),
            ),
            (
                "relief_act_applied",
                "災害救助法が適用された",
                tri(acts.relief_act_applied),
            ),
            (
                "condolence_act_applies",
                "災害弔慰金法の対象となる災害",
                tri(acts.condolence_act_applies),
            ),
        ],
        households: r.households,
        rows: rows(&r),
        areas: r
            .areas
            .iter()
            .map(|a| (a.area.clone(), a.households, a.programmes, yen(a.gap_yen)))
            .collect(),
        gap: yen(r.gap_yen),
    }
    .into_response())
}

/// Records which acts apply.
pub async fn set_acts(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let id = one_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let acts = DisasterActs {
        support_act_applied: tri_of(field(&f, "support_act_applied")),
        relief_act_applied: tri_of(field(&f, "relief_act_applied")),
        condolence_act_applies: tri_of(field(&f, "condolence_act_applies")),
    };
    tsunagi_app::programmes::set_acts(&state.app, &user.ctx, id, acts).await?;
    Ok(Redirect::to(&format!("/disasters/{id}/programmes")).into_response())
}

/// The list as .xlsx, for the information-sharing meeting.
pub async fn unclaimed_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = one_id(path)?;
    let r = unclaimed(&state.app, &user.ctx, id).await?;
    let table = Table {
        headers: vec![
            "世帯番号",
            "世帯主",
            "地区",
            "制度",
            "判定",
            "金額の目安",
            "申請期限",
            "残り日数",
            "世帯の未申請額",
        ],
        rows: rows(&r)
            .into_iter()
            .map(|x| {
                vec![
                    x.household_no,
                    x.head,
                    x.area,
                    x.programme,
                    x.status,
                    x.amount,
                    x.deadline,
                    x.days_left,
                    x.gap,
                ]
            })
            .collect(),
    };
    let bytes =
        crate::exports::xlsx("未申請", &table).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::download::attachment(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "unclaimed.xlsx",
        "支援制度_未申請世帯.xlsx",
    ))
}

pub(super) struct Listed {
    id: String,
    name: String,
    provider: &'static str,
    kind: &'static str,
    categories: String,
    summary: String,
    periods: String,
    source: String,
    checked_on: String,
    municipal: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "programmes_catalogue.html")]
pub(super) struct CataloguePage {
    chrome: Chrome,
    programmes: Vec<Listed>,
    errors: Vec<String>,
    form: ProgrammeForm,
    version: i32,
    providers: Vec<Choice>,
    kinds: Vec<Choice>,
    categories: Vec<Choice>,
    from: String,
    window: String,
    can_add: bool,
}

async fn catalogue_page(
    state: &AppState,
    user: &CurrentUser,
    form: ProgrammeForm,
    version: i32,
    errors: Vec<String>,
) -> Result<CataloguePage, AppError> {
    let c = tsunagi_app::programmes::catalogue(&state.app, &user.ctx).await?;
    let programmes = c
        .catalogue
        .programmes
        .iter()
        .map(|p| Listed {
            id: p.id.clone(),
            name: p.name.clone(),
            provider: p.provider.label(),
            kind: p.kind.label(),
            categories: p
                .categories
                .iter()
                .map(|c| c.label())
                .collect::<Vec<_>>()
                .join("・"),
            summary: p.summary.clone(),
            periods: p
                .versions
                .iter()
                .map(|v| {
                    format!(
                        "{}〜{}",
                        format_wareki(v.from),
                        v.until.map(format_wareki).unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("、"),
            source: p.source.clone(),
            checked_on: format_wareki(p.checked_on),
            municipal: p.origin == tsunagi_eligibility::Origin::Municipal,
        })
        .collect();
    Ok(CataloguePage {
        chrome: Chrome::new(user, "programmes"),
        programmes,
        errors,
        providers: choices_of(Provider::ALL, Provider::code, Provider::label, |p| {
            form.provider == Some(p)
        }),
        kinds: choices_of(
            BenefitKind::ALL,
            BenefitKind::code,
            BenefitKind::label,
            |k| form.kind == Some(k),
        ),
        categories: choices_of(
            IssueCategory::ALL,
            IssueCategory::code,
            IssueCategory::label,
            |c| form.categories.contains(&c),
        ),
        from: form.from.map(|d| d.to_string()).unwrap_or_default(),
        window: form
            .window_months
            .map(|m| m.to_string())
            .unwrap_or_default(),
        form,
        version,
        can_add: tsunagi_domain::access::can(
            &user.actor,
            tsunagi_domain::access::Capability::CreatePerson,
        ),
    })
}

/// The catalogue, and the form to add a programme of the municipality.
///
/// `?edit=ID` opens one of the municipality's own programmes in the form, from its version.
pub async fn catalogue(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<EditQuery>,
) -> UiResult<Response> {
    let mut form = ProgrammeForm {
        provider: Some(Provider::Municipality),
        kind: Some(BenefitKind::Grant),
        ..ProgrammeForm::default()
    };
    let mut version = 0;
    if let Some(id) = q.edit.as_deref() {
        let own = tsunagi_app::programmes::catalogue(&state.app, &user.ctx)
            .await?
            .own;
        let p = own
            .iter()
            .find(|p| p.programme_id == id)
            .ok_or(AppError::NotFound)?;
        form = ProgrammeForm::from_toml(&p.source).ok_or(AppError::NotFound)?;
        version = p.version;
    }
    Ok(catalogue_page(&state, &user, form, version, Vec::new())
        .await?
        .into_response())
}

#[derive(serde::Deserialize)]
pub struct EditQuery {
    edit: Option<String>,
}

/// Adds (or, from its version, changes) a programme of the municipality.
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let today = user.ctx.today();
    let form = ProgrammeForm {
        id: field(&f, "id").to_owned(),
        name: field(&f, "name").to_owned(),
        provider: Provider::parse(field(&f, "provider")),
        kind: BenefitKind::parse(field(&f, "kind")),
        categories: f
            .iter()
            .filter(|(k, _)| k == "categories")
            .filter_map(|(_, v)| IssueCategory::parse(v))
            .collect(),
        summary: field(&f, "summary").to_owned(),
        documents: field(&f, "documents").to_owned(),
        where_to_apply: field(&f, "where_to_apply").to_owned(),
        source: field(&f, "source").to_owned(),
        condition: field(&f, "condition").to_owned(),
        condition_reason: field(&f, "condition_reason").to_owned(),
        amount: field(&f, "amount").to_owned(),
        amount_label: field(&f, "amount_label").to_owned(),
        window_months: field(&f, "window_months").parse().ok(),
        from: field(&f, "from").parse().ok(),
        checked_on: Some(today),
    };
    let version = field(&f, "version").parse().unwrap_or(0);
    match tsunagi_app::programmes::save(&state.app, &user.ctx, &form, version).await {
        Ok(_) => Ok(Redirect::to(&format!("/programmes#programme-{}", form.id)).into_response()),
        Err(tsunagi_app::Error::Invalid(e)) => {
            let errors = e.0.into_iter().map(|f| f.message).collect();
            let page = catalogue_page(&state, &user, form, version, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(tsunagi_app::Error::Conflict { .. }) => {
            let errors = vec!["同じIDの制度がすでにあるか、ほかの人が先に更新しました".to_owned()];
            let page = catalogue_page(&state, &user, form, version, errors).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}
