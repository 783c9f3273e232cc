//! Case meetings and tasks (issue 20 items 4–6): the municipality schedules a meeting for two
//! cases with the NPO and the care provider; they see the meeting and its agenda's cases and
//! nothing else of those households; the minutes record a policy per case (a review of the
//! case) and tasks, all or nothing; the minutes print; a task claimed by one organisation is
//! refused to a second with the first named, unless claimed knowingly; tasks end; anyone else
//! sees none of it (404).

use crate::common::{HONMACHI_ROSTER, api, app, call_json, load_roster, token_for};
use crate::ledger::{RESIDENTS, declare, household_of, import_residents};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tsunagi_store::{Store, db_test};

fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
        .date_naive()
}

/// Opens a case (led by the town) for the household numbered `no`; returns the case id.
pub(crate) async fn open_case(
    app: &crate::common::TestApp,
    staff: &str,
    decl: &str,
    no: &str,
) -> String {
    let (h, _) = household_of(app, staff, no).await;
    let town = app.f.town.id.0.to_string();
    let (s, c) = call_json(
        app,
        Method::POST,
        &format!("/api/v1/disasters/{decl}/households/{h}/case"),
        staff,
        Some(json!({"lead_organisation": town, "source": "outreach",
            "lead_caseworker": "佐々木", "next_review_on": null})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    c["id"].as_str().unwrap().to_owned()
}

fn task<'a>(v: &'a Value, what: &str) -> &'a Value {
    v["agenda"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["tasks"].as_array().unwrap())
        .find(|t| t["body"]["what"] == what)
        .unwrap_or_else(|| panic!("task {what} in {v}"))
}

db_test!(
    a_case_meeting_shares_only_its_agenda_and_its_tasks_are_claimed_knowingly,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        import_residents(&app, &staff, RESIDENTS, "").await;
        let decl = declare(&app, &admin).await;
        let c1 = open_case(&app, &staff, &decl, "1001").await;
        let c2 = open_case(&app, &staff, &decl, "1002").await;
        let npo = app.f.npo.id.0.to_string();
        let care = app.f.care.id.0.to_string();
        let community = app.f.community.id.0.to_string();
        let npo_t = token_for(&app, "npo-staff").await;
        let care_t = token_for(&app, "care-manager").await;
        let leader_t = token_for(&app, "community-leader").await;

        // Scheduling: needs cases and participants; then made.
        let path = format!("/api/v1/disasters/{decl}/case-meetings");
        let mut body = json!({"title": "第1回ケース会議", "starts_at": format!("{}T13:30:00", today()),
            "place": "市役所302会議室", "agenda": [], "participants": [], "basis": "consent"});
        let (s, e) = call_json(&app, Method::POST, &path, &staff, Some(body.clone())).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        body["agenda"] = json!([c1, c2]);
        body["participants"] = json!([
            {"organisation_id": npo, "attendees": "山田"},
            {"organisation_id": care, "attendees": null}
        ]);
        // The NPO cannot schedule one: not the municipality.
        let (s, _) = call_json(&app, Method::POST, &path, &npo_t, Some(body.clone())).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, m) = call_json(&app, Method::POST, &path, &staff, Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        let id = m["id"].as_str().unwrap().to_owned();
        assert_eq!(m["state"], "scheduled");
        assert_eq!(m["body"]["participants"][0]["organisation"], app.f.npo.name);

        // The participants see the meeting and its cases — and not the cases themselves.
        let mpath = format!("/api/v1/case-meetings/{id}");
        for t in [&npo_t, &care_t] {
            let (s, list) = call_json(&app, Method::GET, "/api/v1/case-meetings", t, None).await;
            assert_eq!(s, StatusCode::OK);
            assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
            let (s, v) = call_json(&app, Method::GET, &mpath, t, None).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            assert_eq!(v["agenda"].as_array().unwrap().len(), 2);
            assert!(!v["agenda"][0]["members"].as_array().unwrap().is_empty());
            assert_eq!(v["manages"], false);
            let (s, _) =
                call_json(&app, Method::GET, &format!("/api/v1/cases/{c1}"), t, None).await;
            assert_eq!(
                s,
                StatusCode::NOT_FOUND,
                "a participant sees the meeting only"
            );
        }
        // Anyone else: nothing.
        let (s, _) = call_json(&app, Method::GET, &mpath, &leader_t, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, list) =
            call_json(&app, Method::GET, "/api/v1/case-meetings", &leader_t, None).await;
        assert_eq!(list.as_array().unwrap().len(), 0);

        // Minutes: a task for an organisation that was not there is refused, and nothing of
        // the minutes is kept.
        let minutes = |org: &str, version: i64| {
            json!({"version": version, "minutes": {"held_on": today(), "notes": "次回は来月",
            "cases": [
              {"case_id": c1, "situation": "屋根が壊れたまま", "policy": "応急修理の申請に同行する",
               "next_review_on": today() + chrono::Duration::days(14),
               "tasks": [
                 {"what": "応急修理の申請書類をそろえる", "organisation_id": org, "due_on": today() + chrono::Duration::days(7)},
                 {"what": "法律相談につなぐ", "organisation_id": null, "due_on": today()}
               ]},
              {"case_id": c2, "situation": "変化なし", "policy": "見守りを続ける", "next_review_on": null, "tasks": []}
            ]}})
        };
        let mins = format!("/api/v1/case-meetings/{id}/minutes");
        let (s, e) = call_json(
            &app,
            Method::POST,
            &mins,
            &staff,
            Some(minutes(&community, 1)),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, _) = call_json(&app, Method::POST, &mins, &staff, Some(minutes(&care, 0))).await;
        assert_eq!(s, StatusCode::CONFLICT);
        // A participant does not write the minutes.
        let (s, _) = call_json(&app, Method::POST, &mins, &npo_t, Some(minutes(&care, 1))).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, c) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/cases/{c1}"),
            &staff,
            None,
        )
        .await;
        assert!(
            c["body"]["reviews"].as_array().unwrap().is_empty(),
            "nothing half-applied"
        );
        let (s, v) = call_json(&app, Method::POST, &mins, &staff, Some(minutes(&care, 1))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "held");
        // The policy is on the case, as a review naming the meeting.
        let (_, c) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/cases/{c1}"),
            &staff,
            None,
        )
        .await;
        let reviews = c["body"]["reviews"].as_array().unwrap();
        assert_eq!(reviews.len(), 1, "{c}");
        assert_eq!(reviews[0]["policy"], "応急修理の申請に同行する");
        assert_eq!(reviews[0]["meeting"], id.as_str());
        assert_eq!(
            c["body"]["next_review_on"],
            (today() + chrono::Duration::days(14)).to_string()
        );
        // Minutes are recorded once.
        let (s, _) = call_json(&app, Method::POST, &mins, &staff, Some(minutes(&care, 2))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        // The meeting shows on the case.
        let (_, ms) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/cases/{c1}/meetings"),
            &staff,
            None,
        )
        .await;
        assert_eq!(ms[0]["id"], id.as_str());

        // The minutes print for the participants.
        let pdf = api(
            &app,
            Method::GET,
            &format!("/api/v1/case-meetings/{id}/minutes.pdf"),
            Some(&npo_t),
            None,
        )
        .await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert!(pdf.bytes.starts_with(b"%PDF"));
        let pdf = api(
            &app,
            Method::GET,
            &format!("/api/v1/case-meetings/{id}/minutes.pdf"),
            Some(&leader_t),
            None,
        )
        .await;
        assert_eq!(pdf.status, StatusCode::NOT_FOUND);

        // Tasks: the one given to the care provider is held by it; the open one is offered to
        // the participants.
        let given = task(&v, "応急修理の申請書類をそろえる").clone();
        assert_eq!(given["body"]["claims"][0]["organisation_id"], care.as_str());
        let open = task(&v, "法律相談につなぐ").clone();
        let tid = open["id"].as_str().unwrap().to_owned();
        let (_, offered) = call_json(&app, Method::GET, "/api/v1/tasks", &npo_t, None).await;
        assert!(
            offered
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["id"] == tid.as_str()),
            "{offered}"
        );
        let claim = format!("/api/v1/tasks/{tid}/claim");
        let (s, t) = call_json(
            &app,
            Method::POST,
            &claim,
            &npo_t,
            Some(json!({"version": 1})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{t}");
        // The second organisation is shown the first, and may claim only knowingly.
        let (s, e) = call_json(
            &app,
            Method::POST,
            &claim,
            &care_t,
            Some(json!({"version": 2})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e.to_string().contains(&app.f.npo.name), "{e}");
        let (s, t) = call_json(
            &app,
            Method::POST,
            &claim,
            &care_t,
            Some(json!({"version": 2, "knowing": true})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{t}");
        assert_eq!(
            t["body"]["claims"][1]["knowing_of"][0],
            app.f.npo.name.as_str()
        );
        // Someone with no part: not found.
        let (s, _) = call_json(
            &app,
            Method::POST,
            &claim,
            &leader_t,
            Some(json!({"version": 3, "knowing": true})),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // Held tasks are on each holder's day.
        let (_, day) = call_json(&app, Method::GET, "/api/v1/cases/day", &care_t, None).await;
        let tasks = day["tasks"].as_array().unwrap();
        assert_eq!(tasks.len(), 2, "{day}");
        assert!(tasks.iter().all(|t| t["ours"] == true));
        // Ending: a holder, with a note; then it leaves the lists.
        let (s, t) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/tasks/{tid}/end"),
            &npo_t,
            Some(json!({"version": 3, "state": "done", "note": "弁護士会の相談会を予約"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{t}");
        assert_eq!(t["body"]["state"], "done");
        let (_, offered) = call_json(&app, Method::GET, "/api/v1/tasks", &npo_t, None).await;
        assert!(offered.as_array().unwrap().is_empty(), "{offered}");
        // The town's staff see every open task of the town.
        let (_, all) = call_json(&app, Method::GET, "/api/v1/tasks", &staff, None).await;
        assert_eq!(all.as_array().unwrap().len(), 1, "{all}");

        // The information-sharing report counts the change since the last meeting and prints.
        let (s, r) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/case-report?since={}", today()),
            &staff,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["since"], today().to_string());
        let change = r["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["title"] == "前回の会議からの変化")
            .expect("change table");
        assert_eq!(
            change["lines"][1]["cells"][0], "5未満",
            "two cases opened today: {change}"
        );
        let pdf = api(
            &app,
            Method::GET,
            &format!("/disasters/{decl}/case-report.pdf"),
            None,
            None,
        )
        .await;
        assert_ne!(pdf.status, StatusCode::OK, "the screens' PDF needs a login");
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/case-report"),
            &npo_t,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // The views of the meeting are in the audit trail, with the meeting named.
        let (_, audit) = call_json(
            &app,
            Method::GET,
            "/api/v1/audit?action=case.viewed",
            &admin,
            None,
        )
        .await;
        assert!(
            audit["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["entity_id"] == c1.as_str()
                    && e["user_login"] == "npo-staff"
                    && e["detail"]
                        .as_str()
                        .is_some_and(|d| d.contains(id.as_str()))),
            "{audit}"
        );
        let (_, audit) = call_json(
            &app,
            Method::GET,
            "/api/v1/audit?action=case.task_updated",
            &admin,
            None,
        )
        .await;
        assert!(audit["items"].as_array().unwrap().len() >= 4, "{audit}");
    }
);

db_test!(
    a_scheduled_meeting_is_cancelled_with_a_reason,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        import_residents(&app, &staff, RESIDENTS, "").await;
        let decl = declare(&app, &admin).await;
        let c1 = open_case(&app, &staff, &decl, "1001").await;
        let npo = app.f.npo.id.0.to_string();
        let (s, m) = call_json(&app, Method::POST, &format!("/api/v1/disasters/{decl}/case-meetings"), &staff,
        Some(json!({"title": "臨時会議", "starts_at": format!("{}T10:00:00", today()), "place": null,
            "agenda": [c1], "participants": [{"organisation_id": npo, "attendees": null}], "basis": "law"}))).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        let id = m["id"].as_str().unwrap();
        let cancel = format!("/api/v1/case-meetings/{id}/cancel");
        let (s, _) = call_json(
            &app,
            Method::POST,
            &cancel,
            &staff,
            Some(json!({"version": 1, "reason": " "})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, m) = call_json(
            &app,
            Method::POST,
            &cancel,
            &staff,
            Some(json!({"version": 1, "reason": "台風接近のため"})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{m}");
        assert_eq!(m["state"], "cancelled");
        // No minutes for a cancelled meeting.
        let (s, _) = call_json(&app, Method::POST, &format!("/api/v1/case-meetings/{id}/minutes"), &staff,
        Some(json!({"version": 2, "minutes": {"held_on": today(), "notes": null,
            "cases": [{"case_id": c1, "situation": "", "policy": "x", "next_review_on": null, "tasks": []}]}}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }
);

db_test!(
    a_municipality_adds_issue_categories_that_visits_assess_and_the_report_counts,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        import_residents(&app, &staff, RESIDENTS, "").await;
        let decl = declare(&app, &admin).await;
        let npo_t = token_for(&app, "npo-staff").await;
        let path = "/api/v1/issue-categories";
        // Not one of the seven, not twice; the NPO keeps no list of the town's.
        let (s, _) = call_json(
            &app,
            Method::PUT,
            path,
            &staff,
            Some(json!({"categories": ["住宅の補修再建"]})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _) = call_json(
            &app,
            Method::PUT,
            path,
            &npo_t,
            Some(json!({"categories": ["仕事"]})),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, v) = call_json(
            &app,
            Method::PUT,
            path,
            &staff,
            Some(json!({"categories": [" 仕事 ", "心のケア"]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v, json!(["仕事", "心のケア"]));
        let (_, v) = call_json(&app, Method::GET, path, &staff, None).await;
        assert_eq!(v, json!(["仕事", "心のケア"]));

        // A visit assesses 仕事; a category the town does not have is refused.
        let (h1, _) = household_of(&app, &staff, "1001").await;
        let visit = |category: &str| {
            json!({"visited_on": today(), "visitors": ["佐々木（市）"], "outcome": "met",
            "issues": [{"category": "housing", "severity": "medium", "notes": null}],
            "other_issues": [{"category": category, "severity": "high", "notes": "失職"}],
            "next_visit_on": null})
        };
        let vpath = format!("/api/v1/disasters/{decl}/households/{h1}/visits");
        let (s, e) = call_json(&app, Method::POST, &vpath, &staff, Some(visit("趣味"))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, v) = call_json(&app, Method::POST, &vpath, &staff, Some(visit("仕事"))).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["other_issues"][0]["category"], "仕事");
        // The report counts it beside the seven (one household: suppressed, but the line is there).
        let (_, r) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/case-report"),
            &staff,
            None,
        )
        .await;
        let issues = r["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["title"] == "課題の分類と程度（直近の評価）")
            .expect("issues");
        let work = issues["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["label"] == "仕事")
            .expect("仕事 line");
        assert_eq!(work["cells"][2], "5未満", "{work}");
    }
);
