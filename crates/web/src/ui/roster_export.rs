//! The filtered roster as a file (一覧の出力): everyone the list's filters hold, as Excel or as
//! CSV (Shift_JIS for Excel, or UTF-8), with the columns the screen shows.

use super::triage::{RosterQuery, filter_of};
use super::{Chrome, UiResult};
use crate::auth::CurrentUser;
use crate::download::attachment as file;
use crate::exports::{self, Table};
use crate::{AppError, AppState};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tsunagi_app::triage::RosterLine;

/// The table of a filtered roster, with the columns of the screen.
fn table(lines: &[RosterLine], today: chrono::NaiveDate) -> Table {
    Table {
        headers: vec![
            "氏名",
            "氏名カナ",
            "年齢",
            "住所",
            "地区",
            "優先度",
            "進め方",
            "要確認",
            "手順",
            "期限",
            "同意",
            "理由",
        ],
        rows: lines
            .iter()
            .map(|l| {
                let t = l.triage.as_ref().map(|t| &t.result);
                vec![
                    l.person.name.clone(),
                    l.person.name_kana.clone(),
                    today
                        .years_since(l.person.birth_date)
                        .map(|a| a.to_string())
                        .unwrap_or_default(),
                    l.person.address.clone(),
                    l.district.clone().unwrap_or_default(),
                    t.map(|t| t.priority.label()).unwrap_or("未判定").to_owned(),
                    t.map(|t| t.approach.label()).unwrap_or_default().to_owned(),
                    t.filter(|t| t.needs_confirmation())
                        .map(|t| {
                            t.to_confirm
                                .iter()
                                .map(|q| q.label())
                                .collect::<Vec<_>>()
                                .join("・")
                        })
                        .unwrap_or_default(),
                    l.step.map(|s| s.label()).unwrap_or("未着手").to_owned(),
                    l.due.map(|d| d.to_string()).unwrap_or_default(),
                    l.consent.label().to_owned(),
                    t.map(|t| t.reasons.join(" / ")).unwrap_or_default(),
                ]
            })
            .collect(),
    }
}

async fn load(
    state: &AppState,
    user: &CurrentUser,
    query: Result<Query<RosterQuery>, QueryRejection>,
) -> Result<Table, AppError> {
    let Query(q) = query.map_err(AppError::from)?;
    let filter = filter_of(&q)?;
    let lines = tsunagi_app::triage::roster_export(&state.app, &user.ctx, &filter).await?;
    Ok(table(&lines, user.ctx.today()))
}

pub async fn xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    query: Result<Query<RosterQuery>, QueryRejection>,
) -> UiResult<Response> {
    let t = load(&state, &user, query).await?;
    let bytes = exports::xlsx("名簿", &t).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(file(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "roster-filtered.xlsx",
        "避難行動要支援者名簿_絞り込み.xlsx",
    ))
}

/// Shift_JIS for Excel (a name it cannot hold stops the file and lists every such cell), or
/// UTF-8 with `encoding=utf8`.
pub async fn csv(
    State(state): State<AppState>,
    user: CurrentUser,
    raw: axum::extract::RawQuery,
    query: Result<Query<RosterQuery>, QueryRejection>,
) -> UiResult<Response> {
    let utf8 = raw
        .0
        .as_deref()
        .is_some_and(|q| q.split('&').any(|p| p == "encoding=utf8"));
    let t = load(&state, &user, query).await?;
    let internal = |e: csv::Error| AppError::Internal(e.to_string());
    if utf8 {
        let bytes = exports::csv_utf8_bom(&t).map_err(internal)?;
        return Ok(file(
            bytes,
            "text/csv; charset=utf-8",
            "roster-filtered-utf8.csv",
            "【取扱注意】避難行動要支援者名簿_絞り込み_UTF-8.csv",
        ));
    }
    match exports::csv_shift_jis(&t).map_err(internal)? {
        Ok(bytes) => Ok(file(
            bytes,
            "text/csv; charset=Shift_JIS",
            "roster-filtered-sjis.csv",
            "【取扱注意】避難行動要支援者名簿_絞り込み.csv",
        )),
        Err(problems) => {
            let back = raw.0.unwrap_or_default();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                super::receivers::UnmappablePage {
                    chrome: Chrome::new(&user, "roster_list"),
                    receiver: "絞り込んだ名簿".into(),
                    utf8_link: format!("/roster/export.csv?{back}&encoding=utf8"),
                    problems,
                },
            )
                .into_response())
        }
    }
}
