//! Disaster case management, first part (issue 20 items 1–3), tried as a caseworker would after
//! a declared flood: the outreach queue puts never-reached households first and one absent
//! three times at the very top; a visit that meets the household records three issues and the
//! classification is proposed from them; a case is opened with the NPO as lead, classified with
//! a reason, visited by the NPO in its own login, closed and reopened; nobody else sees any of
//! it (404).

use crate::common::{HONMACHI_ROSTER, TestApp, app, call_json, load_roster, token_for};
use crate::ledger::{RESIDENTS, declare, household_of, import_residents};
use crate::programmes::survey_and_issue;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tsunagi_store::{Store, db_test};

async fn visit(app: &TestApp, t: &str, decl: &str, h: &str, body: Value) -> (StatusCode, Value) {
    call_json(
        app,
        Method::POST,
        &format!("/api/v1/disasters/{decl}/households/{h}/visits"),
        t,
        Some(body),
    )
    .await
}

fn position(queue: &Value, h: &str) -> usize {
    queue
        .as_array()
        .unwrap()
        .iter()
        .position(|l| l["household_id"] == h)
        .unwrap_or_else(|| panic!("{h} not in {queue}"))
}

db_test!(
    outreach_finds_the_silent_and_a_case_is_classified_visited_closed_and_reopened,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        import_residents(&app, &staff, RESIDENTS, "").await;
        let decl = declare(&app, &admin).await;
        let today = chrono::Utc::now()
            .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
            .date_naive()
            .to_string();
        let (h1, _) = household_of(&app, &staff, "1001").await;
        let (h2, _) = household_of(&app, &staff, "1002").await;
        let (h3, _) = household_of(&app, &staff, "3001").await;
        survey_and_issue(&app, &staff, &decl, &h1, 60.0, &today).await;
        survey_and_issue(&app, &staff, &decl, &h3, 25.0, &today).await;
        let queue_path = format!("/api/v1/disasters/{decl}/outreach");

        // The queue: the ledger's households and the roster people's from the sweep, nobody
        // reached yet.
        let (s, q) = call_json(&app, Method::GET, &queue_path, &staff, None).await;
        assert_eq!(s, StatusCode::OK, "{q}");
        for h in [&h1, &h2, &h3] {
            position(&q, h);
        }
        assert!(q.as_array().unwrap().iter().all(|l| l["reached"] == false));

        // H3 is absent three times: escalated to the top.
        for _ in 0..3 {
            let (s, v) = visit(
                &app,
                &staff,
                &decl,
                &h3,
                json!({"visited_on": today,
                "visitors": ["田中（社協）"], "outcome": "absent", "seen": "郵便受けに不在票",
                "next_visit_on": null}),
            )
            .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let (_, q) = call_json(&app, Method::GET, &queue_path, &staff, None).await;
        assert_eq!(position(&q, &h3), 0, "{q}");
        assert_eq!(q[0]["escalated"], true);
        assert_eq!(q[0]["absences_in_a_row"], 3);

        // H1 is met: three issues; it moves behind the households never reached.
        let (s, v) = visit(
            &app,
            &staff,
            &decl,
            &h1,
            json!({"visited_on": today,
            "visitors": ["田中（社協）", "佐々木（潮見市）"], "outcome": "met",
            "seen": "1階が浸水、2階で生活",
            "issues": [
                {"category": "housing", "severity": "high", "notes": "再建の見通しなし"},
                {"category": "health", "severity": "medium", "notes": "通院が途切れている"},
                {"category": "legal", "severity": "low", "notes": null}
            ],
            "next_visit_on": null}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (_, q) = call_json(&app, Method::GET, &queue_path, &staff, None).await;
        assert!(position(&q, &h1) > position(&q, &h2), "{q}");
        // A bad visit: refused with the reasons, nothing recorded.
        let (s, v) = visit(
            &app,
            &staff,
            &decl,
            &h2,
            json!({"visited_on": today,
            "visitors": [], "outcome": "absent",
            "issues": [{"category": "housing", "severity": "high", "notes": null}],
            "next_visit_on": null}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

        // The case, led by the NPO; the proposal from the assessment is both axes.
        let npo_org = app.f.npo.id.0.to_string();
        let (s, c) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{decl}/households/{h1}/case"),
            &staff,
            Some(json!({"lead_organisation": npo_org, "source": "outreach",
                "lead_caseworker": "NPO 山本", "next_review_on": null})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let id = c["id"].as_str().unwrap().to_owned();
        assert_eq!(c["proposed"], "both");
        assert_eq!(c["damage"], "total");
        assert_eq!(c["members"].as_array().unwrap().len(), 2);
        assert_eq!(c["assessment"].as_array().unwrap().len(), 3);
        let (s, _) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{decl}/households/{h1}/case"),
            &staff,
            Some(json!({"lead_organisation": npo_org, "source": "outreach",
                "lead_caseworker": null, "next_review_on": null})),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "one case per household"
        );
        let (_, q) = call_json(&app, Method::GET, &queue_path, &staff, None).await;
        assert_eq!(q[position(&q, &h1)]["case_id"], id.as_str());

        // Classified with a reason (none: refused).
        let at = |p: &str| format!("/api/v1/cases/{id}/{p}");
        let (s, _) = call_json(
            &app,
            Method::POST,
            &at("classification"),
            &staff,
            Some(json!({"version": 1, "household_type": "both", "reason": " "})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, c) = call_json(
            &app,
            Method::POST,
            &at("classification"),
            &staff,
            Some(json!({"version": 1, "household_type": "housing",
                "reason": "通院は家族が再開できる見込み。住まいの再建を優先"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["body"]["classifications"][0]["household_type"], "housing");
        assert_eq!(c["body"]["classifications"][0]["proposed"], "both");

        // The NPO, in its own login: sees its case, records a visit, may not close it.
        let npo = token_for(&app, "npo-staff").await;
        let (_, mine) = call_json(&app, Method::GET, "/api/v1/cases/mine", &npo, None).await;
        assert_eq!(mine[0]["id"], id.as_str());
        let (s, c) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/cases/{id}"),
            &npo,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["manages"], false);
        let (s, _) = visit(
            &app,
            &npo,
            &decl,
            &h1,
            json!({"visited_on": today,
            "visitors": ["山本（NPO）"], "outcome": "met", "seen": "片付けの手伝いを調整",
            "issues": [{"category": "housing", "severity": "medium", "notes": null}],
            "next_visit_on": null}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        // The NPO reviews the case: the policy revised, the next review today (so it is due),
        // and a visit planned for today: both on the day's lists.
        let (s, c) = call_json(
            &app,
            Method::POST,
            &at("reviews"),
            &npo,
            Some(json!({"version": 2, "policy": "応急修理の申請に付き添う",
                "progress": [{"category": "housing", "progress": "improved"}],
                "next_review_on": null})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(
            c["body"]["reviews"][0]["policy"],
            "応急修理の申請に付き添う"
        );
        let (s, _) = call_json(
            &app,
            Method::POST,
            &at("reviews"),
            &npo,
            Some(json!({"version": 3, "policy": " ", "progress": [], "next_review_on": null})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a policy is required");
        let (s, _) = visit(
            &app,
            &npo,
            &decl,
            &h1,
            json!({"visited_on": today,
            "visitors": ["山本（NPO）"], "outcome": "absent", "next_visit_on": today}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        let (_, day) = call_json(&app, Method::GET, "/api/v1/cases/day", &npo, None).await;
        assert_eq!(day["visits_due"][0]["case_id"], id.as_str(), "{day}");
        assert_eq!(day["open_cases"].as_array().unwrap().len(), 1);
        let (_, day) = call_json(&app, Method::GET, "/api/v1/cases/day", &staff, None).await;
        assert_eq!(
            day["visits_due"][0]["case_id"],
            id.as_str(),
            "the municipality sees it too"
        );
        let other = token_for(&app, "other-staff").await;
        let (_, day) = call_json(&app, Method::GET, "/api/v1/cases/day", &other, None).await;
        assert_eq!(day["open_cases"].as_array().unwrap().len(), 0, "{day}");

        let close = json!({"version": 3, "reason": "recovered", "closed_on": today, "note": null});
        let (s, _) = call_json(&app, Method::POST, &at("close"), &npo, Some(close.clone())).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // ... but not another household's visits.
        let (s, _) = visit(
            &app,
            &npo,
            &decl,
            &h3,
            json!({"visited_on": today,
            "visitors": ["山本（NPO）"], "outcome": "absent", "next_visit_on": null}),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Closed with its reason by the municipality; a stale version is a conflict; reopened.
        let (s, c) = call_json(
            &app,
            Method::POST,
            &at("close"),
            &staff,
            Some(close.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["closed"], true);
        let (s, _) = call_json(
            &app,
            Method::POST,
            &at("reopen"),
            &staff,
            Some(json!({"version": 3})),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, c) = call_json(
            &app,
            Method::POST,
            &at("reopen"),
            &staff,
            Some(json!({"version": 4})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["closed"], false);
        assert_eq!(c["body"]["closed_before"][0]["reason"], "recovered");

        // The information-sharing report: counts only, small cells suppressed, no names.
        let report_path = format!("/api/v1/disasters/{decl}/case-report");
        let (s, r) = call_json(&app, Method::GET, &report_path, &staff, None).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["households"], "5未満", "{r}");
        let text = r.to_string();
        for name in ["山田", "佐藤", "鈴木", "H1", &h1] {
            assert!(!text.contains(name), "{name} in {text}");
        }
        let status = &r["tables"][0];
        assert_eq!(status["lines"][0]["label"], "支援中");
        assert_eq!(status["lines"][0]["cells"][0], "5未満");
        let issues = &r["tables"][2];
        assert_eq!(issues["lines"].as_array().unwrap().len(), 7);

        // Nobody with no part in the case sees anything of it.
        for login in ["other-staff", "care-manager", "community-leader"] {
            let t = token_for(&app, login).await;
            let (s, _) =
                call_json(&app, Method::GET, &format!("/api/v1/cases/{id}"), &t, None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{login}");
            let (s, _) = call_json(&app, Method::GET, &queue_path, &t, None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{login}");
            let (s, _) = call_json(&app, Method::GET, &report_path, &t, None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{login}");
            let (s, _) = visit(
                &app,
                &t,
                &decl,
                &h1,
                json!({"visited_on": today,
                "visitors": ["x"], "outcome": "absent", "next_visit_on": null}),
            )
            .await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{login}");
        }
        // The views are in the audit trail.
        let (_, audit) = call_json(
            &app,
            Method::GET,
            "/api/v1/audit?action=case.viewed",
            &admin,
            None,
        )
        .await;
        let items = audit["items"].as_array().unwrap();
        assert!(
            items.iter().all(|e| e["action"] == "case.viewed"),
            "{audit}"
        );
        assert!(
            items.iter().any(|e| e["entity_id"] == id.as_str()),
            "{audit}"
        );
    }
);
