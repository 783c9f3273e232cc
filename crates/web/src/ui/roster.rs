//! The roster import screen: upload a CSV extract, see every bad row and what would change,
//! then apply.

use super::{Chrome, UiError, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use tsunagi_app::roster::{ImportError, ImportOptions, ImportReport, import};
use tsunagi_domain::access::{Capability, can};
use tsunagi_import::roster::{COLUMNS, REQUIRED};

struct LayoutColumn {
    name: &'static str,
    aliases: String,
    required: bool,
    note: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "roster_import.html")]
struct ImportPage {
    chrome: Chrome,
    layout: Vec<LayoutColumn>,
    report: Option<ImportReport>,
    file_error: Option<String>,
    mapping: String,
}

fn layout() -> Vec<LayoutColumn> {
    COLUMNS
        .iter()
        .map(|(name, aliases, note)| LayoutColumn {
            name,
            aliases: aliases.join("、"),
            required: REQUIRED.contains(name),
            note,
        })
        .collect()
}

fn page(user: &CurrentUser) -> ImportPage {
    ImportPage {
        chrome: Chrome::new(user, "roster"),
        layout: layout(),
        report: None,
        file_error: None,
        mapping: String::new(),
    }
}

pub async fn form(user: CurrentUser) -> UiResult<Response> {
    if !can(&user.actor, Capability::CreatePerson) {
        return Err(UiError(AppError::Forbidden));
    }
    Ok(page(&user).into_response())
}

/// Lines `ファイルの列名=取込列名`.
fn parse_mapping(text: &str) -> Result<HashMap<String, String>, String> {
    let mut m = HashMap::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let (from, to) = line
            .split_once('=')
            .or_else(|| line.split_once('＝'))
            .ok_or_else(|| format!("列の対応 {} 行目に「=」がありません", i + 1))?;
        m.insert(from.trim().to_owned(), to.trim().to_owned());
    }
    Ok(m)
}

pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    mut multipart: Multipart,
) -> UiResult<Response> {
    if !can(&user.actor, Capability::CreatePerson) {
        return Err(UiError(AppError::Forbidden));
    }
    let bad = |m: String| UiError(AppError::BadRequest(m));
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut encoding = String::from("auto");
    let mut mapping = String::new();
    let mut dry_run = false;
    let mut only_valid = false;
    let mut full_extract = false;
    let mut residents = false;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(e.body_text()))?
    {
        match field.name().unwrap_or_default() {
            "file" => {
                let name = field.file_name().unwrap_or("roster.csv").to_owned();
                let bytes = field.bytes().await.map_err(|e| bad(e.body_text()))?;
                file = Some((name, bytes.to_vec()));
            }
            "encoding" => encoding = field.text().await.map_err(|e| bad(e.body_text()))?,
            "mapping" => mapping = field.text().await.map_err(|e| bad(e.body_text()))?,
            "dry_run" => dry_run = true,
            "only_valid" => only_valid = true,
            "full_extract" => full_extract = true,
            "kind" => {
                residents = field.text().await.map_err(|e| bad(e.body_text()))? == "residents"
            }
            _ => {}
        }
    }
    let mut p = page(&user);
    p.mapping = mapping.clone();
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        p.file_error = Some("ファイルを選んでください".into());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
    };
    let options = match (encoding.parse(), parse_mapping(&mapping)) {
        (Ok(encoding), Ok(mapping)) => ImportOptions {
            encoding,
            mapping,
            dry_run,
            only_valid,
            full_extract,
        },
        (Err(m), _) | (_, Err(m)) => {
            p.file_error = Some(m);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
        }
    };
    let result = if residents {
        tsunagi_app::residents::import(&state.app, &user.ctx, &name, &bytes, &options).await
    } else {
        import(&state.app, &user.ctx, &name, &bytes, &options).await
    };
    match result {
        Ok(report) => {
            let status = if report.errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            p.report = Some(report);
            Ok((status, p).into_response())
        }
        Err(ImportError::File(e)) => {
            p.file_error = Some(format!("{name}: {e}"));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(ImportError::App(e)) => Err(UiError(e.into())),
    }
}
