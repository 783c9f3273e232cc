//! The supporters' consent (issue 16, item 2; art. 49-15(2)): in normal times a receiver gets a
//! person's plan only when every supporter it names agreed to be named and to its provision —
//! unless the municipality's ordinance needs no consent; in a disaster it gets it regardless
//! (49-15(3)). The roster entry is unaffected.

use crate::common::{Client, PASSWORD, TestApp, app, call_json, person_id, token_for};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tsunagi_store::{Store, db_test};

pub(crate) fn plan(version: i64, consented_on: Value) -> Value {
    json!({"version": version, "plan": {
        "supporters": [{"name": "山本 花子", "address": "潮見市本町1-3", "phone": "0889-22-0001",
            "relationship": "近所", "consented_on": consented_on, "consent_method": "書面"}],
        "destinations": [{"hazard": "flood", "place": "潮見小学校", "route": "県道を北へ"}],
        "timing": "警戒レベル3", "transport": "",
        "needs": {"medical_devices": "", "medicines": "", "mobility_aids": "", "communication": "", "allergies": "", "carer": ""},
        "emergency_contacts": [], "notes_for_supporters": "", "agreed_at": ""}})
}

/// Saves a plan version as the town's staff and records the municipality's check of it.
pub(crate) async fn save_checked(app: &TestApp, staff: &str, id: &str, body: Value) {
    let (s, v) = call_json(
        app,
        Method::PUT,
        &format!("/api/v1/persons/{id}/plan"),
        staff,
        Some(body),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut tx = app
        .store
        .begin(tsunagi_store::AuditContext::system("test"))
        .await
        .unwrap();
    tsunagi_store::plans::record_check(
        &mut tx,
        &app.f.town_staff,
        "潮見市",
        app.f.town.id,
        tsunagi_domain::PersonId(id.parse().unwrap()),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn put_basis(app: &TestApp, admin: &str, version: i64, plans: &str, ordinance: Value) {
    let (s, v) = call_json(
        app,
        Method::PUT,
        "/api/v1/legal-basis",
        admin,
        Some(
            json!({"version": version, "basis": {"provision": {"roster": "consent", "plans": plans},
            "ordinance": ordinance, "effective_from": "2026-04-01"}}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

db_test!(
    a_receiver_gets_the_plan_only_when_its_supporters_agreed,
    |store: Store| async move {
        let app = app(store).await;
        crate::common::load_roster(&app, crate::common::HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        let leader = token_for(&app, "community-leader").await;
        crate::common::community_receives_honmachi(&app, &staff, true).await;
        let yamada = person_id(&app, &staff, "山田　ハル").await;
        crate::common::give_consent(&app, &staff, &yamada, &["community_association"]).await;
        let plan_status = |t: String| {
            let app = &app;
            let path = format!("/api/v1/persons/{yamada}/plan");
            async move { call_json(app, Method::GET, &path, &t, None).await.0 }
        };

        // Checked, but the neighbour has not agreed: the 自治会 gets her entry, not the plan.
        save_checked(&app, &staff, &yamada, plan(0, Value::Null)).await;
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{yamada}"),
            &leader,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(plan_status(leader.clone()).await, StatusCode::NOT_FOUND);
        assert_eq!(plan_status(staff.clone()).await, StatusCode::OK);

        // An ordinance that needs no consent for plans provides it anyway.
        put_basis(
            &app,
            &admin,
            0,
            "ordinance_without_consent",
            json!("潮見市個別避難計画条例 第3条"),
        )
        .await;
        assert_eq!(plan_status(leader.clone()).await, StatusCode::OK);
        put_basis(&app, &admin, 1, "consent", Value::Null).await;
        assert_eq!(plan_status(leader.clone()).await, StatusCode::NOT_FOUND);

        // In a disaster it goes to the support parties regardless (49-15(3)).
        let decl = crate::ledger::declare_named(&app, &admin, "潮見川の洪水").await;
        assert_eq!(plan_status(leader.clone()).await, StatusCode::OK);
        crate::ledger::close_declaration(&app, &admin, &decl).await;
        assert_eq!(plan_status(leader.clone()).await, StatusCode::NOT_FOUND);

        // The neighbour agrees in writing; the new version is checked: the plan reaches the 自治会.
        save_checked(&app, &staff, &yamada, plan(1, json!("2026-11-20"))).await;
        assert_eq!(plan_status(leader.clone()).await, StatusCode::OK);

        // The screen: the agreement's day and how, per supporter; a day that is no date is
        // refused with the supporter's number.
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let page = c.get(&format!("/persons/{yamada}/plan")).await;
        assert!(
            page.body
                .contains("name=\"s0_consented_on\" value=\"2026-11-20\""),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("name=\"s0_consent_method\" value=\"書面\""),
            "{}",
            page.body
        );
        let r = c
            .post(
                &format!("/persons/{yamada}/plan"),
                &[
                    ("version", "2"),
                    ("s0_name", "山本 花子"),
                    ("s0_address", "潮見市本町1-3"),
                    ("s0_phone", "0889-22-0001"),
                    ("s0_consented_on", "きのう"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(
            r.body.contains("1人目の避難支援等実施者の同意日"),
            "{}",
            r.body
        );
    }
);
