//! Shelters in operation (issue 18, item 5): opened for a declaration with a capacity,
//! evacuees checked in with their needs (the roster person becomes 避難済み in the sweep), free
//! places and over-capacity for the headquarters, a transfer to a 福祉避難所 keeping the needs,
//! the household's ledger showing the stay, and no closing while anyone is there.

use crate::common::{HONMACHI_ROSTER, TestApp, app, call_json, load_roster, token_for};
use crate::ledger::{RESIDENTS, declare, household_of, import_residents};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use tsunagi_store::{Store, db_test};

/// One of the town's shelters, registered by its staff; its id.
pub(crate) async fn shelter(app: &TestApp, name: &str, welfare: bool) -> String {
    let ctx = app.ctx(&app.f.town_staff).await;
    let s: tsunagi_app::gis::Shelter = serde_json::from_value(json!({
        "name": name, "address": "潮見市本町2-1", "lon": 133.1, "lat": 33.5,
        "suits": {"flood": true, "landslide": false, "storm_surge": false, "earthquake": true,
                  "tsunami": false, "large_fire": false, "inland_flood": true, "volcano": false},
        "emergency_place": false, "shelter": true, "welfare": welfare,
    }))
    .expect("shelter");
    let saved = tsunagi_app::gis::save_shelter(&app.app, &ctx, &s)
        .await
        .expect("save");
    saved.id.expect("id").to_string()
}

async fn open(
    app: &TestApp,
    t: &str,
    decl: &str,
    shelter: &str,
    capacity: u32,
) -> (StatusCode, Value) {
    call_json(
        app,
        Method::POST,
        &format!("/api/v1/disasters/{decl}/shelters"),
        t,
        Some(json!({"shelter_id": shelter, "capacity": capacity})),
    )
    .await
}

db_test!(
    evacuees_are_checked_in_counted_transferred_and_seen_in_the_ledger,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        import_residents(&app, &staff, RESIDENTS, "").await;
        let decl = declare(&app, &admin).await;
        let school = shelter(&app, "潮見市立本町小学校", false).await;
        let centre = shelter(&app, "潮見福祉センター", true).await;
        let (s, o) = open(&app, &staff, &decl, &school, 2).await;
        assert_eq!(s, StatusCode::CREATED, "{o}");
        let school_open = o["id"].as_str().unwrap().to_owned();
        let (s, _) = open(&app, &staff, &decl, &school, 5).await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "opened once per declaration"
        );
        let (_, o) = open(&app, &staff, &decl, &centre, 10).await;
        let centre_open = o["id"].as_str().unwrap().to_owned();

        let (h1, haru) = household_of(&app, &staff, "1001").await;
        let (_, ichiro) = household_of(&app, &staff, "2001").await;
        let (_, hana) = household_of(&app, &staff, "3001").await;
        let at = |o: &str, p: &str| format!("/api/v1/shelter-openings/{o}/{p}");
        let (s, v) = call_json(&app, Method::POST, &at(&school_open, "check-in"), &staff,
            Some(json!({"person": haru, "needs": ["oxygen", "medicine", "oxygen"], "note": "酸素ボンベ残り1本"}))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["present"], 1);
        assert_eq!(v["free"], 1);
        // Checking in twice is refused with where she is.
        let (s, v) = call_json(
            &app,
            Method::POST,
            &at(&centre_open, "check-in"),
            &staff,
            Some(json!({"person": haru})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v.to_string().contains("潮見市立本町小学校"), "{v}");
        // She was on the roster: the sweep says 避難済み, at the shelter.
        let (_, sweep) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/sweep"),
            &staff,
            None,
        )
        .await;
        let line = sweep
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["person"]["id"] == haru.as_str())
            .unwrap();
        assert_eq!(line["status"], "evacuated", "{line}");
        // Residents not on the roster check in too; a third person puts the school over.
        for p in [&ichiro, &hana] {
            let (s, v) = call_json(
                &app,
                Method::POST,
                &at(&school_open, "check-in"),
                &staff,
                Some(json!({"person": p})),
            )
            .await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
        let (_, list) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/shelters"),
            &staff,
            None,
        )
        .await;
        let school_line = list
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == school_open.as_str())
            .unwrap();
        assert_eq!(school_line["present"], 3);
        assert_eq!(school_line["free"], 0);
        assert_eq!(school_line["over"], 1);
        assert!(
            school_line["needs"].to_string().contains("oxygen"),
            "{school_line}"
        );
        let (_, people) = call_json(
            &app,
            Method::GET,
            &at(&school_open, "evacuees"),
            &staff,
            None,
        )
        .await;
        assert_eq!(people.as_array().unwrap().len(), 3);
        // The headquarters: the roster's two people in 本町, one safe (at the shelter), one not
        // reached; the school over capacity.
        let (s, hq) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/headquarters"),
            &staff,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{hq}");
        assert_eq!(hq["total"]["people"], 2, "{hq}");
        assert_eq!(hq["total"]["safe"], 1);
        assert_eq!(hq["total"]["not_reached"], 1);
        assert_eq!(hq["areas"][0]["area"], "本町");
        assert_eq!(hq["evacuees"], 3);
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/headquarters"),
            &token_for(&app, "npo-staff").await,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // 安否情報: before she agrees, nobody is told anything; then relatives hear where she is,
        // acquaintances only that she is safe, others nothing; every answer recorded.
        let ask = |relation: &'static str| json!({"person": haru, "enquirer": "山田 次郎", "relation": relation});
        let path = format!("/api/v1/disasters/{decl}/enquiries");
        let (s, a) = call_json(&app, Method::POST, &path, &staff, Some(ask("relative"))).await;
        assert_eq!(s, StatusCode::OK, "{a}");
        assert_eq!(a["answered"], false);
        let (s, _) = call_json(
            &app,
            Method::PUT,
            &format!("/api/v1/disasters/{decl}/persons/{haru}/safety-info-consent"),
            &staff,
            Some(json!({"relatives": true, "acquaintances": true, "others": false})),
        )
        .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (_, a) = call_json(&app, Method::POST, &path, &staff, Some(ask("relative"))).await;
        assert_eq!(a["answered"], true);
        assert!(
            a["text"]
                .as_str()
                .unwrap()
                .contains("潮見市立本町小学校に避難"),
            "{a}"
        );
        let (_, a) = call_json(&app, Method::POST, &path, &staff, Some(ask("acquaintance"))).await;
        assert!(
            a["text"].as_str().unwrap().contains("無事")
                && !a["text"].as_str().unwrap().contains("小学校"),
            "{a}"
        );
        let (_, a) = call_json(&app, Method::POST, &path, &staff, Some(ask("other"))).await;
        assert_eq!(a["answered"], false);
        // Her household's ledger shows the stay.
        let (_, ledger) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/households/{h1}/ledger"),
            &staff,
            None,
        )
        .await;
        let m = ledger["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == haru.as_str())
            .unwrap();
        assert_eq!(m["shelter"]["shelter"], "潮見市立本町小学校", "{m}");
        // Transfer to the 福祉避難所: her needs go with her.
        let (s, v) = call_json(
            &app,
            Method::POST,
            &at(&school_open, "check-out"),
            &staff,
            Some(json!({"person": haru, "to": centre_open})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, people) = call_json(
            &app,
            Method::GET,
            &at(&centre_open, "evacuees"),
            &staff,
            None,
        )
        .await;
        assert_eq!(people[0]["needs"], json!(["medicine", "oxygen"]));
        assert_eq!(people[0]["note"], "酸素ボンベ残り1本");
        // No closing while anyone is there; out, then closed.
        let (s, _) = call_json(
            &app,
            Method::POST,
            &at(&school_open, "close"),
            &staff,
            Some(json!({"version": 1})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        for p in [&ichiro, &hana] {
            let (s, _) = call_json(
                &app,
                Method::POST,
                &at(&school_open, "check-out"),
                &staff,
                Some(json!({"person": p, "to": null})),
            )
            .await;
            assert_eq!(s, StatusCode::OK);
        }
        let (s, v) = call_json(
            &app,
            Method::POST,
            &at(&school_open, "close"),
            &staff,
            Some(json!({"version": 1})),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(!v["closed_at"].is_null());
        // Only the municipality's staff.
        let npo = token_for(&app, "npo-staff").await;
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{decl}/shelters"),
            &npo,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
);

db_test!(
    a_walk_in_with_no_record_is_registered_and_checked_in_at_once,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        let decl = declare(&app, &admin).await;
        let school = shelter(&app, "潮見市立本町小学校", false).await;
        let (_, o) = open(&app, &staff, &decl, &school, 10).await;
        let opening = o["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/shelter-openings/{opening}/walk-in");
        // A name is needed, and an age that makes sense; nothing is kept otherwise.
        let (s, _) = call_json(&app, Method::POST, &path, &staff,
            Some(json!({"name": "", "name_kana": "タナカ", "age": 80, "sex": "female", "address": null}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, _) = call_json(&app, Method::POST, &path, &staff,
            Some(json!({"name": "田中　花", "name_kana": "タナカ ハナ", "age": 130, "sex": "female", "address": null}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, v) = call_json(
            &app,
            Method::POST,
            &path,
            &staff,
            Some(
                json!({"name": "田中　花", "name_kana": "タナカ ハナ", "age": 80, "sex": "female",
                "address": null, "needs": ["oxygen"], "note": "酸素ボンベ持参"}),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["opening"]["present"], 1, "{v}");
        let person = v["person"].as_str().unwrap().to_owned();
        // A person record now, found like anyone else, with the estimate said on the stay.
        let (s, p) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{person}"),
            &staff,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        assert_eq!(p["address"], "不明（避難所で登録）", "{p}");
        let (_, evacuees) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/shelter-openings/{opening}/evacuees"),
            &staff,
            None,
        )
        .await;
        let line = evacuees
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["person"]["id"] == person.as_str())
            .expect("listed");
        assert!(
            line["note"]
                .as_str()
                .unwrap_or("")
                .contains("80歳から生年を推定"),
            "{line}"
        );
        assert!(
            line["note"]
                .as_str()
                .unwrap_or("")
                .contains("酸素ボンベ持参"),
            "{line}"
        );
        // Not for a 自治会 leader.
        let leader = token_for(&app, "community-leader").await;
        let (s, _) = call_json(&app, Method::POST, &path, &leader,
            Some(json!({"name": "x", "name_kana": "エックス", "age": 1, "sex": "male", "address": null}))).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
);
