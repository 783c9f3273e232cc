//! Uploading geography files from the /gis screen in a real browser: the form's CSRF token
//! must reach the guard (it once travelled in the multipart body, which the guard does not
//! read, and every real submit was refused).

use crate::browser_common::{login, serve, shot, start_browser};
use crate::common::app;
use fantoccini::{Client, Locator};
use std::time::Duration;
use tsunagi_store::{Store, db_test};

fn sample_path(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/gis")
        .join(name);
    std::fs::canonicalize(&p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .display()
        .to_string()
}

async fn upload(c: &Client, base: &str, kind: &str, mapping: Option<&str>, file: &str) -> String {
    upload_named(c, base, kind, mapping, file, None).await
}

async fn upload_named(
    c: &Client,
    base: &str,
    kind: &str,
    mapping: Option<&str>,
    file: &str,
    name: Option<&str>,
) -> String {
    c.goto(&format!("{base}/gis")).await.unwrap();
    let form = c.wait().for_element(Locator::Id("upload")).await.unwrap();
    if let Some(n) = name {
        form.find(Locator::Id("name"))
            .await
            .unwrap()
            .send_keys(n)
            .await
            .unwrap();
    }
    form.find(Locator::Css(&format!("#kind option[value='{kind}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    if let Some(m) = mapping {
        form.find(Locator::Css(&format!("#mapping option[value='{m}']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    form.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&sample_path(file))
        .await
        .unwrap();
    form.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The answer replaces the page: wait for its heading, then read it.
    c.wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::XPath(
            "//*[contains(., '取り込みました') or contains(., '有効期限') or contains(., 'エラー')][self::p or self::div]",
        ))
        .await
        .unwrap();
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

db_test!(
    a_hazard_layer_a_shelter_list_and_an_address_file_upload_from_the_screen,
    |store: Store| async move {
        let app = app(store).await;
        let base = serve(app.router.clone()).await;
        let (_driver, c) = start_browser().await;
        login(&c, &base, "town-staff").await;

        let text = upload(&c, &base, "hazard", Some("A31-max"), "A31-shiomi.geojson").await;
        assert!(text.contains("取り込みました"), "hazard: {text}");
        assert!(!text.contains("有効期限"), "hazard: {text}");
        shot(&c, "gis-upload-hazard").await;

        let text = upload(&c, &base, "shelters", None, "shelters-emergency-da.csv").await;
        assert!(text.contains("取り込みました"), "shelters: {text}");

        let text = upload(&c, &base, "addresses", None, "39_2024_gaiku.csv").await;
        assert!(text.contains("取り込みました"), "addresses: {text}");

        // What was uploaded is stored: the layer list and the shelter count show it.
        c.goto(&format!("{base}/gis")).await.unwrap();
        let page = c
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("A31-shiomi.geojson"), "{page}");
        assert!(!page.contains("避難場所・避難所 0 件"), "{page}");

        // A layer named with markup shows as text in the map's layer control, never as HTML.
        let evil = "<img src=x id=pwn><a id=phish href=//evil.example>層</a>";
        let text = upload_named(
            &c,
            &base,
            "hazard",
            Some("A40"),
            "A40-shiomi.geojson",
            Some(evil),
        )
        .await;
        assert!(text.contains("取り込みました"), "named: {text}");
        c.goto(&format!("{base}/map")).await.unwrap();
        let control = c
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::XPath(
                "//div[contains(@class,'leaflet-control-layers')][contains(., '<img')]",
            ))
            .await
            .unwrap();
        let label = control.text().await.unwrap();
        assert!(label.contains(evil), "{label}");
        assert!(
            c.find(Locator::Id("pwn")).await.is_err(),
            "the img tag was rendered"
        );
        assert!(
            c.find(Locator::Id("phish")).await.is_err(),
            "the link was rendered"
        );
        shot(&c, "map-layer-name-escaped").await;
    }
);
