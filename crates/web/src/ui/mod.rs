//! The Japanese screens. Every screen is a plain HTML form that works without JavaScript;
//! htmx (vendored) enhances search and paging by swapping fragments when `HX-Request` is set.

mod admin;
mod audit;
mod case_meetings;
mod case_report;
mod cases;
mod disasters;
mod documents;
mod full_list;
mod geography;
mod ledger;
mod ledger_lists;
mod legal_basis;
mod map;
mod programme_lists;
mod programmes;
pub(crate) use audit::audit_filter;
mod home;
mod issued_lists;
mod login;
mod meetings;
mod paper_lists;
mod partners;
mod persons;
mod plan;
mod preparedness;
mod progress;
mod receiver_agreements;
mod receivers;
mod referrals;
mod roster;
mod roster_bulk;
mod roster_export;
mod sharing;
mod shelter_operations;
mod supporters;
mod survey;
mod sweep;
mod tokens;
mod triage;
mod triage_policy;
pub(crate) mod views;
mod workflow;

use crate::auth::{CurrentUser, csrf_guard};
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tsunagi_domain::access::{Capability, can};

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home::home))
        .route("/healthz", get(healthz))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/membership", get(login::choose).post(login::switch))
        .route("/persons", get(persons::list).post(persons::create))
        .route("/persons/new", get(persons::new_form))
        .route("/persons/{id}", get(persons::detail).post(persons::update))
        .route("/persons/{id}/edit", get(persons::edit_form))
        .route(
            "/roster/import",
            get(roster::form)
                .post(roster::upload)
                .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024)),
        )
        .route("/roster", get(triage::list))
        .route("/roster/triage", get(triage::confirm).post(triage::run))
        .route("/persons/{id}/triage", post(triage::override_result))
        .route("/persons/{id}/questions", post(triage::answer_questions))
        .route("/roster/bulk", post(roster_bulk::bulk))
        .route("/roster/supporters", get(supporters::page))
        .route("/roster/export.xlsx", get(roster_export::xlsx))
        .route("/roster/export.csv", get(roster_export::csv))
        .route(
            "/roster/policy",
            get(triage_policy::show).post(triage_policy::save),
        )
        .route("/persons/{id}/consent", post(sharing::set_consent))
        .route("/persons/{id}/plan", get(plan::show).post(plan::save))
        .route("/persons/{id}/plan.pdf", get(documents::plan_pdf))
        .route("/persons/{id}/meetings", post(meetings::record))
        .route(
            "/persons/{id}/form-pack.pdf",
            get(documents::person_form_pack),
        )
        .route("/roster/form-pack.pdf", get(documents::roster_form_pack))
        .route("/receivers", get(receivers::page))
        .route("/receivers/apply", post(receivers::apply))
        .route("/receivers/{org}", post(receivers::save))
        .route(
            "/receivers/{org}/agreements",
            post(receiver_agreements::add),
        )
        .route(
            "/receiver-agreements/{id}/end",
            post(receiver_agreements::end),
        )
        .route("/receivers/{org}/list.xlsx", get(receivers::list_xlsx))
        .route("/receivers/{org}/list.csv", get(receivers::list_csv))
        .route("/receivers/{org}/issued", get(issued_lists::page))
        .route("/issued-lists/{id}/recall", post(issued_lists::recall))
        .route("/persons/{id}/roster/leave", post(persons::leave_roster))
        .route("/persons/{id}/workflow/start", post(workflow::start))
        .route("/persons/{id}/workflow/advance", post(workflow::advance))
        .route("/persons/{id}/workflow/assign", post(workflow::assign))
        .route(
            "/persons/{id}/workflow/approach",
            post(workflow::change_approach),
        )
        .route("/persons/{id}/workflow/obstacle", post(workflow::obstacle))
        .route("/persons/{id}/workflow/reviewed", post(workflow::reviewed))
        .route("/roster/reviews", get(workflow::reviews))
        .route("/roster/reviews/interval", post(workflow::set_interval))
        .route("/roster/progress", get(progress::page))
        .route("/roster/progress.xlsx", get(progress::xlsx))
        .route("/roster/survey", get(survey::page))
        .route("/roster/survey.xlsx", get(survey::xlsx))
        .route("/persons/{id}/shares", post(sharing::add_share))
        .route(
            "/persons/{id}/shares/{org}/remove",
            post(sharing::remove_share),
        )
        .route("/gis", get(geography::page))
        .route(
            "/gis/upload",
            post(geography::upload).layer(axum::extract::DefaultBodyLimit::max(256 * 1024 * 1024)),
        )
        .route("/gis/geocode", post(geography::geocode))
        .route("/gis/classify", post(geography::classify))
        .route("/gis/settings", post(geography::settings))
        .route("/gis/layers/{id}/remove", post(geography::remove_layer))
        .route(
            "/gis/shelters",
            get(geography::shelters).post(geography::save_shelter),
        )
        .route("/gis/shelters/{id}/remove", post(geography::remove_shelter))
        .route("/gis/unlocated", get(geography::unlocated))
        .route("/roster/tsunami", get(geography::tsunami))
        .route("/map", get(map::page))
        .route("/map/persons.json", get(map::persons))
        .route("/map/shelters.json", get(map::shelters))
        .route("/map/layers/{id}", get(map::layer))
        .route("/persons/{id}/location", post(map::pin))
        .route("/organisations", get(admin::organisations))
        .route(
            "/legal-basis",
            get(legal_basis::show).post(legal_basis::record),
        )
        .route("/disasters", get(disasters::page).post(disasters::declare))
        .route("/disasters/{id}/stage", post(disasters::stage))
        .route("/disasters/{id}/close", post(disasters::close))
        .route("/disasters/{id}/area", post(disasters::widen))
        .route("/disasters/{id}/sweep", get(sweep::sweep))
        .route("/disasters/{id}/paper-lists", post(paper_lists::print))
        .route(
            "/paper-lists/{id}",
            get(paper_lists::entry).post(paper_lists::enter),
        )
        .route("/disasters/{id}/ledger", get(ledger_lists::progress))
        .route(
            "/disasters/{id}/shelters",
            get(shelter_operations::list).post(shelter_operations::open),
        )
        .route("/shelter-openings/{id}", get(shelter_operations::opening))
        .route(
            "/disasters/{id}/enquiries",
            get(shelter_operations::enquiries).post(shelter_operations::enquiry_act),
        )
        .route(
            "/disasters/{id}/headquarters",
            get(shelter_operations::headquarters),
        )
        .route(
            "/disasters/{id}/headquarters.xlsx",
            get(shelter_operations::headquarters_xlsx),
        )
        .route(
            "/shelter-openings/{id}/{action}",
            post(shelter_operations::act),
        )
        .route(
            "/disasters/{id}/surveys",
            post(ledger_lists::upload_surveys)
                .layer(axum::extract::DefaultBodyLimit::max(16 * 1024 * 1024)),
        )
        .route(
            "/disasters/{id}/certificates.pdf",
            get(ledger_lists::batch_pdf),
        )
        .route(
            "/disasters/{id}/households/{household}",
            get(ledger::household),
        )
        .route(
            "/disasters/{id}/households/{household}/whereabouts",
            post(ledger::add_whereabouts),
        )
        .route(
            "/disasters/{id}/households/{household}/applications",
            post(ledger::apply),
        )
        .route(
            "/disasters/{id}/households/{household}/details",
            post(ledger::save_details),
        )
        .route(
            "/disasters/{id}/households/{household}/harms",
            post(ledger::set_harm),
        )
        .route(
            "/disasters/{id}/households/{household}/support",
            post(ledger::add_support),
        )
        .route("/damage-applications/{id}/{step}", post(ledger::step))
        .route(
            "/damage-applications/{id}/certificate.pdf",
            get(ledger::certificate_pdf),
        )
        .route("/ledgers/{id}/disclosures", post(ledger::disclose))
        .route(
            "/damage-surveys/{id}/photos",
            post(ledger::upload_photo).layer(axum::extract::DefaultBodyLimit::max(9 * 1024 * 1024)),
        )
        .route("/damage-photos/{id}", get(ledger::photo))
        .route("/ledgers", get(ledger_lists::provided))
        .route("/ledgers/{id}", get(ledger_lists::view))
        .route("/ledger-partners", post(ledger_lists::register_partner))
        .route(
            "/disasters/{id}/households/{household}/programmes",
            get(programmes::household),
        )
        .route(
            "/disasters/{id}/households/{household}/letter.pdf",
            get(programmes::letter),
        )
        .route(
            "/disasters/{id}/households/{household}/circumstances",
            post(programmes::save_circumstances),
        )
        .route(
            "/disasters/{id}/households/{household}/programme-applications",
            post(programmes::apply),
        )
        .route(
            "/disasters/{id}/households/{household}/programme-decisions",
            post(programmes::decide),
        )
        .route("/disasters/{id}/programmes", get(programme_lists::disaster))
        .route("/disasters/{id}/acts", post(programme_lists::set_acts))
        .route(
            "/disasters/{id}/programmes/unclaimed.xlsx",
            get(programme_lists::unclaimed_xlsx),
        )
        .route(
            "/programmes",
            get(programme_lists::catalogue).post(programme_lists::save),
        )
        .route("/disasters/{id}/outreach", get(cases::queue))
        .route("/disasters/{id}/case-report", get(case_report::report))
        .route(
            "/disasters/{id}/case-report.xlsx",
            get(case_report::report_xlsx),
        )
        .route(
            "/disasters/{id}/case-report.pdf",
            get(case_report::report_pdf),
        )
        .route(
            "/prefecture/case-report",
            get(case_report::prefecture_report),
        )
        .route(
            "/prefecture/case-report.xlsx",
            get(case_report::prefecture_report_xlsx),
        )
        .route(
            "/prefecture/case-report.pdf",
            get(case_report::prefecture_report_pdf),
        )
        .route(
            "/disasters/{id}/households/{household}/outreach",
            get(cases::household),
        )
        .route(
            "/disasters/{id}/households/{household}/visits",
            post(cases::visit),
        )
        .route(
            "/disasters/{id}/households/{household}/case",
            post(cases::open),
        )
        .route(
            "/disasters/{id}/households/{household}/case/{action}",
            post(cases::act),
        )
        .route("/cases", get(cases::mine))
        .route("/cases/{id}/tasks", post(case_meetings::add_task))
        .route("/tasks/{id}/{action}", post(case_meetings::task_action))
        .route("/case-meetings", get(case_meetings::list))
        .route("/safety-settings", post(sweep::set_escalation))
        .route(
            "/safety-settings/checker-order",
            post(sweep::set_checker_order),
        )
        .route(
            "/preparedness",
            get(preparedness::show).post(preparedness::record),
        )
        .route("/disasters/{id}/full-list.xlsx", get(full_list::xlsx))
        .route(
            "/disasters/{id}/full-list/receipts",
            get(full_list::receipts),
        )
        .route(
            "/issue-categories",
            get(case_meetings::categories).post(case_meetings::save_categories),
        )
        .route("/case-meetings/{id}", get(case_meetings::show))
        .route("/case-meetings/{id}/minutes", post(case_meetings::minutes))
        .route("/case-meetings/{id}/cancel", post(case_meetings::cancel))
        .route(
            "/case-meetings/{id}/minutes.pdf",
            get(case_meetings::minutes_pdf),
        )
        .route(
            "/disasters/{id}/case-meetings",
            get(case_meetings::of_declaration).post(case_meetings::schedule),
        )
        .route("/cases/{id}/referrals", post(referrals::create))
        .route("/referrals", get(referrals::list))
        .route("/partners", get(partners::list).post(partners::save))
        .route("/referrals/{id}", get(referrals::show))
        .route("/referrals/{id}/steps", post(referrals::step))
        .route("/disasters/{id}/sweep/{person}", post(sweep::record_check))
        .route("/users", get(admin::users).post(admin::create_user))
        .route("/audit", get(audit::page))
        .route("/tokens", get(tokens::page).post(tokens::create))
        .route("/tokens/{id}/revoke", post(tokens::revoke))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), csrf_guard))
        .with_state(state)
}

/// What every logged-in page shows around its content.
pub struct Chrome {
    pub user_name: String,
    pub login: String,
    pub org_name: String,
    pub role_label: &'static str,
    pub csrf: String,
    pub is_admin: bool,
    pub can_create_person: bool,
    /// May issue API tokens (not the community's volunteers).
    pub can_issue_tokens: bool,
    /// The user works for a prefecture (県の集計 in the menu).
    pub is_prefecture: bool,
    /// A disaster is declared in the user's municipality (災害時): every screen says so.
    pub disaster_declared: bool,
    /// Which menu item is current.
    pub current: &'static str,
}

impl Chrome {
    pub fn new(u: &CurrentUser, current: &'static str) -> Self {
        Chrome {
            user_name: u.display_name.clone(),
            login: u.actor.login.clone(),
            org_name: u.membership.organisation.name.clone(),
            role_label: u.actor.role.label(),
            csrf: u.csrf_token.clone(),
            is_admin: can(&u.actor, Capability::ReadAudit),
            can_create_person: can(&u.actor, Capability::CreatePerson),
            can_issue_tokens: can(&u.actor, Capability::IssueApiTokens),
            is_prefecture: u.actor.organisation_kind
                == tsunagi_domain::organisation::OrganisationKind::Prefecture,
            disaster_declared: u
                .ctx
                .disaster()
                .any_declared_in(u.actor.municipality_id.unwrap_or(u.actor.organisation_id)),
            current,
        }
    }
}

/// A screen error: a Japanese error page, or a redirect to the login page.
#[derive(Debug)]
pub struct UiError(pub AppError);

impl From<AppError> for UiError {
    fn from(e: AppError) -> Self {
        UiError(e)
    }
}
impl From<tsunagi_app::Error> for UiError {
    fn from(e: tsunagi_app::Error) -> Self {
        UiError(e.into())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    title: &'static str,
    message: String,
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        self.0.log();
        if matches!(self.0, AppError::Unauthenticated) {
            let mut r = Redirect::to("/login").into_response();
            r.headers_mut()
                .insert("HX-Redirect", HeaderValue::from_static("/login"));
            return r;
        }
        let title = match self.0.status() {
            StatusCode::NOT_FOUND => "見つかりません",
            StatusCode::FORBIDDEN => "権限がありません",
            StatusCode::SERVICE_UNAVAILABLE => "ただいま利用できません",
            StatusCode::INTERNAL_SERVER_ERROR => "システムエラー",
            _ => "入力を確認してください",
        };
        let message = match &self.0 {
            AppError::Invalid(v) => {
                let details: Vec<&str> = v.0.iter().map(|f| f.message.as_str()).collect();
                format!("{} {}", self.0.message(), details.join("。"))
            }
            other => other.message(),
        };
        let page = ErrorPage { title, message };
        (self.0.status(), page).into_response()
    }
}

pub type UiResult<T> = Result<T, UiError>;

/// The person id of a `/persons/{id}/…` path; a malformed id is an unknown record (404).
pub(crate) fn path_person_id(
    path: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<tsunagi_domain::PersonId, UiError> {
    let axum::extract::Path(raw) = path.map_err(|_| UiError(AppError::NotFound))?;
    raw.parse().map_err(|_| UiError(AppError::NotFound))
}

/// A record id from the path; anything else names no record (404).
pub(crate) fn path_uuid(
    path: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<uuid::Uuid, UiError> {
    let axum::extract::Path(raw) = path.map_err(|_| UiError(AppError::NotFound))?;
    raw.parse().map_err(|_| UiError(AppError::NotFound))
}

/// A use case's refusal of a small form (no page of its own to show it on) as a 400 whose
/// message joins the reasons; anything else as itself.
pub(crate) fn refused(e: tsunagi_app::Error) -> UiError {
    match e {
        tsunagi_app::Error::Invalid(v) => UiError(AppError::BadRequest(
            v.0.into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
                .join("。"),
        )),
        other => UiError(other.into()),
    }
}

/// Is this an htmx request (so a fragment is wanted)?
pub fn is_htmx(headers: &HeaderMap) -> bool {
    headers.get("HX-Request").is_some_and(|v| v == "true")
}

async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return AppError::NotFound.into_response();
    }
    UiError(AppError::NotFound).into_response()
}

async fn healthz(state: axum::extract::State<AppState>) -> Response {
    match tsunagi_app::sessions::ping(&state.app).await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => UiError(e.into()).into_response(),
    }
}
