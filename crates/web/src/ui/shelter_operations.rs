//! 「避難所の開設・運営」: a declaration's shelters in operation (present, free places, needs;
//! opening and closing), and each shelter's own page — the evacuees there with their needs,
//! checking out or transferring, and checking in a person found by name or kana in a few
//! keystrokes. The municipality's staff; plain forms that work without JavaScript.

use super::views::jst_minutes;
use super::{Chrome, UiError, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tsunagi_app::shelter_operations::{self as ops, Evacuee, Opening};
use tsunagi_domain::PersonId;
use tsunagi_domain::shelter_stay::{CheckInInput, EvacueeNeed, OpeningInput};

#[derive(Template, WebTemplate)]
#[template(path = "shelters_open.html")]
struct ListPage {
    chrome: Chrome,
    declaration: String,
    openings: Vec<Opening>,
    /// The municipality's designated shelters not open now: (id, name, capacity).
    closed: Vec<(String, String, u32)>,
    errors: Vec<String>,
}

impl ListPage {
    fn needs(o: &Opening) -> String {
        o.needs
            .iter()
            .map(|(n, c)| format!("{} {c}", n.label()))
            .collect::<Vec<_>>()
            .join("、")
    }
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    declaration: uuid::Uuid,
    errors: Vec<String>,
) -> UiResult<ListPage> {
    let openings = ops::list(&state.app, &user.ctx, declaration).await?;
    let shelters = tsunagi_app::gis::shelters(&state.app, user.actor.organisation_id).await?;
    let closed = shelters
        .into_iter()
        .filter(|s| s.shelter)
        .filter_map(|s| {
            let id = s.id?;
            let open = openings
                .iter()
                .any(|o| o.shelter_id == id && o.closed_at.is_none());
            (!open).then(|| (id.to_string(), s.name, s.capacity.unwrap_or(100)))
        })
        .collect();
    Ok(ListPage {
        chrome: Chrome::new(user, "disasters"),
        declaration: declaration.to_string(),
        openings,
        closed,
        errors,
    })
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = super::path_uuid(path)?;
    Ok(list_page(&state, &user, id, Vec::new())
        .await?
        .into_response())
}

#[derive(Deserialize)]
pub struct OpenForm {
    shelter: String,
    capacity: String,
}

pub async fn open(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<OpenForm>, FormRejection>,
) -> UiResult<Response> {
    let id = super::path_uuid(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let r = async {
        let input = OpeningInput {
            shelter_id: f
                .shelter
                .parse()
                .map_err(|_| tsunagi_app::Error::invalid("shelter_id", "避難所を選んでください"))?,
            capacity: f.capacity.trim().parse().map_err(|_| {
                tsunagi_app::Error::invalid("capacity", "受け入れ可能人数を数字で入力してください")
            })?,
        };
        ops::open(&state.app, &user.ctx, id, input).await
    }
    .await;
    match r {
        Ok(o) => Ok(Redirect::to(&format!("/shelter-openings/{}", o.id)).into_response()),
        Err(tsunagi_app::Error::Invalid(e)) => {
            let errors = e.0.into_iter().map(|f| f.message).collect();
            let p = list_page(&state, &user, id, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

struct Found {
    id: String,
    name: String,
    kana: String,
    address: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "shelter_opening.html")]
struct OpeningPage {
    chrome: Chrome,
    o: Opening,
    evacuees: Vec<Evacuee>,
    /// Other open shelters of the disaster, for a transfer: (id, name, welfare).
    others: Vec<(String, String, bool)>,
    q: String,
    found: Vec<Found>,
    needs: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
}

impl OpeningPage {
    fn needs_of(e: &Evacuee) -> String {
        e.needs
            .iter()
            .map(|n| n.label())
            .collect::<Vec<_>>()
            .join("、")
    }
    fn since(e: &Evacuee) -> String {
        jst_minutes(&e.checked_in_at)
    }
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn opening_page(
    state: &AppState,
    user: &CurrentUser,
    id: uuid::Uuid,
    q: String,
    errors: Vec<String>,
) -> UiResult<OpeningPage> {
    let evacuees = ops::evacuees(&state.app, &user.ctx, id).await?;
    let (o, siblings) = ops::with_siblings(&state.app, &user.ctx, id).await?;
    let others = siblings
        .iter()
        .filter(|x| x.closed_at.is_none())
        .map(|x| (x.id.to_string(), x.shelter_name.clone(), x.welfare))
        .collect();
    let found = if q.trim().is_empty() {
        Vec::new()
    } else {
        tsunagi_app::persons::search(
            &state.app,
            &user.ctx,
            q.trim(),
            tsunagi_domain::paging::Page::new(Some(1), Some(20)),
        )
        .await?
        .items
        .into_iter()
        .map(|p| Found {
            id: p.id.to_string(),
            name: p.name,
            kana: p.name_kana,
            address: p.address,
        })
        .collect()
    };
    Ok(OpeningPage {
        chrome: Chrome::new(user, "disasters"),
        o,
        evacuees,
        others,
        q,
        found,
        needs: EvacueeNeed::ALL
            .iter()
            .map(|n| (n.code(), n.label()))
            .collect(),
        errors,
    })
}

/// A shelter's page: its evacuees, and checking in a person found by name or kana.
pub async fn opening(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> UiResult<Response> {
    let id = super::path_uuid(path)?;
    let Query(q) = query.map_err(|e| UiError(AppError::BadRequest(e.body_text())))?;
    Ok(opening_page(&state, &user, id, q.q, Vec::new())
        .await?
        .into_response())
}

/// Check in (with needs), check out, transfer, or close — one form each, pairs read by hand
/// because needs are checkboxes of one name.
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> UiResult<Response> {
    let Path((id, what)) = path.map_err(|_| UiError(AppError::NotFound))?;
    let id: uuid::Uuid = id.parse().map_err(|_| UiError(AppError::NotFound))?;
    let Form(pairs) = form.map_err(AppError::from)?;
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let person = || -> Result<PersonId, tsunagi_app::Error> {
        field("person")
            .parse()
            .map_err(|_| tsunagi_app::Error::invalid("person", "避難者を選んでください"))
    };
    let r: Result<(), tsunagi_app::Error> = async {
        match what.as_str() {
            "check-in" => {
                let input = CheckInInput {
                    needs: pairs
                        .iter()
                        .filter(|(k, _)| k == "needs")
                        .filter_map(|(_, v)| EvacueeNeed::parse(v))
                        .collect(),
                    note: Some(field("note")),
                };
                ops::check_in(&state.app, &user.ctx, id, person()?, input).await?;
            }
            "walk-in" => {
                let walk_in = tsunagi_domain::shelter_stay::WalkIn {
                    name: field("name"),
                    name_kana: field("name_kana"),
                    age: field("age").trim().parse().map_err(|_| {
                        tsunagi_app::Error::invalid("age", "年齢を数字で入力してください")
                    })?,
                    sex: field("sex"),
                    address: Some(field("address")),
                    check_in: CheckInInput {
                        needs: pairs
                            .iter()
                            .filter(|(k, _)| k == "needs")
                            .filter_map(|(_, v)| EvacueeNeed::parse(v))
                            .collect(),
                        note: Some(field("note")),
                    },
                };
                ops::check_in_walk_in(&state.app, &user.ctx, id, walk_in).await?;
            }
            "check-out" => {
                let to = match field("to").as_str() {
                    "" => None,
                    s => Some(s.parse().map_err(|_| {
                        tsunagi_app::Error::invalid("to", "移送先を選んでください")
                    })?),
                };
                ops::check_out(&state.app, &user.ctx, id, person()?, to).await?;
            }
            "close" => {
                let version = field("version").parse().unwrap_or(0);
                ops::close(&state.app, &user.ctx, id, version).await?;
            }
            _ => return Err(tsunagi_app::Error::NotFound),
        }
        Ok(())
    }
    .await;
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/shelter-openings/{id}")).into_response()),
        Err(tsunagi_app::Error::Invalid(e)) => {
            let errors = e.0.into_iter().map(|f| f.message).collect();
            let p = opening_page(&state, &user, id, String::new(), errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(tsunagi_app::Error::Conflict { .. }) => {
            let errors = vec!["ほかの人が先に更新しました。もう一度操作してください".into()];
            let p = opening_page(&state, &user, id, String::new(), errors).await?;
            Ok((StatusCode::CONFLICT, p).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "headquarters.html")]
struct HeadquartersPage {
    chrome: Chrome,
    h: tsunagi_app::headquarters::Headquarters,
    at: String,
}

impl HeadquartersPage {
    fn needs(o: &Opening) -> String {
        ListPage::needs(o)
    }
}

/// The headquarters' view; it refreshes itself (htmx polling) and downloads as .xlsx.
pub async fn headquarters(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = super::path_uuid(path)?;
    let h = tsunagi_app::headquarters::view(&state.app, &user.ctx, id).await?;
    Ok(HeadquartersPage {
        chrome: Chrome::new(&user, "disasters"),
        at: jst_minutes(&h.at),
        h,
    }
    .into_response())
}

/// The headquarters' figures as an .xlsx snapshot, with its time.
pub async fn headquarters_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = super::path_uuid(path)?;
    let h = tsunagi_app::headquarters::view(&state.app, &user.ctx, id).await?;
    let at = jst_minutes(&h.at);
    let table = crate::exports::headquarters_table(&h, &at);
    let bytes = crate::exports::xlsx("災害対策本部", &table)
        .map_err(|e| UiError(AppError::Internal(e.to_string())))?;
    Ok(crate::download::attachment(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "headquarters.xlsx",
        "災害対策本部.xlsx",
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "enquiries.html")]
struct EnquiryPage {
    chrome: Chrome,
    declaration: String,
    q: String,
    found: Vec<Found>,
    relations: Vec<(&'static str, &'static str)>,
    /// The answer just given: (person's name, enquirer, the words to read out, answered).
    answer: Option<(String, String, String, bool)>,
    errors: Vec<String>,
}

async fn enquiry_page(
    state: &AppState,
    user: &CurrentUser,
    declaration: uuid::Uuid,
    q: String,
) -> UiResult<EnquiryPage> {
    let found = if q.trim().is_empty() {
        Vec::new()
    } else {
        tsunagi_app::persons::search(
            &state.app,
            &user.ctx,
            q.trim(),
            tsunagi_domain::paging::Page::new(Some(1), Some(20)),
        )
        .await?
        .items
        .into_iter()
        .map(|p| Found {
            id: p.id.to_string(),
            name: p.name,
            kana: p.name_kana,
            address: p.address,
        })
        .collect()
    };
    Ok(EnquiryPage {
        chrome: Chrome::new(user, "disasters"),
        declaration: declaration.to_string(),
        q,
        found,
        relations: tsunagi_domain::safety_info::EnquirerRelation::ALL
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect(),
        answer: None,
        errors: Vec::new(),
    })
}

/// 「安否情報の照会」: find the person, then answer an enquiry or record the agreement.
pub async fn enquiries(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> UiResult<Response> {
    let id = super::path_uuid(path)?;
    let Query(q) = query.map_err(|e| UiError(AppError::BadRequest(e.body_text())))?;
    Ok(enquiry_page(&state, &user, id, q.q).await?.into_response())
}

#[derive(Deserialize)]
pub struct EnquiryForm {
    person: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    enquirer: String,
    #[serde(default)]
    relation: String,
    /// "answer", or "consent" with the three flags.
    action: String,
    #[serde(default)]
    relatives: Option<String>,
    #[serde(default)]
    acquaintances: Option<String>,
    #[serde(default)]
    others: Option<String>,
}

pub async fn enquiry_act(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<EnquiryForm>, FormRejection>,
) -> UiResult<Response> {
    use tsunagi_domain::safety_info::{EnquirerRelation, SafetyInfoConsent};
    let id = super::path_uuid(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let person: PersonId = f.person.parse().map_err(|_| UiError(AppError::NotFound))?;
    let mut page = enquiry_page(&state, &user, id, String::new()).await?;
    let r = match f.action.as_str() {
        "consent" => {
            let c = SafetyInfoConsent {
                relatives: f.relatives.is_some(),
                acquaintances: f.acquaintances.is_some(),
                others: f.others.is_some(),
            };
            tsunagi_app::safety_info::set_consent(&state.app, &user.ctx, id, person, c)
                .await
                .map(|()| {
                    page.answer = Some((
                        f.name.clone(),
                        String::new(),
                        "本人の同意を記録しました".into(),
                        true,
                    ));
                })
        }
        _ => match EnquirerRelation::parse(&f.relation) {
            None => Err(tsunagi_app::Error::invalid(
                "relation",
                "照会者との関係を選んでください",
            )),
            Some(relation) => tsunagi_app::safety_info::answer_enquiry(
                &state.app,
                &user.ctx,
                id,
                person,
                &f.enquirer,
                relation,
            )
            .await
            .map(|a| {
                page.answer = Some((f.name.clone(), f.enquirer.clone(), a.text, a.answered));
            }),
        },
    };
    match r {
        Ok(()) => Ok(page.into_response()),
        Err(tsunagi_app::Error::Invalid(e)) => {
            page.errors = e.0.into_iter().map(|f| f.message).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
