//! `tsunagi bench stored`: the stored path as a user runs it, on SQLite and PostgreSQL. A fresh
//! database gets a town with a synthetic roster (100,000 people by default) imported from a
//! Shift_JIS extract and placed by coordinates, and 位置参照情報 for its addresses; then the
//! hazard layer file of `bench gis` (200,000 polygons) is imported and the roster classified —
//! through the same use cases as `tsunagi gis import-hazard` and `tsunagi gis classify` — and
//! the roster is imported again unchanged and with 10% of the addresses changed. Seconds,
//! rows/second and peak memory per phase are printed and written for `bench/postgis.sh`, which
//! runs PostGIS on the same files and prints the ratios.

use anyhow::{Context, Result, anyhow};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tsunagi_app::roster::ImportOptions;
use tsunagi_app::{App, Context as UseCaseContext, gis, gis_import};
use tsunagi_import::Encoding;

use crate::bench_gis::{GisArgs, generate, peak_mb};

#[derive(clap::Args)]
pub struct StoredArgs {
    /// Roster people, each with a home
    #[arg(long, default_value_t = 100_000)]
    homes: usize,
    #[arg(long, default_value_t = 200_000)]
    polygons: usize,
    /// Share of the roster whose address changes in the second import
    #[arg(long, default_value_t = 0.1)]
    moved: f64,
    /// sqlite, postgres or both
    #[arg(long, default_value = "both")]
    db: String,
    /// Where the generated files go (kept for bench/postgis.sh)
    #[arg(long, default_value = "target/bench-stored")]
    out: PathBuf,
}

/// Resets the peak-memory mark, so each phase reports its own peak (Linux `clear_refs`).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

struct Phase {
    key: &'static str,
    secs: f64,
    peak_mb: f64,
}

fn timed_line(label: &str, secs: f64, rows: usize) {
    println!(
        "  {label:<44} {secs:>8.2} s  {:>10.0} rows/s  peak {:>6.0} MB",
        rows as f64 / secs.max(1e-9),
        peak_mb()
    );
}

/// 500 towns of 200 blocks: home `i` lives at block `i % 200` of town `i / 200`.
fn town_name(t: usize) -> String {
    const A: [&str; 25] = [
        "東", "西", "南", "北", "中", "上", "下", "新", "本", "元", "大", "小", "高", "若", "緑",
        "桜", "松", "竹", "梅", "港", "浜", "川", "山", "森", "泉",
    ];
    const B: [&str; 20] = [
        "町", "台", "丘", "野", "原", "田", "浦", "島", "崎", "沢", "谷", "宮", "里", "園", "岡",
        "橋", "坂", "瀬", "津", "江",
    ];
    format!(
        "{}{}{}丁目",
        A[t % 25],
        B[(t / 25) % 20],
        ["一", "二", "三"][t / 500 % 3]
    )
}

fn address(i: usize) -> (String, usize) {
    let town = i / 200;
    let block = i % 200 + 1;
    (
        format!("ベンチ市{}{block}番{}号", town_name(town), i % 7 + 1),
        town,
    )
}

/// The roster extract (Shift_JIS, as municipal systems write it); `moved` maps a person to the
/// home whose address they now have.
fn roster_csv(n: usize, moved: &HashMap<usize, usize>, seed: u64) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut s = String::with_capacity(n * 160);
    s.push_str("宛名番号,世帯番号,氏名,氏名カナ,生年月日,性別,住所,自治会,要介護度,認知症,自力避難困難,独居,家族の支援,見守り\r\n");
    for i in 0..n {
        let (addr, town) = address(*moved.get(&i).unwrap_or(&i));
        let flag = |rng: &mut StdRng, p: f64| if rng.random_bool(p) { "1" } else { "" };
        let care = ["", "", "要支援1", "要介護1", "要介護3", "要介護5"][rng.random_range(0..6)];
        let row = format!(
            "{:09},{:08},試験　{i},ｼｹﾝ ﾀﾛｳ,S{}.{}.{},{},{addr},{}自治会,{care},{},{},{},{},{}\r\n",
            100_000_000 + i,
            50_000_000 + i / 2,
            rng.random_range(2..40),
            rng.random_range(1..13),
            rng.random_range(1..29),
            rng.random_range(1..3),
            town_name(town),
            flag(&mut rng, 0.2),
            flag(&mut rng, 0.1),
            flag(&mut rng, 0.3),
            flag(&mut rng, 0.3),
            ["", "1", "0"][rng.random_range(0..3)],
        );
        s.push_str(&row);
    }
    encoding_rs::SHIFT_JIS.encode(&s).0.into_owned()
}

/// 位置参照情報 (街区レベル) for every block, at its home's point.
fn addresses_csv(homes: &[(f64, f64)]) -> Vec<u8> {
    let mut s = String::from(
        "\"都道府県名\",\"市区町村名\",\"大字・丁目名\",\"小字・通称名\",\"街区符号・地番\",\"座標系番号\",\"Ｘ座標\",\"Ｙ座標\",\"緯度\",\"経度\",\"住居表示フラグ\",\"代表フラグ\",\"更新前履歴フラグ\",\"更新後履歴フラグ\"\r\n",
    );
    for (i, (lon, lat)) in homes.iter().enumerate() {
        s.push_str(&format!(
            "\"高知県\",\"ベンチ市\",\"{}\",\"\",\"{}\",\"4\",\"0\",\"0\",\"{lat:.6}\",\"{lon:.6}\",\"1\",\"1\",\"0\",\"0\"\r\n",
            town_name(i / 200),
            i % 200 + 1
        ));
    }
    encoding_rs::SHIFT_JIS.encode(&s).0.into_owned()
}

fn coordinates_csv(homes: &[(f64, f64)]) -> Vec<u8> {
    let mut s = String::from("宛名番号,緯度,経度\r\n");
    for (i, (lon, lat)) in homes.iter().enumerate() {
        s.push_str(&format!("{:09},{lat:.7},{lon:.7}\r\n", 100_000_000 + i));
    }
    s.into_bytes()
}

fn options() -> ImportOptions {
    ImportOptions {
        encoding: Encoding::Auto,
        mapping: HashMap::new(),
        dry_run: false,
        only_valid: false,
    }
}

fn check(r: &gis_import::GisImportReport) -> Result<()> {
    match r.problems.first() {
        None => Ok(()),
        Some(p) => Err(anyhow!("{}: {} {}", r.file_name, p.at, p.message)),
    }
}

struct Files {
    zones: PathBuf,
    roster: Vec<u8>,
    roster_moved: Vec<u8>,
    addresses: Vec<u8>,
    coordinates: Vec<u8>,
    homes: usize,
    moved: usize,
}

/// The whole stored path on one database; returns the timed phases.
async fn run_on(app: &App, f: &Files) -> Result<Vec<Phase>> {
    let ctx: UseCaseContext = crate::bench::bench_town(app).await?;
    let mut phases = Vec::new();
    let mut phase = |key, label: &str, secs: f64, rows: usize| {
        timed_line(label, secs, rows);
        phases.push(Phase {
            key,
            secs,
            peak_mb: peak_mb(),
        });
    };
    let fail = crate::ops::explain;

    reset_peak();
    let t = Instant::now();
    let r = tsunagi_app::roster::import(app, &ctx, "roster.csv", &f.roster, &options())
        .await
        .map_err(|e| anyhow!("{e}"))?;
    anyhow::ensure!(
        r.applied && r.errors.is_empty(),
        "roster: {:?}",
        r.errors.first()
    );
    phase(
        "roster_import",
        "roster import (new, Shift_JIS)",
        t.elapsed().as_secs_f64(),
        f.homes,
    );

    let t = Instant::now();
    check(
        &gis_import::import_coordinates(app, &ctx, "coordinates.csv", &f.coordinates)
            .await
            .map_err(fail)?,
    )?;
    phase(
        "coordinates",
        "placed by coordinates",
        t.elapsed().as_secs_f64(),
        f.homes,
    );

    let t = Instant::now();
    check(
        &gis_import::import_addresses(app, &ctx, "gaiku.csv", &f.addresses)
            .await
            .map_err(fail)?,
    )?;
    phase(
        "addresses",
        "位置参照情報 import",
        t.elapsed().as_secs_f64(),
        f.homes,
    );

    reset_peak();
    let t = Instant::now();
    let bytes = std::fs::read(&f.zones).with_context(|| f.zones.display().to_string())?;
    let mapping =
        gis_import::choose_mapping("A31-max", None, None, "洪水").map_err(|e| anyhow!(e))?;
    let r = gis_import::import_hazard(app, &ctx, "zones.geojson", &bytes, &mapping, "洪水")
        .await
        .map_err(fail)?;
    check(&r)?;
    drop(bytes);
    let import_s = t.elapsed().as_secs_f64();
    phase(
        "import_hazard",
        "import-hazard (read, validate, store)",
        import_s,
        r.items,
    );

    reset_peak();
    let t = Instant::now();
    let c = gis::classify_all(app, &ctx, |_, _| {})
        .await
        .map_err(fail)?;
    let classify_s = t.elapsed().as_secs_f64();
    phase("classify", "classify (stored roster)", classify_s, c.homes);
    println!(
        "    → {} homes, {} in a zone, point 1 changed for {}",
        c.homes, c.in_some_zone, c.point1_changed
    );
    println!("  import-hazard + classify: {:.2} s", import_s + classify_s);

    reset_peak();
    let t = Instant::now();
    let r = tsunagi_app::roster::import(app, &ctx, "roster.csv", &f.roster, &options())
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let same_s = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        r.outcome.as_ref().is_some_and(|o| o.unchanged == f.homes),
        "re-import changed something"
    );
    phase(
        "reimport_same",
        "re-import, nothing changed",
        same_s,
        f.homes,
    );

    reset_peak();
    let t = Instant::now();
    let r = tsunagi_app::roster::import(app, &ctx, "roster.csv", &f.roster_moved, &options())
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let moved_s = t.elapsed().as_secs_f64();
    let updated = r.outcome.as_ref().map_or(0, |o| o.updated.len());
    anyhow::ensure!(updated == f.moved, "{updated} updated, {} moved", f.moved);
    phase(
        "reimport_moved",
        "re-import, addresses changed (located, classified)",
        moved_s,
        f.homes,
    );
    println!(
        "    → {} moved: {:.2}× the time of the unchanged re-import (target < 2×)",
        f.moved,
        moved_s / same_s.max(1e-9)
    );
    Ok(phases)
}

fn write_figures(dir: &Path, db: &str, phases: &[Phase]) -> Result<()> {
    let mut w = std::fs::File::create(dir.join(format!("tsunagi-figures-{db}.txt")))?;
    for p in phases {
        writeln!(w, "{} {:.3} {:.0}", p.key, p.secs, p.peak_mb)?;
    }
    Ok(())
}

async fn postgres_app() -> Result<(App, String, String)> {
    let admin = std::env::var("TSUNAGI_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("TSUNAGI_TEST_POSTGRES_URL"))
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let name = format!("tsunagi_bench_{}", uuid::Uuid::new_v4().simple());
    tsunagi_app::databases::create_postgres(&admin, &name).await?;
    let (base, _) = admin.rsplit_once('/').context("database URL")?;
    let url = format!("{base}/{name}");
    Ok((crate::ops::open(&url).await?, admin, name))
}

pub async fn run(a: StoredArgs) -> Result<()> {
    println!(
        "tsunagi bench stored: {} roster homes, {} hazard polygons, {:.0}% moved on re-import",
        a.homes,
        a.polygons,
        a.moved * 100.0
    );
    let t = Instant::now();
    let mut rng = StdRng::seed_from_u64(2026);
    let g = generate(
        &GisArgs {
            homes: a.homes,
            polygons: a.polygons,
            shelters: 0,
            out: a.out.clone(),
            threads: None,
        },
        &mut rng,
    )?;
    let moved_n = ((a.homes as f64) * a.moved) as usize;
    let mut moved = HashMap::new();
    while moved.len() < moved_n {
        let i = rng.random_range(0..a.homes);
        let j = rng.random_range(0..a.homes);
        if i / 200 != j / 200 {
            moved.insert(i, j);
        }
    }
    let files = Files {
        zones: g.zones.clone(),
        roster: roster_csv(a.homes, &HashMap::new(), 7),
        roster_moved: roster_csv(a.homes, &moved, 7),
        addresses: addresses_csv(&g.homes),
        coordinates: coordinates_csv(&g.homes),
        homes: a.homes,
        moved: moved.len(),
    };
    drop(g);
    println!(
        "  generated in {:.1} s in {}",
        t.elapsed().as_secs_f64(),
        a.out.display()
    );
    for db in ["sqlite", "postgres"] {
        if a.db != "both" && a.db != db {
            continue;
        }
        println!("{db}:");
        let phases = if db == "sqlite" {
            let path = a.out.join("bench.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            let app = crate::ops::open(&format!("sqlite://{}?mode=rwc", path.display())).await?;
            let phases = run_on(&app, &files).await;
            let _ = app.close().await;
            phases?
        } else {
            let (app, admin, name) = postgres_app().await?;
            let phases = run_on(&app, &files).await;
            let _ = app.close().await;
            tsunagi_app::databases::drop_postgres(&admin, &name).await?;
            phases?
        };
        write_figures(&a.out, db, &phases)?;
    }
    println!(
        "PostGIS on the same files: bash bench/postgis.sh {}",
        a.out.display()
    );
    Ok(())
}
