//! `tsunagi bench triage`: measures the roster triage at scale and prints figures. Speed is
//! measured here, never asserted in tests.

use anyhow::Result;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::time::Instant;
use tsunagi_domain::triage::{PriorityPolicy, triage};
use tsunagi_import::Encoding;

#[derive(clap::Subcommand)]
pub enum BenchCommand {
    /// Triage N synthetic roster people: parse a CSV extract, triage in memory, and (with
    /// --db-run) import into a fresh SQLite database and triage the stored roster
    Triage {
        #[arg(long, default_value_t = 100_000)]
        n: usize,
        /// Also import into a temporary SQLite database and run the stored-roster triage
        #[arg(long)]
        db_run: bool,
    },
    /// Hazard classification and nearest shelters for a synthetic prefecture (issue 9)
    Gis(crate::bench_gis::GisArgs),
    /// The stored path as a user runs it, on SQLite and PostgreSQL: roster import,
    /// import-hazard, classify, re-imports (issue 15)
    Stored(crate::bench_stored::StoredArgs),
    /// The resident record import (住民記録) as a user runs it, on SQLite and PostgreSQL
    /// (issue 19: 300,000 residents in under 60 s, under 1 GB)
    Residents(crate::bench_residents::ResidentArgs),
    /// The eligibility engine: N households against the whole catalogue (issue 21: 100,000
    /// in under 1 s; one household re-evaluated in under 1 ms)
    Eligibility(crate::bench_eligibility::EligibilityBenchArgs),
    /// Disaster case management at scale: N cases with their visits, timed through the use
    /// cases behind each caseworker page (issue 20: 50,000 cases, every page p99 < 100 ms)
    Cases(crate::bench_cases::CasesBenchArgs),
    /// The safety-check sweep at the peak, over loopback HTTP on SQLite and PostgreSQL (issue
    /// 18: 50,000 people, 300 checkers, 200 updates/s + 50 list views/s, p99 < 200 ms)
    Sweep(crate::bench_sweep::SweepBenchArgs),
}

fn synthetic_csv(n: usize, rng: &mut StdRng) -> String {
    let mut s = String::with_capacity(n * 160);
    s.push_str("宛名番号,世帯番号,氏名,氏名カナ,生年月日,性別,住所,要介護度,身体障害者手帳等級,療育手帳,認知症,医療的ケア,自力避難困難,独居,高齢者のみ世帯,日中独居,家族の支援,見守り,洪水,土砂災害,津波\r\n");
    let flag = |rng: &mut StdRng, p: f64| if rng.random_bool(p) { "1" } else { "" };
    for i in 0..n {
        let care = [
            "",
            "",
            "要支援1",
            "要介護1",
            "要介護2",
            "要介護3",
            "要介護4",
            "要介護5",
        ][rng.random_range(0..8)];
        let grade = ["", "", "", "1", "2", "4"][rng.random_range(0..6)];
        let ryoiku = ["", "", "", "", "A1", "B2"][rng.random_range(0..6)];
        let row = format!(
            "{:09},{:08},試験　{i},ｼｹﾝ ﾀﾛｳ,S{}.{}.{},{},潮見市本町{}番,{care},{grade},{ryoiku},{},{},{},{},{},{},{},{},{},{},{}\r\n",
            100_000_000 + i,
            50_000_000 + i / 2,
            rng.random_range(2..40),
            rng.random_range(1..13),
            rng.random_range(1..29),
            rng.random_range(1..3),
            i % 50 + 1,
            flag(rng, 0.2),
            flag(rng, 0.05),
            flag(rng, 0.2),
            flag(rng, 0.3),
            flag(rng, 0.3),
            flag(rng, 0.1),
            ["", "1", "0"][rng.random_range(0..3)],
            ["", "1", "0"][rng.random_range(0..3)],
            flag(rng, 0.3),
            flag(rng, 0.1),
            flag(rng, 0.1),
        );
        s.push_str(&row);
    }
    s
}

fn rate(n: usize, secs: f64) -> String {
    format!("{secs:8.3} s  {:>12.0} people/s", n as f64 / secs.max(1e-9))
}

/// A municipality with one staff account in an empty database, and the context of a command
/// run as that staff member.
pub async fn bench_town(app: &tsunagi_app::App) -> Result<tsunagi_app::Context> {
    let system = app.system_context("bench").await?;
    let town = tsunagi_app::organisations::create(
        app,
        &system,
        tsunagi_app::organisations::NewOrganisation {
            name: "ベンチ市".into(),
            kind: tsunagi_domain::organisation::OrganisationKind::Municipality,
            local_gov_code: None,
            municipality_id: None,
        },
    )
    .await?;
    tsunagi_app::users::create_with_hash(
        app,
        &system,
        "bench",
        "ベンチ 職員",
        String::new(),
        town.id,
        tsunagi_domain::role::Role::WelfareStaff,
    )
    .await?;
    crate::import::municipal_context(app, "bench").await
}

/// The bench town's administrator (who declares disasters), as a context.
pub async fn bench_admin(
    app: &tsunagi_app::App,
    town: tsunagi_domain::OrganisationId,
) -> Result<tsunagi_app::Context> {
    let system = app.system_context("bench").await?;
    tsunagi_app::users::create_with_hash(
        app,
        &system,
        "bench-admin",
        "ベンチ 防災",
        String::new(),
        town,
        tsunagi_domain::role::Role::Administrator,
    )
    .await?;
    crate::import::municipal_context(app, "bench-admin").await
}

pub async fn run(c: BenchCommand) -> Result<()> {
    let (n, db_run) = match c {
        BenchCommand::Triage { n, db_run } => (n, db_run),
        BenchCommand::Gis(a) => return crate::bench_gis::run(a),
        BenchCommand::Stored(a) => return crate::bench_stored::run(a).await,
        BenchCommand::Residents(a) => return crate::bench_residents::run(a).await,
        BenchCommand::Eligibility(a) => return crate::bench_eligibility::run(a).await,
        BenchCommand::Cases(a) => return crate::bench_cases::run(a).await,
        BenchCommand::Sweep(a) => return crate::bench_sweep::run(a).await,
    };
    let mut rng = StdRng::seed_from_u64(42);
    let t = Instant::now();
    let csv = synthetic_csv(n, &mut rng);
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&csv);
    println!(
        "tsunagi bench triage: {n} people ({:.1} MB as Shift_JIS)",
        sjis.len() as f64 / 1e6
    );
    println!(
        "  generate            {}",
        rate(n, t.elapsed().as_secs_f64())
    );

    let t = Instant::now();
    let file = tsunagi_import::roster::parse(
        &sjis,
        Encoding::Auto,
        &HashMap::new(),
        tsunagi_app::today_jst(),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "  decode+parse+check  {}  ({} rows, {} errors)",
        rate(n, t.elapsed().as_secs_f64()),
        file.rows.len(),
        file.errors.len()
    );

    let policy = PriorityPolicy::default();
    let t = Instant::now();
    let mut high = 0usize;
    for r in &file.rows {
        if triage(&r.entry.triage_input(), &policy).priority
            == tsunagi_domain::triage::Priority::High
        {
            high += 1;
        }
    }
    println!(
        "  triage (in memory)  {}  ({high} high)",
        rate(n, t.elapsed().as_secs_f64())
    );

    if db_run {
        let path = std::env::temp_dir().join(format!("tsunagi-bench-{}.db", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let app = crate::ops::open(&url).await?;
        let ctx = bench_town(&app).await?;
        let t = Instant::now();
        let options = tsunagi_app::roster::ImportOptions {
            encoding: Encoding::Auto,
            mapping: HashMap::new(),
            dry_run: false,
            only_valid: false,
            full_extract: false,
        };
        tsunagi_app::roster::import(&app, &ctx, "bench.csv", &sjis, &options)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "  import into SQLite  {}",
            rate(n, t.elapsed().as_secs_f64())
        );
        let t = Instant::now();
        let (s, export) = tsunagi_app::triage::run_and_export(&app, &ctx).await?;
        println!(
            "  stored triage+export{}  ({} triaged, {} exported)",
            rate(n, t.elapsed().as_secs_f64()),
            s.triaged,
            export.len()
        );
        let _ = app.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    Ok(())
}

/// A fresh SQLite database under `target/{dir}` with the bench town, its resident extract of
/// `residents` people (seeded) and a flood declared `days_ago`: the app, the staff's context
/// (read after the declaration, so it carries the disaster state), the system context and the
/// declaration. The stored benchmarks of the disaster half start here.
pub async fn flooded_town(
    dir: &str,
    residents: usize,
    seed: u64,
    days_ago: i64,
) -> Result<(
    tsunagi_app::App,
    tsunagi_app::Context,
    tsunagi_app::Context,
    tsunagi_app::declarations::Declaration,
)> {
    use tsunagi_domain::declaration::{AffectedArea, DisasterKind, NewDeclaration, Stage};
    let dir = std::path::Path::new("target").join(dir);
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("stored.db");
    let _ = std::fs::remove_file(&file);
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let app = crate::ops::open(&url).await?;
    let staff = bench_town(&app).await?;
    let town = staff.actor()?.organisation_id;
    let system = app.system_context("bench").await?;
    let admin = bench_admin(&app, town).await?;
    let csv = crate::bench_residents::residents_csv(residents, seed);
    let options = tsunagi_app::roster::ImportOptions {
        encoding: "auto".parse().map_err(|e: String| anyhow::anyhow!(e))?,
        mapping: Default::default(),
        dry_run: false,
        only_valid: false,
        full_extract: false,
    };
    tsunagi_app::residents::import(&app, &staff, "residents.csv", &csv, &options)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let d = tsunagi_app::declarations::declare(
        &app,
        &admin,
        NewDeclaration {
            name: "ベンチ川の洪水".into(),
            kind: DisasterKind::Flood,
            stage: Stage::Occurred,
            area: AffectedArea::WholeMunicipality,
            started_at: Some(chrono::Utc::now() - chrono::Duration::days(days_ago)),
            residents_aged: None,
        },
    )
    .await?;
    let staff = crate::import::municipal_context(&app, "bench").await?;
    Ok((app, staff, system, d))
}
