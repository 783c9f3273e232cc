//! The municipality's triage policy (優先度の判定基準) on screen: weights, thresholds, and which
//! conditions count for point 2 and as generally hard. Saving makes a new version; the roster
//! is judged by it at the next 「名簿全体の優先度を判定」.

use super::programmes::{Pairs, field, form_failure};
use super::{Chrome, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::response::{IntoResponse, Redirect, Response};
use tsunagi_domain::triage::{ConditionKind, ConditionPolicy, PriorityPolicy, Weights};

/// One condition's row: code, label, counts for point 2, generally hard.
struct ConditionRow {
    code: &'static str,
    label: &'static str,
    point2: bool,
    hard: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "triage_policy.html")]
struct PolicyPage {
    chrome: Chrome,
    p: PriorityPolicy,
    conditions: Vec<ConditionRow>,
    /// (value, label) of the care-level thresholds: none, 1–5.
    care_levels: Vec<(String, String)>,
    point2_care: String,
    hard_care: String,
    errors: Vec<String>,
    saved: bool,
}

fn page(user: &CurrentUser, p: PriorityPolicy, errors: Vec<String>, saved: bool) -> PolicyPage {
    let c = &p.conditions;
    let conditions = ConditionKind::ALL
        .into_iter()
        .map(|k| ConditionRow {
            code: k.code(),
            label: k.label(),
            point2: c.point2.contains(&k),
            hard: c.generally_hard.contains(&k),
        })
        .collect();
    let care = |v: Option<u8>| v.map(|n| n.to_string()).unwrap_or_default();
    PolicyPage {
        chrome: Chrome::new(user, "roster_list"),
        point2_care: care(c.point2_care_from),
        hard_care: care(c.generally_hard_care_from),
        care_levels: std::iter::once((String::new(), "数えない".to_owned()))
            .chain((1..=5).map(|n| (n.to_string(), format!("要介護{n}以上"))))
            .collect(),
        conditions,
        p,
        errors,
        saved,
    }
}

#[derive(serde::Deserialize, Default)]
pub struct PolicyQuery {
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<PolicyQuery>,
) -> UiResult<Response> {
    let p = tsunagi_app::triage::policy(&state.app, &user.ctx).await?;
    Ok(page(&user, p, Vec::new(), q.saved.is_some()).into_response())
}

/// Reads the form into a policy; a number that is no number is refused naming the field.
fn policy_of(pairs: &Pairs) -> Result<PriorityPolicy, String> {
    let number = |name: &str, label: &str| -> Result<u32, String> {
        field(pairs, name)
            .parse::<u32>()
            .map_err(|_| format!("{label}は0以上の整数で入力してください"))
    };
    let care = |name: &str| -> Result<Option<u8>, String> {
        match field(pairs, name) {
            "" => Ok(None),
            v => v
                .parse::<u8>()
                .map(Some)
                .map_err(|_| "要介護度は1〜5で指定してください".to_owned()),
        }
    };
    let kinds = |name: &str| -> Vec<ConditionKind> {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .filter_map(|(_, v)| ConditionKind::parse(v))
            .collect()
    };
    Ok(PriorityPolicy {
        version: 0,
        weights: Weights {
            hazard: number("w_hazard", "自宅の災害危険性の重み")?,
            condition: number("w_condition", "本人の心身の状況の重み")?,
            living: number("w_living", "居住実態・社会的孤立の重み")?,
        },
        high_at: number("high_at", "「高」とする点数")?,
        medium_at: number("medium_at", "「中」とする点数")?,
        require_hazard_for_high: field(pairs, "require_hazard_for_high") == "1",
        conditions: ConditionPolicy {
            point2: kinds("point2"),
            point2_care_from: care("point2_care_from")?,
            generally_hard: kinds("hard"),
            generally_hard_care_from: care("hard_care_from")?,
        },
    })
}

pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let Form(pairs) = form.map_err(AppError::from)?;
    let current = tsunagi_app::triage::policy(&state.app, &user.ctx).await?;
    let p = match policy_of(&pairs) {
        Ok(p) => p,
        Err(m) => {
            return Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                page(&user, current, vec![m], false),
            )
                .into_response());
        }
    };
    let r = tsunagi_app::triage::set_policy(&state.app, &user.ctx, p.clone())
        .await
        .map(|_| ());
    match form_failure(r)? {
        None => Ok(Redirect::to("/roster/policy?saved=1").into_response()),
        Some((status, errors)) => {
            let mut shown = p;
            shown.version = current.version;
            Ok((status, page(&user, shown, errors, false)).into_response())
        }
    }
}
