//! The map in a real browser (headless Debian chromium through chromedriver, as in
//! `browser.rs`): with no base tiles (a closed network) the homes are drawn, one marker per
//! person the user may see, a click on a hazard zone names it, a marker's popup links to the
//! record, and pin mode saves a click.

use crate::browser_common::{login, serve, shot, start_browser};
use crate::common::{PASSWORD, app};
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::{Client, Locator};
use std::time::Duration;
use tsunagi_store::{Store, db_test};

/// An element's text once it is shown: Leaflet fades popups in, and WebDriver reads no text
/// while the opacity is still 0.
async fn shown_text(e: &fantoccini::elements::Element) -> String {
    for _ in 0..50 {
        let text = e.text().await.unwrap();
        if !text.is_empty() {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    String::new()
}

async fn screen_point(c: &Client, lon: f64, lat: f64) -> (f64, f64) {
    let v = c
        .execute(
            "var el = document.getElementById('map'); var m = el.leafletMap;\
             var p = m.latLngToContainerPoint([arguments[1], arguments[0]]);\
             var r = el.getBoundingClientRect(); return [r.left + p.x, r.top + p.y];",
            vec![serde_json::json!(lon), serde_json::json!(lat)],
        )
        .await
        .unwrap();
    (v[0].as_f64().unwrap(), v[1].as_f64().unwrap())
}

async fn click_at(c: &Client, x: f64, y: f64) {
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo {
            duration: None,
            x: x.round(),
            y: y.round(),
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    c.perform_actions(mouse).await.unwrap();
}

const ROSTER: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,独居,洪水\n\
1001,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市本町一丁目5番3号,1,1,1\n\
1002,佐藤　茂,サトウ シゲル,S10.1.1,1,潮見市本町一丁目12番1号,,,1\n\
1003,岡林　千代,オカバヤシ チヨ,S8.1.1,2,潮見市本町二丁目3番4号,,1,\n";

db_test!(
    the_map_draws_every_visible_home_without_tiles_and_pins_by_click,
    |store: Store| async move {
        let app = app(store.clone()).await;
        crate::map_town::load_town(&app, ROSTER).await;
        // A closed network: no base tiles at all.
        let ctx = app.ctx(&app.f.town_staff).await;
        let (mut settings, version) = tsunagi_app::gis::settings(&app.app, app.f.town.id)
            .await
            .unwrap();
        settings.tile_url = None;
        tsunagi_app::gis::set_settings(&app.app, &ctx, &settings, version)
            .await
            .unwrap();

        let mut http = crate::common::Client::new(&app);
        http.login("town-staff", PASSWORD).await;
        let persons = http.get("/map/persons.json").await.json();
        let persons = persons.as_array().unwrap().clone();
        assert_eq!(persons.len(), 3);

        let base = serve(app.router.clone()).await;
        let (_driver, c) = start_browser().await;
        login(&c, &base, "town-staff").await;
        c.find(Locator::LinkText("地図"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let map = c
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("#map[data-ready='1']"))
            .await
            .unwrap();
        assert_eq!(
            map.attr("data-count").await.unwrap().as_deref(),
            Some("3"),
            "markers drawn"
        );
        assert!(
            c.find_all(Locator::Css(".leaflet-tile"))
                .await
                .unwrap()
                .is_empty(),
            "no tiles requested"
        );
        shot(&c, "map").await;

        // A click beside a home in the flood zone (not on a marker) names the zones there,
        // both scales of the flood layer.
        let p = &persons[0];
        let id = p["id"].as_str().unwrap();
        let (lon, lat) = (p["lon"].as_f64().unwrap(), p["lat"].as_f64().unwrap());
        c.execute(
            "document.getElementById('map').leafletMap\
               .setView([arguments[1], arguments[0]], 18, { animate: false });",
            vec![serde_json::json!(lon), serde_json::json!(lat)],
        )
        .await
        .unwrap();
        let (x, y) = screen_point(&c, lon, lat).await;
        click_at(&c, x + 25.0, y).await;
        let zone = c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(".leaflet-popup-content .zone-popup"))
            .await
            .unwrap();
        let text = shown_text(&zone).await;
        assert!(
            text.contains("洪水浸水想定区域（想定最大規模）：3m以上5m未満")
                && text.contains("（計画規模）：0.5m以上3m未満"),
            "{text}"
        );
        shot(&c, "map-zone-popup").await;

        // A marker's popup names the person and links to the record.
        let (x, y) = screen_point(&c, p["lon"].as_f64().unwrap(), p["lat"].as_f64().unwrap()).await;
        click_at(&c, x, y).await;
        let link = c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(".leaflet-popup-content a.person-link"))
            .await
            .unwrap();
        assert_eq!(
            link.attr("href").await.unwrap().as_deref(),
            Some(format!("/persons/{id}").as_str())
        );
        assert_eq!(shown_text(&link).await, p["name"].as_str().unwrap());
        shot(&c, "map-popup").await;
        link.click().await.unwrap();
        c.wait()
            .for_element(Locator::XPath(&format!(
                "//h1[contains(., '{}')]",
                p["name"].as_str().unwrap()
            )))
            .await
            .unwrap();

        // Pin mode: a click beside the home saves the clicked position.
        c.goto(&format!("{base}/map?pin={id}")).await.unwrap();
        c.wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("#map[data-ready='1']"))
            .await
            .unwrap();
        c.find(Locator::Id("pin-banner")).await.unwrap();
        let (x, y) = screen_point(&c, p["lon"].as_f64().unwrap(), p["lat"].as_f64().unwrap()).await;
        click_at(&c, x + 80.0, y + 40.0).await;
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::XPath(&format!(
                "//h1[contains(., '{}')]",
                p["name"].as_str().unwrap()
            )))
            .await
            .unwrap();
        assert!(c.current_url().await.unwrap().path().ends_with(id));
        let after = http.get("/map/persons.json").await.json();
        let moved = after
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == p["id"])
            .unwrap();
        assert!(moved["lon"].as_f64().unwrap() > p["lon"].as_f64().unwrap());
        assert!(moved["lat"].as_f64().unwrap() < p["lat"].as_f64().unwrap());
        c.close().await.unwrap();
    }
);
