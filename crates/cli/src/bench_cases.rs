//! `tsunagi bench cases [--n 50000]`: disaster case management at the scale of a large
//! disaster, on the stored path as caseworkers run it (issue 20 item 10: 50,000 cases with
//! their visits keep every caseworker page under 100 ms p99). A fresh SQLite database gets a
//! town's resident extract, a declared flood, N cases — each opened and visited (absent once,
//! then met with an assessment) through the use cases, led by organisations of 200 cases
//! each — and a case meeting of 14 households with its tasks; then the real use cases behind
//! each caseworker page are timed: the case, the household's page, a lead organisation's day,
//! the meeting, the open tasks; and, for the municipality's staff, the outreach queue, the
//! information-sharing report and the whole town's day. Figures are printed, never asserted.

use anyhow::Result;
use chrono::{Duration, NaiveDateTime};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::future::Future;
use std::time::Instant;
use tsunagi_app::cases::{self, NewCase};
use tsunagi_app::{Context, Identity, RequestIds};
use tsunagi_domain::HouseholdId;
use tsunagi_domain::case_management::{
    CaseSource, IssueAssessment, Severity, VisitInput, VisitOutcome,
};
use tsunagi_domain::case_meeting::{CaseMinute, MeetingInput, Minutes, Participant, TaskInput};
use tsunagi_domain::issue_category::IssueCategory;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::referral::ReferralBasis;
use tsunagi_domain::role::Role;

/// Cases each lead organisation carries.
const PER_ORGANISATION: usize = 200;
/// The anchor of issue 20 item 10.
const ANCHOR_MS: f64 = 100.0;

#[derive(clap::Args)]
pub struct CasesBenchArgs {
    /// Cases (households with a case and its visits)
    #[arg(long, default_value_t = 50_000)]
    pub n: usize,
    /// Samples per timed page
    #[arg(long, default_value_t = 200)]
    pub samples: usize,
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[f64], p: usize) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) * p / 100).min(sorted.len() - 1)]
}

/// Times `f` over each input and prints p50 / p99 beside the anchor.
async fn timed<T, F, Fut>(label: &str, inputs: &[T], mut f: F) -> Result<()>
where
    F: FnMut(&T) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let mut runs = Vec::with_capacity(inputs.len());
    for i in inputs {
        let t = Instant::now();
        f(i).await?;
        runs.push(ms(t.elapsed()));
    }
    runs.sort_by(f64::total_cmp);
    let p99 = percentile(&runs, 99);
    println!(
        "  {label:<52} p50 {:>7.1} ms  p99 {:>7.1} ms  (anchor p99 < {ANCHOR_MS:.0} ms: {})  n={}",
        percentile(&runs, 50),
        p99,
        if p99 < ANCHOR_MS { "met" } else { "NOT met" },
        runs.len()
    );
    Ok(())
}

async fn context_of(
    app: &tsunagi_app::App,
    user_id: tsunagi_domain::UserId,
    login: &str,
    org: &tsunagi_app::organisations::Organisation,
    municipality: tsunagi_domain::OrganisationId,
) -> Result<Context> {
    let actor = tsunagi_domain::access::Actor {
        user_id,
        login: login.to_owned(),
        organisation_id: org.id,
        organisation_kind: org.kind,
        municipality_id: Some(municipality),
        role: Role::PartnerStaff,
    };
    Ok(app
        .context(Identity::User(actor), RequestIds::generate(None))
        .await?)
}

pub async fn run(a: CasesBenchArgs) -> Result<()> {
    let n = a.n;
    let t = Instant::now();
    let (app, staff, system, d) =
        crate::bench::flooded_town("bench-cases", n * 5 / 2, 20, 60).await?;
    let town = staff.actor()?.organisation_id;
    let households: Vec<HouseholdId> = tsunagi_app::certificates::progress(&app, &staff, d.id)
        .await?
        .not_applied
        .into_iter()
        .map(|h| h.household_id)
        .take(n)
        .collect();
    let n = households.len();

    // Lead organisations (NPOs, 社協 branches …) with one caseworker login each.
    let mut leads = Vec::new();
    for i in 0..n.div_ceil(PER_ORGANISATION).max(2) {
        let org = tsunagi_app::organisations::create(
            &app,
            &system,
            tsunagi_app::organisations::NewOrganisation {
                name: format!("支援団体{i:03}"),
                kind: OrganisationKind::Npo,
                local_gov_code: None,
                municipality_id: Some(town),
            },
        )
        .await?;
        let login = format!("caseworker-{i:03}");
        let user = tsunagi_app::users::create_with_hash(
            &app,
            &system,
            &login,
            "ケースワーカー",
            String::new(),
            org.id,
            Role::PartnerStaff,
        )
        .await?;
        let ctx = context_of(&app, user, &login, &org, town).await?;
        leads.push((org, ctx));
    }

    let mut rng = StdRng::seed_from_u64(20);
    let today = staff.today();
    let mut case_ids = Vec::with_capacity(n);
    for (i, h) in households.iter().enumerate() {
        let (org, _) = &leads[i / PER_ORGANISATION % leads.len()];
        let c = cases::open(
            &app,
            &staff,
            d.id,
            *h,
            NewCase {
                lead_organisation: org.id,
                source: CaseSource::Outreach,
                lead_caseworker: Some(format!("担当{}", i % 7)),
                next_review_on: Some(today + Duration::days(rng.random_range(-10..30))),
            },
        )
        .await?;
        case_ids.push(c.case.id);
        cases::record_visit(
            &app,
            &staff,
            d.id,
            *h,
            VisitInput {
                visited_on: today - Duration::days(20),
                visitors: vec!["市 保健師".into()],
                outcome: VisitOutcome::Absent,
                seen: None,
                issues: Vec::new(),
                other_issues: Vec::new(),
                next_visit_on: Some(today - Duration::days(18)),
            },
        )
        .await?;
        let mut issues = Vec::new();
        for c in IssueCategory::ALL {
            if rng.random_bool(0.35) {
                issues.push(IssueAssessment {
                    category: *c,
                    severity: Severity::ALL[rng.random_range(0..3)],
                    notes: Some("聞き取りの記録".into()),
                });
            }
        }
        cases::record_visit(
            &app,
            &staff,
            d.id,
            *h,
            VisitInput {
                visited_on: today - Duration::days(10),
                visitors: vec!["社協 生活支援相談員".into()],
                outcome: VisitOutcome::Met,
                seen: Some("屋内の片付けが進んでいない".into()),
                issues,
                other_issues: Vec::new(),
                next_visit_on: Some(today + Duration::days(rng.random_range(-5..20))),
            },
        )
        .await?;
        if (i + 1) % 2000 == 0 {
            eprintln!("  … {} cases set up", i + 1);
        }
    }

    // A case meeting of 14 households of the first organisation, with tasks.
    let agenda: Vec<uuid::Uuid> = case_ids.iter().take(14).copied().collect();
    let (first, first_ctx) = &leads[0];
    let (second, _) = &leads[1];
    let m = cases::meetings::schedule(
        &app,
        &staff,
        d.id,
        MeetingInput {
            title: "第1回ケース会議".into(),
            starts_at: NaiveDateTime::new(today, chrono::NaiveTime::MIN),
            place: None,
            agenda: agenda.clone(),
            participants: [first, second]
                .iter()
                .map(|o| Participant {
                    organisation_id: o.id,
                    organisation: String::new(),
                    attendees: None,
                })
                .collect(),
            basis: ReferralBasis::Consent,
        },
    )
    .await?;
    cases::meetings::record_minutes(
        &app,
        &staff,
        m.id,
        m.version,
        Minutes {
            held_on: today,
            notes: None,
            cases: agenda
                .iter()
                .map(|c| CaseMinute {
                    case_id: *c,
                    situation: "住まいの再建の見通しが立っていない".into(),
                    policy: "応急修理の申請に同行する".into(),
                    tasks: vec![
                        TaskInput {
                            what: "申請書類をそろえる".into(),
                            organisation_id: Some(first.id),
                            due_on: Some(today + Duration::days(7)),
                        },
                        TaskInput {
                            what: "法律相談につなぐ".into(),
                            organisation_id: None,
                            due_on: Some(today + Duration::days(14)),
                        },
                    ],
                    next_review_on: Some(today + Duration::days(30)),
                })
                .collect(),
        },
    )
    .await?;
    println!(
        "cases, stored (SQLite): {n} cases with {} visits, {} lead organisations of {PER_ORGANISATION}, a meeting of 14 (set up in {:.1} s)",
        n * 2,
        leads.len(),
        t.elapsed().as_secs_f64()
    );

    // The caseworker's pages.
    let samples = a.samples.max(1);
    let mut sample_cases: Vec<(uuid::Uuid, HouseholdId)> = (0..samples)
        .map(|_| {
            let i = rng.random_range(0..n);
            (case_ids[i], households[i])
        })
        .collect();
    sample_cases.sort_unstable();
    timed(
        "a case (members, visits, assessment; audited)",
        &sample_cases,
        |x| {
            let (app, staff, c) = (&app, &staff, x.0);
            async move {
                std::hint::black_box(cases::get(app, staff, c).await?);
                Ok(())
            }
        },
    )
    .await?;
    timed(
        "the household's page (visits and its case)",
        &sample_cases,
        |x| {
            let (app, staff, d, h) = (&app, &staff, d.id, x.1);
            async move {
                std::hint::black_box(cases::household(app, staff, d, h).await?);
                Ok(())
            }
        },
    )
    .await?;
    let lead_samples: Vec<usize> = (0..samples).map(|i| i % leads.len()).collect();
    timed(
        &format!("a lead organisation's day ({PER_ORGANISATION} cases, tasks)"),
        &lead_samples,
        |i| {
            let (app, ctx) = (&app, &leads[*i].1);
            async move {
                std::hint::black_box(cases::my_day(app, ctx).await?);
                Ok(())
            }
        },
    )
    .await?;
    let few: Vec<usize> = (0..samples.min(50)).collect();
    timed("the case meeting of 14 households", &few, |_| {
        let (app, ctx, id) = (&app, first_ctx, m.id);
        async move {
            std::hint::black_box(cases::meetings::get(app, ctx, id).await?);
            Ok(())
        }
    })
    .await?;
    timed("a lead organisation's open tasks", &few, |_| {
        let (app, ctx) = (&app, first_ctx);
        async move {
            std::hint::black_box(cases::tasks::open(app, ctx).await?);
            Ok(())
        }
    })
    .await?;

    // The municipality's whole-town pages (not a caseworker's page: every case of the town).
    println!("  the municipality's whole-town views ({n} cases), median of 3:");
    let three = [0, 1, 2];
    for (label, which) in [
        ("the outreach queue", 0),
        ("the information-sharing report", 1),
        ("the staff's day (every open case of the town)", 2),
    ] {
        let mut runs = Vec::new();
        for _ in three {
            let t = Instant::now();
            match which {
                0 => {
                    std::hint::black_box(cases::queue(&app, &staff, d.id).await?);
                }
                1 => {
                    std::hint::black_box(cases::report(&app, &staff, d.id, None).await?);
                }
                _ => {
                    std::hint::black_box(cases::my_day(&app, &staff).await?);
                }
            }
            runs.push(ms(t.elapsed()));
        }
        runs.sort_by(f64::total_cmp);
        println!("    {label:<50} {:>8.0} ms", runs[1]);
    }
    Ok(())
}
