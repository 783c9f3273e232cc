//! 「避難支援者の確保」 (the guide's Q1): roster people with no supporter yet, by district; those
//! for whom a care service or the municipality arranged instead; and supporters named in
//! several plans — one neighbour for five people who would all need her at once.

use super::{Chrome, UiResult};
use crate::AppState;
use crate::auth::CurrentUser;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use tsunagi_domain::supporters::{PersonRef, SharedSupporter};

#[derive(Template, WebTemplate)]
#[template(path = "supporters.html")]
struct SupportersPage {
    chrome: Chrome,
    /// (district, people without a supporter), districts in order.
    without: Vec<(String, Vec<PersonRef>)>,
    without_total: usize,
    arranged: Vec<(PersonRef, String)>,
    shared: Vec<SharedSupporter>,
}

pub async fn page(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let c = tsunagi_app::plans::supporter_capacity(&state.app, &user.ctx).await?;
    let mut by_district: std::collections::BTreeMap<String, Vec<PersonRef>> =
        std::collections::BTreeMap::new();
    for p in &c.without_supporter {
        let district = if p.district.is_empty() {
            "（地区未設定）".to_owned()
        } else {
            p.district.clone()
        };
        by_district.entry(district).or_default().push(p.clone());
    }
    Ok(SupportersPage {
        chrome: Chrome::new(&user, "roster_list"),
        without_total: c.without_supporter.len(),
        without: by_district.into_iter().collect(),
        arranged: c.arranged,
        shared: c.shared,
    }
    .into_response())
}
