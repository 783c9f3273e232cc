//! The first screen after login (ホーム). For a receiver (自治会, 民生委員, 消防, 警察, 社協,
//! 事業所) it is their home: the list they receive and its downloads, the questions waiting for
//! them (要確認), the copies to bring back (要回収), what they may and may not do with it, and
//! who to ask at the municipality.

use super::{Chrome, UiError, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Redirect, Response};
use tsunagi_domain::triage::Question;

/// What a receiver's home shows.
struct ReceiverHome {
    org_id: String,
    municipality: String,
    /// People on its roster list now.
    on_roster: u64,
    /// People whose approach waits for its answer (民生委員・自治会 only).
    to_confirm: Option<u64>,
    /// Copies handed out that must come back (要回収).
    recall_needed: usize,
    /// A disaster is declared: it may see more, read-only, for now.
    disaster: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    visible_persons: u64,
    receiver: Option<ReceiverHome>,
}

async fn receiver_home(state: &AppState, user: &CurrentUser) -> Result<ReceiverHome, UiError> {
    let actor = &user.actor;
    use tsunagi_app::triage::{RosterFilter, roster_count};
    let on_roster = roster_count(&state.app, &user.ctx, &RosterFilter::default()).await?;
    let to_confirm = if Question::answered_by(actor.organisation_kind) {
        let waiting = RosterFilter {
            to_confirm: true,
            ..Default::default()
        };
        Some(roster_count(&state.app, &user.ctx, &waiting).await?)
    } else {
        None
    };
    let recall_needed =
        tsunagi_app::receivers::recall_needed(&state.app, &user.ctx, actor.organisation_id).await?;
    let municipality = match actor.municipality_id {
        Some(m) => tsunagi_app::organisations::name_of(&state.app, m).await?,
        None => String::new(),
    };
    Ok(ReceiverHome {
        org_id: actor.organisation_id.to_string(),
        municipality,
        on_roster,
        to_confirm,
        recall_needed,
        disaster: user
            .ctx
            .disaster()
            .any_declared_in(actor.municipality_id.unwrap_or(actor.organisation_id)),
    })
}

pub async fn home(
    state: axum::extract::State<AppState>,
    user: Result<CurrentUser, UiError>,
) -> UiResult<Response> {
    let user = match user {
        Ok(u) => u,
        Err(UiError(AppError::Unauthenticated)) => {
            return Ok(Redirect::to("/login").into_response());
        }
        Err(e) => return Err(e),
    };
    let visible_persons = tsunagi_app::persons::count_visible(&state.app, &user.ctx).await?;
    let kind = user.actor.organisation_kind;
    let receiver = if kind.is_evacuation_support_party()
        && kind != tsunagi_domain::organisation::OrganisationKind::Municipality
    {
        Some(receiver_home(&state, &user).await?)
    } else {
        None
    };
    Ok(HomePage {
        chrome: Chrome::new(&user, "home"),
        visible_persons,
        receiver,
    }
    .into_response())
}
