//! The victims' ledger and damage certificates (issue 19), tried as a new user would after a
//! declared flood: a resident extract of the town brings every household in; a household's
//! ledger shows its roster member, the shelter stay and the whereabouts; a 第1次 survey at
//! 35% gives 中規模半壊 and a certificate; a re-survey at 42% re-issues it as 大規模半壊 with the
//! history; the ledger is provided to a registered NPO, which sees only what was provided;
//! the progress shows days to issue and the households that have not applied.

use crate::common::{HONMACHI_ROSTER, TestApp, api, app, call_json, load_roster, token_for};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tsunagi_store::{Store, db_test};

/// The town's resident extract: the roster's 山田 ハル (1001) with her son in household H1,
/// 佐藤 (1002, on the roster) alone in H2, and two households not on the roster at all.
pub(crate) const RESIDENTS: &str = "宛名番号,世帯番号,氏名,氏名カナ,生年月日,性別,住所,続柄\n\
1001,H1,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市本町1-1,世帯主\n\
2001,H1,山田　一郎,ヤマダ イチロウ,S35.4.1,1,潮見市本町1-1,子\n\
1002,H2,佐藤　茂,サトウ シゲル,S10.1.1,1,潮見市本町1-2,世帯主\n\
3001,H3,鈴木　花,スズキ ハナ,S50.2.3,2,潮見市港町2-1,世帯主\n\
3002,H3,鈴木　空,スズキ ソラ,H20.5.5,1,潮見市港町2-1,子\n\
4001,H4,高橋　守,タカハシ マモル,S40.7.7,1,潮見市港町3-3,世帯主\n";

pub(crate) async fn import_residents(
    app: &TestApp,
    t: &str,
    csv: &str,
    query: &str,
) -> (StatusCode, Value) {
    post_csv(app, t, &format!("/api/v1/residents/import{query}"), csv).await
}

pub(crate) async fn declare(app: &TestApp, admin: &str) -> String {
    declare_named(app, admin, "令和8年12月 潮見川の洪水").await
}

/// A flood over the whole town, declared by `admin` under `name`: its id.
pub(crate) async fn declare_named(app: &TestApp, admin: &str, name: &str) -> String {
    let (s, v) = call_json(
        app,
        Method::POST,
        "/api/v1/disasters",
        admin,
        Some(json!({"name": name, "kind": "flood", "stage": "occurred",
            "area": {"type": "whole_municipality"}, "started_at": null})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_str().unwrap().to_owned()
}

/// Closes a declaration as `admin`, from the version the list shows.
pub(crate) async fn close_declaration(app: &TestApp, admin: &str, id: &str) {
    let (_, all) = call_json(app, Method::GET, "/api/v1/disasters", admin, None).await;
    let version = all
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {all}"))["version"]
        .clone();
    let (s, v) = call_json(
        app,
        Method::POST,
        &format!("/api/v1/disasters/{id}/close"),
        admin,
        Some(json!({"version": version})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

pub(crate) async fn household_of(app: &TestApp, t: &str, resident_no: &str) -> (String, String) {
    let (_, v) = call_json(
        app,
        Method::GET,
        &format!("/api/v1/persons?q={resident_no}"),
        t,
        None,
    )
    .await;
    let id = v["items"][0]["id"].as_str().expect("person").to_owned();
    let (_, p) = call_json(app, Method::GET, &format!("/api/v1/persons/{id}"), t, None).await;
    (
        p["household_id"].as_str().expect("household").to_owned(),
        id,
    )
}

db_test!(
    a_resident_extract_is_all_or_nothing_and_keeps_the_roster,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        // A bad row stops the file, reported with its line; nothing is written.
        let bad = format!("{RESIDENTS}5001,,名無し,ナナシ,S1.1.1,1,潮見市,世帯主\n");
        let (s, v) = import_residents(&app, &staff, &bad, "").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["applied"], false);
        assert_eq!(v["errors"][0]["line"], 8);
        assert_eq!(v["errors"][0]["column"], "世帯番号");
        let (_, found) = call_json(&app, Method::GET, "/api/v1/persons?q=3001", &staff, None).await;
        assert_eq!(found["items"].as_array().unwrap().len(), 0);
        // The good file: 4 new residents, the roster's two matched on 宛名番号.
        let (s, v) = import_residents(&app, &staff, RESIDENTS, "").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["applied"], true, "{v}");
        assert_eq!(v["outcome"]["created"].as_array().unwrap().len(), 4);
        // Again: nothing changes.
        let (_, v) = import_residents(&app, &staff, RESIDENTS, "").await;
        assert_eq!(v["outcome"]["unchanged"], 6, "{v}");
        // 山田 ハル keeps her record and her roster entry.
        let (_, roster) = call_json(&app, Method::GET, "/api/v1/roster", &staff, None).await;
        assert_eq!(roster["total"], 2, "{roster}");
        // Only the municipality's staff import.
        let npo = token_for(&app, "npo-staff").await;
        let (s, _) = import_residents(&app, &npo, RESIDENTS, "").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
);

db_test!(
    the_ledger_and_certificates_after_a_declared_flood,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        let (s, _) = import_residents(&app, &staff, RESIDENTS, "").await;
        assert_eq!(s, StatusCode::OK);
        let decl = declare(&app, &admin).await;
        let (h1, haru) = household_of(&app, &staff, "1001").await;
        let (_, ichiro) = household_of(&app, &staff, "2001").await;
        let ledger_path = format!("/api/v1/disasters/{decl}/households/{h1}/ledger");

        // The ledger shows both members; the roster member as 要配慮者 with her reasons and
        // her safety check (the sweep opened with the declaration).
        let (s, v) = call_json(&app, Method::GET, &ledger_path, &staff, None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["version"], 0);
        let members = v["members"].as_array().unwrap();
        assert_eq!(members.len(), 2);
        let haru_line = members.iter().find(|m| m["id"] == haru.as_str()).unwrap();
        assert_eq!(haru_line["on_roster"], true);
        assert!(
            haru_line["care_reasons"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r.as_str().unwrap().contains("認知症")),
            "{haru_line}"
        );
        assert_eq!(haru_line["safety"], "unchecked");
        let ichiro_line = members.iter().find(|m| m["id"] == ichiro.as_str()).unwrap();
        assert_eq!(ichiro_line["on_roster"], false);

        // Whereabouts: she went to the shelter, then to relatives; he stays at home.
        let today = chrono::Utc::now()
            .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
            .date_naive()
            .to_string();
        let body = json!({"version": 0, "ledger": {
            "contact_phone": "090-1111-2222",
            "whereabouts": [
                {"person": haru, "kind": "shelter", "place": "潮見市立本町小学校", "since": today},
                {"person": ichiro, "kind": "home", "place": null, "since": today}],
            "harms": [{"person": ichiro, "harm": "injured", "caused_by_disaster": true}],
            "support": [{"programme": "災害見舞金（市）", "given_on": today, "amount_yen": 30000, "note": null}],
            "livelihood_lost": false, "other_damage": "家財の浸水", "consent_to_provide_on": null, "notes": null}});
        let (s, v) = call_json(&app, Method::PUT, &ledger_path, &staff, Some(body.clone())).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["version"], 1);
        let haru_line = v["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == haru.as_str())
            .unwrap()
            .clone();
        assert_eq!(haru_line["whereabouts"]["kind"], "shelter");
        assert_eq!(haru_line["whereabouts"]["place"], "潮見市立本町小学校");
        // A stale save is a conflict, not an overwrite.
        let (s, _) = call_json(&app, Method::PUT, &ledger_path, &staff, Some(body)).await;
        assert_eq!(s, StatusCode::CONFLICT);
        let ledger_id = v["ledger_id"].as_str().unwrap().to_owned();

        // The application, a 第1次 survey at 35% → 中規模半壊, the certificate.
        let (s, a) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{decl}/households/{h1}/damage-applications"),
            &staff,
            Some(
                json!({"applicant_name": "山田　一郎", "applicant_relation": "member",
                "applicant_phone": null, "cause": null, "location": null, "applied_on": today}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        assert_eq!(a["cause"], "令和8年12月 潮見川の洪水");
        assert_eq!(a["location"], "潮見市本町1-1");
        let app_id = a["id"].as_str().unwrap().to_owned();
        let at = |p: &str| format!("/api/v1/damage-applications/{app_id}/{p}");
        let (s, v) = call_json(
            &app,
            Method::POST,
            &at("issue"),
            &staff,
            Some(json!({"version": 1})),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "no certificate without a survey: {v}"
        );
        let first = json!({"version": 1, "survey": {"kind": "first", "surveyed_on": today,
            "surveyors": ["調査班A 田中", "調査班A 森"], "damage_ratio": 35.0, "collapsed": false, "notes": "床上浸水 45cm"}});
        let (s, v) = call_json(&app, Method::POST, &at("surveys"), &staff, Some(first)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["surveys"][0]["level"], "medium_half");
        let (s, v) = call_json(
            &app,
            Method::POST,
            &at("issue"),
            &staff,
            Some(json!({"version": 2})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "issued");
        assert_eq!(v["certificates"][0]["level"], "medium_half");
        let first_number = v["certificates"][0]["number"].as_str().unwrap().to_owned();
        assert!(first_number.ends_with("-000001号"), "{first_number}");
        let pdf = api(
            &app,
            Method::GET,
            &at("certificate.pdf"),
            Some(&staff),
            None,
        )
        .await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert!(pdf.bytes.starts_with(b"%PDF"));

        // The household asks for a re-survey; only a 第2次 survey may follow; 42% → 大規模半壊.
        let (s, v) = call_json(
            &app,
            Method::POST,
            &at("resurvey"),
            &staff,
            Some(json!({"version": 3, "reason": "内部の床・壁の損傷が調べられていない"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "resurvey_requested");
        let again_first = json!({"version": 4, "survey": {"kind": "first", "surveyed_on": today,
            "surveyors": ["調査班B"], "damage_ratio": 42.0, "collapsed": false, "notes": null}});
        let (s, _) = call_json(
            &app,
            Method::POST,
            &at("surveys"),
            &staff,
            Some(again_first),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let second = json!({"version": 4, "survey": {"kind": "second", "surveyed_on": today,
            "surveyors": ["調査班B 山口"], "damage_ratio": 42.0, "collapsed": false, "notes": "内部立入"}});
        let (s, v) = call_json(&app, Method::POST, &at("surveys"), &staff, Some(second)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = call_json(
            &app,
            Method::POST,
            &at("issue"),
            &staff,
            Some(json!({"version": 5})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let certs = v["certificates"].as_array().unwrap();
        assert_eq!(certs.len(), 2, "the history is kept");
        assert_eq!(certs[0]["level"], "medium_half");
        assert_eq!(certs[1]["level"], "large_half");
        assert_eq!(certs[1]["reissue"], true);
        assert_eq!(v["surveys"].as_array().unwrap().len(), 2);
        let batch = api(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/certificates.pdf"),
            Some(&staff),
            None,
        )
        .await;
        assert_eq!(batch.status, StatusCode::OK);
        // The ledger shows the damage with its history.
        let (_, v) = call_json(&app, Method::GET, &ledger_path, &staff, None).await;
        assert_eq!(v["damage"][0]["certificates"].as_array().unwrap().len(), 2);

        // Provision: an unregistered NPO cannot be given the ledger; registered, it can.
        let npo_org = app.f.npo.id.0.to_string();
        let provide = json!({"basis": "registered_partner", "receiver": npo_org,
            "items": ["identity", "support"], "purpose": "生活再建の相談と見守り訪問", "disclosed_on": today});
        let disclose_path = format!("/api/v1/ledgers/{ledger_id}/disclosures");
        let (s, v) = call_json(
            &app,
            Method::POST,
            &disclose_path,
            &staff,
            Some(provide.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (s, _) = call_json(
            &app,
            Method::POST,
            "/api/v1/ledger-partners",
            &staff,
            Some(json!({"organisation_id": npo_org, "registration_no": "潮見-協力-001"})),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, v) = call_json(&app, Method::POST, &disclose_path, &staff, Some(provide)).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        // The owner sees the disclosure record on the ledger.
        let (_, v) = call_json(&app, Method::GET, &ledger_path, &staff, None).await;
        assert_eq!(v["disclosures"][0]["basis"], "registered_partner");
        assert_eq!(v["disclosures"][0]["receiver_id"], npo_org.as_str());
        // The NPO sees names and support, not whereabouts, contact, damage or who else got it.
        let npo = token_for(&app, "npo-staff").await;
        let (s, list) = call_json(
            &app,
            Method::GET,
            "/api/v1/ledgers/provided-to-me",
            &npo,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(list[0]["ledger_id"], ledger_id.as_str());
        let (s, v) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/ledgers/{ledger_id}"),
            &npo,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(
            v["members"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["name"] == "山田　ハル")
        );
        assert!(
            v["members"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| m["address"].is_null() && m["whereabouts"].is_null())
        );
        assert_eq!(v["body"]["support"][0]["amount_yen"], 30000);
        assert!(v["body"]["contact_phone"].is_null());
        assert!(v["body"]["whereabouts"].as_array().unwrap().is_empty());
        assert!(v["damage"].as_array().unwrap().is_empty());
        assert!(v["disclosures"].as_array().unwrap().is_empty());
        // …and nothing by the household's path; another organisation sees nothing at all.
        let (s, _) = call_json(&app, Method::GET, &ledger_path, &npo, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let leader = token_for(&app, "community-leader").await;
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/ledgers/{ledger_id}"),
            &leader,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/damage-applications/{app_id}"),
            &npo,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Progress: one issued the same day; the three households with no application listed.
        let (s, p) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/damage-progress"),
            &staff,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        assert_eq!(p["total"]["applied"], 1);
        assert_eq!(p["total"]["issued"], 1);
        assert_eq!(p["total"]["resurvey_requested"], 1);
        assert_eq!(p["total"]["median_days_to_issue"], 0);
        assert_eq!(p["total"]["by_level"]["large_half"], 1);
        assert_eq!(p["households_in_area"], 4);
        let not_applied: Vec<&str> = p["not_applied"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["household_no"].as_str().unwrap())
            .collect();
        assert_eq!(not_applied.len(), 3, "{not_applied:?}");
        assert!(!not_applied.contains(&"H1"));
        assert!(p["queue"].as_array().unwrap().is_empty());
        // Exchange: the certificates as CSV with the matching key of the address.
        let csv = api(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/certificates/export?format=csv"),
            Some(&staff),
            None,
        )
        .await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.body.contains("大規模半壊") && csv.body.contains("中規模半壊"),
            "{}",
            csv.body
        );
        assert!(csv.body.contains(&first_number));
        let csv = api(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/ledger/export?format=csv"),
            Some(&staff),
            None,
        )
        .await;
        assert_eq!(csv.status, StatusCode::OK);
        let lines: Vec<&str> = csv.body.lines().collect();
        assert_eq!(
            lines.len(),
            3,
            "a header and the two members of H1: {}",
            csv.body
        );
        assert!(
            csv.body.contains("避難所") && csv.body.contains("潮見市立本町小学校"),
            "{}",
            csv.body
        );
        assert!(
            csv.body.contains("潮見市本町1-1") && csv.body.contains("大規模半壊"),
            "{}",
            csv.body
        );
        let bad = api(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/ledger/export?format=pdf"),
            Some(&staff),
            None,
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        // Every step is in the audit trail.
        let (_, audit) = call_json(
            &app,
            Method::GET,
            "/api/v1/audit?per_page=200",
            &admin,
            None,
        )
        .await;
        let actions: Vec<String> = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap_or_default().to_owned())
            .collect();
        for a in [
            "ledger.updated",
            "ledger.disclosed",
            "damage.applied",
            "damage.surveyed",
            "damage.certificate_issued",
            "damage.resurvey_requested",
            "ledger.viewed",
        ] {
            assert!(
                actions.iter().any(|x| x == a),
                "{a} missing from {actions:?}"
            );
        }
    }
);

db_test!(
    a_surveyor_teams_sheet_is_recorded_whole_or_not_at_all,
    |store: Store| async move {
        let app = app(store).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        let (s, _) = import_residents(&app, &staff, RESIDENTS, "").await;
        assert_eq!(s, StatusCode::OK);
        let decl = declare(&app, &admin).await;
        let today = chrono::Utc::now()
            .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
            .date_naive()
            .to_string();
        for no in ["1001", "3001"] {
            let (h, _) = household_of(&app, &staff, no).await;
            let (s, v) = call_json(
                &app,
                Method::POST,
                &format!("/api/v1/disasters/{decl}/households/{h}/damage-applications"),
                &staff,
                Some(
                    json!({"applicant_name": "申請者", "applicant_relation": "householder",
                    "applicant_phone": null, "cause": null, "location": null, "applied_on": today}),
                ),
            )
            .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let path = format!("/api/v1/disasters/{decl}/surveys/import");
        // H3's 第2次 without a re-survey request, H4 without an application, H9 unknown:
        // each reported with its line; nothing recorded, not even H1's good row.
        let sheet = format!(
            "世帯番号,調査,調査日,調査員,損害割合,全壊（一見）\n\
            H1,1次,{today},A班,35,\nH3,2次,{today},A班,20,\nH4,1次,{today},A班,5,\nH9,1次,{today},A班,5,\n"
        );
        let (s, v) = post_csv(&app, &staff, &path, &sheet).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["applied"], false);
        let lines: Vec<u64> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["line"].as_u64().unwrap())
            .collect();
        assert_eq!(lines, vec![3, 4, 5], "{v}");
        let (h1, _) = household_of(&app, &staff, "1001").await;
        let (_, ledger) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/households/{h1}/ledger"),
            &staff,
            None,
        )
        .await;
        assert!(
            ledger["damage"][0]["surveys"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        // The corrected sheet: both recorded, the levels from the ratios.
        let sheet = format!(
            "世帯番号,調査,調査日,調査員,損害割合,全壊（一見）\n\
            H1,1次,{today},A班 田中,35,\nH3,1次,{today},A班,,○\n"
        );
        let (s, v) = post_csv(&app, &staff, &path, &sheet).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["applied"], true, "{v}");
        assert_eq!(v["recorded"], 2);
        let (_, ledger) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/households/{h1}/ledger"),
            &staff,
            None,
        )
        .await;
        assert_eq!(ledger["damage"][0]["surveys"][0]["level"], "medium_half");
        assert_eq!(ledger["damage"][0]["state"], "surveyed");
    }
);

/// Posts a CSV file as the body; the status and the JSON report.
async fn post_csv(app: &TestApp, t: &str, path: &str, csv: &str) -> (StatusCode, Value) {
    let r = api(app, Method::POST, path, Some(t), Some(csv.to_owned())).await;
    let v = if r.body.is_empty() {
        Value::Null
    } else {
        r.json()
    };
    (r.status, v)
}
