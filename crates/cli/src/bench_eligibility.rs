//! `tsunagi bench eligibility`: evaluates N synthetic households against the whole built-in
//! catalogue (issue 21: 100,000 in under 1 s on this 2-core machine; one household re-evaluated
//! after a fact changes in under 1 ms), on one core and on all.

use anyhow::Result;
use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use std::time::Instant;
use tsunagi_domain::damage::DamageLevel;
use tsunagi_eligibility::household::{
    DisasterFacts, DwellingFacts, HouseholdFacts, MemberFacts, RebuildMethod, Tenure,
};
use tsunagi_eligibility::{Catalogue, Status};

#[derive(clap::Args)]
pub struct EligibilityBenchArgs {
    #[arg(long, default_value_t = 100_000)]
    pub n: usize,
    /// Also the stored path on SQLite: N households with certificates, the not-applied list
    /// and one household's page timed through the use cases (0: skip)
    #[arg(long, default_value_t = 0)]
    pub stored: usize,
}

fn pick<T: Copy>(rng: &mut StdRng, xs: &[T]) -> T {
    xs[rng.random_range(0..xs.len())]
}

/// A household with a realistic spread of damage, size and answers, some left unknown.
fn household(rng: &mut StdRng, date: NaiveDate) -> HouseholdFacts {
    let maybe = |rng: &mut StdRng, p: f64| -> Option<bool> {
        if rng.random_bool(0.2) {
            None
        } else {
            Some(rng.random_bool(p))
        }
    };
    let mut h = HouseholdFacts::new(DisasterFacts {
        date,
        support_act_applied: Some(true),
        relief_act_applied: Some(true),
        condolence_act_applies: Some(true),
    });
    let n = rng.random_range(1..6);
    h.members = Some(
        (0..n)
            .map(|i| MemberFacts {
                age: Some(rng.random_range(0..95)),
                main_earner: Some(i == 0),
                died: rng.random_bool(0.005),
                serious_disability: rng.random_bool(0.003),
                in_school: maybe(rng, 0.2),
                ..MemberFacts::default()
            })
            .collect(),
    );
    h.dwelling = DwellingFacts {
        damage: Some(pick(rng, DamageLevel::ALL)),
        lost: maybe(rng, 0.02),
        demolished: maybe(rng, 0.1),
        long_term_evacuation: Some(false),
        uninhabitable: maybe(rng, 0.5),
        tenure: Some(pick(rng, Tenure::ALL)),
        goods_damage_third: maybe(rng, 0.3),
    };
    h.rebuild = if rng.random_bool(0.4) {
        None
    } else {
        Some(pick(rng, RebuildMethod::ALL))
    };
    h.temporary_housing = maybe(rng, 0.1);
    h.cannot_afford_repair = maybe(rng, 0.5);
    h.head_injured_month = maybe(rng, 0.05);
    h.income_yen = rng
        .random_bool(0.7)
        .then(|| rng.random_range(0..12_000_000));
    h.income_fell = maybe(rng, 0.3);
    h.livelihood_lost = maybe(rng, 0.1);
    h
}

pub async fn run(a: EligibilityBenchArgs) -> Result<()> {
    kernel(&a)?;
    if a.stored > 0 {
        crate::bench_eligibility_stored::run(a.stored).await?;
    }
    Ok(())
}

fn kernel(a: &EligibilityBenchArgs) -> Result<()> {
    let t = Instant::now();
    let loads = 100;
    for _ in 0..loads {
        std::hint::black_box(Catalogue::load(&[]).map_err(|e| anyhow::anyhow!("{e:?}"))?);
    }
    let load = t.elapsed().as_secs_f64() / f64::from(loads);
    let catalogue = Catalogue::load(&[]).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let date = NaiveDate::from_ymd_opt(2024, 7, 1).unwrap_or_default();
    let mut rng = StdRng::seed_from_u64(21);
    let households: Vec<HouseholdFacts> = (0..a.n).map(|_| household(&mut rng, date)).collect();
    println!(
        "eligibility: {} households × {} programmes (built-in catalogue), {} threads",
        a.n,
        catalogue.programmes.len(),
        rayon::current_num_threads()
    );

    let t = Instant::now();
    let mut eligible = 0usize;
    let mut possibly = 0usize;
    for h in &households {
        for o in catalogue.evaluate(&h.values(), date) {
            match o.status {
                Status::Eligible => eligible += 1,
                Status::Possibly => possibly += 1,
                _ => {}
            }
        }
    }
    let one_core = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let counted: usize = households
        .par_iter()
        .map(|h| {
            catalogue
                .evaluate(&h.values(), date)
                .iter()
                .filter(|o| o.status == Status::Eligible)
                .count()
        })
        .sum();
    let all_cores = t.elapsed().as_secs_f64();
    if counted != eligible {
        anyhow::bail!("parallel and serial runs disagree: {counted} ≠ {eligible}");
    }

    // One household, one fact changed, evaluated and explained again (what a screen does).
    let mut h = households[0].clone();
    let rounds = 10_000;
    let t = Instant::now();
    let mut words = 0usize;
    for i in 0..rounds {
        h.income_yen = Some(1_000_000 + (i as u64 % 7) * 1_000_000);
        words += catalogue.explain(&h).len();
    }
    let one = t.elapsed().as_secs_f64() / f64::from(rounds);
    std::hint::black_box(words);

    println!("  results: {eligible} eligible, {possibly} possibly eligible");
    println!(
        "  load and check the catalogue (parse, type-check, order): {:.2} ms",
        load * 1e3
    );
    println!(
        "  evaluate, one core      {one_core:8.3} s   {:>10.0} households/s",
        a.n as f64 / one_core.max(1e-9)
    );
    println!(
        "  evaluate, all cores     {all_cores:8.3} s   {:>10.0} households/s   (target < 1 s for 100,000)",
        a.n as f64 / all_cores.max(1e-9)
    );
    println!(
        "  re-evaluate one household after a fact changes, with reasons: {:.1} µs   (target < 1 ms)",
        one * 1e6
    );
    Ok(())
}
