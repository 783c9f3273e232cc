//! Individual evacuation plans through the screens and the API, on both databases.

use crate::common::{Client, PASSWORD, api, app, token_for};
use axum::http::{Method, StatusCode};
use tsunagi_store::{Store, db_test};

db_test!(
    plans_are_versioned_checked_and_never_overwritten,
    |store: Store| async move {
        let app = app(store.clone()).await;
        let csv = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,洪水,津波\n1,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市港町1,1,1\n";
        crate::common::load_roster(&app, csv).await;
        let t = token_for(&app, "town-staff").await;
        let id = api(&app, Method::GET, "/api/v1/roster", Some(&t), None)
            .await
            .json()["items"][0]["person"]["id"]
            .as_str()
            .unwrap()
            .to_owned();

        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let r = c.get(&format!("/persons/{id}/plan")).await;
        assert!(
            r.body.contains("まだ作成されていません")
                && r.body.contains("津波の避難場所と避難経路（自宅が区域内）"),
            "{}",
            r.body
        );
        let r = c
            .post(
                &format!("/persons/{id}/plan"),
                &[
                    ("version", "0"),
                    ("s0_name", "隣の山本さん"),
                    ("s0_address", "潮見市港町2"),
                    ("s0_phone", "0889-22-0001"),
                    ("d_flood_place", "潮見小学校"),
                    ("d_flood_route", "県道を北へ"),
                    ("timing", "警戒レベル3"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = c.get(&format!("/persons/{id}/plan")).await;
        assert!(
            r.body.contains("第1版")
                && r.body.contains("津波の避難場所と避難経路")
                && r.body.contains("緊急連絡先")
        );
        assert!(
            !r.body.contains("避難支援等実施者1の"),
            "the supporter is complete"
        );

        // Another writer on the API saves version 2 from version 1; the screen's stale save is refused.
        let history = api(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{id}/plan"),
            Some(&t),
            None,
        )
        .await
        .json();
        let mut plan = history[0]["plan"].clone();
        plan["destinations"].as_array_mut().unwrap().push(
            serde_json::json!({"hazard": "tsunami", "place": "汐見台", "route": "裏山の階段"}),
        );
        plan["emergency_contacts"] =
            serde_json::json!([{"name": "長男", "relationship": "子", "phone": "090-0000-0000"}]);
        let r = api(
            &app,
            Method::PUT,
            &format!("/api/v1/persons/{id}/plan"),
            Some(&t),
            Some(serde_json::json!({"version": 1, "plan": plan}).to_string()),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["version"], 2);
        let r = c
            .post(
                &format!("/persons/{id}/plan"),
                &[("version", "1"), ("timing", "警戒レベル4")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("他の利用者が保存しました") && r.body.contains("警戒レベル4"));
        let r = c.get(&format!("/persons/{id}/plan")).await;
        assert!(
            r.body.contains("第2版") && r.body.contains("plan-complete"),
            "{}",
            r.body
        );
        assert!(r.body.contains("town-staff") && r.body.contains("潮見市"));
        let again = api(
            &app,
            Method::PUT,
            &format!("/api/v1/persons/{id}/plan"),
            Some(&t),
            Some(serde_json::json!({"version": 1, "plan": plan}).to_string()),
        )
        .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(again.json()["current_version"], 2);

        // Others: no share, no plan.
        let npo = token_for(&app, "npo-staff").await;
        assert_eq!(
            api(
                &app,
                Method::GET,
                &format!("/api/v1/persons/{id}/plan"),
                Some(&npo),
                None
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
    }
);
