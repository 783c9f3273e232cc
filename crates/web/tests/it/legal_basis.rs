//! A municipality's legal basis decides what receivers see in normal times: set the town to
//! "ordinance with opt-out", record a refusal, and see the 自治会 list change (issue 16).

use crate::common::{Client, PASSWORD, TestApp, api, app, token_for};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tsunagi_store::{Store, db_test};

async fn names(app: &TestApp, t: &str) -> Vec<String> {
    let r = api(
        app,
        Method::GET,
        &format!("/api/v1/receivers/{}/list", app.f.community.id.0),
        Some(t),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut n: Vec<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_owned())
        .collect();
    n.sort();
    n
}

async fn put_basis(
    app: &TestApp,
    t: &str,
    version: i64,
    roster: &str,
    ordinance: Option<&str>,
    from: &str,
) -> (StatusCode, Value) {
    let body = json!({"version": version, "basis": {"provision": {"roster": roster, "plans": "consent"},
        "ordinance": ordinance, "effective_from": from}});
    let r = api(
        app,
        Method::PUT,
        "/api/v1/legal-basis",
        Some(t),
        Some(body.to_string()),
    )
    .await;
    let v = if r.body.is_empty() {
        Value::Null
    } else {
        r.json()
    };
    (r.status, v)
}

db_test!(
    an_opt_out_ordinance_and_a_refusal_change_the_community_list,
    |store: Store| async move {
        let app = app(store).await;
        crate::common::load_roster(&app, crate::common::HONMACHI_ROSTER).await;
        let town = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        let leader = token_for(&app, "community-leader").await;
        crate::common::community_receives_honmachi(&app, &town, true).await;

        // 同意方式 (nothing recorded): nobody has consented, the 自治会 sees nobody.
        let r = api(&app, Method::GET, "/api/v1/legal-basis", Some(&town), None).await;
        assert_eq!(r.json()["version"], 0, "{}", r.body);
        assert!(names(&app, &leader).await.is_empty());

        // Only the administrators record a basis; an ordinance basis names its ordinance and has
        // begun.
        let (s, _) = put_basis(
            &app,
            &town,
            0,
            "ordinance_opt_out",
            Some("条例"),
            "2026-04-01",
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = put_basis(&app, &admin, 0, "ordinance_opt_out", None, "2026-04-01").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["fields"][0]["field"], "ordinance", "{v}");
        let (s, v) = put_basis(
            &app,
            &admin,
            0,
            "ordinance_opt_out",
            Some("条例"),
            "2999-04-01",
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

        // 条例（不同意の申出がない限り提供）: both people reach the 自治会 at once, read-only.
        let (s, v) = put_basis(
            &app,
            &admin,
            0,
            "ordinance_opt_out",
            Some("潮見市避難行動要支援者名簿に関する条例 第5条"),
            "2026-04-01",
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["version"], 1);
        assert_eq!(names(&app, &leader).await, vec!["佐藤　茂", "山田　ハル"]);
        let persons = api(&app, Method::GET, "/api/v1/persons", Some(&leader), None)
            .await
            .json();
        assert_eq!(persons["total"], 2, "{persons}");
        let id = persons["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "山田　ハル")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        // The plan follows its own basis (still 同意方式): no plan without consent.
        let r = api(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{id}/plan"),
            Some(&leader),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

        // The survey's figure follows the basis: both are provided in normal times.
        let progress = api(
            &app,
            Method::GET,
            "/api/v1/roster/progress",
            Some(&town),
            None,
        )
        .await;
        assert_eq!(
            progress.json()["total"]["shared_normal_times"],
            2,
            "{}",
            progress.body
        );
        // 山田 refuses (不同意の申出): she leaves the list and her record closes to the 自治会.
        let refusal = json!({"status": "refused", "scope": [], "obtained_on": "2026-11-01", "method": "written",
        "obtained_by": null, "note": "不同意の申出書"});
        let r = api(
            &app,
            Method::PUT,
            &format!("/api/v1/persons/{id}/consent"),
            Some(&town),
            Some(refusal.to_string()),
        )
        .await;
        assert!(r.status.is_success(), "{}", r.body);
        assert_eq!(names(&app, &leader).await, vec!["佐藤　茂"]);
        let r = api(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{id}"),
            Some(&leader),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let progress = api(
            &app,
            Method::GET,
            "/api/v1/roster/progress",
            Some(&town),
            None,
        )
        .await;
        assert_eq!(
            progress.json()["total"]["shared_normal_times"],
            1,
            "{}",
            progress.body
        );

        // 条例（同意を要しない）: the refusal no longer stops it. A stale version is refused.
        let (s, _) = put_basis(
            &app,
            &admin,
            0,
            "ordinance_without_consent",
            Some("条例 第5条"),
            "2026-04-01",
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, _) = put_basis(
            &app,
            &admin,
            1,
            "ordinance_without_consent",
            Some("条例 第5条"),
            "2026-04-01",
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(names(&app, &leader).await, vec!["佐藤　茂", "山田　ハル"]);
        // An NPO is never reached by an ordinance.
        let npo = token_for(&app, "npo-staff").await;
        let r = api(&app, Method::GET, "/api/v1/persons", Some(&npo), None)
            .await
            .json();
        assert_eq!(r["total"], 0, "{r}");

        // The screen shows the basis in force and its history; the change is in the audit log.
        let mut c = Client::new(&app);
        c.login("town-admin", PASSWORD).await;
        let page = c.get("/legal-basis").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("条例による提供（同意を要しない）") && page.body.contains("第2版"),
            "{}",
            page.body
        );
        let r = c
            .post(
                "/legal-basis",
                &[
                    ("version", "2"),
                    ("roster", "consent"),
                    ("plans", "consent"),
                    ("ordinance", ""),
                    ("effective_from", "令和8年11月1日"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(names(&app, &leader).await.is_empty(), "back to 同意方式");
        let audit = c.get("/audit").await;
        assert!(
            audit.body.contains("legal_basis") || audit.body.contains("設定"),
            "{}",
            audit.body
        );
    }
);
