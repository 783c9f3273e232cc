//! The operational commands: serve, migrate, users, organisations, audit, OpenAPI.

use crate::{CookieSecure, ServeArgs};
use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Read;
use std::time::Duration;
use tsunagi_app::{App, DEFAULT_DATABASE_URL, audit, organisations, redact, users};
use tsunagi_domain::municipality::MunicipalityCode;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::role::Role;
use tsunagi_web::WebConfig;

/// Connects and applies pending migrations.
pub async fn open(url: &str) -> Result<App> {
    let app = App::connect(url)
        .await
        .with_context(|| format!("cannot open the database {}", redact(url)))?;
    app.migrate().await.context("cannot apply migrations")?;
    Ok(app)
}

/// The web server: the only command that needs the web layer.
pub async fn serve(app: App, args: &ServeArgs, banner: Option<String>) -> Result<()> {
    let secure = match args.cookie_secure {
        CookieSecure::True => true,
        CookieSecure::False => false,
        CookieSecure::Auto => !args.addr.ip().is_loopback(),
    };
    let config = WebConfig {
        secure_cookies: secure,
        session_idle: Duration::from_secs(args.session_minutes.max(1) * 60),
    };
    let purge = app.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = tsunagi_app::sessions::purge_expired(&purge).await {
                tracing::warn!(error = %e, "could not purge expired sessions");
            }
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
    });
    let router = tsunagi_web::app(app, config);
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr()?;
    if let Some(b) = banner {
        println!("{b}");
    }
    println!("tsunagi is running at http://{addr}/  (Ctrl+C to stop)");
    tracing::info!(%addr, secure_cookies = secure, "listening");
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("server error")?;
    Ok(())
}

pub async fn migrate(url: &str) -> Result<()> {
    let app = App::connect(url)
        .await
        .with_context(|| format!("cannot open the database {}", redact(url)))?;
    let pending = app.migrate().await?;
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

/// A use case's error in words for the terminal (invalid fields listed).
pub fn explain(e: tsunagi_app::Error) -> anyhow::Error {
    match e {
        tsunagi_app::Error::Invalid(v) => anyhow!(
            "{}",
            v.0.iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        tsunagi_app::Error::Duplicate(what) => anyhow!("already taken: {what}"),
        e => anyhow!(e),
    }
}

fn db_url(db: Option<&str>) -> String {
    db.unwrap_or(DEFAULT_DATABASE_URL).to_owned()
}

pub async fn user(db: Option<&str>, c: UserCommand) -> Result<()> {
    let app = open(&db_url(db)).await?;
    let ctx = app.system_context("cli").await?;
    match c {
        UserCommand::Create {
            login,
            name,
            org,
            role,
        } => {
            let role: Role = role.parse().map_err(|e: String| anyhow!(e))?;
            let org = organisations::by_name(&app, &org)
                .await?
                .ok_or_else(|| anyhow!("no organisation named {org:?}: see `tsunagi org list`"))?;
            let password = read_password()?;
            let new = users::NewUser {
                login: &login,
                display_name: &name,
                password: &password,
            };
            let id = users::create(&app, &ctx, new, org.id, role)
                .await
                .map_err(explain)?;
            println!(
                "created user {login} ({}) in {} as {}",
                id,
                org.name,
                role.label()
            );
        }
        UserCommand::SetPassword { login } => {
            let password = read_password()?;
            users::set_password(&app, &ctx, &login, &password)
                .await
                .map_err(|e| match e {
                    tsunagi_app::Error::NotFound => anyhow!("no user {login:?}"),
                    e => explain(e),
                })?;
            println!("password set for {login}");
        }
    }
    Ok(())
}

pub async fn org(db: Option<&str>, c: OrgCommand) -> Result<()> {
    let app = open(&db_url(db)).await?;
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
                    organisations::by_name(&app, &m)
                        .await?
                        .ok_or_else(|| anyhow!("no organisation named {m:?}"))?
                        .id,
                ),
                None => None,
            };
            let ctx = app.system_context("cli").await?;
            let o = organisations::create(
                &app,
                &ctx,
                organisations::NewOrganisation {
                    name,
                    kind,
                    local_gov_code: code,
                    municipality_id,
                },
            )
            .await
            .map_err(explain)?;
            println!("created {} ({}) {}", o.name, o.kind.label(), o.id);
        }
        OrgCommand::List => {
            for o in organisations::all(&app).await? {
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
    let app = open(&db_url(db)).await?;
    match c {
        AuditCommand::Verify => {
            let bar = ProgressBar::new(0).with_style(
                ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message("verifying audit chain");
            let result = audit::verify(&app, |done, total| {
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
    let app = App::connect("sqlite::memory:").await?;
    let state = tsunagi_web::AppState {
        app,
        config: std::sync::Arc::new(WebConfig::default()),
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&tsunagi_web::api::openapi_document(state))?
    );
    Ok(())
}
