//! The consequences of a change run once per use case, as one batch each, and are audited
//! with their cause: a roster re-import that moves three homes, changes a district and a
//! condition locates, classifies and re-triages exactly the persons concerned, applies the
//! receivers to the changed entries and marks the finished plans — one audit entry each.

use std::collections::{BTreeMap, BTreeSet};

use tsunagi_app::roster::{ImportOptions, import};
use tsunagi_app::{App, Context, audit, gis, gis_import, persons, plans, receivers, sharing};
use tsunagi_app::{triage, workflows};
use tsunagi_domain::PersonId;
use tsunagi_domain::consent::{ConsentMethod, ConsentRecord, ConsentStatus};
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::paging::Page;
use tsunagi_domain::plan::{Destination, EmergencyContact, EvacuationPlan, PlanHazard, Supporter};
use tsunagi_domain::receiver::{DistrictField, Receiver};
use tsunagi_domain::workflow::Step;
use tsunagi_store::{Store, db_test};

use crate::common::{ctx, sample, today, world};

// 本町一丁目5番 lies in the flood zone (rank 3); 旭町 in no zone. Living alone with no community
// watch makes approach ウ.
const FIRST: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,独居,家族の支援,見守り,自治会\n\
4001,本町　一郎,ホンマチ イチロウ,S5.1.1,1,潮見市本町一丁目5番3号,1,1,0,本町一丁目自治会\n\
4002,本町　二郎,ホンマチ ジロウ,S6.1.1,1,潮見市本町一丁目5番4号,1,1,0,本町一丁目自治会\n\
4003,本町　三郎,ホンマチ サブロウ,S7.1.1,1,潮見市本町一丁目5番5号,1,1,0,本町一丁目自治会\n\
4004,本町　四郎,ホンマチ シロウ,S8.1.1,1,潮見市本町一丁目5番6号,1,1,0,本町一丁目自治会\n\
4005,本町　五郎,ホンマチ ゴロウ,S9.1.1,1,潮見市本町一丁目5番7号,1,1,0,本町一丁目自治会\n";

// 4001 and 4002 move to 旭町 (out of the flood zone), 4003 moves within 本町一丁目, 4004 moves
// to another 自治会, 4005 now has dementia.
const SECOND: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,独居,家族の支援,見守り,自治会,認知症\n\
4001,本町　一郎,ホンマチ イチロウ,S5.1.1,1,潮見市旭町3番1号,1,1,0,本町一丁目自治会,\n\
4002,本町　二郎,ホンマチ ジロウ,S6.1.1,1,潮見市旭町3番2号,1,1,0,本町一丁目自治会,\n\
4003,本町　三郎,ホンマチ サブロウ,S7.1.1,1,潮見市本町一丁目5番8号,1,1,0,本町一丁目自治会,\n\
4004,本町　四郎,ホンマチ シロウ,S8.1.1,1,潮見市本町一丁目5番6号,1,1,0,港町自主防災会,\n\
4005,本町　五郎,ホンマチ ゴロウ,S9.1.1,1,潮見市本町一丁目5番7号,1,1,0,本町一丁目自治会,1\n";

fn options() -> ImportOptions {
    ImportOptions {
        encoding: tsunagi_import::Encoding::Auto,
        mapping: Default::default(),
        dry_run: false,
        only_valid: false,
        full_extract: false,
    }
}

/// The sample flood layer and address tables of the demo town.
async fn load_geography(app: &App, staff: &Context) {
    let mapping = gis_import::choose_mapping("A31-max", None, None, "洪水").unwrap();
    let r = gis_import::import_hazard(
        app,
        staff,
        "A31-shiomi.geojson",
        &sample("A31-shiomi.geojson"),
        &mapping,
        "洪水浸水想定区域",
    )
    .await
    .unwrap();
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    for file in ["39_2024_gaiku.csv", "39_2024_oaza.csv"] {
        let r = gis_import::import_addresses(app, staff, file, &sample(file))
            .await
            .unwrap();
        assert!(r.problems.is_empty(), "{:?}", r.problems);
    }
}

/// Takes a person's approach-ア workflow to 完了: a complete plan, consent, every step.
async fn finish_plan(app: &App, staff: &Context, id: PersonId) {
    workflows::start(app, staff, id).await.unwrap();
    let plan = EvacuationPlan {
        supporters: vec![Supporter {
            name: "長男".into(),
            address: "高知市".into(),
            phone: "090-1".into(),
            relationship: "子".into(),
            ..Supporter::default()
        }],
        destinations: vec![Destination {
            hazard: PlanHazard::Flood,
            place: "潮見小学校".into(),
            route: "県道を北へ".into(),
        }],
        timing: "警戒レベル3".into(),
        emergency_contacts: vec![EmergencyContact {
            name: "長男".into(),
            relationship: "子".into(),
            phone: "090-1".into(),
        }],
        ..Default::default()
    };
    plans::save(app, staff, id, 0, plan).await.unwrap();
    let consent = ConsentRecord {
        status: ConsentStatus::Given,
        scope: BTreeSet::from([OrganisationKind::CommunityAssociation]),
        obtained_on: Some(today()),
        method: Some(ConsentMethod::Written),
        obtained_by: None,
        note: None,
    };
    sharing::set_consent(app, staff, id, &consent)
        .await
        .unwrap();
    for _ in 0..10 {
        let w = workflows::get(app, staff, id).await.unwrap().unwrap();
        if w.step == Step::Done {
            return;
        }
        workflows::advance(app, staff, id, w.version, false, None)
            .await
            .unwrap();
    }
    panic!("the workflow did not finish");
}

/// The audit entries after `after`, as the town's administrator reads them: action → details.
async fn entries_since(
    app: &App,
    admin: &Context,
    after: i64,
) -> BTreeMap<String, Vec<serde_json::Value>> {
    let page = audit::list(
        app,
        admin,
        &Default::default(),
        Page::new(Some(1), Some(500)),
    )
    .await
    .unwrap();
    let mut out: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for r in page.items.into_iter().filter(|r| r.seq > after) {
        out.entry(r.action)
            .or_default()
            .push(serde_json::from_str(&r.detail).unwrap());
    }
    out
}

async fn last_seq(app: &App, admin: &Context) -> i64 {
    audit::list(app, admin, &Default::default(), Page::new(Some(1), Some(1)))
        .await
        .unwrap()
        .items
        .first()
        .map_or(0, |r| r.seq)
}

fn ids_in(v: &serde_json::Value, key: &str) -> BTreeSet<String> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} in {v}"))
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

async fn reasons(app: &App, staff: &Context, p: PersonId) -> String {
    workflows::get(app, staff, p)
        .await
        .unwrap()
        .unwrap()
        .review_reason
        .unwrap_or_default()
}

db_test!(
    a_reimport_runs_each_consequence_once_for_everyone_concerned,
    |store: Store| async move {
        let (app, f) = world(&store).await;
        let staff = ctx(&app, &f.town_staff).await;
        let admin = ctx(&app, &f.town_admin).await;
        load_geography(&app, &staff).await;
        let r = import(&app, &staff, "first.csv", FIRST.as_bytes(), &options())
            .await
            .unwrap();
        assert_eq!(r.outcome.unwrap().created.len(), 5);
        gis::geocode_all(&app, &staff).await.unwrap();
        let classified = gis::classify_all(&app, &staff, |_, _| {}).await.unwrap();
        assert_eq!(classified.in_some_zone, 5);
        triage::run(&app, &staff).await.unwrap();
        let def = Receiver {
            district_field: DistrictField::Community,
            districts: BTreeSet::from(["本町一丁目自治会".to_owned()]),
            includes_plan: true,
            disaster_only: false,
        };
        let applied = receivers::set(&app, &staff, f.community.id, Some(&def), 0)
            .await
            .unwrap();
        assert_eq!(applied.added, 5);
        let page = persons::search(&app, &staff, "", Page::default())
            .await
            .unwrap();
        let id = |no: &str| {
            page.items
                .iter()
                .find(|p| p.name_kana.contains(no))
                .unwrap()
                .id
        };
        let (p1, p2, p3, p4, p5) = (
            id("イチロウ"),
            id("ジロウ"),
            id("サブロウ"),
            id("シロウ"),
            id("ゴロウ"),
        );
        for p in [p1, p3, p5] {
            finish_plan(&app, &staff, p).await;
        }

        let before = last_seq(&app, &admin).await;
        let r = import(&app, &staff, "second.csv", SECOND.as_bytes(), &options())
            .await
            .unwrap();
        assert_eq!(r.outcome.unwrap().updated.len(), 5);
        let e = entries_since(&app, &admin, before).await;
        let s = |p: PersonId| p.to_string();

        // Locate: once, for the three moved homes, because their address changed.
        let located = &e["gis.homes_located"];
        assert_eq!(located.len(), 1, "{located:?}");
        assert_eq!(located[0]["cause"], serde_json::json!(["address_changed"]));
        assert_eq!(
            ids_in(&located[0], "persons"),
            BTreeSet::from([s(p1), s(p2), s(p3)])
        );
        // Classify: once, for the homes located again.
        let classified = &e["gis.homes_classified"];
        assert_eq!(classified.len(), 1, "{classified:?}");
        assert_eq!(
            classified[0]["cause"],
            serde_json::json!(["address_changed"])
        );
        assert_eq!(classified[0]["homes"], 3);
        // Re-triaged once: the two who left the flood zone (point 1), the one who moved 自治会
        // and the one with dementia now (their roster entries changed).
        let triaged = &e["triage.recorded"];
        assert_eq!(triaged.len(), 1, "{triaged:?}");
        assert_eq!(
            triaged[0]["cause"],
            serde_json::json!(["roster_changed", "hazards_changed"])
        );
        assert_eq!(triaged[0]["rerun"], 4);
        // Receivers: the changed entries only; the one who moved 自治会 leaves the list.
        let shares = &e["share.changed"];
        assert_eq!(shares.len(), 1, "{shares:?}");
        assert_eq!(shares[0]["cause"], serde_json::json!(["roster_changed"]));
        assert_eq!(ids_in(&shares[0], "removed"), BTreeSet::from([s(p4)]));
        assert!(ids_in(&shares[0], "added").is_empty());
        // Review marks: once, for the finished plans whose basis changed, with every reason.
        let marked = &e["plan.review_marked"];
        assert_eq!(marked.len(), 1, "{marked:?}");
        assert_eq!(
            ids_in(&marked[0], "persons"),
            BTreeSet::from([s(p1), s(p3), s(p5)])
        );
        assert_eq!(
            ids_in(&marked[0], "reasons"),
            BTreeSet::from([
                "住所の変更".to_owned(),
                "心身の状況・世帯の変化".to_owned(),
                "自宅の災害危険性（ハザードマップ）の変化".to_owned(),
            ])
        );
        assert!(reasons(&app, &staff, p1).await.contains("自宅の災害危険性"));
        assert!(!reasons(&app, &staff, p3).await.contains("自宅の災害危険性"));
        assert!(reasons(&app, &staff, p5).await.contains("心身の状況"));
        // The person record shows the new point 1 (旭町: no zone).
        let r = persons::get(&app, &staff, p2).await.unwrap();
        assert!(!r.roster.unwrap().home_hazards.flood);

        // The same file again changes nothing, and nothing follows.
        let before = last_seq(&app, &admin).await;
        let r = import(&app, &staff, "second.csv", SECOND.as_bytes(), &options())
            .await
            .unwrap();
        assert_eq!(r.outcome.unwrap().unchanged, 5);
        let e = entries_since(&app, &admin, before).await;
        for action in [
            "gis.homes_located",
            "gis.homes_classified",
            "triage.recorded",
            "share.changed",
            "plan.review_marked",
        ] {
            assert!(!e.contains_key(action), "{action}: {e:?}");
        }
    }
);
