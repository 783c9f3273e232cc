//! Leaving the roster (名簿からの削除): a person who moved out leaves every list and every
//! receiver at once; the record and the departure stay (issue 16, item 6 in part).

use crate::common::{Client, PASSWORD, app, call_json, token_for};
use axum::http::{Method, StatusCode};
use serde_json::json;
use tsunagi_store::{Store, db_test};

db_test!(
    a_person_who_moved_out_leaves_every_list_and_receiver,
    |store: Store| async move {
        let app = app(store).await;
        crate::common::load_roster(&app, crate::common::HONMACHI_ROSTER).await;
        let town = token_for(&app, "town-staff").await;
        let leader = token_for(&app, "community-leader").await;
        let care = token_for(&app, "care-manager").await;
        let community = app.f.community.id.0;
        crate::common::community_receives_honmachi(&app, &town, false).await;
        let (_, persons) = call_json(&app, Method::GET, "/api/v1/persons", &town, None).await;
        let id_of = |name: &str| -> String {
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
        let (yamada, sato) = (id_of("山田　ハル"), id_of("佐藤　茂"));
        for id in [&yamada, &sato] {
            let (s, v) = call_json(&app, Method::PUT, &format!("/api/v1/persons/{id}/consent"), &town,
            Some(json!({"status": "given", "scope": ["community_association"], "obtained_on": "2026-11-01",
                "method": "written", "obtained_by": null, "note": null}))).await;
            assert!(s.is_success(), "{v}");
        }
        let list = |t: String| {
            let app = &app;
            async move {
                let (s, v) = call_json(
                    app,
                    Method::GET,
                    &format!("/api/v1/receivers/{community}/list"),
                    &t,
                    None,
                )
                .await;
                assert_eq!(s, StatusCode::OK, "{v}");
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l["name"].as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(list(leader.clone()).await.len(), 2);

        // Refused: a day to come, "other" without a note, someone else's staff.
        let leave = format!("/api/v1/persons/{yamada}/roster/leave");
        let (s, _) = call_json(
            &app,
            Method::POST,
            &leave,
            &town,
            Some(json!({"reason": "moved_out", "left_on": "2999-01-01", "note": null})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _) = call_json(
            &app,
            Method::POST,
            &leave,
            &town,
            Some(json!({"reason": "other", "left_on": "2026-11-30", "note": " "})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _) = call_json(
            &app,
            Method::POST,
            &leave,
            &care,
            Some(json!({"reason": "moved_out", "left_on": "2026-11-30", "note": null})),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // 山田 moved out: gone from the roster and from the 自治会's list and records at once.
        let (s, v) = call_json(
            &app,
            Method::POST,
            &leave,
            &town,
            Some(json!({"reason": "moved_out", "left_on": "2026-11-30", "note": "高知市へ転出"})),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
        assert_eq!(list(leader.clone()).await, vec!["佐藤　茂"]);
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{yamada}"),
            &leader,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, roster) = call_json(&app, Method::GET, "/api/v1/roster", &town, None).await;
        assert_eq!(roster["total"], 1, "{roster}");
        // The record stays with the municipality, and the departure is listed.
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{yamada}"),
            &town,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (_, deps) =
            call_json(&app, Method::GET, "/api/v1/roster/departures", &town, None).await;
        assert_eq!(deps[0]["person"]["name"], "山田　ハル", "{deps}");
        assert_eq!(deps[0]["departure"]["reason"], "moved_out");
        assert_eq!(deps[0]["departure"]["note"], "高知市へ転出");
        // Leaving twice is refused; the receiver's share went with its cause in the audit log.
        let (s, _) = call_json(
            &app,
            Method::POST,
            &leave,
            &town,
            Some(json!({"reason": "moved_out", "left_on": "2026-11-30", "note": null})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let admin = token_for(&app, "town-admin").await;
        let (_, audit) = call_json(&app, Method::GET, "/api/v1/audit", &admin, None).await;
        assert!(audit.to_string().contains("roster_left"), "{audit}");

        // From the screen: 佐藤 dies; the record says he is no longer on the roster.
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let page = c.get(&format!("/persons/{sato}")).await;
        assert!(page.body.contains("名簿から削除する"), "{}", page.body);
        let r = c
            .post(
                &format!("/persons/{sato}/roster/leave"),
                &[
                    ("reason", "died"),
                    ("left_on", "令和8年12月1日"),
                    ("note", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = c.get(&format!("/persons/{sato}")).await;
        assert!(
            page.body.contains("名簿に登載されていません"),
            "{}",
            page.body
        );
        assert!(list(leader).await.is_empty());
    }
);
