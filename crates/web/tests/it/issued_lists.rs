//! Lists handed out to receivers and their recall (issue 16 item 6): a person who leaves the
//! roster leaves every list at once, the lists already handed out with them on it need recall
//! (the receiver is told who left), and the recall is recorded once.

use crate::common::{
    Client, HONMACHI_ROSTER, PASSWORD, app, call_json, community_receives_honmachi, load_roster,
    person_id, token_for,
};
use axum::http::{Method, StatusCode};
use serde_json::json;
use tsunagi_store::{Store, db_test};

db_test!(
    a_person_who_leaves_the_roster_puts_handed_out_lists_up_for_recall,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let leader = token_for(&app, "community-leader").await;
        community_receives_honmachi(&app, &staff, false).await;
        for name in ["山田　ハル", "佐藤　茂"] {
            let id = person_id(&app, &staff, name).await;
            crate::common::give_consent(&app, &staff, &id, &["community_association"]).await;
        }
        let org = app.f.community.id.0.to_string();
        let issued = format!("/api/v1/receivers/{org}/issued-lists");

        // Two copies go out: the API list and an Excel download from the screen.
        let (s, list) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/receivers/{org}/list"),
            &leader,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(list.as_array().map(Vec::len), Some(2));
        let mut c = Client::new(&app);
        c.login("community-leader", PASSWORD).await;
        let x = c.get(&format!("/receivers/{org}/list.xlsx")).await;
        assert_eq!(x.status, StatusCode::OK);
        let (_, lists) = call_json(&app, Method::GET, &issued, &staff, None).await;
        let lists = lists.as_array().cloned().unwrap_or_default();
        assert_eq!(lists.len(), 2, "{lists:?}");
        assert!(
            lists
                .iter()
                .all(|l| l["state"] == "out" && l["people"] == 2)
        );

        // 山田 moves out: she leaves the list at once …
        let yamada = person_id(&app, &staff, "山田　ハル").await;
        let (s, v) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{yamada}/roster/leave"),
            &staff,
            Some(json!({"reason": "moved_out", "left_on": "2026-12-01", "note": null})),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
        let (_, list) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/receivers/{org}/list"),
            &leader,
            None,
        )
        .await;
        assert_eq!(list.as_array().map(Vec::len), Some(1));

        // … and both copies handed out before need recall; the 自治会 is told who left.
        let (s, lists) = call_json(&app, Method::GET, &issued, &leader, None).await;
        assert_eq!(s, StatusCode::OK);
        let lists = lists.as_array().cloned().unwrap_or_default();
        assert_eq!(lists.len(), 3, "the list just read is the third copy");
        assert_eq!(
            lists[0]["state"], "out",
            "the newest copy no longer holds her"
        );
        for l in &lists[1..] {
            assert_eq!(l["state"], "recall_needed", "{l}");
            assert_eq!(l["departed"][0]["name"], "山田　ハル");
            assert_eq!(l["departed"][0]["reason"], "moved_out");
        }
        let page = c.get(&format!("/receivers/{org}/issued")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("要回収") && page.body.contains("山田　ハル（転出"));
        // The 自治会's home says so on login, with its list, its duty and whom to ask.
        let home = c.get("/").await;
        assert!(home.body.contains("id=\"receiver-home\""), "{}", home.body);
        assert!(
            home.body.contains("<strong>1</strong> 人<br>名簿を見る")
                && home
                    .body
                    .contains("<strong>2</strong> 件<br>回収・廃棄が必要な名簿")
                && home.body.contains("秘密を守る義務")
                && home.body.contains("潮見市 の担当課"),
            "{}",
            home.body
        );
        let mut staff_client = Client::new(&app);
        staff_client.login("town-staff", PASSWORD).await;
        assert!(!staff_client.get("/").await.body.contains("receiver-home"));

        // The 自治会 records that it shredded the Excel copy (on screen, 西暦 or 和暦) …
        let today = (chrono::Utc::now() + chrono::Duration::hours(9))
            .date_naive()
            .to_string();
        let excel = lists
            .iter()
            .find(|l| l["format"] == "xlsx")
            .expect("the Excel copy")["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let r = c
            .post(
                &format!("/issued-lists/{excel}/recall"),
                &[
                    ("method", "destroyed"),
                    ("on", &today),
                    ("note", "シュレッダー"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // … once: a second record is refused with the reason.
        let (s, v) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/issued-lists/{excel}/recall"),
            &staff,
            Some(json!({"method": "collected", "on": today})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v.to_string().contains("既に記録"), "{v}");
        // A day in the future is refused too.
        let api_copy = lists
            .iter()
            .find(|l| l["format"] == "api" && l["state"] == "recall_needed")
            .expect("the API copy")["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let (s, _) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/issued-lists/{api_copy}/recall"),
            &staff,
            Some(json!({"method": "collected", "on": "2099-01-01"})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

        let (_, lists) = call_json(&app, Method::GET, &issued, &staff, None).await;
        let excel_now = lists
            .as_array()
            .and_then(|a| a.iter().find(|l| l["id"] == excel.as_str()).cloned())
            .expect("excel");
        assert_eq!(excel_now["state"], "recalled");
        assert_eq!(excel_now["recall"]["method"], "destroyed");
        assert_eq!(excel_now["departed"], json!([]));

        // Another town and an organisation that is not the receiver get 404.
        let other = token_for(&app, "other-staff").await;
        let (s, _) = call_json(&app, Method::GET, &issued, &other, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let npo = token_for(&app, "npo-staff").await;
        let (s, _) = call_json(&app, Method::GET, &issued, &npo, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // The recall is in the audit trail.
        assert!(
            crate::common::audited(&app, "roster.list_recalled", &excel, "community-leader").await
        );
    }
);

db_test!(
    a_full_extract_lists_the_roster_people_it_lacks_and_removes_nobody,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        // This month's full extract no longer holds 1001 山田.
        let full = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,独居,洪水,自治会\n\
1002,佐藤　茂,サトウ シゲル,S10.1.1,1,潮見市本町1-2,1,1,本町自治会\n";
        let r = crate::common::api(
            &app,
            Method::POST,
            "/api/v1/roster/import?file_name=full.csv&full_extract=true",
            Some(&staff),
            Some(full.to_owned()),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let report = r.json();
        assert_eq!(report["applied"], true);
        let absent = report["outcome"]["absent"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(absent.len(), 1, "{report}");
        assert_eq!(absent[0]["name"], "山田　ハル");
        assert_eq!(absent[0]["resident_no"], "1001");
        // Nobody was taken off: she is still on the roster until someone confirms.
        let (_, roster) = call_json(&app, Method::GET, "/api/v1/roster", &staff, None).await;
        assert_eq!(roster["total"], 2, "{roster}");
        // The same file not marked as a full extract lists nobody.
        let r = crate::common::api(
            &app,
            Method::POST,
            "/api/v1/roster/import?file_name=part.csv",
            Some(&staff),
            Some(full.to_owned()),
        )
        .await;
        assert_eq!(r.json()["outcome"]["absent"], json!([]));
    }
);
