//! Supporter capacity (the guide's Q1): who has no supporter yet, and which neighbour is named
//! in several plans (issue 16, item 10 in part).

use crate::common::{api, app, token_for};
use axum::http::{Method, StatusCode};
use serde_json::json;
use tsunagi_store::{Store, db_test};

const ROSTER: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,独居,洪水,自治会\n\
1001,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市本町1-1,1,1,1,本町自治会\n\
1002,佐藤　茂,サトウ シゲル,S10.1.1,1,潮見市本町1-2,,1,1,本町自治会\n\
1003,岡林　千代,オカバヤシ チヨ,S8.1.1,2,潮見市本町3,,1,,本町自治会\n";

db_test!(
    one_neighbour_in_two_plans_and_one_person_without_anyone,
    |store: Store| async move {
        let app = app(store).await;
        crate::common::load_roster(&app, ROSTER).await;
        let t = token_for(&app, "town-staff").await;
        let persons = api(&app, Method::GET, "/api/v1/persons", Some(&t), None)
            .await
            .json();
        let id = |name: &str| {
            persons["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == name)
                .unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        for (who, phone) in [("山田　ハル", "0889-22-0001"), ("佐藤　茂", "0889220001")] {
            let plan = json!({"version": 0, "plan": {
            "supporters": [{"name": "山本 花子", "address": "潮見市本町1-3", "phone": phone, "relationship": "近所"}],
            "destinations": [], "timing": "", "transport": "",
            "needs": {"medical_devices": "", "medicines": "", "mobility_aids": "", "communication": "", "allergies": "", "carer": ""},
            "emergency_contacts": [], "notes_for_supporters": "", "agreed_at": ""}});
            let r = api(
                &app,
                Method::PUT,
                &format!("/api/v1/persons/{}/plan", id(who)),
                Some(&t),
                Some(plan.to_string()),
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        let r = api(
            &app,
            Method::GET,
            "/api/v1/roster/supporters",
            Some(&t),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let c = r.json();
        assert_eq!(c["shared"].as_array().unwrap().len(), 1, "{c}");
        assert_eq!(
            c["shared"][0]["persons"].as_array().unwrap().len(),
            2,
            "{c}"
        );
        let without: Vec<&str> = c["without_supporter"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(without, ["岡林　千代"], "{c}");
        assert_eq!(c["without_supporter"][0]["district"], "本町自治会");
        // Receivers do not get the municipality's report.
        let leader = token_for(&app, "community-leader").await;
        let r = api(
            &app,
            Method::GET,
            "/api/v1/roster/supporters",
            Some(&leader),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
);

db_test!(
    no_supporter_found_is_a_recognised_state_with_what_was_arranged,
    |store: Store| async move {
        let app = app(store).await;
        crate::common::load_roster(&app, ROSTER).await;
        let t = token_for(&app, "town-staff").await;
        let okabayashi = crate::common::person_id(&app, &t, "岡林　千代").await;
        // Nobody nearby could be found: a care service goes instead.
        let plan = json!({"version": 0, "plan": {
            "supporters": [], "destinations": [{"hazard": "flood", "place": "潮見小学校", "route": "県道を北へ"}],
            "timing": "警戒レベル3", "transport": "",
            "needs": {"medical_devices": "", "medicines": "", "mobility_aids": "", "communication": "", "allergies": "", "carer": ""},
            "emergency_contacts": [{"name": "長女", "relationship": "子", "phone": "090-1"}],
            "notes_for_supporters": "", "agreed_at": "",
            "no_supporter_arrangement": "訪問介護事業所しおさいが警戒レベル3で訪問し同行"}});
        let r = api(
            &app,
            Method::PUT,
            &format!("/api/v1/persons/{okabayashi}/plan"),
            Some(&t),
            Some(plan.to_string()),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let c = api(
            &app,
            Method::GET,
            "/api/v1/roster/supporters",
            Some(&t),
            None,
        )
        .await
        .json();
        assert_eq!(c["arranged"][0][0]["name"], "岡林　千代", "{c}");
        assert_eq!(
            c["arranged"][0][1],
            "訪問介護事業所しおさいが警戒レベル3で訪問し同行"
        );
        assert!(
            !c["without_supporter"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "岡林　千代"),
            "{c}"
        );
        // The plan is complete: the arrangement stands in for the supporter.
        let mut staff = crate::common::Client::new(&app);
        staff.login("town-staff", crate::common::PASSWORD).await;
        let page = staff.get(&format!("/persons/{okabayashi}/plan")).await;
        assert!(page.body.contains("id=\"plan-complete\""), "{}", page.body);
        // The screen: the two without anyone under their 自治会, the arrangement in words.
        let screen = staff.get("/roster/supporters").await;
        assert_eq!(screen.status, StatusCode::OK);
        assert!(
            screen.body.contains("避難支援者がまだいない方（2 人）")
                && screen.body.contains("本町自治会（2 人）")
                && screen
                    .body
                    .contains("<td>訪問介護事業所しおさいが警戒レベル3で訪問し同行</td>"),
            "{}",
            screen.body
        );
    }
);
