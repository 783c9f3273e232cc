//! Person screens: search and list, detail, create and edit.

use super::path_person_id as person_id;
use super::views::{PersonRow, PersonView, page_numbers};
use super::{Chrome, UiError, UiResult, is_htmx};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::HashMap;
use tsunagi_app::persons;
use tsunagi_domain::paging::Page;
use tsunagi_domain::person::{PersonInput, Sex};

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    page: Option<u64>,
}

pub struct PersonResults {
    pub q: String,
    pub rows: Vec<PersonRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub numbers: Vec<(u64, bool)>,
    pub q_encoded: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "persons/list.html")]
struct ListPage {
    chrome: Chrome,
    results: PersonResults,
}

#[derive(Template, WebTemplate)]
#[template(path = "persons/results.html")]
struct ResultsFragment {
    results: PersonResults,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> UiResult<Response> {
    let Query(q) = query.map_err(AppError::from)?;
    let page = Page::requested(q.page, Some(20)).map_err(AppError::BadRequest)?;
    let found = persons::search(&state.app, &user.ctx, &q.q, page).await?;
    let today = user.ctx.today();
    let pages = page.page_count(found.total);
    let results = PersonResults {
        q_encoded: form_urlencoded::byte_serialize(q.q.as_bytes()).collect(),
        q: q.q,
        rows: found
            .items
            .iter()
            .map(|p| PersonRow::from(p, today))
            .collect(),
        total: found.total,
        page: page.number,
        pages,
        numbers: page_numbers(page.number, pages),
    };
    if is_htmx(&headers) {
        return Ok(ResultsFragment { results }.into_response());
    }
    Ok(ListPage {
        chrome: Chrome::new(&user, "persons"),
        results,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "persons/detail.html")]
struct DetailPage {
    chrome: Chrome,
    p: PersonView,
    /// May the viewer answer the flow's questions (要確認)?
    may_answer: bool,
    priorities: Vec<(&'static str, &'static str)>,
    leave_reasons: Vec<(&'static str, &'static str)>,
    approaches: Vec<(&'static str, &'static str)>,
    /// For the owning municipality: who the record is shared with, and the choices.
    owner: Option<OwnerPanel>,
    household: Vec<PersonRow>,
    saved: bool,
    /// The home's geography (roster persons): location, hazards, nearest shelters.
    geo: Option<persons::HomeGeography>,
    /// Where point 1 (自宅の災害危険性) came from.
    hazard_note: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    saved: Option<String>,
}

struct ShareRow {
    org_id: String,
    name: String,
    kind: &'static str,
    level: &'static str,
    /// Why the share exists (個別に提供 / 提供先の地区 / 担当（委託）).
    source: &'static str,
    /// Only shares made by hand are removed here; the others follow the receiver definition
    /// or the assignment.
    manual: bool,
    /// What the organisation can open now, in words.
    access: &'static str,
}

struct OwnerPanel {
    shares: Vec<ShareRow>,
    orgs: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str, bool)>,
    statuses: Vec<(&'static str, &'static str, bool)>,
    methods: Vec<(&'static str, &'static str, bool)>,
    obtained_on: String,
    obtained_by: String,
    note: String,
}

use tsunagi_domain::access::{ShareSource, may_be_entrusted};

fn owner_panel(
    record: &persons::PersonRecord,
    owner: Option<persons::OwnerView>,
) -> Option<OwnerPanel> {
    let owner = owner?;
    let c = &record.consent;
    let shares = owner
        .shares
        .into_iter()
        .map(|s| ShareRow {
            org_id: s.organisation_id.to_string(),
            name: s.organisation_name,
            kind: s.kind.label(),
            level: if s.level == tsunagi_domain::access::AccessLevel::Write {
                "閲覧・更新"
            } else {
                "閲覧のみ"
            },
            source: s.source.label(),
            manual: s.source == ShareSource::Manual,
            access: if s.source == ShareSource::Assignment && may_be_entrusted(s.kind) {
                "可（担当・委託）"
            } else if !c.facts().covers(s.kind) {
                "不可（同意なし）"
            } else if s.includes_plan {
                "可（同意あり）"
            } else {
                "名簿のみ（同意あり）"
            },
        })
        .collect();
    let orgs = owner
        .organisations
        .into_iter()
        .map(|o| {
            (
                o.id.to_string(),
                format!("{}（{}）", o.name, o.kind.label()),
            )
        })
        .collect();
    use tsunagi_domain::consent::{ConsentMethod, ConsentStatus};
    use tsunagi_domain::organisation::OrganisationKind;
    Some(OwnerPanel {
        shares,
        orgs,
        kinds: OrganisationKind::ALL
            .iter()
            .filter(|k| !matches!(k, OrganisationKind::Municipality))
            .map(|k| (k.code(), k.label(), c.scope.contains(k)))
            .collect(),
        statuses: ConsentStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label(), *s == c.status))
            .collect(),
        methods: ConsentMethod::ALL
            .iter()
            .map(|m| (m.code(), m.label(), Some(*m) == c.method))
            .collect(),
        obtained_on: c.obtained_on.map(|d| d.to_string()).unwrap_or_default(),
        obtained_by: c.obtained_by.clone().unwrap_or_default(),
        note: c.note.clone().unwrap_or_default(),
    })
}

pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    Query(q): Query<DetailQuery>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    let data = persons::page(&state.app, &user.ctx, id).await?;
    let record = data.record;
    let owner = owner_panel(&record, data.owner);
    let geo = data.geography;
    let today = user.ctx.today();
    let may_answer = record.grant.basis == tsunagi_domain::access::AccessBasis::Owner
        || tsunagi_domain::triage::Question::answered_by(user.actor.organisation_kind);
    Ok(DetailPage {
        may_answer,
        geo,
        hazard_note: record.roster.as_ref().and_then(|r| r.hazard_note.clone()),
        owner,
        chrome: Chrome::new(&user, "persons"),
        p: PersonView::from(&record, today),
        priorities: tsunagi_domain::triage::Priority::ALL
            .iter()
            .map(|p| (p.code(), p.label()))
            .collect(),
        approaches: tsunagi_domain::triage::Approach::ALL
            .iter()
            .map(|a| (a.code(), a.label()))
            .collect(),
        leave_reasons: tsunagi_domain::departure::LeaveReason::ALL
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect(),
        household: record
            .household
            .iter()
            .map(|p| PersonRow::from(p, today))
            .collect(),
        saved: q.saved.is_some(),
    }
    .into_response())
}

/// A field the user's copy and the saved copy disagree on, shown after a conflict.
struct ConflictField {
    label: &'static str,
    mine: String,
    theirs: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "persons/form.html")]
struct FormPage {
    chrome: Chrome,
    title: String,
    action: String,
    cancel: String,
    input: PersonInput,
    version: String,
    errors: HashMap<String, String>,
    sexes: Vec<(&'static str, &'static str)>,
    conflict: Vec<ConflictField>,
    conflict_version: Option<i32>,
}

impl FormPage {
    fn error(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
}

fn form_page(
    user: &CurrentUser,
    title: String,
    action: String,
    cancel: String,
    input: PersonInput,
    version: String,
) -> FormPage {
    FormPage {
        chrome: Chrome::new(user, "persons"),
        title,
        action,
        cancel,
        input,
        version,
        errors: HashMap::new(),
        sexes: Sex::ALL.iter().map(|s| (s.code(), s.label())).collect(),
        conflict: Vec::new(),
        conflict_version: None,
    }
}

pub async fn new_form(user: CurrentUser) -> UiResult<Response> {
    if !tsunagi_domain::access::can(
        &user.actor,
        tsunagi_domain::access::Capability::CreatePerson,
    ) {
        return Err(UiError(AppError::Forbidden));
    }
    Ok(form_page(
        &user,
        "個人記録の新規登録".into(),
        "/persons".into(),
        "/persons".into(),
        PersonInput::default(),
        String::new(),
    )
    .into_response())
}

#[derive(Deserialize)]
pub struct PersonForm {
    #[serde(flatten)]
    input: PersonInput,
    #[serde(default)]
    version: String,
}

fn with_errors(mut page: FormPage, e: &tsunagi_domain::ValidationErrors) -> Response {
    page.errors =
        e.0.iter()
            .map(|f| (f.field.clone(), f.message.clone()))
            .collect();
    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<PersonForm>, FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let page = form_page(
        &user,
        "個人記録の新規登録".into(),
        "/persons".into(),
        "/persons".into(),
        f.input.clone(),
        String::new(),
    );
    let details = match f.input.validate(user.ctx.today()) {
        Ok(d) => d,
        Err(e) => return Ok(with_errors(page, &e)),
    };
    let created = match persons::create(&state.app, &user.ctx, details).await {
        Ok(p) => p,
        Err(tsunagi_app::Error::Duplicate("resident_no")) => {
            let e = tsunagi_domain::ValidationErrors::single(
                "resident_no",
                "この宛名番号は既に登録されています",
            );
            return Ok(with_errors(page, &e));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/persons/{}?saved=1", created.id)).into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    let record = persons::get(&state.app, &user.ctx, id).await?;
    if record.grant.level != tsunagi_domain::access::AccessLevel::Write {
        return Err(UiError(AppError::Forbidden));
    }
    Ok(form_page(
        &user,
        format!("{} さんの記録を編集", record.details.name),
        format!("/persons/{id}"),
        format!("/persons/{id}"),
        PersonInput::from(&record.details),
        record.version.to_string(),
    )
    .into_response())
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<PersonForm>, FormRejection>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let mut page = form_page(
        &user,
        "個人記録の編集".into(),
        format!("/persons/{id}"),
        format!("/persons/{id}"),
        f.input.clone(),
        f.version.clone(),
    );
    let Ok(version) = f.version.trim().parse::<i32>() else {
        return Err(UiError(AppError::BadRequest("版番号がありません".into())));
    };
    let details = match f.input.validate(user.ctx.today()) {
        Ok(d) => d,
        Err(e) => return Ok(with_errors(page, &e)),
    };
    match persons::update(&state.app, &user.ctx, id, version, details).await {
        Ok(_) => Ok(Redirect::to(&format!("/persons/{id}?saved=1")).into_response()),
        Err(tsunagi_app::Error::Conflict { current }) => {
            // Show what the other user saved beside what this user typed; nothing is lost.
            let latest = persons::get(&state.app, &user.ctx, id).await?;
            let theirs = PersonInput::from(&latest.details);
            let mine = serde_json::to_value(&f.input).unwrap_or_default();
            let theirs_v = serde_json::to_value(&theirs).unwrap_or_default();
            page.conflict = tsunagi_domain::person::FIELD_LABELS
                .iter()
                .filter_map(|(field, label)| {
                    let m = mine
                        .get(field)
                        .and_then(|v| v.as_str())
                        .unwrap_or("")
                        .trim()
                        .to_owned();
                    let t = theirs_v
                        .get(field)
                        .and_then(|v| v.as_str())
                        .unwrap_or("")
                        .trim()
                        .to_owned();
                    (m != t).then_some(ConflictField {
                        label,
                        mine: m,
                        theirs: t,
                    })
                })
                .collect();
            page.conflict_version = Some(current);
            page.version = current.to_string();
            Ok((axum::http::StatusCode::CONFLICT, page).into_response())
        }
        Err(tsunagi_app::Error::Duplicate("resident_no")) => {
            let e = tsunagi_domain::ValidationErrors::single(
                "resident_no",
                "この宛名番号は既に登録されています",
            );
            Ok(with_errors(page, &e))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct LeaveForm {
    reason: String,
    left_on: String,
    #[serde(default)]
    note: String,
}

/// Takes the person off the roster (名簿からの削除), then shows the record.
pub async fn leave_roster(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<LeaveForm>, FormRejection>,
) -> UiResult<Response> {
    let id = super::path_person_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let reason = tsunagi_domain::departure::LeaveReason::parse(&f.reason)
        .ok_or_else(|| AppError::BadRequest("削除の理由を選んでください".into()))?;
    let left_on = tsunagi_domain::wareki::parse_date(&f.left_on).map_err(|e| {
        AppError::Invalid(tsunagi_domain::ValidationErrors::single(
            "left_on",
            e.to_string(),
        ))
    })?;
    let d = tsunagi_domain::departure::Departure {
        reason,
        left_on,
        note: Some(f.note),
    };
    tsunagi_app::roster::leave(&state.app, &user.ctx, id, d).await?;
    Ok(Redirect::to(&format!("/persons/{id}?saved=1")).into_response())
}
