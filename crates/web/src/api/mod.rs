//! The JSON API, `/api/v1/…`: everything the screens do, under the same authorisation, with
//! API tokens instead of sessions. Every route is registered through `routes!`, which puts it in
//! the OpenAPI document at `/api/openapi.json`; a test checks that no route escapes it.

mod audit;
mod case_meetings;
mod cases;
mod certificates;
mod disaster_lists;
mod disasters;
mod dto;
mod extract;
mod ledger;
mod legal_basis;
mod organisations;
mod paper_lists;
mod partners;
mod persons;
mod plans;
mod preparedness;
mod programmes;
mod receivers;
mod referrals;
mod roster;
mod sharing;
mod shelter_operations;
mod tokens;
mod users;
mod workflow;

use crate::AppState;
use axum::Json;
use axum::Router;
use axum::routing::get;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tsunagi API",
        description = "避難行動要支援者名簿・個別避難計画・災害ケースマネジメントのための API。認証は `Authorization: Bearer tsn_…`（画面の「APIトークン」で発行）。",
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(crate::error::ErrorBody))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

/// The API routes and their OpenAPI description.
pub fn api(state: AppState) -> (Router, utoipa::openapi::OpenApi) {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(users::me))
        .routes(routes!(persons::search, persons::create))
        .routes(routes!(persons::get, persons::update))
        .routes(routes!(organisations::list))
        .routes(routes!(users::list, users::create))
        .routes(routes!(audit::list))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(roster::run))
        .routes(routes!(roster::list))
        .routes(routes!(roster::leave))
        .routes(routes!(roster::departures))
        .routes(routes!(roster::supporters))
        .routes(routes!(roster::override_result))
        .routes(routes!(roster::answer_questions))
        .routes(routes!(roster::get_policy, roster::set_policy))
        .routes(routes!(sharing::set_consent))
        .routes(routes!(legal_basis::get, legal_basis::set))
        .routes(routes!(disasters::list, disasters::declare))
        .routes(routes!(disasters::stage))
        .routes(routes!(disasters::close))
        .routes(routes!(disasters::widen))
        .routes(routes!(disasters::sweep))
        .routes(routes!(disasters::sweep_counts))
        .routes(routes!(disasters::record_check))
        .routes(routes!(ledger::get, ledger::save))
        .routes(routes!(ledger::by_id))
        .routes(routes!(ledger::disclose))
        .routes(routes!(ledger::provided_to_me))
        .routes(routes!(ledger::partners, ledger::register_partner))
        .routes(routes!(programmes::evaluate))
        .routes(routes!(programmes::list, programmes::save))
        .routes(routes!(programmes::acts, programmes::set_acts))
        .routes(routes!(programmes::household))
        .routes(routes!(programmes::letter))
        .routes(routes!(programmes::circumstances))
        .routes(routes!(programmes::apply))
        .routes(routes!(programmes::decide))
        .routes(routes!(programmes::unclaimed))
        .routes(routes!(cases::queue))
        .routes(routes!(cases::visit))
        .routes(routes!(cases::open))
        .routes(routes!(cases::mine))
        .routes(routes!(cases::get))
        .routes(routes!(cases::classify))
        .routes(routes!(cases::close))
        .routes(routes!(cases::reopen))
        .routes(routes!(cases::handover))
        .routes(routes!(cases::report))
        .routes(routes!(cases::prefecture_report))
        .routes(routes!(cases::review))
        .routes(routes!(cases::day))
        .routes(routes!(referrals::create, referrals::of_case))
        .routes(routes!(referrals::to_us))
        .routes(routes!(referrals::get))
        .routes(routes!(referrals::step))
        .routes(routes!(case_meetings::schedule))
        .routes(routes!(case_meetings::list))
        .routes(routes!(case_meetings::get))
        .routes(routes!(case_meetings::minutes_pdf))
        .routes(routes!(case_meetings::minutes))
        .routes(routes!(case_meetings::cancel))
        .routes(routes!(case_meetings::of_case))
        .routes(routes!(case_meetings::add_task, case_meetings::case_tasks))
        .routes(routes!(case_meetings::open_tasks))
        .routes(routes!(case_meetings::claim))
        .routes(routes!(case_meetings::release))
        .routes(routes!(case_meetings::end))
        .routes(routes!(disaster_lists::full_list))
        .routes(routes!(
            disasters::safety_settings,
            disasters::save_safety_settings
        ))
        .routes(routes!(
            disasters::checker_order,
            disasters::save_checker_order
        ))
        .routes(routes!(paper_lists::print, paper_lists::lists))
        .routes(routes!(paper_lists::enter))
        .routes(routes!(disaster_lists::full_list_receipts))
        .routes(routes!(
            case_meetings::categories,
            case_meetings::save_categories
        ))
        .routes(routes!(preparedness::list, preparedness::record))
        .routes(routes!(partners::list))
        .routes(routes!(partners::save))
        .routes(routes!(certificates::apply))
        .routes(routes!(certificates::get))
        .routes(routes!(certificates::survey))
        .routes(routes!(certificates::issue))
        .routes(routes!(certificates::resurvey))
        .routes(routes!(certificates::withdraw))
        .routes(routes!(certificates::certificate_pdf))
        .routes(routes!(certificates::batch_pdf))
        .routes(routes!(certificates::progress))
        .routes(routes!(certificates::export))
        .routes(routes!(certificates::export_ledger))
        .routes(routes!(certificates::photo))
        .routes(routes!(certificates::settings))
        .routes(routes!(shelter_operations::list, shelter_operations::open))
        .routes(routes!(shelter_operations::close))
        .routes(routes!(shelter_operations::evacuees))
        .routes(routes!(shelter_operations::check_in))
        .routes(routes!(shelter_operations::walk_in))
        .routes(routes!(shelter_operations::check_out))
        .routes(routes!(shelter_operations::headquarters))
        .routes(routes!(shelter_operations::safety_info_consent))
        .routes(routes!(shelter_operations::enquiry))
        .routes(routes!(plans::history, plans::save))
        .routes(routes!(plans::pdf))
        .routes(routes!(plans::meetings, plans::record_meeting))
        .routes(routes!(receivers::list))
        .routes(routes!(receivers::set))
        .routes(routes!(receivers::receiver_list))
        .routes(routes!(receivers::agreements))
        .routes(routes!(receivers::add_agreement))
        .routes(routes!(receivers::end_agreement))
        .routes(routes!(receivers::issued_lists))
        .routes(routes!(receivers::recall_list))
        .routes(routes!(workflow::get, workflow::start))
        .routes(routes!(workflow::advance))
        .routes(routes!(workflow::assign))
        .routes(routes!(workflow::approach))
        .routes(routes!(workflow::obstacle))
        .routes(routes!(workflow::review))
        .routes(routes!(workflow::progress))
        .routes(routes!(workflow::survey))
        .routes(routes!(sharing::list_shares, sharing::add_share))
        .routes(routes!(sharing::remove_share))
        .merge(
            // Roster files can be large: this route alone takes up to 64 MB.
            OpenApiRouter::new()
                .routes(routes!(sharing::import))
                .routes(routes!(ledger::import_residents))
                .routes(routes!(certificates::add_photo))
                .routes(routes!(certificates::import_surveys))
                .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024)),
        )
        .with_state(state)
        .split_for_parts();
    (router, doc)
}

pub fn router(state: AppState) -> Router {
    let (router, doc) = api(state);
    router.route("/api/openapi.json", get(move || async move { Json(doc) }))
}

/// The OpenAPI document, for tests and for `tsunagi openapi`.
pub fn openapi_document(state: AppState) -> utoipa::openapi::OpenApi {
    api(state).1
}
