//! The full roster for fire and police during a declaration, as one .xlsx download recorded as
//! received; the municipality's page of receipts.

use super::{Chrome, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use tsunagi_app::disaster_lists::{self, ReceiptLine};

/// Everyone on the roster, for fire and police, while the declaration is open.
pub async fn xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = super::ledger::one_id(path)?;
    let l = disaster_lists::full_list(&state.app, &user.ctx, id).await?;
    let t = crate::exports::receiver_table(&l.lines, false);
    let bytes =
        crate::exports::xlsx("名簿（全員）", &t).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::download::attachment(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "full-roster.xlsx",
        &format!("避難行動要支援者名簿_全員_{}.xlsx", l.declaration_name),
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "full_list_receipts.html")]
pub(super) struct ReceiptsPage {
    chrome: Chrome,
    receipts: Vec<ReceiptLine>,
}

impl ReceiptsPage {
    fn at(t: &chrono::DateTime<chrono::Utc>) -> String {
        (*t + chrono::Duration::hours(9))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
}

/// The receipts of a declaration (the municipality's staff).
pub async fn receipts(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = super::ledger::one_id(path)?;
    let receipts = disaster_lists::receipts(&state.app, &user.ctx, id).await?;
    Ok(ReceiptsPage {
        chrome: Chrome::new(&user, "disasters"),
        receipts,
    }
    .into_response())
}
