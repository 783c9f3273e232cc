//! A person walked through approach ア to a shared plan, and イ's consent gate and optional
//! meeting, through the screens, on both databases.

use crate::common::{Client, PASSWORD, api, app, token_for};
use axum::http::{Method, StatusCode};
use tsunagi_store::{Store, db_test};

const ROSTER: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,独居,家族の支援,見守り,洪水,土砂災害\n\
1003,岡林　千代,オカバヤシ チヨ,S8.1.1,2,潮見市山手町3,,1,,1,,1\n\
1004,西岡　清,ニシオカ キヨシ,S7.1.1,1,潮見市港町4,1,,1,,1,\n";

fn version(body: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let i = body.rfind(marker).unwrap() + marker.len();
    body[i..i + body[i..].find('"').unwrap()].to_owned()
}

db_test!(
    approach_a_from_forms_to_shared_plan_and_i_gates,
    |store: Store| async move {
        let app = app(store.clone()).await;
        crate::common::load_roster(&app, ROSTER).await;
        let t = token_for(&app, "town-staff").await;
        api(&app, Method::POST, "/api/v1/roster/triage", Some(&t), None).await;
        let roster = api(&app, Method::GET, "/api/v1/roster", Some(&t), None)
            .await
            .json();
        let id_of = |name: &str| {
            roster["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["person"]["name"] == name)
                .unwrap()["person"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let (a, i) = (id_of("西岡　清"), id_of("岡林　千代"));

        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let plan_url = format!("/persons/{a}/plan");
        c.get(&plan_url).await;
        assert_eq!(
            c.post(&format!("/persons/{a}/workflow/start"), &[])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let page = c.get(&plan_url).await;
        assert!(
            page.body.contains("（ア）本人・家族が作成")
                && page.body.contains("同意書・計画様式の送付"),
            "{}",
            page.body
        );
        let advance = |body: &str| version_in_workflow(body);
        let r = c
            .post(
                &format!("/persons/{a}/workflow/advance"),
                &[("version", &advance(&page.body)), ("note", "郵送しました")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = c.get(&plan_url).await;
        assert!(page.body.contains("本人・家族による計画作成</strong>"));
        // The family has not written the plan yet.
        let r = c
            .post(
                &format!("/persons/{a}/workflow/advance"),
                &[("version", &advance(&page.body))],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("計画がまだ作成されていません"));
        // The family's plan arrives, incomplete: the check step refuses until it is complete.
        c.post(
            &plan_url,
            &[
                ("version", &version(&page.body)),
                ("s0_name", "長男"),
                ("s0_address", "高知市"),
                ("s0_phone", "090-1"),
            ],
        )
        .await;
        let page = c.get(&plan_url).await;
        assert_eq!(
            c.post(
                &format!("/persons/{a}/workflow/advance"),
                &[("version", &advance(&page.body))]
            )
            .await
            .status,
            StatusCode::SEE_OTHER
        );
        let page = c.get(&plan_url).await;
        assert!(page.body.contains("市町村による確認</strong>"));
        let r = c
            .post(
                &format!("/persons/{a}/workflow/advance"),
                &[("version", &advance(&page.body))],
            )
            .await;
        assert!(r.body.contains("未記入の必要項目"), "{}", r.body);
        c.post(
            &plan_url,
            &[
                ("version", &version(&page.body)),
                ("s0_name", "長男"),
                ("s0_address", "高知市"),
                ("s0_phone", "090-1"),
                ("d_flood_place", "潮見小学校"),
                ("d_flood_route", "県道を北へ"),
                ("timing", "警戒レベル3"),
                ("c0_name", "長男"),
                ("c0_phone", "090-1"),
            ],
        )
        .await;
        let page = c.get(&plan_url).await;
        assert!(page.body.contains("plan-complete"));
        assert_eq!(
            c.post(
                &format!("/persons/{a}/workflow/advance"),
                &[("version", &advance(&page.body))]
            )
            .await
            .status,
            StatusCode::SEE_OTHER
        );
        // Sharing needs consent.
        let page = c.get(&plan_url).await;
        let r = c
            .post(
                &format!("/persons/{a}/workflow/advance"),
                &[("version", &advance(&page.body))],
            )
            .await;
        assert!(r.body.contains("本人の同意がありません"));
        c.get(&format!("/persons/{a}")).await;
        c.post(
            &format!("/persons/{a}/consent"),
            &[
                ("status", "given"),
                ("scope", "fire_department"),
                ("obtained_on", "2026-11-01"),
                ("method", "written"),
            ],
        )
        .await;
        let page = c.get(&plan_url).await;
        assert_eq!(
            c.post(
                &format!("/persons/{a}/workflow/advance"),
                &[("version", &advance(&page.body))]
            )
            .await
            .status,
            StatusCode::SEE_OTHER
        );
        let page = c.get(&plan_url).await;
        assert!(
            page.body.contains("<strong>作成完了</strong>"),
            "{}",
            page.body
        );
        for step in [
            "開始 → 同意書・計画様式の送付",
            "郵送しました",
            "市町村による確認 完了 → 避難支援等関係者への提供",
            "town-staff（潮見市）",
        ] {
            assert!(page.body.contains(step), "history lacks {step}");
        }
        assert!(
            page.body.contains("次の見直し"),
            "a finished plan has a review date"
        );
        // Moving house marks the plan for review; recording the review clears it.
        assert!(!c.get("/roster/reviews").await.body.contains("西岡"));
        let edit = c.get(&format!("/persons/{a}/edit")).await;
        let v = version(&edit.body);
        let r = c
            .post(
                &format!("/persons/{a}"),
                &[
                    ("name", "西岡　清"),
                    ("name_kana", "ニシオカ キヨシ"),
                    ("birth_date", "S7.1.1"),
                    ("sex", "male"),
                    ("address", "潮見市旭町9"),
                    ("resident_no", "1004"),
                    ("version", &v),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let list = c.get("/roster/reviews").await;
        assert!(
            list.body.contains("西岡") && list.body.contains("住所の変更"),
            "{}",
            list.body
        );
        let page = c.get(&plan_url).await;
        assert!(page.body.contains("状況の変化あり: 住所の変更"));
        // A drill's finding about him adds its reason (STEP 5 feeds the review).
        let drill = serde_json::json!({"kind": "drill", "held_on": "2026-11-01", "title": "旭町 避難訓練",
            "district": "旭町", "organisations": ["旭町自治会"], "attendees": 12,
            "what_happened": "夜間は支援者が間に合わない",
            "findings": [{"resident_no": "1004", "note": "夜間の支援者を加える"}]});
        let r = api(
            &app,
            Method::POST,
            "/api/v1/preparedness",
            Some(&t),
            Some(drill.to_string()),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let list = c.get("/roster/reviews").await;
        assert!(list.body.contains("避難訓練での気づき"), "{}", list.body);
        // The municipality reviews every six months: the next date follows.
        let r = c.post("/roster/reviews/interval", &[("months", "0")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = c.post("/roster/reviews/interval", &[("months", "6")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(c.get("/roster/reviews").await.body.contains("value=\"6\""));
        c.post(
            &format!("/persons/{a}/workflow/reviewed"),
            &[("note", "新住所で避難先を確認")],
        )
        .await;
        assert!(!c.get("/roster/reviews").await.body.contains("西岡"));
        let due = tsunagi_domain::workflow::review::next_due(tsunagi_app::today_jst(), 6);
        let page = c.get(&plan_url).await;
        assert!(
            page.body.contains(&format!(
                "次の見直し: {}",
                tsunagi_domain::wareki::format_both(due)
            )),
            "{}",
            page.body
        );
        // A stale advance is refused.
        assert_eq!(
            c.post(
                &format!("/persons/{a}/workflow/advance"),
                &[("version", "1")]
            )
            .await
            .status,
            StatusCode::CONFLICT
        );

        // イ: the consent gate, an obstacle with the guide's suggestion, the optional meeting.
        let plan_i = format!("/persons/{i}/plan");
        c.get(&plan_i).await;
        c.post(&format!("/persons/{i}/workflow/start"), &[]).await;
        let page = c.get(&plan_i).await;
        assert!(page.body.contains("（イ）地域と作成"), "{}", page.body);
        let r = c
            .post(
                &format!("/persons/{i}/workflow/advance"),
                &[("version", &advance(&page.body))],
            )
            .await;
        assert!(r.body.contains("本人の同意がありません"));
        c.post(
            &format!("/persons/{i}/workflow/obstacle"),
            &[("obstacle", "no_consent"), ("note", "書面では伝わらない")],
        )
        .await;
        let page = c.get(&plan_i).await;
        assert!(
            page.body.contains("同意が得られない") && page.body.contains("進め方を変えて説明する")
        );
        c.get(&format!("/persons/{i}")).await;
        c.post(
            &format!("/persons/{i}/consent"),
            &[
                ("status", "given"),
                ("scope", "community_association"),
                ("obtained_on", "2026-11-01"),
                ("method", "oral"),
            ],
        )
        .await;
        let page = c.get(&plan_i).await;
        c.post(
            &format!("/persons/{i}/workflow/advance"),
            &[("version", &advance(&page.body))],
        )
        .await;
        let page = c.get(&plan_i).await;
        let r = c
            .post(
                &format!("/persons/{i}/workflow/advance"),
                &[("version", &advance(&page.body)), ("skip", "1")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "説明 cannot be skipped"
        );
        c.post(
            &format!("/persons/{i}/workflow/advance"),
            &[("version", &advance(&page.body))],
        )
        .await;
        let page = c.get(&plan_i).await;
        assert!(page.body.contains("調整会議</strong>"));
        // Held, not skipped: the meeting must be recorded first.
        let r = c
            .post(
                &format!("/persons/{i}/workflow/advance"),
                &[("version", &advance(&page.body))],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("調整会議の記録がありません"), "{}", r.body);
        let mut meeting = vec![
            ("held_on", "令和8年11月20日"),
            ("place", "山手町集会所"),
            ("a0_name", "岡林 千代"),
            ("a0_role", "本人"),
            ("a1_name", "山手町自治会長"),
            ("a1_role", "自治会"),
            ("destination_and_route", "山手小学校、市道山手線を南へ"),
            ("timing", "警戒レベル3 高齢者等避難で"),
        ];
        let r = c.post(&format!("/persons/{i}/meetings"), &meeting).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("③災害時の行動と役割分担"), "{}", r.body);
        meeting.push(("roles", "自治会長が電話、隣家が車で同行"));
        let r = c.post(&format!("/persons/{i}/meetings"), &meeting).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = c.get(&plan_i).await;
        assert!(
            page.body.contains("山手町集会所")
                && page
                    .body
                    .contains("岡林 千代（本人）、山手町自治会長（自治会）")
                && page.body.contains("隣家が車で同行"),
            "{}",
            page.body
        );
        let r = c
            .post(
                &format!("/persons/{i}/workflow/advance"),
                &[("version", &advance(&page.body))],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(
            c.get(&plan_i)
                .await
                .body
                .contains("地域・本人・家族による計画作成</strong>")
        );
    }
);

fn version_in_workflow(body: &str) -> String {
    let start = body.find("/workflow/advance").unwrap();
    version(&body[..start + body[start..].find("</form>").unwrap()])
}

db_test!(the_workflow_over_the_api, |store: Store| async move {
    let app = app(store.clone()).await;
    crate::common::load_roster(&app, ROSTER).await;
    let t = token_for(&app, "town-staff").await;
    let url = |id: &str, rest: &str| format!("/api/v1/persons/{id}/workflow{rest}");
    let roster = api(&app, Method::GET, "/api/v1/roster", Some(&t), None)
        .await
        .json();
    let id = roster["items"][0]["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = api(&app, Method::POST, &url(&id, ""), Some(&t), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "triage first");
    api(&app, Method::POST, "/api/v1/roster/triage", Some(&t), None).await;
    let w = api(&app, Method::POST, &url(&id, ""), Some(&t), None)
        .await
        .json();
    assert_eq!(w["version"], 1);
    assert_eq!(
        api(&app, Method::POST, &url(&id, ""), Some(&t), None)
            .await
            .status,
        StatusCode::CONFLICT,
        "started once"
    );
    let r = api(
        &app,
        Method::POST,
        &url(&id, "/obstacle"),
        Some(&t),
        Some(r#"{"obstacle":"no_supporter","note":null}"#.into()),
    )
    .await
    .json();
    assert!(r["suggestion"].as_str().unwrap().contains("法的な避難義務"));
    let stale = api(
        &app,
        Method::POST,
        &url(&id, "/advance"),
        Some(&t),
        Some(r#"{"version":1}"#.into()),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let v = r["version"].as_i64().unwrap();
    let r = api(
        &app,
        Method::POST,
        &url(&id, "/advance"),
        Some(&t),
        Some(format!(r#"{{"version":{v},"note":"API"}}"#)),
    )
    .await;
    assert!(
        r.status == StatusCode::OK || r.status == StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        r.body
    );
    let got = api(&app, Method::GET, &url(&id, ""), Some(&t), None)
        .await
        .json();
    assert!(got["events"].as_array().unwrap().len() >= 2);
    let progress = api(&app, Method::GET, "/api/v1/roster/progress", Some(&t), None)
        .await
        .json();
    assert_eq!(progress["total"]["roster"], 2);
    let npo = token_for(&app, "npo-staff").await;
    assert_eq!(
        api(&app, Method::GET, &url(&id, ""), Some(&npo), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api(
            &app,
            Method::GET,
            "/api/v1/roster/progress",
            Some(&npo),
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
});
