//! The victims' ledger and damage certificates on screen, in a real browser: from the
//! declaration to the household's ledger, an application, a 第1次 survey at 35%, the
//! certificate, a re-survey at 42% and the re-issued 大規模半壊, and a shelter stay recorded.

use crate::browser_common::{login, serve, shot, start_browser};
use crate::common::{HONMACHI_ROSTER, app, load_roster};
use fantoccini::{Client, Locator};
use tsunagi_store::{Store, db_test};

const RESIDENTS: &str = "宛名番号,世帯番号,氏名,氏名カナ,生年月日,性別,住所,続柄\n\
1001,H1,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市本町1-1,世帯主\n\
2001,H1,山田　一郎,ヤマダ イチロウ,S35.4.1,1,潮見市本町1-1,子\n\
3001,H3,鈴木　花,スズキ ハナ,S50.2.3,2,潮見市港町2-1,世帯主\n";

/// A flood declared over the whole town, by its administrator.
pub(crate) async fn declare_flood(app: &crate::common::TestApp) {
    let admin = app.ctx(&app.f.town_admin).await;
    tsunagi_app::declarations::declare(
        &app.app,
        &admin,
        tsunagi_domain::declaration::NewDeclaration {
            name: "潮見川の洪水".into(),
            kind: tsunagi_domain::declaration::DisasterKind::Flood,
            stage: tsunagi_domain::declaration::Stage::Occurred,
            area: tsunagi_domain::declaration::AffectedArea::WholeMunicipality,
            started_at: None,
            residents_aged: None,
        },
    )
    .await
    .expect("declare");
}

pub(crate) async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

pub(crate) async fn follow(c: &Client, link: &str) {
    c.find(Locator::LinkText(link))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

pub(crate) async fn fill(c: &Client, id: &str, text: &str) {
    let e = c.find(Locator::Id(id)).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

pub(crate) async fn submit(c: &Client, form_css: &str) {
    click(c, &format!("{form_css} button[type=submit]")).await;
}

/// The element's text once it contains `needle` (a submit navigates: the old page may still
/// be there for a moment); panics with the last text after ten seconds.
pub(crate) async fn wait_text(c: &Client, css: &str, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(t) = e.text().await
        {
            if t.contains(needle) {
                return t;
            }
            last = t;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{css} never contained {needle}: {last}");
}

pub(crate) async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

db_test!(
    a_certificate_is_issued_and_reissued_from_the_screens,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        declare_flood(&app).await;
        let base = serve(app.router.clone()).await;
        let (_driver, c) = start_browser().await;
        login(&c, &base, "town-staff").await;
        // The town's resident extract, from the import screen (Shift_JIS, as 住基 writes it).
        let extract = std::env::temp_dir().join(format!("residents-{}.csv", uuid::Uuid::new_v4()));
        std::fs::write(&extract, encoding_rs::SHIFT_JIS.encode(RESIDENTS).0).unwrap();
        c.goto(&format!("{base}/roster/import")).await.unwrap();
        click(&c, "#kind option[value='residents']").await;
        click(&c, "input[name=dry_run]").await;
        c.find(Locator::Id("file"))
            .await
            .unwrap()
            .send_keys(&extract.display().to_string())
            .await
            .unwrap();
        click(&c, "form[enctype] button[type=submit]").await;
        wait_text(&c, "main", "取り込みました").await;
        let report = text_of(&c, "main").await;
        assert!(
            report.contains("新規登録: 2 人") && report.contains("更新: 1 人"),
            "{report}"
        );
        let _ = std::fs::remove_file(&extract);
        c.goto(&format!("{base}/disasters")).await.unwrap();
        follow(&c, "被災者台帳・罹災証明").await;
        let not_applied = text_of(&c, "#not-applied").await;
        assert!(
            not_applied.contains("山田　ハル") && not_applied.contains("鈴木　花"),
            "{not_applied}"
        );
        shot(&c, "ledger-progress").await;
        follow(&c, "山田　ハル").await;
        let household_url = c.current_url().await.unwrap();
        let members = text_of(&c, "#members").await;
        assert!(members.contains("山田　一郎"), "{members}");
        assert!(members.contains("名簿に登載"), "{members}");

        // Where she is: the shelter.
        click(&c, "#w-kind option[value='shelter']").await;
        fill(&c, "w-place", "潮見市立本町小学校").await;
        submit(&c, "form[action$='/whereabouts']").await;
        wait_text(&c, "#members", "避難所（潮見市立本町小学校）").await;

        // Support given, an injury; a bad amount is refused on the page with the reason.
        fill(&c, "s-programme", "災害見舞金（市）").await;
        fill(&c, "s-amount", "30,000").await;
        submit(&c, "#support-form").await;
        wait_text(&c, "#support", "30000 円").await;
        fill(&c, "s-programme", "義援金").await;
        fill(&c, "s-amount", "三万").await;
        submit(&c, "#support-form").await;
        wait_text(&c, ".error", "金額は円単位の数字").await;
        click(&c, "#h-harm option[value='injured']").await;
        submit(&c, "#harm-form").await;
        wait_text(&c, "#harms", "軽傷").await;

        // The application, the 第1次 survey at 35%, the certificate.
        fill(&c, "a-name", "山田　一郎").await;
        click(&c, "#a-rel option[value='member']").await;
        submit(&c, "#new-application").await;
        wait_text(&c, ".application .state", "申請受付").await;
        c.find(Locator::Css(".application input[name=surveyors]"))
            .await
            .unwrap()
            .send_keys("調査班A 田中")
            .await
            .unwrap();
        c.find(Locator::Css(".application input[name=damage_ratio]"))
            .await
            .unwrap()
            .send_keys("35")
            .await
            .unwrap();
        submit(&c, ".application form[action$='/survey']").await;
        wait_text(&c, ".application .surveys", "中規模半壊").await;
        // A photograph of the outer wall is attached to the survey; a text file is refused.
        let dir = std::env::temp_dir().join(format!("photos-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let png = dir.join("wall.png");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
        let txt = dir.join("note.txt");
        std::fs::write(&txt, "not a photo").unwrap();
        c.find(Locator::Css(".photo-form input[name=photo]"))
            .await
            .unwrap()
            .send_keys(&txt.display().to_string())
            .await
            .unwrap();
        submit(&c, ".photo-form").await;
        wait_text(&c, ".error", "写真は JPEG か PNG").await;
        c.find(Locator::Css(".photo-form input[name=photo]"))
            .await
            .unwrap()
            .send_keys(&png.display().to_string())
            .await
            .unwrap();
        submit(&c, ".photo-form").await;
        wait_text(&c, ".application .surveys", "写真1").await;
        let _ = std::fs::remove_dir_all(&dir);
        submit(&c, ".application form[action$='/issue']").await;
        let certs = wait_text(&c, ".application .certificates", "-000001号").await;
        assert!(certs.contains("中規模半壊"), "{certs}");

        // Re-survey: the 第2次 survey is preselected; 42% → 大規模半壊, re-issued.
        c.find(Locator::Css(".application input[name=reason]"))
            .await
            .unwrap()
            .send_keys("内部の損傷を見てほしい")
            .await
            .unwrap();
        submit(&c, ".application form[action$='/resurvey']").await;
        wait_text(&c, ".application .state", "再調査依頼中").await;
        let kind = c
            .find(Locator::Css(".application select[name=kind]"))
            .await
            .unwrap();
        assert_eq!(kind.prop("value").await.unwrap().as_deref(), Some("second"));
        c.find(Locator::Css(".application input[name=surveyors]"))
            .await
            .unwrap()
            .send_keys("調査班B 山口")
            .await
            .unwrap();
        c.find(Locator::Css(".application input[name=damage_ratio]"))
            .await
            .unwrap()
            .send_keys("42")
            .await
            .unwrap();
        submit(&c, ".application form[action$='/survey']").await;
        wait_text(&c, ".application .state", "再調査済").await;
        submit(&c, ".application form[action$='/issue']").await;
        let certs = wait_text(&c, ".application .certificates", "再調査後の交付").await;
        assert!(certs.contains("大規模半壊"), "{certs}");
        assert!(
            certs.contains("中規模半壊"),
            "the first certificate stays in the history: {certs}"
        );
        shot(&c, "ledger-household").await;

        // The progress counts the issue the same day.
        c.goto(&format!("{base}/disasters")).await.unwrap();
        follow(&c, "被災者台帳・罹災証明").await;
        wait_text(&c, "#damage-total", "0 日").await;

        // 鈴木's household applies; its survey comes back on a surveyor team's sheet.
        follow(&c, "鈴木　花").await;
        fill(&c, "a-name", "鈴木　花").await;
        submit(&c, "#new-application").await;
        wait_text(&c, ".application .state", "申請受付").await;
        c.goto(&format!("{base}/disasters")).await.unwrap();
        follow(&c, "被災者台帳・罹災証明").await;
        let today = chrono::Utc::now()
            .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
            .date_naive();
        let sheet = std::env::temp_dir().join(format!("surveys-{}.csv", uuid::Uuid::new_v4()));
        let csv =
            format!("世帯番号,調査,調査日,調査員,損害割合,全壊（一見）\nH3,1次,{today},C班,,○\n");
        std::fs::write(&sheet, encoding_rs::SHIFT_JIS.encode(&csv).0).unwrap();
        c.find(Locator::Id("survey-file"))
            .await
            .unwrap()
            .send_keys(&sheet.display().to_string())
            .await
            .unwrap();
        submit(&c, "#survey-upload").await;
        wait_text(&c, "#survey-report", "1 件の調査結果を記録しました").await;
        let _ = std::fs::remove_file(&sheet);

        // Register the NPO as a 被災者援護協力団体, then provide 山田's ledger to it: names and
        // support only.
        let npo = app.f.npo.id.0.to_string();
        click(&c, &format!("#partner-org option[value='{npo}']")).await;
        fill(&c, "partner-no", "潮見-協力-001").await;
        submit(&c, "#partner-form").await;
        wait_text(&c, "#partners", "NPO法人つなぐ手").await;
        c.goto(household_url.as_str()).await.unwrap();
        click(&c, "#x-basis option[value='registered_partner']").await;
        click(&c, &format!("#x-to option[value='{npo}']")).await;
        for item in ["identity", "support"] {
            click(&c, &format!("input[name=items][value='{item}']")).await;
        }
        fill(&c, "x-purpose", "生活再建の相談").await;
        submit(&c, "form[action$='/disclosures']").await;
        let record = wait_text(&c, "#disclosures", "NPO法人つなぐ手").await;
        assert!(
            record.contains("被災者援護協力団体への提供")
                && record.contains("氏名・生年月日・性別"),
            "{record}"
        );

        // The NPO's staff see the ledger, read-only, with only what was provided.
        c.delete_all_cookies().await.unwrap();
        login(&c, &base, "npo-staff").await;
        c.goto(&format!("{base}/ledgers")).await.unwrap();
        follow(&c, "台帳を見る").await;
        let members = text_of(&c, "#members").await;
        assert!(members.contains("山田　ハル"), "{members}");
        let page = text_of(&c, "main").await;
        assert!(
            page.contains("30000 円")
                && !page.contains("潮見市立本町小学校")
                && !page.contains("潮見市本町1-1"),
            "{page}"
        );
        shot(&c, "ledger-provided").await;
        c.close().await.unwrap();
    }
);

db_test!(
    a_shelter_is_opened_and_an_evacuee_checked_in_by_kana,
    |store: Store| async move {
        let app = app(store).await;
        load_roster(&app, HONMACHI_ROSTER).await;
        let staff = app.ctx(&app.f.town_staff).await;
        crate::shelters_in_operation::shelter(&app, "潮見市立本町小学校", false).await;
        declare_flood(&app).await;
        let base = serve(app.router.clone()).await;
        let (_driver, c) = start_browser().await;
        login(&c, &base, "town-staff").await;
        c.goto(&format!("{base}/disasters")).await.unwrap();
        follow(&c, "避難所の開設・運営").await;
        fill(&c, "o-capacity", "250").await;
        submit(&c, "#open-form").await;
        wait_text(&c, "#figures", "受入可能 250 人").await;
        // A few keystrokes of the reading, in hiragana.
        fill(&c, "q", "やまだ").await;
        submit(&c, "form[role=search]").await;
        wait_text(&c, "#found", "山田　ハル").await;
        click(&c, "#found input[name=needs][value='oxygen']").await;
        submit(&c, "#found form").await;
        let list = wait_text(&c, "#evacuees", "山田　ハル").await;
        assert!(list.contains("在宅酸素"), "{list}");
        wait_text(&c, "#figures", "避難者 1 人").await;
        shot(&c, "shelter-opening").await;
        // The headquarters' view counts her safe, and downloads as a snapshot.
        c.goto(&format!("{base}/disasters")).await.unwrap();
        follow(&c, "災害対策本部").await;
        let total = wait_text(&c, "#hq-total", "合計").await;
        assert!(
            total.contains("2 1 0 1"),
            "people, safe, needs help, not reached: {total}"
        );
        let shelters = text_of(&c, "#hq-shelters").await;
        assert!(
            shelters.contains("潮見市立本町小学校") && shelters.contains("在宅酸素"),
            "{shelters}"
        );
        shot(&c, "headquarters").await;

        // 安否情報: a relative asks; first her agreement is recorded, then the answer names the
        // shelter; someone else hears nothing.
        c.goto(&format!("{base}/disasters")).await.unwrap();
        follow(&c, "安否情報の照会").await;
        fill(&c, "q", "やまだ").await;
        submit(&c, "form[role=search]").await;
        wait_text(&c, "#found", "山田　ハル").await;
        click(&c, "#found .consent-form input[name=relatives]").await;
        submit(&c, "#found .consent-form").await;
        wait_text(&c, "#answer", "本人の同意を記録しました").await;
        for (relation, expected) in [
            ("relative", "潮見市立本町小学校に避難"),
            ("other", "お答えできません"),
        ] {
            fill(&c, "q", "やまだ").await;
            submit(&c, "form[role=search]").await;
            wait_text(&c, "#found", "山田　ハル").await;
            c.find(Locator::Css("#found .answer-form input[name=enquirer]"))
                .await
                .unwrap()
                .send_keys("山田 次郎")
                .await
                .unwrap();
            c.find(Locator::Css(&format!(
                "#found .answer-form option[value='{relation}']"
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
            submit(&c, "#found .answer-form").await;
            wait_text(&c, "#answer", expected).await;
        }
        // The sweep shows her 避難済み.
        let sweep = tsunagi_app::safety::sweep(
            &app.app,
            &staff,
            tsunagi_app::declarations::list(&app.app, &staff)
                .await
                .unwrap()[0]
                .id,
            false,
        )
        .await
        .unwrap();
        let haru = sweep
            .lines
            .iter()
            .find(|l| l.person.name == "山田　ハル")
            .unwrap();
        assert_eq!(haru.status, tsunagi_domain::safety::SafetyStatus::Evacuated);
        c.close().await.unwrap();
    }
);
