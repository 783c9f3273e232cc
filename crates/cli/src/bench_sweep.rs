//! `tsunagi bench sweep`: the safety-check sweep at the peak of a disaster (issue 18 item 8).
//! A fresh database gets a roster of N people (default 50,000) in the districts of C checker
//! organisations (自治会, default 300, each a receiver of its district with one login and an
//! API token); a flood is declared over the whole town, so everyone is in the sweep. The
//! server is started on the loopback interface and driven over HTTP by an open-loop load: U
//! status updates per second (`POST …/sweep/{person}`, 1% of them resent with the same key, as
//! a retry on a bad network would) and V checker list views per second (`GET …/sweep`) for S
//! seconds. Each request's latency is counted from the moment it was due, so a server that
//! falls behind is charged for the wait. Afterwards the stored attempts are counted against
//! the updates that were answered 200 (no update lost or doubled) and the audit chain is
//! verified. Figures are printed beside the anchor (p99 < 200 ms), never asserted.
//!
//! Bounded: at most 200,000 people, 2,000 checkers, 1,000 requests a second and 600 seconds;
//! the server listens on 127.0.0.1 only.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tsunagi_app::{Identity, RequestIds};
use tsunagi_domain::declaration::{AffectedArea, DisasterKind, NewDeclaration, Stage};
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::receiver::{DistrictField, Receiver};
use tsunagi_domain::role::Role;

use crate::bench_stored::postgres_database;

/// The anchor of issue 18 item 8.
const ANCHOR_MS: f64 = 200.0;
/// Requests waiting for an answer at most; beyond, a due request is not sent and counts as
/// failed (status 1) — the load stays bounded when the server falls behind.
const MAX_IN_FLIGHT: usize = 600;

#[derive(clap::Args)]
pub struct SweepBenchArgs {
    /// People on the roster, all in the declared area
    #[arg(long, default_value_t = 50_000)]
    pub people: usize,
    /// Checker organisations (自治会), each with its district of the roster
    #[arg(long, default_value_t = 300)]
    pub checkers: usize,
    /// Status updates a second
    #[arg(long, default_value_t = 200)]
    pub updates: u32,
    /// Checker list views a second
    #[arg(long, default_value_t = 50)]
    pub views: u32,
    /// How long the load lasts, in seconds
    #[arg(long, default_value_t = 120)]
    pub seconds: u64,
    /// sqlite, postgres or both
    #[arg(long, default_value = "both")]
    pub db: String,
}

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// One checker: its token and the people of its district.
struct Checker {
    token: String,
    people: Vec<uuid::Uuid>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Update,
    Resend,
    View,
}

struct Sample {
    kind: Kind,
    ms: f64,
    ok: bool,
    /// The HTTP status, or 0 when the request failed on the way.
    status: u16,
}

fn roster_csv(people: usize, checkers: usize, rng: &mut StdRng) -> String {
    let mut s = String::with_capacity(people * 120);
    s.push_str("宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,独居,洪水,自治会\r\n");
    for i in 0..people {
        let k = i % checkers;
        s.push_str(&format!(
            "{:09},試験　{i},シケン タロウ,S{}.{}.{},{},ベンチ市本町{}丁目{}番,1,{},{},第{k}区\r\n",
            300_000_000 + i,
            rng.random_range(2..40),
            rng.random_range(1..13),
            rng.random_range(1..29),
            rng.random_range(1..3),
            k % 40 + 1,
            i % 90 + 1,
            if rng.random_bool(0.4) { "1" } else { "" },
            if rng.random_bool(0.3) { "1" } else { "" },
        ));
    }
    s
}

async fn request(
    client: &HttpClient,
    method: &str,
    url: &str,
    token: &str,
    body: Option<String>,
) -> Result<(u16, Bytes)> {
    let mut b = hyper::Request::builder()
        .method(method)
        .uri(url)
        .header("authorization", format!("Bearer {token}"));
    if body.is_some() {
        b = b.header("content-type", "application/json");
    }
    let req = b.body(Full::new(Bytes::from(body.unwrap_or_default())))?;
    let res = client.request(req).await?;
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await?.to_bytes();
    Ok((status, bytes))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[(((sorted.len() - 1) as f64) * p / 100.0).round() as usize]
}

pub async fn run(a: SweepBenchArgs) -> Result<()> {
    if a.people == 0 || a.people > 200_000 {
        bail!("--people must be 1–200,000");
    }
    if a.checkers == 0 || a.checkers > 2_000 || a.checkers > a.people {
        bail!("--checkers must be 1–2,000 and at most --people");
    }
    if a.updates + a.views == 0 || a.updates + a.views > 1_000 {
        bail!("--updates + --views must be 1–1,000 a second");
    }
    if a.seconds == 0 || a.seconds > 600 {
        bail!("--seconds must be 1–600");
    }
    println!(
        "tsunagi bench sweep: {} people in the declared area, {} checkers; {} updates/s + {} list views/s for {} s (anchor p99 < {ANCHOR_MS:.0} ms)",
        a.people, a.checkers, a.updates, a.views, a.seconds
    );
    for db in ["sqlite", "postgres"] {
        if a.db != "both" && a.db != db {
            continue;
        }
        println!("{db}:");
        if db == "sqlite" {
            let dir = std::path::Path::new("target").join("bench-sweep");
            std::fs::create_dir_all(&dir)?;
            let path = dir.join("sweep.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            run_on(&format!("sqlite://{}?mode=rwc", path.display()), &a).await?;
        } else {
            let (url, admin, name) = postgres_database().await?;
            let r = run_on(&url, &a).await;
            tsunagi_app::databases::drop_postgres(&admin, &name).await?;
            r?;
        }
    }
    Ok(())
}

async fn run_on(url: &str, a: &SweepBenchArgs) -> Result<()> {
    let t = Instant::now();
    let app = crate::ops::open(url).await?;
    let staff = crate::bench::bench_town(&app).await?;
    let town = staff.actor()?.organisation_id;
    let system = app.system_context("bench").await?;
    let admin = crate::bench::bench_admin(&app, town).await?;
    let mut rng = StdRng::seed_from_u64(18);
    let csv = roster_csv(a.people, a.checkers, &mut rng);
    let options = tsunagi_app::roster::ImportOptions {
        encoding: "auto".parse().map_err(|e: String| anyhow::anyhow!(e))?,
        mapping: Default::default(),
        dry_run: false,
        only_valid: false,
        full_extract: false,
    };
    tsunagi_app::roster::import(&app, &staff, "roster.csv", csv.as_bytes(), &options)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    println!(
        "  roster of {} imported in {:.1} s",
        a.people,
        t.elapsed().as_secs_f64()
    );

    // The checkers: a 自治会 per district, the receiver of its district, one login, a token.
    let t = Instant::now();
    let mut tokens = Vec::with_capacity(a.checkers);
    for k in 0..a.checkers {
        let org = tsunagi_app::organisations::create(
            &app,
            &system,
            tsunagi_app::organisations::NewOrganisation {
                name: format!("第{k}区自治会"),
                kind: OrganisationKind::CommunityAssociation,
                local_gov_code: None,
                municipality_id: Some(town),
            },
        )
        .await?;
        let receiver = Receiver {
            district_field: DistrictField::Community,
            districts: [format!("第{k}区")].into_iter().collect(),
            includes_plan: false,
            disaster_only: false,
        };
        tsunagi_app::receivers::set(&app, &staff, org.id, Some(&receiver), 0).await?;
        let login = format!("checker-{k:04}");
        let user = tsunagi_app::users::create_with_hash(
            &app,
            &system,
            &login,
            "安否確認 担当",
            String::new(),
            org.id,
            // The 自治会's administrator, who may connect its phones' app with a token (the
            // community's volunteers are not issued tokens); it sees what any member sees.
            Role::Administrator,
        )
        .await?;
        let actor = tsunagi_domain::access::Actor {
            user_id: user,
            login,
            organisation_id: org.id,
            organisation_kind: org.kind,
            municipality_id: Some(town),
            role: Role::Administrator,
        };
        let ctx = app
            .context(Identity::User(actor), RequestIds::generate(None))
            .await?;
        let (_, secret) = tsunagi_app::tokens::create(&app, &ctx, "bench").await?;
        tokens.push(secret);
    }
    let staff_ctx_token = tsunagi_app::tokens::create(&app, &admin, "bench").await?.1;
    println!(
        "  {} checkers with their districts in {:.1} s",
        a.checkers,
        t.elapsed().as_secs_f64()
    );
    let d = tsunagi_app::declarations::declare(
        &app,
        &admin,
        NewDeclaration {
            name: "ベンチ豪雨".into(),
            kind: DisasterKind::Flood,
            stage: Stage::Occurred,
            area: AffectedArea::WholeMunicipality,
            started_at: None,
            residents_aged: None,
        },
    )
    .await?;

    // The server, on the loopback interface only.
    let router = tsunagi_web::app(
        app.clone(),
        tsunagi_web::WebConfig {
            secure_cookies: false,
            ..tsunagi_web::WebConfig::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(512)
        .build_http();
    let base = format!("http://{addr}/api/v1/disasters/{}", d.id);

    // Each checker's list once (their people), as they open the screen when the sweep starts.
    let t = Instant::now();
    let mut checkers = Vec::with_capacity(tokens.len());
    for token in tokens {
        let (status, body) =
            request(&client, "GET", &format!("{base}/sweep"), &token, None).await?;
        if status != 200 {
            bail!("a checker's list answered {status}");
        }
        let lines: serde_json::Value = serde_json::from_slice(&body)?;
        let people: Vec<uuid::Uuid> = lines
            .as_array()
            .context("sweep list")?
            .iter()
            .filter_map(|l| l["person"]["id"].as_str()?.parse().ok())
            .collect();
        checkers.push(Checker { token, people });
    }
    let listed: usize = checkers.iter().map(|c| c.people.len()).sum();
    println!(
        "  every checker's list read once in {:.1} s: {listed} people on {} lists",
        t.elapsed().as_secs_f64(),
        checkers.len()
    );
    if listed != a.people {
        bail!("the checkers' lists hold {listed} people, not {}", a.people);
    }

    // The load: open loop, each request due at its own time.
    let checkers = Arc::new(checkers);
    let samples: Arc<Mutex<Vec<Sample>>> = Arc::new(Mutex::new(Vec::new()));
    // The updates answered 200, as (person, key): each must be stored.
    let accepted: Arc<Mutex<HashSet<(uuid::Uuid, String)>>> = Arc::new(Mutex::new(HashSet::new()));
    let per_second = a.updates + a.views;
    let total = per_second as u64 * a.seconds;
    let period = Duration::from_secs(1) / per_second;
    let start = tokio::time::Instant::now();
    let mut recent_keys: Vec<(usize, uuid::Uuid, String)> = Vec::new();
    let mut tasks = Vec::with_capacity(total as usize);
    let in_flight = Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT));
    for i in 0..total {
        let due = start + period * i as u32;
        tokio::time::sleep_until(due).await;
        // Of each (updates + views) requests, the first `views` are views, spread over the second.
        let slot = (i % per_second as u64) as u32;
        let is_view = slot * a.views / per_second != (slot + 1) * a.views / per_second;
        let mut k = rng.random_range(0..checkers.len());
        let (kind, method, url, body, key) = if is_view {
            (Kind::View, "GET", format!("{base}/sweep"), None, None)
        } else if rng.random_bool(0.01) && !recent_keys.is_empty() {
            // A retry: the same form, the same key.
            let (by, person, key) = recent_keys[rng.random_range(0..recent_keys.len())].clone();
            let body = serde_json::json!({"status": "safe_at_home", "method": "visit",
                "note": null, "key": key});
            k = by;
            (
                Kind::Resend,
                "POST",
                format!("{base}/sweep/{person}"),
                Some(body.to_string()),
                None,
            )
        } else {
            let people = &checkers[k].people;
            let person = people[rng.random_range(0..people.len())];
            let key = uuid::Uuid::new_v4().simple().to_string();
            let (status, note) = match rng.random_range(0..10) {
                0..=5 => ("safe_at_home", None),
                6 => ("evacuated", Some("本町小学校")),
                7 => ("needs_support", Some("水・薬が必要")),
                _ => ("not_reached", None),
            };
            let body = serde_json::json!({"status": status, "method": "visit",
                "note": note, "key": key});
            (
                Kind::Update,
                "POST",
                format!("{base}/sweep/{person}"),
                Some(body.to_string()),
                Some(key),
            )
        };
        let (client, checkers, samples, accepted) = (
            client.clone(),
            checkers.clone(),
            samples.clone(),
            accepted.clone(),
        );
        let Ok(permit) = in_flight.clone().try_acquire_owned() else {
            if let Ok(mut s) = samples.lock() {
                s.push(Sample {
                    kind,
                    ms: 0.0,
                    ok: false,
                    status: 1,
                });
            }
            continue;
        };
        if let (Kind::Update, Some(key)) = (kind, &key) {
            // Sent: a later retry may resend it.
            let person = url.rsplit('/').next().and_then(|p| p.parse().ok());
            if let Some(person) = person {
                recent_keys.push((k, person, key.clone()));
            }
            if recent_keys.len() > 200 {
                recent_keys.remove(0);
            }
        }
        tasks.push(tokio::spawn(async move {
            let _permit = permit;
            let token = checkers[k].token.clone();
            let r = request(&client, method, &url, &token, body).await;
            let ok = matches!(r, Ok((200, _)));
            let status = r.as_ref().map(|(s, _)| *s).unwrap_or(0);
            if let Err(e) = &r {
                tracing::debug!("request failed: {e:#}");
            }
            let elapsed = ms(due.elapsed());
            if let (true, Some(key)) = (ok, key)
                && let Ok(mut a) = accepted.lock()
            {
                let person: uuid::Uuid = url
                    .rsplit('/')
                    .next()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or_default();
                a.insert((person, key));
            }
            if let Ok(mut s) = samples.lock() {
                s.push(Sample {
                    kind,
                    ms: elapsed,
                    ok,
                    status,
                });
            }
        }));
    }
    let issued = start.elapsed();
    for t in tasks {
        t.await?;
    }
    let wall = start.elapsed();
    let samples = std::mem::take(&mut *samples.lock().map_err(|_| anyhow::anyhow!("lock"))?);
    let accepted = std::mem::take(&mut *accepted.lock().map_err(|_| anyhow::anyhow!("lock"))?);
    println!(
        "  load: {total} requests issued in {:.1} s, all answered after {:.1} s",
        issued.as_secs_f64(),
        wall.as_secs_f64()
    );
    for (label, kinds) in [
        ("status update (POST …/sweep/{person})", &[Kind::Update][..]),
        ("resent update (same key)", &[Kind::Resend][..]),
        ("checker's list (GET …/sweep)", &[Kind::View][..]),
        (
            "all requests",
            &[Kind::Update, Kind::Resend, Kind::View][..],
        ),
    ] {
        // Requests not sent have no latency: they count as errors only.
        let mut v: Vec<f64> = samples
            .iter()
            .filter(|s| kinds.contains(&s.kind) && s.status != 1)
            .map(|s| s.ms)
            .collect();
        let errors = samples
            .iter()
            .filter(|s| kinds.contains(&s.kind) && !s.ok)
            .count();
        v.sort_by(f64::total_cmp);
        let p99 = percentile(&v, 99.0);
        println!(
            "  {label:<40} n={:<6} p50 {:>6.1} ms  p95 {:>6.1} ms  p99 {:>6.1} ms  max {:>7.1} ms  errors {errors}  (anchor p99 < {ANCHOR_MS:.0} ms: {})",
            v.len(),
            percentile(&v, 50.0),
            percentile(&v, 95.0),
            p99,
            v.last().copied().unwrap_or(0.0),
            if p99 < ANCHOR_MS { "met" } else { "NOT met" }
        );
    }

    let mut failures: std::collections::BTreeMap<u16, usize> = Default::default();
    for s in samples.iter().filter(|s| !s.ok) {
        *failures.entry(s.status).or_default() += 1;
    }
    if !failures.is_empty() {
        println!(
            "  failed requests by status (0: no answer, 1: not sent, {MAX_IN_FLIGHT} already waiting): {failures:?}"
        );
    }

    // Nothing lost: per person, at least the updates answered 200 are stored; nothing doubled:
    // the stored attempts are at most the distinct keys sent (an update that failed on the
    // way may still have been stored — its retry with the same key would record nothing).
    let (status, body) = request(
        &client,
        "GET",
        &format!("{base}/sweep"),
        &staff_ctx_token,
        None,
    )
    .await?;
    if status != 200 {
        bail!("the staff's sweep answered {status}");
    }
    let lines: serde_json::Value = serde_json::from_slice(&body)?;
    let stored: std::collections::HashMap<uuid::Uuid, i64> = lines
        .as_array()
        .context("sweep")?
        .iter()
        .filter_map(|l| {
            Some((
                l["person"]["id"].as_str()?.parse().ok()?,
                l["attempts"].as_i64().unwrap_or(0),
            ))
        })
        .collect();
    let mut answered: std::collections::HashMap<uuid::Uuid, i64> = Default::default();
    for (p, _) in &accepted {
        *answered.entry(*p).or_default() += 1;
    }
    let lost: i64 = answered
        .iter()
        .map(|(p, n)| (n - stored.get(p).copied().unwrap_or(0)).max(0))
        .sum();
    let total_stored: i64 = stored.values().sum();
    let sent = samples
        .iter()
        .filter(|s| s.kind == Kind::Update && s.status != 1)
        .count() as i64;
    println!(
        "  updates sent {sent}, answered 200 {}, stored {total_stored}: lost {lost}, doubled {} — {}",
        accepted.len(),
        (total_stored - sent).max(0),
        if lost == 0 && total_stored <= sent {
            "none lost, none doubled"
        } else {
            "LOST OR DOUBLED"
        }
    );
    server.abort();
    let t = Instant::now();
    let v = tsunagi_app::audit::verify(&app, |_, _| {}).await?;
    println!(
        "  audit chain verified after the load: {} entries in {:.1} s",
        v.entries,
        t.elapsed().as_secs_f64()
    );
    app.close().await?;
    Ok(())
}
