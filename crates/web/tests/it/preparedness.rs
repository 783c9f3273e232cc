//! Training, briefings and drills (issue 16 item 8): recorded by the municipality's staff on
//! screen and by the API; a finding must name a resident of the town (else nothing is kept);
//! a finding belongs to a drill only; other organisations have no such records (404).

use crate::common::{Client, HONMACHI_ROSTER, PASSWORD, app, call_json, load_roster, token_for};
use axum::http::{Method, StatusCode};
use serde_json::json;
use tsunagi_store::{Store, db_test};

db_test!(
    trainings_and_drills_are_recorded_and_findings_name_residents,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let path = "/api/v1/preparedness";
        let drill = |no: &str| {
            json!({"kind": "drill", "held_on": "2026-11-01", "title": "本町 避難訓練",
            "district": "本町自治会", "organisations": ["本町自治会", "潮見市消防団"], "attendees": 24,
            "what_happened": "車いすで坂を上れなかった",
            "findings": [{"resident_no": no, "note": "避難先を集会所に変える"}]})
        };
        let (s, e) = call_json(&app, Method::POST, path, &staff, Some(drill("9999"))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e.to_string().contains("9999"), "{e}");
        let (_, list) = call_json(&app, Method::GET, path, &staff, None).await;
        assert!(list.as_array().unwrap().is_empty(), "nothing kept: {list}");
        let (s, v) = call_json(&app, Method::POST, path, &staff, Some(drill("1001"))).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let mut briefing = drill("1001");
        briefing["kind"] = json!("briefing");
        let (s, _) = call_json(&app, Method::POST, path, &staff, Some(briefing.clone())).await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "findings are for drills"
        );
        briefing["findings"] = json!([]);
        briefing["title"] = json!("民生委員への説明会");
        let (s, _) = call_json(&app, Method::POST, path, &staff, Some(briefing)).await;
        assert_eq!(s, StatusCode::CREATED);
        let (_, list) = call_json(&app, Method::GET, path, &staff, None).await;
        assert_eq!(list.as_array().unwrap().len(), 2);
        for login in ["npo-staff", "community-leader"] {
            let t = token_for(&app, login).await;
            let (s, _) = call_json(&app, Method::GET, path, &t, None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{login}");
        }
        // The screen lists them and records one from the form.
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let page = c.get("/preparedness").await;
        assert!(page.body.contains("民生委員への説明会"), "{}", page.body);
        let r = c
            .post(
                "/preparedness",
                &[
                    ("kind", "training"),
                    ("held_on", "2026-11-02"),
                    ("title", "ケアマネ向け研修"),
                    ("organisations", "居宅介護支援事業所、社協"),
                    ("attendees", "18"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(
            c.get("/preparedness")
                .await
                .body
                .contains("ケアマネ向け研修")
        );
    }
);
