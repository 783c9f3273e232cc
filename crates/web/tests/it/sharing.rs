//! Consent and sharing through the screens: a receiver sees exactly the consented people, and
//! a withdrawal takes effect at once. On both databases.

use crate::common::{Client, PASSWORD, app, create_person, token_for};
use axum::http::StatusCode;
use tsunagi_store::{Store, db_test};

db_test!(
    receivers_see_exactly_the_consented_and_withdrawal_is_immediate,
    |store: Store| async move {
        let app = app(store).await;
        let t = token_for(&app, "town-staff").await;
        let a = create_person(&app, &t, "山田　ハル", "ヤマダ ハル", "1").await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let b = create_person(&app, &t, "佐藤　茂", "サトウ シゲル", "2").await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let fire = app.f.fire.id.to_string();
        let mut staff = Client::new(&app);
        staff.login("town-staff", PASSWORD).await;
        for id in [&a, &b] {
            staff.get(&format!("/persons/{id}")).await;
            let r = staff
                .post(
                    &format!("/persons/{id}/shares"),
                    &[("organisation_id", &fire), ("level", "read")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
        }
        // Given consent must name its scope, day and method.
        let r = staff
            .post(
                &format!("/persons/{a}/consent"),
                &[("status", "given"), ("obtained_on", "令和6年4月1日")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("同意の範囲"), "{}", r.body);
        let r = staff
            .post(
                &format!("/persons/{a}/consent"),
                &[
                    ("status", "given"),
                    ("scope", "fire_department"),
                    ("scope", "police"),
                    ("obtained_on", "令和6年4月1日"),
                    ("method", "written"),
                    ("obtained_by", "福祉 花子"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let detail = staff.get(&format!("/persons/{a}")).await;
        assert!(
            detail.body.contains("範囲: 消防・警察") && detail.body.contains("令和6年4月1日"),
            "{}",
            detail.body
        );
        assert!(detail.body.contains("可（同意あり）"));

        let mut firefighter = Client::new(&app);
        firefighter.login("firefighter", PASSWORD).await;
        let list = firefighter.get("/persons").await;
        assert!(
            list.body.contains("1 件")
                && list.body.contains("山田　ハル")
                && !list.body.contains("佐藤　茂")
        );
        assert_eq!(
            firefighter.get(&format!("/persons/{b}")).await.status,
            StatusCode::NOT_FOUND
        );
        let seen = firefighter.get(&format!("/persons/{a}")).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(
            seen.body.contains("本人の同意に基づく提供") && !seen.body.contains("consent-form"),
            "receivers get a read-only view"
        );

        // Withdrawal: gone from the receiver's list and record at once.
        let r = staff
            .post(
                &format!("/persons/{a}/consent"),
                &[("status", "withdrawn"), ("obtained_on", "2026-11-01")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(firefighter.get("/persons").await.body.contains("0 件"));
        assert_eq!(
            firefighter.get(&format!("/persons/{a}")).await.status,
            StatusCode::NOT_FOUND
        );

        // A receiver cannot change consent or sharing (the record is invisible to it now; and even
        // when visible it is not the owner).
        let r = firefighter
            .post(
                &format!("/persons/{a}/consent"),
                &[
                    ("status", "given"),
                    ("scope", "fire_department"),
                    ("obtained_on", "2026-11-01"),
                    ("method", "oral"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);

db_test!(
    consent_sharing_and_import_over_the_api,
    |store: Store| async move {
        use crate::common::api;
        use axum::http::Method;
        let app = app(store).await;
        let t = token_for(&app, "town-staff").await;
        let id = create_person(&app, &t, "山田　ハル", "ヤマダ ハル", "1").await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let fire = app.f.fire.id.to_string();
        let r = api(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{id}/shares"),
            Some(&t),
            Some(serde_json::json!({"organisation_id": fire, "level": "read"}).to_string()),
        )
        .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let other = app.f.other_town.id.to_string();
        let r = api(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{id}/shares"),
            Some(&t),
            Some(serde_json::json!({"organisation_id": other, "level": "read"}).to_string()),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "an organisation of another municipality cannot be named"
        );
        let shares = api(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{id}/shares"),
            Some(&t),
            None,
        )
        .await
        .json();
        assert_eq!(shares.as_array().unwrap().len(), 1);
        let consent = serde_json::json!({"status": "given", "scope": ["fire_department"], "obtained_on": "2026-04-01", "method": "oral", "obtained_by": null, "note": null});
        let r = api(
            &app,
            Method::PUT,
            &format!("/api/v1/persons/{id}/consent"),
            Some(&t),
            Some(consent.to_string()),
        )
        .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let ft = token_for(&app, "firefighter").await;
        assert_eq!(
            api(
                &app,
                Method::GET,
                &format!("/api/v1/persons/{id}"),
                Some(&ft),
                None
            )
            .await
            .json()["access_basis"],
            "consent"
        );
        let r = api(
            &app,
            Method::DELETE,
            &format!("/api/v1/persons/{id}/shares/{fire}"),
            Some(&t),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(
            api(
                &app,
                Method::GET,
                &format!("/api/v1/persons/{id}"),
                Some(&ft),
                None
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );

        let csv = "宛名番号,氏名,氏名カナ,生年月日,性別,住所\n2,佐藤　茂,サトウ シゲル,S10.1.1,1,潮見市\n3,鈴木　勇,スズキ イサム,平成31年5月1日,1,潮見市\n";
        let r = api(
            &app,
            Method::POST,
            "/api/v1/roster/import?file_name=a.csv",
            Some(&t),
            Some(csv.into()),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let j = r.json();
        assert_eq!(j["applied"], false);
        assert_eq!(j["errors"][0]["line"], 3);
        let r = api(
            &app,
            Method::POST,
            "/api/v1/roster/import?file_name=a.csv&only_valid=true",
            Some(&t),
            Some(csv.into()),
        )
        .await;
        assert_eq!(r.json()["applied"], true);
        assert_eq!(
            api(&app, Method::GET, "/api/v1/roster", Some(&t), None)
                .await
                .json()["total"],
            1
        );
    }
);
