//! The roster import end to end, on SQLite and PostgreSQL: a Shift_JIS extract of 5,000 people
//! with a few bad rows.

use crate::common::app;
use std::collections::HashMap;
use tsunagi_app::roster::{ImportOptions, import as import_roster};
use tsunagi_import::Encoding;
use tsunagi_store::{Store, db_test};

const HEADER: &str = "宛名番号,世帯番号,氏名,氏名カナ,生年月日,性別,郵便番号,住所,電話番号,要介護度,身体障害者手帳等級,認知症,独居,高齢者のみ世帯,見守り,備考";

fn extract(n: usize, bad_lines: &[usize]) -> String {
    let families = [
        ("山田", "ﾔﾏﾀﾞ"),
        ("佐藤", "ｻﾄｳ"),
        ("髙橋", "ﾀｶﾊｼ"),
        ("濵田", "ﾊﾏﾀﾞ"),
    ];
    let mut s = String::from(HEADER);
    s.push_str("\r\n");
    for i in 0..n {
        let line = i + 2;
        let (f, fk) = families[i % families.len()];
        let birth = if bad_lines.contains(&line) {
            "平成31年5月1日".to_owned()
        } else {
            format!("S{}.{}.{}", 5 + i % 40, 1 + i % 12, 1 + i % 28)
        };
        s.push_str(&format!(
            "{:08},{:07},{f}　花子{i},{fk} ﾊﾅｺ,{birth},2,781-0101,潮見市本町一丁目{}番,0889-22-{:04},要介護{},{},{},{},0,{},\r\n",
            1_000_000 + i, 500_000 + i / 2, 1 + i % 30, i % 10000, 1 + i % 5, if i % 7 == 0 { "2級" } else { "" },
            if i % 9 == 0 { "○" } else { "" }, if i % 3 == 0 { "1" } else { "0" }, if i % 4 == 0 { "1" } else { "" }
        ));
    }
    s
}

fn sjis(s: &str) -> Vec<u8> {
    let (b, _, unmappable) = encoding_rs::SHIFT_JIS.encode(s);
    assert!(!unmappable);
    b.into_owned()
}

fn options(dry_run: bool, only_valid: bool) -> ImportOptions {
    ImportOptions {
        encoding: Encoding::Auto,
        mapping: HashMap::new(),
        dry_run,
        only_valid,
        full_extract: false,
    }
}

async fn count(app: &crate::common::TestApp) -> u64 {
    let ctx = app.ctx(&app.f.town_staff).await;
    tsunagi_app::persons::search(&app.app, &ctx, "", Default::default())
        .await
        .unwrap()
        .total
}

db_test!(
    a_shift_jis_roster_of_5000_with_bad_rows,
    |store: Store| async move {
        let app = app(store.clone()).await;
        let staff = app.f.town_staff.clone();
        let ctx = app.ctx(&staff).await;
        let bad = [17, 2500, 4001];
        let file = sjis(&extract(5000, &bad));

        // Bad rows: every one reported with its line; nothing imported.
        let r = import_roster(&app.app, &ctx, "roster.csv", &file, &options(false, false))
            .await
            .unwrap();
        assert_eq!(r.encoding, "Shift_JIS");
        assert!(!r.applied);
        assert_eq!(
            r.errors.iter().map(|e| e.line as usize).collect::<Vec<_>>(),
            bad.to_vec()
        );
        assert!(
            r.errors
                .iter()
                .all(|e| e.column.as_deref() == Some("生年月日"))
        );
        assert_eq!(r.ignored_columns, vec!["備考"]);
        assert_eq!(count(&app).await, 0);

        // A dry run says what would happen and changes nothing.
        let r = import_roster(&app.app, &ctx, "roster.csv", &file, &options(true, true))
            .await
            .unwrap();
        assert_eq!(r.outcome.as_ref().unwrap().created.len(), 4997);
        assert_eq!(count(&app).await, 0);

        // The user chooses to import the good rows.
        let r = import_roster(&app.app, &ctx, "roster.csv", &file, &options(false, true))
            .await
            .unwrap();
        assert!(r.applied);
        assert_eq!(r.outcome.as_ref().unwrap().created.len(), 4997);
        assert_eq!(count(&app).await, 4997);

        // Re-importing the same file updates nothing and duplicates nobody.
        let r = import_roster(&app.app, &ctx, "roster.csv", &file, &options(false, true))
            .await
            .unwrap();
        let o = r.outcome.unwrap();
        assert_eq!(
            (o.created.len(), o.updated.len(), o.unchanged),
            (0, 0, 4997)
        );
        assert_eq!(count(&app).await, 4997);
    }
);

db_test!(
    reimport_updates_changed_rows_and_flags_lookalikes,
    |store: Store| async move {
        let app = app(store.clone()).await;
        let staff = app.f.town_staff.clone();
        let ctx = app.ctx(&staff).await;
        let first = extract(20, &[]);
        import_roster(
            &app.app,
            &ctx,
            "a.csv",
            first.as_bytes(),
            &options(false, false),
        )
        .await
        .unwrap();
        // Row 5 moves house; a new row repeats row 3's person under another 宛名番号.
        let mut lines: Vec<String> = first.lines().map(str::to_owned).collect();
        lines[5] = lines[5].replace("本町一丁目", "港町二丁目");
        let twin = lines[3].replacen("01000002", "09999999", 1);
        lines.push(twin);
        let second = lines.join("\r\n");
        let r = import_roster(
            &app.app,
            &ctx,
            "b.csv",
            second.as_bytes(),
            &options(false, false),
        )
        .await
        .unwrap();
        let o = r.outcome.unwrap();
        assert_eq!(o.updated, vec![6]);
        assert_eq!(o.created, vec![22]);
        assert_eq!(o.possible_duplicates.len(), 1);
        assert_eq!(o.possible_duplicates[0].line, 22);
        assert_eq!(count(&app).await, 21, "flagged, not merged");
        // An NPO user cannot import at all.
        let npo = app.f.npo_staff.clone();
        let npo_ctx = app.ctx(&npo).await;
        let r = import_roster(
            &app.app,
            &npo_ctx,
            "c.csv",
            first.as_bytes(),
            &options(false, false),
        )
        .await;
        assert!(r.is_err());
    }
);

fn multipart(file: &[u8], fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "----tsunagi-test-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"meibo.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes());
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

db_test!(
    the_upload_screen_reports_bad_rows_then_imports,
    |store: Store| async move {
        let app = app(store).await;
        let mut c = crate::common::Client::new(&app);
        c.login("town-staff", crate::common::PASSWORD).await;
        assert_eq!(
            c.get("/roster/import").await.status,
            axum::http::StatusCode::OK
        );
        let file = sjis(&extract(30, &[7]));
        let post = |fields: Vec<(&'static str, &'static str)>, csrf: String| {
            let (ct, body) = multipart(&file, &fields);
            axum::http::Request::post(format!("/roster/import?csrf_token={csrf}"))
                .header("content-type", ct)
                .body(axum::body::Body::from(body))
                .unwrap()
        };
        // Without the token: refused.
        let r = c.send(post(vec![], "forged".into())).await;
        assert_eq!(r.status, axum::http::StatusCode::BAD_REQUEST);
        assert!(!r.body.contains("結果"));
        let r = c.send(post(vec![], c.csrf.clone())).await;
        assert_eq!(r.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("何も取り込んでいません")
                && r.body.contains("<td>7</td><td>生年月日</td>"),
            "{}",
            r.body
        );
        let r = c
            .send(post(
                vec![("only_valid", "1"), ("dry_run", "1")],
                c.csrf.clone(),
            ))
            .await;
        assert!(r.body.contains("確認のみ") && r.body.contains("新規登録: 29 人"));
        assert!(c.get("/persons").await.body.contains("0 件"));
        let r = c
            .send(post(vec![("only_valid", "1")], c.csrf.clone()))
            .await;
        assert!(
            r.body.contains("取り込みました") && r.body.contains("新規登録: 29 人"),
            "{}",
            r.body
        );
        let list = c
            .get("/persons?q=%EF%BE%94%EF%BE%8F%EF%BE%80%EF%BE%9E")
            .await; // ﾔﾏﾀﾞ
        let id_start = list.body.find("/persons/0").unwrap() + "/persons/".len();
        let id = &list.body[id_start..id_start + 36];
        let detail = c.get(&format!("/persons/{id}")).await;
        assert!(
            detail.body.contains("避難支援等を必要とする事由") && detail.body.contains("要介護"),
            "{}",
            detail.body
        );
        // Next month's full extract holds only the first 10 (line 7 now well-formed, so new): a
        // dry run lists the 20 others on the roster for confirmation and removes nobody.
        let first_ten = sjis(&extract(10, &[]));
        let (ct, body) = multipart(&first_ten, &[("dry_run", "1"), ("full_extract", "1")]);
        let r = c
            .send(
                axum::http::Request::post(format!("/roster/import?csrf_token={}", c.csrf))
                    .header("content-type", ct)
                    .body(axum::body::Body::from(body))
                    .unwrap(),
            )
            .await;
        assert!(
            r.body.contains("ファイルにない名簿登載者（20 人")
                && r.body.contains("id=\"import-absent\""),
            "{}",
            r.body
        );
        // Other organisations cannot reach the screen.
        let mut npo = crate::common::Client::new(&app);
        npo.login("npo-staff", crate::common::PASSWORD).await;
        assert_eq!(
            npo.get("/roster/import").await.status,
            axum::http::StatusCode::FORBIDDEN
        );
    }
);
