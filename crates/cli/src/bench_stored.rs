//! `tsunagi bench stored`: the stored path as a user runs it, on SQLite and PostgreSQL. Each
//! step is the real command in its own process (`tsunagi import roster …`, `tsunagi gis
//! import-hazard …`, `tsunagi gis classify …`), timed from start to exit, with the process's
//! peak memory. A fresh database gets a town and a staff account; then a synthetic roster
//! (100,000 people by default, a Shift_JIS extract) is imported and placed by coordinates,
//! 位置参照情報 for its addresses are loaded, the hazard layer of `bench gis` (200,000 polygons)
//! is imported and the roster classified, and the roster is imported again unchanged and with
//! 10% of the addresses changed. The figures are written for `bench/postgis.sh`, which runs
//! PostGIS on the same files and prints the ratios.

use anyhow::{Context, Result, anyhow};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::bench_gis::{GisArgs, generate};

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

struct Phase {
    key: &'static str,
    secs: f64,
    peak_mb: f64,
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

/// The generated files, written where the commands read them.
struct Files {
    dir: PathBuf,
    homes: usize,
    moved: usize,
}

/// One command as a user runs it, in its own process: its seconds and peak memory (the
/// process's own high-water mark, which it prints when `TSUNAGI_REPORT_PEAK` is set).
pub(crate) fn command(db: &str, args: &[&str]) -> Result<(f64, f64)> {
    let exe = std::env::current_exe().context("the tsunagi binary")?;
    let t = Instant::now();
    let out = std::process::Command::new(exe)
        .arg("--db")
        .arg(db)
        .args(["--log", "warn"])
        .args(args)
        .env("TSUNAGI_REPORT_PEAK", "1")
        .output()
        .context("running tsunagi")?;
    let secs = t.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(anyhow!(
            "tsunagi {} failed: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            stderr
        ));
    }
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix("tsunagi-peak-rss-mb "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(f64::NAN);
    Ok((secs, peak))
}

/// The whole stored path on one database, each step the real command; returns the phases.
async fn run_on(db: &str, f: &Files) -> Result<Vec<Phase>> {
    let app = crate::ops::open(db).await?;
    crate::bench::bench_town(&app).await?;
    let _ = app.close().await;
    let file = |name: &str| f.dir.join(name).display().to_string();
    let mut phases = Vec::new();
    let mut phase = |key: &'static str, label: &str, rows: usize, args: &[&str]| -> Result<f64> {
        let (secs, peak_mb) = command(db, args)?;
        println!(
            "  {label:<44} {secs:>8.2} s  {:>10.0} rows/s  peak {peak_mb:>6.0} MB",
            rows as f64 / secs.max(1e-9)
        );
        phases.push(Phase { key, secs, peak_mb });
        Ok(secs)
    };
    let as_bench = ["--as", "bench"];
    let roster = file("roster.csv");
    let moved = file("roster-moved.csv");
    let coordinates = file("coordinates.csv");
    let addresses = file("gaiku.csv");
    let zones = file("zones.geojson");
    phase(
        "roster_import",
        "import roster (new, Shift_JIS)",
        f.homes,
        &["import", "roster", &roster, as_bench[0], as_bench[1]],
    )?;
    phase(
        "coordinates",
        "gis import-coordinates",
        f.homes,
        &[
            "gis",
            "import-coordinates",
            &coordinates,
            as_bench[0],
            as_bench[1],
        ],
    )?;
    phase(
        "addresses",
        "gis import-addresses (位置参照情報)",
        f.homes,
        &[
            "gis",
            "import-addresses",
            &addresses,
            as_bench[0],
            as_bench[1],
        ],
    )?;
    let import_s = phase(
        "import_hazard",
        "gis import-hazard (read, validate, store)",
        f.homes,
        &[
            "gis",
            "import-hazard",
            &zones,
            "--mapping",
            "A31-max",
            "--name",
            "洪水",
            as_bench[0],
            as_bench[1],
        ],
    )?;
    let classify_s = phase(
        "classify",
        "gis classify",
        f.homes,
        &["gis", "classify", as_bench[0], as_bench[1]],
    )?;
    println!("  import-hazard + classify: {:.2} s", import_s + classify_s);
    let same_s = phase(
        "reimport_same",
        "import roster again, nothing changed",
        f.homes,
        &["import", "roster", &roster, as_bench[0], as_bench[1]],
    )?;
    let moved_s = phase(
        "reimport_moved",
        "import roster again, addresses changed",
        f.homes,
        &["import", "roster", &moved, as_bench[0], as_bench[1]],
    )?;
    println!(
        "    → {} moved (located, classified, re-triaged): {:.2}× the unchanged re-import (target < 2×)",
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

/// A fresh PostgreSQL database: (its URL, the admin URL, its name).
pub(crate) async fn postgres_database() -> Result<(String, String, String)> {
    let admin = std::env::var("TSUNAGI_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("TSUNAGI_TEST_POSTGRES_URL"))
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let name = format!("tsunagi_bench_{}", uuid::Uuid::new_v4().simple());
    tsunagi_app::databases::create_postgres(&admin, &name).await?;
    let (base, _) = admin.rsplit_once('/').context("database URL")?;
    Ok((format!("{base}/{name}"), admin, name))
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
    let write = |name: &str, bytes: Vec<u8>| {
        std::fs::write(a.out.join(name), bytes).with_context(|| format!("writing {name}"))
    };
    write("roster.csv", roster_csv(a.homes, &HashMap::new(), 7))?;
    write("roster-moved.csv", roster_csv(a.homes, &moved, 7))?;
    write("gaiku.csv", addresses_csv(&g.homes))?;
    write("coordinates.csv", coordinates_csv(&g.homes))?;
    let files = Files {
        dir: a.out.clone(),
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
            run_on(&format!("sqlite://{}?mode=rwc", path.display()), &files).await?
        } else {
            let (url, admin, name) = postgres_database().await?;
            let phases = run_on(&url, &files).await;
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
