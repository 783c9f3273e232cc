//! `tsunagi`: the command line. Thin: parses arguments, sets up logging, and calls the store
//! and the web layer.

mod bench;
mod bench_cases;
mod bench_eligibility;
mod bench_eligibility_stored;
mod bench_gis;
mod bench_residents;
mod bench_stored;
mod bench_sweep;
mod demo;
mod eligibility;
mod gis;
mod import;
mod ops;
mod triage;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use tsunagi_app::DEFAULT_DATABASE_URL;

#[derive(Parser)]
#[command(
    name = "tsunagi",
    version,
    about = "つなぎ — 避難行動要支援者名簿・個別避難計画・災害ケースマネジメント"
)]
struct Cli {
    /// Database URL: sqlite://FILE?mode=rwc (default) or postgres://USER:PASS@HOST:PORT/DB
    #[arg(long, global = true, env = "TSUNAGI_DATABASE_URL")]
    db: Option<String>,
    /// Log filter (e.g. info, debug, tsunagi_web=debug)
    #[arg(long, global = true, env = "TSUNAGI_LOG", default_value = "info")]
    log: String,
    /// Log format
    #[arg(
        long,
        global = true,
        env = "TSUNAGI_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(clap::Args, Clone)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, env = "TSUNAGI_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Mark the session cookie Secure: `auto` does so unless listening on a loopback address.
    /// Say `true` when a TLS proxy sits in front of a loopback listener.
    #[arg(
        long,
        env = "TSUNAGI_COOKIE_SECURE",
        value_enum,
        default_value = "auto"
    )]
    cookie_secure: CookieSecure,
    /// Minutes of inactivity after which a session ends
    #[arg(long, env = "TSUNAGI_SESSION_MINUTES", default_value_t = 480)]
    session_minutes: u64,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum CookieSecure {
    Auto,
    True,
    False,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (screens and API)
    Serve(ServeArgs),
    /// Create a demo town (fictional 潮見市) in its own database and serve it
    Demo(demo::DemoArgs),
    /// Apply database migrations
    Migrate,
    /// Manage users
    #[command(subcommand)]
    User(ops::UserCommand),
    /// Manage organisations
    #[command(subcommand)]
    Org(ops::OrgCommand),
    /// Import files municipalities already have
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Hazard maps, address tables, shelters: import, locate homes, classify
    #[command(subcommand)]
    Gis(gis::GisCommand),
    /// Priority (優先度) and approach (進め方) for the roster or a roster file
    Triage(triage::TriageArgs),
    /// Support programmes a household described in JSON is eligible for (no database)
    Eligibility(eligibility::EligibilityArgs),
    /// The audit trail
    #[command(subcommand)]
    Audit(ops::AuditCommand),
    /// Measure performance and print figures
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Print the API's OpenAPI document
    Openapi,
}

fn init_logging(filter: &str, format: LogFormat) {
    let env = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(env)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    init_logging(&cli.log, cli.log_format);
    let result = run(cli).await;
    // `tsunagi bench stored` runs the real commands and reads their peak memory from here.
    if std::env::var_os("TSUNAGI_REPORT_PEAK").is_some() {
        eprintln!("tsunagi-peak-rss-mb {:.0}", bench_gis::peak_mb());
    }
    result
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let url = cli.db.unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
            let app = ops::open(&url).await?;
            ops::serve(app, &args, None).await
        }
        Command::Demo(args) => demo::run(cli.db, args).await,
        Command::Migrate => {
            let url = cli.db.unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
            ops::migrate(&url).await
        }
        Command::User(c) => ops::user(cli.db.as_deref(), c).await,
        Command::Org(c) => ops::org(cli.db.as_deref(), c).await,
        Command::Import(c) => import::run(cli.db.as_deref(), c).await,
        Command::Gis(c) => gis::run(cli.db.as_deref(), c).await,
        Command::Triage(a) => triage::run(cli.db.as_deref(), a).await,
        Command::Audit(c) => ops::audit(cli.db.as_deref(), c).await,
        Command::Eligibility(a) => eligibility::run(a),
        Command::Bench(c) => bench::run(c).await,
        Command::Openapi => ops::openapi().await,
    }
}
