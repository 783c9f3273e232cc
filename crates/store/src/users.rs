//! Users, their memberships (organisation + role) and login bookkeeping. Password hashing is
//! the web layer's job; this module only stores the hash.

use crate::audit::{AuditedTx, Entry};
use crate::entity::{membership, organisation, user};
use crate::error::StoreError;
use crate::organisations::{self, Organisation};
use crate::{Store, now};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use tsunagi_domain::access::{Actor, may_manage_users_of};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::login::Throttle;
use tsunagi_domain::role::Role;
use tsunagi_domain::{MembershipId, OrganisationId, UserId, ValidationErrors};

/// What login needs to know of an account.
#[derive(Clone, Debug)]
pub struct LoginAccount {
    pub id: UserId,
    pub login: String,
    pub password_hash: String,
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub disabled: bool,
}

/// A user's membership of one organisation, with that organisation.
#[derive(Clone, Debug, Serialize)]
pub struct Membership {
    pub id: MembershipId,
    pub user_id: UserId,
    pub organisation: Organisation,
    pub role: Role,
}

impl Membership {
    /// The actor this membership makes of its user.
    pub fn actor(&self, login: &str) -> Actor {
        Actor {
            user_id: self.user_id,
            login: login.to_owned(),
            organisation_id: self.organisation.id,
            organisation_kind: self.organisation.kind,
            municipality_id: self.organisation.municipality_id,
            role: self.role,
        }
    }
}

/// A user as listed for administrators.
#[derive(Clone, Debug, Serialize)]
pub struct UserSummary {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub disabled: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub memberships: Vec<Membership>,
}

/// Login names: 3–100 characters of ASCII letters, digits, `.`, `_`, `-` and `@`.
pub fn validate_login(login: &str) -> Result<String, String> {
    let l = login.trim();
    if (3..=100).contains(&l.len())
        && l.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        Ok(l.to_owned())
    } else {
        Err("ログインIDは3〜100文字の半角英数字と . _ - @ で入力してください".into())
    }
}

/// Creates an account. The caller has hashed the password.
pub async fn create(
    tx: &mut AuditedTx,
    login: &str,
    display_name: &str,
    password_hash: String,
) -> Result<UserId, StoreError> {
    let mut errors = ValidationErrors::new();
    let login = errors.take("login", validate_login(login));
    let display_name = display_name.trim().to_owned();
    if display_name.is_empty() || display_name.chars().count() > 100 {
        errors.push("display_name", "氏名を100文字以内で入力してください");
    }
    let Some(login) = login.filter(|_| errors.is_empty()) else {
        return Err(StoreError::Invalid(errors));
    };
    let id = UserId::new_v7();
    let row = user::ActiveModel {
        id: Set(id.0),
        login: Set(login.clone()),
        display_name: Set(display_name),
        password_hash: Set(password_hash),
        failed_logins: Set(0),
        locked_until: Set(None),
        disabled: Set(false),
        created_at: Set(now()),
    };
    user::Entity::insert(row)
        .exec(tx.conn())
        .await
        .map_err(StoreError::duplicate_as("login"))?;
    tx.record(
        Entry::new(AuditAction::UserCreated, "user", id)
            .detail(serde_json::json!({"login": login})),
    );
    Ok(id)
}

/// Gives a user a role in an organisation. The role must suit the organisation's kind.
pub async fn add_membership(
    tx: &mut AuditedTx,
    user_id: UserId,
    organisation_id: OrganisationId,
    role: Role,
) -> Result<MembershipId, StoreError> {
    let org = organisations::get(tx.conn(), organisation_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if !role.allowed_in(org.kind) {
        return Err(StoreError::Invalid(ValidationErrors::single(
            "role",
            format!(
                "{}に「{}」の役割は設定できません",
                org.kind.label(),
                role.label()
            ),
        )));
    }
    let id = MembershipId::new_v7();
    let row = membership::ActiveModel {
        id: Set(id.0),
        user_id: Set(user_id.0),
        organisation_id: Set(organisation_id.0),
        role: Set(role.code().to_owned()),
        created_at: Set(now()),
    };
    membership::Entity::insert(row)
        .exec(tx.conn())
        .await
        .map_err(StoreError::duplicate_as("membership"))?;
    tx.record(
        Entry::new(AuditAction::MembershipAdded, "user", user_id)
            .owner(
                org.municipality_id
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
            )
            .detail(serde_json::json!({"organisation": org.name, "role": role.code()})),
    );
    Ok(id)
}

/// Records a failed login; returns the lock time if the account is now locked. The entry is
/// written once for each municipality in `owners` (the user's), so that their administrators
/// find it in the audit trail.
pub async fn record_login_failure(
    tx: &mut AuditedTx,
    account: &LoginAccount,
    owners: &[OrganisationId],
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let t = now();
    let before = Throttle {
        failures: account.failed_logins,
        locked_until: account.locked_until,
    };
    let after = before.after_failure(t);
    let (failures, lock) = (after.failures, after.locked_until);
    if after != before {
        user::Entity::update_many()
            .col_expr(user::Column::FailedLogins, Expr::value(failures))
            .col_expr(user::Column::LockedUntil, Expr::value(lock))
            .filter(user::Column::Id.eq(account.id.0))
            .exec(tx.conn())
            .await?;
    }
    let while_locked = after == before;
    let action = if lock.is_some() && !while_locked {
        AuditAction::LoginLocked
    } else {
        AuditAction::LoginFailed
    };
    let entry = Entry::new(action, "user", account.id).detail(serde_json::json!({
        "failures": failures,
        "locked_until": lock,
        "while_locked": while_locked,
    }));
    for owner in owners {
        tx.record(entry.clone().owner(owner));
    }
    if owners.is_empty() {
        tx.record(entry);
    }
    Ok(lock)
}

/// Clears the failure count after a successful login.
pub async fn record_login_success(tx: &mut AuditedTx, user_id: UserId) -> Result<(), StoreError> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(
            user::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(user::Column::Id.eq(user_id.0))
        .exec(tx.conn())
        .await?;
    tx.record(Entry::new(AuditAction::LoginSucceeded, "user", user_id));
    Ok(())
}

/// Sets a new password hash (from the command line).
pub async fn set_password_hash(
    tx: &mut AuditedTx,
    user_id: UserId,
    password_hash: String,
) -> Result<(), StoreError> {
    let r = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(
            user::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(user::Column::Id.eq(user_id.0))
        .exec(tx.conn())
        .await?;
    if r.rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    tx.record(
        Entry::new(AuditAction::UserCreated, "user", user_id)
            .detail(serde_json::json!({"password": "reset"})),
    );
    Ok(())
}

fn membership_from(
    m: membership::Model,
    org: organisation::Model,
) -> Result<Membership, StoreError> {
    Ok(Membership {
        id: m.id.into(),
        user_id: m.user_id.into(),
        role: m.role.parse().map_err(StoreError::Corrupt)?,
        organisation: Organisation::try_from(org)?,
    })
}

impl Store {
    pub async fn login_account(&self, login: &str) -> Result<Option<LoginAccount>, StoreError> {
        Ok(user::Entity::find()
            .filter(user::Column::Login.eq(login.trim()))
            .one(self.conn())
            .await?
            .map(|u| LoginAccount {
                id: u.id.into(),
                login: u.login,
                password_hash: u.password_hash,
                failed_logins: u.failed_logins,
                locked_until: u.locked_until,
                disabled: u.disabled,
            }))
    }

    /// A live (not disabled) account's login and display name.
    pub async fn active_user(&self, id: UserId) -> Result<Option<(String, String)>, StoreError> {
        Ok(user::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .filter(|u| !u.disabled)
            .map(|u| (u.login, u.display_name)))
    }

    /// A user's memberships, ordered by organisation name.
    pub async fn memberships(&self, user_id: UserId) -> Result<Vec<Membership>, StoreError> {
        let rows = membership::Entity::find()
            .filter(membership::Column::UserId.eq(user_id.0))
            .order_by_asc(membership::Column::CreatedAt)
            .all(self.conn())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for m in rows {
            let org = organisation::Entity::find_by_id(m.organisation_id)
                .one(self.conn())
                .await?
                .ok_or_else(|| StoreError::Corrupt("membership without organisation".into()))?;
            out.push(membership_from(m, org)?);
        }
        Ok(out)
    }

    /// The membership an actor acts through (its organisation and role).
    pub async fn membership_of(&self, actor: &Actor) -> Result<Option<Membership>, StoreError> {
        Ok(self
            .memberships(actor.user_id)
            .await?
            .into_iter()
            .find(|m| m.organisation.id == actor.organisation_id && m.role == actor.role))
    }

    pub async fn membership(&self, id: MembershipId) -> Result<Option<Membership>, StoreError> {
        let Some(m) = membership::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
        else {
            return Ok(None);
        };
        let org = organisation::Entity::find_by_id(m.organisation_id)
            .one(self.conn())
            .await?
            .ok_or_else(|| StoreError::Corrupt("membership without organisation".into()))?;
        membership_from(m, org).map(Some)
    }

    /// The users whose organisations `actor` may manage.
    pub async fn users_for(&self, actor: &Actor) -> Result<Vec<UserSummary>, StoreError> {
        if !tsunagi_domain::access::can(actor, tsunagi_domain::access::Capability::ManageUsers) {
            return Err(StoreError::Forbidden);
        }
        let orgs: std::collections::HashMap<uuid::Uuid, organisation::Model> =
            organisation::Entity::find()
                .all(self.conn())
                .await?
                .into_iter()
                .map(|o| (o.id, o))
                .collect();
        let rows = membership::Entity::find().all(self.conn()).await?;
        let mut by_user: std::collections::BTreeMap<uuid::Uuid, Vec<Membership>> =
            Default::default();
        for m in rows {
            let Some(org) = orgs.get(&m.organisation_id).cloned() else {
                continue;
            };
            let ms = membership_from(m, org)?;
            if may_manage_users_of(actor, ms.organisation.id, ms.organisation.municipality_id) {
                by_user.entry(ms.user_id.0).or_default().push(ms);
            }
        }
        let users = user::Entity::find()
            .filter(user::Column::Id.is_in(by_user.keys().copied().collect::<Vec<_>>()))
            .order_by_asc(user::Column::Login)
            .all(self.conn())
            .await?;
        Ok(users
            .into_iter()
            .map(|u| UserSummary {
                memberships: by_user.remove(&u.id).unwrap_or_default(),
                id: u.id.into(),
                login: u.login,
                display_name: u.display_name,
                disabled: u.disabled,
                locked_until: u.locked_until,
            })
            .collect())
    }
}

/// Creates an account with one membership on behalf of an administrator, who must be allowed
/// to manage the organisation (`NotFound` otherwise: the organisation is not theirs to name).
pub async fn create_member(
    tx: &mut AuditedTx,
    actor: &Actor,
    login: &str,
    display_name: &str,
    password_hash: String,
    organisation_id: OrganisationId,
    role: Role,
) -> Result<UserId, StoreError> {
    let org = organisations::get(tx.conn(), organisation_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if !may_manage_users_of(actor, org.id, org.municipality_id) {
        return Err(StoreError::NotFound);
    }
    let id = create(tx, login, display_name, password_hash).await?;
    add_membership(tx, id, org.id, role).await?;
    Ok(id)
}
