//! Reading hazard layers from GeoJSON with a per-dataset attribute mapping. Mappings are data
//! ([`MAPPINGS`]): attribute names and code lists differ between 国土数値情報 releases, so a new
//! release is a new row, not new code. A file with any bad feature imports nothing; every bad
//! feature is reported with its number and reason. The ring checks, the zone building and the
//! parallel conversion here are shared with the Shapefile reader ([`crate::shapefile`]).

use std::io::Read;

use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde::Deserialize;
use serde::de::{IgnoredAny, SeqAccess, Visitor};
use serde_json::Value as JsonValue;
use serde_json::value::RawValue;

use crate::hazard::{Severity, ZoneClass};
use crate::index::Zone;

mod coords;
mod rules;
mod stream;

pub(crate) use rules::loose_name;
pub use rules::{Attr, MAPPINGS, Mapping, Rule, mapping, severity_of};

/// A feature that cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("地物 {feature}: {reason}")]
pub struct FeatureError {
    /// 1-based position in the file (0: the file as a whole).
    pub feature: usize,
    pub reason: String,
}

/// Japan's extent with a margin (degrees), to catch other data and swapped coordinates.
const LON: std::ops::RangeInclusive<f64> = 122.0..=154.5;
const LAT: std::ops::RangeInclusive<f64> = 20.0..=46.0;

/// The checks every reader applies to a ring of (longitude, latitude): enough points, inside
/// Japan (with swapped coordinates named as such), closed. The error is the reason.
pub(crate) fn checked_ring(coords: Vec<Coord<f64>>) -> Result<LineString<f64>, String> {
    if coords.len() < 4 {
        return Err("輪郭の頂点が足りません（4点以上が必要）".into());
    }
    for c in &coords {
        if LON.contains(&c.x) && LAT.contains(&c.y) {
            continue;
        }
        if LAT.contains(&c.x) && LON.contains(&c.y) {
            return Err(format!(
                "座標の順序が逆です（緯度,経度 になっています: {}, {}）。経度,緯度 の順が正しい形です",
                c.x, c.y
            ));
        }
        return Err(format!("日本の範囲外の座標です（{}, {}）", c.x, c.y));
    }
    if coords.first() != coords.last() {
        return Err("輪郭が閉じていません（最初と最後の点が違います）".into());
    }
    Ok(LineString::new(coords))
}

/// The polygons of one feature as a zone, after geo's validity rules (via [`crate::valid`]).
pub(crate) fn zone(
    polys: Vec<Polygon<f64>>,
    severity: Severity,
    mapping: &Mapping,
    layer: u32,
) -> Result<Zone, String> {
    if let Some(problem) = polys.iter().find_map(crate::valid::polygon_problem) {
        return Err(format!("不正な図形です（{problem}）"));
    }
    Ok(Zone {
        shape: MultiPolygon::new(polys),
        class: ZoneClass {
            kind: mapping.kind,
            severity,
            layer,
        },
    })
}

/// Turns every item into a zone (or none) on all cores; all or nothing, with every error.
/// `convert` gets the item and its 1-based number.
pub(crate) fn zones_in_parallel<T: Sync, Z: IntoIterator<Item = Zone>>(
    items: &[T],
    convert: impl Fn(&T, usize) -> Result<Z, FeatureError> + Sync,
) -> Result<Vec<Zone>, Vec<FeatureError>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = items.len().div_ceil(threads).max(1);
    let convert = &convert;
    let parts: Vec<(Vec<Zone>, Vec<FeatureError>)> = std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(c, part)| {
                s.spawn(move || {
                    let mut zones = Vec::new();
                    let mut errors = Vec::new();
                    for (i, item) in part.iter().enumerate() {
                        match convert(item, c * chunk + i + 1) {
                            Ok(z) => zones.extend(z),
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
    let mut zones = Vec::with_capacity(items.len());
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

fn ring(points: &[Pos], n: usize) -> Result<LineString<f64>, FeatureError> {
    let bad = |reason: String| FeatureError { feature: n, reason };
    let coords: Vec<Coord<f64>> = points
        .iter()
        .map(|p| match p {
            Pos(Some((x, y))) => Ok(Coord { x: *x, y: *y }),
            Pos(None) => Err(bad("座標が2次元ではありません".into())),
        })
        .collect::<Result<_, _>>()?;
    checked_ring(coords).map_err(bad)
}

/// The same as [`polygon`] for rings read by the fast path (every position two numbers).
fn polygon_of_coords(rings: Vec<Vec<Coord<f64>>>, n: usize) -> Result<Polygon<f64>, FeatureError> {
    let bad = |reason: String| FeatureError { feature: n, reason };
    let mut it = rings.into_iter();
    let outer = it
        .next()
        .ok_or_else(|| bad("ポリゴンに輪郭がありません".into()))?;
    let outer = checked_ring(outer).map_err(bad)?;
    let holes = it
        .map(|r| checked_ring(r).map_err(bad))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(outer, holes))
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

/// A GeoJSON property as an attribute: by its exact name, else by its name compared loosely.
fn json_attr<'a>(
    props: Option<&'a serde_json::Map<String, JsonValue>>,
    name: &str,
) -> Option<Attr<'a>> {
    let props = props?;
    let v = props.get(name).or_else(|| {
        let want = loose_name(name);
        props
            .iter()
            .find(|(k, _)| loose_name(k) == want)
            .map(|(_, v)| v)
    })?;
    match v {
        JsonValue::String(s) => Some(Attr::Text(s)),
        JsonValue::Number(n) => n.as_f64().map(Attr::Number),
        _ => None,
    }
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

/// One feature → a zone for each of the mappings it belongs to (none, e.g. a planned-scale
/// area read by the maximum scale only). The shape is read and checked once.
fn zones_of(
    f: &RawFeature<'_>,
    mappings: &[(&Mapping, u32)],
    n: usize,
) -> Result<Vec<Zone>, FeatureError> {
    zones_with(f, None, mappings, n)
}

/// [`zones_of`], with the coordinates already read (`scanned`) or read here from the feature.
fn zones_with(
    f: &RawFeature<'_>,
    scanned: Option<coords::Rings>,
    mappings: &[(&Mapping, u32)],
    n: usize,
) -> Result<Vec<Zone>, FeatureError> {
    let bad = |reason: String| FeatureError { feature: n, reason };
    let props = f.properties.as_ref();
    let mut classes = Vec::with_capacity(mappings.len());
    for (mapping, layer) in mappings {
        if let Some(severity) =
            severity_of(&mapping.rule, |name| json_attr(props, name)).map_err(bad)?
        {
            classes.push((*mapping, severity, *layer));
        }
    }
    let Some(&(mapping, severity, layer)) = classes.first() else {
        return Ok(Vec::new());
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
    let fast = match (scanned, g.kind.as_str()) {
        (Some(rings), _) => Some(rings),
        (None, "Polygon") => coords::polygons(raw, false),
        (None, "MultiPolygon") => coords::polygons(raw, true),
        _ => None,
    };
    let polys: Vec<Polygon<f64>> = match (fast, g.kind.as_str()) {
        (Some(rings), _) => rings
            .into_iter()
            .map(|r| polygon_of_coords(r, n))
            .collect::<Result<_, _>>()?,
        (None, kind) => match kind {
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
        },
    };
    let first = zone(polys, severity, mapping, layer).map_err(bad)?;
    let mut out: Vec<Zone> = classes[1..]
        .iter()
        .map(|(m, severity, layer)| Zone {
            shape: first.shape.clone(),
            class: ZoneClass {
                kind: m.kind,
                severity: *severity,
                layer: *layer,
            },
        })
        .collect();
    out.insert(0, first);
    Ok(out)
}

const NOT_JSON: &str = "GeoJSON として読めません（途中で切れているか壊れています）";
const NOT_UTF8: &str = "UTF-8 ではありません（GeoJSON は UTF-8 です）";

/// Reads every zone of a GeoJSON FeatureCollection under `mapping`, as layer `layer`.
/// All or nothing: any bad feature makes the whole file an error listing every bad feature.
/// The file is streamed: read in blocks and split into features on this thread while the
/// features are parsed and checked on all cores ([`stream`]); it is never held whole.
pub fn read_geojson(
    input: impl Read,
    mapping: &Mapping,
    layer: u32,
) -> Result<Vec<Zone>, Vec<FeatureError>> {
    read_geojson_as(input, &[(mapping, layer)])
}

/// [`read_geojson`] under several mappings at once (a flood file's maximum and planned
/// scales): each feature is parsed and checked once, and gives a zone for every mapping it
/// belongs to, numbered with that mapping's layer; the zones in file order.
pub fn read_geojson_as(
    input: impl Read,
    mappings: &[(&Mapping, u32)],
) -> Result<Vec<Zone>, Vec<FeatureError>> {
    let whole = |reason: String| vec![FeatureError { feature: 0, reason }];
    match stream::read(input, &GeoJson { mappings }) {
        Ok(result) => result,
        Err(stream::Whole::Io(e)) => Err(whole(format!("ファイルを読めません: {e}"))),
        Err(stream::Whole::NotUtf8(e)) => Err(whole(format!("{NOT_UTF8}: {e}"))),
        Err(stream::Whole::NotJson(e)) => Err(whole(format!("{NOT_JSON}: {e}"))),
    }
}

struct GeoJson<'a> {
    mappings: &'a [(&'a Mapping, u32)],
}

impl stream::Features for GeoJson<'_> {
    fn feature(&self, text: &str, n: usize) -> Result<Vec<Zone>, Result<FeatureError, String>> {
        // Plainly written coordinates are read once, by the scanner, and serde reads the rest
        // of the feature with `[]` in their place. Serde accepting that text means it accepts
        // the whole (the scanner took a valid array of numbers); otherwise the whole text
        // goes to serde, for its verdict and its words.
        if let Some((start, end, rings)) = stream::geometry_coordinates(text) {
            let rest = [&text[..start], "[]", &text[end..]].concat();
            if let Ok(f) = serde_json::from_str::<RawFeature<'_>>(&rest) {
                return zones_with(&f, Some(rings), self.mappings, n).map_err(Ok);
            }
        }
        let f: RawFeature<'_> = serde_json::from_str(text).map_err(|e| Err(e.to_string()))?;
        zones_of(&f, self.mappings, n).map_err(Ok)
    }

    fn skeleton(&self, text: &str) -> Result<(), String> {
        serde_json::from_str::<RawCollection<'_>>(text)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// The former single parse: the whole text, then the features on all cores.
    fn whole(&self, bytes: Vec<u8>) -> Result<Vec<Zone>, Vec<FeatureError>> {
        let whole = |reason: String| vec![FeatureError { feature: 0, reason }];
        let text = std::str::from_utf8(&bytes).map_err(|e| whole(format!("{NOT_UTF8}: {e}")))?;
        let collection: RawCollection<'_> =
            serde_json::from_str(text).map_err(|e| whole(format!("{NOT_JSON}: {e}")))?;
        zones_in_parallel(&collection.features, |f, n| zones_of(f, self.mappings, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hazard::HazardKind;
    use stream::Features as _;

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
        // Both scales in one reading: the same zones as two readings, each with its layer.
        let (max, planned) = (
            mapping("A31-max").expect("map"),
            mapping("A31-planned").expect("map"),
        );
        let both = read_geojson_as(flood.as_bytes(), &[(max, 7), (planned, 1)]).expect("ok");
        let of = |layer| {
            both.iter()
                .filter(|z| z.class.layer == layer)
                .map(|z| format!("{z:?}"))
                .collect::<Vec<_>>()
        };
        let one = |m, layer| {
            read_geojson(flood.as_bytes(), m, layer)
                .expect("ok")
                .iter()
                .map(|z| format!("{z:?}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(of(7), one(max, 7));
        assert_eq!(of(1), one(planned, 1));

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

    /// Gives a few bytes per read, so every split falls inside some token.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            self.1 = (self.1 * 7 + 3) % 11;
            let n = (self.1 + 1).min(out.len()).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn streaming_gives_what_the_whole_parse_gives() {
        let m = mapping("A40").expect("map");
        let good = |ring: &str| feature(r#""A40_003":"1m以上2m未満""#, ring);
        let tricky = feature(
            r#""A40_003" : "1m以上2m未満", "note":"a]\"}{[ \\""#,
            "[ [133.0 , 33.0],[133.1,33.0, 5],[133.1,33.1],[1.331e2,33.1],[133,33.0] ]",
        );
        let circle: String = {
            let pts: Vec<String> = (0..=200)
                .map(|i| {
                    let a = std::f64::consts::TAU * f64::from(i % 200) / 200.0;
                    format!(
                        "[{:.9},{:.9}]",
                        133.5 + 0.01 * a.cos(),
                        33.5 + 0.01 * a.sin()
                    )
                })
                .collect();
            format!("[{}]", pts.join(","))
        };
        let many: Vec<String> = (0..400).map(|_| good(&circle)).collect();
        let docs = vec![
            collection(&[good(SQUARE), tricky.clone(), good(SQUARE)]),
            format!(
                r#"{{"type":"FeatureCollection","crs":{{"a":[1,{{"b":"]"}}]}},"features":[{}]}}"#,
                good(SQUARE)
            ),
            format!(r#"{{"feat\u0075res":[{}]}}"#, good(SQUARE)),
            format!(r#"{{ "features" : [ {} ] , "name" : "x" }}"#, good(SQUARE)),
            format!(r#"{{"features":[{}],"features":[]}}"#, good(SQUARE)),
            r#"{"features":[]}"#.to_owned(),
            "{\n \"features\" : [ \n ] \n}\n".to_owned(),
            r#"{"features":[]} x"#.to_owned(),
            r#"{"features":[null]}"#.to_owned(),
            format!(r#"{{"features":[{},]}}"#, good(SQUARE)),
            r#"{"type":"FeatureCollection"}"#.to_owned(),
            "[]".to_owned(),
            String::new(),
            collection(&many),
            // Features the plain-coordinates path must leave to serde, or read the same way:
            // members in other orders, escapes, duplicates, extra members, bad values.
            collection(&[
                format!(
                    r#"{{"geometry":{{"coordinates":[{SQUARE}],"type":"Polygon"}},"properties":{{"A40_003":"1m以上2m未満"}}}}"#
                ),
                format!(
                    r#"{{"properties":{{"A40_003":"1m以上2m未満"}},"geometry":{{"type":"Poly\u0067on","coordinates":[{SQUARE}]}}}}"#
                ),
                format!(
                    r#"{{"properties":{{"A40_003":"1m以上2m未満"}},"geometry":{{"type":"MultiPolygon","coordinates":[[{SQUARE}]],"bbox":[133,33,134,34]}},"id":7}}"#
                ),
                format!(
                    r#"{{"properties":{{"A40_003":"1m以上2m未満"}},"geometry":{{"type":"Polygon","coordinates":[{SQUARE}]}},"geometry":null}}"#
                ),
                format!(
                    r#"{{"properties":{{"A40_003":"1m以上2m未満"}},"geometry":{{"type":"Polygon","coordinates":[{SQUARE}],"coordinates":[]}}}}"#
                ),
                format!(
                    r#"{{"properties":{{"A40_003":"1m以上2m未満"}},"geometry":{{"type":"Polygon","coordinates":[{SQUARE}] x}}}}"#
                ),
                r#"{"properties":{"A40_003":"1m以上2m未満"},"geometry":{"type":"Point","coordinates":[133.0,33.0]}}"#
                    .to_owned(),
                good(SQUARE),
            ]),
            collection(&[format!(
                r#"{{"properties":{{"A40_003":"1m以上2m未満"}},"geometry":{{"type":"Polygon","coordinates":[{SQUARE}]}},"properties":{{}}}}"#
            )]),
            collection(&[
                good("[[133.0,33.0],[133.1,33.0],[133.1,33.1],[133.0,33.1]]"),
                good("[[133.0,33.0],[\"x\",33.0],[133.1,33.1],[133.0,33.0]]"),
                good("[[133.0],[133.1,33.0],[133.1,33.1],[133.0,33.0]]"),
                good(SQUARE),
            ]),
        ];
        let whole_parse = GeoJson {
            mappings: &[(m, 3)],
        };
        let shown = |r: &Result<Vec<Zone>, Vec<FeatureError>>| match r {
            Ok(z) => format!("{z:?}"),
            // Whole-file messages name the place differently; the feature numbers and
            // reasons of feature errors are the same.
            Err(e) if e.len() == 1 && e[0].feature == 0 => "whole file".to_owned(),
            Err(e) => format!("{e:?}"),
        };
        for doc in &docs {
            let want = shown(&whole_parse.whole(doc.as_bytes().to_vec()));
            assert_eq!(shown(&read_geojson(doc.as_bytes(), m, 3)), want, "{doc}");
            assert_eq!(
                shown(&read_geojson(Trickle(doc.as_bytes(), 0), m, 3)),
                want,
                "{doc}"
            );
            if doc.len() > 1 {
                let cut = &doc.as_bytes()[..doc.len() / 2];
                assert_eq!(
                    shown(&read_geojson(cut, m, 3)),
                    shown(&whole_parse.whole(cut.to_vec())),
                    "{doc}"
                );
            }
        }
    }
}
