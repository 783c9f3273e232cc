//! Bulk actions on the roster (issue 17, A.2 in part): everyone the filter holds, or the rows
//! ticked, have their workflow started or assigned (委託) with a due date in one action; those
//! it does not apply to are named with the reason; nobody outside the roster or the actor's
//! reach is touched.

use crate::common::{Client, PASSWORD, TestApp, app, call_json, load_roster, person_id, token_for};
use axum::http::{Method, StatusCode};
use tsunagi_store::{Store, db_test};

const ROSTER: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,独居,洪水,自治会\n\
1001,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市本町1-1,1,1,1,本町自治会\n\
1002,佐藤　茂,サトウ シゲル,S10.1.1,1,潮見市本町1-2,,1,1,本町自治会\n\
1003,岡林　千代,オカバヤシ チヨ,S8.1.1,2,潮見市港町3,,1,,港町自治会\n";

async fn workflow(app: &TestApp, t: &str, id: &str) -> (StatusCode, serde_json::Value) {
    call_json(
        app,
        Method::GET,
        &format!("/api/v1/persons/{id}/workflow"),
        t,
        None,
    )
    .await
}

/// The message the list shows after the action (the redirect's `ran`).
fn ran(location: &str) -> String {
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "ran")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

db_test!(
    all_matching_are_assigned_in_one_action_and_the_rest_named,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, ROSTER).await;
        let t = token_for(&app, "town-staff").await;
        call_json(&app, Method::POST, "/api/v1/roster/triage", &t, None).await;
        let (yamada, sato, okabayashi) = (
            person_id(&app, &t, "山田　ハル").await,
            person_id(&app, &t, "佐藤　茂").await,
            person_id(&app, &t, "岡林　千代").await,
        );
        let care = app.f.care.id.0.to_string();
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let page = c
            .get("/roster?district=%E6%9C%AC%E7%94%BA%E8%87%AA%E6%B2%BB%E4%BC%9A&plan=not_started")
            .await;
        assert!(
            page.body.contains("条件に当てはまる 2 人すべて"),
            "{}",
            page.body
        );

        // Everyone in 本町自治会 with no plan started, to the care provider, due 令和9年1月31日.
        let r = c
            .post(
                "/roster/bulk",
                &[
                    ("scope", "all"),
                    ("district", "本町自治会"),
                    ("plan", "not_started"),
                    ("action", "assign"),
                    ("organisation_id", &care),
                    ("due", "令和9年1月31日"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let location = r.headers["location"]
            .to_str()
            .unwrap_or_default()
            .to_owned();
        assert_eq!(ran(&location), "手順を開始 2人、担当を割り当て 2人");
        assert!(
            location.contains("district="),
            "back to the same list: {location}"
        );
        for id in [&yamada, &sato] {
            let (s, w) = workflow(&app, &t, id).await;
            assert_eq!(s, StatusCode::OK);
            assert_eq!(w["assignee_organisation_id"], care.as_str(), "{w}");
            assert_eq!(w["due_date"], "2027-01-31");
        }
        // 岡林 (港町) was not in the filter: untouched.
        assert_eq!(
            workflow(&app, &t, &okabayashi).await.0,
            StatusCode::NOT_FOUND
        );
        // The care manager now sees the people entrusted to it (委託).
        let cm = token_for(&app, "care-manager").await;
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{yamada}"),
            &cm,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);

        // Ticked rows: 岡林 (低: self-preparedness) and 山田 (already started) are named with
        // the reason; nothing else happens.
        c.get("/roster").await;
        let r = c
            .post(
                "/roster/bulk",
                &[
                    ("scope", "selected"),
                    ("person", &okabayashi),
                    ("person", &yamada),
                    ("action", "start"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let msg = ran(r.headers["location"].to_str().unwrap_or_default());
        assert!(
            msg.starts_with("手順を開始 0人、担当を割り当て 0人。対象外 2人")
                && msg.contains("岡林　千代（優先度が低い方は")
                && msg.contains("山田　ハル（手順は既に始まっています）"),
            "{msg}"
        );
        assert_eq!(
            workflow(&app, &t, &okabayashi).await.0,
            StatusCode::NOT_FOUND
        );

        // Nothing ticked, or no organisation to assign to: refused with the reason.
        c.get("/roster").await;
        let r = c
            .post(
                "/roster/bulk",
                &[("scope", "selected"), ("action", "start")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("対象の方を選んでください"), "{}", r.body);
        c.get("/roster").await;
        let r = c
            .post(
                "/roster/bulk",
                &[
                    ("scope", "all"),
                    ("action", "assign"),
                    ("organisation_id", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // A 自治会 leader may not act in bulk.
        let mut leader = Client::new(&app);
        leader.login("community-leader", PASSWORD).await;
        leader.get("/roster").await;
        let r = leader
            .post("/roster/bulk", &[("scope", "all"), ("action", "start")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(
            workflow(&app, &t, &okabayashi).await.0,
            StatusCode::NOT_FOUND
        );
    }
);

db_test!(
    the_filtered_roster_downloads_as_excel_and_csv,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, ROSTER).await;
        let t = token_for(&app, "town-staff").await;
        call_json(&app, Method::POST, "/api/v1/roster/triage", &t, None).await;
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let district = "district=%E6%9C%AC%E7%94%BA%E8%87%AA%E6%B2%BB%E4%BC%9A";
        let page = c.get(&format!("/roster?{district}")).await;
        assert!(page.body.contains("id=\"export-csv\""));
        // Shift_JIS CSV: exactly the two in 本町自治会, with the screen's columns.
        let csv = c
            .get(&format!("/roster/export.csv?{district}&sort=priority"))
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&csv.bytes);
        assert!(!bad);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(
            lines[0].starts_with("氏名,氏名カナ,年齢,住所,地区,優先度"),
            "{text}"
        );
        assert!(
            lines[1].starts_with("山田　ハル") && lines[2].starts_with("佐藤　茂"),
            "{text}"
        );
        assert!(!text.contains("岡林"));
        // 佐藤's community help is unknown: the file says what is to be confirmed.
        assert!(
            lines[2].contains("地域（自治会・見守り）の協力が得られるか"),
            "{text}"
        );
        let xlsx = c.get(&format!("/roster/export.xlsx?{district}")).await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert!(xlsx.bytes.starts_with(b"PK"), "an .xlsx is a zip");
        // The export is audited with everyone in it.
        let admin = token_for(&app, "town-admin").await;
        let (_, audit) = call_json(
            &app,
            Method::GET,
            "/api/v1/audit?action=roster.exported",
            &admin,
            None,
        )
        .await;
        let yamada = person_id(&app, &t, "山田　ハル").await;
        assert!(
            audit["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|e| e["detail"].as_str().is_some_and(|d| d.contains(&yamada))),
            "{audit}"
        );
        // A volunteer downloads its own list on 「名簿の提供先」 (recorded as handed out), not here.
        let mut leader = Client::new(&app);
        leader.login("community-leader", PASSWORD).await;
        assert_eq!(
            leader.get("/roster/export.csv").await.status,
            StatusCode::FORBIDDEN
        );
    }
);
