//! Declaring a disaster opens disaster-time provision (arts. 49-11(3), 49-15(3)) at once, for
//! 避難支援等関係者 with a share, read-only and audited as 災害時; closing ends it at once
//! (issue 18, item 1 and the core of item 2).

use crate::common::{Client, PASSWORD, TestApp, app, call_json, token_for};
use axum::http::{Method, StatusCode};
use serde_json::json;
use tsunagi_store::{Store, db_test};

pub(crate) async fn list_names(app: &TestApp, t: &str) -> usize {
    let (s, v) = call_json(
        app,
        Method::GET,
        &format!("/api/v1/receivers/{}/list", app.f.community.id.0),
        t,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v.as_array().unwrap().len()
}

db_test!(
    a_declaration_opens_and_closing_ends_disaster_time_provision,
    |store: Store| async move {
        let app = app(store).await;
        crate::common::load_roster(&app, crate::common::HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        let leader = token_for(&app, "community-leader").await;
        let npo = token_for(&app, "npo-staff").await;
        crate::common::community_receives_honmachi(&app, &staff, true).await;

        // 平常時, nobody consented: the 自治会 sees nobody.
        assert_eq!(list_names(&app, &leader).await, 0);
        let (_, persons) = call_json(&app, Method::GET, "/api/v1/persons", &staff, None).await;
        let id = persons["items"][0]["id"].as_str().unwrap().to_owned();
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{id}"),
            &leader,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Welfare staff may not declare; a declaration needs a name.
        let decl = json!({"name": "令和8年台風第10号", "kind": "flood", "stage": "evacuation_order",
        "area": {"type": "whole_municipality"}, "started_at": null});
        let (s, _) = call_json(
            &app,
            Method::POST,
            "/api/v1/disasters",
            &staff,
            Some(decl.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = call_json(
            &app,
            Method::POST,
            "/api/v1/disasters",
            &admin,
            Some(json!({"name": " ", "kind": "flood",
        "stage": "evacuation_order", "area": {"type": "whole_municipality"}, "started_at": null})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

        // Declared: at once the 自治会 sees both, read-only, audited as 災害時.
        let (s, d) = call_json(&app, Method::POST, "/api/v1/disasters", &admin, Some(decl)).await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        assert_eq!(d["open"], true);
        let did = d["id"].as_str().unwrap().to_owned();
        assert_eq!(list_names(&app, &leader).await, 2);
        let (s, rec) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{id}"),
            &leader,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{rec}");
        let (s, v) = call_json(&app, Method::PUT, &format!("/api/v1/persons/{id}"), &leader,
            Some(json!({"version": rec["version"], "resident_no": rec["resident_no"],
                "name": "書き換え　太郎", "name_kana": "カキカエ タロウ", "birth_date": "1930-01-01",
                "sex": "女", "address": "潮見市本町1-1"}))).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "read-only: {v}");
        // An NPO is no 避難支援等関係者 and has no share: still nothing.
        let (_, v) = call_json(&app, Method::GET, "/api/v1/persons", &npo, None).await;
        assert_eq!(v["total"], 0, "{v}");
        let (_, audit) = call_json(&app, Method::GET, "/api/v1/audit", &admin, None).await;
        let text = audit.to_string();
        assert!(text.contains("disaster.declared"), "{text}");
        assert!(text.contains("\"access_basis\":\"disaster\""), "{text}");
        // Each 災害時 view names the declaration it was made under.
        let viewed = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "person.viewed" && e["access_basis"] == "disaster")
            .unwrap_or_else(|| panic!("{text}"));
        assert!(
            viewed["detail"].as_str().unwrap().contains(&did),
            "{viewed}"
        );
        // The list export during the disaster is recorded as 災害時, with each person's basis.
        let export = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| {
                e["action"] == "roster.exported"
                    && e["detail"].as_str().unwrap_or("").contains("disaster")
            })
            .unwrap_or_else(|| panic!("{text}"));
        assert_eq!(export["access_basis"], "disaster", "{export}");

        // Every screen says so.
        let mut c = Client::new(&app);
        c.login("community-leader", PASSWORD).await;
        let home = c.get("/").await;
        assert!(home.body.contains("disaster-banner"), "{}", home.body);

        // Stages rise and fall from the version seen; a stale version or the same stage is refused.
        let (s, v) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{did}/stage"),
            &admin,
            Some(json!({"version": 1, "stage": "emergency_safety"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["version"], 2);
        let (s, _) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{did}/stage"),
            &admin,
            Some(json!({"version": 1, "stage": "occurred"})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, _) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{did}/stage"),
            &admin,
            Some(json!({"version": 2, "stage": "emergency_safety"})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

        // Closed: provision ends at once; a closed declaration cannot be closed again.
        let (s, v) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{did}/close"),
            &admin,
            Some(json!({"version": 2})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["open"], false);
        assert_eq!(list_names(&app, &leader).await, 0);
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{id}"),
            &leader,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{did}/close"),
            &admin,
            Some(json!({"version": 3})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let home = c.get("/").await;
        assert!(!home.body.contains("disaster-banner"));

        // The screen lists it; the administrator declares from the form.
        let mut a = Client::new(&app);
        a.login("town-admin", PASSWORD).await;
        let page = a.get("/disasters").await;
        assert!(page.body.contains("令和8年台風第10号"), "{}", page.body);
        let r = a
            .post(
                "/disasters",
                &[
                    ("name", "令和8年豪雨"),
                    ("kind", "flood"),
                    ("stage", "elderly_evacuation"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(list_names(&app, &leader).await, 2);
    }
);

db_test!(
    the_sweep_puts_the_unreached_first_and_records_each_check_once,
    |store: Store| async move {
        let app = app(store).await;
        crate::common::load_roster(&app, crate::common::HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        let leader = token_for(&app, "community-leader").await;
        let npo = token_for(&app, "npo-staff").await;
        crate::common::community_receives_honmachi(&app, &staff, true).await;
        call_json(&app, Method::POST, "/api/v1/roster/triage", &staff, None).await;
        let (s, d) = call_json(
            &app,
            Method::POST,
            "/api/v1/disasters",
            &admin,
            // It began four hours ago: whoever is still unreached is overdue (要対応).
            Some(json!({"name": "令和8年地震", "kind": "earthquake",
        "stage": "occurred", "area": {"type": "whole_municipality"},
        "started_at": chrono::Utc::now() - chrono::Duration::hours(4)})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        let did = d["id"].as_str().unwrap().to_owned();
        let sweep = format!("/api/v1/disasters/{did}/sweep");

        // Everyone on the roster is in the sweep, unchecked; the 自治会 (disaster-time provision)
        // sees them too; an NPO sees nobody.
        let (_, all) = call_json(&app, Method::GET, &sweep, &staff, None).await;
        assert_eq!(all.as_array().unwrap().len(), 2, "{all}");
        assert!(
            all.as_array()
                .unwrap()
                .iter()
                .all(|l| l["status"] == "unchecked" && l["overdue"] == true),
            "{all}"
        );
        let (_, seen) = call_json(&app, Method::GET, &sweep, &leader, None).await;
        assert_eq!(seen.as_array().unwrap().len(), 2, "{seen}");
        let (_, none) = call_json(&app, Method::GET, &sweep, &npo, None).await;
        assert_eq!(none.as_array().unwrap().len(), 0, "{none}");

        // The 自治会 leader finds 佐藤 safe at home, submitting the same form twice.
        let sato = all
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["person"]["name"] == "佐藤　茂")
            .unwrap()["person"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let check = json!({"status": "safe_at_home", "method": "visit", "note": null, "key": "form-0001-abcdef"});
        for _ in 0..2 {
            let (s, v) = call_json(
                &app,
                Method::POST,
                &format!("{sweep}/{sato}"),
                &leader,
                Some(check.clone()),
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
        let (_, after) = call_json(&app, Method::GET, &sweep, &staff, None).await;
        let lines = after.as_array().unwrap();
        // 山田, still unchecked, is first; 佐藤 is checked once, by the leader.
        assert_eq!(lines[0]["person"]["name"], "山田　ハル", "{after}");
        assert_eq!(lines[1]["status"], "safe_at_home", "{after}");
        assert_eq!(lines[0]["overdue"], true, "{after}");
        assert_eq!(lines[1]["overdue"], false, "{after}");
        assert_eq!(
            lines[1]["attempts"], 1,
            "a resubmitted form records once: {after}"
        );
        assert!(
            lines[1]["last_by"]
                .as_str()
                .unwrap()
                .contains("community-leader"),
            "{after}"
        );

        // 避難済み needs where; an NPO cannot record; a key reused for another person conflicts.
        let yamada = lines[0]["person"]["id"].as_str().unwrap().to_owned();
        let (s, _) = call_json(&app, Method::POST, &format!("{sweep}/{yamada}"), &leader,
        Some(json!({"status": "evacuated", "method": "phone", "note": " ", "key": "form-0002-abcdef"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _) = call_json(&app, Method::POST, &format!("{sweep}/{yamada}"), &npo,
        Some(json!({"status": "safe_at_home", "method": "phone", "note": null, "key": "form-0003-abcdef"}))).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = call_json(
            &app,
            Method::POST,
            &format!("{sweep}/{yamada}"),
            &leader,
            Some(check.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);

        // From the phone screen, without JavaScript: the form carries its own key.
        let mut c = Client::new(&app);
        c.login("community-leader", PASSWORD).await;
        let page = c.get(&format!("/disasters/{did}/sweep")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("山田　ハル") && page.body.contains("name=\"key\""),
            "{}",
            page.body
        );
        let key_at = page.body.find(&format!("/sweep/{yamada}\"")).unwrap();
        let key = page.body[key_at..]
            .split("name=\"key\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        for _ in 0..2 {
            let r = c
                .post(
                    &format!("/disasters/{did}/sweep/{yamada}"),
                    &[
                        ("status", "evacuated"),
                        ("method", "at_shelter"),
                        ("note", "潮見小学校"),
                        ("key", &key),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        // The headquarters' counts: one safe, one evacuated, nobody unchecked; staff only.
        let (s, counts) =
            call_json(&app, Method::GET, &format!("{sweep}/counts"), &staff, None).await;
        assert_eq!(s, StatusCode::OK, "{counts}");
        let count = |code: &str| {
            counts
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["status"] == code)
                .unwrap()["count"]
                .clone()
        };
        assert_eq!(count("safe_at_home"), 1, "{counts}");
        assert_eq!(count("evacuated"), 1, "{counts}");
        assert_eq!(count("unchecked"), 0, "{counts}");
        let (s, _) = call_json(&app, Method::GET, &format!("{sweep}/counts"), &leader, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Progress by 自治会 district and by the organisation that checked: the 自治会 checked
        // 佐藤 (twice submitted, once recorded) and 山田.
        let (s, hq) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{did}/headquarters"),
            &staff,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{hq}");
        let honmachi = &hq["community_districts"][0];
        assert_eq!(honmachi["area"], "本町自治会", "{hq}");
        assert_eq!(honmachi["people"], 2, "{hq}");
        assert_eq!(honmachi["not_reached"], 0, "{hq}");
        let checkers = hq["checkers"].as_array().unwrap();
        assert_eq!(checkers.len(), 1, "{hq}");
        assert_eq!(checkers[0]["people"], 2, "{hq}");
        let (_, done) = call_json(&app, Method::GET, &sweep, &staff, None).await;
        let y = done
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["person"]["id"] == yamada.as_str())
            .unwrap();
        assert_eq!(y["status"], "evacuated");
        assert_eq!(y["attempts"], 1);
    }
);

db_test!(
    the_municipality_sets_when_the_unreached_are_flagged,
    |store: Store| async move {
        let app = crate::common::app(store).await;
        crate::common::load_roster(&app, crate::common::HONMACHI_ROSTER).await;
        let admin = crate::common::token_for(&app, "town-admin").await;
        let staff = crate::common::token_for(&app, "town-staff").await;
        let started = chrono::Utc::now() - chrono::Duration::hours(2);
        let (s, v) = call_json(
            &app,
            Method::POST,
            "/api/v1/disasters",
            &admin,
            Some(
                json!({"name": "潮見川の洪水", "kind": "flood", "stage": "occurred",
                "area": {"type": "whole_municipality"}, "started_at": started}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let decl = v["id"].as_str().unwrap().to_owned();
        let sweep = format!("/api/v1/disasters/{decl}/sweep");
        let overdue = |v: &serde_json::Value| {
            v.as_array()
                .unwrap()
                .iter()
                .filter(|l| l["overdue"] == true)
                .count()
        };
        // Two hours unreached: not yet 要対応 under the default three hours.
        let (_, v) = call_json(&app, Method::GET, "/api/v1/safety-settings", &staff, None).await;
        assert_eq!(v["escalate_after_minutes"], 180);
        let (_, list) = call_json(&app, Method::GET, &sweep, &staff, None).await;
        assert_eq!(overdue(&list), 0, "{list}");
        // The town sets an hour: both are 要対応 now. Out-of-range times are refused.
        for bad in [29, 4321] {
            let (s, _) = call_json(
                &app,
                Method::PUT,
                "/api/v1/safety-settings",
                &staff,
                Some(json!({"escalate_after_minutes": bad})),
            )
            .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
        let (s, _) = call_json(
            &app,
            Method::PUT,
            "/api/v1/safety-settings",
            &staff,
            Some(json!({"escalate_after_minutes": 60})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (_, list) = call_json(&app, Method::GET, &sweep, &staff, None).await;
        assert_eq!(overdue(&list), 2, "{list}");
        // Not a setting other organisations have.
        let npo = crate::common::token_for(&app, "npo-staff").await;
        let (s, _) = call_json(
            &app,
            Method::PUT,
            "/api/v1/safety-settings",
            &npo,
            Some(json!({"escalate_after_minutes": 60})),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
);

db_test!(
    the_unreached_go_to_the_fire_department_and_leave_it_when_the_declaration_closes,
    |store: Store| async move {
        let app = app(store).await;
        crate::common::load_roster(&app, crate::common::HONMACHI_ROSTER).await;
        let admin = token_for(&app, "town-admin").await;
        let staff = token_for(&app, "town-staff").await;
        let leader = token_for(&app, "community-leader").await;
        let fire = token_for(&app, "firefighter").await;
        crate::common::community_receives_honmachi(&app, &staff, true).await;
        // Declared four hours ago: past the three hours after which the unreached are 要対応.
        let (s, d) = call_json(
            &app,
            Method::POST,
            "/api/v1/disasters",
            &admin,
            Some(
                json!({"name": "潮見川の洪水", "kind": "flood", "stage": "occurred",
                "area": {"type": "whole_municipality"},
                "started_at": chrono::Utc::now() - chrono::Duration::hours(4)}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        let did = d["id"].as_str().unwrap().to_owned();
        let sweep = format!("/api/v1/disasters/{did}/sweep");
        let (_, all) = call_json(&app, Method::GET, &sweep, &staff, None).await;
        let id_of = |name: &str| {
            all.as_array()
                .unwrap()
                .iter()
                .find(|l| l["person"]["name"] == name)
                .unwrap()["person"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let (sato, yamada) = (id_of("佐藤　茂"), id_of("山田　ハル"));
        // The 自治会 reaches 佐藤; nobody reaches 山田.
        let (s, v) = call_json(
            &app,
            Method::POST,
            &format!("{sweep}/{sato}"),
            &leader,
            Some(
                json!({"status": "safe_at_home", "method": "visit", "note": null,
                "key": "fire-test-0001"}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");

        // The fire department has no share: its queue is the unreached past the time — 山田.
        let (s, q) = call_json(&app, Method::GET, &sweep, &fire, None).await;
        assert_eq!(s, StatusCode::OK, "{q}");
        let names: Vec<&str> = q
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["person"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["山田　ハル"], "{q}");
        // It opens her record read-only, without the plan, and records what it finds.
        let (s, rec) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{yamada}"),
            &fire,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{rec}");
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{yamada}/plan"),
            &fire,
            None,
        )
        .await;
        assert_eq!(
            s,
            StatusCode::NOT_FOUND,
            "the plan stays with the receivers"
        );
        // A resident who is not on the roster (the resident extract, a walk-in) is not the
        // fire department's: 404, and not in its list.
        let resident =
            crate::common::create_person(&app, &staff, "住民　一郎", "ジュウミン イチロウ", "9001")
                .await;
        let rid = resident["id"].as_str().unwrap().to_owned();
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{rid}"),
            &fire,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, listed) = call_json(&app, Method::GET, "/api/v1/persons", &fire, None).await;
        assert_eq!(
            listed["total"], 2,
            "the roster's two, not the resident: {listed}"
        );
        let (s, v) = call_json(
            &app,
            Method::POST,
            &format!("{sweep}/{yamada}"),
            &fire,
            Some(
                json!({"status": "hospitalised", "method": "visit", "note": "潮見中央病院へ搬送",
                "key": "fire-test-0002"}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, q) = call_json(&app, Method::GET, &sweep, &fire, None).await;
        assert!(
            q.as_array().unwrap().is_empty(),
            "reached: off the queue {q}"
        );
        // The view is audited on the basis 災害時.
        let (_, audit) = call_json(&app, Method::GET, "/api/v1/audit", &admin, None).await;
        assert!(
            audit["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "person.viewed"
                    && e["access_basis"] == "disaster"
                    && e["user_login"] == "firefighter"),
            "{audit}"
        );

        // Closed: the fire department no longer sees her.
        let (s, v) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{did}/close"),
            &admin,
            Some(json!({"version": d["version"]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{yamada}"),
            &fire,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
);
