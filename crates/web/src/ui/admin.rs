//! Organisations and users.

use super::{Chrome, UiError, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::HashMap;
use tsunagi_app::organisations::Organisation;
use tsunagi_app::{passwords as password, users};
use tsunagi_domain::access::{Capability, can, may_manage_users_of};
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::role::Role;

struct OrgRow {
    name: String,
    code: String,
    municipality: String,
}

struct OrgGroup {
    label: &'static str,
    orgs: Vec<OrgRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "organisations.html")]
struct OrganisationsPage {
    chrome: Chrome,
    groups: Vec<OrgGroup>,
}

pub async fn organisations(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    let all = tsunagi_app::organisations::all(&state.app).await?;
    let names: HashMap<_, _> = all.iter().map(|o| (o.id, o.name.clone())).collect();
    let groups = OrganisationKind::ALL
        .iter()
        .map(|k| OrgGroup {
            label: k.label(),
            orgs: all
                .iter()
                .filter(|o| o.kind == *k)
                .map(|o| OrgRow {
                    name: o.name.clone(),
                    code: o.local_gov_code.clone().unwrap_or_default(),
                    municipality: o
                        .municipality_id
                        .filter(|m| *m != o.id)
                        .and_then(|m| names.get(&m).cloned())
                        .unwrap_or_default(),
                })
                .collect(),
        })
        .filter(|g| !g.orgs.is_empty())
        .collect();
    Ok(OrganisationsPage {
        chrome: Chrome::new(&user, "organisations"),
        groups,
    }
    .into_response())
}

struct UserRow {
    login: String,
    name: String,
    memberships: Vec<String>,
    locked: bool,
}

#[derive(Default, Deserialize, Clone)]
pub struct NewUserForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    role: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserRow>,
    orgs: Vec<(String, String)>,
    roles: Vec<(&'static str, &'static str)>,
    form: NewUserForm,
    errors: HashMap<String, String>,
    created: Option<String>,
}

impl UsersPage {
    fn error(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

async fn manageable_orgs(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<Organisation>, AppError> {
    Ok(tsunagi_app::organisations::all(&state.app)
        .await?
        .into_iter()
        .filter(|o| may_manage_users_of(&user.actor, o.id, o.municipality_id))
        .collect())
}

async fn users_page(
    state: &AppState,
    user: &CurrentUser,
    form: NewUserForm,
) -> Result<UsersPage, AppError> {
    if !can(&user.actor, Capability::ManageUsers) {
        return Err(AppError::Forbidden);
    }
    let now = chrono::Utc::now();
    let users = users::users_for(&state.app, &user.ctx)
        .await?
        .into_iter()
        .map(|u| UserRow {
            locked: tsunagi_domain::login::is_locked(u.locked_until, now),
            memberships: u
                .memberships
                .iter()
                .map(|m| format!("{}（{}）", m.organisation.name, m.role.label()))
                .collect(),
            login: u.login,
            name: u.display_name,
        })
        .collect();
    let orgs = manageable_orgs(state, user)
        .await?
        .into_iter()
        .map(|o| {
            (
                o.id.to_string(),
                format!("{}（{}）", o.name, o.kind.label()),
            )
        })
        .collect();
    Ok(UsersPage {
        chrome: Chrome::new(user, "users"),
        users,
        orgs,
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        form,
        errors: HashMap::new(),
        created: None,
    })
}

pub async fn users(State(state): State<AppState>, user: CurrentUser) -> UiResult<Response> {
    Ok(users_page(&state, &user, NewUserForm::default())
        .await?
        .into_response())
}

pub async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    form: Result<Form<NewUserForm>, FormRejection>,
) -> UiResult<Response> {
    let Form(f) = form.map_err(AppError::from)?;
    let mut page = users_page(&state, &user, f.clone()).await?;
    page.form.password.clear();
    let org = manageable_orgs(&state, &user)
        .await?
        .into_iter()
        .find(|o| o.id.to_string() == f.organisation_id);
    let role = f.role.parse::<Role>().ok();
    if let Err(m) = password::check_strength(&f.password, &f.login) {
        page.errors.insert("password".into(), m);
    }
    if org.is_none() {
        page.errors
            .insert("organisation_id".into(), "所属組織を選んでください".into());
    }
    if role.is_none() {
        page.errors
            .insert("role".into(), "役割を選んでください".into());
    }
    let (Some(org), Some(role), true) = (org, role, page.errors.is_empty()) else {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let result = users::create_member(
        &state.app,
        &user.ctx,
        users::NewUser {
            login: &f.login,
            display_name: &f.display_name,
            password: &f.password,
        },
        org.id,
        role,
    )
    .await;
    match result {
        Ok(_) => {
            let mut page = users_page(&state, &user, NewUserForm::default()).await?;
            page.created = Some(f.login.trim().to_owned());
            Ok(page.into_response())
        }
        Err(tsunagi_app::Error::Invalid(e)) => {
            page.errors
                .extend(e.0.into_iter().map(|f| (f.field, f.message)));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(tsunagi_app::Error::Duplicate(_)) => {
            page.errors
                .insert("login".into(), "このログインIDは既に使われています".into());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(UiError(e.into())),
    }
}
