//! Agreements with receivers (協定・誓約書) on the receivers screen: each receiver's agreements
//! with their days and state, a form to record one, a button to end one.

use super::UiResult;
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tsunagi_app::receivers::{self, StoredAgreement};
use tsunagi_domain::OrganisationId;
use tsunagi_domain::receiver::{AgreementKind, ReceiverAgreement};
use tsunagi_domain::wareki::{format_both, parse_date};

/// One agreement as the screen shows it.
pub struct AgreementRow {
    pub id: String,
    pub kind: &'static str,
    pub concluded_on: String,
    pub expires_on: String,
    pub scope: String,
    pub file_reference: String,
    /// 有効 / 期限切れ / 終了 / 開始前
    pub state: &'static str,
    pub ended: bool,
}

impl AgreementRow {
    pub fn of(a: &StoredAgreement, today: chrono::NaiveDate) -> Self {
        let in_force = a.in_force(today);
        AgreementRow {
            id: a.id.to_string(),
            kind: a.agreement.kind.label(),
            concluded_on: format_both(a.agreement.concluded_on),
            expires_on: a
                .agreement
                .expires_on
                .map(format_both)
                .unwrap_or_else(|| "定めなし".into()),
            scope: a.agreement.scope.clone(),
            file_reference: a.agreement.file_reference.clone().unwrap_or_default(),
            state: if in_force {
                "有効"
            } else if a.ended_on.is_some() {
                "終了"
            } else if a.agreement.concluded_on > today {
                "開始前"
            } else {
                "期限切れ"
            },
            ended: a.ended_on.is_some(),
        }
    }
}

/// The kinds, for the form's choice.
pub fn kinds() -> Vec<(&'static str, &'static str)> {
    AgreementKind::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect()
}

#[derive(Deserialize)]
pub struct AgreementForm {
    kind: String,
    concluded_on: String,
    #[serde(default)]
    expires_on: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    file_reference: String,
}

fn org_id(path: Result<Path<String>, PathRejection>) -> Result<uuid::Uuid, AppError> {
    let Path(raw) = path.map_err(|_| AppError::NotFound)?;
    raw.parse::<uuid::Uuid>().map_err(|_| AppError::NotFound)
}

/// Back to the receivers screen with a message.
fn back(message: &str) -> Response {
    let enc: String = form_urlencoded::byte_serialize(message.as_bytes()).collect();
    Redirect::to(&format!("/receivers?applied={enc}")).into_response()
}

pub async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<AgreementForm>, FormRejection>,
) -> UiResult<Response> {
    let org = OrganisationId(org_id(path)?);
    let Form(f) = form.map_err(AppError::from)?;
    let kind = AgreementKind::parse(&f.kind)
        .ok_or_else(|| AppError::BadRequest("協定か誓約書かを選んでください".into()))?;
    let concluded_on =
        parse_date(&f.concluded_on).map_err(|e| AppError::BadRequest(format!("締結日: {e}")))?;
    let expires_on = match f.expires_on.trim() {
        "" => None,
        t => Some(parse_date(t).map_err(|e| AppError::BadRequest(format!("有効期限: {e}")))?),
    };
    let a = ReceiverAgreement {
        kind,
        concluded_on,
        expires_on,
        scope: f.scope,
        file_reference: Some(f.file_reference),
    };
    match receivers::add_agreement(&state.app, &user.ctx, org, a).await {
        Ok(_) => Ok(back(&format!("{}を登録しました", kind.label()))),
        Err(e) => Err(super::refused(e)),
    }
}

pub async fn end(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = org_id(path)?;
    receivers::end_agreement(&state.app, &user.ctx, id).await?;
    Ok(back("協定・誓約書を終了しました（本日から無効）"))
}
