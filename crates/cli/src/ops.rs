//! The operational commands: serve, migrate, users, organisations, audit, OpenAPI.

use crate::{CookieSecure, ServeArgs};
use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Read;
use std::time::Duration;
use tsunagi_domain::municipality::MunicipalityCode;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::role::Role;
use tsunagi_store::db::{DEFAULT_DATABASE_URL, redact};
use tsunagi_store::{AuditContext, Store, audit, organisations, users};
use tsunagi_web::WebConfig;

/// Connects and applies pending migrations.
pub async fn open(url: &str) -> Result<Store> {
    let store = Store::connect(url)
        .await
        .with_context(|| format!("cannot open the database {}", redact(url)))?;
    store.migrate().await.context("cannot apply migrations")?;
    Ok(store)
}

pub async fn serve(store: Store, args: &ServeArgs, banner: Option<String>) -> Result<()> {
    let secure = match args.cookie_secure {
        CookieSecure::True => true,
        CookieSecure::False => false,
        CookieSecure::Auto => !args.addr.ip().is_loopback(),
    };
    let config = WebConfig {
        secure_cookies: secure,
        session_idle: Duration::from_secs(args.session_minutes.max(1) * 60),
    };
    let purge = store.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = purge.sessions_purge_expired().await {
                tracing::warn!(error = %e, "could not purge expired sessions");
            }
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
    });
    let app = tsunagi_web::app(store, config);
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    if let Some(b) = banner {
        println!("{b}");
    }
    println!("tsunagi is running at http://{addr}/  (Ctrl+C to stop)");
    tracing::info!(%addr, secure_cookies = secure, "listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("server error")?;
    Ok(())
}

pub async fn migrate(url: &str) -> Result<()> {
    let store = Store::connect(url)
        .await
        .with_context(|| format!("cannot open the database {}", redact(url)))?;
    let pending = store.pending_migrations().await?;
    store.migrate().await?;
    if pending.is_empty() {
        println!("The database is up to date.");
    } else {
        for p in pending {
            println!("applied {p}");
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user with a role in an organisation. The password is read from standard input
    /// (one line) or from TSUNAGI_PASSWORD.
    Create {
        #[arg(long)]
        login: String,
        /// Display name (氏名)
        #[arg(long)]
        name: String,
        /// Organisation name, exactly as registered
        #[arg(long)]
        org: String,
        /// Role code: administrator, disaster_management_staff, welfare_staff, support_worker,
        /// care_professional, community_member, partner_staff, prefecture_staff, responder
        #[arg(long)]
        role: String,
    },
    /// Set a user's password (read like `create`) and lift any lock.
    SetPassword {
        #[arg(long)]
        login: String,
    },
}

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Register an organisation
    Create {
        #[arg(long)]
        name: String,
        /// Kind: municipality, prefecture, social_welfare_council, care_provider,
        /// community_association, welfare_commissioner_district, npo, professional_body,
        /// fire_department, police
        #[arg(long)]
        kind: String,
        /// 全国地方公共団体コード (5 or 6 digits) for a municipality or prefecture
        #[arg(long)]
        code: Option<String>,
        /// The municipality it works in (name), for organisations other than municipalities
        #[arg(long)]
        municipality: Option<String>,
    },
    /// List organisations
    List,
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Re-compute the audit trail's hash chain and report the first break, if any
    Verify,
}

fn read_password() -> Result<String> {
    if let Ok(p) = std::env::var("TSUNAGI_PASSWORD") {
        return Ok(p);
    }
    eprintln!("Password (one line on standard input):");
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s.lines().next().unwrap_or_default().to_owned())
}

fn db_url(db: Option<&str>) -> String {
    db.unwrap_or(DEFAULT_DATABASE_URL).to_owned()
}

pub async fn user(db: Option<&str>, c: UserCommand) -> Result<()> {
    let store = open(&db_url(db)).await?;
    match c {
        UserCommand::Create {
            login,
            name,
            org,
            role,
        } => {
            let role: Role = role.parse().map_err(|e: String| anyhow!(e))?;
            let org = store
                .organisation_by_name(&org)
                .await?
                .ok_or_else(|| anyhow!("no organisation named {org:?}: see `tsunagi org list`"))?;
            let password = read_password()?;
            tsunagi_web::auth::password::check_strength(&password).map_err(|m| anyhow!(m))?;
            let hash = tsunagi_web::auth::password::hash(password).await?;
            let mut tx = store.begin(AuditContext::system("cli")).await?;
            let id = users::create(&mut tx, &login, &name, hash).await?;
            users::add_membership(&mut tx, id, org.id, role).await?;
            tx.commit().await?;
            println!(
                "created user {login} ({}) in {} as {}",
                id,
                org.name,
                role.label()
            );
        }
        UserCommand::SetPassword { login } => {
            let account = store
                .login_account(&login)
                .await?
                .ok_or_else(|| anyhow!("no user {login:?}"))?;
            let password = read_password()?;
            tsunagi_web::auth::password::check_strength(&password).map_err(|m| anyhow!(m))?;
            let hash = tsunagi_web::auth::password::hash(password).await?;
            let mut tx = store.begin(AuditContext::system("cli")).await?;
            users::set_password_hash(&mut tx, account.id, hash).await?;
            tx.commit().await?;
            println!("password set for {login}");
        }
    }
    Ok(())
}

pub async fn org(db: Option<&str>, c: OrgCommand) -> Result<()> {
    let store = open(&db_url(db)).await?;
    match c {
        OrgCommand::Create {
            name,
            kind,
            code,
            municipality,
        } => {
            let kind: OrganisationKind = kind.parse().map_err(|e: String| anyhow!(e))?;
            let code = code
                .map(|c| MunicipalityCode::parse(&c))
                .transpose()
                .map_err(|e| anyhow!(e))?;
            let municipality_id = match municipality {
                Some(m) => Some(
                    store
                        .organisation_by_name(&m)
                        .await?
                        .ok_or_else(|| anyhow!("no organisation named {m:?}"))?
                        .id,
                ),
                None => None,
            };
            let mut tx = store.begin(AuditContext::system("cli")).await?;
            let o = organisations::create(
                &mut tx,
                organisations::NewOrganisation {
                    name,
                    kind,
                    local_gov_code: code,
                    municipality_id,
                },
            )
            .await?;
            tx.commit().await?;
            println!("created {} ({}) {}", o.name, o.kind.label(), o.id);
        }
        OrgCommand::List => {
            for o in store.organisations().await? {
                println!(
                    "{}\t{}\t{}\t{}",
                    o.id,
                    o.kind.code(),
                    o.local_gov_code.unwrap_or_default(),
                    o.name
                );
            }
        }
    }
    Ok(())
}

pub async fn audit(db: Option<&str>, c: AuditCommand) -> Result<()> {
    let store = open(&db_url(db)).await?;
    match c {
        AuditCommand::Verify => {
            let bar = ProgressBar::new(0).with_style(
                ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message("verifying audit chain");
            let result = audit::verify(&store, |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })
            .await;
            bar.finish_and_clear();
            match result {
                Ok(v) => println!(
                    "audit trail intact: {} entries, last hash {}",
                    v.entries, v.last_hash
                ),
                Err(audit::VerifyError::Broken(b)) => bail!("AUDIT TRAIL BROKEN: {b}"),
                Err(audit::VerifyError::Store(e)) => return Err(e.into()),
            }
        }
    }
    Ok(())
}

pub async fn openapi() -> Result<()> {
    // The document does not depend on data: describe it from an in-memory database.
    let store = Store::connect("sqlite::memory:").await?;
    let state = tsunagi_web::AppState {
        store,
        config: std::sync::Arc::new(WebConfig::default()),
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&tsunagi_web::api::openapi_document(state))?
    );
    Ok(())
}
