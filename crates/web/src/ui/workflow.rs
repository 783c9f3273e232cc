//! The plan workflow panel: current step and its actor, assignment, obstacles, history.

use super::UiResult;
use super::path_person_id as person_id;
use super::views::jst_minutes;
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tsunagi_app::workflows::{self, Workflow};
use tsunagi_domain::PersonId;
use tsunagi_domain::workflow::{Obstacle, Step, steps};

pub struct StepView {
    pub label: &'static str,
    pub actor: &'static str,
    pub state: &'static str,
}

pub struct EventView {
    pub at: String,
    pub actor: String,
    pub what: String,
    pub note: String,
}

pub struct WorkflowView {
    pub approach: &'static str,
    pub current: &'static str,
    pub current_actor: &'static str,
    /// The current step is the municipality's own (確認, 提供 …): only its staff are offered it.
    pub municipal_step: bool,
    pub optional: bool,
    pub done: bool,
    pub version: i32,
    pub assignee: String,
    pub due: String,
    pub obstacle: Option<(&'static str, &'static str)>,
    pub review_due: String,
    pub review_reason: String,
    pub steps: Vec<StepView>,
    pub events: Vec<EventView>,
    /// Approach イ: coordination meetings (調整会議) are recorded on this page.
    pub community: bool,
}

impl WorkflowView {
    pub fn from(w: &Workflow, org_name: impl Fn(tsunagi_domain::OrganisationId) -> String) -> Self {
        let order = steps(w.approach);
        let at = order.iter().position(|s| *s == w.step).unwrap_or(0);
        WorkflowView {
            approach: w.approach.label(),
            current: w.step.label(),
            current_actor: w.step.actor().label(),
            municipal_step: tsunagi_domain::workflow::municipality_only(w.step),
            optional: w.step.optional(),
            done: w.step == Step::Done,
            community: w.approach == tsunagi_domain::triage::Approach::Community,
            version: w.version,
            assignee: [
                w.assignee_organisation_id
                    .map(&org_name)
                    .unwrap_or_default(),
                w.assignee.clone().unwrap_or_default(),
            ]
            .join(" ")
            .trim()
            .to_owned(),
            due: w
                .due_date
                .map(tsunagi_domain::wareki::format_both)
                .unwrap_or_default(),
            obstacle: w.obstacle.map(|o| (o.label(), o.suggestion())),
            review_due: w
                .review_due
                .map(tsunagi_domain::wareki::format_both)
                .unwrap_or_default(),
            review_reason: w.review_reason.clone().unwrap_or_default(),
            steps: order
                .iter()
                .enumerate()
                .map(|(i, s)| StepView {
                    label: s.label(),
                    actor: s.actor().label(),
                    state: if i < at {
                        "済"
                    } else if i == at {
                        "現在"
                    } else {
                        ""
                    },
                })
                .collect(),
            events: w
                .events
                .iter()
                .rev()
                .map(|e| EventView {
                    at: jst_minutes(&e.at),
                    actor: e.actor.clone(),
                    what: match (e.event.as_str(), e.from_step, e.to_step) {
                        ("started", _, Some(t)) => format!("開始 → {}", t.label()),
                        ("advanced", Some(f), Some(t)) => {
                            format!("{} 完了 → {}", f.label(), t.label())
                        }
                        ("skipped", Some(f), Some(t)) => {
                            format!("{} を省略 → {}", f.label(), t.label())
                        }
                        ("approach_changed", _, Some(t)) => {
                            format!("進め方の変更 → {}", t.label())
                        }
                        ("assigned", _, _) => "担当の割当".to_owned(),
                        ("obstacle", _, _) => "課題".to_owned(),
                        ("reviewed", _, _) => "見直し".to_owned(),
                        ("meeting", _, _) => "調整会議の記録".to_owned(),
                        _ => "記録".to_owned(),
                    },
                    note: e.note.clone().unwrap_or_default(),
                })
                .collect(),
        }
    }
}

fn back(id: PersonId) -> Response {
    Redirect::to(&format!("/persons/{id}/plan")).into_response()
}

pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    workflows::start(&state.app, &user.ctx, id).await?;
    Ok(back(id))
}

#[derive(Deserialize)]
pub struct AdvanceForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    skip: String,
}

pub async fn advance(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<AdvanceForm>, FormRejection>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let version = f
        .version
        .parse()
        .map_err(|_| AppError::BadRequest("版番号がありません".into()))?;
    let note = Some(f.note.trim().to_owned()).filter(|n| !n.is_empty());
    workflows::advance(&state.app, &user.ctx, id, version, !f.skip.is_empty(), note).await?;
    Ok(back(id))
}

#[derive(Deserialize)]
pub struct ApproachForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    approach: String,
    #[serde(default)]
    reason: String,
}

/// Changes the approach with a reason (the owning municipality).
pub async fn change_approach(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<ApproachForm>, FormRejection>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let version = f
        .version
        .parse()
        .map_err(|_| AppError::BadRequest("版番号がありません".into()))?;
    let to = tsunagi_domain::triage::Approach::parse(&f.approach)
        .ok_or_else(|| AppError::BadRequest("進め方を選んでください".into()))?;
    workflows::change_approach(&state.app, &user.ctx, id, version, to, &f.reason).await?;
    Ok(back(id))
}

#[derive(Deserialize)]
pub struct AssignForm {
    organisation_id: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    due: String,
}

pub async fn assign(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<AssignForm>, FormRejection>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let org = f.organisation_id.parse().map_err(|_| {
        AppError::Invalid(tsunagi_domain::ValidationErrors::single(
            "organisation_id",
            "担当の組織を選んでください",
        ))
    })?;
    let due = match f.due.trim() {
        "" => None,
        d => Some(tsunagi_domain::wareki::parse_date(d).map_err(|e| {
            AppError::Invalid(tsunagi_domain::ValidationErrors::single(
                "due",
                e.to_string(),
            ))
        })?),
    };
    let assignee = Some(f.assignee.trim().to_owned()).filter(|a| !a.is_empty());
    let a = workflows::Assignment {
        organisation: org,
        assignee,
        due,
    };
    workflows::assign(&state.app, &user.ctx, id, a).await?;
    Ok(back(id))
}

#[derive(Deserialize)]
pub struct ObstacleForm {
    #[serde(default)]
    obstacle: String,
    #[serde(default)]
    note: String,
}

pub async fn obstacle(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<ObstacleForm>, FormRejection>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let note = Some(f.note.trim().to_owned()).filter(|n| !n.is_empty());
    workflows::set_obstacle(
        &state.app,
        &user.ctx,
        id,
        Obstacle::parse(&f.obstacle),
        note,
    )
    .await?;
    Ok(back(id))
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    note: String,
}

pub async fn reviewed(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<NoteForm>, FormRejection>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let note = Some(f.note.trim().to_owned()).filter(|n| !n.is_empty());
    workflows::reviewed(&state.app, &user.ctx, id, note).await?;
    Ok(back(id))
}

struct ReviewRow {
    id: String,
    name: String,
    assignee: String,
    due: String,
    state: String,
    reason: String,
}

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "reviews.html")]
struct ReviewsPage {
    chrome: super::Chrome,
    interval_months: u32,
    rows: Vec<ReviewRow>,
}

pub async fn reviews(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let (lines, interval_months) = workflows::reviews(&state.app, &user.ctx).await?;
    let orgs = tsunagi_app::organisations::all(&state.app).await?;
    let rows = lines
        .into_iter()
        .map(|l| ReviewRow {
            id: l.person.id.to_string(),
            name: l.person.name,
            assignee: [
                l.assignee_organisation_id
                    .and_then(|o| orgs.iter().find(|x| x.id == o).map(|x| x.name.clone()))
                    .unwrap_or_default(),
                l.assignee.unwrap_or_default(),
            ]
            .join(" ")
            .trim()
            .to_owned(),
            due: l
                .review_due
                .map(tsunagi_domain::wareki::format_both)
                .unwrap_or_default(),
            state: l.state,
            reason: l.reason.unwrap_or_default(),
        })
        .collect();
    Ok(ReviewsPage {
        chrome: super::Chrome::new(&user, "roster_list"),
        rows,
        interval_months,
    }
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct IntervalForm {
    months: u32,
}

/// Sets how often finished plans are reviewed (the municipality's staff).
pub async fn set_interval(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<IntervalForm>, axum::extract::rejection::FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    workflows::set_review_interval(&state.app, &user.ctx, f.months).await?;
    Ok(Redirect::to("/roster/reviews").into_response())
}
