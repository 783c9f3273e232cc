//! Agreements with receivers (協定・誓約書, issue 16 item 7): a municipality that requires one
//! gives a receiver nothing in normal times until an agreement is in force, and nothing again
//! once it ends; a disaster still reaches the receiver.

use crate::common::{
    Client, HONMACHI_ROSTER, PASSWORD, TestApp, app, call_json, community_receives_honmachi,
    load_roster, person_id, token_for,
};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tsunagi_store::{Store, db_test};

async fn sees(app: &TestApp, leader: &str, id: &str) -> StatusCode {
    call_json(
        app,
        Method::GET,
        &format!("/api/v1/persons/{id}"),
        leader,
        None,
    )
    .await
    .0
}

/// Posts an agreement of the 自治会 `org` as `t`: the status and the answer.
async fn add_agreement(app: &TestApp, t: &str, org: &str, body: Value) -> (StatusCode, Value) {
    call_json(
        app,
        Method::POST,
        &format!("/api/v1/receivers/{org}/agreements"),
        t,
        Some(body),
    )
    .await
}

async fn basis(app: &TestApp, admin: &str, version: i64, required: bool) {
    let (s, v) = call_json(
        app,
        Method::PUT,
        "/api/v1/legal-basis",
        admin,
        Some(
            json!({"version": version, "basis": {"provision": {"roster": "consent",
            "plans": "consent", "agreements_required": required},
            "ordinance": null, "effective_from": "2026-04-01"}}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

db_test!(
    a_required_agreement_opens_and_closes_normal_time_provision,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        let leader = token_for(&app, "community-leader").await;
        community_receives_honmachi(&app, &staff, false).await;
        let yamada = person_id(&app, &staff, "山田　ハル").await;
        crate::common::give_consent(&app, &staff, &yamada, &["community_association"]).await;
        assert_eq!(sees(&app, &leader, &yamada).await, StatusCode::OK);

        // The town now requires an agreement: the 自治会 has none, so it sees nobody — by
        // record or by list — and is told nothing more than 404.
        basis(&app, &admin, 0, true).await;
        assert_eq!(sees(&app, &leader, &yamada).await, StatusCode::NOT_FOUND);
        let (_, list) = call_json(&app, Method::GET, "/api/v1/persons", &leader, None).await;
        assert_eq!(list["total"], 0, "{list}");

        // A bad agreement is refused with its reason, and opens nothing.
        let org = app.f.community.id.0.to_string();
        let (s, v) = add_agreement(
            &app,
            &staff,
            &org,
            json!({"kind": "pledge", "concluded_on": "2026-04-01",
                "expires_on": "2026-03-01", "scope": "名簿情報の適正管理"}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v.to_string().contains("有効期限"), "{v}");
        assert_eq!(sees(&app, &leader, &yamada).await, StatusCode::NOT_FOUND);
        // The 自治会 itself cannot record its own agreement.
        let (s, _) = add_agreement(
            &app,
            &leader,
            &org,
            json!({"kind": "pledge", "concluded_on": "2026-04-01", "scope": "自分で"}),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // The 自治会 signs a pledge: provision opens at once.
        let (s, v) = add_agreement(
            &app,
            &staff,
            &org,
            json!({"kind": "pledge", "concluded_on": "2026-04-01",
                "scope": "名簿情報の適正管理と守秘義務", "file_reference": "防災第123号"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let agreement = v["id"].as_str().expect("id").to_owned();
        assert_eq!(sees(&app, &leader, &yamada).await, StatusCode::OK);
        let (_, all) = call_json(
            &app,
            Method::GET,
            "/api/v1/receiver-agreements",
            &staff,
            None,
        )
        .await;
        assert_eq!(all[0]["in_force"], true, "{all}");
        assert_eq!(all[0]["agreement"]["file_reference"], "防災第123号");

        // Ended: nothing again in normal times …
        let (s, _) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/receiver-agreements/{agreement}/end"),
            &staff,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert_eq!(sees(&app, &leader, &yamada).await, StatusCode::NOT_FOUND);
        let (s, _) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/receiver-agreements/{agreement}/end"),
            &staff,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "ended twice");

        // … but a disaster reaches the receiver all the same (49-11(3)), read-only.
        let decl = crate::ledger::declare(&app, &admin).await;
        let (s, rec) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{yamada}"),
            &leader,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{rec}");
        assert_eq!(rec["access_level"], "read", "{rec}");
        assert_eq!(rec["access_basis"], "disaster", "{rec}");
        crate::ledger::close_declaration(&app, &admin, &decl).await;
        assert_eq!(sees(&app, &leader, &yamada).await, StatusCode::NOT_FOUND);

        // Not required any more: consent alone decides again.
        basis(&app, &admin, 1, false).await;
        assert_eq!(sees(&app, &leader, &yamada).await, StatusCode::OK);

        // On screen: the legal basis offers the choice; the receivers screen lists the pledge
        // as ended and records a new one from the form (和暦 accepted).
        let mut c = Client::new(&app);
        c.login("town-admin", PASSWORD).await;
        let page = c.get("/legal-basis").await;
        assert!(page.body.contains("name=\"agreements_required\""));
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let page = c.get("/receivers").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("誓約書（終了）"), "{}", page.body);
        let r = c
            .post(
                &format!("/receivers/{org}/agreements"),
                &[
                    ("kind", "agreement"),
                    ("concluded_on", "令和8年4月1日"),
                    ("expires_on", "令和9年3月31日"),
                    ("scope", "名簿情報の提供に関する協定"),
                    ("file_reference", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = c.get("/receivers").await;
        assert!(page.body.contains("協定（有効）"), "{}", page.body);
        let (_, all): (StatusCode, Value) = call_json(
            &app,
            Method::GET,
            "/api/v1/receiver-agreements",
            &staff,
            None,
        )
        .await;
        assert_eq!(all.as_array().map(Vec::len), Some(2));
    }
);

db_test!(
    a_municipality_can_keep_roster_only_receivers_without_plans_in_a_disaster,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        let leader = token_for(&app, "community-leader").await;
        // The 自治会 receives the roster only; 山田 has a checked plan and consented.
        community_receives_honmachi(&app, &staff, false).await;
        let yamada = person_id(&app, &staff, "山田　ハル").await;
        crate::common::give_consent(&app, &staff, &yamada, &["community_association"]).await;
        crate::supporters_consent::save_checked(
            &app,
            &staff,
            &yamada,
            crate::supporters_consent::plan(0, json!("2026-11-20")),
        )
        .await;
        let plan = format!("/api/v1/persons/{yamada}/plan");
        assert_eq!(
            call_json(&app, Method::GET, &plan, &leader, None).await.0,
            StatusCode::NOT_FOUND
        );

        // By default a disaster brings the plan too (49-15(3)), read-only.
        let decl = crate::ledger::declare(&app, &admin).await;
        assert_eq!(
            call_json(&app, Method::GET, &plan, &leader, None).await.0,
            StatusCode::OK
        );
        crate::ledger::close_declaration(&app, &admin, &decl).await;

        // The town keeps roster-only receivers so: in the next disaster the 自治会 still sees
        // her entry, not her plan.
        let (s, v) = call_json(
            &app,
            Method::PUT,
            "/api/v1/legal-basis",
            &admin,
            Some(
                json!({"version": 0, "basis": {"provision": {"roster": "consent",
                "plans": "consent", "roster_only_stays_in_disasters": true},
                "ordinance": null, "effective_from": "2026-04-01"}}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let decl = crate::ledger::declare_named(&app, &admin, "次の洪水").await;
        assert_eq!(sees(&app, &leader, &yamada).await, StatusCode::OK);
        assert_eq!(
            call_json(&app, Method::GET, &plan, &leader, None).await.0,
            StatusCode::NOT_FOUND
        );
        crate::ledger::close_declaration(&app, &admin, &decl).await;
        // The screen says which way the town chose.
        let mut c = Client::new(&app);
        c.login("town-admin", PASSWORD).await;
        let page = c.get("/legal-basis").await;
        assert!(
            page.body
                .contains("名簿のみの提供先には、災害時も個別避難計画を提供しません"),
            "{}",
            page.body
        );
    }
);
