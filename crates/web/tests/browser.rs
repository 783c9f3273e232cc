//! Real-browser tests: headless Debian chromium driven through chromedriver (WebDriver).
//! `.ci/run` installs `chromium` and `chromium-driver`; set CHROMEDRIVER / CHROMIUM to use
//! other binaries.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{PASSWORD, app, create_person, token_for};
use fantoccini::{Client, ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tsunagi_store::{Store, db_test};

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
    let r = c.screenshot().await;
    if let Err(e) = &r {
        eprintln!("screenshot {name}: {e}");
    }
    if let Ok(png) = r {
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

async fn body_text(c: &Client) -> String {
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

db_test!(
    staff_find_a_resident_by_half_width_kana_edit_and_the_audit_shows_it,
    |store: Store| async move {
        let app = app(store).await;
        let t = token_for(&app, "town-staff").await;
        create_person(&app, &t, "山田　花子", "ヤマダ ハナコ", "1001").await;
        create_person(&app, &t, "中山　大輔", "ナカヤマ ダイスケ", "1002").await;
        let base = serve(app.router.clone()).await;
        let (_driver, c) = start_browser().await;
        c.set_window_size(1280, 900).await.ok();

        login(&c, &base, "town-staff").await;
        c.find(Locator::LinkText("住民・個人記録"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let q = c.wait().for_element(Locator::Id("q")).await.unwrap();
        q.send_keys("ﾔﾏﾀﾞ").await.unwrap();
        // htmx replaces the results as the user types; 中山 (ナカヤマダ…) must not match.
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::XPath(
                "//div[@id='results']//p[@class='count' and starts-with(., '1 件')]",
            ))
            .await
            .unwrap();
        let results = c
            .find(Locator::Id("results"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            results.contains("山田　花子") && !results.contains("中山"),
            "{results}"
        );
        shot(&c, "persons-search").await;
        c.find(Locator::LinkText("山田　花子"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::XPath("//h1[contains(., '山田')]"))
            .await
            .unwrap();
        assert!(body_text(&c).await.contains("昭和12年3月4日（1937年）"));

        c.find(Locator::LinkText("編集"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let phone = c.wait().for_element(Locator::Id("phone")).await.unwrap();
        phone.clear().await.unwrap();
        phone.send_keys("088-823-1111").await.unwrap();
        c.find(Locator::XPath("//button[.='保存']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::XPath(
                "//p[@role='status' and contains(., '保存しました')]",
            ))
            .await
            .unwrap();
        assert!(body_text(&c).await.contains("088-823-1111"));
        shot(&c, "person-detail").await;

        c.find(Locator::XPath("//button[.='ログアウト']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait().for_element(Locator::Id("login")).await.unwrap();
        login(&c, &base, "town-admin").await;
        c.find(Locator::LinkText("監査ログ"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::XPath("//h1[.='監査ログ']"))
            .await
            .unwrap();
        shot(&c, "audit").await;
        let audit = body_text(&c).await;
        for expected in [
            "個人記録の更新",
            "個人記録の閲覧",
            "個人記録の検索",
            "town-staff",
        ] {
            assert!(audit.contains(expected), "audit page lacks {expected}");
        }
        c.close().await.unwrap();
    }
);
