//! Support programmes on screen, in a real browser: the disaster's acts, a household's
//! programmes from its certificate and circumstances with each step of the amount, an
//! application recorded, a municipal top-up added on screen (a bad rule refused with the
//! reason) and evaluated for the household, and the households who have not applied.

use crate::browser_common::{login, serve, shot, start_browser};
use crate::browser_ledger::{click, declare_flood, fill, follow, submit, text_of, wait_text};
use crate::common::{HONMACHI_ROSTER, app, call_json, load_roster, token_for};
use crate::ledger::{RESIDENTS, household_of, import_residents};
use crate::programmes::survey_and_issue;
use axum::http::Method;
use fantoccini::Locator;
use tsunagi_store::{Store, db_test};

db_test!(
    a_caseworker_sees_the_programmes_records_an_application_and_adds_a_top_up,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        declare_flood(&app).await;
        let staff = token_for(&app, "town-staff").await;
        import_residents(&app, &staff, RESIDENTS, "").await;
        let (_, list) = call_json(&app, Method::GET, "/api/v1/disasters", &staff, None).await;
        let decl = list[0]["id"].as_str().expect("declaration").to_owned();
        let (h1, _) = household_of(&app, &staff, "1001").await;
        let today = chrono::Utc::now()
            .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
            .date_naive()
            .to_string();
        // A 全壊 certificate (60%), issued through the API as the counter would.
        survey_and_issue(&app, &staff, &decl, &h1, 60.0, &today).await;

        let base = serve(app.router.clone()).await;
        let (_driver, c) = start_browser().await;
        login(&c, &base, "town-staff").await;

        // The disaster's acts, from the ledger's page.
        c.goto(&format!("{base}/disasters/{decl}/ledger"))
            .await
            .unwrap();
        click(&c, "#unclaimed-link").await;
        for act in [
            "support_act_applied",
            "relief_act_applied",
            "condolence_act_applies",
        ] {
            click(&c, &format!("#a-{act} option[value='1']")).await;
        }
        submit(&c, "#acts-form").await;
        wait_text(&c, "#unclaimed", "被災者生活再建支援金（基礎支援金）").await;

        // The household's programmes: 全壊 from the certificate; how they rebuild is unknown.
        c.goto(&format!("{base}/disasters/{decl}/households/{h1}"))
            .await
            .unwrap();
        click(&c, "#programmes-link").await;
        let damage = text_of(&c, "#damage").await;
        assert_eq!(damage, "全壊");
        let basic = text_of(&c, "#programme-livelihood_basic").await;
        assert!(basic.contains("1,000,000円"), "{basic}");
        assert!(
            basic.contains("単数世帯は4分の3") && basic.contains("該当しない"),
            "{basic}"
        );
        let added = text_of(&c, "#programme-livelihood_additional").await;
        assert!(
            added.contains("対象の可能性あり") && added.contains("再建"),
            "{added}"
        );

        // They will rebuild: the addition follows, each step shown.
        click(&c, "#c-rebuild option[value='build_or_buy']").await;
        submit(&c, "#circumstances-form").await;
        let added = wait_text(&c, "#programme-livelihood_additional", "2,000,000円").await;
        assert!(added.contains("対象"), "{added}");
        shot(&c, "programmes-household").await;

        // The application for the basic support.
        submit(&c, "#programme-livelihood_basic form").await;
        wait_text(&c, "#programme-livelihood_basic .application", "申請済み").await;

        // The letter is one click away.
        let href = c
            .find(Locator::Id("letter"))
            .await
            .unwrap()
            .attr("href")
            .await
            .unwrap()
            .unwrap_or_default();
        assert!(href.ends_with("/letter.pdf"), "{href}");

        // A municipal top-up: a rule that does not check is refused on the page.
        c.goto(&format!("{base}/programmes")).await.unwrap();
        fill(&c, "p-id", "shiomi_top_up").await;
        fill(&c, "p-name", "潮見市住宅再建上乗せ").await;
        click(&c, "input[name=categories][value='housing']").await;
        fill(&c, "p-summary", "加算支援金の対象世帯に市が上乗せします。").await;
        fill(&c, "p-condition", "eligible(livelihood_additional)").await;
        fill(&c, "p-reason", "加算支援金の対象であること").await;
        fill(&c, "p-amount", "household_size * 1000").await;
        fill(&c, "p-from", "2020-04-01").await;
        fill(&c, "p-where", "潮見市役所").await;
        fill(&c, "p-source", "潮見市要綱").await;
        submit(&c, "#programme-form").await;
        wait_text(&c, ".error", "金額の 1 文字目").await;
        fill(&c, "p-amount", "200_000円").await;
        submit(&c, "#programme-form").await;
        wait_text(&c, "#catalogue", "潮見市住宅再建上乗せ").await;

        // Changed from its row: the form opens with what was saved.
        click(&c, "#programme-shiomi_top_up a").await;
        wait_text(&c, "#programme-form", "変更を保存").await;
        fill(&c, "p-amount", "250_000円").await;
        submit(&c, "#programme-form").await;
        wait_text(&c, "#catalogue", "潮見市住宅再建上乗せ").await;

        // Evaluated for the household at once.
        c.goto(&format!(
            "{base}/disasters/{decl}/households/{h1}/programmes"
        ))
        .await
        .unwrap();
        let top = text_of(&c, "#programme-shiomi_top_up").await;
        assert!(top.contains("250,000円"), "the changed amount: {top}");

        // Who has not applied: the additional support and the top-up remain for H1, with the gap.
        c.goto(&format!("{base}/disasters/{decl}/programmes"))
            .await
            .unwrap();
        let rows = text_of(&c, "#unclaimed").await;
        assert!(
            rows.contains("被災者生活再建支援金（加算支援金）"),
            "{rows}"
        );
        assert!(rows.contains("潮見市住宅再建上乗せ"), "{rows}");
        assert!(
            !rows.contains("被災者生活再建支援金（基礎支援金）"),
            "applied: {rows}"
        );
        assert!(rows.contains("2,250,000円"), "the household's gap: {rows}");
        follow(&c, "Excel（.xlsx）で出力（情報連携会議用）").await;
        shot(&c, "programmes-unclaimed").await;
    }
);
