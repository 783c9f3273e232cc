//! The decision flow's questions (要確認, issue 16 item 5): unknown family or community help is
//! asked of the district's 民生委員 or 自治会, who answer in their own login; the answer decides
//! the approach. The municipality's policy says which conditions count.

use crate::common::{Client, PASSWORD, TestApp, app, call_json, load_roster, token_for};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::role::Role;
use tsunagi_store::{Store, db_test};

/// 佐藤 lives alone in a flood zone, nothing hard, the community's help unknown; 岡林 is
/// watched over by her 自治会; 田中 lives with family whose help nobody has asked.
const ROSTER: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,独居,洪水,見守り,要介護度,自治会,民生委員地区\n\
2001,佐藤　茂,サトウ シゲル,S10.1.1,1,潮見市本町1-2,,1,1,,,本町自治会,中央地区\n\
2002,岡林　千代,オカバヤシ チヨ,S8.1.1,2,潮見市本町3,,1,1,1,,本町自治会,中央地区\n\
2003,田中　一郎,タナカ イチロウ,S12.1.1,1,潮見市本町4,,,1,,要介護3,本町自治会,中央地区\n";

/// A 民生委員 district of the town with one volunteer who logs in as `minsei`.
async fn welfare_commissioner(app: &TestApp) -> (String, tsunagi_domain::access::Actor) {
    let hash = tsunagi_app::passwords::hash(PASSWORD.into())
        .await
        .expect("hash");
    let (org, actor) = tsunagi_store::testing::organisation_with_user(
        &app.store,
        app.f.town.id,
        "中央地区民生委員",
        OrganisationKind::WelfareCommissionerDistrict,
        "minsei",
        Role::CommunityMember,
        &hash,
    )
    .await
    .expect("民生委員");
    (org.id.0.to_string(), actor)
}

async fn roster_line(app: &TestApp, t: &str, qs: &str, name: &str) -> Option<Value> {
    let (s, v) = call_json(app, Method::GET, &format!("/api/v1/roster?{qs}"), t, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|l| l["person"]["name"] == name)
        .cloned()
}

db_test!(
    unknown_help_is_asked_of_the_welfare_commissioner_who_answers_in_their_login,
    |store: Store| async move {
        let app = app(store).await;
        let (minsei, minsei_actor) = welfare_commissioner(&app).await;
        load_roster(&app, ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let (s, run) = call_json(&app, Method::POST, "/api/v1/roster/triage", &staff, None).await;
        assert_eq!(s, StatusCode::OK, "{run}");
        assert_eq!(run["to_confirm"], 2, "{run}");

        // 佐藤: the community question is open → provisionally (イ), not the scarce (ウ).
        let sato = roster_line(&app, &staff, "to_confirm=true", "佐藤　茂")
            .await
            .expect("佐藤 is 要確認");
        assert_eq!(sato["triage"]["approach"], "community");
        assert_eq!(sato["triage"]["to_confirm"], json!(["community_help"]));
        // 岡林 is watched over: decided, not on the 要確認 list.
        assert!(
            roster_line(&app, &staff, "to_confirm=true", "岡林　千代")
                .await
                .is_none()
        );
        // 田中's family was never asked: not taken as help — not (ア).
        let tanaka = roster_line(&app, &staff, "to_confirm=true", "田中　一郎")
            .await
            .expect("田中 is 要確認");
        assert_ne!(tanaka["triage"]["approach"], "person_or_family");
        assert_eq!(
            tanaka["triage"]["to_confirm"],
            json!(["family_help", "community_help"])
        );
        let sato_id = sato["person"]["id"].as_str().expect("id").to_owned();

        // The 民生委員 receives 中央地区 and 佐藤 consented to it.
        let (s, v) = call_json(
            &app,
            Method::PUT,
            &format!("/api/v1/receivers/{minsei}"),
            &staff,
            Some(
                json!({"version": 0, "receiver": {"district_field": "welfare",
                "districts": ["中央地区"], "includes_plan": false}}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        crate::common::give_consent(&app, &staff, &sato_id, &["welfare_commissioner_district"])
            .await;

        // In the 民生委員's own login: the roster filtered to 要確認 shows 佐藤 only (田中 did
        // not consent), and his page asks the question.
        let mut c = Client::new(&app);
        c.login("minsei", PASSWORD).await;
        // Its home on login points to the question waiting for it.
        let home = c.get("/").await;
        assert!(
            home.body
                .contains("<strong>1</strong> 人<br>確認のお願い（要確認）"),
            "{}",
            home.body
        );
        let list = c.get("/roster?confirm=1").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("佐藤　茂") && list.body.contains("要確認"));
        assert!(!list.body.contains("田中　一郎") && !list.body.contains("岡林　千代"));
        let page = c.get(&format!("/persons/{sato_id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"help-questions\""), "{}", page.body);
        assert!(page.body.contains("name=\"community_help\""));

        // A bad answer is refused and changes nothing.
        let r = c
            .post(
                &format!("/persons/{sato_id}/questions"),
                &[("community_help", "maybe")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);

        // The 民生委員 answers: the neighbours cannot help. He is triaged again at once: (ウ).
        c.get(&format!("/persons/{sato_id}")).await;
        let r = c
            .post(
                &format!("/persons/{sato_id}/questions"),
                &[
                    ("community_help", "no"),
                    ("note", "本人と自治会長に確認。近所に頼れる人がいない"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let after = roster_line(&app, &staff, "", "佐藤　茂")
            .await
            .expect("佐藤");
        assert_eq!(after["triage"]["approach"], "welfare_professional");
        assert_eq!(after["triage"]["to_confirm"], json!([]));
        assert!(
            roster_line(&app, &staff, "to_confirm=true", "佐藤　茂")
                .await
                .is_none()
        );
        let page = c.get(&format!("/persons/{sato_id}")).await;
        assert!(!page.body.contains("id=\"help-questions\""));
        assert!(
            page.body.contains("中央地区民生委員") && page.body.contains("できない"),
            "the answer and who gave it are on the record"
        );

        // Answered once: a second answer (someone else's, late) is refused with the reason.
        let minsei_token = crate::common::mint_token(&app, &minsei_actor).await;
        let (s, v) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{sato_id}/questions"),
            &minsei_token,
            Some(json!({"answers": [{"question": "community_help", "yes": true}]})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v.to_string().contains("回答済み"), "{v}");

        // The 自治会 does not receive 佐藤 (no consent for it): 404, not a hint.
        let leader = token_for(&app, "community-leader").await;
        let (s, _) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{sato_id}/questions"),
            &leader,
            Some(json!({"answers": [{"question": "community_help", "yes": true}]})),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // The answer is in the audit trail with who gave it.
        assert!(crate::common::audited(&app, "roster.help_confirmed", &sato_id, "minsei").await);
    }
);

db_test!(
    staff_answer_the_family_question_and_the_policy_decides_what_counts,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        call_json(&app, Method::POST, "/api/v1/roster/triage", &staff, None).await;
        let tanaka = roster_line(&app, &staff, "", "田中　一郎")
            .await
            .expect("田中");
        let id = tanaka["person"]["id"].as_str().expect("id").to_owned();

        // The municipality's staff answer the family question through the API: the family can
        // help → (ア), nothing left to confirm (the community question falls away).
        let (s, v) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{id}/questions"),
            &staff,
            Some(
                json!({"answers": [{"question": "family_help", "yes": true}],
                "note": "長男夫婦が同居、夜間も在宅"}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["approach"], "person_or_family");
        assert_eq!(v["to_confirm"], json!([]));
        // No answers at all: refused.
        let (s, _) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{id}/questions"),
            &staff,
            Some(json!({"answers": []})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

        // The policy screen: 要介護3 no longer counts for point 2 → 田中 is low priority.
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        let page = c.get("/roster/policy").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("身体障害者手帳1・2級") && page.body.contains("難病"));
        let mut fields: Vec<(&str, &str)> = vec![
            ("w_hazard", "1"),
            ("w_condition", "1"),
            ("w_living", "1"),
            ("high_at", "3"),
            ("medium_at", "2"),
            ("require_hazard_for_high", "1"),
            ("point2_care_from", ""),
            ("hard_care_from", "4"),
        ];
        for k in ["dementia", "medical_care", "intractable_disease"] {
            fields.push(("point2", k));
            fields.push(("hard", k));
        }
        let r = c.post("/roster/policy", &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let (_, p) = call_json(&app, Method::GET, "/api/v1/roster/policy", &staff, None).await;
        assert_eq!(p["version"], 2);
        assert_eq!(p["conditions"]["point2_care_from"], Value::Null);
        assert_eq!(
            p["conditions"]["generally_hard"],
            json!(["dementia", "medical_care", "intractable_disease"])
        );
        // Before running it, the screen says what the new policy will change.
        let preview = c.get("/roster/triage").await;
        assert_eq!(preview.status, StatusCode::OK);
        assert!(
            preview.body.contains("優先度が変わる方: 1 人")
                && preview
                    .body
                    .contains("<td>田中　一郎</td><td>中／ア</td><td>低／—</td>"),
            "{}",
            preview.body
        );
        let unchanged = roster_line(&app, &staff, "", "田中　一郎")
            .await
            .expect("田中");
        assert_eq!(
            unchanged["triage"]["priority"], "medium",
            "a preview changes nothing"
        );
        call_json(&app, Method::POST, "/api/v1/roster/triage", &staff, None).await;
        let tanaka = roster_line(&app, &staff, "", "田中　一郎")
            .await
            .expect("田中");
        assert_eq!(tanaka["triage"]["priority"], "low", "{tanaka}");

        // A care level outside 1–5 is refused on the form, and no new version is made.
        c.get("/roster/policy").await;
        let mut bad = fields.clone();
        bad.retain(|(k, _)| *k != "hard_care_from");
        bad.push(("hard_care_from", "7"));
        let r = c.post("/roster/policy", &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("要介護度は1〜5"), "{}", r.body);
        let (_, p) = call_json(&app, Method::GET, "/api/v1/roster/policy", &staff, None).await;
        assert_eq!(p["version"], 2);
    }
);
