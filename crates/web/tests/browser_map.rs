//! The map in a real browser (headless Debian chromium through chromedriver, as in
//! `browser.rs`): with no base tiles (a closed network) the homes are drawn, one marker per
//! person the user may see, a marker's popup links to the record, and pin mode saves a click.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;
mod map_town;

use common::{PASSWORD, app};
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::{Client, ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tsunagi_store::{AuditContext, Store, db_test};

struct Driver {
    child: Child,
    url: String,
    profile: std::path::PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_browser() -> (Driver, Client) {
    let bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let port = free_port();
    let child = Command::new(&bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {bin} ({e}): install Debian's chromium-driver (bash .ci/run does)")
        });
    let profile = std::env::temp_dir().join(format!("tsunagi-chrome-{}", uuid::Uuid::new_v4()));
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        profile,
    };
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-quic", "--no-first-run", "--lang=ja", "--window-size=1280,900",
                     format!("--user-data-dir={}", driver.profile.display())]
        }
    }))
    .unwrap();
    let mut last = None;
    for _ in 0..50 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&driver.url)
            .await
        {
            Ok(c) => return (driver, c),
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("chromedriver did not accept a session: {last:?}");
}

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

async fn login(c: &Client, base: &str, login: &str) {
    c.goto(&format!("{base}/")).await.unwrap();
    c.wait()
        .for_element(Locator::Id("login"))
        .await
        .unwrap()
        .send_keys(login)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::XPath("//h1[.='ホーム']"))
        .await
        .unwrap();
}

/// Saves a screenshot under target/screenshots/ for people to look at (not asserted on).
async fn shot(c: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    if let Ok(png) = c.screenshot().await {
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

/// Where on the page (viewport pixels) a point of the map is drawn.
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
        map_town::load_town(&app, ROSTER).await;
        // A closed network: no base tiles at all.
        let staff = app.f.town_staff.clone();
        let (mut settings, version) = app.store.gis_settings(app.f.town.id).await.unwrap();
        settings.tile_url = None;
        let mut tx = app
            .store
            .begin(AuditContext::for_actor(&staff, None))
            .await
            .unwrap();
        tsunagi_store::gis::settings::set(&mut tx, &staff, &settings, version)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut http = common::Client::new(&app);
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

        // A marker's popup names the person and links to the record.
        let p = &persons[0];
        let id = p["id"].as_str().unwrap();
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
        assert_eq!(link.text().await.unwrap(), p["name"].as_str().unwrap());
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
