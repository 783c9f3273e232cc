//! The roster list with triage (優先度・進め方), the run button, and staff overrides.

use super::views::{PersonRow, page_numbers};
use super::{Chrome, UiError, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tsunagi_app::triage::{self, RosterFilter};
use tsunagi_domain::PersonId;
use tsunagi_domain::access::{Capability, can};
use tsunagi_domain::paging::Page;
use tsunagi_domain::roster_order::{RosterOrder, RosterSort};
use tsunagi_domain::triage::{Approach, Override, Priority, Question};

/// The page sizes the roster offers.
const PAGE_SIZES: [u64; 4] = [20, 50, 100, 200];

struct Line {
    person: PersonRow,
    priority: &'static str,
    priority_code: &'static str,
    approach: &'static str,
    /// The first reason, shown; the others fold under it.
    first_reason: String,
    more_reasons: Vec<String>,
    step: &'static str,
    due: String,
    consent: &'static str,
    district: String,
    overridden: bool,
    /// 津波避難困難 (see 「津波避難困難者の一覧」).
    difficult: bool,
    /// The approach waits for an answer (要確認).
    to_confirm: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "roster.html")]
struct RosterPage {
    chrome: Chrome,
    lines: Vec<Line>,
    total: u64,
    page: u64,
    pages: u64,
    numbers: Vec<(u64, bool)>,
    priority: String,
    approach: String,
    query: String,
    plan: String,
    consent: String,
    district: String,
    confirm: bool,
    town: String,
    districts: Vec<String>,
    /// A receiver's towns, to narrow its list by 町.
    towns: Vec<String>,
    /// The filters and the order as a query string, for the pager's links.
    filters_qs: String,
    /// Each sortable column: (label, link, the list's order by it: "ascending" / "descending" /
    /// "none", for aria-sort).
    headers: Vec<(&'static str, String, &'static str)>,
    per_page: u64,
    page_sizes: Vec<u64>,
    plans: Vec<(&'static str, &'static str)>,
    consents: Vec<(&'static str, &'static str)>,
    priorities: Vec<(&'static str, &'static str)>,
    approaches: Vec<(&'static str, &'static str)>,
    can_run: bool,
    ran: Option<String>,
    policy_version: u32,
    /// The municipality's organisations plan work can be assigned to (bulk 委託).
    assignable: Vec<(String, String)>,
    /// The list's sort and direction, for the bulk form to return to.
    sort: String,
    dir: String,
}

#[derive(Deserialize, Default)]
pub struct RosterQuery {
    #[serde(default)]
    pub(super) priority: String,
    #[serde(default)]
    pub(super) approach: String,
    #[serde(default)]
    pub(super) q: String,
    #[serde(default)]
    pub(super) plan: String,
    #[serde(default)]
    pub(super) consent: String,
    #[serde(default)]
    pub(super) district: String,
    /// `1`: only those whose approach waits for an answer (要確認).
    #[serde(default)]
    pub(super) confirm: String,
    /// A town (町・大字), as the progress page names it.
    #[serde(default)]
    pub(super) town: String,
    /// A column to order by (`name`, `age`, `district`, `priority`, `step`, `due`).
    #[serde(default)]
    pub(super) sort: String,
    /// `asc` or `desc`.
    #[serde(default)]
    pub(super) dir: String,
    pub(super) per_page: Option<u64>,
    pub(super) page: Option<u64>,
    pub(super) ran: Option<String>,
}

impl RosterQuery {
    /// The filters as query pairs (without the order, the page size and the page).
    pub(super) fn filter_pairs(&self) -> [(&'static str, &str); 8] {
        [
            ("priority", self.priority.as_str()),
            ("approach", self.approach.as_str()),
            ("q", self.q.as_str()),
            ("plan", self.plan.as_str()),
            ("consent", self.consent.as_str()),
            ("district", self.district.as_str()),
            ("confirm", self.confirm.as_str()),
            ("town", self.town.as_str()),
        ]
    }
}

/// The roster filter a query (or the bulk form's hidden copy of it) names; an unknown value
/// is refused with 400.
pub(super) fn filter_of(q: &RosterQuery) -> Result<RosterFilter, AppError> {
    Ok(RosterFilter {
        priority: Priority::parse_filter(&q.priority).map_err(AppError::BadRequest)?,
        approach: Approach::parse_filter(&q.approach).map_err(AppError::BadRequest)?,
        query: q.q.clone(),
        district: q.district.clone(),
        plan: tsunagi_domain::workflow::PlanState::parse_filter(&q.plan)
            .map_err(AppError::BadRequest)?,
        consent: tsunagi_domain::consent::ConsentStatus::parse_filter(&q.consent)
            .map_err(AppError::BadRequest)?,
        to_confirm: !q.confirm.is_empty(),
        town: q.town.clone(),
        order: RosterOrder::parse(&q.sort, &q.dir).map_err(AppError::BadRequest)?,
        only: None,
    })
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    query: Result<Query<RosterQuery>, QueryRejection>,
) -> UiResult<Response> {
    let Query(q) = query.map_err(AppError::from)?;
    let filter = filter_of(&q)?;
    let per_page = q.per_page.unwrap_or(50);
    if !PAGE_SIZES.contains(&per_page) {
        return Err(UiError(AppError::BadRequest(format!(
            "1ページの件数は {} のいずれかです",
            PAGE_SIZES.map(|n| n.to_string()).join("・")
        ))));
    }
    let order = filter.order;
    let page = Page::requested(q.page, Some(per_page)).map_err(AppError::BadRequest)?;
    let triage::RosterScreen {
        lines: rows,
        total,
        difficult,
        policy_version,
        districts,
        towns,
    } = triage::roster_screen(&state.app, &user.ctx, &filter, page).await?;
    let today = user.ctx.today();
    let lines = rows
        .iter()
        .map(|l| Line {
            person: PersonRow::from(&l.person, today),
            priority: l
                .triage
                .as_ref()
                .map(|t| t.result.priority.label())
                .unwrap_or("未判定"),
            priority_code: l
                .triage
                .as_ref()
                .map(|t| t.result.priority.code())
                .unwrap_or("none"),
            approach: l
                .triage
                .as_ref()
                .map(|t| t.result.approach.label())
                .unwrap_or(""),
            first_reason: l
                .triage
                .as_ref()
                .and_then(|t| t.result.reasons.first().cloned())
                .unwrap_or_default(),
            more_reasons: l
                .triage
                .as_ref()
                .map(|t| t.result.reasons.iter().skip(1).cloned().collect())
                .unwrap_or_default(),
            step: l.step.map(|s| s.label()).unwrap_or("未着手"),
            due: l
                .due
                .map(tsunagi_domain::wareki::format_wareki)
                .unwrap_or_default(),
            consent: l.consent.label(),
            district: l.district.clone().unwrap_or_default(),
            overridden: l
                .triage
                .as_ref()
                .is_some_and(|t| t.override_reason.is_some()),
            difficult: difficult.contains(&l.person.id.0),
            to_confirm: l
                .triage
                .as_ref()
                .is_some_and(|t| t.result.needs_confirmation()),
        })
        .collect();
    let pages = page.page_count(total);
    let can_run = can(&user.actor, Capability::CreatePerson);
    let assignable = if can_run {
        tsunagi_app::organisations::all(&state.app)
            .await?
            .into_iter()
            .filter(|o| o.municipality_id == Some(user.actor.organisation_id))
            .map(|o| {
                (
                    o.id.to_string(),
                    format!("{}（{}）", o.name, o.kind.label()),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    // The filters without the order and the page: the headers' and the pager's base.
    let base_qs = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(q.filter_pairs())
        .append_pair("per_page", &per_page.to_string())
        .finish();
    let headers = RosterSort::ALL
        .into_iter()
        .map(|by| {
            let next = order.toggled(by);
            let state = match (order.by == by, order.descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            };
            (
                by.label(),
                format!(
                    "/roster?{base_qs}&sort={}&dir={}",
                    by.code(),
                    next.dir_code()
                ),
                state,
            )
        })
        .collect();
    Ok(RosterPage {
        chrome: Chrome::new(&user, "roster_list"),
        lines,
        total,
        page: page.number,
        pages,
        numbers: page_numbers(page.number, pages),
        filters_qs: format!(
            "{base_qs}&sort={}&dir={}",
            order.by.code(),
            order.dir_code()
        ),
        headers,
        per_page,
        page_sizes: PAGE_SIZES.to_vec(),
        town: q.town.clone(),
        priority: q.priority,
        approach: q.approach,
        query: q.q,
        plan: q.plan,
        consent: q.consent,
        district: q.district,
        confirm: !q.confirm.is_empty(),
        districts,
        towns,
        plans: tsunagi_domain::workflow::PlanState::ALL
            .iter()
            .map(|p| (p.code(), p.label()))
            .collect(),
        consents: tsunagi_domain::consent::ConsentStatus::ALL
            .iter()
            .map(|c| (c.code(), c.label()))
            .collect(),
        priorities: Priority::ALL
            .iter()
            .map(|p| (p.code(), p.label()))
            .collect(),
        approaches: Approach::ALL
            .iter()
            .map(|a| (a.code(), a.label()))
            .collect(),
        can_run,
        assignable,
        sort: order.by.code().to_owned(),
        dir: order.dir_code().to_owned(),
        ran: q.ran,
        policy_version,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "triage_confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    p: triage::TriagePreview,
}

/// What a run would change, with the button that runs it.
pub async fn confirm(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let p = triage::preview(&state.app, &user.ctx).await?;
    Ok(ConfirmPage {
        chrome: Chrome::new(&user, "roster_list"),
        p,
    }
    .into_response())
}

pub async fn run(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let s = triage::run(&state.app, &user.ctx).await?;
    let msg = format!(
        "{}人を判定しました（手動変更 {} 人はそのまま。家族・地域の協力が未確認の「要確認」 {} 人）",
        s.triaged, s.kept_overrides, s.to_confirm
    );
    let enc: String = form_urlencoded::byte_serialize(msg.as_bytes()).collect();
    Ok(Redirect::to(&format!("/roster?ran={enc}")).into_response())
}

#[derive(Deserialize)]
pub struct OverrideForm {
    #[serde(default)]
    priority: String,
    #[serde(default)]
    approach: String,
    #[serde(default)]
    reason: String,
}

pub async fn override_result(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<OverrideForm>, FormRejection>,
) -> UiResult<Response> {
    let Path(raw) = path.map_err(|_| UiError(AppError::NotFound))?;
    let id: PersonId = raw.parse().map_err(|_| UiError(AppError::NotFound))?;
    let Form(f) = form.map_err(AppError::from)?;
    let o = Override {
        priority: Priority::parse(&f.priority),
        approach: Approach::parse(&f.approach),
        reason: f.reason,
    };
    triage::override_result(&state.app, &user.ctx, id, &o).await?;
    Ok(Redirect::to(&format!("/persons/{id}?saved=1")).into_response())
}

#[derive(Deserialize)]
pub struct QuestionsForm {
    #[serde(default)]
    family_help: String,
    #[serde(default)]
    community_help: String,
    #[serde(default)]
    note: String,
}

/// The answers a form gives: `yes` / `no` per question, empty for "not known yet".
fn answers_of(f: &QuestionsForm) -> Result<Vec<(Question, bool)>, AppError> {
    [
        (Question::FamilyHelp, &f.family_help),
        (Question::CommunityHelp, &f.community_help),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(q, v)| match v.as_str() {
        "yes" => Ok((q, true)),
        "no" => Ok((q, false)),
        other => Err(AppError::BadRequest(format!(
            "「{other}」は回答として読み取れません（yes / no）"
        ))),
    })
    .collect()
}

/// Answers the flow's questions (要確認) for a person, as the district's 民生委員 or 自治会 or
/// the municipality; back to the person, triaged again.
pub async fn answer_questions(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<QuestionsForm>, FormRejection>,
) -> UiResult<Response> {
    let Path(raw) = path.map_err(|_| UiError(AppError::NotFound))?;
    let id: PersonId = raw.parse().map_err(|_| UiError(AppError::NotFound))?;
    let Form(f) = form.map_err(AppError::from)?;
    let answers = answers_of(&f)?;
    tsunagi_app::roster::answer_questions(&state.app, &user.ctx, id, &answers, Some(&f.note))
        .await?;
    Ok(Redirect::to(&format!("/persons/{id}?saved=1")).into_response())
}
