//! The full roster for fire and police (issue 18 item 2): while a declaration is open, the
//! fire department downloads everyone on the roster — including a person who refused — as one
//! list; the hand-over is a receipt the municipality sees and an audit entry on the basis 災害時;
//! nobody else gets it, and closing the declaration ends it at once.

use crate::common::{HONMACHI_ROSTER, api, app, call_json, load_roster, token_for};
use crate::ledger::declare;
use axum::http::{Method, StatusCode};
use serde_json::json;
use tsunagi_store::{Store, db_test};

db_test!(
    fire_receives_everyone_on_the_roster_during_a_declaration_with_a_receipt,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        let fire = token_for(&app, "firefighter").await;
        // 山田 refuses (不同意の申出).
        let persons = api(&app, Method::GET, "/api/v1/persons", Some(&staff), None)
            .await
            .json();
        let haru = persons["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "山田　ハル")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let refusal = json!({"status": "refused", "scope": [], "obtained_on": "2026-11-01",
            "method": "written", "obtained_by": null, "note": "不同意の申出書"});
        let r = api(
            &app,
            Method::PUT,
            &format!("/api/v1/persons/{haru}/consent"),
            Some(&staff),
            Some(refusal.to_string()),
        )
        .await;
        assert!(r.status.is_success(), "{}", r.body);

        let decl = declare(&app, &admin).await;
        let path = format!("/api/v1/disasters/{decl}/full-list");
        let (s, l) = call_json(&app, Method::GET, &path, &fire, None).await;
        assert_eq!(s, StatusCode::OK, "{l}");
        let names: Vec<&str> = l["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["person"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            vec!["佐藤　茂", "山田　ハル"],
            "everyone, the refusal included"
        );
        assert_eq!(l["receipt"]["persons"], 2);
        // The screens' download is the same list.
        // Nobody else: not the NPO, the 自治会, the care manager, another town, nor the
        // municipality's own staff (they have the roster itself).
        for login in [
            "npo-staff",
            "community-leader",
            "care-manager",
            "other-staff",
            "town-staff",
        ] {
            let t = token_for(&app, login).await;
            let (s, _) = call_json(&app, Method::GET, &path, &t, None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{login}");
        }
        // The receipt, for the municipality.
        let (s, rs) = call_json(&app, Method::GET, &format!("{path}/receipts"), &staff, None).await;
        assert_eq!(s, StatusCode::OK, "{rs}");
        assert_eq!(rs[0]["organisation"], app.f.fire.name.as_str());
        assert_eq!(rs[0]["received_by"], "firefighter");
        assert_eq!(rs[0]["persons"], 2);
        let (s, _) = call_json(&app, Method::GET, &format!("{path}/receipts"), &fire, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // In the audit log as 災害時, with both persons named.
        let (_, audit) = call_json(
            &app,
            Method::GET,
            "/api/v1/audit?action=roster.exported",
            &admin,
            None,
        )
        .await;
        let e = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| {
                e["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("full_list"))
            })
            .unwrap_or_else(|| panic!("{audit}"));
        assert_eq!(e["access_basis"], "disaster");
        assert!(e["detail"].as_str().unwrap().contains(&haru));

        // Closed: the list ends at once.
        let (s, v) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{decl}/close"),
            &admin,
            Some(json!({"version": 1})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, _) = call_json(&app, Method::GET, &path, &fire, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
);
