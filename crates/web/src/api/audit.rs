use super::dto::{AuditEntryDto, AuditPageDto, AuditQueryDto};
use super::extract::ApiQuery;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::ui::audit_filter;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use tsunagi_app::audit;
use tsunagi_domain::paging::Page;

/// The audit trail of the caller's organisation (administrators only). Reading it is recorded.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQueryDto),
    responses((status = 200, body = AuditPageDto), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<AuditQueryDto>,
) -> Result<Json<AuditPageDto>, AppError> {
    let filter = audit_filter(
        q.action.as_deref(),
        q.user.as_deref(),
        q.entity_id.as_deref(),
        q.from.as_deref(),
        q.until.as_deref(),
    )?;
    let page = Page::requested(q.page, Some(100)).map_err(AppError::BadRequest)?;
    let found = audit::list(&state.app, &user.ctx, &filter, page).await?;
    Ok(Json(AuditPageDto {
        total: found.total,
        items: found
            .items
            .into_iter()
            .map(|r| AuditEntryDto {
                seq: r.seq,
                at: r.at,
                user_login: r.user_login,
                organisation_id: r.organisation_id,
                role: r.role,
                action: r.action,
                entity: r.entity,
                entity_id: r.entity_id,
                access_basis: r.access_basis,
                request_id: r.request_id,
                client_request_id: r.client_request_id,
                detail: r.detail,
                hash: None,
            })
            .collect(),
    }))
}
