//! Renders real documents and reads them back with poppler (`pdftotext`, `pdffonts`), as a
//! person opening the PDF would: the text must be there, in Japanese, with the font embedded.

#![allow(clippy::expect_used, clippy::unwrap_used)]
use std::io::Write;
use std::process::Command;

use chrono::NaiveDate;
use tsunagi_documents::{FormPackLetter, PersonHeader, PlanSheet, form_pack_pdf, plan_pdf};
use tsunagi_domain::plan::{
    Destination, EmergencyContact, EvacuationPlan, Needs, PlanHazard, Supporter,
};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

fn person() -> PersonHeader {
    PersonHeader {
        name: "潮見 花子".into(),
        kana: "シオミ ハナコ".into(),
        birth_date: "昭和15年4月1日（1940年）".into(),
        address: "潮見市本町3丁目9番地".into(),
        phone: "0889-22-1234".into(),
        area: "本町自治会".into(),
    }
}

/// Writes the PDF to a file and runs a poppler tool over it.
fn poppler(tool: &str, pdf: &[u8], name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("tsunagi-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(pdf))
        .expect("write pdf");
    let mut cmd = Command::new(tool);
    if tool == "pdftotext" {
        cmd.args(["-layout", path.to_str().expect("path"), "-"]);
    } else {
        cmd.arg(path.to_str().expect("path"));
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) must be installed: {e}"));
    assert!(out.status.success(), "{tool} failed: {out:?}");
    String::from_utf8(out.stdout).expect("utf-8")
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn plan() -> EvacuationPlan {
    EvacuationPlan {
        supporters: vec![Supporter {
            name: "山本 一郎".into(),
            address: "潮見市本町3丁目10番地".into(),
            phone: "0889-22-5678".into(),
            relationship: "近所の方".into(),
            consented_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
            consent_method: "書面".into(),
        }],
        destinations: vec![Destination {
            hazard: PlanHazard::Flood,
            place: "潮見市立本町小学校".into(),
            route: "県道を北へ、郵便局の角を左".into(),
        }],
        timing: "警戒レベル3 高齢者等避難が出たら".into(),
        transport: "車いす（山本さんが押す）".into(),
        needs: Needs {
            medical_devices: "在宅酸素（予備ボンベ2本）".into(),
            ..Needs::default()
        },
        emergency_contacts: vec![EmergencyContact {
            name: "潮見 太郎".into(),
            relationship: "長男".into(),
            phone: "090-0000-1111".into(),
        }],
        // Typst markup characters must print as typed, never be interpreted.
        notes_for_supporters: "玄関の鍵は #ポスト の中 *重要* $x$ [注] // 終わり".into(),
        agreed_at: "令和8年11月1日 自宅訪問".into(),
        no_supporter_arrangement: String::new(),
    }
}

#[test]
fn plan_pdf_prints_the_person_hazards_destinations_in_japanese_with_the_font_embedded() {
    let sheet = PlanSheet::new(
        "潮見市",
        person(),
        &plan(),
        &[PlanHazard::Flood, PlanHazard::Landslide],
    )
    .with_version(3, "潮見市 危機管理課 佐藤", "令和8年11月2日")
    .with_status(
        "高",
        "ア（本人・家族）",
        "同意あり（令和8年10月1日）",
        vec!["要介護3".into()],
    );
    let pdf = plan_pdf(&sheet, today()).expect("plan pdf");
    assert!(pdf.starts_with(b"%PDF-"));

    let text = squash(&poppler("pdftotext", &pdf, "plan.pdf"));
    for expected in [
        "個別避難計画書",
        "潮見花子",
        "潮見市本町3丁目9番地",
        "洪水・内水氾濫・土砂災害",
        "山本一郎",
        "潮見市立本町小学校",
        "県道を北へ、郵便局の角を左",
        "警戒レベル3高齢者等避難が出たら",
        "在宅酸素（予備ボンベ2本）",
        "090-0000-1111",
        "玄関の鍵は#ポストの中*重要*$x$[注]//終わり",
        "第3版",
        "令和8年11月23日",
        "要介護3",
        // The supporter's agreement to the plan's provision (49-15(2)).
        "提供への同意",
        "令和8年11月20日（書面）",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // The home is in a landslide zone but the plan has no landslide destination: listed.
    assert!(text.contains("未記入の必須項目"), "{text}");
    assert!(text.contains("土砂災害の避難場所と避難経路"), "{text}");

    let fonts = poppler("pdffonts", &pdf, "plan-fonts.pdf");
    let ipa = fonts
        .lines()
        .find(|l| l.contains("IPAexGothic"))
        .unwrap_or_else(|| panic!("font not in PDF:\n{fonts}"));
    // pdffonts columns: name type encoding emb sub uni …; "yes yes yes" = embedded, subset,
    // with a Unicode map (so text can be copied and searched).
    assert!(ipa.contains("yes yes yes"), "{ipa}");
}

#[test]
fn complete_plan_lists_no_missing_items() {
    let sheet = PlanSheet::new("潮見市", person(), &plan(), &[PlanHazard::Flood]);
    let text = squash(&poppler(
        "pdftotext",
        &plan_pdf(&sheet, today()).expect("pdf"),
        "complete.pdf",
    ));
    assert!(!text.contains("未記入の必須項目"), "{text}");
}

#[test]
fn merged_form_pack_has_three_pages_per_person_in_order() {
    let mut second = person();
    second.name = "浜田 次郎".into();
    second.address = "潮見市港町1-2-3".into();
    let letters = vec![
        FormPackLetter {
            person: person(),
            home_hazards: vec!["津波".into()],
        },
        FormPackLetter {
            person: second,
            home_hazards: vec![],
        },
    ];
    let receivers = vec!["消防本部".to_owned(), "本町自治会".to_owned()];
    let pdf = form_pack_pdf(
        "潮見市",
        "潮見市 危機管理課",
        &receivers,
        &letters,
        NaiveDate::from_ymd_opt(2026, 12, 25).expect("date"),
        today(),
    )
    .expect("pack");
    let text = poppler("pdftotext", &pdf, "pack.pdf");
    let pages: Vec<String> = text.split('\u{c}').map(squash).collect();
    // pdftotext ends the last page with a form feed too.
    let pages: Vec<&String> = pages.iter().filter(|p| !p.is_empty()).collect();
    assert_eq!(pages.len(), 6, "{text}");
    assert!(pages[0].contains("潮見花子様"), "{}", pages[0]);
    assert!(pages[0].contains("令和8年12月25日"), "{}", pages[0]);
    assert!(pages[0].contains("津波"), "{}", pages[0]);
    assert!(pages[1].contains("同意書") && pages[1].contains("本町自治会"));
    assert!(pages[1].contains("潮見市本町3丁目9番地"));
    assert!(pages[2].contains("個別避難計画記入用紙") && pages[2].contains("津波"));
    assert!(pages[3].contains("浜田次郎様"), "{}", pages[3]);
    assert!(pages[3].contains("該当していません"), "{}", pages[3]);
    // Page numbers restart for each person: 1/3 … 3/3, twice.
    for (i, page) in pages.iter().enumerate() {
        let want = format!("{}/3", i % 3 + 1);
        assert!(page.contains(&want), "page {i} lacks {want}: {page}");
    }
}

#[test]
fn certificates_print_one_page_each_with_the_level_ticked() {
    use tsunagi_documents::{CertificateSheet, certificates_pdf};
    let levels = [
        ("total", "全壊"),
        ("large_half", "大規模半壊"),
        ("medium_half", "中規模半壊"),
        ("half", "半壊"),
        ("near_half", "準半壊"),
        ("partial", "準半壊に至らない（一部損壊）"),
    ];
    let first = CertificateSheet {
        number: "第2026-000001号".into(),
        head_name: "潮見 太郎".into(),
        head_address: "潮見市本町3丁目9番地".into(),
        location: "潮見市本町3丁目9番地".into(),
        cause: "令和8年12月 潮見川の洪水 #[x]".into(),
        disaster_day: "令和8年12月4日".into(),
        level: "medium_half".into(),
        survey: "第1次調査（外観） 令和8年12月5日 損害割合 35.0%".into(),
        issued_on: "令和8年12月6日".into(),
        reissue_note: String::new(),
    };
    let second = CertificateSheet {
        number: "第2026-000002号".into(),
        level: "large_half".into(),
        reissue_note: "再調査の結果により交付（前回 第2026-000001号 中規模半壊）".into(),
        ..first.clone()
    };
    let pdf = certificates_pdf(
        "潮見市",
        "潮見市長 潮見 一郎",
        &levels,
        &[first, second],
        today(),
    )
    .expect("certificates");
    let text = poppler("pdftotext", &pdf, "certificates.pdf");
    let pages: Vec<String> = text.split('\u{c}').map(squash).collect();
    let pages: Vec<&String> = pages.iter().filter(|p| !p.is_empty()).collect();
    assert_eq!(pages.len(), 2, "{text}");
    assert!(pages[0].contains("罹災証明書"), "{}", pages[0]);
    assert!(pages[0].contains("第2026-000001号"), "{}", pages[0]);
    assert!(
        pages[0].contains("潮見川の洪水#[x]"),
        "markup stays text: {}",
        pages[0]
    );
    assert!(pages[0].contains("✓中規模半壊"), "{}", pages[0]);
    assert!(!pages[0].contains("✓大規模半壊"), "{}", pages[0]);
    assert!(pages[1].contains("✓大規模半壊"), "{}", pages[1]);
    assert!(
        pages[1].contains("前回第2026-000001号中規模半壊"),
        "{}",
        pages[1]
    );
    assert!(
        pages[1].contains("相違ないことを証明します"),
        "{}",
        pages[1]
    );
}

#[test]
fn the_household_letter_is_plain_large_print_with_deadlines_and_questions() {
    use tsunagi_documents::{Letter, LetterProgramme, letter_pdf};
    let letter = Letter {
        municipality: "潮見市".into(),
        head: "山田　ハル".into(),
        household_no: "H1".into(),
        date: "令和8年12月5日".into(),
        intro: "潮見川の洪水で被災されたあなたの世帯が受けられる支援制度をお知らせします。".into(),
        programmes: vec![
            LetterProgramme {
                name: "被災者生活再建支援金（基礎支援金）".into(),
                status: "対象です".into(),
                summary: "住まいが全壊した世帯に支援金が支給されます。".into(),
                amount_label: "支給額の目安".into(),
                amount: "1,000,000円".into(),
                documents: vec!["罹災証明書".into(), "預金通帳の写し".into()],
                where_to_apply: "市役所 被災者支援の窓口".into(),
                deadline: "令和10年1月5日".into(),
                ..LetterProgramme::default()
            },
            LetterProgramme {
                name: "緊急小口資金（生活福祉資金）".into(),
                status: "対象の可能性があります".into(),
                confirm_with: "社会福祉協議会".into(),
                summary: "当面の生活費を無利子で貸し付けます。".into(),
                amount_label: "貸付の限度額".into(),
                amount: "100,000円".into(),
                where_to_apply: "社会福祉協議会".into(),
                ..LetterProgramme::default()
            },
        ],
        unknowns: vec!["住まいをどう再建するか（建設・購入／補修／賃借／公営住宅）".into()],
        contact: "潮見市 被災者支援の窓口".into(),
    };
    let pdf = letter_pdf(&letter, today()).expect("render");
    let text = squash(&poppler("pdftotext", &pdf, "letter.pdf"));
    for needle in [
        "受けられる支援制度のご案内",
        "山田ハル様（世帯番号H1）",
        "被災者生活再建支援金（基礎支援金）",
        "支給額の目安：1,000,000円",
        "申請の期限：令和10年1月5日",
        "持ち物：罹災証明書、預金通帳の写し",
        "社会福祉協議会に確認してください",
        "まだわからないこと",
        "住まいをどう再建するか",
    ] {
        assert!(text.contains(needle), "{needle} not in {text}");
    }
    let fonts = poppler("pdffonts", &pdf, "letter-fonts.pdf");
    assert!(fonts.contains("IPAexGothic"), "{fonts}");
}

#[test]
fn case_meeting_minutes_carry_each_case_policy_and_tasks_marked_as_personal_data() {
    use tsunagi_documents::{MinutesCase, MinutesSheet, MinutesTask, minutes_pdf};
    let case = |no: &str, policy: &str, tasks: Vec<MinutesTask>| MinutesCase {
        household_no: no.into(),
        members: "潮見 花子（86歳）".into(),
        damage: "半壊".into(),
        household_type: "住まいの再建支援世帯".into(),
        situation: "屋根の補修が済んでいない".into(),
        policy: policy.into(),
        next_review: "令和8年12月24日".into(),
        tasks,
    };
    let sheet = MinutesSheet {
        municipality: "潮見市".into(),
        title: "第1回ケース会議".into(),
        when: "令和8年12月10日 13:30".into(),
        place: "市役所302会議室".into(),
        basis: "本人の同意".into(),
        participants: vec![
            "潮見市社会福祉協議会（山田）".into(),
            "高知弁護士ネットワーク（佐藤）".into(),
        ],
        cases: (0..14)
            .map(|i| {
                case(
                    &format!("H{i:04}"),
                    &format!("方針{i}：応急修理の申請に同行する"),
                    vec![MinutesTask {
                        what: format!("作業{i}：申請書類の準備"),
                        who: "潮見市社会福祉協議会".into(),
                        due: "令和8年12月20日".into(),
                    }],
                )
            })
            .collect(),
        notes: "次回は1月に開催".into(),
        recorded_by: "town-staff".into(),
    };
    let pdf = minutes_pdf(&sheet, today()).expect("render");
    let text = squash(&poppler("pdftotext", &pdf, "minutes.pdf"));
    for want in [
        "ケース会議議事録",
        "取扱注意（個人情報を含む）",
        "第1回ケース会議",
        "高知弁護士ネットワーク（佐藤）",
        "本人の同意",
        "方針0：応急修理の申請に同行する",
        "方針13：応急修理の申請に同行する",
        "作業13：申請書類の準備",
        "次回は1月に開催",
    ] {
        assert!(text.contains(want), "{want} missing from the minutes");
    }
    // Fourteen households (Tottori's afternoon) run over several pages, numbered.
    assert!(text.contains("1/"), "page numbers");
}

#[test]
fn the_information_sharing_report_prints_counts_with_small_cells_suppressed() {
    use tsunagi_documents::{ReportLine, ReportSheet, ReportTable, report_pdf};
    let line = |l: &str, c: &str| ReportLine {
        label: l.into(),
        cells: vec![c.into()],
    };
    let sheet = ReportSheet {
        municipality: "潮見市".into(),
        title: "情報連携会議 資料".into(),
        date: "令和8年12月5日".into(),
        since: "令和8年11月21日以降".into(),
        totals: vec![line("対象世帯", "120"), line("未面会の世帯", "5未満")],
        tables: vec![ReportTable {
            title: "紹介（つなぎ）の待ち日数".into(),
            columns: vec!["件数".into()],
            lines: vec![line("7日未満", "12"), line("30日以上", "5未満")],
        }],
    };
    let pdf = report_pdf(&sheet, today()).expect("render");
    let text = squash(&poppler("pdftotext", &pdf, "report.pdf"));
    for want in [
        "情報連携会議資料",
        "対象世帯120",
        "未面会の世帯5未満",
        "30日以上5未満",
        "令和8年11月21日以降",
    ] {
        assert!(text.contains(want), "{want} missing: {text}");
    }
}

#[test]
fn a_checkers_paper_list_has_a_numbered_row_with_boxes_per_person_and_says_it_expires() {
    use tsunagi_documents::{SweepSheet, SweepSheetRow, sweep_sheet_pdf};
    let sheet = SweepSheet {
        municipality: "潮見市".into(),
        declaration: "潮見川の洪水".into(),
        number: "No.3".into(),
        checker: "本町自治会".into(),
        issued: "令和8年12月5日 14:00（town-staff）".into(),
        statuses: ["無事（在宅）", "避難済み", "要支援", "不在・連絡つかず"]
            .map(String::from)
            .to_vec(),
        methods: ["訪問", "電話"].map(String::from).to_vec(),
        rows: (1..=40)
            .map(|i| SweepSheetRow {
                row: i,
                name: format!("住民{i:02}"),
                kana: "ジュウミン".into(),
                address: format!("潮見市本町{i}番地"),
                age: "86歳".into(),
                priority: "高".into(),
                first_call: if i == 2 {
                    "★まず支援者（計画の避難支援等実施者）に確認".into()
                } else {
                    String::new()
                },
            })
            .collect(),
    };
    let pdf = sweep_sheet_pdf(&sheet, today()).expect("render");
    let text = squash(&poppler("pdftotext", &pdf, "sweep.pdf"));
    for want in [
        "安否確認名簿No.3",
        "取扱注意（個人情報を含む）",
        "本町自治会",
        "潮見川の洪水",
        "住民01",
        "住民40",
        "潮見市本町40番地",
        "□無事（在宅）",
        "□不在・連絡つかず",
        "□電話",
        // (the marker wraps in its cell; its start is on one line)
        "★まず支援者",
        "この名簿は「潮見川の洪水」の終了とともに無効です",
    ] {
        assert!(
            text.contains(want),
            "{want} missing from the paper list:\n{text}"
        );
    }
    // Forty people run over pages, numbered.
    assert!(text.contains("1/"), "page numbers");
}

#[test]
fn a_plan_without_a_supporter_prints_what_was_arranged_instead() {
    let mut p = plan();
    p.supporters.clear();
    p.no_supporter_arrangement = "訪問介護事業所が警戒レベル3で訪問".into();
    let sheet = PlanSheet::new("潮見市", person(), &p, &[PlanHazard::Flood]);
    let pdf = plan_pdf(&sheet, today()).expect("plan pdf");
    let text = squash(&poppler("pdftotext", &pdf, "plan-arranged.pdf"));
    assert!(
        text.contains("見つからないため、代わりの手配:訪問介護事業所が警戒レベル3で訪問"),
        "{text}"
    );
    assert!(!text.contains("未記入の必須項目"), "{text}");
}
