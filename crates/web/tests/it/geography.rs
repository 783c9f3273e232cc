//! Hazards, shelters and homes through the screens, as a new municipal user would do it with
//! the demo town's files in the official formats (samples/gis): load the hazard maps (GeoJSON
//! and a zipped CP932 Shapefile), the 位置参照情報 address tables and the shelter list; locate
//! and classify the homes; open a person in a flood zone and see the depth rank and the nearest
//! flood-suitable shelter; see the tsunami-difficult list. Bad files are refused whole. On both
//! databases.

use crate::common::{Client, PASSWORD, app, gis_sample as sample, gis_upload as upload};
use axum::http::StatusCode;
use std::collections::HashMap;
use tsunagi_store::{Store, db_test};

// 本町一丁目5番: flood rank 3 at maximum scale; 汐入1番: tsunami 2–5 m, 677 m from the nearest
// tsunami place; 旭町: no zone, but 土砂災害 entered by hand (the manual value wins);
// 大字上ノ村: no 街区 rows (located at 町丁目 level); the last address matches nothing.
const ROSTER: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,独居,土砂災害,歩行\n\
3001,本町　一子,ホンマチ イチコ,S5.1.1,2,潮見市本町一丁目5番3号,1,,\n\
3002,汐入　浜子,シオイリ ハマコ,S6.1.1,2,潮見市汐入1番2号,1,,\n\
3006,汐入　歩美,シオイリ アユミ,S40.1.1,2,潮見市汐入1番3号,1,,自力\n\
3003,旭　手入,アサヒ テイレ,S7.1.1,1,潮見市旭町3番1号,1,1,\n\
3004,上野　村男,ウエノ ムラオ,S8.1.1,1,潮見市大字上ノ村123番地,1,,\n\
3005,不明　住所,フメイ ジュウショ,S9.1.1,1,潮見市存在しない町1番,1,,\n";

async fn ids(app: &crate::common::TestApp) -> HashMap<String, String> {
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
            (
                p["name"].as_str().unwrap_or_default().to_owned(),
                p["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

db_test!(
    a_new_user_loads_the_official_files_and_sees_hazards_shelters_and_tsunami_reach,
    |store: Store| async move {
        let app = app(store.clone()).await;
        crate::common::load_roster(&app, ROSTER).await;
        let ids = ids(&app).await;
        let mut c = Client::new(&app);
        c.login("town-staff", PASSWORD).await;
        assert_eq!(c.get("/gis").await.status, StatusCode::OK);

        // A bad file is refused whole, every bad feature named.
        let r = c
            .send(upload(
                &c,
                "A31-self-intersecting.geojson",
                &sample("bad/A31-self-intersecting.geojson"),
                &[("kind", "hazard"), ("mapping", "A31-max")],
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains("何も取り込んでいません") && r.body.contains("地物 2"),
            "{}",
            r.body
        );
        let r = c
            .send(upload(
                &c,
                "gaiku-bad.csv",
                &sample("bad/gaiku-bad.csv"),
                &[("kind", "addresses")],
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("4 行目") && r.body.contains("6 行目"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("<td>位置参照情報（街区）</td>"));

        for (file, fields) in [
            (
                "A31-shiomi.geojson",
                vec![("kind", "hazard"), ("mapping", "A31-max")],
            ),
            (
                "A33-shiomi-shp.zip",
                vec![("kind", "hazard"), ("mapping", "A33")],
            ),
            (
                "A40-shiomi.geojson",
                vec![("kind", "hazard"), ("mapping", "A40")],
            ),
            ("39_2024_gaiku.csv", vec![("kind", "addresses")]),
            ("39_2024_oaza.csv", vec![("kind", "addresses")]),
            ("shelters-emergency-da.csv", vec![("kind", "shelters")]),
        ] {
            let r = c.send(upload(&c, file, &sample(file), &fields)).await;
            assert_eq!(r.status, StatusCode::OK, "{file}: {}", r.body);
            assert!(r.body.contains("取り込みました"), "{file}: {}", r.body);
        }
        // Re-importing replaces the layer: version 2, the same zones.
        let r = c
            .send(upload(
                &c,
                "A31-shiomi.geojson",
                &sample("A31-shiomi.geojson"),
                &[("kind", "hazard"), ("mapping", "A31-max")],
            ))
            .await;
        assert!(r.body.contains("第 2 版"), "{}", r.body);

        let r = c.post("/gis/geocode", &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(
            r.body.contains("特定できなかった方は 1 人") && r.body.contains("不明　住所"),
            "{}",
            r.body
        );
        let r = c.post("/gis/classify", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        // The person in the flood zone: depth rank 3 and the nearest flood-suitable shelter.
        let r = c.get(&format!("/persons/{}", ids["本町　一子"])).await;
        assert!(
            r.body.contains(
                "<strong>洪水</strong>: 3m以上5m未満（想定最大規模。計画規模では 0.5m以上3m未満）"
            ),
            "{}",
            r.body
        );
        assert!(r.body.contains("街区"), "{}", r.body);
        let flood_row = r
            .body
            .split("<tr>")
            .find(|row| row.contains("<td>洪水</td>"))
            .unwrap_or_default()
            .to_owned();
        assert!(flood_row.contains("潮見市立潮見中学校"), "{}", r.body);
        assert!(
            flood_row.contains("1821 m"),
            "the straight line is 1821.0 m: {flood_row}"
        );
        assert!(r.body.contains("ハザードマップによる判定"), "{}", r.body);
        // The plan offers the nearest flood-suitable shelters as destinations.
        let r = c.get(&format!("/persons/{}/plan", ids["本町　一子"])).await;
        assert!(
            r.body
                .contains("<option value=\"潮見市立潮見中学校\">直線 1821 m</option>"),
            "{}",
            r.body
        );
        // …and it fills triage point 1.
        let r = c.post("/roster/triage", &[]).await;
        assert!(r.status.is_redirection() || r.status == StatusCode::OK);
        let r = c.get(&format!("/persons/{}", ids["本町　一子"])).await;
        assert!(r.body.contains("自宅の災害危険性: 洪水"), "{}", r.body);

        // A manual value wins over the map, with its reason.
        let r = c.get(&format!("/persons/{}", ids["旭　手入"])).await;
        assert!(
            r.body.contains("名簿の取込（手入力の値）")
                && r.body.contains("自宅の災害危険性: 土砂災害"),
            "{}",
            r.body
        );
        // 大字上ノ村 has no 街区 rows: located at 町丁目 level, in the 土石流 zone.
        let r = c.get(&format!("/persons/{}", ids["上野　村男"])).await;
        assert!(
            r.body.contains("町丁目") && r.body.contains("<strong>土砂災害</strong>: 警戒区域"),
            "{}",
            r.body
        );

        // Tsunami: with 20 minutes' arrival for 汐入, 677 m at 0.5 m/s is 22.6 minutes: too late.
        let r = c.get("/roster/tsunami").await;
        assert!(r.body.contains("判定できない方"), "{}", r.body);
        let r = c
            .post(
                "/gis/settings",
                &[
                    ("version", "0"),
                    ("speed_independent", "1.0"),
                    ("speed_slow", "0.5"),
                    ("speed_assisted", "0.3"),
                    ("decision_delay_minutes", "5"),
                    ("route_factor", "1.0"),
                    ("arrivals", "汐入,20\n港町,20"),
                    ("default_arrival_minutes", ""),
                    ("tile_url", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // A stale settings form is refused, not applied.
        let r = c
            .post(
                "/gis/settings",
                &[
                    ("version", "0"),
                    ("speed_independent", "1.0"),
                    ("speed_slow", "0.9"),
                    ("speed_assisted", "0.3"),
                    ("decision_delay_minutes", "5"),
                    ("route_factor", "1.0"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let r = c.get("/roster/tsunami").await;
        let difficult = r.body.split("id=\"reachable\"").next().unwrap_or_default();
        assert!(
            difficult.contains("汐入　浜子") && difficult.contains("避難困難"),
            "{}",
            r.body
        );
        // The same walk at the speed recorded for a person who walks on her own (1.0 m/s):
        // 11 minutes, in time.
        let reachable = r.body.split("id=\"reachable\"").nth(1).unwrap_or_default();
        assert!(
            reachable.contains("汐入　歩美") && reachable.contains("自力で歩ける"),
            "{}",
            r.body
        );
        let r = c.get("/roster").await;
        let row = r
            .body
            .split("<tr>")
            .find(|row| row.contains("汐入　浜子"))
            .unwrap_or_default()
            .to_owned();
        assert!(row.contains("避難困難"), "{}", r.body);
        let r = c.get("/roster/progress").await;
        assert!(r.body.contains("津波避難困難"), "{}", r.body);
        let r = c.get(&format!("/persons/{}", ids["汐入　浜子"])).await;
        assert!(r.body.contains("id=\"tsunami-reach\""), "{}", r.body);
        assert!(r.body.contains("避難困難"), "{}", r.body);

        // Shelters can be edited, and a stale edit is refused.
        let r = c.get("/gis/shelters").await;
        assert!(r.body.contains("潮見市立潮見中学校"), "{}", r.body);

        // A move to 旭町 (no zone) locates the home again and clears the flood from point 1.
        {
            let ctx = app.ctx(&app.f.town_staff).await;
            let id: tsunagi_domain::PersonId = ids["本町　一子"].parse().unwrap();
            let record = tsunagi_app::persons::get(&app.app, &ctx, id).await.unwrap();
            let mut d = record.details.clone();
            d.address = "潮見市旭町3番1号".into();
            tsunagi_app::persons::update(&app.app, &ctx, id, record.version, d)
                .await
                .unwrap();
        }
        let r = c.get(&format!("/persons/{}", ids["本町　一子"])).await;
        assert!(
            r.body.contains("いずれの区域にも入っていません") && r.body.contains("旭町3"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("自宅の災害危険性: 洪水"), "{}", r.body);

        // Someone from another municipality sees none of it.
        let mut other = Client::new(&app);
        other.login("other-staff", PASSWORD).await;
        assert_eq!(
            other
                .get(&format!("/persons/{}", ids["本町　一子"]))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert!(!other.get("/gis").await.body.contains("A31-shiomi.geojson"));
    }
);
