//! Who checks on whom (issue 18, item 3): each person of a sweep goes to the first checker of
//! the municipality's order that is there for them — the plan's supporters (through the next
//! organisation), the care provider, the 民生委員, the 自治会, the 社協, the staff — and each
//! checker sees its own people and its progress first.

use crate::common::{Client, PASSWORD, TestApp, app, call_json, token_for};
use crate::ledger::declare_named;
use axum::http::{Method, StatusCode};
use serde_json::json;
use tsunagi_store::{Store, db_test};

/// Name → (checker, step) of a sweep as `token` gets it.
pub(crate) async fn checkers(
    app: &TestApp,
    decl: &str,
    token: &str,
    all: bool,
) -> Vec<(String, String, String)> {
    let q = if all { "?all=true" } else { "" };
    let (s, v) = call_json(
        app,
        Method::GET,
        &format!("/api/v1/disasters/{decl}/sweep{q}"),
        token,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut l: Vec<(String, String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["person"]["name"].as_str().unwrap().to_owned(),
                l["checker"].as_str().unwrap().to_owned(),
                l["checker_step"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    l.sort();
    l
}

pub(crate) fn line(name: &str, checker: &str, step: &str) -> (String, String, String) {
    (name.to_owned(), checker.to_owned(), step.to_owned())
}

db_test!(
    each_person_goes_to_the_first_checker_of_the_order,
    |store: Store| async move {
        let app = app(store).await;
        crate::common::load_roster(&app, crate::common::HONMACHI_ROSTER).await;
        let admin = token_for(&app, "town-admin").await;
        let staff = token_for(&app, "town-staff").await;
        let leader = token_for(&app, "community-leader").await;
        let care = token_for(&app, "care-manager").await;
        crate::common::community_receives_honmachi(&app, &staff, true).await;
        // 山田 is also shared with her care provider.
        let yamada = crate::common::person_id(&app, &staff, "山田　ハル").await;
        let (s, v) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/persons/{yamada}/shares"),
            &staff,
            Some(json!({"organisation_id": app.f.care.id.0, "level": "read"})),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT, "{v}");

        // The guide's order by default: 山田 to the care provider, 佐藤 to the 自治会.
        let (_, o) = call_json(
            &app,
            Method::GET,
            "/api/v1/safety-settings/checker-order",
            &staff,
            None,
        )
        .await;
        assert_eq!(o["steps"][0], "supporters", "{o}");
        let first = declare_named(&app, &admin, "潮見川の洪水").await;
        let both = vec![
            line("佐藤　茂", "本町自治会", "community_association"),
            line("山田　ハル", "潮見ケアセンター", "care_provider"),
        ];
        assert_eq!(checkers(&app, &first, &staff, false).await, both);
        // Each checker sees its own people; everyone it may see when it asks.
        assert_eq!(
            checkers(&app, &first, &leader, false).await,
            vec![line("佐藤　茂", "本町自治会", "community_association")]
        );
        assert_eq!(checkers(&app, &first, &leader, true).await, both);
        assert_eq!(
            checkers(&app, &first, &care, false).await,
            vec![line("山田　ハル", "潮見ケアセンター", "care_provider")]
        );
        // The headquarters sees each checker's share.
        let (s, hq) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{first}/headquarters"),
            &staff,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{hq}");
        let assigned = hq["assigned"].as_array().unwrap();
        assert_eq!(assigned.len(), 2, "{hq}");
        assert!(
            assigned
                .iter()
                .all(|a| a["people"] == 1 && a["untried"] == 1),
            "{hq}"
        );

        // The order is checked: a step twice, staff before others, another organisation.
        for bad in [
            json!({"steps": ["community_association", "community_association"]}),
            json!({"steps": ["municipal_staff", "community_association"]}),
        ] {
            let (s, v) = call_json(
                &app,
                Method::PUT,
                "/api/v1/safety-settings/checker-order",
                &staff,
                Some(bad),
            )
            .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        }
        let (s, _) = call_json(
            &app,
            Method::PUT,
            "/api/v1/safety-settings/checker-order",
            &leader,
            Some(json!({"steps": ["community_association"]})),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // The 自治会 first: the next sweep gives it both; the open one keeps its checkers.
        let (s, o) = call_json(
            &app,
            Method::PUT,
            "/api/v1/safety-settings/checker-order",
            &staff,
            Some(json!({"steps": ["community_association", "care_provider"]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{o}");
        assert_eq!(
            o["label"],
            "自治会・自主防災組織 → ケアマネジャー・事業所 → 市町村職員"
        );
        let second = declare_named(&app, &admin, "土砂災害警戒").await;
        assert_eq!(
            checkers(&app, &second, &leader, false).await,
            vec![
                line("佐藤　茂", "本町自治会", "community_association"),
                line("山田　ハル", "本町自治会", "community_association"),
            ]
        );
        assert_eq!(checkers(&app, &first, &staff, false).await, both);
        assert!(checkers(&app, &second, &care, false).await.is_empty());

        // 山田's checked plan names a neighbour: with supporters first, she goes to the next
        // organisation in the order, marked to reach the supporters first.
        let plan = json!({"version": 0, "plan": {
            "supporters": [{"name": "山本 花子", "address": "潮見市本町1-3", "phone": "0889-22-0001", "relationship": "近所"}],
            "destinations": [], "timing": "", "transport": "",
            "needs": {"medical_devices": "", "medicines": "", "mobility_aids": "", "communication": "", "allergies": "", "carer": ""},
            "emergency_contacts": [], "notes_for_supporters": "", "agreed_at": ""}});
        crate::supporters_consent::save_checked(&app, &staff, &yamada, plan).await;
        let (s, _) = call_json(
            &app,
            Method::PUT,
            "/api/v1/safety-settings/checker-order",
            &staff,
            Some(json!({"steps": ["supporters", "welfare_commissioner", "care_provider"]})),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let third = declare_named(&app, &admin, "高潮").await;
        assert_eq!(
            checkers(&app, &third, &staff, false).await,
            vec![
                // No 民生委員, no care provider for 佐藤: the staff.
                line("佐藤　茂", "市町村職員", "municipal_staff"),
                line("山田　ハル", "潮見ケアセンター", "supporters"),
            ]
        );
        // Her paper list carries the supporters to reach first, for a printer who may see her
        // plan (the staff here).
        let staff_ctx = app.ctx(&app.f.town_staff).await;
        let sheet = tsunagi_app::safety_paper::issue(
            &app.app,
            &staff_ctx,
            third.parse().unwrap(),
            Some(app.f.care.id),
        )
        .await
        .unwrap();
        let yamada_id: uuid::Uuid = yamada.parse().unwrap();
        assert_eq!(
            sheet.supporters.get(&yamada_id),
            Some(&vec![("山本 花子".to_owned(), "0889-22-0001".to_owned())])
        );

        // The screens: the 自治会's own list and progress, the staff's order form.
        let mut c = Client::new(&app);
        c.login("community-leader", PASSWORD).await;
        let page = c.get(&format!("/disasters/{first}/sweep")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"my-progress\""), "{}", page.body);
        assert!(
            page.body.contains("担当: <strong>1</strong> 人"),
            "{}",
            page.body
        );
        assert!(page.body.contains("佐藤　茂") && !page.body.contains("山田　ハル"));
        let page = c.get(&format!("/disasters/{first}/sweep?all=1")).await;
        assert!(page.body.contains("山田　ハル") && !page.body.contains("my-progress"));
        assert!(!page.body.contains("checker-order-form"));
        let mut s = Client::new(&app);
        s.login("town-staff", PASSWORD).await;
        let back = format!("/disasters/{first}/sweep");
        let page = s.get(&back).await;
        assert!(page.body.contains("checker-order-form"), "{}", page.body);
        let r = s
            .post(
                "/safety-settings/checker-order",
                &[
                    ("step", "welfare_commissioner"),
                    ("step", ""),
                    ("step", "community_association"),
                    ("back", &back),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = s.get(&back).await;
        assert!(
            page.body
                .contains("民生委員 → 自治会・自主防災組織 → 市町村職員"),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("担当: 潮見ケアセンター"),
            "{}",
            page.body
        );
    }
);
