//! Wide-area evacuees (issue 20 item 7): the town shares a case with the neighbouring town,
//! which works on it but may not close or hand it over; it transfers another to the
//! prefecture, with the household's whereabouts from the ledger recorded: the prefecture owns
//! it from then on (its day, its case meetings) and the town's view ends at once; both sides
//! are in the audit trail.

use crate::case_meetings::open_case;
use crate::common::{HONMACHI_ROSTER, app, call_json, load_roster, token_for};
use crate::ledger::{RESIDENTS, declare, household_of, import_residents};
use axum::http::{Method, StatusCode};
use serde_json::json;
use tsunagi_store::{Store, db_test};

db_test!(
    a_case_is_shared_with_a_town_and_transferred_to_the_prefecture,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        import_residents(&app, &staff, RESIDENTS, "").await;
        let decl = declare(&app, &admin).await;
        let c1 = open_case(&app, &staff, &decl, "1001").await;
        let c2 = open_case(&app, &staff, &decl, "1002").await;
        let other_t = token_for(&app, "other-staff").await;
        let pref_t = token_for(&app, "pref-staff").await;
        let other = app.f.other_town.id.0.to_string();
        let pref = app.f.prefecture.id.0.to_string();
        let npo = app.f.npo.id.0.to_string();
        let today = chrono::Utc::now()
            .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
            .date_naive();

        // The household evacuated to Fukuoka: the ledger says so.
        let (h1, _) = household_of(&app, &staff, "1001").await;
        let ledger_path = format!("/api/v1/disasters/{decl}/households/{h1}/ledger");
        let (_, l) = call_json(&app, Method::GET, &ledger_path, &staff, None).await;
        let person = l["members"][0]["id"].as_str().expect("member").to_owned();
        let (s, l) = call_json(&app, Method::PUT, &ledger_path, &staff, Some(json!({"version": 0, "ledger": {
            "contact_phone": null,
            "whereabouts": [{"person": person, "kind": "outside_prefecture", "place": "福岡市の親族宅", "since": today}],
            "harms": [], "support": [], "livelihood_lost": false, "other_damage": null,
            "consent_to_provide_on": null, "notes": null}}))).await;
        assert_eq!(s, StatusCode::OK, "{l}");

        // Only municipalities and prefectures receive cases; a reason is needed.
        let hand = |id: &str| format!("/api/v1/cases/{id}/handovers");
        let (s, _) = call_json(
            &app,
            Method::POST,
            &hand(&c2),
            &staff,
            Some(json!({"version": 1, "kind": "share", "to": npo, "reason": "x"})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _) = call_json(
            &app,
            Method::POST,
            &hand(&c2),
            &staff,
            Some(json!({"version": 1, "kind": "share", "to": other, "reason": ""})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

        // Shared with the neighbouring town: it sees and reviews, but does not close or hand over.
        let (s, v) = call_json(&app, Method::POST, &hand(&c2), &staff,
            Some(json!({"version": 1, "kind": "share", "to": other, "reason": "隣町の仮設住宅に入居"}))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/cases/{c2}"),
            &other_t,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["manages"], false);
        let (s, _) = call_json(&app, Method::POST, &format!("/api/v1/cases/{c2}/reviews"), &other_t,
            Some(json!({"version": 2, "progress": [], "policy": "仮設の見守りを隣町社協に依頼", "next_review_on": null}))).await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/cases/{c2}/close"),
            &other_t,
            Some(json!({"version": 3, "reason": "recovered", "closed_on": today, "note": null})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = call_json(
            &app,
            Method::POST,
            &hand(&c2),
            &other_t,
            Some(json!({"version": 3, "kind": "transfer", "to": other, "reason": "x"})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, day) = call_json(&app, Method::GET, "/api/v1/cases/day", &other_t, None).await;
        assert_eq!(day["open_cases"].as_array().unwrap().len(), 1, "{day}");
        // Ending the share ends its view.
        let (s, _) = call_json(
            &app,
            Method::POST,
            &hand(&c2),
            &staff,
            Some(json!({"version": 3, "kind": "unshare", "to": other, "reason": "町内に戻った"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/cases/{c2}"),
            &other_t,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Before the transfer the town held a meeting on it and kept a task.
        let town = app.f.town.id.0.to_string();
        let (s, m) = call_json(&app, Method::POST, &format!("/api/v1/disasters/{decl}/case-meetings"), &staff,
            Some(json!({"title": "町のケース会議", "starts_at": format!("{today}T09:00:00"), "place": null,
                "agenda": [c1], "participants": [{"organisation_id": npo, "attendees": null}], "basis": "consent"}))).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        let town_meeting = m["id"].as_str().unwrap().to_owned();
        let (s, m) = call_json(&app, Method::POST, &format!("/api/v1/case-meetings/{town_meeting}/minutes"), &staff,
            Some(json!({"version": 1, "minutes": {"held_on": today, "notes": null, "cases": [
                {"case_id": c1, "situation": "県外に避難", "policy": "県に引き継ぐ", "next_review_on": null,
                 "tasks": [{"what": "避難先の県に連絡する", "organisation_id": town, "due_on": null}]}]}}))).await;
        assert_eq!(s, StatusCode::OK, "{m}");
        let c1_version = {
            let (_, c) = call_json(
                &app,
                Method::GET,
                &format!("/api/v1/cases/{c1}"),
                &staff,
                None,
            )
            .await;
            c["version"].as_i64().unwrap()
        };

        // Transferred to the prefecture: the whereabouts recorded, the prefecture owns and
        // leads it, and the town no longer sees it.
        let (s, v) = call_json(&app, Method::POST, &hand(&c1), &staff,
            Some(json!({"version": c1_version, "kind": "transfer", "to": pref, "reason": "県外避難者として県が支援"}))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let h = &v["body"]["handovers"][0];
        assert_eq!(h["kind"], "transfer");
        assert!(
            h["whereabouts"]
                .as_str()
                .unwrap_or("")
                .contains("福岡市の親族宅"),
            "{v}"
        );
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/cases/{c1}"),
            &staff,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "the sending side's view ends");
        let (s, v) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/cases/{c1}"),
            &pref_t,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["manages"], true);
        assert_eq!(v["owner_id"], pref.as_str());
        assert!(
            !v["members"].as_array().unwrap().is_empty(),
            "the record travels with the case"
        );
        let (_, day) = call_json(&app, Method::GET, "/api/v1/cases/day", &pref_t, None).await;
        assert_eq!(day["open_cases"].as_array().unwrap().len(), 1, "{day}");
        let (_, day) = call_json(&app, Method::GET, "/api/v1/cases/day", &staff, None).await;
        assert_eq!(
            day["open_cases"].as_array().unwrap().len(),
            1,
            "only the other case: {day}"
        );
        // The town's queue still lists the household (its ledger), marked 移管済み.
        let (_, q) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/outreach"),
            &staff,
            None,
        )
        .await;
        let line = q
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["case_id"] == c1.as_str())
            .expect("in the queue");
        assert_eq!(line["transferred"], true, "{line}");
        // The town's meeting no longer shows the case; its task went with the case.
        let (_, tm) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/case-meetings/{town_meeting}"),
            &staff,
            None,
        )
        .await;
        assert!(tm["agenda"].as_array().unwrap().is_empty(), "{tm}");
        let (_, tasks) = call_json(&app, Method::GET, "/api/v1/tasks", &staff, None).await;
        assert!(tasks.as_array().unwrap().is_empty(), "{tasks}");
        let (_, tasks) = call_json(&app, Method::GET, "/api/v1/tasks", &pref_t, None).await;
        assert_eq!(tasks.as_array().unwrap().len(), 1, "{tasks}");

        // The prefecture records a visit and holds a case meeting for it.
        let (s, v) = call_json(&app, Method::POST, &format!("/api/v1/disasters/{decl}/households/{h1}/visits"), &pref_t,
            Some(json!({"visited_on": today, "visitors": ["県 広域支援班"], "outcome": "met", "issues": [], "next_visit_on": null}))).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = call_json(&app, Method::POST, &format!("/api/v1/disasters/{decl}/case-meetings"), &pref_t,
            Some(json!({"title": "県外避難者ケース会議", "starts_at": format!("{today}T10:00:00"), "place": null,
                "agenda": [c1], "participants": [{"organisation_id": npo, "attendees": null}], "basis": "consent"}))).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        // The town may no longer put it on its own meetings.
        let (s, _) = call_json(&app, Method::POST, &format!("/api/v1/disasters/{decl}/case-meetings"), &staff,
            Some(json!({"title": "x", "starts_at": format!("{today}T10:00:00"), "place": null,
                "agenda": [c1], "participants": [{"organisation_id": npo, "attendees": null}], "basis": "consent"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

        // The prefecture's roll-up: the town's open declaration, one area per municipality;
        // nobody else gets it (a report, not a record: 403).
        let (s, r) = call_json(
            &app,
            Method::GET,
            "/api/v1/prefecture/case-report",
            &pref_t,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let areas = r["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["title"] == "地区ごと")
            .expect("areas");
        assert_eq!(
            areas["lines"][0]["label"],
            app.f.town.name.as_str(),
            "{areas}"
        );
        for t in [&staff, &other_t] {
            let (s, _) =
                call_json(&app, Method::GET, "/api/v1/prefecture/case-report", t, None).await;
            assert_eq!(s, StatusCode::FORBIDDEN);
        }

        // The town's audit trail keeps its transfer (and the share).
        let (_, audit) = call_json(
            &app,
            Method::GET,
            "/api/v1/audit?action=case.updated",
            &admin,
            None,
        )
        .await;
        let items = audit["items"].as_array().unwrap();
        for change in ["\"transfer\"", "\"share\"", "\"unshare\""] {
            assert!(
                items
                    .iter()
                    .any(|e| e["detail"].as_str().is_some_and(|d| d.contains(change))),
                "{change}: {audit}"
            );
        }
    }
);
