//! Real-browser tests: headless Debian chromium driven through chromedriver (WebDriver).
//! `.ci/run` installs `chromium` and `chromium-driver`; set CHROMEDRIVER / CHROMIUM to use
//! other binaries.

use crate::browser_common::{click, login, serve, shot, start_browser, type_into};
use crate::common::{app, create_person, token_for};
use fantoccini::{Client, Locator};
use std::time::Duration;
use tsunagi_store::{Store, db_test};

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

const ADVANCE: &str = "//form[contains(@action,'/workflow/advance')]//button[@class='primary']";

db_test!(
    staff_walk_approach_a_from_forms_to_a_shared_plan,
    |store: Store| async move {
        let app = app(store.clone()).await;
        let csv = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,家族の支援,洪水\n1004,西岡　清,ニシオカ キヨシ,S7.1.1,1,潮見市港町4,1,1,1\n";
        crate::common::load_roster(&app, csv).await;
        let base = serve(app.router.clone()).await;
        let (_driver, c) = start_browser().await;
        login(&c, &base, "town-staff").await;

        click(&c, "//a[.='要支援者名簿']").await;
        click(&c, "//a[.='名簿全体の優先度を判定']").await;
        // What it will change first: one person judged for the first time.
        c.wait()
            .for_element(Locator::XPath(
                "//ul[@id='triage-preview']/li[.='初めて判定する方: 1 人']",
            ))
            .await
            .unwrap();
        click(&c, "//button[.='判定を実行する']").await;
        c.wait()
            .for_element(Locator::XPath(
                "//p[@role='status' and contains(., '1人を判定しました')]",
            ))
            .await
            .unwrap();
        click(&c, "//a[.='西岡　清']").await;
        click(&c, "//a[.='個別避難計画']").await;
        click(&c, "//button[.='判定した進め方で手順を開始']").await;
        c.wait()
            .for_element(Locator::XPath(
                "//strong[@id='wf-current' and .='同意書・計画様式の送付']",
            ))
            .await
            .unwrap();
        click(&c, ADVANCE).await;
        c.wait()
            .for_element(Locator::XPath(
                "//strong[@id='wf-current' and .='本人・家族による計画作成']",
            ))
            .await
            .unwrap();

        // The family's plan, typed in as returned.
        for (id, text) in [
            ("s0_name", "長男 西岡一郎"),
            ("s0_address", "高知市本町1-1"),
            ("s0_phone", "090-1111-2222"),
            ("d_flood_place", "潮見市立潮見小学校"),
            ("d_flood_route", "県道を北へ300m"),
            ("timing", "警戒レベル3 高齢者等避難"),
            ("c0_name", "西岡一郎"),
            ("c0_phone", "090-1111-2222"),
        ] {
            type_into(&c, id, text).await;
        }
        click(&c, "//button[.='新しい版として保存']").await;
        c.wait()
            .for_element(Locator::Id("plan-complete"))
            .await
            .unwrap();
        click(&c, ADVANCE).await;
        c.wait()
            .for_element(Locator::XPath(
                "//strong[@id='wf-current' and .='市町村による確認']",
            ))
            .await
            .unwrap();
        click(&c, ADVANCE).await;
        c.wait()
            .for_element(Locator::XPath(
                "//strong[@id='wf-current' and .='避難支援等関係者への提供']",
            ))
            .await
            .unwrap();

        // Sharing needs consent: record it on the person's page.
        click(&c, ADVANCE).await;
        c.wait()
            .for_element(Locator::XPath(
                "//p[@role='alert' and contains(., '本人の同意がありません')]",
            ))
            .await
            .unwrap();
        c.back().await.unwrap();
        click(&c, "//a[contains(., 'さんの記録へ')]").await;
        click(
            &c,
            "//select[@id='consent-status-select']/option[@value='given']",
        )
        .await;
        click(&c, "//input[@name='scope' and @value='fire_department']").await;
        type_into(&c, "obtained_on", "令和8年11月1日").await;
        click(&c, "//select[@id='method']/option[@value='written']").await;
        click(&c, "//button[.='同意を記録']").await;
        c.wait()
            .for_element(Locator::XPath(
                "//dd[@id='consent-status' and contains(., '同意')]",
            ))
            .await
            .unwrap();
        click(&c, "//a[.='個別避難計画']").await;
        click(&c, ADVANCE).await;
        c.wait()
            .for_element(Locator::XPath("//strong[.='作成完了']"))
            .await
            .unwrap();
        let text = body_text(&c).await;
        assert!(
            text.contains("次の見直し")
                && text.contains("避難支援等関係者への提供 完了 → 作成完了"),
            "{text}"
        );
        shot(&c, "plan-done").await;
        c.close().await.unwrap();
    }
);
