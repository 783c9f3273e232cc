//! Support programmes and eligibility (issue 21), tried as a new user would: a household of two
//! with a 全壊 home, rebuilding, sees 生活再建支援金 with each step of its calculation and what is
//! still unknown; one person follows the single-person rule; the disaster's date moves
//! 応急修理's limit with the fiscal year; a municipal top-up added through the API is checked
//! and evaluated; on the ledger the certificate's level and the household's circumstances
//! decide, a re-survey re-evaluates at once, applications and decisions are written into
//! 援護の実施の状況, and the households who have not applied are listed with their yen gap.

use crate::common::{HONMACHI_ROSTER, TestApp, api, app, call_json, load_roster, token_for};
use crate::ledger::{RESIDENTS, declare, household_of, import_residents};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tsunagi_store::{Store, db_test};

fn programme<'a>(results: &'a Value, id: &str) -> &'a Value {
    results["programmes"]
        .as_array()
        .expect("programmes")
        .iter()
        .find(|p| p["programme"] == id)
        .unwrap_or_else(|| panic!("{id} in {results}"))
}

fn two_person_total_rebuilding(date: &str) -> Value {
    json!({
        "id": "相談票-17",
        "disaster": {"date": date, "support_act_applied": true, "relief_act_applied": true,
                     "condolence_act_applies": true},
        "members": [
            {"name": "甲", "age": 70, "main_earner": true},
            {"name": "乙", "age": 68, "main_earner": false}
        ],
        "dwelling": {"damage": "total", "demolished": false, "long_term_evacuation": false,
                     "uninhabitable": true, "tenure": "owned"},
        "rebuild": "build_or_buy"
    })
}

async fn evaluate(app: &TestApp, t: &str, body: Value) -> Value {
    let (s, v) = call_json(app, Method::POST, "/api/v1/eligibility", t, Some(body)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v[0].clone()
}

db_test!(
    a_described_household_is_evaluated_with_reasons_steps_and_what_is_unknown,
    |store: Store| async move {
        let app = app(store).await;
        let staff = token_for(&app, "town-staff").await;
        let h = two_person_total_rebuilding("2024-07-01");
        let r = evaluate(&app, &staff, h.clone()).await;
        assert_eq!(r["id"], "相談票-17");
        let basic = programme(&r, "livelihood_basic");
        assert_eq!(basic["status"], "eligible");
        assert_eq!(basic["amount_yen"], 1_000_000);
        let steps = basic["calculation"].as_array().unwrap();
        assert_eq!(steps[0]["amount_yen"], 1_000_000);
        assert_eq!(steps[1]["applied"], false, "two people: no 3/4");
        assert_eq!(basic["deadline"], "2025-08-01");
        let added = programme(&r, "livelihood_additional");
        assert_eq!(added["amount_yen"], 2_000_000);
        // 援護資金 needs the income: possibly eligible, and the question is asked.
        let loan = programme(&r, "relief_loan");
        assert_eq!(loan["status"], "possibly");
        assert!(
            loan["needed"]
                .as_array()
                .unwrap()
                .iter()
                .any(|q| q.as_str().unwrap().contains("所得")),
            "{loan}"
        );
        // 応急修理 (FY2024's limit): 全壊 needs no means test.
        assert_eq!(programme(&r, "emergency_repair")["amount_yen"], 717_000);

        // One person: the single-person rule, each step shown.
        let mut one = h.clone();
        one["members"] = json!([{"name": "甲", "age": 70, "main_earner": true}]);
        let r = evaluate(&app, &staff, one).await;
        let basic = programme(&r, "livelihood_basic");
        assert_eq!(basic["amount_yen"], 750_000);
        assert_eq!(basic["calculation"][1]["applied"], true);
        assert_eq!(basic["calculation"][1]["amount_yen"], 750_000);
        assert_eq!(
            programme(&r, "livelihood_additional")["amount_yen"],
            1_500_000
        );

        // The disaster's date chooses the fiscal year's limit.
        let mut earlier = h.clone();
        earlier["disaster"]["date"] = json!("2024-03-31");
        let r = evaluate(&app, &staff, earlier).await;
        assert_eq!(programme(&r, "emergency_repair")["amount_yen"], 706_000);
        let mut later = h.clone();
        later["disaster"]["date"] = json!("2025-04-01");
        let r = evaluate(&app, &staff, later).await;
        assert_eq!(programme(&r, "emergency_repair")["amount_yen"], 739_000);
        assert_eq!(
            programme(&r, "emergency_repair")["rules_from"],
            "2025-04-01"
        );

        // Several households at once; a bad one is a clear 4xx, nothing evaluated.
        let (s, v) = call_json(
            &app,
            Method::POST,
            "/api/v1/eligibility",
            &staff,
            Some(json!([h.clone(), h.clone()])),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v.as_array().unwrap().len(), 2);
        let (s, _) = call_json(
            &app,
            Method::POST,
            "/api/v1/eligibility",
            &staff,
            Some(json!({"disaster": {"date": "2024-13-01"}})),
        )
        .await;
        assert!(s.is_client_error(), "{s}");
    }
);

db_test!(
    a_municipal_top_up_is_checked_saved_and_evaluated,
    |store: Store| async move {
        let app = app(store).await;
        let staff = token_for(&app, "town-staff").await;
        let mut form = json!({
            "id": "shiomi_rebuild_top_up", "name": "潮見市住宅再建支援金（上乗せ）",
            "provider": "municipality", "kind": "grant", "categories": ["housing"],
            "summary": "生活再建支援金の加算支援金を受ける世帯に、市が上乗せします。",
            "documents": "申請書\n加算支援金の決定通知の写し", "where_to_apply": "潮見市役所 被災者支援課",
            "source": "潮見市被災者住宅再建支援事業補助金交付要綱",
            "condition": "eligible(livelihood_additional) and rebuild == 建設購入",
            "condition_reason": "加算支援金（建設・購入）の対象であること",
            "amount": "amount(livelihood_additional) / 4",
            "amount_label": "加算支援金の4分の1",
            "window_months": 24, "from": "2020-04-01", "checked_on": "2026-12-01"
        });
        // A rule that does not type-check is refused with its field and position.
        let mut bad = form.clone();
        bad["amount"] = json!("household_size * 10");
        let (s, v) = call_json(
            &app,
            Method::POST,
            "/api/v1/programmes",
            &staff,
            Some(json!({"version": 0, "programme": bad})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v.to_string().contains("金額の 1 文字目"), "{v}");
        // A national programme's id cannot be taken.
        let mut taken = form.clone();
        taken["id"] = json!("livelihood_basic");
        let (s, _) = call_json(
            &app,
            Method::POST,
            "/api/v1/programmes",
            &staff,
            Some(json!({"version": 0, "programme": taken})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, v) = call_json(
            &app,
            Method::POST,
            "/api/v1/programmes",
            &staff,
            Some(json!({"version": 0, "programme": form.clone()})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["version"], 1);
        // Saving again from version 0 is a conflict, not an overwrite.
        let (s, _) = call_json(
            &app,
            Method::POST,
            "/api/v1/programmes",
            &staff,
            Some(json!({"version": 0, "programme": form.clone()})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let r = evaluate(&app, &staff, two_person_total_rebuilding("2024-07-01")).await;
        let top = programme(&r, "shiomi_rebuild_top_up");
        assert_eq!(top["status"], "eligible");
        assert_eq!(top["amount_yen"], 500_000);
        // Changed from its version: the new rule applies.
        form["amount"] = json!("300_000円");
        let (s, _) = call_json(
            &app,
            Method::POST,
            "/api/v1/programmes",
            &staff,
            Some(json!({"version": 1, "programme": form})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let r = evaluate(&app, &staff, two_person_total_rebuilding("2024-07-01")).await;
        assert_eq!(
            programme(&r, "shiomi_rebuild_top_up")["amount_yen"],
            300_000
        );
        // The catalogue lists it as municipal; another municipality does not have it.
        let (_, list) = call_json(&app, Method::GET, "/api/v1/programmes", &staff, None).await;
        let mine = list
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == "shiomi_rebuild_top_up")
            .expect("listed");
        assert_eq!(mine["municipal"], true);
        let other = token_for(&app, "other-staff").await;
        let r = evaluate(&app, &other, two_person_total_rebuilding("2024-07-01")).await;
        assert!(
            !r["programmes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["programme"] == "shiomi_rebuild_top_up")
        );
        // Only the municipality's staff add programmes.
        let npo = token_for(&app, "npo-staff").await;
        let mut theirs = form.clone();
        theirs["id"] = json!("npo_programme");
        let (s, _) = call_json(
            &app,
            Method::POST,
            "/api/v1/programmes",
            &npo,
            Some(json!({"version": 0, "programme": theirs})),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "the catalogue's writers are the municipality's staff"
        );
    }
);

pub(crate) async fn survey_and_issue(
    app: &TestApp,
    t: &str,
    decl: &str,
    h: &str,
    ratio: f64,
    today: &str,
) -> String {
    let (s, a) = call_json(
        app,
        Method::POST,
        &format!("/api/v1/disasters/{decl}/households/{h}/damage-applications"),
        t,
        Some(
            json!({"applicant_name": "山田　一郎", "applicant_relation": "member",
            "applicant_phone": null, "cause": null, "location": null, "applied_on": today}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let id = a["id"].as_str().unwrap().to_owned();
    let survey = json!({"version": 1, "survey": {"kind": "first", "surveyed_on": today,
        "surveyors": ["調査班A"], "damage_ratio": ratio, "collapsed": false, "notes": null}});
    let (s, v) = call_json(
        app,
        Method::POST,
        &format!("/api/v1/damage-applications/{id}/surveys"),
        t,
        Some(survey),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = call_json(
        app,
        Method::POST,
        &format!("/api/v1/damage-applications/{id}/issue"),
        t,
        Some(json!({"version": 2})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    id
}

db_test!(
    on_the_ledger_the_certificate_and_circumstances_decide_and_unclaimed_households_are_listed,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        let (s, _) = import_residents(&app, &staff, RESIDENTS, "").await;
        assert_eq!(s, StatusCode::OK);
        let decl = declare(&app, &admin).await;
        let today = chrono::Utc::now()
            .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
            .date_naive();
        let today_s = today.to_string();
        let (h1, haru) = household_of(&app, &staff, "1001").await;
        let (_, ichiro) = household_of(&app, &staff, "2001").await;
        let (h3, _) = household_of(&app, &staff, "3001").await;
        let programmes = format!("/api/v1/disasters/{decl}/households/{h1}/programmes");

        // Nothing known yet: the acts and the damage are the questions.
        let (s, v) = call_json(&app, Method::GET, &programmes, &staff, None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let basic = programme(&v, "livelihood_basic");
        assert_eq!(basic["status"], "possibly");
        assert!(
            basic["needed"].to_string().contains("被害の程度"),
            "{basic}"
        );

        // The acts apply; a 第1次 survey at 35% → 中規模半壊: no basic support, the addition by
        // rebuild method once the household says how it rebuilds.
        let (s, _) = call_json(
            &app,
            Method::PUT,
            &format!("/api/v1/disasters/{decl}/acts"),
            &staff,
            Some(
                json!({"support_act_applied": true, "relief_act_applied": true,
                "condolence_act_applies": true}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let app_id = survey_and_issue(&app, &staff, &decl, &h1, 35.0, &today_s).await;
        let (s, v) = call_json(
            &app,
            Method::PUT,
            &format!("/api/v1/disasters/{decl}/households/{h1}/circumstances"),
            &staff,
            Some(json!({"version": 0, "circumstances": {
                "rebuild": "build_or_buy", "main_earner": ichiro, "uninhabitable": true,
                "dwelling_lost": false,
                "demolished": false, "long_term_evacuation": false, "temporary_housing": false,
                "cannot_afford_repair": true, "income_yen": 3_000_000,
                "head_injured_month": false, "goods_damage_third": true, "in_school": []}})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, v) = call_json(&app, Method::GET, &programmes, &staff, None).await;
        assert_eq!(v["facts"]["dwelling"]["damage"], "medium_half");
        assert_eq!(programme(&v, "livelihood_basic")["status"], "not_eligible");
        assert_eq!(
            programme(&v, "livelihood_additional")["amount_yen"],
            1_000_000
        );
        assert_eq!(programme(&v, "relief_loan")["amount_yen"], 1_700_000);
        // A disaster in this fiscal year: 応急修理's limit is not in the catalogue yet: possibly
        // eligible by the last rules' requirements, no amount, and said so.
        let repair = programme(&v, "emergency_repair");
        assert_eq!(repair["status"], "possibly");
        assert_eq!(repair["amount_yen"], Value::Null);
        assert!(
            repair["reasons"][0]
                .as_str()
                .unwrap()
                .contains("カタログにありません"),
            "{repair}"
        );

        // Re-survey at 42% → 大規模半壊: evaluated again at once.
        let at = |p: &str| format!("/api/v1/damage-applications/{app_id}/{p}");
        let (s, _) = call_json(
            &app,
            Method::POST,
            &at("resurvey"),
            &staff,
            Some(json!({"version": 3, "reason": "内部の損傷"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let second = json!({"version": 4, "survey": {"kind": "second", "surveyed_on": today_s,
            "surveyors": ["調査班B"], "damage_ratio": 42.0, "collapsed": false, "notes": null}});
        let (s, _) = call_json(&app, Method::POST, &at("surveys"), &staff, Some(second)).await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = call_json(
            &app,
            Method::POST,
            &at("issue"),
            &staff,
            Some(json!({"version": 5})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (_, v) = call_json(&app, Method::GET, &programmes, &staff, None).await;
        assert_eq!(v["facts"]["dwelling"]["damage"], "large_half");
        let basic = programme(&v, "livelihood_basic");
        assert_eq!(basic["status"], "eligible");
        assert_eq!(basic["amount_yen"], 500_000);
        assert_eq!(
            programme(&v, "livelihood_additional")["amount_yen"],
            2_000_000
        );
        let version = v["ledger_version"].as_i64().unwrap();

        // H3 has a certificate too (全壊) but nothing else known.
        survey_and_issue(&app, &staff, &decl, &h3, 60.0, &today_s).await;

        // Who has not applied: H1 for its basic and additional support, nearest deadline
        // first (basic: 13 months), with the household's yen gap.
        let unclaimed = format!("/api/v1/disasters/{decl}/programmes/unclaimed");
        let (s, u) = call_json(&app, Method::GET, &unclaimed, &staff, None).await;
        assert_eq!(s, StatusCode::OK, "{u}");
        assert_eq!(u["households"], 2);
        let rows = u["rows"].as_array().unwrap();
        let h1_rows: Vec<&Value> = rows
            .iter()
            .filter(|r| r["household_id"] == h1.as_str())
            .collect();
        // 応急修理 first (3 months), then the basic support (13 months).
        assert_eq!(h1_rows[0]["programme"], "emergency_repair", "{u}");
        assert_eq!(h1_rows[1]["programme"], "livelihood_basic", "{u}");
        let gap = h1_rows[0]["household_gap_yen"].as_i64().unwrap();
        assert_eq!(
            gap,
            500_000 + 2_000_000,
            "grants; the loan is not counted: {u}"
        );
        assert!(rows.iter().any(|r| r["household_id"] == h3.as_str()));
        let deadlines: Vec<&str> = rows.iter().filter_map(|r| r["deadline"].as_str()).collect();
        let mut sorted = deadlines.clone();
        sorted.sort_unstable();
        assert_eq!(deadlines, sorted, "nearest deadline first");
        assert_eq!(
            u["areas"][0]["area"].as_str().map(|a| !a.is_empty()),
            Some(true)
        );

        // The household applies for the basic support: it leaves the list, the gap shrinks.
        let (s, v) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{decl}/households/{h1}/programme-applications"),
            &staff,
            Some(json!({"version": version, "programme": "livelihood_basic",
                "applied_on": today_s, "amount_applied_yen": 500_000})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, u) = call_json(&app, Method::GET, &unclaimed, &staff, None).await;
        let h1_rows: Vec<&Value> = u["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["household_id"] == h1.as_str())
            .collect();
        assert!(h1_rows.iter().all(|r| r["programme"] != "livelihood_basic"));
        assert_eq!(h1_rows[0]["household_gap_yen"], 2_000_000);
        // A stale version is a conflict.
        let (s, _) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{decl}/households/{h1}/programme-decisions"),
            &staff,
            Some(
                json!({"version": version, "programme": "livelihood_basic", "granted": true,
                "decided_on": today_s, "amount_granted_yen": 500_000}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        // Granted: written into 援護の実施の状況.
        let (s, v) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{decl}/households/{h1}/programme-decisions"),
            &staff,
            Some(
                json!({"version": version + 1, "programme": "livelihood_basic", "granted": true,
                "decided_on": today_s, "amount_granted_yen": 500_000}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            v["body"]["support"][0]["programme"],
            "被災者生活再建支援金（基礎支援金）"
        );
        assert_eq!(v["body"]["support"][0]["amount_yen"], 500_000);
        assert_eq!(v["body"]["applications"][0]["state"], "granted");
        let (_, v) = call_json(&app, Method::GET, &programmes, &staff, None).await;
        assert_eq!(
            programme(&v, "livelihood_basic")["application"]["state"],
            "granted"
        );

        // The household's letter.
        let pdf = api(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/households/{h1}/letter.pdf"),
            Some(&staff),
            None,
        )
        .await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert!(pdf.bytes.starts_with(b"%PDF"));

        // Nobody else sees any of it: 404, not 403.
        for login in ["npo-staff", "other-staff", "care-manager"] {
            let t = token_for(&app, login).await;
            for path in [programmes.clone(), unclaimed.clone()] {
                let (s, _) = call_json(&app, Method::GET, &path, &t, None).await;
                assert_eq!(s, StatusCode::NOT_FOUND, "{login} {path}");
            }
        }
        let _ = haru;
    }
);
