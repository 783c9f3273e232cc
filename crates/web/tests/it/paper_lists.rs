//! Paper lists of the sweep (issue 18, item 4): a checker's list printed before the network
//! goes, recorded as handed out and void once the declaration closes; a returned sheet entered
//! by staff in one go, all or nothing, once.

use crate::common::{Client, PASSWORD, api, app, call_json, token_for};
use axum::http::{Method, StatusCode};
use serde_json::json;
use tsunagi_store::{Store, db_test};

db_test!(
    a_checkers_paper_list_is_printed_recorded_entered_once_and_void_after_the_disaster,
    |store: Store| async move {
        let app = app(store).await;
        crate::common::load_roster(&app, crate::common::HONMACHI_ROSTER).await;
        let admin = token_for(&app, "town-admin").await;
        let staff = token_for(&app, "town-staff").await;
        let leader = token_for(&app, "community-leader").await;
        let npo = token_for(&app, "npo-staff").await;
        crate::common::community_receives_honmachi(&app, &staff, false).await;
        let decl = crate::ledger::declare_named(&app, &admin, "潮見川の洪水").await;
        let print = format!("/api/v1/disasters/{decl}/paper-lists");

        // The 自治会 prints its own people; an NPO is no checker.
        let r = api(&app, Method::POST, &print, Some(&leader), Some("{}".into())).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.bytes.starts_with(b"%PDF"));
        assert_eq!(r.headers["content-type"], "application/pdf");
        let list_id = r.headers["x-paper-list-id"].to_str().unwrap().to_owned();
        let r = api(&app, Method::POST, &print, Some(&npo), Some("{}".into())).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        // Nobody is left to the staff: nothing to print for them.
        let r = api(&app, Method::POST, &print, Some(&staff), Some("{}".into())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

        // Recorded as handed out: number, for whom, the people in row order.
        let (s, lists) = call_json(&app, Method::GET, &print, &staff, None).await;
        assert_eq!(s, StatusCode::OK, "{lists}");
        let l = &lists[0];
        assert_eq!(
            (l["number"].as_i64(), l["id"].as_str()),
            (Some(1), Some(list_id.as_str()))
        );
        assert_eq!(l["checker"], "本町自治会");
        assert_eq!(l["persons"].as_array().unwrap().len(), 2);
        assert!(l["entered_at"].is_null());
        let (s, _) = call_json(&app, Method::GET, &print, &leader, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, audit) = call_json(&app, Method::GET, "/api/v1/audit", &admin, None).await;
        assert!(
            audit["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "roster.exported" && e["entity"] == "safety_paper_list"),
            "{audit}"
        );

        // Entering: every bad row named, nothing kept.
        let results = format!("/api/v1/paper-lists/{list_id}/results");
        let (s, v) = call_json(
            &app,
            Method::POST,
            &results,
            &staff,
            Some(json!({"rows": [
                {"row": 1, "status": "evacuated", "method": "visit"},
                {"row": 2, "status": "safe_at_home", "method": "visit"},
                {"row": 3, "status": "safe_at_home", "method": "visit"}]})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let text = v.to_string();
        assert!(text.contains("1行目") && text.contains("3行目"), "{text}");
        let sweep = format!("/api/v1/disasters/{decl}/sweep");
        let statuses = |v: &serde_json::Value| -> Vec<String> {
            let mut s: Vec<String> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    format!(
                        "{}:{}:{}",
                        l["person"]["name"].as_str().unwrap(),
                        l["status"].as_str().unwrap(),
                        l["attempts"]
                    )
                })
                .collect();
            s.sort();
            s
        };
        let (_, before) = call_json(&app, Method::GET, &sweep, &staff, None).await;
        assert!(
            statuses(&before)
                .iter()
                .all(|s| s.ends_with(":unchecked:0")),
            "{before}"
        );
        // The leader may not enter (staff only).
        let good = json!({"rows": [
            {"row": 1, "status": "not_reached", "method": "visit", "note": "留守"},
            {"row": 2, "status": "evacuated", "method": "phone", "note": "潮見小学校"}]});
        let (s, _) = call_json(&app, Method::POST, &results, &leader, Some(good.clone())).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, v) = call_json(&app, Method::POST, &results, &staff, Some(good.clone())).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["recorded"], 2);
        // Rows are in address order: 本町1-1 (山田) first.
        let (_, after) = call_json(&app, Method::GET, &sweep, &staff, None).await;
        assert_eq!(
            statuses(&after),
            vec!["佐藤　茂:evacuated:1", "山田　ハル:not_reached:1"],
            "{after}"
        );
        // Once: the same sheet again is refused and records nothing.
        let (s, _) = call_json(&app, Method::POST, &results, &staff, Some(good)).await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (_, again) = call_json(&app, Method::GET, &sweep, &staff, None).await;
        assert_eq!(statuses(&again), statuses(&after));

        // The screens: staff choose a checker and print; the entry form keeps what was sent
        // when a row is refused.
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let page = c.get(&format!("/disasters/{decl}/sweep")).await;
        assert!(
            page.body.contains("id=\"paper-list-table\""),
            "{}",
            page.body
        );
        assert!(page.body.contains("入力済み"), "{}", page.body);
        let community = app.f.community.id.0.to_string();
        let r = c
            .post(
                &format!("/disasters/{decl}/paper-lists"),
                &[("checker", &community)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.bytes.starts_with(b"%PDF"));
        let (_, lists) = call_json(&app, Method::GET, &print, &staff, None).await;
        let second = lists[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(lists[0]["number"], 2);
        let entry = format!("/paper-lists/{second}");
        let r = c.get(&entry).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("status-2"), "{}", r.body);
        let r = c
            .post(
                &entry,
                &[
                    ("status-1", "needs_support"),
                    ("method-1", "visit"),
                    ("note-1", ""),
                    ("status-2", ""),
                    ("method-2", "visit"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("1行目"), "{}", r.body);
        assert!(
            r.body.contains("value=\"needs_support\" selected"),
            "{}",
            r.body
        );
        let r = c
            .post(
                &entry,
                &[
                    ("status-1", "needs_support"),
                    ("method-1", "visit"),
                    ("note-1", "薬が切れる"),
                    ("status-2", ""),
                    ("method-2", "visit"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = c.get(&entry).await;
        assert!(r.body.contains("id=\"entered\""), "{}", r.body);

        // Closed: no more printing, and an unentered list is void.
        let r = api(&app, Method::POST, &print, Some(&leader), Some("{}".into())).await;
        let third = r.headers["x-paper-list-id"].to_str().unwrap().to_owned();
        crate::ledger::close_declaration(&app, &admin, &decl).await;
        let r = api(&app, Method::POST, &print, Some(&leader), Some("{}".into())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("終了しています"), "{}", r.body);
        let r = c.get(&format!("/paper-lists/{third}")).await;
        assert!(r.body.contains("名簿は無効"), "{}", r.body);
        let (s, v) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/paper-lists/{third}/results"),
            &staff,
            Some(json!({"rows": [{"row": 1, "status": "safe_at_home", "method": "visit"}]})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    }
);
