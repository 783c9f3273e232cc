//! Consent and sharing through the screens: a receiver sees exactly the consented people, and
//! a withdrawal takes effect at once. On both databases.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{Client, PASSWORD, app, create_person, token_for};
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
