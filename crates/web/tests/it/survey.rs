//! The national survey in one click (issue 16, item 9): the figures the yearly 消防庁 survey
//! asks, counted from the roster, consents, the legal basis and the plans, for the town, per
//! area and per 自治会 district, as JSON, a page and an .xlsx.

use crate::common::{Client, PASSWORD, api, app, call_json, token_for};
use axum::http::{Method, StatusCode};
use serde_json::json;
use tsunagi_store::{Store, db_test};

const ROSTER: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,独居,洪水,自治会\n\
1001,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市本町1-1,1,1,1,本町自治会\n\
1002,佐藤　茂,サトウ シゲル,S10.1.1,1,潮見市本町1-2,,1,1,本町自治会\n\
1003,岡林　千代,オカバヤシ チヨ,S8.1.1,2,潮見市港町3,,1,,港町自治会\n";

db_test!(
    the_survey_counts_provision_by_basis_and_plans_in_part,
    |store: Store| async move {
        let app = app(store).await;
        crate::common::load_roster(&app, ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        // 同意方式 and nobody asked: nobody provided, no plans.
        let (s, v) = call_json(&app, Method::GET, "/api/v1/roster/survey", &staff, None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["basis"]["roster"], "consent");
        assert_eq!(v["survey"]["total"]["roster"], 3, "{v}");
        assert_eq!(v["survey"]["total"]["shared"], 0, "{v}");
        assert_eq!(v["plan_status"], "none");

        // The town's ordinance (opt-out); 佐藤 consents, 山田 refuses, 岡林 says nothing.
        let (s, v) = call_json(
            &app,
            Method::PUT,
            "/api/v1/legal-basis",
            &admin,
            Some(json!({"version": 0, "basis": {"provision": {"roster": "ordinance_opt_out", "plans": "consent"},
                "ordinance": "潮見市避難行動要支援者名簿に関する条例 第5条", "effective_from": "2026-04-01"}})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        for (name, status, scope) in [
            ("佐藤　茂", "given", json!(["community_association"])),
            ("山田　ハル", "refused", json!([])),
        ] {
            let id = crate::common::person_id(&app, &staff, name).await;
            let (s, v) = call_json(
                &app,
                Method::PUT,
                &format!("/api/v1/persons/{id}/consent"),
                &staff,
                Some(
                    json!({"status": status, "scope": scope, "obtained_on": "2026-11-01",
                    "method": "written", "obtained_by": null, "note": null}),
                ),
            )
            .await;
            assert!(s.is_success(), "{v}");
        }
        // 山田's plan is written, not finished: 一部作成.
        let plan = json!({"version": 0, "plan": {
            "supporters": [{"name": "山本 花子", "address": "潮見市本町1-3", "phone": "0889-22-0001", "relationship": "近所"}],
            "destinations": [], "timing": "", "transport": "",
            "needs": {"medical_devices": "", "medicines": "", "mobility_aids": "", "communication": "", "allergies": "", "carer": ""},
            "emergency_contacts": [], "notes_for_supporters": "", "agreed_at": ""}});
        let (s, v) = call_json(
            &app,
            Method::PUT,
            &format!(
                "/api/v1/persons/{}/plan",
                crate::common::person_id(&app, &staff, "山田　ハル").await
            ),
            &staff,
            Some(plan),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");

        let (_, v) = call_json(&app, Method::GET, "/api/v1/roster/survey", &staff, None).await;
        let t = &v["survey"]["total"];
        assert_eq!(v["basis"]["roster"], "ordinance_opt_out", "{v}");
        assert_eq!(
            (
                &t["roster"],
                &t["shared"],
                &t["shared_by_consent"],
                &t["shared_by_ordinance"]
            ),
            (&json!(3), &json!(2), &json!(1), &json!(1)),
            "{v}"
        );
        assert_eq!(
            (&t["plans_done"], &t["plans_partial"], &t["plans_none"]),
            (&json!(0), &json!(1), &json!(2)),
            "{v}"
        );
        let districts: Vec<(String, u64)> = v["survey"]["community_districts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["district"].as_str().unwrap().to_owned(),
                    d["roster"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            districts,
            vec![("本町自治会".to_owned(), 2), ("港町自治会".to_owned(), 1)]
        );
        // Not for receivers.
        let leader = token_for(&app, "community-leader").await;
        let (s, _) = call_json(&app, Method::GET, "/api/v1/roster/survey", &leader, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // The page and the sheet.
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let page = c.get("/roster/survey").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains("条例による提供（不同意の申出がない限り提供"),
            "{}",
            page.body
        );
        // The figures' row of the town: 3 on the roster, 2 provided (1 + 1), 0 / 1 / 2 plans.
        assert!(
            page.body.contains("<td>市町村</td><td>全体</td><td>3</td><td>2</td><td>1</td><td>1</td><td>0</td><td>1</td><td>2</td>"),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("潮見市避難行動要支援者名簿に関する条例 第5条"),
            "{}",
            page.body
        );
        assert!(page.body.contains("港町自治会"), "{}", page.body);
        let x = api(&app, Method::GET, "/roster/survey.xlsx", None, None).await;
        assert_ne!(x.status, StatusCode::OK, "the sheet needs a login");
        let x = c.get("/roster/survey.xlsx").await;
        assert_eq!(x.status, StatusCode::OK);
        assert!(x.bytes.starts_with(b"PK"), "an .xlsx (zip)");
    }
);
