//! The roster at the scale of a town (issue 17, A.1): ordered by name, age, district,
//! priority, step or due date either way, paged with a chosen page size, narrowed to a town,
//! with step, consent and district on each line; every count of the progress page that the
//! roster can filter to is a link to exactly those people.

use crate::common::{Client, PASSWORD, TestApp, api, app, load_roster, token_for};
use axum::http::{Method, StatusCode};
use tsunagi_store::{Store, db_test};

const ROSTER: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,独居,洪水,自治会,民生委員地区\n\
1001,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市本町1-1,1,1,1,本町自治会,中央地区\n\
1002,佐藤　茂,サトウ シゲル,S10.1.1,1,潮見市本町1-2,,1,1,本町自治会,\n\
1003,岡林　千代,オカバヤシ チヨ,S8.1.1,2,潮見市港町3,,1,,港町自治会,\n";

/// A page's HTML with the ampersands of its links as they are meant.
fn unescaped(body: &str) -> String {
    body.replace("&#38;", "&").replace("&amp;", "&")
}

/// The names on one page of the roster API, in the order given.
pub(crate) async fn ordered(app: &TestApp, t: &str, qs: &str) -> Vec<String> {
    let r = api(
        app,
        Method::GET,
        &format!("/api/v1/roster?{qs}"),
        Some(t),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{qs}: {}", r.body);
    r.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|l| l["person"]["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

db_test!(
    the_roster_orders_pages_and_narrows_to_a_town,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, ROSTER).await;
        let t = token_for(&app, "town-staff").await;
        api(&app, Method::POST, "/api/v1/roster/triage", Some(&t), None).await;
        let yamada = crate::common::person_id(&app, &t, "山田　ハル").await;
        let r = api(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{yamada}/workflow"),
            Some(&t),
            None,
        )
        .await;
        assert!(r.status.is_success(), "{}", r.body);
        let (y, s, o) = ("山田　ハル", "佐藤　茂", "岡林　千代");

        // By name (カナ) is the default; each column either way.
        assert_eq!(ordered(&app, &t, "").await, [o, s, y]);
        assert_eq!(ordered(&app, &t, "sort=name&dir=desc").await, [y, s, o]);
        assert_eq!(
            ordered(&app, &t, "sort=age").await,
            [s, o, y],
            "youngest first"
        );
        assert_eq!(ordered(&app, &t, "sort=age&dir=desc").await, [y, o, s]);
        // 高 (山田: dementia, alone, flood) → 中 (佐藤) → 低 (岡林).
        assert_eq!(ordered(&app, &t, "sort=priority").await, [y, s, o]);
        assert_eq!(ordered(&app, &t, "sort=priority&dir=desc").await, [o, s, y]);
        // Not started first (by name), then those under way.
        assert_eq!(ordered(&app, &t, "sort=step").await, [o, s, y]);
        assert_eq!(ordered(&app, &t, "sort=step&dir=desc").await, [y, o, s]);
        // 本町自治会 before 港町自治会 (the roster's own names), both ways.
        assert_eq!(ordered(&app, &t, "sort=district").await, [s, y, o]);
        assert_eq!(ordered(&app, &t, "sort=district&dir=desc").await, [o, s, y]);
        // Nobody has a due date yet: by name.
        assert_eq!(ordered(&app, &t, "sort=due").await, [o, s, y]);
        for bad in ["sort=salary", "sort=age&dir=up"] {
            let r = api(
                &app,
                Method::GET,
                &format!("/api/v1/roster?{bad}"),
                Some(&t),
                None,
            )
            .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        }
        // Pages of two.
        assert_eq!(ordered(&app, &t, "per_page=2&page=2").await, [y]);
        // A town, as the progress page names it.
        let town = |name: &str| {
            format!(
                "town={}",
                form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
            )
        };
        assert_eq!(ordered(&app, &t, &town("本町")).await, [s, y]);
        assert_eq!(ordered(&app, &t, &town("港町")).await, [o]);
        // Each line carries its step, consent and district.
        let r = api(
            &app,
            Method::GET,
            "/api/v1/roster?sort=priority",
            Some(&t),
            None,
        )
        .await;
        let first = &r.json()["items"][0];
        assert_eq!(first["step"], "brief_professional", "{first}");
        assert_eq!(first["consent"], "not_asked");
        assert_eq!(first["district"], "本町自治会 / 中央地区");

        // The screen: sortable headers say how the list is ordered; the page size is a choice.
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let page = c.get("/roster?sort=priority&dir=desc").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("aria-sort=\"descending\"")
                && unescaped(&page.body).contains("sort=priority&dir=asc"),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("<td class=\"step\">福祉専門職への依頼</td>"),
            "{}",
            page.body
        );
        assert_eq!(
            c.get("/roster?per_page=7").await.status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            c.get("/roster?sort=salary").await.status,
            StatusCode::BAD_REQUEST
        );

        // The progress page: its counts link to the roster filtered to exactly those people.
        let progress = c.get("/roster/progress").await;
        let honmachi: String = form_urlencoded::byte_serialize("本町".as_bytes()).collect();
        let link = format!("/roster?priority=high&town={honmachi}");
        assert!(
            unescaped(&progress.body).contains(&link),
            "{}",
            progress.body
        );
        let linked = c.get(&link).await;
        assert!(
            linked.body.contains("1 人") && linked.body.contains(y) && !linked.body.contains(s),
            "{}",
            linked.body
        );
    }
);

db_test!(
    a_long_roster_pages_with_next_and_last,
    |store: Store| async move {
        let app = app(store).await;
        let mut csv = String::from("宛名番号,氏名,氏名カナ,生年月日,性別,住所\n");
        for (i, kana) in "アイウエオカキクケコサシスセソタチツテトナニヌネノ"
            .chars()
            .enumerate()
        {
            csv.push_str(&format!(
                "{},本町　{i}郎,ホンマチ {kana},S10.1.1,1,潮見市本町{i}\n",
                2000 + i
            ));
        }
        load_roster(&app, &csv).await;
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let first = c.get("/roster?per_page=20&sort=age").await;
        assert!(
            first.body.contains("25 人（1 / 2 ページ）"),
            "{}",
            first.body
        );
        assert!(first.body.contains("rel=\"next\"") && first.body.contains("rel=\"last\""));
        assert!(!first.body.contains("rel=\"prev\""));
        // The pager keeps the order and the page size.
        assert!(
            unescaped(&first.body).contains("per_page=20&sort=age&dir=asc&page=2"),
            "{}",
            first.body
        );
        let last = c.get("/roster?per_page=20&sort=age&page=2").await;
        assert!(last.body.contains("25 人（2 / 2 ページ）"));
        assert!(last.body.contains("rel=\"prev\"") && !last.body.contains("rel=\"next\""));
    }
);

db_test!(
    a_receiver_narrows_its_list_by_town,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, ROSTER).await;
        let t = token_for(&app, "town-staff").await;
        let (s, v) = crate::common::call_json(
            &app,
            Method::PUT,
            &format!("/api/v1/receivers/{}", app.f.community.id.0),
            &t,
            Some(
                serde_json::json!({"version": 0, "receiver": {"district_field": "community",
                "districts": ["本町自治会", "港町自治会"], "includes_plan": false}}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        for name in ["山田　ハル", "佐藤　茂", "岡林　千代"] {
            let id = crate::common::person_id(&app, &t, name).await;
            crate::common::give_consent(&app, &t, &id, &["community_association"]).await;
        }
        let mut c = Client::new(&app);
        c.login("community-leader", PASSWORD).await;
        let page = c.get("/roster").await;
        assert!(
            page.body.contains("<option value=\"本町\">本町</option>")
                && page.body.contains("<option value=\"港町\">港町</option>"),
            "{}",
            page.body
        );
        let narrowed = c.get("/roster?town=%E6%B8%AF%E7%94%BA").await; // 港町
        assert!(
            narrowed.body.contains("岡林　千代")
                && !narrowed.body.contains("山田　ハル")
                && narrowed.body.contains("<option value=\"港町\" selected>"),
            "{}",
            narrowed.body
        );
        // The staff's roster is the whole town: they type a town instead of a long list.
        let mut staff = Client::new(&app);
        staff.login("town-staff", PASSWORD).await;
        let page = staff.get("/roster").await;
        assert!(
            page.body.contains("<input id=\"town\" name=\"town\""),
            "{}",
            page.body
        );
    }
);
