//! Bulk actions on the roster (一括操作): the rows ticked, or everyone the filter holds, have
//! their plan workflow started or assigned (委託) to an organisation with a due date, in one
//! action; back to the same filtered list with what was done and who was left alone, and why.

use super::programmes::{Pairs, field};
use super::triage::{RosterQuery, filter_of};
use super::{UiError, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::response::{IntoResponse, Redirect, Response};
use tsunagi_app::workflows::{self, BulkAction, BulkTarget};
use tsunagi_domain::{OrganisationId, PersonId};

/// The list's filters as the bulk form carries them (hidden fields), to act on "all matching"
/// and to return to the same list.
fn query_of(pairs: &Pairs) -> RosterQuery {
    let f = |name: &str| field(pairs, name).to_owned();
    RosterQuery {
        priority: f("priority"),
        approach: f("approach"),
        q: f("q"),
        plan: f("plan"),
        consent: f("consent"),
        district: f("district"),
        confirm: f("confirm"),
        town: f("town"),
        sort: f("sort"),
        dir: f("dir"),
        ..Default::default()
    }
}

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::Invalid(tsunagi_domain::ValidationErrors::single(field, message))
}

pub async fn bulk(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let Form(pairs) = form.map_err(AppError::from)?;
    let q = query_of(&pairs);
    let target = match field(&pairs, "scope") {
        "all" => BulkTarget::Matching(filter_of(&q)?),
        _ => BulkTarget::Selected(
            pairs
                .iter()
                .filter(|(k, _)| k == "person")
                .map(|(_, v)| v.parse::<PersonId>().map_err(|_| AppError::NotFound))
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    let action = match field(&pairs, "action") {
        "start" => BulkAction::Start,
        "assign" => {
            let organisation = field(&pairs, "organisation_id")
                .parse::<uuid::Uuid>()
                .map(OrganisationId)
                .map_err(|_| invalid("organisation_id", "担当の組織を選んでください"))?;
            let due = match field(&pairs, "due") {
                "" => None,
                d => Some(
                    tsunagi_domain::wareki::parse_date(d)
                        .map_err(|e| invalid("due", format!("期限: {e}")))?,
                ),
            };
            BulkAction::Assign(workflows::Assignment {
                organisation,
                assignee: None,
                due,
            })
        }
        _ => return Err(UiError(invalid("action", "操作を選んでください"))),
    };
    let r = workflows::bulk(&state.app, &user.ctx, target, action).await?;
    let mut msg = format!(
        "手順を開始 {}人、担当を割り当て {}人",
        r.started, r.assigned
    );
    if !r.skipped.is_empty() {
        let who: Vec<String> = r
            .skipped
            .iter()
            .map(|(_, name, reason)| format!("{name}（{reason}）"))
            .collect();
        msg.push_str(&format!(
            "。対象外 {}人: {}",
            r.skipped.len(),
            who.join("、")
        ));
    }
    let back = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(q.filter_pairs())
        .extend_pairs([
            ("sort", q.sort.as_str()),
            ("dir", q.dir.as_str()),
            ("ran", msg.as_str()),
        ])
        .finish();
    Ok(Redirect::to(&format!("/roster?{back}")).into_response())
}
