//! Approaches イ (with the community) and ウ (with a welfare professional) walked to a shared
//! plan over the API, each step by the party the guide names, on both databases. (ア is walked
//! through the screens in workflow.rs and in the browser test.)

use crate::common::{TestApp, api, app, token_for};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tsunagi_store::{Store, db_test};

// 1001: flood + dementia + lives alone → ウ. 1003: landslide + lives alone + watched → イ.
const ROSTER: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,独居,見守り,洪水,土砂災害,自治会\n\
1001,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市本町1-1,1,1,,1,,本町自治会\n\
1003,岡林　千代,オカバヤシ チヨ,S8.1.1,2,潮見市本町3,,1,1,,1,本町自治会\n";

async fn call(app: &TestApp, m: Method, path: &str, t: &str, body: Option<Value>) -> Value {
    let r = api(app, m.clone(), path, Some(t), body.map(|b| b.to_string())).await;
    assert!(r.status.is_success(), "{m} {path}: {} {}", r.status, r.body);
    if r.body.is_empty() {
        Value::Null
    } else {
        r.json()
    }
}

/// Finishes the current step as `t`; returns the new step.
async fn advance(app: &TestApp, id: &str, t: &str) -> String {
    let w = call(
        app,
        Method::GET,
        &format!("/api/v1/persons/{id}/workflow"),
        t,
        None,
    )
    .await;
    let w = call(
        app,
        Method::POST,
        &format!("/api/v1/persons/{id}/workflow/advance"),
        t,
        Some(json!({"version": w["version"]})),
    )
    .await;
    w["step"].as_str().unwrap().to_owned()
}

fn consent(kinds: &[&str]) -> Value {
    json!({"status": "given", "scope": kinds, "obtained_on": "2026-11-01", "method": "written",
           "obtained_by": null, "note": null})
}

fn plan(hazard: &str) -> Value {
    json!({"version": 0, "plan": {
        "supporters": [{"name": "隣の山本さん", "address": "潮見市本町1-2", "phone": "0889-22-0001", "relationship": "近所",
            "consented_on": "2026-11-01", "consent_method": "書面"}],
        "destinations": [{"hazard": hazard, "place": "潮見小学校", "route": "県道を北へ"}],
        "timing": "警戒レベル3 高齢者等避難で", "transport": "車いす",
        "needs": {"medical_devices": "", "medicines": "", "mobility_aids": "車いす", "communication": "", "allergies": "", "carer": ""},
        "emergency_contacts": [{"name": "長男", "relationship": "子", "phone": "090-0000-0000"}],
        "notes_for_supporters": "", "agreed_at": "調整会議"
    }})
}

db_test!(
    approaches_i_and_u_reach_a_shared_plan,
    |store: Store| async move {
        let app = app(store.clone()).await;
        crate::common::load_roster(&app, ROSTER).await;
        let town = token_for(&app, "town-staff").await;
        let care = token_for(&app, "care-manager").await;
        let leader = token_for(&app, "community-leader").await;
        call(&app, Method::POST, "/api/v1/roster/triage", &town, None).await;
        let roster = call(&app, Method::GET, "/api/v1/roster", &town, None).await;
        let find = |no: &str| {
            roster["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["person"]["name"] == no)
                .unwrap_or_else(|| panic!("{no} in {roster}"))
                .clone()
        };
        let u = find("山田　ハル");
        let i = find("岡林　千代");
        assert_eq!(u["triage"]["approach"], "welfare_professional", "{u}");
        assert_eq!(i["triage"]["approach"], "community", "{i}");
        let u = u["person"]["id"].as_str().unwrap().to_owned();
        let i = i["person"]["id"].as_str().unwrap().to_owned();

        // ── ウ: the municipality briefs and assigns a care manager, who visits before consent.
        call(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{u}/workflow"),
            &town,
            None,
        )
        .await;
        assert_eq!(
            api(
                &app,
                Method::GET,
                &format!("/api/v1/persons/{u}"),
                Some(&care),
                None
            )
            .await
            .status,
            StatusCode::NOT_FOUND,
            "not assigned yet"
        );
        call(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{u}/workflow/assign"),
            &town,
            Some(json!({"organisation_id": app.f.care.id.0, "assignee": "ケアマネ 高橋", "due_date": "2026-12-25"})),
        )
        .await;
        assert_eq!(advance(&app, &u, &town).await, "professional_visits");
        // Assigned (委託): the care manager opens the record before consent.
        let rec = call(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{u}"),
            &care,
            None,
        )
        .await;
        assert_eq!(rec["name"], "山田　ハル");
        // The visit's consent, recorded by the municipality, then the professional goes on.
        call(
            &app,
            Method::PUT,
            &format!("/api/v1/persons/{u}/consent"),
            &town,
            Some(consent(&[
                "care_provider",
                "community_association",
                "fire_department",
            ])),
        )
        .await;
        assert_eq!(advance(&app, &u, &care).await, "professional_writes_plan");
        call(
            &app,
            Method::PUT,
            &format!("/api/v1/persons/{u}/plan"),
            &care,
            Some(plan("flood")),
        )
        .await;
        assert_eq!(advance(&app, &u, &care).await, "municipal_check");
        // 市町村による確認 is the municipality's: the care manager, who may write the plan, may
        // not check it (and cannot skip it either).
        let w = call(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{u}/workflow"),
            &care,
            None,
        )
        .await;
        for body in [
            json!({"version": w["version"]}),
            json!({"version": w["version"], "skip": true}),
        ] {
            let r = api(
                &app,
                Method::POST,
                &format!("/api/v1/persons/{u}/workflow/advance"),
                Some(&care),
                Some(body.to_string()),
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        }
        assert_eq!(advance(&app, &u, &town).await, "share");
        assert_eq!(advance(&app, &u, &town).await, "done");

        // ── イ: consent, explanation, a recorded 調整会議, the community writes, then checks.
        call(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{i}/workflow"),
            &town,
            None,
        )
        .await;
        call(
            &app,
            Method::PUT,
            &format!("/api/v1/persons/{i}/consent"),
            &town,
            Some(consent(&["community_association"])),
        )
        .await;
        assert_eq!(advance(&app, &i, &town).await, "explain_to_community");
        assert_eq!(advance(&app, &i, &town).await, "coordination_meeting");
        call(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{i}/workflow/assign"),
            &town,
            Some(json!({"organisation_id": app.f.community.id.0, "assignee": "自治会長", "due_date": null})),
        )
        .await;
        let m = call(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{i}/meetings"),
            &leader,
            Some(json!({"held_on": "2026-11-20", "place": "本町公民館",
                "attendees": [{"name": "岡林 千代", "role": "本人"}, {"name": "本町 一郎", "role": "自治会長"}],
                "destination_and_route": "山手小学校、市道を南へ", "timing": "警戒レベル3で",
                "roles": "会長が声かけ、隣家が同行", "notes": null})),
        )
        .await;
        assert_eq!(m["meeting"]["attendees"].as_array().unwrap().len(), 2);
        assert_eq!(advance(&app, &i, &leader).await, "community_writes_plan");
        call(
            &app,
            Method::PUT,
            &format!("/api/v1/persons/{i}/plan"),
            &leader,
            Some(plan("landslide")),
        )
        .await;
        assert_eq!(advance(&app, &i, &leader).await, "municipal_check");
        assert_eq!(advance(&app, &i, &town).await, "share");
        assert_eq!(advance(&app, &i, &town).await, "done");
        let meetings = call(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{i}/meetings"),
            &town,
            None,
        )
        .await;
        assert_eq!(meetings[0]["meeting"]["place"], "本町公民館");
        // The plan page's history says it in Japanese, with who recorded it.
        let mut staff = crate::common::Client::new(&app);
        staff.login("town-staff", crate::common::PASSWORD).await;
        let page = staff.get(&format!("/persons/{i}/plan")).await;
        assert!(
            page.body
                .contains("<td>community-leader（本町自治会）</td><td>調整会議の記録</td>"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("<td>meeting</td>"));

        // ── Shared: the 自治会, as the district's receiver with plans, sees both plans.
        call(
            &app,
            Method::PUT,
            &format!("/api/v1/receivers/{}", app.f.community.id.0),
            &town,
            Some(json!({"version": 0, "receiver": {"district_field": "community", "districts": ["本町自治会"], "includes_plan": true}})),
        )
        .await;
        let list = call(
            &app,
            Method::GET,
            &format!("/api/v1/receivers/{}/list", app.f.community.id.0),
            &leader,
            None,
        )
        .await;
        let names: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "{list}");
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .all(|l| l["plan"]["destinations"][0]["place"] == "潮見小学校")
        );
        let pdf = api(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{u}/plan.pdf"),
            Some(&leader),
            None,
        )
        .await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert!(pdf.bytes.starts_with(b"%PDF-"));

        // ── Only checked plans are shared: the care manager revises ウ's plan after 作成完了.
        let mut revised = plan("flood");
        revised["version"] = json!(1);
        revised["plan"]["destinations"][0]["place"] = json!("未確認の新しい避難先");
        call(
            &app,
            Method::PUT,
            &format!("/api/v1/persons/{u}/plan"),
            &care,
            Some(revised),
        )
        .await;
        // The writers see the draft on top, marked unchecked …
        let h = call(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{u}/plan"),
            &care,
            None,
        )
        .await;
        assert_eq!(h[0]["version"], 2);
        assert!(h[0]["checked"].is_null(), "{h}");
        assert_eq!(h[1]["checked"]["by"], "town-staff", "{h}");
        // … the 自治会 still gets version 1, in its list and through the plan itself.
        let shown = |list: &Value| -> Vec<String> {
            list.as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    l["plan"]["destinations"][0]["place"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned()
                })
                .collect()
        };
        let list = call(
            &app,
            Method::GET,
            &format!("/api/v1/receivers/{}/list", app.f.community.id.0),
            &leader,
            None,
        )
        .await;
        assert!(shown(&list).iter().all(|p| p == "潮見小学校"), "{list}");
        let h = call(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{u}/plan"),
            &leader,
            None,
        )
        .await;
        assert_eq!(h.as_array().unwrap().len(), 1, "{h}");
        assert_eq!(h[0]["version"], 1, "{h}");
        // The municipality's review checks the newest version: now it reaches the 自治会.
        call(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{u}/workflow/review"),
            &town,
            Some(json!({"note": "避難先の変更を確認"})),
        )
        .await;
        let list = call(
            &app,
            Method::GET,
            &format!("/api/v1/receivers/{}/list", app.f.community.id.0),
            &leader,
            None,
        )
        .await;
        assert!(
            shown(&list).iter().any(|p| p == "未確認の新しい避難先"),
            "{list}"
        );
        let h = call(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{u}/plan"),
            &leader,
            None,
        )
        .await;
        assert_eq!(h[0]["version"], 2, "{h}");
    }
);

db_test!(
    a_stalled_plan_changes_approach_and_keeps_its_history,
    |store: Store| async move {
        let app = app(store.clone()).await;
        crate::common::load_roster(&app, ROSTER).await;
        let town = token_for(&app, "town-staff").await;
        let care = token_for(&app, "care-manager").await;
        call(&app, Method::POST, "/api/v1/roster/triage", &town, None).await;
        let roster = call(&app, Method::GET, "/api/v1/roster", &town, None).await;
        let i = roster["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["person"]["name"] == "岡林　千代")
            .unwrap()["person"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let w = call(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{i}/workflow"),
            &town,
            None,
        )
        .await;
        assert_eq!(w["step"], "confirm_consent");
        // The community cannot get consent: the municipality hands it to a professional (ウ).
        let path = format!("/api/v1/persons/{i}/workflow/approach");
        let change = |version: &Value, approach: &str, reason: &str| {
            json!({"version": version, "approach": approach, "reason": reason}).to_string()
        };
        let r = api(
            &app,
            Method::POST,
            &path,
            Some(&town),
            Some(change(&w["version"], "welfare_professional", " ")),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a reason is required: {}",
            r.body
        );
        let r = api(
            &app,
            Method::POST,
            &path,
            Some(&town),
            Some(change(&w["version"], "community", "x")),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "same approach: {}",
            r.body
        );
        let r = api(
            &app,
            Method::POST,
            &path,
            Some(&care),
            Some(change(&w["version"], "welfare_professional", "x")),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "only the municipality: {}",
            r.body
        );
        let r = api(
            &app,
            Method::POST,
            &path,
            Some(&town),
            Some(change(
                &w["version"],
                "welfare_professional",
                "書面と地域の説明では同意が得られないため",
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let w2 = r.json();
        assert_eq!(w2["approach"], "welfare_professional");
        assert_eq!(w2["step"], "brief_professional");
        let events = w2["events"].as_array().unwrap();
        assert!(events.iter().any(|e| e["event"] == "started"), "{w2}");
        let changed = events
            .iter()
            .find(|e| e["event"] == "approach_changed")
            .expect("kept in the history");
        assert!(
            changed["note"]
                .as_str()
                .unwrap()
                .contains("同意が得られない"),
            "{changed}"
        );
        // The version moved on: the old one is stale.
        let r = api(
            &app,
            Method::POST,
            &path,
            Some(&town),
            Some(change(&w["version"], "person_or_family", "x")),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
    }
);
