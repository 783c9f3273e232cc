//! Triage over the stored roster, through the screens and the API, on both databases.

use crate::common::{Client, PASSWORD, api, app, token_for};
use axum::http::{Method, StatusCode};
use std::collections::HashMap;
use tsunagi_store::{Store, db_test};

// 1001: flood + dementia + lives alone → 高, ウ. 1002: flood + capable family → 低.
// 1003: landslide + lives alone + watched by the community → 中, イ.
// 1004: flood + dementia + family can help → 中, ア.
const ROSTER: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,独居,家族の支援,見守り,洪水,土砂災害\n\
1001,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市本町1-1,1,1,,,1,\n\
1002,佐藤　茂,サトウ シゲル,S10.1.1,1,潮見市本町1-2,,,1,,1,\n\
1003,岡林　千代,オカバヤシ チヨ,S8.1.1,2,潮見市山手町3,,1,,1,,1\n\
1004,西岡　清,ニシオカ キヨシ,S7.1.1,1,潮見市港町4,1,,1,,1,\n";

db_test!(
    triage_runs_lists_overrides_and_keeps_overrides,
    |store: Store| async move {
        let app = app(store.clone()).await;
        crate::common::load_roster(&app, ROSTER).await;
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let r = c.get("/roster").await;
        assert!(r.body.contains("4 人") && r.body.contains("未判定"));
        let r = c.post("/roster/triage", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = c.get(&r.location()).await;
        assert!(r.body.contains("4人を判定しました"), "{}", r.body);
        let r = c.get("/roster?priority=high").await;
        assert!(
            r.body.contains("1 人")
                && r.body.contains("山田　ハル")
                && r.body.contains("（ウ）福祉専門職と作成"),
            "{}",
            r.body
        );

        let t = token_for(&app, "town-staff").await;
        let all = api(
            &app,
            Method::GET,
            "/api/v1/roster?per_page=10",
            Some(&t),
            None,
        )
        .await
        .json();
        let by_no: HashMap<String, serde_json::Value> = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["person"]["name"].as_str().unwrap().to_owned(),
                    l["triage"].clone(),
                )
            })
            .collect();
        assert_eq!(by_no["山田　ハル"]["priority"], "high");
        assert_eq!(by_no["佐藤　茂"]["approach"], "self_preparedness");
        assert_eq!(by_no["岡林　千代"]["approach"], "community");
        assert_eq!(by_no["西岡　清"]["approach"], "person_or_family");
        let sato = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["person"]["name"] == "佐藤　茂")
            .unwrap()["person"]["id"]
            .as_str()
            .unwrap()
            .to_owned();

        // An override needs a reason; with one, it is shown and survives a re-run.
        c.get(&format!("/persons/{sato}")).await;
        let r = c
            .post(
                &format!("/persons/{sato}/triage"),
                &[
                    ("priority", "high"),
                    ("approach", "community"),
                    ("reason", " "),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("理由を入力してください"));
        let r = c
            .post(
                &format!("/persons/{sato}/triage"),
                &[
                    ("priority", "high"),
                    ("approach", "community"),
                    ("reason", "自治会長から申し出"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let detail = c.get(&format!("/persons/{sato}")).await;
        assert!(
            detail.body.contains("職員による変更: 自治会長から申し出")
                && detail.body.contains("優先度 高")
        );
        let run = api(&app, Method::POST, "/api/v1/roster/triage", Some(&t), None)
            .await
            .json();
        assert_eq!(run["kept_overrides"], 1);
        assert_eq!(run["triaged"], 3);
        assert!(
            c.get(&format!("/persons/{sato}"))
                .await
                .body
                .contains("自治会長から申し出")
        );

        // A stricter policy is a new version and changes the results on the next run.
        let policy = api(&app, Method::GET, "/api/v1/roster/policy", Some(&t), None)
            .await
            .json();
        assert_eq!(policy["version"], 1);
        let mut p = policy.clone();
        p["medium_at"] = 3.into();
        let saved = api(
            &app,
            Method::PUT,
            "/api/v1/roster/policy",
            Some(&t),
            Some(p.to_string()),
        )
        .await;
        assert_eq!(saved.json()["version"], 2);
        let mut bad = policy.clone();
        bad["medium_at"] = 9.into();
        assert_eq!(
            api(
                &app,
                Method::PUT,
                "/api/v1/roster/policy",
                Some(&t),
                Some(bad.to_string())
            )
            .await
            .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        api(&app, Method::POST, "/api/v1/roster/triage", Some(&t), None).await;
        let after = api(
            &app,
            Method::GET,
            "/api/v1/roster?approach=community",
            Some(&t),
            None,
        )
        .await
        .json();
        assert_eq!(
            after["total"], 1,
            "only the override is still イ: 岡林 is now 低 under the stricter policy"
        );

        // Progress: the whole municipality and per area, on screen and as .xlsx.
        let p = c.get("/roster/progress").await;
        assert_eq!(p.status, StatusCode::OK);
        for cell in [
            "名簿登載者",
            "全体",
            "本町",
            "山手町",
            "港町",
            "優先度判定済み",
            "100.0%",
            "手順 未着手",
        ] {
            assert!(p.body.contains(cell), "progress lacks {cell}");
        }
        let x = c.get("/roster/progress.xlsx").await;
        assert_eq!(
            x.headers.get("content-type").unwrap(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(x.body.starts_with("PK"), "an .xlsx is a zip");
        // Organisations other than the municipality cannot triage.
        let npo = token_for(&app, "npo-staff").await;
        assert_eq!(
            api(
                &app,
                Method::POST,
                "/api/v1/roster/triage",
                Some(&npo),
                None
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            api(&app, Method::GET, "/api/v1/roster", Some(&npo), None)
                .await
                .json()["total"],
            0
        );
        // The admin sees the runs and the override in the audit trail.
        let admin = token_for(&app, "town-admin").await;
        let audit = api(
            &app,
            Method::GET,
            "/api/v1/audit?action=triage.recorded",
            Some(&admin),
            None,
        )
        .await
        .json();
        assert!(audit["total"].as_u64().unwrap() >= 4);
    }
);
