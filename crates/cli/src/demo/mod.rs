//! `tsunagi demo`: a fictional town (潮見市) with organisations of every kind, users of every
//! role and a few thousand residents, in its own database, then served.

mod geography;
mod names;
mod town;

use crate::ServeArgs;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::collections::BTreeSet;
use tsunagi_app::organisations::{self, NewOrganisation, Organisation};
use tsunagi_app::{App, Context as UseCaseContext, Identity, RequestIds, persons, users};
use tsunagi_domain::consent::{ConsentMethod, ConsentRecord, ConsentStatus};
use tsunagi_domain::municipality::MunicipalityCode;
use tsunagi_domain::organisation::OrganisationKind as K;
use tsunagi_domain::role::Role;

/// The one password of every demo account.
pub const DEMO_PASSWORD: &str = "tsunagi-demo-2026";
const DEMO_DB: &str = "tsunagi-demo.db";

#[derive(clap::Args)]
pub struct DemoArgs {
    #[command(flatten)]
    serve: ServeArgs,
    /// How many residents to create
    #[arg(long, default_value_t = 3000)]
    residents: usize,
    /// Random seed (the same seed gives the same town)
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Only create the database; do not serve
    #[arg(long)]
    no_serve: bool,
}

struct Orgs {
    all: Vec<Organisation>,
}

impl Orgs {
    fn named(&self, name: &str) -> Result<&Organisation> {
        self.all
            .iter()
            .find(|o| o.name == name)
            .with_context(|| format!("demo organisation {name} missing"))
    }
}

async fn create_orgs(app: &App, system: &UseCaseContext) -> Result<Orgs> {
    let city = organisations::create(
        app,
        system,
        NewOrganisation {
            name: names::CITY.into(),
            kind: K::Municipality,
            local_gov_code: MunicipalityCode::parse(names::CITY_CODE).ok(),
            municipality_id: None,
        },
    )
    .await?;
    let mut all = vec![city.clone()];
    let rest: [(&str, K, Option<&str>); 14] = [
        ("高知県", K::Prefecture, Some("390003")),
        ("潮見市社会福祉協議会", K::SocialWelfareCouncil, None),
        ("居宅介護支援事業所しおさい", K::CareProvider, None),
        ("相談支援事業所ひだまり", K::CareProvider, None),
        ("本町一丁目自治会", K::CommunityAssociation, None),
        ("港町自主防災会", K::CommunityAssociation, None),
        ("浜田地区自治会", K::CommunityAssociation, None),
        (
            "潮見市民生委員児童委員協議会 中央地区",
            K::WelfareCommissionerDistrict,
            None,
        ),
        (
            "潮見市民生委員児童委員協議会 浜地区",
            K::WelfareCommissionerDistrict,
            None,
        ),
        ("NPO法人しおみ災害ボランティアネット", K::Npo, None),
        (
            "潮見くらし再建専門家ネットワーク（弁護士・建築士・司法書士）",
            K::ProfessionalBody,
            None,
        ),
        ("潮見市消防本部", K::FireDepartment, None),
        ("潮見市消防団", K::FireDepartment, None),
        ("潮見警察署", K::Police, None),
    ];
    for (name, kind, code) in rest {
        all.push(
            organisations::create(
                app,
                system,
                NewOrganisation {
                    name: name.into(),
                    kind,
                    local_gov_code: code.and_then(|c| MunicipalityCode::parse(c).ok()),
                    municipality_id: (kind != K::Prefecture).then_some(city.id),
                },
            )
            .await?,
        );
    }
    Ok(Orgs { all })
}

/// (login, display name, organisation, role)
const USERS: &[(&str, &str, &str, Role)] = &[
    ("admin", "管理 太郎", "潮見市", Role::Administrator),
    (
        "bousai",
        "防災 一郎",
        "潮見市",
        Role::DisasterManagementStaff,
    ),
    ("fukushi", "福祉 花子", "潮見市", Role::WelfareStaff),
    ("ken", "県 担当", "高知県", Role::PrefectureStaff),
    (
        "shakyo",
        "社協 支援員",
        "潮見市社会福祉協議会",
        Role::SupportWorker,
    ),
    (
        "caremgr",
        "介護 支援専門員",
        "居宅介護支援事業所しおさい",
        Role::CareProfessional,
    ),
    (
        "soudan",
        "相談 支援専門員",
        "相談支援事業所ひだまり",
        Role::CareProfessional,
    ),
    (
        "jichikai",
        "本町 会長",
        "本町一丁目自治会",
        Role::CommunityMember,
    ),
    (
        "minsei",
        "民生 委員",
        "潮見市民生委員児童委員協議会 中央地区",
        Role::CommunityMember,
    ),
    (
        "npo",
        "NPO 担当",
        "NPO法人しおみ災害ボランティアネット",
        Role::PartnerStaff,
    ),
    (
        "bengoshi",
        "弁護 士郎",
        "潮見くらし再建専門家ネットワーク（弁護士・建築士・司法書士）",
        Role::PartnerStaff,
    ),
    ("shobo", "消防 隊員", "潮見市消防本部", Role::Responder),
    ("keisatsu", "警察 官", "潮見警察署", Role::Responder),
];

/// Creates the demo accounts; returns the context of the welfare staff member (`fukushi`),
/// who registers the town's residents.
async fn create_users(app: &App, system: &UseCaseContext, orgs: &Orgs) -> Result<UseCaseContext> {
    let bar = progress(USERS.len() as u64, "利用者を作成");
    for (login, name, org, role) in USERS {
        let o = orgs.named(org)?;
        let hash = tsunagi_app::passwords::hash(DEMO_PASSWORD.into()).await?;
        users::create_with_hash(app, system, login, name, hash, o.id, *role).await?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let staff = users::municipal_actor(app, "fukushi")
        .await
        .context("demo welfare staff missing")?;
    Ok(app
        .context(Identity::User(staff), RequestIds::generate(None))
        .await?)
}

fn progress(len: u64, msg: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(len).with_style(
        ProgressStyle::with_template("{msg:12} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(msg);
    bar
}

async fn create_residents(
    app: &App,
    orgs: &Orgs,
    staff: &UseCaseContext,
    n: usize,
    seed: u64,
) -> Result<usize> {
    let today = staff.today();
    let mut rng = StdRng::seed_from_u64(seed);
    let residents = town::residents(&mut rng, n, today);
    let receivers = [
        (orgs.named("本町一丁目自治会")?.id, K::CommunityAssociation),
        (
            orgs.named("潮見市民生委員児童委員協議会 中央地区")?.id,
            K::WelfareCommissionerDistrict,
        ),
        (orgs.named("潮見市消防本部")?.id, K::FireDepartment),
        (orgs.named("潮見警察署")?.id, K::Police),
        (
            orgs.named("潮見市社会福祉協議会")?.id,
            K::SocialWelfareCouncil,
        ),
    ];
    let mut roster_rng = StdRng::seed_from_u64(seed.wrapping_add(1));
    let bar = progress(residents.len() as u64, "住民を登録");
    for (i, chunk) in residents.chunks(250).enumerate() {
        let mut batch = Vec::with_capacity(chunk.len());
        for (j, r) in chunk.iter().enumerate() {
            let details = r
                .input
                .validate(today)
                .map_err(|e| anyhow::anyhow!("demo resident invalid: {e}"))?;
            // Older residents are asked for consent: most give it, some refuse or have not
            // been asked yet. The receivers' districts decide who gets whose entry.
            let consent = (r.age >= 70).then(|| {
                let status = match (i * 250 + j) % 10 {
                    0 => ConsentStatus::Refused,
                    1 | 2 => ConsentStatus::NotAsked,
                    _ => ConsentStatus::Given,
                };
                let scope: BTreeSet<K> = receivers.iter().map(|(_, k)| *k).collect();
                ConsentRecord {
                    status,
                    scope,
                    obtained_on: (status != ConsentStatus::NotAsked).then_some(today),
                    method: (status == ConsentStatus::Given).then_some(ConsentMethod::Written),
                    obtained_by: Some("福祉 花子（潮見市福祉課）".into()),
                    note: None,
                }
            });
            batch.push(persons::NewResident {
                details,
                roster: town::roster_entry(r, &mut roster_rng),
                consent,
            });
        }
        bar.inc(chunk.len() as u64);
        persons::register_many(app, staff, batch).await?;
    }
    bar.finish_and_clear();
    define_receivers(app, orgs, staff).await?;
    geography::load(app, staff).await?;
    let s = tsunagi_app::triage::run(app, staff).await?;
    println!(
        "Roster: {} people triaged {:?} {:?}; {} wait for the 民生委員 or 自治会 to confirm help (要確認)",
        s.triaged, s.by_priority, s.by_approach, s.to_confirm
    );
    start_workflows(app, staff).await?;
    Ok(residents.len())
}

/// The receivers (提供先): each 自治会 and 民生委員 district gets its own area with plans; fire
/// and police get the whole roster without plans; the 社協 everything.
async fn define_receivers(app: &App, orgs: &Orgs, staff: &UseCaseContext) -> Result<()> {
    use tsunagi_domain::receiver::{DistrictField, Receiver};
    let defs: [(&str, DistrictField, &[&str], bool); 8] = [
        (
            "本町一丁目自治会",
            DistrictField::Community,
            &["本町一丁目自治会"],
            true,
        ),
        (
            "港町自主防災会",
            DistrictField::Community,
            &["港町自主防災会"],
            true,
        ),
        (
            "浜田地区自治会",
            DistrictField::Community,
            &["浜田地区自治会"],
            true,
        ),
        (
            "潮見市民生委員児童委員協議会 中央地区",
            DistrictField::Welfare,
            &["中央地区"],
            true,
        ),
        (
            "潮見市民生委員児童委員協議会 浜地区",
            DistrictField::Welfare,
            &["浜地区"],
            true,
        ),
        ("潮見市消防本部", DistrictField::All, &[], false),
        ("潮見警察署", DistrictField::All, &[], false),
        ("潮見市社会福祉協議会", DistrictField::All, &[], true),
    ];
    for (name, field, districts, includes_plan) in defs {
        let r = Receiver {
            district_field: field,
            districts: districts.iter().map(|d| (*d).to_owned()).collect(),
            includes_plan,
            // The police receive the roster only when disaster strikes (災害時のみの提供先).
            disaster_only: name == "潮見警察署",
        };
        tsunagi_app::receivers::set(app, staff, orgs.named(name)?.id, Some(&r), 0).await?;
    }
    Ok(())
}

/// Starts plan workflows for the high-priority part of the roster, and writes a first plan for
/// some of them, so the screens show work in progress.
async fn start_workflows(app: &App, staff: &UseCaseContext) -> Result<()> {
    use tsunagi_domain::plan::{
        Destination, EmergencyContact, EvacuationPlan, PlanHazard, Supporter,
    };
    use tsunagi_domain::triage::{Approach, Priority};
    let (lines, _) = tsunagi_app::triage::roster_list(
        app,
        staff,
        &tsunagi_app::triage::RosterFilter {
            priority: Some(Priority::High),
            ..Default::default()
        },
        tsunagi_domain::paging::Page::new(Some(1), Some(200)),
    )
    .await?;
    let mut started = 0;
    for (i, l) in lines.iter().enumerate() {
        if l.triage
            .as_ref()
            .is_none_or(|t| t.result.approach == Approach::SelfPreparedness)
        {
            continue;
        }
        tsunagi_app::workflows::start(app, staff, l.person.id).await?;
        started += 1;
        if i % 4 == 0 {
            let plan = EvacuationPlan {
                supporters: vec![Supporter {
                    name: "近所の方（自主防災会）".into(),
                    address: "潮見市本町一丁目".into(),
                    phone: "0889-22-0000".into(),
                    relationship: "近所".into(),
                    // The neighbour agreed in writing to be named and to the plan's provision.
                    consented_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 1),
                    consent_method: "書面".into(),
                }],
                destinations: vec![Destination {
                    hazard: PlanHazard::Flood,
                    place: "潮見市立潮見小学校".into(),
                    route: "県道を北へ約300m、歩道橋を渡る".into(),
                }],
                timing: "警戒レベル3 高齢者等避難が出たら".into(),
                emergency_contacts: vec![EmergencyContact {
                    name: "長男".into(),
                    relationship: "子".into(),
                    phone: "090-0000-0000".into(),
                }],
                ..Default::default()
            };
            tsunagi_app::plans::save(app, staff, l.person.id, 0, plan).await?;
        }
    }
    println!("Plans: {started} workflows started for high-priority people");
    Ok(())
}

fn demo_url(db: Option<String>) -> Result<String> {
    match db {
        Some(url) => Ok(url),
        None => {
            for suffix in ["", "-wal", "-shm"] {
                let f = format!("{DEMO_DB}{suffix}");
                if std::path::Path::new(&f).exists() {
                    std::fs::remove_file(&f)
                        .with_context(|| format!("cannot remove the old {f}"))?;
                }
            }
            Ok(format!("sqlite://{DEMO_DB}?mode=rwc"))
        }
    }
}

pub async fn run(db: Option<String>, args: DemoArgs) -> Result<()> {
    let url = demo_url(db)?;
    let app = crate::ops::open(&url).await?;
    if !organisations::all(&app).await?.is_empty() {
        anyhow::bail!(
            "the database {} already has data; the demo needs an empty one",
            tsunagi_app::redact(&url)
        );
    }
    println!("Creating the demo town {} …", names::CITY);
    let system = app.system_context("demo").await?;
    let orgs = create_orgs(&app, &system).await?;
    let staff = create_users(&app, &system, &orgs).await?;
    let n = create_residents(&app, &orgs, &staff, args.residents, args.seed).await?;
    let mut banner = format!(
        "\nDemo town {} ready: {} organisations, {} users, {n} residents.\nEvery demo login has the password: {DEMO_PASSWORD}\n",
        names::CITY,
        orgs.all.len(),
        USERS.len()
    );
    for (login, name, org, role) in USERS {
        banner.push_str(&format!(
            "  {login:<10} {name}（{org}・{}）\n",
            role.label()
        ));
    }
    banner.push_str("Try: log in as fukushi, search ﾔﾏﾀﾞ, open a record, edit it, then log in as admin and open 監査ログ.\n");
    banner.push_str("A drill: as admin, 災害の宣言 → declare; then 安否確認, 避難所の開設・運営, 被災者台帳・罹災証明 and 災害対策本部 from the declaration.\n");
    banner.push_str("Then case management: アウトリーチ from the ledger (visit, open a case, classify), ケース会議 with shakyo and bengoshi, 紹介 to npo; as ken, 県の集計.\n");
    if args.no_serve {
        println!("{banner}");
        return Ok(());
    }
    crate::ops::serve(app, &args.serve, Some(banner)).await
}
