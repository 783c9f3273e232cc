//! Receivers by district through the screens: the municipality names the 自治会's districts,
//! the 自治会's member sees exactly the consented people, its list downloads as Excel and
//! Shift_JIS CSV (with characters Shift_JIS cannot hold reported), plans print as PDF, and a
//! withdrawal removes the person from the view and the list at once. On both databases.

use crate::common::{Client, PASSWORD, app};
use axum::http::StatusCode;
use std::collections::HashMap;
use std::io::Read;
use tsunagi_store::{Store, db_test};

// Two in 本町自治会 (one written 「本町 自治会」), one in 浜町; 𠮷 has no Shift_JIS code.
const ROSTER: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,電話番号,独居,洪水,自治会,民生委員地区\n\
2001,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市本町1-1,0889-22-0001,1,1,本町自治会,第1地区\n\
2002,𠮷田　茂,ヨシダ シゲル,S10.1.1,1,潮見市本町1-2,,1,1,本町 自治会,第1地区\n\
2003,岡林　千代,オカバヤシ チヨ,S8.1.1,2,潮見市浜町3,,1,,浜町自治会,第2地区\n";

async fn load(app: &crate::common::TestApp) -> HashMap<String, String> {
    crate::common::load_roster(app, ROSTER).await;
    // resident number → person id, from the staff's search.
    let t = crate::common::token_for(app, "town-staff").await;
    let page = crate::common::api(
        app,
        axum::http::Method::GET,
        "/api/v1/persons?per_page=50",
        Some(&t),
        None,
    )
    .await
    .json();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let name = p["name"].as_str().unwrap().to_owned();
            (name, p["id"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn consent_form(status: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("status", status),
        ("scope", "community_association"),
        ("obtained_on", "令和8年11月1日"),
        ("method", "written"),
    ]
}

fn xlsx_text(bytes: &[u8]) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("xlsx is a zip");
    let mut s = String::new();
    z.by_name("xl/sharedStrings.xml")
        .expect("shared strings")
        .read_to_string(&mut s)
        .expect("read");
    s
}

db_test!(
    a_community_receiver_sees_and_lists_exactly_its_consented_people,
    |store: Store| async move {
        let app = app(store.clone()).await;
        let ids = load(&app).await;
        let yamada = &ids["山田　ハル"];
        let yoshida = &ids["𠮷田　茂"];
        let okabayashi = &ids["岡林　千代"];
        let community = app.f.community.id.to_string();

        let mut staff = Client::new(&app);
        staff.login("town-staff", PASSWORD).await;
        let page = staff.get("/receivers").await;
        assert!(page.body.contains("本町自治会"), "{}", page.body);
        // Roster entries only, for the 本町自治会 district.
        let r = staff
            .post(
                &format!("/receivers/{community}"),
                &[
                    ("district_field", "community"),
                    ("districts", "本町自治会"),
                    ("version", "0"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = staff.get(&r.location()).await;
        assert!(r.body.contains("2 人追加"), "{}", r.body);
        // Consent: 山田 and 岡林 (another district) give it; 𠮷田 has not been asked.
        for id in [yamada, okabayashi] {
            staff.get(&format!("/persons/{id}")).await;
            let r = staff
                .post(&format!("/persons/{id}/consent"), &consent_form("given"))
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }

        // The owner sees why the 自治会 has the record and what it can open; a district share
        // is not removed by hand (it follows the definition).
        let d = staff.get(&format!("/persons/{yamada}")).await;
        assert!(
            d.body.contains("提供先の地区") && d.body.contains("名簿のみ（同意あり）"),
            "{}",
            d.body
        );
        assert!(!d.body.contains(&format!("/shares/{community}/remove")));
        let mut leader = Client::new(&app);
        leader.login("community-leader", PASSWORD).await;
        let list = leader.get("/persons").await;
        assert!(list.body.contains("山田　ハル"), "{}", list.body);
        assert!(
            !list.body.contains("𠮷田") && !list.body.contains("岡林"),
            "{}",
            list.body
        );
        // Records outside the view are 404, like records that do not exist.
        assert_eq!(
            leader.get(&format!("/persons/{yoshida}")).await.status,
            StatusCode::NOT_FOUND
        );
        // Roster only: the plan page and its PDF are not there for this receiver.
        let d = leader.get(&format!("/persons/{yamada}")).await;
        assert!(d.body.contains("名簿情報のみ"), "{}", d.body);
        assert_eq!(
            leader
                .get(&format!("/persons/{yamada}/plan.pdf"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // The receiver's own list, as Excel.
        let x = leader
            .get(&format!("/receivers/{community}/list.xlsx"))
            .await;
        assert_eq!(x.status, StatusCode::OK);
        let text = xlsx_text(&x.bytes);
        assert!(
            text.contains("山田　ハル") && text.contains("0889-22-0001"),
            "{text}"
        );
        assert!(!text.contains("𠮷田") && !text.contains("岡林"), "{text}");
        assert!(!text.contains("避難先"), "no plan columns: {text}");

        // 𠮷田 consents: now on the list, and Shift_JIS cannot hold 𠮷.
        staff.get(&format!("/persons/{yoshida}")).await;
        staff
            .post(
                &format!("/persons/{yoshida}/consent"),
                &consent_form("given"),
            )
            .await;
        let csv = staff.get(&format!("/receivers/{community}/list.csv")).await;
        assert_eq!(csv.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            csv.body.contains("𠮷") && csv.body.contains("氏名"),
            "{}",
            csv.body
        );
        let utf8 = staff
            .get(&format!("/receivers/{community}/list.csv?encoding=utf8"))
            .await;
        assert_eq!(utf8.status, StatusCode::OK);
        assert!(utf8.bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
        // The file's name says 取扱注意 (the CSV cannot carry it in-band).
        let disposition = utf8
            .headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let marked: String = form_urlencoded::byte_serialize("【取扱注意】".as_bytes()).collect();
        assert!(disposition.contains(&marked), "{disposition}");
        assert!(utf8.body.contains("𠮷田　茂"));

        // Without 𠮷田 (withdrawn), the Shift_JIS file comes out and decodes back exactly.
        staff
            .post(
                &format!("/persons/{yoshida}/consent"),
                &consent_form("withdrawn"),
            )
            .await;
        let csv = staff.get(&format!("/receivers/{community}/list.csv")).await;
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
        let (decoded, _, bad) = encoding_rs::SHIFT_JIS.decode(&csv.bytes);
        assert!(!bad);
        assert!(decoded.starts_with("自治会,民生委員地区,氏名"), "{decoded}");
        assert!(
            decoded.contains("本町自治会,第1地区,山田　ハル,ヤマダ　ハル"),
            "{decoded}"
        );
        assert_eq!(decoded.lines().count(), 2, "{decoded}");

        // Plans too: the receiver now opens and prints the plan.
        let r = staff
            .post(
                &format!("/receivers/{community}"),
                &[
                    ("district_field", "community"),
                    ("districts", "本町自治会"),
                    ("includes_plan", "1"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let pdf = leader.get(&format!("/persons/{yamada}/plan.pdf")).await;
        assert_eq!(pdf.status, StatusCode::OK);
        assert!(pdf.bytes.starts_with(b"%PDF-"));
        assert_eq!(pdf.headers.get("content-type").unwrap(), "application/pdf");
        // Plan columns come with plans given, even before anyone has written one.
        let x = leader
            .get(&format!("/receivers/{community}/list.xlsx"))
            .await;
        assert!(xlsx_text(&x.bytes).contains("避難先"));

        // Withdrawal: gone from the receiver's view and its list at once.
        let r = staff
            .post(
                &format!("/persons/{yamada}/consent"),
                &consent_form("withdrawn"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let list = leader.get("/persons").await;
        assert!(!list.body.contains("山田　ハル"), "{}", list.body);
        let x = leader
            .get(&format!("/receivers/{community}/list.xlsx"))
            .await;
        let text = xlsx_text(&x.bytes);
        assert!(!text.contains("山田"), "{text}");

        // Another organisation cannot get the list, and is told nothing.
        let mut npo = Client::new(&app);
        npo.login("npo-staff", PASSWORD).await;
        assert_eq!(
            npo.get(&format!("/receivers/{community}/list.xlsx"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
);
