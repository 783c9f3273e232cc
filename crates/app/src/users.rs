//! Accounts and who acts: login (with lock-out), logout, memberships, and the accounts
//! administrators create.

use std::collections::BTreeSet;

use tsunagi_domain::access::{Actor, Capability, can};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::role::Role;
use tsunagi_domain::{MembershipId, OrganisationId, UserId};
use tsunagi_store::audit::Entry;
use tsunagi_store::users;

pub use tsunagi_store::users::{Membership, UserSummary, validate_login};

use crate::{App, Context, Error, Identity, passwords};

/// The actor a user is when acting through one of their memberships, with that membership
/// and the user's display name; `None` if the user or membership is gone or disabled.
pub async fn acting_as(
    app: &App,
    user_id: UserId,
    membership_id: MembershipId,
) -> Result<Option<(Actor, Membership, String)>, Error> {
    let Some((login, display_name)) = app.store.active_user(user_id).await? else {
        return Ok(None);
    };
    let Some(membership) = app.store.membership(membership_id).await? else {
        return Ok(None);
    };
    if membership.user_id != user_id {
        return Ok(None);
    }
    Ok(Some((membership.actor(&login), membership, display_name)))
}

/// The membership the actor acts through (its organisation and role).
pub async fn current_membership(app: &App, ctx: &Context) -> Result<Membership, Error> {
    app.store
        .membership_of(ctx.actor()?)
        .await?
        .ok_or(Error::Unauthenticated)
}

/// A user's memberships, oldest first.
pub async fn memberships(app: &App, user_id: UserId) -> Result<Vec<Membership>, Error> {
    Ok(app.store.memberships(user_id).await?)
}

/// A successful login: the user and the membership they act through first.
#[derive(Clone, Debug)]
pub struct LoggedIn {
    pub user_id: UserId,
    pub membership_id: MembershipId,
    /// More than one membership: the user chooses which organisation to act for.
    pub has_choice: bool,
}

/// Checks a login and password. Unknown, disabled, locked and wrong all answer `None` in the
/// same time (one Argon2 verification each); every failure is audited where the
/// administrators of the user's municipalities find it, and repeated failures lock the account.
pub async fn login(
    app: &App,
    ctx: &Context,
    login: &str,
    password: String,
) -> Result<Option<LoggedIn>, Error> {
    let account = app.store.login_account(login).await?;
    let now = tsunagi_store::now();
    let usable = account
        .as_ref()
        .filter(|a| !a.disabled && !tsunagi_domain::login::is_locked(a.locked_until, now));
    let ok = passwords::verify(password, usable.map(|a| a.password_hash.clone())).await?;
    let memberships = match (&account, ok) {
        (Some(a), true) => app.store.memberships(a.id).await?,
        _ => Vec::new(),
    };
    let (Some(account), true, Some(first)) = (account, ok, memberships.first()) else {
        let mut w = app.begin(ctx).await?;
        match app.store.login_account(login).await? {
            Some(a) => {
                let owners = municipalities_of(&app.store.memberships(a.id).await?);
                users::record_login_failure(&mut w.tx, &a, &owners).await?;
            }
            None => w.tx.record(
                Entry::new(AuditAction::LoginFailed, "user", "")
                    .detail(serde_json::json!({"reason": "unknown login"})),
            ),
        }
        w.commit().await?;
        return Ok(None);
    };
    let actor = first.actor(&account.login);
    let ctx = ctx.as_identity(Identity::User(actor));
    let mut w = app.begin(&ctx).await?;
    users::record_login_success(&mut w.tx, account.id).await?;
    w.commit().await?;
    Ok(Some(LoggedIn {
        user_id: account.id,
        membership_id: first.id,
        has_choice: memberships.len() > 1,
    }))
}

/// The municipalities whose administrators see a user's failed logins.
fn municipalities_of(memberships: &[Membership]) -> Vec<OrganisationId> {
    memberships
        .iter()
        .map(|m| m.organisation.municipality_id.unwrap_or(m.organisation.id))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

pub async fn logout(app: &App, ctx: &Context) -> Result<(), Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    w.tx.record(Entry::new(AuditAction::Logout, "user", actor.user_id));
    w.commit().await
}

/// The membership of the actor's user with this id (to switch to it); `NotFound` otherwise.
pub async fn membership_to_switch_to(
    app: &App,
    ctx: &Context,
    id: MembershipId,
) -> Result<Membership, Error> {
    app.store
        .memberships(ctx.actor()?.user_id)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(Error::NotFound)
}

/// The users whose organisations the actor administers.
pub async fn users_for(app: &App, ctx: &Context) -> Result<Vec<UserSummary>, Error> {
    Ok(app.store.users_for(ctx.actor()?).await?)
}

/// An administrator creates an account with one membership. The password is checked for
/// strength and hashed here.
pub async fn create_member(
    app: &App,
    ctx: &Context,
    new: NewUser<'_>,
    organisation: OrganisationId,
    role: Role,
) -> Result<UserId, Error> {
    let actor = ctx.actor()?;
    if !can(actor, Capability::ManageUsers) {
        return Err(Error::Forbidden);
    }
    passwords::check_strength(new.password, new.login)
        .map_err(|m| Error::invalid("password", m))?;
    let hash = passwords::hash(new.password.to_owned()).await?;
    let mut w = app.begin(ctx).await?;
    let id = users::create_member(
        &mut w.tx,
        actor,
        new.login,
        new.display_name,
        hash,
        organisation,
        role,
    )
    .await?;
    w.commit().await?;
    Ok(id)
}

/// What an account is made of.
pub struct NewUser<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
}

/// Creates an account with a role in an organisation (the command line's system work).
pub async fn create(
    app: &App,
    ctx: &Context,
    new: NewUser<'_>,
    organisation: OrganisationId,
    role: Role,
) -> Result<UserId, Error> {
    passwords::check_strength(new.password, new.login)
        .map_err(|m| Error::invalid("password", m))?;
    let hash = passwords::hash(new.password.to_owned()).await?;
    create_with_hash(
        app,
        ctx,
        new.login,
        new.display_name,
        hash,
        organisation,
        role,
    )
    .await
}

/// Creates an account from a password hash made beforehand (the demo hashes once for all).
pub async fn create_with_hash(
    app: &App,
    ctx: &Context,
    login: &str,
    display_name: &str,
    password_hash: String,
    organisation: OrganisationId,
    role: Role,
) -> Result<UserId, Error> {
    let mut w = app.begin(ctx).await?;
    let id = users::create(&mut w.tx, login, display_name, password_hash).await?;
    users::add_membership(&mut w.tx, id, organisation, role).await?;
    w.commit().await?;
    Ok(id)
}

/// Gives an existing user another role in an organisation (system work).
pub async fn add_membership(
    app: &App,
    ctx: &Context,
    user: UserId,
    organisation: OrganisationId,
    role: Role,
) -> Result<MembershipId, Error> {
    let mut w = app.begin(ctx).await?;
    let id = users::add_membership(&mut w.tx, user, organisation, role).await?;
    w.commit().await?;
    Ok(id)
}

/// Sets a new password and lifts a lock (system work). `NotFound` for an unknown login.
pub async fn set_password(
    app: &App,
    ctx: &Context,
    login: &str,
    password: &str,
) -> Result<(), Error> {
    passwords::check_strength(password, login).map_err(|m| Error::invalid("password", m))?;
    let account = app
        .store
        .login_account(login)
        .await?
        .ok_or(Error::NotFound)?;
    let hash = passwords::hash(password.to_owned()).await?;
    let mut w = app.begin(ctx).await?;
    users::set_password_hash(&mut w.tx, account.id, hash).await?;
    w.commit().await
}

/// The actor a login acts as through its membership of a municipality (the command line's
/// `--as`): `NotFound` for an unknown or disabled login, `Forbidden` if it is nobody's staff.
pub async fn municipal_actor(app: &App, login: &str) -> Result<Actor, Error> {
    let account = app
        .store
        .login_account(login)
        .await?
        .filter(|a| !a.disabled)
        .ok_or(Error::NotFound)?;
    let membership = app
        .store
        .memberships(account.id)
        .await?
        .into_iter()
        .find(|m| m.organisation.kind == OrganisationKind::Municipality)
        .ok_or(Error::Forbidden)?;
    Ok(membership.actor(&account.login))
}
