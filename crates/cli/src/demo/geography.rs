//! The demo town's geography: the sample files of `samples/gis` (official formats and
//! encodings) imported through the same path as a user's upload, then every home located and
//! classified, and tsunami arrival times set for the coast.

use anyhow::{Result, anyhow};
use tsunagi_app::{App, Context, gis_import};
use tsunagi_domain::evacuation_timing::{AreaArrival, TimingSettings};

macro_rules! sample {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!("../../../../samples/gis/", $name)).as_slice(),
        )
    };
}

const HAZARDS: &[(&str, &[u8], &str, &str)] = &[
    (
        sample!("A31-shiomi.geojson").0,
        sample!("A31-shiomi.geojson").1,
        "A31-max",
        "潮見川 洪水浸水想定区域（想定最大規模）",
    ),
    (
        sample!("A33-shiomi-shp.zip").0,
        sample!("A33-shiomi-shp.zip").1,
        "A33",
        "土砂災害警戒区域",
    ),
    (
        sample!("A40-shiomi.geojson").0,
        sample!("A40-shiomi.geojson").1,
        "A40",
        "津波浸水想定（高知県）",
    ),
    (
        sample!("A49-shiomi.geojson").0,
        sample!("A49-shiomi.geojson").1,
        "A49",
        "高潮浸水想定区域",
    ),
];

const ADDRESSES: &[(&str, &[u8])] = &[sample!("39_2024_gaiku.csv"), sample!("39_2024_oaza.csv")];
const SHELTERS: &[(&str, &[u8])] = &[
    sample!("shelters-emergency-da.csv"),
    sample!("shelters-da-cp932.csv"),
];

fn check(r: &gis_import::GisImportReport) -> Result<()> {
    match r.problems.first() {
        None => Ok(()),
        Some(p) => Err(anyhow!("{}: {} {}", r.file_name, p.at, p.message)),
    }
}

pub async fn load(app: &App, staff: &Context) -> Result<()> {
    let fail = crate::ops::explain;
    for (file, bytes, mapping, name) in HAZARDS {
        let m = gis_import::choose_mapping(mapping, None, None, name).map_err(|e| anyhow!(e))?;
        check(
            &gis_import::import_hazard(app, staff, file, bytes, &m, name)
                .await
                .map_err(fail)?,
        )?;
    }
    for (file, bytes) in ADDRESSES {
        check(
            &gis_import::import_addresses(app, staff, file, bytes)
                .await
                .map_err(fail)?,
        )?;
    }
    for (file, bytes) in SHELTERS {
        check(
            &gis_import::import_shelters(app, staff, file, bytes, false)
                .await
                .map_err(fail)?,
        )?;
    }
    let arrival = |area: &str, minutes| AreaArrival {
        area: area.into(),
        minutes,
    };
    let settings = TimingSettings {
        tsunami_arrivals: vec![
            arrival("港町", 20),
            arrival("浜田", 20),
            arrival("汐入", 25),
            arrival("本町三丁目", 25),
        ],
        ..TimingSettings::default()
    };
    tsunagi_app::gis::set_settings(app, staff, &settings, 0).await?;
    let located = tsunagi_app::gis::geocode_all(app, staff).await?;
    let classified = tsunagi_app::gis::classify_all(app, staff, |_, _| {}).await?;
    println!(
        "Map: {} homes located ({} 街区, {} 町丁目, {} not found); {} in some hazard zone",
        located.block + located.town,
        located.block,
        located.town,
        located.unmatched.len(),
        classified.in_some_zone
    );
    Ok(())
}
