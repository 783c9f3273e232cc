//! The headless browser for the UI tests: Debian's chromium through chromedriver (installed by
//! `.ci/run`), a server on a free port, logging in, screenshots. Shared by `browser.rs` and
//! `browser_map.rs`.

use crate::common::PASSWORD;
use fantoccini::{Client, ClientBuilder, Locator};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Driver {
    child: Child,
    url: String,
    profile: std::path::PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver runs in its own process group with the chromium it started: killing the
        // group ends them all (killing chromedriver alone left every chromium process behind,
        // hundreds of them over a test run).
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--"])
            .arg(format!("-{}", self.child.id()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
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

pub async fn start_browser() -> (Driver, Client) {
    let bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let port = free_port();
    let child = Command::new(&bin)
        .process_group(0)
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

pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

pub async fn login(c: &Client, base: &str, login: &str) {
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
pub async fn shot(c: &Client, name: &str) {
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

/// Clicks the element `xpath` names, waiting up to 10 s for it.
pub async fn click(c: &Client, xpath: &str) {
    c.wait()
        .at_most(std::time::Duration::from_secs(10))
        .for_element(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("{xpath}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Replaces the text of the input `id`.
pub async fn type_into(c: &Client, id: &str, text: &str) {
    let e = c.wait().for_element(Locator::Id(id)).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}
