//! Receivers (名簿の提供先): the municipality defines which organisation receives the roster
//! (and plans) of which 自治会 / 民生委員 districts, and prints each receiver's list. A
//! receiver's own members download their own list here too.

use super::{Chrome, UiError, UiResult};
use crate::auth::CurrentUser;
use crate::exports::{self, Table, Unmappable};
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tsunagi_app::receivers;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::{Capability, can};
use tsunagi_domain::receiver::{DistrictField, Receiver, parse_districts};

pub struct Row {
    id: String,
    name: String,
    kind: &'static str,
    field: &'static str,
    districts: String,
    includes_plan: bool,
    disaster_only: bool,
    defined: bool,
    version: i32,
    covered: u64,
    agreements: Vec<super::receiver_agreements::AgreementRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "receivers.html")]
struct ReceiversPage {
    chrome: Chrome,
    rows: Vec<Row>,
    fields: Vec<(&'static str, &'static str)>,
    notice: Option<String>,
    /// Municipal staff edit; a receiver's member only downloads its own list.
    editable: bool,
    agreement_kinds: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize)]
pub struct Notice {
    applied: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(n): Query<Notice>,
) -> UiResult<Response> {
    let editable = can(&user.actor, Capability::CreatePerson);
    let rows = if editable {
        let lines = receivers::list(&state.app, &user.ctx).await?;
        let agreements = receivers::agreements(&state.app, &user.ctx).await?;
        let today = user.ctx.today();
        lines
            .into_iter()
            .map(|l| {
                let r = l.receiver.clone();
                Row {
                    id: l.organisation.id.to_string(),
                    name: l.organisation.name.clone(),
                    kind: l.organisation.kind.label(),
                    field: r
                        .as_ref()
                        .map(|r| r.district_field)
                        .unwrap_or_else(|| receivers::default_field(l.organisation.kind))
                        .code(),
                    districts: r
                        .as_ref()
                        .map(|r| r.districts.iter().cloned().collect::<Vec<_>>().join("\n"))
                        .unwrap_or_default(),
                    includes_plan: r.as_ref().is_none_or(|r| r.includes_plan),
                    disaster_only: r.as_ref().is_some_and(|r| r.disaster_only),
                    defined: r.is_some(),
                    version: l.version,
                    covered: l.covered,
                    agreements: agreements
                        .iter()
                        .filter(|a| a.organisation_id == l.organisation.id)
                        .map(|a| super::receiver_agreements::AgreementRow::of(a, today))
                        .collect(),
                }
            })
            .collect()
    } else if user.actor.organisation_kind.is_evacuation_support_party() {
        vec![Row {
            id: user.actor.organisation_id.to_string(),
            name: user.membership.organisation.name.clone(),
            kind: user.actor.organisation_kind.label(),
            field: "",
            districts: String::new(),
            includes_plan: false,
            disaster_only: false,
            defined: true,
            version: 0,
            covered: 0,
            agreements: Vec::new(),
        }]
    } else {
        return Err(UiError(AppError::NotFound));
    };
    Ok(ReceiversPage {
        chrome: Chrome::new(&user, "receivers"),
        rows,
        fields: DistrictField::ALL
            .iter()
            .map(|f| (f.code(), f.label()))
            .collect(),
        notice: n.applied,
        editable,
        agreement_kinds: super::receiver_agreements::kinds(),
    }
    .into_response())
}

fn org_id(path: Result<Path<String>, PathRejection>) -> Result<OrganisationId, AppError> {
    let Path(raw) = path.map_err(|_| AppError::NotFound)?;
    raw.parse::<uuid::Uuid>()
        .map(OrganisationId)
        .map_err(|_| AppError::NotFound)
}

#[derive(Deserialize)]
pub struct ReceiverForm {
    /// "remove" to delete the definition.
    action: Option<String>,
    district_field: String,
    #[serde(default)]
    districts: String,
    includes_plan: Option<String>,
    disaster_only: Option<String>,
    version: i32,
}

pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<ReceiverForm>, FormRejection>,
) -> UiResult<Response> {
    let org = org_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let def = if f.action.as_deref() == Some("remove") {
        None
    } else {
        Some(Receiver {
            district_field: DistrictField::parse(&f.district_field)
                .ok_or_else(|| AppError::BadRequest("地区の種類が不正です".into()))?,
            districts: parse_districts(&f.districts),
            includes_plan: f.includes_plan.is_some(),
            disaster_only: f.disaster_only.is_some(),
        })
    };
    let report = receivers::set(&state.app, &user.ctx, org, def.as_ref(), f.version).await?;
    let msg = format!(
        "保存しました（提供対象 {} 人追加、{} 人除外）",
        report.added, report.removed
    );
    Ok(Redirect::to(&format!("/receivers?applied={}", urlencode(&msg))).into_response())
}

pub async fn apply(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let report = receivers::apply(&state.app, &user.ctx).await?;
    let msg = format!(
        "名簿の地区に合わせて反映しました（{} 人追加、{} 人除外）",
        report.added, report.removed
    );
    Ok(Redirect::to(&format!("/receivers?applied={}", urlencode(&msg))).into_response())
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Loads the list; the plan columns appear when the receiver is given plans (decided per
/// person by the policy), even where no plan is written yet.
async fn table(
    state: &AppState,
    user: &CurrentUser,
    org: OrganisationId,
    format: &str,
) -> Result<(String, Table), AppError> {
    let (target, lines) = receivers::receiver_list(&state.app, &user.ctx, org, format).await?;
    let includes_plan = lines.iter().any(|l| l.plan_shared);
    Ok((target.name, exports::receiver_table(&lines, includes_plan)))
}

use crate::download::attachment as file;

pub async fn list_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let org = org_id(path)?;
    let (name, t) = table(&state, &user, org, "xlsx").await?;
    let bytes = exports::xlsx("名簿", &t).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(file(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "roster.xlsx",
        &format!("避難行動要支援者名簿_{name}.xlsx"),
    ))
}

#[derive(Deserialize)]
pub struct CsvQuery {
    /// `sjis` (default) or `utf8`.
    encoding: Option<String>,
}

/// The cells a Shift_JIS file cannot hold, with the way to the UTF-8 file instead.
#[derive(Template, WebTemplate)]
#[template(path = "unmappable.html")]
pub(super) struct UnmappablePage {
    pub chrome: Chrome,
    pub receiver: String,
    pub utf8_link: String,
    pub problems: Vec<Unmappable>,
}

pub async fn list_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    Query(q): Query<CsvQuery>,
) -> UiResult<Response> {
    let org = org_id(path)?;
    let format = if q.encoding.as_deref() == Some("utf8") {
        "csv-utf8"
    } else {
        "csv"
    };
    let (name, t) = table(&state, &user, org, format).await?;
    let internal = |e: csv::Error| AppError::Internal(e.to_string());
    if q.encoding.as_deref() == Some("utf8") {
        let bytes = exports::csv_utf8_bom(&t).map_err(internal)?;
        return Ok(file(
            bytes,
            "text/csv; charset=utf-8",
            "roster-utf8.csv",
            &format!("【取扱注意】避難行動要支援者名簿_{name}_UTF-8.csv"),
        ));
    }
    match exports::csv_shift_jis(&t).map_err(internal)? {
        Ok(bytes) => Ok(file(
            bytes,
            "text/csv; charset=Shift_JIS",
            "roster-sjis.csv",
            &format!("【取扱注意】避難行動要支援者名簿_{name}.csv"),
        )),
        Err(problems) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            UnmappablePage {
                chrome: Chrome::new(&user, "receivers"),
                receiver: name,
                utf8_link: format!("/receivers/{org}/list.csv?encoding=utf8"),
                problems,
            },
        )
            .into_response()),
    }
}
