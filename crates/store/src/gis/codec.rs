//! How geography is written to the database: hazard kinds as codes, severities as small JSON
//! objects, shapes as GeoJSON geometry text (so the map can be served from them).

use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde::{Deserialize, Serialize};
use tsunagi_gis::{DepthBand, HazardKind, LandslideZone, Severity};

use crate::error::StoreError;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

pub fn kind_code(k: HazardKind) -> &'static str {
    match k {
        HazardKind::Flood => "flood",
        HazardKind::InlandFlood => "inland_flood",
        HazardKind::HouseCollapse => "house_collapse",
        HazardKind::Landslide => "landslide",
        HazardKind::Tsunami => "tsunami",
        HazardKind::StormSurge => "storm_surge",
    }
}

/// The stored kind of a home's flood depth at the planned scale (計画規模), kept beside its
/// hazards for reference (not a hazard kind: point 1 uses the maximum scale).
pub const FLOOD_PLANNED: &str = "flood_planned";

pub fn kind_of(code: &str) -> Result<HazardKind, StoreError> {
    HazardKind::ALL
        .into_iter()
        .find(|k| kind_code(*k) == code)
        .ok_or_else(|| corrupt(format!("hazard kind {code}")))
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
enum SeverityRow {
    Depth { lower_m: f64, upper_m: Option<f64> },
    Landslide { special: bool, designated: bool },
    Present,
}

pub fn severity_json(s: &Severity) -> Result<String, StoreError> {
    let row = match s {
        Severity::Depth(b) => SeverityRow::Depth {
            lower_m: b.lower_m,
            upper_m: b.upper_m,
        },
        Severity::Landslide(z) => SeverityRow::Landslide {
            special: z.special,
            designated: z.designated,
        },
        Severity::Present => SeverityRow::Present,
    };
    serde_json::to_string(&row).map_err(corrupt)
}

pub fn severity_of(text: &str) -> Result<Severity, StoreError> {
    Ok(
        match serde_json::from_str::<SeverityRow>(text).map_err(corrupt)? {
            SeverityRow::Depth { lower_m, upper_m } => {
                Severity::Depth(DepthBand { lower_m, upper_m })
            }
            SeverityRow::Landslide {
                special,
                designated,
            } => Severity::Landslide(LandslideZone {
                special,
                designated,
            }),
            SeverityRow::Present => Severity::Present,
        },
    )
}

type Rings = Vec<Vec<[f64; 2]>>;

#[derive(Serialize, Deserialize)]
struct Geometry {
    #[serde(rename = "type")]
    kind: String,
    coordinates: Vec<Rings>,
}

fn ring_of(l: &LineString<f64>) -> Vec<[f64; 2]> {
    l.0.iter().map(|c| [c.x, c.y]).collect()
}

/// The polygons' rings as GeoJSON coordinates (`[[outer, hole…], …]`).
pub fn rings_of(shape: &MultiPolygon<f64>) -> Vec<Rings> {
    shape
        .0
        .iter()
        .map(|p| {
            std::iter::once(ring_of(p.exterior()))
                .chain(p.interiors().iter().map(ring_of))
                .collect()
        })
        .collect()
}

pub fn geometry_json(shape: &MultiPolygon<f64>) -> Result<String, StoreError> {
    serde_json::to_string(&Geometry {
        kind: "MultiPolygon".into(),
        coordinates: rings_of(shape),
    })
    .map_err(corrupt)
}

pub fn geometry_of(text: &str) -> Result<MultiPolygon<f64>, StoreError> {
    let g: Geometry = serde_json::from_str(text).map_err(corrupt)?;
    let line =
        |r: Vec<[f64; 2]>| LineString::new(r.into_iter().map(|[x, y]| Coord { x, y }).collect());
    Ok(MultiPolygon::new(
        g.coordinates
            .into_iter()
            .filter_map(|rings| {
                let mut it = rings.into_iter();
                let outer = it.next()?;
                Some(Polygon::new(line(outer), it.map(line).collect()))
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_and_shapes_round_trip() {
        for s in [
            Severity::Depth(DepthBand {
                lower_m: 0.5,
                upper_m: Some(3.0),
            }),
            Severity::Depth(DepthBand {
                lower_m: 20.0,
                upper_m: None,
            }),
            Severity::Landslide(LandslideZone {
                special: true,
                designated: false,
            }),
            Severity::Present,
        ] {
            let text = severity_json(&s).unwrap_or_default();
            assert_eq!(severity_of(&text).ok(), Some(s));
        }
        let square =
            |x: f64| LineString::from(vec![(x, 33.0), (x + 1.0, 33.0), (x + 1.0, 34.0), (x, 33.0)]);
        let shape = MultiPolygon::new(vec![Polygon::new(square(133.0), vec![square(133.2)])]);
        let text = geometry_json(&shape).unwrap_or_default();
        assert_eq!(geometry_of(&text).ok(), Some(shape));
        for k in HazardKind::ALL {
            assert_eq!(kind_of(kind_code(k)).ok(), Some(k));
        }
    }

    /// A declared area's hazard zones (domain, which knows no geography crate) name the kinds
    /// by the codes the layers are stored under: one list, the same six codes.
    #[test]
    fn declared_area_hazards_use_the_stored_codes() {
        use tsunagi_domain::declaration::ZoneHazard;
        let stored: Vec<&str> = HazardKind::ALL.into_iter().map(kind_code).collect();
        let area: Vec<&str> = ZoneHazard::ALL.into_iter().map(|h| h.code()).collect();
        assert_eq!(stored, area);
    }
}
