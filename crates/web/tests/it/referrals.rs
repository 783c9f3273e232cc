//! Referrals (支援へのつなぎ, issue 20 item 5): the municipality refers a household of its case to
//! the NPO sharing only names and the assessment on the household's consent; the NPO sees only
//! those items, accepts in its own login and records the accompanied visit; the municipality
//! records it done. A declined referral needs a reason; nobody else sees a referral (404).

use crate::common::{HONMACHI_ROSTER, app, call_json, load_roster, token_for};
use crate::ledger::{RESIDENTS, declare, household_of, import_residents};
use crate::programmes::survey_and_issue;
use axum::http::{Method, StatusCode};
use serde_json::json;
use tsunagi_store::{Store, db_test};

db_test!(
    a_referral_shares_only_its_items_and_is_answered_in_the_receivers_login,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        import_residents(&app, &staff, RESIDENTS, "").await;
        let decl = declare(&app, &admin).await;
        let today = chrono::Utc::now()
            .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
            .date_naive()
            .to_string();
        let (h1, _) = household_of(&app, &staff, "1001").await;
        survey_and_issue(&app, &staff, &decl, &h1, 60.0, &today).await;
        let (s, _) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{decl}/households/{h1}/visits"),
            &staff,
            Some(
                json!({"visited_on": today, "visitors": ["佐々木（市）"], "outcome": "met",
                "issues": [{"category": "housing", "severity": "high", "notes": "屋根の補修"}],
                "next_visit_on": null}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
        // The case is led by the town itself; the NPO is only referred to.
        let town = app.f.town.id.0.to_string();
        let npo = app.f.npo.id.0.to_string();
        let (s, c) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{decl}/households/{h1}/case"),
            &staff,
            Some(json!({"lead_organisation": town, "source": "outreach",
                "lead_caseworker": "佐々木", "next_review_on": null})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let case = c["id"].as_str().unwrap().to_owned();
        let npo_t = token_for(&app, "npo-staff").await;
        // The NPO has no part in the case yet.
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/cases/{case}"),
            &npo_t,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Consent must be dated; then the referral is made and sent.
        let mut body = json!({"referral": {"to_organisation": npo, "programme": "emergency_repair",
            "purpose": "応急修理の申請に付き添ってほしい", "items": ["identity", "issues"],
            "basis": "consent", "consent_on": null, "legal_basis": null}, "send": true});
        let path = format!("/api/v1/cases/{case}/referrals");
        let (s, v) = call_json(&app, Method::POST, &path, &staff, Some(body.clone())).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        body["referral"]["consent_on"] = json!(today);
        let (s, r) = call_json(&app, Method::POST, &path, &staff, Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert_eq!(r["state"], "sent");
        let id = r["id"].as_str().unwrap().to_owned();

        // The NPO sees it in its list and only what was shared: names and the assessment,
        // not the address or the certificate.
        let (_, list) = call_json(&app, Method::GET, "/api/v1/referrals/to-us", &npo_t, None).await;
        assert_eq!(list[0]["id"], id.as_str());
        let (s, v) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/referrals/{id}"),
            &npo_t,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["side"], "receiver");
        assert_eq!(v["members"].as_array().unwrap().len(), 2);
        assert_eq!(v["issues"][0]["category"], "housing");
        assert_eq!(v["address"], serde_json::Value::Null);
        assert_eq!(v["damage"], serde_json::Value::Null);
        assert!(!v.to_string().contains("本町1-1"), "{v}");

        // Steps: the town cannot accept for the NPO; the NPO accepts, records the accompanied
        // visit; a stale version is a conflict; the town records it done.
        let step =
            |version: i64, step: serde_json::Value| json!({"version": version, "step": step});
        let at = format!("/api/v1/referrals/{id}/steps");
        let (s, _) = call_json(
            &app,
            Method::POST,
            &at,
            &staff,
            Some(step(2, json!({"step": "accept"}))),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, v) = call_json(
            &app,
            Method::POST,
            &at,
            &npo_t,
            Some(step(2, json!({"step": "accept"}))),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "accepted");
        let accompany = json!({"step": "accompany", "who": "山本（NPO）", "place": "市役所 被災者支援課",
            "advice": "応急修理の申込書を一緒に書いた"});
        let (s, _) = call_json(
            &app,
            Method::POST,
            &at,
            &npo_t,
            Some(step(2, accompany.clone())),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, v) = call_json(&app, Method::POST, &at, &npo_t, Some(step(3, accompany))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "accompanied");
        let (s, v) = call_json(
            &app,
            Method::POST,
            &at,
            &staff,
            Some(step(4, json!({"step": "complete"}))),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "done");
        let history = v["body"]["history"].as_array().unwrap();
        assert_eq!(history.len(), 4);
        assert_eq!(history[2]["who"], "山本（NPO）");
        let (_, of_case) = call_json(&app, Method::GET, &path, &staff, None).await;
        assert_eq!(of_case[0]["state"], "done");

        // A second referral is declined, with a reason only.
        let (s, r) = call_json(
            &app,
            Method::POST,
            &path,
            &staff,
            Some(json!({"referral": {
            "to_organisation": npo, "programme": null, "purpose": "片付けの手伝い",
            "items": ["contact"], "basis": "law", "consent_on": null,
            "legal_basis": "災害対策基本法第90条の4第1項第3号"}, "send": true})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let second = r["id"].as_str().unwrap().to_owned();
        let at2 = format!("/api/v1/referrals/{second}/steps");
        let (s, _) = call_json(
            &app,
            Method::POST,
            &at2,
            &npo_t,
            Some(step(2, json!({"step": "decline", "reason": " "}))),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, v) = call_json(
            &app,
            Method::POST,
            &at2,
            &npo_t,
            Some(step(
                2,
                json!({"step": "decline", "reason": "人手が足りない"}),
            )),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "declined");

        // Nobody else sees a referral.
        for login in ["other-staff", "care-manager", "community-leader"] {
            let t = token_for(&app, login).await;
            let (s, _) = call_json(
                &app,
                Method::GET,
                &format!("/api/v1/referrals/{id}"),
                &t,
                None,
            )
            .await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{login}");
            let (s, _) = call_json(
                &app,
                Method::POST,
                &at,
                &t,
                Some(step(5, json!({"step": "complete"}))),
            )
            .await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{login}");
            let (s, _) = call_json(&app, Method::GET, &path, &t, None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{login}");
        }
    }
);

db_test!(
    the_partner_directory_keeps_fields_agreements_and_registration,
    |store: Store| async move {
        let app = app(store).await;
        let staff = token_for(&app, "town-staff").await;
        let npo = app.f.npo.id.0.to_string();
        let (s, v) = call_json(
            &app,
            Method::PUT,
            &format!("/api/v1/partners/{npo}"),
            &staff,
            Some(json!({"fields": ["housing", "legal"], "area": "潮見市全域",
                "contact": "0889-00-0000（平日9-17時）", "agreement": null,
                "agreement_until": "2030-03-31"})),
        )
        .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "an expiry without an agreement: {v}"
        );
        let (s, _) = call_json(
            &app,
            Method::PUT,
            &format!("/api/v1/partners/{npo}"),
            &staff,
            Some(json!({"fields": ["housing", "legal"], "area": "潮見市全域",
                "contact": "0889-00-0000（平日9-17時）",
                "agreement": "災害時の被災者支援に関する協定（令和7年4月1日）",
                "agreement_until": "2030-03-31"})),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, _) = call_json(
            &app,
            Method::POST,
            "/api/v1/ledger-partners",
            &staff,
            Some(json!({"organisation_id": npo, "registration_no": "潮見-協力-001"})),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, d) = call_json(&app, Method::GET, "/api/v1/partners", &staff, None).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        let first = &d[0];
        assert_eq!(
            first["organisation"]["id"],
            npo.as_str(),
            "profiled first: {d}"
        );
        assert_eq!(first["profile"]["fields"], json!(["housing", "legal"]));
        assert_eq!(first["agreement_in_force"], true);
        assert_eq!(first["registration_no"], "潮見-協力-001");
        // An NPO has no directory; another town keeps its own and sees nothing of ours.
        let t = token_for(&app, "npo-staff").await;
        let (s, _) = call_json(&app, Method::GET, "/api/v1/partners", &t, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let t = token_for(&app, "other-staff").await;
        let (s, theirs) = call_json(&app, Method::GET, "/api/v1/partners", &t, None).await;
        assert_eq!(s, StatusCode::OK);
        assert!(!theirs.to_string().contains("潮見市全域"), "{theirs}");
        assert!(!theirs.to_string().contains("潮見-協力-001"), "{theirs}");
    }
);
