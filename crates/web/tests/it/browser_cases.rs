//! The caseworker's main path on screen, in a real browser: from the ledger to the outreach
//! queue, a visit that meets the household with three issues, the case opened with the NPO as
//! lead and classified; the NPO, in its own login, finds the case in its list and records a
//! visit; a case meeting with the care provider records the policy and two tasks; the NPO
//! claims the open one, the care provider is shown that claim and takes it knowingly; the
//! municipality closes the case.

use crate::browser_common::{login, serve, shot, start_browser};
use crate::browser_ledger::{click, declare_flood, fill, submit, text_of, wait_text};
use crate::common::{HONMACHI_ROSTER, app, call_json, load_roster, token_for};
use crate::ledger::{RESIDENTS, household_of, import_residents};
use axum::http::Method;
use fantoccini::Locator;
use tsunagi_store::{Store, db_test};

db_test!(
    a_caseworker_visits_opens_and_classifies_a_case_and_the_npo_carries_it,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        declare_flood(&app).await;
        let staff = token_for(&app, "town-staff").await;
        import_residents(&app, &staff, RESIDENTS, "").await;
        let (_, list) = call_json(&app, Method::GET, "/api/v1/disasters", &staff, None).await;
        let decl = list[0]["id"].as_str().expect("declaration").to_owned();
        let (h1, _) = household_of(&app, &staff, "1001").await;
        let npo_org = app.f.npo.id.0.to_string();
        let care_org = app.f.care.id.0.to_string();

        let base = serve(app.router.clone()).await;
        let (_driver, c) = start_browser().await;
        login(&c, &base, "town-staff").await;
        c.goto(&format!("{base}/disasters/{decl}/ledger"))
            .await
            .unwrap();
        click(&c, "#outreach-link").await;
        let queue = text_of(&c, "#outreach").await;
        assert!(
            queue.contains("山田　ハル") && queue.contains("未面会"),
            "{queue}"
        );
        click(&c, "#report-link").await;
        let totals = text_of(&c, "#report-totals").await;
        assert!(totals.contains("5未満"), "{totals}");
        c.goto(&format!("{base}/disasters/{decl}/households/{h1}/outreach"))
            .await
            .unwrap();

        // A visit that meets them: three issues.
        fill(&c, "v-visitors", "田中（社協）、佐々木（市）").await;
        click(&c, "#v-outcome option[value='met']").await;
        fill(&c, "v-seen", "1階が浸水。2階で生活").await;
        click(&c, "#sev-housing option[value='high']").await;
        click(&c, "#sev-health option[value='medium']").await;
        click(&c, "#sev-legal option[value='low']").await;
        submit(&c, "#visit-form").await;
        let visits = wait_text(&c, "#visits", "面会できた").await;
        assert!(visits.contains("住宅の補修再建（重度"), "{visits}");

        // The case, led by the NPO; the proposal is both axes; classified with a reason.
        click(&c, &format!("#o-lead option[value='{npo_org}']")).await;
        fill(&c, "o-worker", "NPO 山本").await;
        submit(&c, "#open-form").await;
        let proposed = wait_text(&c, "#proposed", "日常生活・住まいの再建支援世帯").await;
        assert!(!proposed.is_empty());
        click(&c, "#k-type option[value='housing']").await;
        fill(&c, "k-reason", "通院は家族が再開できる見込み").await;
        submit(&c, "#classify-form").await;
        wait_text(&c, "#classifications", "住まいの再建支援世帯").await;
        shot(&c, "case-household").await;

        // A referral from the case to the care provider: only names and the assessment, on the
        // household's consent.
        click(&c, &format!("#rf-to option[value='{care_org}']")).await;
        fill(&c, "rf-purpose", "片付けと屋根の養生").await;
        // (names and the assessment are ticked by default; nothing more is added)
        submit(&c, "#referral-form").await;
        wait_text(&c, "#referral-state", "依頼済み").await;
        // And one from a programme, through the case's link to the household's programmes.
        c.goto(&format!("{base}/disasters/{decl}/households/{h1}/outreach"))
            .await
            .unwrap();
        click(&c, "#case-programmes").await;
        click(
            &c,
            &format!("form.referral select option[value='{npo_org}']"),
        )
        .await;
        submit(&c, "form.referral").await;
        wait_text(&c, "#referral", "の申請の支援").await;

        // The NPO finds it in its own list and records a visit; it is not offered closing.
        let (_d2, n) = start_browser().await;
        login(&n, &base, "npo-staff").await;
        n.goto(&format!("{base}/cases")).await.unwrap();
        let mine = text_of(&n, "#cases").await;
        assert!(
            mine.contains("住まいの再建支援世帯") && mine.contains("NPO 山本"),
            "{mine}"
        );
        n.find(Locator::LinkText("H1"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&n, "#case", "支援中").await;
        assert!(n.find(Locator::Id("close-form")).await.is_err());
        // A review: the policy revised.
        fill(&n, "r-policy", "応急修理の申請に付き添う").await;
        submit(&n, "#review-form").await;
        wait_text(&n, "#reviews", "応急修理の申請に付き添う").await;
        fill(&n, "v-visitors", "山本（NPO）").await;
        click(&n, "#v-outcome option[value='absent']").await;
        submit(&n, "#visit-form").await;
        wait_text(&n, "#visits", "山本（NPO）").await;

        // The referral, answered in the care provider's own login: only what was shared.
        let (_d3, k) = start_browser().await;
        login(&k, &base, "care-manager").await;
        k.goto(&format!("{base}/referrals")).await.unwrap();
        k.find(Locator::LinkText("片付けと屋根の養生"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let shared = text_of(&k, "#shared").await;
        assert!(
            shared.contains("山田　ハル") && shared.contains("住宅の補修再建"),
            "{shared}"
        );
        assert!(
            !shared.contains("本町1-1"),
            "the address was not shared: {shared}"
        );
        submit(&k, "#accept-form").await;
        wait_text(&k, "#referral-state", "受諾").await;
        fill(&k, "ac-who", "ケアマネ 小林").await;
        fill(&k, "ac-place", "山田さん宅").await;
        fill(&k, "ac-advice", "屋根にブルーシートを張った").await;
        submit(&k, "#accompany-form").await;
        wait_text(&k, "#referral-state", "同行支援済み").await;
        // It has no part in the case itself.
        k.goto(&format!("{base}/disasters/{decl}/households/{h1}/outreach"))
            .await
            .unwrap();
        wait_text(&k, "main", "見つかりませんでした").await;

        // A case meeting with the care provider: the policy and two tasks, one given to the
        // care provider, one left for whoever takes it.
        c.goto(&format!("{base}/disasters/{decl}/case-meetings"))
            .await
            .unwrap();
        fill(&c, "m-title", "第1回ケース会議").await;
        let today = chrono::Utc::now()
            .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
            .date_naive();
        c.execute(
            "document.getElementById('m-starts').value = arguments[0]",
            vec![serde_json::json!(format!("{today}T13:30"))],
        )
        .await
        .unwrap();
        click(&c, "input[name='agenda']").await;
        click(
            &c,
            &format!("input[name='participants'][value='{care_org}']"),
        )
        .await;
        submit(&c, "#meeting-form").await;
        wait_text(&c, "#meeting-state", "予定").await;
        let agenda = text_of(&c, "section.agenda-case").await;
        assert!(
            agenda.contains("山田　ハル") && agenda.contains("住宅の補修再建"),
            "{agenda}"
        );
        let fill_in = |css: &'static str, text: &'static str| {
            let c = c.clone();
            async move {
                let e = c.find(Locator::Css(css)).await.unwrap();
                e.send_keys(text).await.unwrap();
            }
        };
        fill_in(
            "fieldset.minute textarea[name^='situation_']",
            "屋根の養生は済んだ",
        )
        .await;
        fill_in(
            "fieldset.minute textarea[name^='policy_']",
            "応急修理の申請に同行する",
        )
        .await;
        let rows = c
            .find_all(Locator::Css("fieldset.minute div.task-row"))
            .await
            .unwrap();
        rows[0]
            .find(Locator::Css("input[name^='task_']"))
            .await
            .unwrap()
            .send_keys("屋根の修理業者を探す")
            .await
            .unwrap();
        rows[0]
            .find(Locator::Css(&format!("option[value='{care_org}']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        rows[1]
            .find(Locator::Css("input[name^='task_']"))
            .await
            .unwrap()
            .send_keys("法律相談につなぐ")
            .await
            .unwrap();
        submit(&c, "#minutes-form").await;
        wait_text(&c, "#meeting-state", "開催済み").await;
        assert!(c.find(Locator::Id("minutes-pdf")).await.is_ok());
        shot(&c, "case-meeting").await;

        // The NPO leads the case: it takes the open task from its day.
        let claim_in = |row: &'static str| {
            format!(
                "//table[@id='tasks']//tr[contains(., '{row}')]//form[contains(@class,'claim-form')]//button"
            )
        };
        n.goto(&format!("{base}/cases")).await.unwrap();
        n.find(Locator::XPath(&claim_in("法律相談につなぐ")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&n, "#tasks", "担当をやめる").await;
        // The care provider, invited to the meeting, sees it and its task; claiming the open
        // one shows the NPO's claim first, and it takes it knowingly.
        k.goto(&format!("{base}/case-meetings")).await.unwrap();
        k.find(Locator::LinkText("第1回ケース会議"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&k, "section.agenda-case", "応急修理の申請に同行する").await;
        k.find(Locator::XPath(
            "//section[contains(@class,'agenda-case')]//tr[contains(., '法律相談につなぐ')]//form[contains(@class,'claim-form')]//button",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        let refused = wait_text(&k, "#task-errors", "すでに").await;
        assert!(refused.contains(&app.f.npo.name), "{refused}");
        submit(&k, "#claim-knowing-form").await;
        let row = wait_text(&k, "section.agenda-case", &app.f.care.name).await;
        assert!(row.contains(&app.f.npo.name), "{row}");
        // Both tasks it holds are on its day.
        k.goto(&format!("{base}/cases")).await.unwrap();
        let tasks = text_of(&k, "#tasks").await;
        assert!(
            tasks.contains("屋根の修理業者を探す") && tasks.contains("法律相談につなぐ"),
            "{tasks}"
        );

        // The municipality (still in its own browser) closes the case with its reason.
        c.goto(&format!("{base}/disasters/{decl}/households/{h1}/outreach"))
            .await
            .unwrap();
        click(&c, "#x-reason option[value='recovered']").await;
        submit(&c, "#close-form").await;
        wait_text(&c, "#case", "終結").await;
        assert!(c.find(Locator::Id("reopen-form")).await.is_ok());
    }
);
