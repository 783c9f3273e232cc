//! Reading hazard layers from GeoJSON with a per-dataset attribute mapping. Mappings are data
//! ([`MAPPINGS`]): attribute names and code lists differ between 国土数値情報 releases, so a new
//! release is a new row, not new code. A file with any bad feature imports nothing; every bad
//! feature is reported with its number and reason.

use std::io::Read;

use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde::Deserialize;
use serde::de::{IgnoredAny, SeqAccess, Visitor};
use serde_json::Value as JsonValue;
use serde_json::value::RawValue;

use crate::depth::{band_of_rank, parse_band};
use crate::hazard::{HazardKind, LandslideZone, Severity, ZoneClass};
use crate::index::Zone;

/// How a feature's attributes give its severity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// 浸水深ランク code (1–6) in this attribute.
    DepthRank(&'static str),
    /// A free-text depth band (「0.3m以上～0.5m未満」) in this attribute.
    DepthText(&'static str),
    /// A33 区域区分: 1/2 designated 警戒/特別警戒, 3/4 the same before designation.
    LandslideZoneCode(&'static str),
    /// Every feature is a zone without grades.
    Present,
}

/// One dataset release's mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    pub id: &'static str,
    pub label: &'static str,
    pub kind: HazardKind,
    pub rule: Rule,
}

/// The known releases. Flood layers are classified by the maximum assumed rainfall
/// (想定最大規模) by default; the planned-scale mappings are there to choose.
pub const MAPPINGS: &[Mapping] = &[
    Mapping {
        id: "A31-max",
        label: "A31 洪水浸水想定区域（想定最大規模）",
        kind: HazardKind::Flood,
        rule: Rule::DepthRank("A31_201"),
    },
    Mapping {
        id: "A31-planned",
        label: "A31 洪水浸水想定区域（計画規模）",
        kind: HazardKind::Flood,
        rule: Rule::DepthRank("A31_101"),
    },
    Mapping {
        id: "A31a-max",
        label: "A31a 洪水浸水想定区域・河川単位（想定最大規模）",
        kind: HazardKind::Flood,
        rule: Rule::DepthRank("A31a_205"),
    },
    Mapping {
        id: "A31a-planned",
        label: "A31a 洪水浸水想定区域・河川単位（計画規模）",
        kind: HazardKind::Flood,
        rule: Rule::DepthRank("A31a_105"),
    },
    Mapping {
        id: "A33",
        label: "A33 土砂災害警戒区域",
        kind: HazardKind::Landslide,
        rule: Rule::LandslideZoneCode("A33_002"),
    },
    Mapping {
        id: "A40",
        label: "A40 津波浸水想定",
        kind: HazardKind::Tsunami,
        rule: Rule::DepthText("A40_003"),
    },
    Mapping {
        id: "A49",
        label: "A49 高潮浸水想定区域",
        kind: HazardKind::StormSurge,
        rule: Rule::DepthText("A49_003"),
    },
];

pub fn mapping(id: &str) -> Option<&'static Mapping> {
    MAPPINGS.iter().find(|m| m.id == id)
}

/// A feature that cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("地物 {feature}: {reason}")]
pub struct FeatureError {
    /// 1-based position in the file.
    pub feature: usize,
    pub reason: String,
}

/// Japan's extent with a margin (degrees), to catch other data and swapped coordinates.
const LON: std::ops::RangeInclusive<f64> = 122.0..=154.5;
const LAT: std::ops::RangeInclusive<f64> = 20.0..=46.0;

fn ring(points: &[Pos], n: usize) -> Result<LineString<f64>, FeatureError> {
    let bad = |reason: String| FeatureError { feature: n, reason };
    if points.len() < 4 {
        return Err(bad("輪郭の頂点が足りません（4点以上が必要）".into()));
    }
    let coords: Vec<Coord<f64>> = points
        .iter()
        .map(|p| match p {
            Pos(Some((x, y))) => Ok(Coord { x: *x, y: *y }),
            Pos(None) => Err(bad("座標が2次元ではありません".into())),
        })
        .collect::<Result<_, _>>()?;
    for c in &coords {
        if LON.contains(&c.x) && LAT.contains(&c.y) {
            continue;
        }
        if LAT.contains(&c.x) && LON.contains(&c.y) {
            return Err(bad(format!(
                "座標の順序が逆です（緯度,経度 になっています: {}, {}）。GeoJSON は 経度,緯度 の順です",
                c.x, c.y
            )));
        }
        return Err(bad(format!("日本の範囲外の座標です（{}, {}）", c.x, c.y)));
    }
    if coords.first() != coords.last() {
        return Err(bad(
            "輪郭が閉じていません（最初と最後の点が違います）".into()
        ));
    }
    Ok(LineString::new(coords))
}

fn polygon(rings: &[Vec<Pos>], n: usize) -> Result<Polygon<f64>, FeatureError> {
    let mut it = rings.iter();
    let outer = it.next().ok_or_else(|| FeatureError {
        feature: n,
        reason: "ポリゴンに輪郭がありません".into(),
    })?;
    let outer = ring(outer, n)?;
    let holes = it.map(|r| ring(r, n)).collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(outer, holes))
}

fn text(v: &JsonValue) -> Option<String> {
    match v {
        JsonValue::String(s) => Some(s.clone()),
        JsonValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn severity(
    props: Option<&serde_json::Map<String, JsonValue>>,
    rule: &Rule,
    n: usize,
) -> Result<Option<Severity>, FeatureError> {
    let bad = |reason: String| FeatureError { feature: n, reason };
    let attr = |name: &str| {
        props
            .and_then(|p| p.get(name))
            .and_then(text)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    Ok(Some(match rule {
        Rule::Present => Severity::Present,
        Rule::DepthRank(a) => {
            let Some(v) = attr(a) else {
                // A zone without a value for this scale (e.g. planned scale only): not a zone
                // of this mapping.
                return Ok(None);
            };
            let rank: u8 = v
                .parse()
                .map_err(|_| bad(format!("{a} の浸水深ランク「{v}」が数字ではありません")))?;
            Severity::Depth(
                band_of_rank(rank).ok_or_else(|| {
                    bad(format!("{a} の浸水深ランク {rank} は 1〜6 ではありません"))
                })?,
            )
        }
        Rule::DepthText(a) => {
            let v = attr(a).ok_or_else(|| bad(format!("{a}（浸水深の区分）がありません")))?;
            Severity::Depth(parse_band(&v).map_err(|e| bad(format!("{a}: {e}")))?)
        }
        Rule::LandslideZoneCode(a) => {
            let v = attr(a).ok_or_else(|| bad(format!("{a}（区域区分）がありません")))?;
            let (special, designated) = match v.as_str() {
                "1" => (false, true),
                "2" => (true, true),
                "3" => (false, false),
                "4" => (true, false),
                other => {
                    return Err(bad(format!(
                        "{a} の区域区分「{other}」は 1〜4 ではありません"
                    )));
                }
            };
            Severity::Landslide(LandslideZone {
                special,
                designated,
            })
        }
    }))
}

/// A position: the first two numbers (longitude, latitude); further ones (height) are
/// ignored; fewer than two is `None`.
#[derive(Debug)]
struct Pos(Option<(f64, f64)>);

impl<'de> Deserialize<'de> for Pos {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pos;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a position [longitude, latitude]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Pos, A::Error> {
                let x: Option<f64> = seq.next_element()?;
                let y: Option<f64> = if x.is_some() {
                    seq.next_element()?
                } else {
                    None
                };
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Pos(x.zip(y)))
            }
        }
        d.deserialize_seq(V)
    }
}

#[derive(Deserialize)]
struct RawCollection<'a> {
    #[serde(borrow)]
    features: Vec<RawFeature<'a>>,
}

#[derive(Deserialize)]
struct RawFeature<'a> {
    #[serde(default)]
    properties: Option<serde_json::Map<String, JsonValue>>,
    #[serde(borrow, default)]
    geometry: Option<RawGeometry<'a>>,
}

#[derive(Deserialize)]
struct RawGeometry<'a> {
    #[serde(rename = "type")]
    kind: String,
    #[serde(borrow, default)]
    coordinates: Option<&'a RawValue>,
}

/// One feature → a zone (`None`: not a zone of this mapping, e.g. planned scale only).
fn zone_of(
    f: &RawFeature<'_>,
    mapping: &Mapping,
    layer: u32,
    n: usize,
) -> Result<Option<Zone>, FeatureError> {
    let bad = |reason: String| FeatureError { feature: n, reason };
    let Some(severity) = severity(f.properties.as_ref(), &mapping.rule, n)? else {
        return Ok(None);
    };
    let g = f
        .geometry
        .as_ref()
        .ok_or_else(|| bad("図形がありません".into()))?;
    let raw = g
        .coordinates
        .map(RawValue::get)
        .ok_or_else(|| bad("座標がありません".into()))?;
    let coords_err = |e: serde_json::Error| bad(format!("座標を読めません: {e}"));
    let polys: Vec<Polygon<f64>> = match g.kind.as_str() {
        "Polygon" => {
            let rings: Vec<Vec<Pos>> = serde_json::from_str(raw).map_err(coords_err)?;
            vec![polygon(&rings, n)?]
        }
        "MultiPolygon" => {
            let parts: Vec<Vec<Vec<Pos>>> = serde_json::from_str(raw).map_err(coords_err)?;
            parts
                .iter()
                .map(|p| polygon(p, n))
                .collect::<Result<_, _>>()?
        }
        other => return Err(bad(format!("面ではない図形です（{other}）"))),
    };
    if let Some(problem) = polys.iter().find_map(crate::valid::polygon_problem) {
        return Err(bad(format!("不正な図形です（{problem}）")));
    }
    Ok(Some(Zone {
        shape: MultiPolygon::new(polys),
        class: ZoneClass {
            kind: mapping.kind,
            severity,
            layer,
        },
    }))
}

/// Reads every zone of a GeoJSON FeatureCollection under `mapping`, as layer `layer`.
/// All or nothing: any bad feature makes the whole file an error listing every bad feature.
/// The file is scanned once, then coordinates are parsed and checked on all cores.
pub fn read_geojson(
    mut input: impl Read,
    mapping: &Mapping,
    layer: u32,
) -> Result<Vec<Zone>, Vec<FeatureError>> {
    let whole = |reason: String| vec![FeatureError { feature: 0, reason }];
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| whole(format!("ファイルを読めません: {e}")))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        whole(format!(
            "UTF-8 ではありません（GeoJSON は UTF-8 です）: {e}"
        ))
    })?;
    let collection: RawCollection<'_> = serde_json::from_str(text).map_err(|e| {
        whole(format!(
            "GeoJSON として読めません（途中で切れているか壊れています）: {e}"
        ))
    })?;
    let features = collection.features;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = features.len().div_ceil(threads).max(1);
    let parts: Vec<(Vec<Zone>, Vec<FeatureError>)> = std::thread::scope(|s| {
        let handles: Vec<_> = features
            .chunks(chunk)
            .enumerate()
            .map(|(c, fs)| {
                s.spawn(move || {
                    let mut zones = Vec::new();
                    let mut errors = Vec::new();
                    for (i, f) in fs.iter().enumerate() {
                        match zone_of(f, mapping, layer, c * chunk + i + 1) {
                            Ok(Some(z)) => zones.push(z),
                            Ok(None) => {}
                            Err(e) => errors.push(e),
                        }
                    }
                    (zones, errors)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut zones = Vec::with_capacity(features.len());
    let mut errors = Vec::new();
    for (z, e) in parts {
        zones.extend(z);
        errors.extend(e);
    }
    if errors.is_empty() {
        Ok(zones)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    fn feature(props: &str, ring: &str) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{{props}}},"geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}"#
        )
    }

    const SQUARE: &str = "[[133.0,33.0],[133.1,33.0],[133.1,33.1],[133.0,33.1],[133.0,33.0]]";

    #[test]
    fn flood_by_maximum_scale_landslide_before_designation_and_tsunami_bands() {
        let flood = collection(&[
            feature(r#""A31_101":"2","A31_201":"4""#, SQUARE),
            feature(r#""A31_101":"1""#, SQUARE), // planned scale only
        ]);
        let z = read_geojson(flood.as_bytes(), mapping("A31-max").expect("map"), 7).expect("ok");
        assert_eq!(z.len(), 1);
        assert_eq!(z[0].class.severity.label(), "5m以上10m未満");
        assert_eq!(z[0].class.layer, 7);
        let z =
            read_geojson(flood.as_bytes(), mapping("A31-planned").expect("map"), 1).expect("ok");
        assert_eq!(z.len(), 2);

        let slide = collection(&[feature(r#""A33_001":1,"A33_002":4"#, SQUARE)]);
        let z = read_geojson(slide.as_bytes(), mapping("A33").expect("map"), 1).expect("ok");
        assert_eq!(z[0].class.severity.label(), "特別警戒区域（指定前）");

        let wave = collection(&[feature(r#""A40_003":"0.3m以上 ～ 0.5m未満""#, SQUARE)]);
        let z = read_geojson(wave.as_bytes(), mapping("A40").expect("map"), 1).expect("ok");
        assert_eq!(z[0].class.kind, HazardKind::Tsunami);
    }

    #[test]
    fn every_bad_feature_is_reported_and_nothing_is_returned() {
        let file = collection(&[
            feature(r#""A40_003":"1m以上2m未満""#, SQUARE),
            feature(r#""A40_003":"よくわからない""#, SQUARE),
            feature(
                r#""A40_003":"1m以上2m未満""#,
                "[[33.0,133.0],[33.0,133.1],[33.1,133.1],[33.1,133.0],[33.0,133.0]]",
            ),
            feature(
                r#""A40_003":"1m以上2m未満""#,
                "[[133.0,33.0],[133.1,33.0],[133.1,33.1],[133.0,33.1]]",
            ),
            feature(
                r#""A40_003":"1m以上2m未満""#,
                "[[133.0,33.0],[133.1,33.1],[133.1,33.0],[133.0,33.1],[133.0,33.0]]",
            ),
            feature(
                r#""A40_003":"1m以上2m未満""#,
                "[[0.5,0.5],[1.0,0.5],[1.0,1.0],[0.5,0.5]]",
            ),
        ]);
        let errors =
            read_geojson(file.as_bytes(), mapping("A40").expect("map"), 1).expect_err("bad");
        let got: Vec<(usize, bool)> = errors.iter().map(|e| (e.feature, true)).collect();
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![2, 3, 4, 5, 6],
            "{errors:?}"
        );
        assert!(errors[0].reason.contains("よくわからない"));
        assert!(errors[1].reason.contains("順序が逆"));
        assert!(errors[2].reason.contains("閉じていません"));
        assert!(
            errors[3].reason.contains("不正な図形"),
            "{}",
            errors[3].reason
        );
        assert!(errors[4].reason.contains("範囲外"));
    }

    #[test]
    fn a_truncated_file_is_an_error() {
        let file = collection(&[feature(r#""A40_003":"1m以上2m未満""#, SQUARE)]);
        let cut = &file[..file.len() - 30];
        let errors =
            read_geojson(cut.as_bytes(), mapping("A40").expect("map"), 1).expect_err("bad");
        assert!(errors[0].reason.contains("読めません"), "{errors:?}");
    }
}
