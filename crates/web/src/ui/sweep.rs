//! 「安否確認」: a checker's list of a declaration's sweep (its own people by the checker order,
//! or everyone it may see), one form per person that records once however often it is sent,
//! and the municipality's settings for its sweeps (escalation time, checker order).

use super::programmes::{Pairs, back_to, field};
use super::views::jst_minutes;
use super::{Chrome, UiResult, path_uuid};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tsunagi_domain::safety::checkers::CheckerStep;

struct SweepRow {
    id: String,
    name: String,
    address: String,
    status: &'static str,
    confirmed: bool,
    overdue: bool,
    priority: &'static str,
    attempts: i32,
    last: String,
    /// Who the checker order gave the person to, and whether through the supporters.
    checker: String,
    via_supporters: bool,
    /// A fresh key per form: a resubmitted form records once.
    key: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "sweep.html")]
struct SweepPage {
    chrome: Chrome,
    declaration: String,
    rows: Vec<SweepRow>,
    unreached: usize,
    only_mine: bool,
    may_narrow: bool,
    /// The checker's own progress: people, confirmed, never tried, 要対応.
    progress: (usize, usize, usize, usize),
    /// 「3時間」「90分」: the municipality's escalation time in words.
    escalation_words: String,
    /// The whole sweep's counts per status, for the municipality's staff.
    counts: Vec<(&'static str, u64)>,
    statuses: Vec<(&'static str, &'static str)>,
    methods: Vec<(&'static str, &'static str)>,
    /// The municipality's settings, for its staff: escalation minutes, the checker order (five
    /// places before the staff, each a step code or empty), and the order in words.
    escalation: Option<u32>,
    order_slots: Vec<&'static str>,
    order_words: String,
    steps: Vec<(&'static str, &'static str)>,
    /// The staff's paper lists: whose lists may be printed (id or empty, name, people), and
    /// the lists handed out.
    paper_checkers: Vec<(String, String, u32)>,
    paper_lists: Vec<PaperListRow>,
}

struct PaperListRow {
    id: String,
    number: i32,
    checker: String,
    people: usize,
    issued: String,
    entered: String,
}

fn minutes_in_words(m: u32) -> String {
    if m.is_multiple_of(60) {
        format!("{}時間", m / 60)
    } else {
        format!("{m}分")
    }
}

#[derive(Deserialize)]
pub struct SweepQuery {
    #[serde(default)]
    all: Option<String>,
}

/// A checker's list: their people, nobody-reached first, one form per person.
pub async fn sweep(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    Query(query): Query<SweepQuery>,
) -> UiResult<Response> {
    use tsunagi_domain::safety::{ContactMethod, SafetyStatus};
    let id = path_uuid(path)?;
    let everyone = query.all.is_some();
    let sweep = tsunagi_app::safety::sweep(&state.app, &user.ctx, id, everyone).await?;
    let rows: Vec<SweepRow> = sweep
        .lines
        .iter()
        .map(|l| SweepRow {
            id: l.person.id.to_string(),
            name: l.person.name.clone(),
            address: l.person.address.clone(),
            status: l.status.label(),
            confirmed: l.status.is_confirmed(),
            overdue: l.overdue,
            priority: l.priority.map(|p| p.label()).unwrap_or("—"),
            attempts: l.attempts,
            last: match (&l.last_at, &l.last_by) {
                (Some(at), Some(by)) => format!("{} {by}", jst_minutes(at)),
                _ => String::new(),
            },
            checker: l.checker_name.clone(),
            via_supporters: l.checker_step == Some(CheckerStep::Supporters),
            key: uuid::Uuid::new_v4().simple().to_string(),
        })
        .collect();
    let staff = tsunagi_domain::access::can(
        &user.actor,
        tsunagi_domain::access::Capability::CreatePerson,
    );
    let counts = if staff {
        tsunagi_app::safety::counts(&state.app, &user.ctx, id)
            .await?
            .into_iter()
            .map(|(s, n)| (s.label(), n))
            .collect()
    } else {
        Vec::new()
    };
    let (escalation, order) = if staff {
        (
            Some(sweep.escalate_after_minutes),
            Some(tsunagi_app::safety::checker_order(&state.app, &user.ctx).await?),
        )
    } else {
        (None, None)
    };
    let (paper_checkers, paper_lists) = if staff {
        let checkers = tsunagi_app::safety_paper::checkers(&state.app, &user.ctx, id)
            .await?
            .into_iter()
            .map(|(o, name, n)| (o.map(|o| o.to_string()).unwrap_or_default(), name, n))
            .collect();
        let lists = tsunagi_app::safety_paper::lists(&state.app, &user.ctx, id)
            .await?
            .into_iter()
            .map(|l| PaperListRow {
                id: l.list.id.to_string(),
                number: l.list.number,
                checker: l.checker_name,
                people: l.list.persons.len(),
                issued: format!("{} {}", jst_minutes(&l.list.issued_at), l.list.issued_by),
                entered: l
                    .list
                    .entered_at
                    .as_ref()
                    .map(|at| {
                        format!(
                            "{} {}",
                            jst_minutes(at),
                            l.list.entered_by.clone().unwrap_or_default()
                        )
                    })
                    .unwrap_or_default(),
            })
            .collect();
        (checkers, lists)
    } else {
        (Vec::new(), Vec::new())
    };
    let order_slots: Vec<&'static str> = match &order {
        Some(o) => {
            let mut v: Vec<&'static str> = o
                .steps()
                .iter()
                .filter(|s| **s != CheckerStep::MunicipalStaff)
                .map(|s| s.code())
                .collect();
            v.resize(ORDER_SLOTS, "");
            v
        }
        None => Vec::new(),
    };
    Ok(SweepPage {
        chrome: Chrome::new(&user, "disasters"),
        declaration: id.to_string(),
        counts,
        escalation,
        order_slots,
        order_words: order.map(|o| o.label()).unwrap_or_default(),
        paper_checkers,
        paper_lists,
        steps: CheckerStep::ALL
            .iter()
            .filter(|s| **s != CheckerStep::MunicipalStaff)
            .map(|s| (s.code(), s.label()))
            .collect(),
        unreached: rows.iter().filter(|r| !r.confirmed).count(),
        progress: sweep.progress(),
        only_mine: sweep.only_mine,
        may_narrow: sweep.may_narrow,
        escalation_words: minutes_in_words(sweep.escalate_after_minutes),
        rows,
        statuses: SafetyStatus::ALL
            .into_iter()
            .filter(|s| *s != SafetyStatus::Unchecked)
            .map(|s| (s.code(), s.label()))
            .collect(),
        methods: ContactMethod::ALL
            .into_iter()
            .map(|m| (m.code(), m.label()))
            .collect(),
    }
    .into_response())
}

/// The places of the checker order a municipality fills before its staff.
const ORDER_SLOTS: usize = 5;

#[derive(Deserialize)]
pub struct CheckForm {
    status: String,
    method: String,
    #[serde(default)]
    note: String,
    key: String,
}

pub async fn record_check(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<CheckForm>, FormRejection>,
) -> UiResult<Response> {
    use tsunagi_domain::safety::{CheckAttempt, ContactMethod, SafetyStatus};
    let Path((decl, person)) = path.map_err(|_| AppError::NotFound)?;
    let decl: uuid::Uuid = decl.parse().map_err(|_| AppError::NotFound)?;
    let person: tsunagi_domain::PersonId = person.parse().map_err(|_| AppError::NotFound)?;
    let Form(f) = form.map_err(AppError::from)?;
    let (Some(status), Some(method)) = (
        SafetyStatus::parse(&f.status),
        ContactMethod::parse(&f.method),
    ) else {
        return Err(AppError::BadRequest("確認の結果と方法を選んでください".into()).into());
    };
    let attempt = CheckAttempt {
        status,
        method,
        note: Some(f.note),
        key: f.key,
    };
    tsunagi_app::safety::record(&state.app, &user.ctx, decl, person, attempt).await?;
    Ok(Redirect::to(&format!("/disasters/{decl}/sweep")).into_response())
}

/// Sets the municipality's escalation time (its staff); back to the sweep.
pub async fn set_escalation(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let minutes: u32 = field(&f, "minutes").parse().unwrap_or(0);
    tsunagi_app::safety::set_escalation(&state.app, &user.ctx, minutes).await?;
    Ok(Redirect::to(&back_to(&f, "/disasters")).into_response())
}

/// Sets the municipality's checker order from the form's places (`step`, repeated, in order;
/// empty places are skipped); back to the sweep. The staff come last whatever is chosen.
pub async fn set_checker_order(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let steps = f
        .iter()
        .filter(|(k, v)| k == "step" && !v.is_empty())
        .map(|(_, v)| {
            CheckerStep::parse(v).ok_or_else(|| AppError::BadRequest("担当の種類が不正です".into()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    tsunagi_app::safety::set_checker_order(&state.app, &user.ctx, &steps).await?;
    Ok(Redirect::to(&back_to(&f, "/disasters")).into_response())
}
