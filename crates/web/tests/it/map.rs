//! The map screen and its JSON over the demo town's sample geography, on both databases: who
//! sees which homes, shelters and hazard layers, simplification by zoom, and pinning a home.

use crate::common::{Client, PASSWORD, app};
use crate::map_town::{ROSTER, load_town};
use axum::http::StatusCode;
use tsunagi_store::{Store, db_test};

/// How many positions a GeoJSON value holds.
fn vertices(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Array(a) if a.len() == 2 && a.iter().all(|x| x.is_number()) => 1,
        serde_json::Value::Array(a) => a.iter().map(vertices).sum(),
        serde_json::Value::Object(o) => o.values().map(vertices).sum(),
        _ => 0,
    }
}

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("{name}")) + marker.len();
    let end = body[start..].find('"').unwrap() + start;
    body[start..end].to_owned()
}

db_test!(
    the_map_shows_what_each_user_may_see_and_pins_homes,
    |store: Store| async move {
        let app = app(store.clone()).await;
        let layer = load_town(&app, ROSTER).await;
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;

        let r = c.get("/map").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(
            r.body.contains("id=\"map\"")
                && r.body.contains("/assets/map.js")
                && r.body.contains(&layer.to_string())
                && r.body.contains("cyberjapandata.gsi.go.jp"),
            "{}",
            r.body
        );
        let csp = r.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("img-src 'self' data: https://cyberjapandata.gsi.go.jp")
                && csp.contains("script-src 'self';"),
            "{csp}"
        );
        for asset in [
            "/assets/leaflet.js",
            "/assets/leaflet.css",
            "/assets/map.js",
        ] {
            assert_eq!(c.get(asset).await.status, StatusCode::OK, "{asset}");
        }

        let persons = c.get("/map/persons.json").await.json();
        let list = persons.as_array().unwrap();
        assert_eq!(list.len(), 1, "{persons}");
        let p = &list[0];
        assert_eq!(p["name"], "山田　ハル");
        let (lon, lat) = (p["lon"].as_f64().unwrap(), p["lat"].as_f64().unwrap());
        assert!(
            (133.36..133.44).contains(&lon) && (33.42..33.49).contains(&lat),
            "{p}"
        );
        let id = p["id"].as_str().unwrap().to_owned();

        let shelters = c.get("/map/shelters.json").await.json();
        let shelters = shelters.as_array().unwrap();
        assert_eq!(shelters.len(), 15);
        let school = shelters
            .iter()
            .find(|s| s["name"] == "潮見市立潮見小学校")
            .unwrap();
        assert_eq!(school["flood"], true);
        assert_eq!(school["storm_surge"], false);

        let fine = c.get(&format!("/map/layers/{layer}?z=17")).await;
        assert_eq!(fine.status, StatusCode::OK);
        let fine = fine.json();
        assert_eq!(fine["type"], "FeatureCollection");
        assert!(!fine["features"].as_array().unwrap().is_empty());
        assert!(fine["features"][0]["properties"]["grade"].is_number());
        let coarse = c.get(&format!("/map/layers/{layer}?z=8")).await.json();
        assert_eq!(
            coarse["features"].as_array().unwrap().len(),
            fine["features"].as_array().unwrap().len()
        );
        assert!(
            vertices(&coarse) <= vertices(&fine),
            "{} > {}",
            vertices(&coarse),
            vertices(&fine)
        );
        let unknown = uuid::Uuid::new_v4();
        assert_eq!(
            c.get(&format!("/map/layers/{unknown}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.get("/map/layers/not-a-uuid").await.status,
            StatusCode::NOT_FOUND
        );

        // Pinning: a stale version is a conflict; the current one moves the home.
        let r = c.get(&format!("/map?pin={id}")).await;
        assert!(
            r.body.contains("地図をクリックして自宅の位置を指定"),
            "{}",
            r.body
        );
        let version = hidden(&r.body, "version");
        assert_ne!(version, "0");
        let stale = c
            .post(
                &format!("/persons/{id}/location"),
                &[("lon", "133.4"), ("lat", "33.45"), ("version", "0")],
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
        let r = c
            .post(
                &format!("/persons/{id}/location"),
                &[("lon", "133.4"), ("lat", "33.45"), ("version", &version)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location(), format!("/persons/{id}"));
        let moved = c.get("/map/persons.json").await.json();
        assert_eq!(moved[0]["lon"].as_f64(), Some(133.4));
        assert_eq!(moved[0]["lat"].as_f64(), Some(33.45));
        let bad = c
            .post(
                &format!("/persons/{id}/location"),
                &[("lon", "東"), ("lat", "33.45"), ("version", "2")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

        // An NPO without consent or a share sees no homes; it may not pin either.
        let mut npo = Client::new(&app);
        npo.login("npo-staff", PASSWORD).await;
        assert_eq!(npo.get("/map").await.status, StatusCode::OK);
        let theirs = npo.get("/map/persons.json").await.json();
        assert!(!theirs.to_string().contains(&id), "{theirs}");
        assert_eq!(
            npo.get("/map/shelters.json")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            15
        );
        let r = npo
            .post(
                &format!("/persons/{id}/location"),
                &[("lon", "133.41"), ("lat", "33.45"), ("version", "2")],
            )
            .await;
        assert!(r.status.is_client_error(), "{}", r.status);

        // Another town sees none of this town's layers, shelters or homes.
        let mut other = Client::new(&app);
        other.login("other-staff", PASSWORD).await;
        assert_eq!(
            other.get(&format!("/map/layers/{layer}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(
            other
                .get("/map/shelters.json")
                .await
                .json()
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert!(
            other
                .get("/map/persons.json")
                .await
                .json()
                .as_array()
                .unwrap()
                .is_empty()
        );

        // Logged out: no data.
        let mut anon = Client::new(&app);
        let r = anon.get("/map/persons.json").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
);
