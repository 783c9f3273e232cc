//! Outreach and cases on screen (issue 20, first part): the outreach queue of a declaration,
//! a household's visits with a visit form (the assessment per issue category) and its case —
//! opened with a lead organisation, classified with a reason, closed and reopened — and the
//! cases an organisation leads.

use super::ledger::{date_of as date, optional};
use super::programmes::version;
use super::programmes::{Choice, Pairs, choices_of, field, two_ids};
use super::{Chrome, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tsunagi_app::cases::{self, HouseholdOutreach, NewCase, QueueLine};
use tsunagi_domain::case_management::{
    CaseSource, Closing, ClosingReason, HouseholdType, IssueAssessment, Progress, Severity,
    VisitInput, VisitOutcome,
};
use tsunagi_domain::issue_category::IssueCategory;
use tsunagi_domain::wareki::format_wareki;
use tsunagi_domain::{HouseholdId, OrganisationId};

#[derive(Template, WebTemplate)]
#[template(path = "outreach.html")]
pub(super) struct QueuePage {
    chrome: Chrome,
    declaration: String,
    lines: Vec<QueueLine>,
}

impl QueuePage {
    fn day(d: &Option<chrono::NaiveDate>) -> String {
        d.map(format_wareki).unwrap_or_default()
    }
}

/// The outreach queue.
pub async fn queue(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = super::ledger::one_id(path)?;
    let lines = cases::queue(&state.app, &user.ctx, id).await?;
    Ok(QueuePage {
        chrome: Chrome::new(&user, "disasters"),
        declaration: id.to_string(),
        lines,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "outreach_household.html")]
pub(super) struct HouseholdPage {
    chrome: Chrome,
    o: HouseholdOutreach,
    declaration: String,
    household: String,
    today: String,
    errors: Vec<String>,
    outcomes: Vec<Choice>,
    categories: Vec<Choice>,
    severities: Vec<Choice>,
    types: Vec<Choice>,
    reasons: Vec<Choice>,
    progresses: Vec<Choice>,
    sources: Vec<Choice>,
    organisations: Vec<(String, String)>,
    referrals: Vec<tsunagi_app::referrals::StoredReferral>,
    meetings: Vec<tsunagi_app::cases::meetings::StoredMeeting>,
    /// Municipalities and prefectures a case may be transferred to or shared with.
    governments: Vec<(String, String)>,
    tasks: Vec<tsunagi_app::cases::tasks::StoredTask>,
    /// Where task buttons return to (this page).
    back: String,
    org: OrganisationId,
    items: Vec<Choice>,
    bases: Vec<Choice>,
}

impl HouseholdPage {
    fn day(d: &chrono::NaiveDate) -> String {
        format_wareki(*d)
    }
    fn when(t: &chrono::NaiveDateTime) -> String {
        super::case_meetings::when(t)
    }
    fn ours(&self, t: &tsunagi_app::cases::tasks::StoredTask) -> bool {
        t.body.claimed_by(self.org)
    }
}

/// The organisations the municipality's staff choose from: the municipality itself first (a
/// case it leads directly, a task it keeps), then the partner directory (fields shown).
pub(super) async fn directory_choices(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<(String, String)>, AppError> {
    let own = (
        user.actor.organisation_id.0.to_string(),
        user.membership.organisation.name.clone(),
    );
    Ok(std::iter::once(own)
        .chain(
            tsunagi_app::partners::directory(&state.app, &user.ctx)
                .await?
                .into_iter()
                .map(|l| {
                    let fields = l.profile.map(|p| p.fields_text()).unwrap_or_default();
                    let label = if fields.is_empty() {
                        l.organisation.name
                    } else {
                        format!("{}（{fields}）", l.organisation.name)
                    };
                    (l.organisation.id.0.to_string(), label)
                }),
        )
        .collect())
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    d: uuid::Uuid,
    h: uuid::Uuid,
    errors: Vec<String>,
) -> Result<HouseholdPage, AppError> {
    let o = cases::household(&state.app, &user.ctx, d, HouseholdId(h)).await?;
    // The municipality's staff choose from the partner directory (fields shown, profiled
    // organisations first); a lead organisation from every organisation.
    let organisations = if o.manages {
        directory_choices(state, user).await?
    } else {
        tsunagi_app::organisations::all(&state.app)
            .await?
            .into_iter()
            .map(|o| (o.id.0.to_string(), o.name))
            .collect()
    };
    let (referrals, meetings, tasks) = match &o.case {
        Some(c) => (
            tsunagi_app::referrals::of_case(&state.app, &user.ctx, c.case.id).await?,
            cases::meetings::of_case(&state.app, &user.ctx, c.case.id).await?,
            cases::tasks::of_case(&state.app, &user.ctx, c.case.id).await?,
        ),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let proposed = o.proposed;
    Ok(HouseholdPage {
        chrome: Chrome::new(user, "disasters"),
        declaration: d.to_string(),
        household: h.to_string(),
        today: user.ctx.today().to_string(),
        errors,
        outcomes: choices_of(
            VisitOutcome::ALL,
            VisitOutcome::code,
            VisitOutcome::label,
            |_| false,
        ),
        categories: choices_of(
            IssueCategory::ALL,
            IssueCategory::code,
            IssueCategory::label,
            |_| false,
        ),
        severities: choices_of(Severity::ALL, Severity::code, Severity::label, |_| false),
        types: choices_of(
            HouseholdType::ALL,
            HouseholdType::code,
            HouseholdType::label,
            |t| t == proposed,
        ),
        reasons: choices_of(
            ClosingReason::ALL,
            ClosingReason::code,
            ClosingReason::label,
            |_| false,
        ),
        progresses: choices_of(Progress::ALL, Progress::code, Progress::label, |_| false),
        sources: choices_of(CaseSource::ALL, CaseSource::code, CaseSource::label, |s| {
            s == CaseSource::Outreach
        }),
        organisations,
        referrals,
        meetings,
        tasks,
        governments: tsunagi_app::organisations::all(&state.app)
            .await?
            .into_iter()
            .filter(|g| {
                g.id != user.actor.organisation_id
                    && matches!(
                        g.kind,
                        tsunagi_domain::organisation::OrganisationKind::Municipality
                            | tsunagi_domain::organisation::OrganisationKind::Prefecture
                    )
            })
            .map(|g| (g.id.0.to_string(), g.name))
            .collect(),
        back: format!("/disasters/{d}/households/{h}/outreach"),
        org: user.actor.organisation_id,
        items: choices_of(
            tsunagi_domain::referral::ReferralItem::ALL,
            tsunagi_domain::referral::ReferralItem::code,
            tsunagi_domain::referral::ReferralItem::label,
            |i| {
                matches!(
                    i,
                    tsunagi_domain::referral::ReferralItem::Identity
                        | tsunagi_domain::referral::ReferralItem::Issues
                )
            },
        ),
        bases: choices_of(
            tsunagi_domain::referral::ReferralBasis::ALL,
            tsunagi_domain::referral::ReferralBasis::code,
            tsunagi_domain::referral::ReferralBasis::label,
            |_| false,
        ),
        o,
    })
}

/// A household's visits and case.
pub async fn household(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
) -> UiResult<Response> {
    let (d, h) = two_ids(path)?;
    Ok(page(&state, &user, d, h, Vec::new()).await?.into_response())
}

async fn after(
    state: &AppState,
    user: &CurrentUser,
    d: uuid::Uuid,
    h: uuid::Uuid,
    r: Result<(), tsunagi_app::Error>,
) -> UiResult<Response> {
    let Some((status, errors)) = super::programmes::form_failure(r)? else {
        return Ok(
            Redirect::to(&format!("/disasters/{d}/households/{h}/outreach")).into_response(),
        );
    };
    Ok((status, page(state, user, d, h, errors).await?).into_response())
}

/// Records a visit (the assessment: one severity per category, blank for none).
pub async fn visit(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let (d, h) = two_ids(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let r = async {
        let issues = IssueCategory::ALL
            .iter()
            .filter_map(|c| {
                Severity::parse(field(&f, &format!("severity_{}", c.code()))).map(|severity| {
                    IssueAssessment {
                        category: *c,
                        severity,
                        notes: optional(field(&f, &format!("notes_{}", c.code()))),
                    }
                })
            })
            .collect();
        let input = VisitInput {
            visited_on: date(field(&f, "visited_on"), "visited_on")?,
            visitors: field(&f, "visitors")
                .split(['、', ','])
                .map(str::to_owned)
                .collect(),
            outcome: VisitOutcome::parse(field(&f, "outcome")).ok_or_else(|| {
                tsunagi_app::Error::invalid("outcome", "訪問の結果を選んでください")
            })?,
            seen: optional(field(&f, "seen")),
            issues,
            other_issues: (0..tsunagi_domain::issue_category::MAX_ADDED)
                .filter_map(|i| {
                    let category = field(&f, &format!("other_category_{i}"));
                    let severity = Severity::parse(field(&f, &format!("other_severity_{i}")))?;
                    (!category.is_empty()).then(|| tsunagi_domain::case_management::OtherIssue {
                        category: category.to_owned(),
                        severity,
                        notes: optional(field(&f, &format!("other_notes_{i}"))),
                    })
                })
                .collect(),
            next_visit_on: match field(&f, "next_visit_on") {
                "" => None,
                s => Some(date(s, "next_visit_on")?),
            },
        };
        cases::record_visit(&state.app, &user.ctx, d, HouseholdId(h), input)
            .await
            .map(|_| ())
    }
    .await;
    after(&state, &user, d, h, r).await
}

/// Opens the household's case.
pub async fn open(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let (d, h) = two_ids(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let r = async {
        let input = NewCase {
            lead_organisation: OrganisationId(field(&f, "lead_organisation").parse().map_err(
                |_| tsunagi_app::Error::invalid("lead_organisation", "担当団体を選んでください"),
            )?),
            source: CaseSource::parse(field(&f, "source")).unwrap_or(CaseSource::Outreach),
            lead_caseworker: optional(field(&f, "lead_caseworker")),
            next_review_on: match field(&f, "next_review_on") {
                "" => None,
                s => Some(date(s, "next_review_on")?),
            },
        };
        cases::open(&state.app, &user.ctx, d, HouseholdId(h), input)
            .await
            .map(|_| ())
    }
    .await;
    after(&state, &user, d, h, r).await
}

/// Classifies, closes or reopens the household's case (`action`).
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String, String)>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let Path((d, h, action)) = path.map_err(|_| AppError::NotFound)?;
    let (d, h) = (super::ledger::uuid_of(&d)?, super::ledger::uuid_of(&h)?);
    let Form(f) = form.map_err(AppError::from)?;
    let r = async {
        let id: uuid::Uuid = field(&f, "case")
            .parse()
            .map_err(|_| tsunagi_app::Error::NotFound)?;
        let v = version(&f)?;
        match action.as_str() {
            "classify" => {
                let t = HouseholdType::parse(field(&f, "household_type")).ok_or_else(|| {
                    tsunagi_app::Error::invalid("household_type", "分類を選んでください")
                })?;
                cases::classify(
                    &state.app,
                    &user.ctx,
                    id,
                    v,
                    t,
                    field(&f, "reason").to_owned(),
                )
                .await?;
            }
            "close" => {
                let closing = Closing {
                    reason: ClosingReason::parse(field(&f, "reason")).ok_or_else(|| {
                        tsunagi_app::Error::invalid("reason", "終結の理由を選んでください")
                    })?,
                    closed_on: date(field(&f, "closed_on"), "closed_on")?,
                    note: optional(field(&f, "note")),
                };
                cases::close(&state.app, &user.ctx, id, v, closing).await?;
            }
            "reopen" => {
                cases::reopen(&state.app, &user.ctx, id, v).await?;
            }
            "handover" => {
                let kind = tsunagi_domain::case_management::HandoverKind::parse(field(&f, "kind"))
                    .ok_or_else(|| {
                        tsunagi_app::Error::invalid("kind", "移管か共有かを選んでください")
                    })?;
                let to = OrganisationId(field(&f, "to").parse().map_err(|_| {
                    tsunagi_app::Error::invalid("to", "移管・共有先を選んでください")
                })?);
                cases::hand_over(
                    &state.app,
                    &user.ctx,
                    id,
                    v,
                    kind,
                    to,
                    field(&f, "reason").to_owned(),
                )
                .await?;
                // A transfer ends this side's view of the case: back to the queue.
                if kind == tsunagi_domain::case_management::HandoverKind::Transfer {
                    return Ok(true);
                }
            }
            "review" => {
                let progress = IssueCategory::ALL
                    .iter()
                    .filter_map(|c| {
                        Progress::parse(field(&f, &format!("progress_{}", c.code()))).map(
                            |progress| tsunagi_domain::case_management::IssueProgress {
                                category: *c,
                                progress,
                            },
                        )
                    })
                    .collect();
                let input = cases::ReviewInput {
                    progress,
                    policy: field(&f, "policy").to_owned(),
                    next_review_on: match field(&f, "next_review_on") {
                        "" => None,
                        s => Some(date(s, "next_review_on")?),
                    },
                };
                cases::review(&state.app, &user.ctx, id, v, input).await?;
            }
            _ => return Err(tsunagi_app::Error::NotFound),
        }
        Ok(false)
    }
    .await;
    if let Ok(true) = r {
        return Ok(Redirect::to(&format!("/disasters/{d}/outreach")).into_response());
    }
    after(&state, &user, d, h, r.map(|_| ())).await
}

#[derive(Template, WebTemplate)]
#[template(path = "cases_mine.html")]
pub(super) struct DayPage {
    chrome: Chrome,
    day: cases::Day,
    today: chrono::NaiveDate,
    back: &'static str,
}

impl DayPage {
    fn day(d: &chrono::NaiveDate) -> String {
        format_wareki(*d)
    }
    fn kind(t: &Option<HouseholdType>) -> &'static str {
        t.map_or("未分類", |t| t.label())
    }
}

/// The caseworker's day: visits due, reviews due, open cases.
pub async fn mine(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let day = cases::my_day(&state.app, &user.ctx).await?;
    Ok(DayPage {
        chrome: Chrome::new(&user, "cases"),
        day,
        today: user.ctx.today(),
        back: "/cases",
    }
    .into_response())
}
