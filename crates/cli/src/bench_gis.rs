//! `tsunagi bench gis`: a synthetic prefecture — homes, hazard polygons of realistic shapes
//! (tens to hundreds of vertices, some with holes) and shelters — written as GeoJSON/CSV, then
//! read, indexed, classified and searched for the nearest shelter, with seconds, homes/second
//! and peak memory per phase. `bench/postgis.sh` runs PostGIS on the same files and prints the
//! ratios against the figures written here (`tsunagi-figures.txt`).

use anyhow::{Context, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tsunagi_gis::index::SpatialOrder;
use tsunagi_gis::{HazardIndex, HazardKind, ShelterIndex, ShelterPoint, layers};

/// The synthetic prefecture's extent (degrees, JGD2011 ≈ WGS84): about 280 × 330 km.
const LON: (f64, f64) = (131.5, 134.5);
const LAT: (f64, f64) = (31.5, 34.5);
const M_PER_DEG_LAT: f64 = 111_000.0;

#[derive(clap::Args)]
pub struct GisArgs {
    #[arg(long, default_value_t = 1_000_000)]
    pub(crate) homes: usize,
    #[arg(long, default_value_t = 200_000)]
    pub(crate) polygons: usize,
    #[arg(long, default_value_t = 5_000)]
    pub(crate) shelters: usize,
    /// Where the generated files go (kept for bench/postgis.sh)
    #[arg(long, default_value = "target/bench-gis")]
    pub(crate) out: PathBuf,
    /// Threads for classification and shelter search (default: all cores)
    #[arg(long)]
    pub(crate) threads: Option<usize>,
}

pub(crate) fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn line(phase: &str, secs: f64, homes: usize) {
    println!(
        "  {phase:<34} {secs:>8.2} s  {:>12.0} homes/s  peak {:>7.0} MB",
        homes as f64 / secs.max(1e-9),
        peak_mb()
    );
}

/// A star-shaped ring (simple by construction) around (cx, cy).
fn ring(rng: &mut StdRng, cx: f64, cy: f64, r_m: f64, n: usize, cos: f64, jitter: bool) -> String {
    let mut s = String::from("[");
    let mut first = String::new();
    for i in 0..n {
        let a = std::f64::consts::TAU
            * (i as f64
                + if jitter {
                    rng.random_range(0.0..0.5)
                } else {
                    0.0
                })
            / n as f64;
        let r = if jitter {
            r_m * rng.random_range(0.6..1.0)
        } else {
            r_m
        };
        let x = cx + r * a.cos() / (M_PER_DEG_LAT * cos);
        let y = cy + r * a.sin() / M_PER_DEG_LAT;
        let p = format!("[{x:.7},{y:.7}]");
        if i == 0 {
            first.clone_from(&p);
        }
        s.push_str(&p);
        s.push(',');
    }
    s.push_str(&first);
    s.push(']');
    s
}

pub(crate) struct Generated {
    pub(crate) zones: PathBuf,
    pub(crate) homes: Vec<(f64, f64)>,
    shelters: Vec<ShelterPoint>,
}

pub(crate) fn generate(a: &GisArgs, rng: &mut StdRng) -> Result<Generated> {
    std::fs::create_dir_all(&a.out).with_context(|| format!("{}", a.out.display()))?;
    let zones = a.out.join("zones.geojson");
    let mut w = BufWriter::new(std::fs::File::create(&zones)?);
    let mut centres = Vec::with_capacity(a.polygons);
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for i in 0..a.polygons {
        let cx = rng.random_range(LON.0..LON.1);
        let cy = rng.random_range(LAT.0..LAT.1);
        let cos = cy.to_radians().cos();
        let r = rng.random_range(80.0..400.0);
        // Mostly around 64 vertices, from 16 to 256.
        let n = [16, 32, 48, 64, 64, 64, 96, 128, 256][rng.random_range(0..9)];
        let outer = ring(rng, cx, cy, r, n, cos, true);
        let coords = if rng.random_bool(0.1) {
            format!("[{outer},{}]", ring(rng, cx, cy, r * 0.2, 12, cos, false))
        } else {
            format!("[{outer}]")
        };
        let rank = rng.random_range(1..7);
        writeln!(
            w,
            "{}{{\"type\":\"Feature\",\"properties\":{{\"A31_201\":\"{rank}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":{coords}}}}}",
            if i == 0 { "" } else { "," }
        )?;
        centres.push((cx, cy, r));
    }
    w.write_all(b"]}\n")?;
    w.flush()?;
    // Half the homes near zone centres (inside or just outside), half anywhere.
    let homes: Vec<(f64, f64)> = (0..a.homes)
        .map(|i| {
            if i % 2 == 0 && !centres.is_empty() {
                let (cx, cy, r) = centres[rng.random_range(0..centres.len())];
                let cos = cy.to_radians().cos();
                let d = r * rng.random_range(0.0..1.1);
                let t = rng.random_range(0.0..std::f64::consts::TAU);
                (
                    cx + d * t.cos() / (M_PER_DEG_LAT * cos),
                    cy + d * t.sin() / M_PER_DEG_LAT,
                )
            } else {
                (
                    rng.random_range(LON.0..LON.1),
                    rng.random_range(LAT.0..LAT.1),
                )
            }
        })
        .collect();
    let mut hw = BufWriter::new(std::fs::File::create(a.out.join("homes.csv"))?);
    writeln!(hw, "id,lon,lat")?;
    for (i, (x, y)) in homes.iter().enumerate() {
        writeln!(hw, "{i},{x:.7},{y:.7}")?;
    }
    hw.flush()?;
    let shelters: Vec<ShelterPoint> = (0..a.shelters)
        .map(|_| {
            let mut suits = [false; 6];
            for s in &mut suits {
                *s = rng.random_bool(0.6);
            }
            ShelterPoint {
                lon: rng.random_range(LON.0..LON.1),
                lat: rng.random_range(LAT.0..LAT.1),
                suits,
            }
        })
        .collect();
    let mut sw = BufWriter::new(std::fs::File::create(a.out.join("shelters.csv"))?);
    writeln!(sw, "id,lon,lat,flood")?;
    for (i, s) in shelters.iter().enumerate() {
        writeln!(sw, "{i},{:.7},{:.7},{}", s.lon, s.lat, u8::from(s.suits[0]))?;
    }
    sw.flush()?;
    Ok(Generated {
        zones,
        homes,
        shelters,
    })
}

pub fn run(a: GisArgs) -> Result<()> {
    let threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    println!(
        "tsunagi bench gis: {} homes, {} hazard polygons, {} shelters, {threads} threads",
        a.homes, a.polygons, a.shelters
    );
    let mut rng = StdRng::seed_from_u64(2026);
    let t = Instant::now();
    let g = generate(&a, &mut rng)?;
    let size = std::fs::metadata(&g.zones).map(|m| m.len()).unwrap_or(0);
    println!(
        "  generated in {:.1} s; zones.geojson {:.0} MB in {}",
        t.elapsed().as_secs_f64(),
        size as f64 / 1e6,
        a.out.display()
    );
    let total = Instant::now();

    let t = Instant::now();
    let zones = read(&g.zones)?;
    let read_s = t.elapsed().as_secs_f64();
    line("read + validate GeoJSON", read_s, a.homes);

    let t = Instant::now();
    let index = HazardIndex::new(zones);
    let index_s = t.elapsed().as_secs_f64();
    line("index (R-tree bulk load)", index_s, a.homes);

    let t = Instant::now();
    let order = SpatialOrder::new(&g.homes);
    let sort_s = t.elapsed().as_secs_f64();
    line("sort homes spatially (Z-order)", sort_s, a.homes);
    let t = Instant::now();
    // Non-generic entry points: the kernel runs as compiled in tsunagi-gis (opt-level 3),
    // whatever the binary's own level.
    let result = index.worst_keys(&order, threads, HazardKind::Flood);
    let classify_s = t.elapsed().as_secs_f64();
    let in_zone = result.iter().filter(|r| r.is_some()).count();
    line("classify (worst depth per home)", classify_s, a.homes);
    let whole = total.elapsed().as_secs_f64();
    println!(
        "  → {in_zone} homes ({:.0}%) in a flood zone; read + index + sort + classify: {whole:.2} s",
        100.0 * in_zone as f64 / a.homes.max(1) as f64
    );

    let t = Instant::now();
    let shelters = ShelterIndex::new(&g.shelters);
    let build_s = t.elapsed().as_secs_f64();
    line("shelter index", build_s, a.homes);
    let t = Instant::now();
    let nearest = shelters.nearest_metres(HazardKind::Flood, &order, threads);
    let nearest_s = t.elapsed().as_secs_f64();
    line("nearest flood shelter, every home", nearest_s, a.homes);
    let mean = nearest.iter().flatten().sum::<f64>() / nearest.len().max(1) as f64;
    println!("  → mean straight-line distance to the nearest flood shelter: {mean:.0} m");
    println!("  peak memory (VmHWM): {:.0} MB", peak_mb());
    // For bench/postgis.sh, which prints the ratios.
    std::fs::write(
        a.out.join("tsunagi-figures.txt"),
        format!(
            "read {read_s:.3}\nindex {index_s:.3}\nsort {sort_s:.3}\nclassify {classify_s:.3}\nwhole {whole:.3}\nnearest {nearest_s:.3}\n"
        ),
    )?;
    Ok(())
}

fn read(path: &Path) -> Result<Vec<tsunagi_gis::Zone>> {
    let f = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let mapping = layers::mapping("A31-max").context("mapping")?;
    layers::read_geojson(f, mapping, 1).map_err(|errors| {
        anyhow::anyhow!(
            "{} bad features, first: {}",
            errors.len(),
            errors.first().map(ToString::to_string).unwrap_or_default()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smoke size of the benchmark: the generated shapes are valid, read back completely,
    /// and the phases run (figures are printed, never asserted).
    #[test]
    fn the_benchmark_runs_at_smoke_size() {
        let out = std::env::temp_dir().join(format!("tsunagi-bench-gis-{}", std::process::id()));
        let args = GisArgs {
            homes: 2_000,
            polygons: 300,
            shelters: 30,
            out: out.clone(),
            threads: Some(2),
        };
        let mut rng = StdRng::seed_from_u64(1);
        let g = generate(&args, &mut rng).expect("generate");
        let zones = read(&g.zones).expect("every generated polygon is valid");
        assert_eq!(zones.len(), 300);
        run(args).expect("run");
        let _ = std::fs::remove_dir_all(out);
    }
}
