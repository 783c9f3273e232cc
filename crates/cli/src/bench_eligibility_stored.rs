//! `tsunagi bench eligibility --stored N`: the stored path as a caseworker runs it. A fresh
//! SQLite database gets a town's resident extract, a declared flood, and N households with a
//! damage certificate (applied, surveyed, issued through the use cases) and their recorded
//! circumstances; then it times the real use cases — the disaster's list of households who have
//! not applied (every ledger household evaluated from the database) and one household's
//! programmes page — as the screens and the API call them.

use anyhow::{Context as _, Result};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;
use tsunagi_app::eligibility;
use tsunagi_domain::HouseholdId;
use tsunagi_domain::circumstances::{Circumstances, DisasterActs, RebuildMethod};
use tsunagi_domain::damage::{ApplicantRelation, ApplicationInput, SurveyInput, SurveyKind};

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[f64], p: usize) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) * p / 100).min(sorted.len() - 1)]
}

pub async fn run(n: usize) -> Result<()> {
    let t = Instant::now();
    let (app, staff, _system, d) =
        crate::bench::flooded_town("bench-eligibility", n * 5 / 2, 21, 30).await?;
    tsunagi_app::programmes::set_acts(
        &app,
        &staff,
        d.id,
        DisasterActs {
            support_act_applied: Some(true),
            relief_act_applied: Some(true),
            condolence_act_applies: Some(true),
        },
    )
    .await?;
    let households: Vec<HouseholdId> = tsunagi_app::certificates::progress(&app, &staff, d.id)
        .await?
        .not_applied
        .into_iter()
        .map(|h| h.household_id)
        .take(n)
        .collect();
    let mut rng = StdRng::seed_from_u64(21);
    let today = staff.today();
    for (i, h) in households.iter().enumerate() {
        let a = tsunagi_app::certificates::apply(
            &app,
            &staff,
            d.id,
            *h,
            ApplicationInput {
                applicant_name: "世帯主".into(),
                applicant_relation: ApplicantRelation::Householder,
                applicant_phone: None,
                cause: None,
                location: None,
                applied_on: today,
            },
        )
        .await?;
        let a = tsunagi_app::certificates::record_survey(
            &app,
            &staff,
            a.id,
            a.version,
            SurveyInput {
                kind: SurveyKind::First,
                surveyed_on: today,
                surveyors: vec!["調査班".into()],
                damage_ratio: Some(f64::from(rng.random_range(0..700u16)) / 10.0),
                collapsed: false,
                notes: None,
            },
        )
        .await?;
        tsunagi_app::certificates::issue(&app, &staff, a.id, a.version).await?;
        let c = Circumstances {
            rebuild: Some(RebuildMethod::ALL[rng.random_range(0..4)])
                .filter(|_| rng.random_bool(0.6)),
            uninhabitable: Some(rng.random_bool(0.5)),
            dwelling_lost: Some(false),
            demolished: Some(rng.random_bool(0.1)),
            long_term_evacuation: Some(false),
            temporary_housing: Some(rng.random_bool(0.1)),
            cannot_afford_repair: Some(rng.random_bool(0.5)),
            income_yen: Some(rng.random_range(0..9_000_000)),
            head_injured_month: Some(false),
            goods_damage_third: Some(rng.random_bool(0.3)),
            ..Circumstances::default()
        };
        eligibility::set_circumstances(&app, &staff, d.id, *h, 0, c).await?;
        if (i + 1) % 500 == 0 {
            eprintln!("  … {} households set up", i + 1);
        }
    }
    println!(
        "eligibility, stored (SQLite): {} households with a certificate and circumstances (set up in {:.1} s)",
        households.len(),
        t.elapsed().as_secs_f64()
    );

    let mut runs = Vec::new();
    let mut rows = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let r = eligibility::unclaimed(&app, &staff, d.id).await?;
        runs.push(ms(t.elapsed()));
        rows = r.rows.len();
    }
    runs.sort_by(f64::total_cmp);
    println!(
        "  not-applied list (every household evaluated from the database): {:.0} ms median of 3, {rows} rows",
        runs[1]
    );
    let mut pages = Vec::new();
    for h in households.iter().take(200) {
        let t = Instant::now();
        let p = eligibility::for_household(&app, &staff, d.id, *h)
            .await
            .context("household page")?;
        std::hint::black_box(p.lines.len());
        pages.push(ms(t.elapsed()));
    }
    pages.sort_by(f64::total_cmp);
    println!(
        "  one household's programmes (ledger read, audited, evaluated): p50 {:.1} ms, p99 {:.1} ms over {}",
        percentile(&pages, 50),
        percentile(&pages, 99),
        pages.len()
    );
    Ok(())
}
