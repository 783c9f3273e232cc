//! Case meetings and tasks on screen (issue 20 items 4–6): a declaration's meetings with the
//! form to schedule one (the agenda from its open cases, the participants from the partner
//! directory); a meeting's page with its agenda's cases, the minutes form (situation, policy,
//! up to three tasks per case), the minutes PDF; the tasks' claim, release and end buttons,
//! and when a claim is refused, the first claim shown with the choice to claim knowingly.

use super::ledger::{date_of as date, optional};
use super::programmes::{Pairs, back_to, field, form_failure, version};
use super::{Chrome, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tsunagi_app::cases::meetings::{self, AgendaChoice, MeetingView, StoredMeeting};
use tsunagi_app::cases::tasks::{self, StoredTask};
use tsunagi_domain::OrganisationId;
use tsunagi_domain::case_meeting::{
    CaseMinute, MeetingInput, Minutes, Participant, TaskInput, TaskState,
};
use tsunagi_domain::referral::ReferralBasis;
use tsunagi_domain::wareki::format_wareki;

/// Task rows the minutes form offers per case.
const TASK_ROWS: usize = 3;

fn day(d: &chrono::NaiveDate) -> String {
    format_wareki(*d)
}

/// 「令和8年12月10日 13:30」.
pub(super) fn when(t: &chrono::NaiveDateTime) -> String {
    format!("{} {}", format_wareki(t.date()), t.format("%H:%M"))
}

#[derive(Template, WebTemplate)]
#[template(path = "case_meetings.html")]
pub(super) struct MeetingsPage {
    chrome: Chrome,
    /// The declaration whose meetings are shown with the form (staff), if any.
    declaration: Option<String>,
    meetings: Vec<StoredMeeting>,
    choices: Vec<AgendaChoice>,
    organisations: Vec<(String, String)>,
    errors: Vec<String>,
}

impl MeetingsPage {
    fn day(d: &chrono::NaiveDate) -> String {
        day(d)
    }
    fn when(t: &chrono::NaiveDateTime) -> String {
        when(t)
    }
    fn kind(t: &Option<tsunagi_domain::case_management::HouseholdType>) -> &'static str {
        t.map_or("未分類", |t| t.label())
    }
}

/// Every meeting in view (the municipality's for its staff, those invited to for others).
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let meetings = meetings::list(&state.app, &user.ctx).await?;
    Ok(MeetingsPage {
        chrome: Chrome::new(&user, "meetings"),
        declaration: None,
        meetings,
        choices: Vec::new(),
        organisations: Vec::new(),
        errors: Vec::new(),
    }
    .into_response())
}

async fn declaration_page(
    state: &AppState,
    user: &CurrentUser,
    d: uuid::Uuid,
    errors: Vec<String>,
) -> Result<MeetingsPage, AppError> {
    let choices = meetings::agenda_choices(&state.app, &user.ctx, d).await?;
    let organisations = super::cases::directory_choices(state, user)
        .await?
        .into_iter()
        .skip(1)
        .collect();
    let meetings = meetings::list(&state.app, &user.ctx)
        .await?
        .into_iter()
        .filter(|m| m.declaration_id == d)
        .collect();
    Ok(MeetingsPage {
        chrome: Chrome::new(user, "meetings"),
        declaration: Some(d.to_string()),
        meetings,
        choices,
        organisations,
        errors,
    })
}

/// A declaration's meetings with the form to schedule one (the municipality's staff).
pub async fn of_declaration(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let d = super::ledger::one_id(path)?;
    Ok(declaration_page(&state, &user, d, Vec::new())
        .await?
        .into_response())
}

/// Schedules a meeting; on to its page, or the form again with the reasons.
pub async fn schedule(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let d = super::ledger::one_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let ids = |name: &str| -> Vec<uuid::Uuid> {
        f.iter()
            .filter(|(k, _)| k == name)
            .filter_map(|(_, v)| v.parse().ok())
            .collect()
    };
    let r = async {
        let starts_at =
            chrono::NaiveDateTime::parse_from_str(field(&f, "starts_at"), "%Y-%m-%dT%H:%M")
                .map_err(|_| tsunagi_app::Error::invalid("starts_at", "日時を入力してください"))?;
        let input = MeetingInput {
            title: field(&f, "title").to_owned(),
            starts_at,
            place: optional(field(&f, "place")),
            agenda: ids("agenda"),
            participants: ids("participants")
                .into_iter()
                .map(|o| Participant {
                    organisation_id: OrganisationId(o),
                    organisation: String::new(),
                    attendees: optional(field(&f, &format!("attendees_{o}"))),
                })
                .collect(),
            basis: ReferralBasis::parse(field(&f, "basis")).ok_or_else(|| {
                tsunagi_app::Error::invalid("basis", "情報共有の根拠を選んでください")
            })?,
        };
        meetings::schedule(&state.app, &user.ctx, d, input).await
    }
    .await;
    match r {
        Ok(m) => Ok(Redirect::to(&format!("/case-meetings/{}", m.id)).into_response()),
        Err(e) => {
            let Some((status, errors)) = form_failure(Err(e))? else {
                return Err(AppError::Internal("unreachable".into()).into());
            };
            Ok((status, declaration_page(&state, &user, d, errors).await?).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "case_meeting.html")]
pub(super) struct MeetingPage {
    chrome: Chrome,
    v: MeetingView,
    /// Organisations a task may go to: the municipality, then the participants.
    takers: Vec<(String, String)>,
    rows: Vec<usize>,
    today: String,
    back: String,
    errors: Vec<String>,
    org: OrganisationId,
}

impl MeetingPage {
    fn day(d: &chrono::NaiveDate) -> String {
        day(d)
    }
    fn when(t: &chrono::NaiveDateTime) -> String {
        when(t)
    }
    fn who(t: &StoredTask) -> String {
        if t.body.claims.is_empty() {
            "未定（申し出を待っています）".to_owned()
        } else {
            t.body
                .claims
                .iter()
                .map(|c| c.organisation.clone())
                .collect::<Vec<_>>()
                .join("、")
        }
    }
    fn ours(&self, t: &StoredTask) -> bool {
        t.body.claimed_by(self.org)
    }
    fn minute_of(&self, case: &uuid::Uuid) -> Option<&CaseMinute> {
        self.v
            .meeting
            .body
            .minutes
            .as_ref()
            .and_then(|m| m.cases.iter().find(|c| c.case_id == *case))
    }
}

async fn meeting_page(
    state: &AppState,
    user: &CurrentUser,
    id: uuid::Uuid,
    errors: Vec<String>,
) -> Result<MeetingPage, AppError> {
    let v = meetings::get(&state.app, &user.ctx, id).await?;
    let mut takers = vec![(
        v.meeting.municipality_id.0.to_string(),
        tsunagi_app::organisations::name_of(&state.app, v.meeting.municipality_id).await?,
    )];
    takers.extend(
        v.meeting
            .body
            .input
            .participants
            .iter()
            .map(|p| (p.organisation_id.0.to_string(), p.organisation.clone())),
    );
    Ok(MeetingPage {
        chrome: Chrome::new(user, "meetings"),
        back: format!("/case-meetings/{id}"),
        takers,
        rows: (0..TASK_ROWS).collect(),
        today: user.ctx.today().to_string(),
        errors,
        org: user.actor.organisation_id,
        v,
    })
}

/// A meeting's page.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = super::ledger::one_id(path)?;
    Ok(meeting_page(&state, &user, id, Vec::new())
        .await?
        .into_response())
}

async fn after(
    state: &AppState,
    user: &CurrentUser,
    id: uuid::Uuid,
    r: Result<(), tsunagi_app::Error>,
) -> UiResult<Response> {
    let Some((status, errors)) = form_failure(r)? else {
        return Ok(Redirect::to(&format!("/case-meetings/{id}")).into_response());
    };
    Ok((status, meeting_page(state, user, id, errors).await?).into_response())
}

/// Records the minutes (per agenda case: situation, policy, next review, task rows).
pub async fn minutes(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let id = super::ledger::one_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let r = async {
        let v = version(&f)?;
        let cases: Vec<uuid::Uuid> = f
            .iter()
            .filter(|(k, _)| k == "case")
            .filter_map(|(_, v)| v.parse().ok())
            .collect();
        let mut minutes = Vec::with_capacity(cases.len());
        for c in cases {
            let mut tasks = Vec::new();
            for i in 0..TASK_ROWS {
                let what = field(&f, &format!("task_{c}_{i}"));
                if what.is_empty() {
                    continue;
                }
                tasks.push(TaskInput {
                    what: what.to_owned(),
                    organisation_id: field(&f, &format!("task_org_{c}_{i}"))
                        .parse()
                        .ok()
                        .map(OrganisationId),
                    due_on: match field(&f, &format!("task_due_{c}_{i}")) {
                        "" => None,
                        s => Some(date(s, "tasks")?),
                    },
                });
            }
            minutes.push(CaseMinute {
                case_id: c,
                situation: field(&f, &format!("situation_{c}")).to_owned(),
                policy: field(&f, &format!("policy_{c}")).to_owned(),
                tasks,
                next_review_on: match field(&f, &format!("next_review_{c}")) {
                    "" => None,
                    s => Some(date(s, "next_review_on")?),
                },
            });
        }
        let m = Minutes {
            held_on: date(field(&f, "held_on"), "held_on")?,
            cases: minutes,
            notes: optional(field(&f, "notes")),
        };
        meetings::record_minutes(&state.app, &user.ctx, id, v, m)
            .await
            .map(|_| ())
    }
    .await;
    after(&state, &user, id, r).await
}

/// Cancels a scheduled meeting.
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let id = super::ledger::one_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let r = async {
        meetings::cancel(
            &state.app,
            &user.ctx,
            id,
            version(&f)?,
            field(&f, "reason").to_owned(),
        )
        .await
        .map(|_| ())
    }
    .await;
    after(&state, &user, id, r).await
}

/// The minutes as PDF.
pub async fn minutes_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = super::ledger::one_id(path)?;
    let v = meetings::get(&state.app, &user.ctx, id).await?;
    let m = tsunagi_app::organisations::name_of(&state.app, v.meeting.municipality_id).await?;
    Ok(crate::documents::minutes_pdf(&v, &m, user.ctx.today()).await?)
}

#[derive(Template, WebTemplate)]
#[template(path = "task_refused.html")]
pub(super) struct TaskRefusedPage {
    chrome: Chrome,
    task: Option<StoredTask>,
    errors: Vec<String>,
    /// The refusal was another organisation's claim: offer to claim knowingly.
    offer_knowing: bool,
    back: String,
}

/// A task's action (`claim`, `claim-knowing`, `release`, `done`, `dropped`); back to where the user was, or a page with the reason — for a refused claim, the
/// first claim and the choice to claim knowingly.
pub async fn task_action(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let Path((id, action)) = path.map_err(|_| AppError::NotFound)?;
    let id = super::ledger::uuid_of(&id)?;
    let Form(f) = form.map_err(AppError::from)?;
    let to = back_to(&f, "/cases");
    let r = async {
        match action.as_str() {
            "claim" | "claim-knowing" => {
                tasks::claim(
                    &state.app,
                    &user.ctx,
                    id,
                    version(&f)?,
                    action == "claim-knowing",
                )
                .await?;
            }
            "release" => {
                tasks::release(&state.app, &user.ctx, id, version(&f)?).await?;
            }
            "done" | "dropped" => {
                let s = TaskState::parse(&action).unwrap_or(TaskState::Done);
                tasks::end(
                    &state.app,
                    &user.ctx,
                    id,
                    version(&f)?,
                    s,
                    optional(field(&f, "note")),
                )
                .await?;
            }
            _ => return Err(tsunagi_app::Error::NotFound),
        }
        Ok(())
    }
    .await;
    let Some((status, errors)) = form_failure(r)? else {
        return Ok(Redirect::to(&to).into_response());
    };
    let task = tasks::get(&state.app, &user.ctx, id).await.ok();
    let offer_knowing = action == "claim"
        && task.as_ref().is_some_and(|t| {
            !t.body.claims.is_empty() && !t.body.claimed_by(user.actor.organisation_id)
        });
    Ok(refused(&user, status, task, errors, offer_knowing, to))
}

/// The page a refused task action shows: the reasons, the task and, for a claim refused
/// because another organisation holds it, the choice to claim knowingly.
fn refused(
    user: &CurrentUser,
    status: axum::http::StatusCode,
    task: Option<StoredTask>,
    errors: Vec<String>,
    offer_knowing: bool,
    back: String,
) -> Response {
    (
        status,
        TaskRefusedPage {
            chrome: Chrome::new(user, "cases"),
            task,
            errors,
            offer_knowing,
            back,
        },
    )
        .into_response()
}

/// Adds a task to a case (its owner or lead); back to the case, or a page with the reason.
pub async fn add_task(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let case = super::ledger::one_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let to = back_to(&f, "/cases");
    let r = async {
        let input = TaskInput {
            what: field(&f, "what").to_owned(),
            organisation_id: None,
            due_on: match field(&f, "due_on") {
                "" => None,
                s => Some(date(s, "due_on")?),
            },
        };
        tasks::add(
            &state.app,
            &user.ctx,
            case,
            input,
            field(&f, "claim") == "1",
        )
        .await
        .map(|_| ())
    }
    .await;
    let Some((status, errors)) = form_failure(r)? else {
        return Ok(Redirect::to(&to).into_response());
    };
    Ok(refused(&user, status, None, errors, false, to))
}

#[derive(Template, WebTemplate)]
#[template(path = "issue_categories.html")]
pub(super) struct CategoriesPage {
    chrome: Chrome,
    text: String,
    errors: Vec<String>,
}

/// The municipality's own issue categories (its staff).
pub async fn categories(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let list = tsunagi_app::cases::categories::list(&state.app, &user.ctx).await?;
    Ok(CategoriesPage {
        chrome: Chrome::new(&user, "cases"),
        text: list.join("\n"),
        errors: Vec::new(),
    }
    .into_response())
}

/// Saves the list (one per line); the form again with the reasons if refused.
pub async fn save_categories(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let text = f
        .iter()
        .find(|(k, _)| k == "categories")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let labels = text.lines().map(str::to_owned).collect();
    let r = tsunagi_app::cases::categories::set(&state.app, &user.ctx, labels)
        .await
        .map(|_| ());
    let Some((status, errors)) = form_failure(r)? else {
        return Ok(Redirect::to("/issue-categories").into_response());
    };
    Ok((
        status,
        CategoriesPage {
            chrome: Chrome::new(&user, "cases"),
            text,
            errors,
        },
    )
        .into_response())
}
