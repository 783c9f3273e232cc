//! The roster found as a municipality needs it: by name, plan state and consent, with the
//! priority and approach filters, on the screen and in the API (issue 17, A.1 in part).

use crate::common::{Client, PASSWORD, TestApp, api, app, token_for};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tsunagi_store::{Store, db_test};

const ROSTER: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,独居,洪水,自治会,民生委員地区\n\
1001,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市本町1-1,1,1,1,本町自治会,中央地区\n\
1002,佐藤　茂,サトウ シゲル,S10.1.1,1,潮見市本町1-2,,1,1,本町自治会,\n\
1003,岡林　千代,オカバヤシ チヨ,S8.1.1,2,潮見市港町3,,1,,港町自治会,\n";

async fn names(app: &TestApp, t: &str, qs: &str) -> Vec<String> {
    let mut n = crate::roster_order::ordered(app, t, qs).await;
    n.sort();
    n
}

db_test!(
    the_roster_filters_by_name_plan_and_consent,
    |store: Store| async move {
        let app = app(store).await;
        crate::common::load_roster(&app, ROSTER).await;
        let t = token_for(&app, "town-staff").await;
        api(&app, Method::POST, "/api/v1/roster/triage", Some(&t), None).await;
        let all: Value = api(&app, Method::GET, "/api/v1/roster", Some(&t), None)
            .await
            .json();
        let id = |name: &str| {
            all["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["person"]["name"] == name)
                .unwrap()["person"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let (yamada, sato, okabayashi) = (id("山田　ハル"), id("佐藤　茂"), id("岡林　千代"));
        let r = api(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{yamada}/workflow"),
            Some(&t),
            None,
        )
        .await;
        assert!(r.status.is_success(), "{}", r.body);
        for (who, status) in [(&sato, "given"), (&okabayashi, "refused")] {
            let body = json!({"status": status, "scope": if status == "given" { json!(["community_association"]) } else { json!([]) },
            "obtained_on": "2026-11-01", "method": "written", "obtained_by": null, "note": null});
            let r = api(
                &app,
                Method::PUT,
                &format!("/api/v1/persons/{who}/consent"),
                Some(&t),
                Some(body.to_string()),
            )
            .await;
            assert!(r.status.is_success(), "{}", r.body);
        }

        assert_eq!(
            names(&app, &t, "q=%EF%BE%94%EF%BE%8F%EF%BE%80%EF%BE%9E").await,
            vec!["山田　ハル"]
        ); // ﾔﾏﾀﾞ
        assert_eq!(names(&app, &t, "q=1002").await, vec!["佐藤　茂"]);
        assert_eq!(
            names(&app, &t, "plan=in_progress").await,
            vec!["山田　ハル"]
        );
        assert_eq!(
            names(&app, &t, "plan=not_started").await,
            vec!["佐藤　茂", "岡林　千代"]
        );
        assert!(names(&app, &t, "plan=done").await.is_empty());
        assert_eq!(names(&app, &t, "consent=given").await, vec!["佐藤　茂"]);
        assert_eq!(names(&app, &t, "consent=refused").await, vec!["岡林　千代"]);
        assert_eq!(
            names(&app, &t, "consent=not_asked").await,
            vec!["山田　ハル"]
        );
        assert_eq!(
            names(&app, &t, "consent=not_asked&plan=not_started").await,
            Vec::<String>::new()
        );
        // By district: the 自治会 or the 民生委員地区, as written in the roster.
        let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let district = |d: &str| format!("district={}", enc(d));
        assert_eq!(
            names(&app, &t, &district("本町自治会")).await,
            vec!["佐藤　茂", "山田　ハル"]
        );
        assert_eq!(
            names(&app, &t, &district("港町自治会")).await,
            vec!["岡林　千代"]
        );
        assert_eq!(
            names(&app, &t, &district("中央地区")).await,
            vec!["山田　ハル"]
        );
        assert_eq!(
            names(
                &app,
                &t,
                &format!("{}&plan=not_started", district("本町自治会"))
            )
            .await,
            vec!["佐藤　茂"]
        );
        let r = api(
            &app,
            Method::GET,
            "/api/v1/roster?plan=someday",
            Some(&t),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);

        // The screen: the same filters, kept in the form and the pager's links.
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let page = c.get("/roster?plan=not_started&consent=given").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("佐藤　茂")
                && !page.body.contains("岡林　千代")
                && !page.body.contains("山田　ハル"),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("<option value=\"not_started\" selected>"),
            "{}",
            page.body
        );
        // The district choices are the roster's own names.
        for d in ["本町自治会", "港町自治会", "中央地区"] {
            assert!(
                page.body.contains(&format!("<option value=\"{d}\"")),
                "{d}: {}",
                page.body
            );
        }
    }
);
