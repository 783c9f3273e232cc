//! The demo town's sample geography loaded for the map tests (HTTP and browser).

use crate::common::{TestApp, gis_sample as sample};
use tsunagi_app::gis_import;

/// 1001 lives at a 街区 of the sample 位置参照情報 (本町一丁目 5番), in the A31 flood zone's town.
pub const ROSTER: &str = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,認知症,独居,洪水\n\
1001,山田　ハル,ヤマダ ハル,S5.1.1,2,潮見市本町一丁目5番3号,1,1,1\n";

fn ok(r: &gis_import::GisImportReport) {
    assert!(r.problems.is_empty(), "{}: {:?}", r.file_name, r.problems);
}

/// Loads the sample flood layer, addresses and shelters, the roster, then geocodes and
/// classifies as the town's staff. Returns the flood layer's id.
pub async fn load_town(app: &TestApp, roster: &str) -> uuid::Uuid {
    let ctx = app.ctx(&app.f.town_staff).await;
    let mapping = gis_import::choose_mapping("A31-max", None, None, "洪水浸水想定区域").unwrap();
    let r = gis_import::import_hazard(
        &app.app,
        &ctx,
        "A31-shiomi.geojson",
        &sample("A31-shiomi.geojson"),
        &mapping,
        "洪水浸水想定区域（想定最大規模）",
    )
    .await
    .unwrap();
    ok(&r);
    let layer = r.layer.expect("layer").id;
    for file in ["39_2024_gaiku.csv", "39_2024_oaza.csv"] {
        ok(
            &gis_import::import_addresses(&app.app, &ctx, file, &sample(file))
                .await
                .unwrap(),
        );
    }
    ok(&gis_import::import_shelters(
        &app.app,
        &ctx,
        "shelters-emergency-da.csv",
        &sample("shelters-emergency-da.csv"),
        false,
    )
    .await
    .unwrap());
    crate::common::load_roster(app, roster).await;
    let located = tsunagi_app::gis::geocode_all(&app.app, &ctx).await.unwrap();
    assert!(located.unmatched.is_empty(), "{located:?}");
    tsunagi_app::gis::classify_all(&app.app, &ctx, |_, _| {})
        .await
        .unwrap();
    layer
}
