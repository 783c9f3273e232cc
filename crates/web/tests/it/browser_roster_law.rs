//! The roster as the law says, walked in a real browser (issue 16, "done when"): the
//! administrator sets an opt-out ordinance, staff record a refusal on the person's page, and
//! the 自治会 sees the list change and, for a plan with a newer draft, only the checked version.

use crate::browser_common::{click, login, serve, shot, start_browser, type_into};
use crate::common::{
    app, call_json, community_receives_honmachi, load_roster, person_id, token_for,
};
use crate::supporters_consent::{plan, save_checked};
use axum::http::{Method, StatusCode};
use fantoccini::{Client, Locator};
use serde_json::json;
use std::time::Duration;
use tsunagi_store::{Store, db_test};

async fn wait_for(c: &Client, xpath: &str) {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("{xpath}: {e}"));
}

async fn logout(c: &Client) {
    click(c, "//button[.='ログアウト']").await;
    wait_for(c, "//input[@id='login']").await;
}

db_test!(
    an_opt_out_ordinance_a_refusal_and_the_checked_plan_in_the_browser,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, crate::common::HONMACHI_ROSTER).await;
        let staff = token_for(&app, "town-staff").await;
        community_receives_honmachi(&app, &staff, true).await;
        let yamada = person_id(&app, &staff, "山田　ハル").await;
        let sato = person_id(&app, &staff, "佐藤　茂").await;
        // 佐藤's plan: a version the municipality checked, then a newer draft.
        save_checked(&app, &staff, &sato, plan(0, json!("2026-11-20"))).await;
        let mut draft = plan(1, json!("2026-11-20"));
        draft["plan"]["destinations"][0]["place"] = json!("潮見中学校（下書き）");
        let (s, v) = call_json(
            &app,
            Method::PUT,
            &format!("/api/v1/persons/{sato}/plan"),
            &staff,
            Some(draft),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");

        let base = serve(app.router.clone()).await;
        let (_driver, c) = start_browser().await;

        // The administrator records an opt-out ordinance for the roster and for plans.
        login(&c, &base, "town-admin").await;
        c.goto(&format!("{base}/legal-basis")).await.unwrap();
        click(
            &c,
            "//select[@id='roster']/option[@value='ordinance_opt_out']",
        )
        .await;
        click(
            &c,
            "//select[@id='plans']/option[@value='ordinance_opt_out']",
        )
        .await;
        type_into(
            &c,
            "ordinance",
            "潮見市避難行動要支援者名簿に関する条例 第5条",
        )
        .await;
        type_into(&c, "effective_from", "令和8年4月1日").await;
        click(&c, "//button[.='登録する']").await;
        wait_for(&c, "//p[@id='lb-saved']").await;
        logout(&c).await;

        // The 自治会 now receives both, nobody having refused.
        login(&c, &base, "community-leader").await;
        c.goto(&format!("{base}/roster")).await.unwrap();
        wait_for(&c, "//table[@id='roster']//a[.='山田　ハル']").await;
        wait_for(&c, "//table[@id='roster']//a[.='佐藤　茂']").await;
        logout(&c).await;

        // Staff record 山田's refusal (不同意の申出) on her page.
        login(&c, &base, "town-staff").await;
        c.goto(&format!("{base}/persons/{yamada}")).await.unwrap();
        click(
            &c,
            "//select[@id='consent-status-select']/option[@value='refused']",
        )
        .await;
        type_into(&c, "obtained_on", "令和8年12月1日").await;
        click(&c, "//button[.='同意を記録']").await;
        wait_for(&c, "//dd[@id='consent-status' and contains(., '不同意')]").await;
        logout(&c).await;

        // The 自治会's list has lost her at once; her record is a plain 404 to it.
        login(&c, &base, "community-leader").await;
        c.goto(&format!("{base}/roster")).await.unwrap();
        wait_for(&c, "//table[@id='roster']//a[.='佐藤　茂']").await;
        let roster = c
            .find(Locator::Id("roster"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!roster.contains("山田"), "{roster}");
        shot(&c, "roster-after-refusal").await;
        c.goto(&format!("{base}/persons/{yamada}")).await.unwrap();
        let body = c
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!body.contains("山田"), "{body}");

        // 佐藤's plan: the checked version, not the newer draft.
        c.goto(&format!("{base}/persons/{sato}/plan"))
            .await
            .unwrap();
        wait_for(&c, "//section[@id='plan-readonly']//span[.='閲覧のみ']").await;
        let place = c
            .find(Locator::Id("d_flood_place"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(place, "潮見小学校");
        shot(&c, "plan-checked-for-receiver").await;
        c.close().await.unwrap();
    }
);
