//! `tsunagi bench residents`: the resident record import (住民記録) as a user runs it — the
//! real `tsunagi import residents` command in its own process, timed from start to exit with
//! its peak memory — on SQLite and PostgreSQL, into a fresh database: first the whole town
//! (300,000 residents by default, a Shift_JIS extract in households of one to four), then the
//! same file again (nothing changed). The anchor: under 60 s and under 1 GB.

use anyhow::{Context, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;
use std::time::Instant;

use crate::bench_stored::{command, postgres_database};

#[derive(clap::Args)]
pub struct ResidentArgs {
    /// Residents in the extract
    #[arg(long, default_value_t = 300_000)]
    n: usize,
    /// sqlite, postgres or both
    #[arg(long, default_value = "both")]
    db: String,
    /// Where the generated extract goes
    #[arg(long, default_value = "target/bench-residents")]
    out: PathBuf,
}

const SURNAMES: &[(&str, &str)] = &[
    ("山田", "ヤマダ"),
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("渡辺", "ワタナベ"),
    ("伊藤", "イトウ"),
    ("中村", "ナカムラ"),
];
const GIVEN: &[(&str, &str)] = &[
    ("太郎", "タロウ"),
    ("花子", "ハナコ"),
    ("一郎", "イチロウ"),
    ("恵子", "ケイコ"),
    ("健", "ケン"),
    ("美咲", "ミサキ"),
];
const RELATIONS: &[&str] = &["世帯主", "妻", "子", "子"];

/// A resident extract in households of one to four (Shift_JIS, as 住基 systems write it).
pub(crate) fn residents_csv(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut s = String::with_capacity(n * 130);
    s.push_str("宛名番号,世帯番号,氏名,氏名カナ,生年月日,性別,郵便番号,住所,続柄\r\n");
    let (mut i, mut household) = (0usize, 0usize);
    while i < n {
        let size = rng.random_range(1..=4).min(n - i);
        let (surname, surname_kana) = SURNAMES[rng.random_range(0..SURNAMES.len())];
        let town = household / 400;
        let address = format!(
            "ベンチ市本町{}丁目{}番{}号",
            town % 9 + 1,
            household % 400 + 1,
            town / 9 + 1
        );
        for (member, relation) in RELATIONS.iter().enumerate().take(size) {
            let (given, given_kana) = GIVEN[rng.random_range(0..GIVEN.len())];
            s.push_str(&format!(
                "{:09},{:08},{surname}　{given},{surname_kana} {given_kana},S{}.{}.{},{},7800870,{address},{relation}\r\n",
                100_000_000 + i + member,
                household + 1,
                rng.random_range(2..60),
                rng.random_range(1..13),
                rng.random_range(1..29),
                rng.random_range(1..3),
            ));
        }
        i += size;
        household += 1;
    }
    encoding_rs::SHIFT_JIS.encode(&s).0.into_owned()
}

async fn run_on(db: &str, file: &str, n: usize) -> Result<()> {
    let app = crate::ops::open(db).await?;
    crate::bench::bench_town(&app).await?;
    let _ = app.close().await;
    for label in [
        "import residents (new, Shift_JIS)",
        "import residents again, nothing changed",
    ] {
        let (secs, peak_mb) = command(db, &["import", "residents", file, "--as", "bench"])?;
        println!(
            "  {label:<42} {secs:>8.2} s  {:>10.0} rows/s  peak {peak_mb:>6.0} MB   (anchor: < 60 s, < 1,024 MB)",
            n as f64 / secs.max(1e-9)
        );
    }
    Ok(())
}

pub async fn run(a: ResidentArgs) -> Result<()> {
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let t = Instant::now();
    let bytes = residents_csv(a.n, 2026);
    let path = a.out.join("residents.csv");
    std::fs::write(&path, &bytes).context("writing the extract")?;
    println!(
        "tsunagi bench residents: {} residents ({:.1} MB Shift_JIS, generated in {:.1} s)",
        a.n,
        bytes.len() as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let file = path.display().to_string();
    for db in ["sqlite", "postgres"] {
        if a.db != "both" && a.db != db {
            continue;
        }
        println!("{db}:");
        if db == "sqlite" {
            let path = a.out.join("bench.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            run_on(&format!("sqlite://{}?mode=rwc", path.display()), &file, a.n).await?;
        } else {
            let (url, admin, name) = postgres_database().await?;
            let r = run_on(&url, &file, a.n).await;
            tsunagi_app::databases::drop_postgres(&admin, &name).await?;
            r?;
        }
    }
    Ok(())
}
