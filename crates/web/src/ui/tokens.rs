//! API tokens: each user creates and revokes their own.

use super::views::jst_minutes;
use super::{Chrome, UiError, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tsunagi_app::tokens;

struct TokenRow {
    id: String,
    name: String,
    prefix: String,
    created: String,
    last_used: String,
    revoked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "tokens.html")]
struct TokensPage {
    chrome: Chrome,
    tokens: Vec<TokenRow>,
    secret: Option<String>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    secret: Option<String>,
    error: Option<String>,
) -> Result<TokensPage, AppError> {
    let rows = tokens::list(&state.app, &user.ctx)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id.to_string(),
            name: t.name,
            prefix: t.prefix,
            created: jst_minutes(&t.created_at),
            last_used: t
                .last_used_at
                .as_ref()
                .map(jst_minutes)
                .unwrap_or_else(|| "未使用".into()),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    Ok(TokensPage {
        chrome: Chrome::new(user, "tokens"),
        tokens: rows,
        secret,
        error,
    })
}

pub async fn page(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    Ok(render(&state, &user, None, None).await?.into_response())
}

#[derive(Deserialize)]
pub struct NewToken {
    #[serde(default)]
    name: String,
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<NewToken>, FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    match tokens::create(&state.app, &user.ctx, &f.name).await {
        Ok((_, secret)) => Ok(render(&state, &user, Some(secret), None)
            .await?
            .into_response()),
        Err(tsunagi_app::Error::Invalid(e)) => {
            let msg = e.0.first().map(|f| f.message.clone());
            Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                render(&state, &user, None, msg).await?,
            )
                .into_response())
        }
        Err(e) => Err(UiError(e.into())),
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let Path(raw) = path.map_err(|_| UiError(AppError::NotFound))?;
    let id = raw.parse().map_err(|_| UiError(AppError::NotFound))?;
    tokens::revoke(&state.app, &user.ctx, id).await?;
    Ok(Redirect::to("/tokens").into_response())
}
