//! A sweep wider than the roster (issue 18, item 3): declaring may reach every resident of the
//! area aged at least so many years, from the resident extract. They are checked by the
//! municipality's staff; receivers, fire and police still see only the roster's people.

use crate::common::{HONMACHI_ROSTER, app, call_json, load_roster, token_for};
use axum::http::{Method, StatusCode};
use serde_json::json;
use tsunagi_store::{Store, db_test};

db_test!(
    a_declaration_reaches_residents_of_an_age_beyond_the_roster,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        let admin = token_for(&app, "town-admin").await;
        let fire = token_for(&app, "firefighter").await;
        let (s, v) =
            crate::ledger::import_residents(&app, &staff, crate::ledger::RESIDENTS, "").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let declare = |area: serde_json::Value, aged: u32| {
            json!({"name": "潮見川の洪水", "kind": "flood", "stage": "occurred", "area": area,
                "started_at": null, "residents_aged": aged})
        };
        let (s, v) = call_json(
            &app,
            Method::POST,
            "/api/v1/disasters",
            &admin,
            Some(declare(json!({"type": "whole_municipality"}), 59)),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        // The whole town, 65 and over: the roster's two and 山田 一郎 (66); not 高橋 (61).
        let (s, d) = call_json(
            &app,
            Method::POST,
            "/api/v1/disasters",
            &admin,
            Some(declare(json!({"type": "whole_municipality"}), 65)),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        assert_eq!(d["residents_aged"], 65);
        let whole = d["id"].as_str().unwrap().to_owned();
        let (_, sweep) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/disasters/{whole}/sweep"),
            &staff,
            None,
        )
        .await;
        let mut names: Vec<(String, String)> = sweep
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["person"]["name"].as_str().unwrap().to_owned(),
                    l["checker"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        names.sort();
        assert_eq!(
            names.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            vec!["佐藤　茂", "山田　ハル", "山田　一郎"],
            "{sweep}"
        );
        // Not on the roster: no receiver has him; the staff check on him.
        assert!(
            names.contains(&("山田　一郎".to_owned(), "市町村職員".to_owned())),
            "{names:?}"
        );
        // Fire sees the roster's people, not him.
        let ichiro = sweep
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["person"]["name"] == "山田　一郎")
            .unwrap()["person"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (s, _) = call_json(
            &app,
            Method::GET,
            &format!("/api/v1/persons/{ichiro}"),
            &fire,
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // 本町 only, 60 and over: the roster's two and 山田 一郎; 高橋 (61) lives in 港町.
        let (s, d) = call_json(
            &app,
            Method::POST,
            "/api/v1/disasters",
            &admin,
            Some(declare(json!({"type": "towns", "towns": ["本町"]}), 60)),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        let (_, all) = call_json(&app, Method::GET, "/api/v1/disasters", &admin, None).await;
        let town = all
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == d["id"])
            .unwrap();
        assert_eq!(town["people_in_area"], 3, "{town}");
    }
);
