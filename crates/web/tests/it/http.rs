//! HTTP tests of the screens and the API, each on SQLite and on PostgreSQL.

use crate::common::{Client, PASSWORD, api, app, create_person, token_for};
use axum::http::{Method, StatusCode};
use tsunagi_store::{Store, db_test};

db_test!(
    login_logout_and_session_rotation,
    |store: Store| async move {
        let app = app(store).await;
        let mut c = Client::new(&app);
        let r = c.get("/").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), "/login");
        c.get("/login").await;
        let before = c
            .session()
            .expect("a session before login (for the CSRF token)");
        let r = c
            .post(
                "/login",
                &[
                    ("login", "town-staff"),
                    ("password", PASSWORD),
                    ("next", "/persons"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), "/persons");
        let after = c.session().expect("session");
        assert_ne!(before, after, "the session id is rotated at login");
        let cookie = r
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let r = c.get("/").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("town-staff"));
        let r = c.post("/logout", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(c.get("/persons").await.status, StatusCode::SEE_OTHER);
    }
);

db_test!(
    wrong_password_unknown_user_and_lockout_look_the_same,
    |store: Store| async move {
        let app = app(store).await;
        let mut c = Client::new(&app);
        let wrong = c.login("town-staff", "wrong password").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        let unknown = c.login("nobody-here", "wrong password").await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        let msg = |b: &str| {
            b.split("id=\"login-error\">")
                .nth(1)
                .and_then(|s| s.split('<').next())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(msg(&wrong.body), msg(&unknown.body));
        for _ in 0..4 {
            c.login("town-staff", "wrong password").await;
        }
        // Five failures: now even the right password is refused, with the same message.
        let locked = c.login("town-staff", PASSWORD).await;
        assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
        assert_eq!(msg(&locked.body), msg(&wrong.body));
        // Another account is unaffected.
        assert_eq!(
            c.login("town-admin", PASSWORD).await.status,
            StatusCode::SEE_OTHER
        );
    }
);

db_test!(
    state_changes_need_the_csrf_token_and_same_origin,
    |store: Store| async move {
        let app = app(store).await;
        let mut c = Client::new(&app);
        c.get("/login").await;
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([("login", "town-staff"), ("password", PASSWORD)])
            .finish();
        let r = c.post_raw("/login", body).await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "login without token refused"
        );
        assert!(c.login("town-staff", PASSWORD).await.status == StatusCode::SEE_OTHER);
        c.get("/persons/new").await;
        let good = c.csrf.clone();
        c.csrf = "forged".into();
        let r = c
            .post(
                "/persons",
                &[
                    ("name", "山田　花子"),
                    ("name_kana", "ヤマダ ハナコ"),
                    ("birth_date", "1950-01-01"),
                    ("sex", "female"),
                    ("address", "潮見市"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        c.csrf = good;
        let req = axum::http::Request::post("/logout")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", "http://evil.example")
            .header("host", "localhost")
            .body(axum::body::Body::from(format!("csrf_token={}", c.csrf)))
            .expect("req");
        assert_eq!(
            c.send(req).await.status,
            StatusCode::BAD_REQUEST,
            "cross-origin refused"
        );
        assert_eq!(c.get("/").await.status, StatusCode::OK, "still logged in");
    }
);

db_test!(
    screens_create_search_edit_and_audit,
    |store: Store| async move {
        let app = app(store).await;
        let mut staff = Client::new(&app);
        staff.login("town-staff", PASSWORD).await;
        staff.get("/persons/new").await;
        // A bad form is re-shown with every problem and saves nothing.
        let r = staff
            .post(
                "/persons",
                &[
                    ("name", ""),
                    ("name_kana", "Yamada"),
                    ("birth_date", "平成31年5月1日"),
                    ("sex", ""),
                    ("address", &"あ".repeat(201)),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        for m in [
            "氏名を入力してください",
            "カタカナ",
            "平成の期間外",
            "性別を選んでください",
            "200文字以内",
        ] {
            assert!(r.body.contains(m), "missing message {m}");
        }
        assert!(staff.get("/persons").await.body.contains("0 件"));
        let r = staff
            .post(
                "/persons",
                &[
                    ("name", "山田　花子"),
                    ("name_kana", "やまだ はなこ"),
                    ("birth_date", "S12.3.4"),
                    ("sex", "female"),
                    ("address", "潮見市本町五丁目1番45号"),
                    ("household_no", "H1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let detail_url = r.location();
        let id = detail_url
            .trim_start_matches("/persons/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let r = staff.get(&detail_url).await;
        assert!(
            r.body.contains("保存しました") && r.body.contains("昭和12年3月4日（1937年）"),
            "{}",
            r.body
        );

        // Search in half-width katakana, as staff type it; htmx asks for the fragment only.
        let q: String = form_urlencoded::byte_serialize("ﾔﾏﾀﾞ".as_bytes()).collect();
        let r = staff.get(&format!("/persons?q={q}")).await;
        assert!(r.body.contains("1 件") && r.body.contains(&id));
        let req = axum::http::Request::get(format!("/persons?q={q}"))
            .header("HX-Request", "true")
            .body(axum::body::Body::empty())
            .unwrap();
        let frag = staff.send(req).await;
        assert!(
            frag.body.contains(&id) && !frag.body.contains("<html"),
            "fragment only"
        );

        // Two editors open the same version; the second save is refused and shows both sides.
        let mut admin = Client::new(&app);
        admin.login("town-admin", PASSWORD).await;
        staff.get(&format!("/persons/{id}/edit")).await;
        let fields = |phone: &'static str, version: &'static str| {
            vec![
                ("name", "山田　花子"),
                ("name_kana", "ヤマダ ハナコ"),
                ("birth_date", "1937-03-04"),
                ("sex", "female"),
                ("address", "潮見市本町五丁目1番45号"),
                ("household_no", "H1"),
                ("phone", phone),
                ("version", version),
            ]
        };
        let r = staff
            .post(&format!("/persons/{id}"), &fields("088-111-2222", "1"))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        admin.get(&format!("/persons/{id}/edit")).await;
        let r = admin
            .post(&format!("/persons/{id}"), &fields("088-999-9999", "1"))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(
            r.body.contains("他の利用者が更新しました")
                && r.body.contains("088-111-2222")
                && r.body.contains("088-999-9999")
        );
        assert!(
            staff
                .get(&format!("/persons/{id}"))
                .await
                .body
                .contains("088-111-2222"),
            "nothing overwritten"
        );

        // The administrator sees both the view and the update in the audit log.
        let r = admin.get(&format!("/audit?entity_id={id}")).await;
        assert_eq!(r.status, StatusCode::OK);
        for label in [
            "個人記録の更新",
            "個人記録の閲覧",
            "個人記録の登録",
            "town-staff",
        ] {
            assert!(r.body.contains(label), "audit page lacks {label}");
        }
        // Staff may not read the audit log.
        assert_eq!(staff.get("/audit").await.status, StatusCode::FORBIDDEN);
    }
);

db_test!(
    records_of_others_are_404_not_403,
    |store: Store| async move {
        let app = app(store).await;
        let staff_token = token_for(&app, "town-staff").await;
        let p = create_person(&app, &staff_token, "山田　花子", "ヤマダ ハナコ", "1001").await;
        let id = p["id"].as_str().unwrap().to_owned();
        for login in ["other-staff", "npo-staff", "firefighter"] {
            let mut c = Client::new(&app);
            c.login(login, PASSWORD).await;
            let r = c.get(&format!("/persons/{id}")).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{login}");
            let missing = c.get(&format!("/persons/{}", uuid::Uuid::now_v7())).await;
            assert_eq!(
                r.body, missing.body,
                "a hidden record looks exactly like a missing one"
            );
            assert_eq!(
                c.get(&format!("/persons/{id}/edit")).await.status,
                StatusCode::NOT_FOUND
            );
            let t = token_for(&app, login).await;
            let r = api(
                &app,
                Method::GET,
                &format!("/api/v1/persons/{id}"),
                Some(&t),
                None,
            )
            .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND);
            assert_eq!(r.json()["code"], "not_found");
        }
    }
);

db_test!(
    api_covers_the_screens_with_clear_errors,
    |store: Store| async move {
        let app = app(store).await;
        let t = token_for(&app, "town-staff").await;
        assert_eq!(
            api(&app, Method::GET, "/api/v1/me", None, None)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            api(&app, Method::GET, "/api/v1/me", Some("tsn_nonsense"), None)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        let me = api(&app, Method::GET, "/api/v1/me", Some(&t), None)
            .await
            .json();
        assert_eq!(me["login"], "town-staff");
        assert_eq!(me["acting_as"]["role"], "welfare_staff");

        let p = create_person(&app, &t, "佐藤　一郎", "ｻﾄｳ ｲﾁﾛｳ", "2001").await;
        assert_eq!(p["name_kana"], "サトウ\u{3000}イチロウ");
        assert_eq!(p["birth_date_wareki"], "昭和12年3月4日");
        let id = p["id"].as_str().unwrap().to_owned();
        let found = api(
            &app,
            Method::GET,
            "/api/v1/persons?q=%E3%81%95%E3%81%A8%E3%81%86",
            Some(&t),
            None,
        )
        .await
        .json();
        assert_eq!(found["total"], 1);

        // Malformed JSON, bad fields, over-long fields, bad ids: clear errors, nothing changed.
        let r = api(
            &app,
            Method::POST,
            "/api/v1/persons",
            Some(&t),
            Some("{not json".into()),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.json()["code"], "bad_request");
        let r = api(&app, Method::POST, "/api/v1/persons", Some(&t), Some(serde_json::json!({"name": "x".repeat(61), "name_kana": "ア", "birth_date": "1950-01-01", "sex": "1", "address": "潮見市"}).to_string())).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let j = r.json();
        assert_eq!(j["code"], "invalid");
        assert_eq!(j["fields"][0]["field"], "name");
        assert_eq!(
            api(
                &app,
                Method::GET,
                "/api/v1/persons/not-a-uuid",
                Some(&t),
                None
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        let r = api(&app, Method::POST, "/api/v1/persons", Some(&t), Some(serde_json::json!({"resident_no": "2001", "name": "別人", "name_kana": "ベツジン", "birth_date": "1950-01-01", "sex": "1", "address": "潮見市"}).to_string())).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(r.json()["code"], "duplicate");
        assert_eq!(
            api(&app, Method::GET, "/api/v1/persons", Some(&t), None)
                .await
                .json()["total"],
            1
        );

        // Optimistic concurrency over the API.
        let mut update = p.clone();
        update["phone"] = "088-823-1111".into();
        update["version"] = 1.into();
        let r = api(
            &app,
            Method::PUT,
            &format!("/api/v1/persons/{id}"),
            Some(&t),
            Some(update.to_string()),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["version"], 2);
        let r = api(
            &app,
            Method::PUT,
            &format!("/api/v1/persons/{id}"),
            Some(&t),
            Some(update.to_string()),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(r.json()["current_version"], 2);

        // Administrators: users and audit; others are refused.
        assert_eq!(
            api(&app, Method::GET, "/api/v1/audit", Some(&t), None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let admin = token_for(&app, "town-admin").await;
        let audit = api(
            &app,
            Method::GET,
            &format!("/api/v1/audit?entity_id={id}"),
            Some(&admin),
            None,
        )
        .await
        .json();
        let actions: Vec<&str> = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, vec!["person.updated", "person.created"]);
        let users = api(&app, Method::GET, "/api/v1/users", Some(&admin), None)
            .await
            .json();
        let logins: Vec<&str> = users
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["login"].as_str().unwrap())
            .collect();
        assert!(
            logins.contains(&"town-staff")
                && logins.contains(&"firefighter")
                && !logins.contains(&"other-staff"),
            "{logins:?}"
        );
        let orgs: Vec<serde_json::Value> = serde_json::from_str(
            &api(
                &app,
                Method::GET,
                "/api/v1/organisations",
                Some(&admin),
                None,
            )
            .await
            .body,
        )
        .unwrap();
        let town = orgs.iter().find(|o| o["name"] == "潮見市").unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let r = api(&app, Method::POST, "/api/v1/users", Some(&admin), Some(serde_json::json!({"login": "new-user", "display_name": "新人", "password": "long enough pass", "organisation_id": town, "role": "disaster_management_staff"}).to_string())).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = api(&app, Method::POST, "/api/v1/users", Some(&admin), Some(serde_json::json!({"login": "new-user", "display_name": "新人", "password": "long enough pass", "organisation_id": town, "role": "welfare_staff"}).to_string())).await;
        assert_eq!(r.status, StatusCode::CONFLICT);

        // Revoking a token ends it at once.
        let tokens = api(&app, Method::GET, "/api/v1/tokens", Some(&t), None)
            .await
            .json();
        let tid = tokens[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(
            api(
                &app,
                Method::DELETE,
                &format!("/api/v1/tokens/{tid}"),
                Some(&t),
                None
            )
            .await
            .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            api(&app, Method::GET, "/api/v1/me", Some(&t), None)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
);

db_test!(every_documented_route_answers, |store: Store| async move {
    let app = app(store).await;
    let t = token_for(&app, "town-admin").await;
    let doc = api(&app, Method::GET, "/api/openapi.json", None, None)
        .await
        .json();
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 8);
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            let m: Method = method.to_uppercase().parse().unwrap();
            let concrete = path.replace("{id}", &uuid::Uuid::now_v7().to_string());
            let body = matches!(m, Method::POST | Method::PUT).then(|| "{}".to_owned());
            let r = api(&app, m.clone(), &concrete, Some(&t), body).await;
            assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{m} {path}");
            // 404 only as our JSON "not found" for an unknown id, never as a missing route.
            if r.status == StatusCode::NOT_FOUND {
                assert!(
                    path.contains("{id}"),
                    "{m} {path} is documented but not routed"
                );
                assert_eq!(r.json()["code"], "not_found");
            }
        }
    }
});

/// No API route may be registered outside `routes!` (which documents it): the API sources
/// contain no `.route(` except the one serving the document itself.
#[test]
fn no_api_route_escapes_the_openapi_document() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/api");
    for entry in std::fs::read_dir(dir).expect("api dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        for line in text.lines().filter(|l| l.contains(".route(")) {
            assert!(
                line.contains("/api/openapi.json"),
                "{}: undocumented route: {line}",
                path.display()
            );
        }
    }
}

db_test!(
    a_database_that_is_down_gives_a_clear_error,
    |store: Store| async move {
        let app = app(store.clone()).await;
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
        store.clone().close().await.expect("close");
        let r = c.get("/healthz").await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
        let r = c.get("/persons").await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
        assert!(r.body.contains("データベースに接続できない"), "{}", r.body);
        let t = api(&app, Method::GET, "/api/v1/me", Some("tsn_x"), None).await;
        assert_eq!(t.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(t.json()["code"], "unavailable");
    }
);

db_test!(
    the_communitys_volunteers_issue_no_api_tokens_and_are_not_offered_them,
    |store: Store| async move {
        let app = app(store).await;
        // The 自治会 leader: no APIトークン or 組織 in the menu, no form, and a post is refused.
        let mut c = Client::new(&app);
        c.login("community-leader", PASSWORD).await;
        let home = c.get("/").await;
        assert!(!home.body.contains("href=\"/tokens\""), "{}", home.body);
        assert!(
            !home.body.contains("href=\"/organisations\""),
            "{}",
            home.body
        );
        let page = c.get("/tokens").await;
        assert!(page.body.contains("id=\"no-tokens\""), "{}", page.body);
        assert!(!page.body.contains("action=\"/tokens\""), "{}", page.body);
        let r = c.post("/tokens", &[("name", "持ち出し")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        // Nor through the API with a token someone made for the leader.
        let t = token_for(&app, "community-leader").await;
        let r = api(
            &app,
            Method::POST,
            "/api/v1/tokens",
            Some(&t),
            Some(serde_json::json!({"name": "another"}).to_string()),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        // The town's staff are offered both and may issue one.
        let mut s = Client::new(&app);
        s.login("town-staff", PASSWORD).await;
        let home = s.get("/").await;
        assert!(home.body.contains("href=\"/tokens\""), "{}", home.body);
        assert!(
            home.body.contains("href=\"/organisations\""),
            "{}",
            home.body
        );
        assert!(!token_for(&app, "care-manager").await.is_empty());
    }
);
