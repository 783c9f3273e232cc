//! Receivers designated for disasters only (issue 18, item 2): such a receiver gets nothing in
//! normal times — even for a person who consented — and the area's people, read-only, while a
//! declaration reaches them; closing ends it.

use crate::common::{Client, PASSWORD, app, call_json, token_for};
use axum::http::{Method, StatusCode};
use serde_json::json;
use tsunagi_store::{Store, db_test};

db_test!(
    a_receiver_for_disasters_only_sees_nothing_until_one_is_declared,
    |store: Store| async move {
        let app = app(store).await;
        crate::common::load_roster(&app, crate::common::HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        let leader = token_for(&app, "community-leader").await;
        let (s, v) = call_json(
            &app,
            Method::PUT,
            &format!("/api/v1/receivers/{}", app.f.community.id.0),
            &staff,
            Some(
                json!({"version": 0, "receiver": {"district_field": "community",
                "districts": ["本町自治会"], "includes_plan": true, "disaster_only": true}}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        // 山田 consents to the 自治会: still nothing in normal times.
        let yamada = crate::common::person_id(&app, &staff, "山田　ハル").await;
        crate::common::give_consent(&app, &staff, &yamada, &["community_association"]).await;
        assert_eq!(crate::disasters::list_names(&app, &leader).await, 0);
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{yamada}"),
            &leader,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Declared: both people of its district, read-only, on the basis 災害時.
        let decl = crate::ledger::declare_named(&app, &admin, "潮見川の洪水").await;
        assert_eq!(crate::disasters::list_names(&app, &leader).await, 2);
        let (s, v) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{yamada}"),
            &leader,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, audit) = call_json(&app, Method::GET, "/api/v1/audit", &admin, None).await;
        assert!(
            audit["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "person.viewed"
                    && e["entity_id"] == yamada.as_str()
                    && e["access_basis"] == "disaster"),
            "{audit}"
        );

        // Closed: back to nothing.
        crate::ledger::close_declaration(&app, &admin, &decl).await;
        assert_eq!(crate::disasters::list_names(&app, &leader).await, 0);

        // The screen: unticking 災害時のみ makes it a normal-time receiver again (山田 consented).
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let page = c.get("/receivers").await;
        assert!(
            page.body
                .contains("name=\"disaster_only\" value=\"1\" checked"),
            "{}",
            page.body
        );
        let community = app.f.community.id.0.to_string();
        let r = c
            .post(
                &format!("/receivers/{community}"),
                &[
                    ("district_field", "community"),
                    ("districts", "本町自治会"),
                    ("includes_plan", "1"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(crate::disasters::list_names(&app, &leader).await, 1);
    }
);
