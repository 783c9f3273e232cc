//! Shelters edited on screen survive the next import of the published list: the edit is kept
//! (and said so), an edited row the new list lacks is kept and reported, and an import told to
//! overwrite edits replaces them. Free-text capacities typed on screen are kept as written, and
//! a shelter can be deleted (version-checked). On both databases.

use crate::common::{Client, PASSWORD, app, gis_sample, gis_upload};
use axum::http::StatusCode;
use tsunagi_store::{Store, db_test};

const LIST: &str = "shelters-emergency-da.csv";

/// The list without the row named `name` (same encoding: UTF-8 with BOM).
fn list_without(name: &str) -> Vec<u8> {
    let text = String::from_utf8(gis_sample(LIST)).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.contains(name)).collect();
    assert_eq!(kept.len() + 1, text.lines().count(), "{name} is one row");
    (kept.join("\r\n") + "\r\n").into_bytes()
}

/// The edit form of the shelter named `name` on /gis/shelters: (id, version, its row's text).
async fn shelter_form(c: &mut Client, name: &str) -> (String, String, String) {
    let page = c.get("/gis/shelters").await.body;
    let attr = |chunk: &str, field: &str| {
        let key = format!("name=\"{field}\" value=\"");
        let start = chunk.find(&key).unwrap() + key.len();
        chunk[start..start + chunk[start..].find('"').unwrap()].to_owned()
    };
    let rows: Vec<&str> = page.split("<tr><td>").skip(1).collect();
    let row = rows
        .iter()
        .find(|r| r.starts_with(&format!("{name}</td>")))
        .unwrap_or_else(|| panic!("no row for {name}: {page}"));
    let form = page
        .split("class=\"shelter-form\"")
        .find(|f| f.contains(&format!("name=\"name\" value=\"{name}\"")))
        .unwrap_or_else(|| panic!("no form for {name}"));
    (attr(form, "id"), attr(form, "version"), (*row).to_owned())
}

async fn edit(c: &mut Client, name: &str, capacity: &str) -> StatusCode {
    let (id, version, _) = shelter_form(c, name).await;
    c.post(
        "/gis/shelters",
        &[
            ("id", &id),
            ("version", &version),
            ("name", name),
            ("address", "高知県潮見市旭町15番15号"),
            ("lat", "33.444278"),
            ("lon", "133.386555"),
            ("capacity", capacity),
            ("flood", "1"),
            ("tsunami", "1"),
        ],
    )
    .await
    .status
}

db_test!(
    screen_edits_to_an_imported_list_survive_its_next_import,
    |store: Store| async move {
        let app = app(store.clone()).await;
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        assert_eq!(c.get("/gis").await.status, StatusCode::OK);
        let import = async |c: &mut Client, file: &[u8], overwrite: bool| {
            let mut fields = vec![("kind", "shelters")];
            if overwrite {
                fields.push(("overwrite_edits", "on"));
            }
            let r = c.send(gis_upload(c, LIST, file, &fields)).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            r.body
        };
        import(&mut c, &gis_sample(LIST), false).await;
        let school = "潮見市立潮見小学校";
        let (_, _, row) = shelter_form(&mut c, school).await;
        assert!(
            row.contains("650 人") && row.contains("一覧から取込</td>"),
            "{row}"
        );

        // Edited on screen, with a capacity in words: kept as written, marked as edited.
        assert_eq!(
            edit(&mut c, school, "約700（体育館のみ）").await,
            StatusCode::SEE_OTHER
        );
        let (_, version, row) = shelter_form(&mut c, school).await;
        assert!(row.contains("約700（体育館のみ）"), "{row}");
        assert!(
            row.contains("編集済み") && row.contains("town-staff"),
            "{row}"
        );
        assert_eq!(version, "2");

        // The same list again: the edit stays and the report says so.
        let body = import(&mut c, &gis_sample(LIST), false).await;
        assert!(
            body.contains("編集内容のまま残しました: 潮見市立潮見小学校"),
            "{body}"
        );
        assert!(body.contains("第 2 版"), "{body}");
        let (_, _, row) = shelter_form(&mut c, school).await;
        assert!(
            row.contains("約700（体育館のみ）") && row.contains("編集済み"),
            "{row}"
        );
        // Rows not edited were replaced, not duplicated.
        let page = c.get("/gis/shelters").await.body;
        assert_eq!(page.matches("<tr><td>潮見市立潮見中学校</td>").count(), 1);
        assert_eq!(page.matches(&format!("<tr><td>{school}</td>")).count(), 1);

        // A release without the school: the edited row is kept and reported.
        let body = import(&mut c, &list_without(school), false).await;
        assert!(
            body.contains("新しい一覧にありませんが、編集内容のまま残しています")
                && body.contains(school),
            "{body}"
        );
        let (_, _, row) = shelter_form(&mut c, school).await;
        assert!(row.contains("約700（体育館のみ）"), "{row}");

        // Told to overwrite edits: the list's values win again.
        let body = import(&mut c, &gis_sample(LIST), true).await;
        assert!(
            body.contains("一覧の値で上書きしました: 潮見市立潮見小学校"),
            "{body}"
        );
        let (id, version, row) = shelter_form(&mut c, school).await;
        assert!(row.contains("650 人") && !row.contains("編集済み"), "{row}");
        let page = c.get("/gis/shelters").await.body;
        assert_eq!(page.matches(&format!("<tr><td>{school}</td>")).count(), 1);

        // Deleting: a stale version is refused, the current one deletes.
        let r = c
            .post(&format!("/gis/shelters/{id}/remove"), &[("version", "99")])
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let r = c
            .post(
                &format!("/gis/shelters/{id}/remove"),
                &[("version", &version)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = c.get("/gis/shelters").await.body;
        assert!(!page.contains(&format!("<tr><td>{school}</td>")), "{page}");

        // Another municipality cannot delete (or learn of) this town's shelters.
        let (other_id, other_version, _) = shelter_form(&mut c, "潮見市立潮見中学校").await;
        let mut other = Client::new(&app);
        other.login("other-staff", PASSWORD).await;
        other.get("/gis/shelters").await;
        let r = other
            .post(
                &format!("/gis/shelters/{other_id}/remove"),
                &[("version", &other_version)],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    }
);
