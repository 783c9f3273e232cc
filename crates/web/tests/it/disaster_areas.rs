//! A declaration over part of the town (issue 18 item 1): the homes in a hazard zone, chosen
//! 町丁目 or districts. Only the people in the area are in its safety-check sweep, reached by
//! disaster-time provision and on the fire department's full list; widening adds people, and
//! closing ends it for them alone.

use crate::common::{Client, PASSWORD, TestApp, app, call_json, load_roster, token_for};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tsunagi_store::{Store, db_test};

/// Four people of one 自治会: two in 本町, two in 港町; one of each in the flood zone.
const ROSTER: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,独居,洪水,自治会,民生委員地区\n\
2001,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市本町1-1,1,1,1,本町自治会,第1地区\n\
2002,佐藤　茂,サトウ シゲル,S10.1.1,1,潮見市本町1-2,1,1,,本町自治会,第1地区\n\
2003,鈴木　花子,スズキ ハナコ,S8.1.1,2,潮見市港町2-1,1,1,1,本町自治会,第2地区\n\
2004,高橋　健,タカハシ ケン,S12.1.1,1,潮見市港町2-2,1,1,,本町自治会,第2地区\n";

async fn declare(app: &TestApp, admin: &str, name: &str, area: Value) -> (StatusCode, Value) {
    call_json(
        app,
        Method::POST,
        "/api/v1/disasters",
        admin,
        Some(
            json!({"name": name, "kind": "flood", "stage": "evacuation_order",
            "area": area, "started_at": null}),
        ),
    )
    .await
}

/// The names the 自治会 leader can find.
async fn seen_by(app: &TestApp, t: &str) -> Vec<String> {
    let (s, v) = call_json(app, Method::GET, "/api/v1/persons?per_page=100", t, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut names: Vec<String> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

db_test!(
    a_declaration_over_the_flood_zone_reaches_only_the_people_in_it,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        let leader = token_for(&app, "community-leader").await;
        let fire = token_for(&app, "firefighter").await;
        crate::common::community_receives_honmachi(&app, &staff, true).await;
        let (_, persons) = call_json(
            &app,
            Method::GET,
            "/api/v1/persons?per_page=100",
            &staff,
            None,
        )
        .await;
        let id_of = |name: &str| -> String {
            persons["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == name)
                .unwrap_or_else(|| panic!("{name}: {persons}"))["id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        assert!(seen_by(&app, &leader).await.is_empty(), "nobody consented");

        // A part must name something; a town list of nothing is refused and nothing is declared.
        let (s, v) = declare(
            &app,
            &admin,
            "空の区域",
            json!({"type": "towns", "towns": [" "]}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v.to_string().contains("area"), "{v}");

        // The flood zone: 山田 and 鈴木, in two towns.
        let (s, flood) = declare(
            &app,
            &admin,
            "令和8年大雨",
            json!({"type": "hazard_zones", "hazards": ["flood"]}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{flood}");
        assert_eq!(flood["people_in_area"], 2, "{flood}");
        let fid = flood["id"].as_str().unwrap().to_owned();
        assert_eq!(
            seen_by(&app, &leader).await,
            sorted(&["山田　ハル", "鈴木　花子"])
        );
        // Outside the zone stays as unknown as before: 404, not 403.
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{}", id_of("佐藤　茂")),
            &leader,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, v) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{}", id_of("鈴木　花子")),
            &leader,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        // The sweep holds the area's people only.
        let (_, sweep) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{fid}/sweep"),
            &staff,
            None,
        )
        .await;
        assert_eq!(sweep.as_array().unwrap().len(), 2, "{sweep}");
        // The fire department's full list: the area's people, consent or not.
        let (s, l) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{fid}/full-list"),
            &fire,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert_eq!(l["receipt"]["persons"], 2, "{l}");

        // Widening needs the same form of area; a hazard with nobody in it adds nobody.
        let widen = |version: i64, area: Value| {
            let app = &app;
            let admin = admin.clone();
            let fid = fid.clone();
            async move {
                call_json(
                    app,
                    Method::POST,
                    &format!("/api/v1/disasters/{fid}/area"),
                    &admin,
                    Some(json!({"version": version, "area": area})),
                )
                .await
            }
        };
        let (s, v) = widen(1, json!({"type": "towns", "towns": ["本町"]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (s, v) = widen(1, json!({"type": "hazard_zones", "hazards": ["tsunami"]})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["joined"], 0, "{v}");
        assert_eq!(v["disaster"]["version"], 2, "{v}");
        // A stale version is refused.
        let (s, _) = widen(1, json!({"type": "hazard_zones", "hazards": ["landslide"]})).await;
        assert_eq!(s, StatusCode::CONFLICT);

        // A second declaration over the town of 港町: its two people join whoever is reached.
        let (s, minato) = declare(
            &app,
            &admin,
            "港町の高潮",
            json!({"type": "towns", "towns": ["港町"]}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{minato}");
        assert_eq!(minato["people_in_area"], 2, "{minato}");
        assert_eq!(
            seen_by(&app, &leader).await,
            sorted(&["山田　ハル", "鈴木　花子", "高橋　健"])
        );

        // Closing the flood declaration ends it for its people only.
        let (s, v) = call_json(
            &app,
            Method::POST,
            &format!("/api/v1/disasters/{fid}/close"),
            &admin,
            Some(json!({"version": 2})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            seen_by(&app, &leader).await,
            sorted(&["鈴木　花子", "高橋　健"])
        );
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{}", id_of("山田　ハル")),
            &leader,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Declaring and widening are in the audit log with the areas.
        let (_, audit) = call_json(&app, Method::GET, "/api/v1/audit", &admin, None).await;
        let text = audit.to_string();
        assert!(text.contains("disaster.area_widened"), "{text}");
        assert!(text.contains("hazard_zones"), "{text}");
    }
);

db_test!(
    the_declaring_form_offers_towns_districts_and_hazard_zones_with_their_people,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, ROSTER).await;
        let mut c = Client::new(&app);
        c.login("town-admin", PASSWORD).await;
        let page = c.get("/disasters").await;
        assert_eq!(page.status, StatusCode::OK);
        for text in [
            "本町（2人）",
            "港町（2人）",
            "第2地区（2人）",
            "洪水浸水想定区域（2人）",
            "市町村全域（4人）",
        ] {
            assert!(page.body.contains(text), "{text}: {}", page.body);
        }
        // Choosing the 民生委員 district with none ticked: the form again with the reason.
        let r = c
            .post(
                "/disasters",
                &[
                    ("name", "地区の避難"),
                    ("kind", "landslide"),
                    ("stage", "elderly_evacuation"),
                    ("area_form", "welfare"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("地区を1つ以上選んでください"), "{}", r.body);
        let r = c
            .post(
                "/disasters",
                &[
                    ("name", "地区の避難"),
                    ("kind", "landslide"),
                    ("stage", "elderly_evacuation"),
                    ("area_form", "welfare"),
                    ("welfare", "第2地区"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = c.get("/disasters").await;
        assert!(
            page.body.contains("民生委員の地区: 第2地区"),
            "{}",
            page.body
        );
        assert!(page.body.contains("対象 2人"), "{}", page.body);
        // Widened by the other district on the screen: four people.
        let version = "1";
        let id = page
            .body
            .split("/disasters/")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap()
            .to_owned();
        let r = c
            .post(
                &format!("/disasters/{id}/area"),
                &[
                    ("version", version),
                    ("area_form", "welfare"),
                    ("welfare", "第1地区"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = c.get("/disasters").await;
        assert!(page.body.contains("対象 4人"), "{}", page.body);
    }
);
