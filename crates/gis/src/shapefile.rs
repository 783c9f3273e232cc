//! Reading hazard layers from Shapefiles (.shp/.shx/.dbf/.cpg/.prj), loose or in a 国土数値情報
//! zip, under the same mappings, checks and all-or-nothing reporting as the GeoJSON reader
//! ([`crate::layers`]). Features are numbered by their 1-based record number.
//!
//! Text in the .dbf: the .cpg names the encoding when present; without it a CP932 code page
//! mark in the .dbf header is believed, else the table is read as UTF-8 and, if any text is not
//! UTF-8, read again as CP932 (older 国土数値情報 releases have no .cpg).
//!
//! Rings: shapefiles store outer rings clockwise and holes counter-clockwise, all as parts of
//! one record. Each hole goes to the smallest outer ring containing it; a counter-clockwise ring
//! that touches no outer ring is an outer ring written the wrong way round and kept as one.

use std::io::{Cursor, Read};

use ::shapefile::{PolygonRing, Shape, ShapeReader, ShapeType};
use dbase::encoding::EncodingRs;
use dbase::{CodePageMark, ErrorKind, FieldValue, ReaderBuilder};
use encoding_rs::{Encoding, SHIFT_JIS, UTF_8};
use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{Area, BoundingRect, Coord, Intersects, LineString, Polygon};

use crate::index::Zone;
use crate::layers::{
    Attr, FeatureError, Mapping, checked_ring, loose_name, severity_of, zone, zones_in_parallel,
};

/// The files of one Shapefile layer, as bytes.
#[derive(Clone, Copy, Debug)]
pub struct ShapefileParts<'a> {
    pub shp: &'a [u8],
    pub shx: Option<&'a [u8]>,
    pub dbf: &'a [u8],
    pub cpg: Option<&'a [u8]>,
    pub prj: Option<&'a [u8]>,
}

/// Reads every zone of a Shapefile under `mapping`, as layer `layer`. All or nothing: any bad
/// feature makes the whole file an error listing every bad feature by record number; a
/// problem with the file as a whole is reported as feature 0.
pub fn read_shapefile(
    parts: ShapefileParts<'_>,
    mapping: &Mapping,
    layer: u32,
) -> Result<Vec<Zone>, Vec<FeatureError>> {
    let whole = |reason: String| vec![FeatureError { feature: 0, reason }];
    if let Some(prj) = parts.prj {
        check_prj(prj).map_err(whole)?;
    }
    let shapes = read_shapes(parts.shp, parts.shx).map_err(whole)?;
    let rows = read_rows(parts.dbf, parts.cpg, mapping.rule.attribute()).map_err(whole)?;
    if shapes.len() != rows.len() {
        return Err(whole(format!(
            ".shp の図形の数（{}）と .dbf の行の数（{}）が合いません。同じレイヤーのファイルか確かめてください",
            shapes.len(),
            rows.len()
        )));
    }
    let records: Vec<(Shape, Row)> = shapes.into_iter().zip(rows).collect();
    zones_in_parallel(&records, |(shape, row), n| {
        zone_of(shape, row, mapping, layer).map_err(|reason| FeatureError { feature: n, reason })
    })
}

/// Reads the single Shapefile layer in a zip (in any folder). A zip with several layers is an
/// error naming them; read one with [`read_shapefile_zip_entry`].
pub fn read_shapefile_zip(
    zip_bytes: &[u8],
    mapping: &Mapping,
    layer: u32,
) -> Result<Vec<Zone>, Vec<FeatureError>> {
    let whole = |reason: String| vec![FeatureError { feature: 0, reason }];
    let names = zip_names(zip_bytes).map_err(whole)?;
    let shps: Vec<&String> = names.iter().filter(|n| has_ext(n, "shp")).collect();
    match shps.as_slice() {
        [one] => read_shapefile_zip_entry(zip_bytes, one, mapping, layer),
        [] => Err(whole(format!(
            "zip の中にシェープファイル（.shp）がありません（入っているファイル: {}）",
            list(names.iter())
        ))),
        many => Err(whole(format!(
            "zip の中に複数のレイヤー（.shp）があります: {}。読み込むものを1つ選んでください",
            list(many.iter().copied())
        ))),
    }
}

/// The Shapefile layers (.shp paths) in a zip, to choose from.
pub fn shapefiles_in_zip(zip_bytes: &[u8]) -> Result<Vec<String>, FeatureError> {
    let names = zip_names(zip_bytes).map_err(|reason| FeatureError { feature: 0, reason })?;
    Ok(names.into_iter().filter(|n| has_ext(n, "shp")).collect())
}

/// Reads the layer `shp_name` (a path from [`shapefiles_in_zip`]) and its sibling files.
pub fn read_shapefile_zip_entry(
    zip_bytes: &[u8],
    shp_name: &str,
    mapping: &Mapping,
    layer: u32,
) -> Result<Vec<Zone>, Vec<FeatureError>> {
    let whole = |reason: String| vec![FeatureError { feature: 0, reason }];
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes))
        .map_err(|e| whole(format!("zip ファイルとして読めません: {e}")))?;
    let names = zip_names(zip_bytes).map_err(whole)?;
    let stem = shp_name
        .get(..shp_name.len().saturating_sub(4))
        .filter(|_| has_ext(shp_name, "shp"))
        .ok_or_else(|| whole(format!("「{shp_name}」は .shp ではありません")))?;
    let mut inflated = 0u64;
    let mut sibling = |ext: &str| -> Result<Option<Vec<u8>>, String> {
        let want = format!("{stem}.{ext}").to_lowercase();
        match names.iter().find(|n| n.to_lowercase() == want) {
            Some(name) => read_entry(&mut archive, name, &mut inflated).map(Some),
            None => Ok(None),
        }
    };
    let shp = sibling("shp")
        .map_err(whole)?
        .ok_or_else(|| whole(format!("zip の中に「{shp_name}」がありません")))?;
    let dbf = sibling("dbf").map_err(whole)?.ok_or_else(|| {
        whole(format!(
            "「{stem}.dbf」（属性の表）が zip の中にありません。.shp と同じ名前の .dbf が必要です"
        ))
    })?;
    let shx = sibling("shx").map_err(whole)?;
    let cpg = sibling("cpg").map_err(whole)?;
    let prj = sibling("prj").map_err(whole)?;
    let parts = ShapefileParts {
        shp: &shp,
        shx: shx.as_deref(),
        dbf: &dbf,
        cpg: cpg.as_deref(),
        prj: prj.as_deref(),
    };
    read_shapefile(parts, mapping, layer)
}

/// Guards against zip bombs, checked on the sizes the zip declares before anything is
/// inflated, and again while inflating (a zip may lie about its sizes):
/// the largest file taken out of a zip …
const ENTRY_LIMIT: u64 = 1 << 30;
/// … the most one layer's files may inflate to together …
const LAYER_LIMIT: u64 = 3 << 29;
/// … and the highest compression ratio for an entry larger than [`RATIO_FREE`]. Real
/// Shapefiles compress 2–30× (coordinates barely, padded attribute tables more); a bomb
/// compresses thousands of times.
const RATIO_LIMIT: u64 = 100;
const RATIO_FREE: u64 = 16 << 20;

/// Refuses an entry whose declared sizes are out of bounds; `so_far` is what the layer's
/// other files already take.
fn check_declared(name: &str, size: u64, compressed: u64, so_far: u64) -> Result<(), String> {
    let mib = |b: u64| b >> 20;
    if size > ENTRY_LIMIT {
        return Err(format!(
            "zip の中の「{name}」は展開すると {} MB になり、大きすぎます（{} MB まで）",
            mib(size),
            mib(ENTRY_LIMIT)
        ));
    }
    if size > RATIO_FREE && size / compressed.max(1) > RATIO_LIMIT {
        return Err(format!(
            "zip の中の「{name}」は圧縮率が異常です（{} MB が {} KB に圧縮されています）。\
             正しいデータか確かめてください",
            mib(size),
            compressed >> 10
        ));
    }
    if so_far.saturating_add(size) > LAYER_LIMIT {
        return Err(format!(
            "zip の中のレイヤーのファイルは、展開すると合わせて {} MB を超えます",
            mib(LAYER_LIMIT)
        ));
    }
    Ok(())
}

fn has_ext(name: &str, ext: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, e)| e.eq_ignore_ascii_case(ext))
}

fn list<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&str> = names.map(String::as_str).collect();
    if names.is_empty() {
        "なし".into()
    } else {
        names.join("、")
    }
}

/// The files in a zip, without folders and macOS metadata (`__MACOSX/`, `._name`).
fn zip_names(zip_bytes: &[u8]) -> Result<Vec<String>, String> {
    let archive = zip::ZipArchive::new(Cursor::new(zip_bytes))
        .map_err(|e| format!("zip ファイルとして読めません: {e}"))?;
    Ok(archive
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| !n.ends_with('/'))
        .filter(|n| {
            !n.split('/').any(|c| c == "__MACOSX")
                && !n.rsplit('/').next().is_some_and(|b| b.starts_with("._"))
        })
        .map(|n| n.into_owned())
        .collect())
}

fn read_entry(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    so_far: &mut u64,
) -> Result<Vec<u8>, String> {
    let file = archive
        .by_name(name)
        .map_err(|e| format!("zip の中の「{name}」を読めません: {e}"))?;
    let declared = file.size();
    check_declared(name, declared, file.compressed_size(), *so_far)?;
    let mut out = Vec::new();
    // Never more than declared: a zip that lies about a size inflates no further.
    file.take(declared.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| format!("zip の中の「{name}」を読めません: {e}"))?;
    if out.len() as u64 > declared {
        return Err(format!(
            "zip の中の「{name}」は、書かれている大きさより大きく展開されます。壊れているか不正な zip です"
        ));
    }
    *so_far += declared;
    Ok(out)
}

/// A projected or Tokyo-datum .prj is an error; geographic degrees (JGD2011, JGD2000, WGS84)
/// pass. A .prj that names no coordinate system passes too: the coordinate checks still catch
/// metres and swapped axes.
fn check_prj(prj: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(prj);
    let upper = text.to_ascii_uppercase();
    let name = |keyword: &str| {
        upper
            .find(keyword)
            .and_then(|at| text.get(at..))
            .and_then(|rest| rest.split('"').nth(1))
            .unwrap_or("名前なし")
            .to_owned()
    };
    if let Some(kw) = ["PROJCS[", "PROJCRS[", "PROJECTEDCRS["]
        .into_iter()
        .find(|kw| upper.contains(kw))
    {
        return Err(format!(
            "投影座標系（{}）のデータです。読み込めるのは経緯度（JGD2011・JGD2000・WGS84 の度）のデータです（.prj による）",
            name(kw)
        ));
    }
    if let Some(kw) = ["GEOGCS[", "GEOGCRS[", "GEODCRS[", "GEOGRAPHICCRS["]
        .into_iter()
        .find(|kw| upper.contains(kw))
        && upper.contains("TOKYO")
    {
        return Err(format!(
            "旧日本測地系（{}）のデータです。位置が約400mずれるため読み込めません。JGD2011・JGD2000・WGS84 のデータが必要です（.prj による）",
            name(kw)
        ));
    }
    Ok(())
}

/// The encoding a .cpg names (`None`: an empty .cpg, which names nothing).
fn cpg_encoding(cpg: &[u8]) -> Result<Option<&'static Encoding>, String> {
    let label = String::from_utf8_lossy(cpg);
    let label = label.trim_start_matches('\u{feff}').trim();
    let key: String = label
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase();
    let key = key.strip_prefix("ANSI").unwrap_or(&key);
    let found = match key {
        "" => return Ok(None),
        "UTF8" | "65001" => Some(UTF_8),
        "932" | "CP932" | "SJIS" | "SHIFTJIS" | "WINDOWS31J" | "MS932" | "WINDOWS932" | "XSJIS"
        | "MSKANJI" | "CSSHIFTJIS" => Some(SHIFT_JIS),
        digits if digits.bytes().all(|b| b.is_ascii_digit()) => {
            Encoding::for_label(format!("windows-{digits}").as_bytes())
                .or_else(|| Encoding::for_label(format!("cp{digits}").as_bytes()))
        }
        _ => Encoding::for_label(label.as_bytes()),
    };
    // Encodings that are not a code page cannot hold a .dbf's text.
    let text_encoding = |e: &&'static Encoding| {
        e.is_ascii_compatible()
            && *e != encoding_rs::REPLACEMENT
            && *e != encoding_rs::X_USER_DEFINED
    };
    found.filter(text_encoding).map(Some).ok_or_else(|| {
        format!(
            ".cpg の文字コード「{label}」には対応していません（UTF-8 と Shift_JIS（CP932）などを読めます）"
        )
    })
}

fn read_shapes(shp: &[u8], shx: Option<&[u8]>) -> Result<Vec<Shape>, String> {
    let opened = match shx {
        Some(shx) => ShapeReader::with_shx(Cursor::new(shp), Cursor::new(shx)),
        None => ShapeReader::new(Cursor::new(shp)),
    };
    let mut reader = opened.map_err(|e| format!(".shp（図形）を読めません: {e}"))?;
    match reader.header().shape_type {
        ShapeType::Polygon | ShapeType::PolygonZ | ShapeType::PolygonM | ShapeType::NullShape => {}
        other => {
            return Err(format!(
                "面（ポリゴン）のシェープファイルではありません（{other}）"
            ));
        }
    }
    reader
        .iter_shapes()
        .enumerate()
        .map(|(i, s)| {
            s.map_err(|e| {
                format!(
                    ".shp の {} 件目の図形を読めません（途中で切れているか壊れています）: {e}",
                    i + 1
                )
            })
        })
        .collect()
}

/// The mapping's attribute in one record.
#[derive(Clone, Debug)]
enum Value {
    Number(f64),
    Text(String),
}

/// One .dbf record: `None` when deleted (no feature), else the attribute's value (or why it
/// cannot be read).
type Row = Option<Result<Option<Value>, String>>;

/// The attribute `attribute` of every record, decoded as the .cpg says or as found.
fn read_rows(dbf: &[u8], cpg: Option<&[u8]>, attribute: Option<&str>) -> Result<Vec<Row>, String> {
    if let Some(encoding) = cpg.map(cpg_encoding).transpose()?.flatten() {
        return read_rows_as(dbf, encoding, false, attribute)?
            .ok_or_else(|| "文字コードを判定できません".to_owned());
    }
    let probe = ReaderBuilder::new()
        .with_encoding(EncodingRs::from(UTF_8))
        .build(Cursor::new(dbf))
        .map_err(|e| format!(".dbf（属性の表）を読めません: {e}"))?;
    if probe.header().code_page_mark != CodePageMark::CP932
        && let Some(rows) = read_rows_as(dbf, UTF_8, true, attribute)?
    {
        return Ok(rows);
    }
    read_rows_as(dbf, SHIFT_JIS, false, attribute)?
        .ok_or_else(|| "文字コードを判定できません".to_owned())
}

/// Reads the rows as `encoding`. With `probing`, any text that is not in that encoding stops
/// the reading (`Ok(None)`), to try another; otherwise text that does not decode in the
/// attribute is that record's error.
fn read_rows_as(
    dbf: &[u8],
    encoding: &'static Encoding,
    probing: bool,
    attribute: Option<&str>,
) -> Result<Option<Vec<Row>>, String> {
    let cannot = |e: dbase::Error| format!(".dbf（属性の表）を読めません: {e}");
    let mut reader = ReaderBuilder::new()
        .with_encoding(EncodingRs::from(encoding))
        .build(Cursor::new(dbf))
        .map_err(cannot)?;
    let names: Vec<String> = reader
        .fields()
        .iter()
        .map(|f| f.name().to_owned())
        .collect();
    if probing && names.iter().any(|n| n.contains('\u{FFFD}')) {
        return Ok(None);
    }
    let column = match attribute {
        None => None,
        Some(a) => Some(find_column(&names, a)?),
    };
    let header = *reader.header();
    let (start, size) = (
        usize::from(header.offset_to_first_record),
        usize::from(header.size_of_record),
    );
    let count = header.num_records as usize;
    let mut records = reader.iter_records();
    let mut rows: Vec<Row> = Vec::with_capacity(count);
    for i in 0..count {
        // The reader skips deleted records; their shapes are skipped too, numbers kept.
        if dbf.get(start + i * size) == Some(&b'*') {
            rows.push(None);
            continue;
        }
        let record = match records.next() {
            None => return Err(".dbf（属性の表）が途中で切れています".into()),
            Some(Err(e)) if matches!(e.kind(), ErrorKind::IoError(_)) => {
                return Err(format!(".dbf（属性の表）が途中で切れています: {e}"));
            }
            Some(Err(e)) => {
                rows.push(Some(Err(format!("属性を読めません: {e}"))));
                continue;
            }
            Some(Ok(r)) => r,
        };
        let bad_text = |v: &FieldValue| match v {
            FieldValue::Character(Some(s)) | FieldValue::Memo(s) => s.contains('\u{FFFD}'),
            _ => false,
        };
        if probing && record.as_ref().values().any(bad_text) {
            return Ok(None);
        }
        let Some(column) = column else {
            rows.push(Some(Ok(None)));
            continue;
        };
        let value = match record.get(column) {
            Some(v) if bad_text(v) => Err(format!(
                "{column} に {} として読めない文字があります",
                encoding.name()
            )),
            Some(v) => Ok(value_of(v)),
            None => Ok(None),
        };
        rows.push(Some(value));
    }
    Ok(Some(rows))
}

/// The table's column for the attribute: its exact name, else compared loosely.
fn find_column<'a>(names: &'a [String], attribute: &str) -> Result<&'a str, String> {
    let want = loose_name(attribute);
    names
        .iter()
        .find(|n| n.as_str() == attribute)
        .or_else(|| names.iter().find(|n| loose_name(n) == want))
        .map(String::as_str)
        .ok_or_else(|| {
            format!(
                "属性「{attribute}」が .dbf にありません（ある属性: {}）",
                list(names.iter())
            )
        })
}

fn value_of(v: &FieldValue) -> Option<Value> {
    match v {
        FieldValue::Character(Some(s)) | FieldValue::Memo(s) => Some(Value::Text(s.clone())),
        FieldValue::Numeric(Some(x)) | FieldValue::Double(x) | FieldValue::Currency(x) => {
            Some(Value::Number(*x))
        }
        FieldValue::Float(Some(x)) => Some(Value::Number(f64::from(*x))),
        FieldValue::Integer(i) => Some(Value::Number(f64::from(*i))),
        _ => None,
    }
}

/// One record → a zone (`None`: deleted, or not a zone of this mapping).
fn zone_of(
    shape: &Shape,
    row: &Row,
    mapping: &Mapping,
    layer: u32,
) -> Result<Option<Zone>, String> {
    let Some(value) = row else {
        return Ok(None);
    };
    let value = value.as_ref().map_err(Clone::clone)?;
    let attr = |_: &str| {
        value.as_ref().map(|v| match v {
            Value::Number(x) => Attr::Number(*x),
            Value::Text(s) => Attr::Text(s),
        })
    };
    let Some(severity) = severity_of(&mapping.rule, attr)? else {
        return Ok(None);
    };
    let polys = polygons(rings(shape)?)?;
    zone(polys, severity, mapping, layer).map(Some)
}

/// A record's rings as (outer?, points).
type Rings = Vec<(bool, Vec<Coord<f64>>)>;

/// The rings of a polygon record.
fn rings(shape: &Shape) -> Result<Rings, String> {
    fn of<P>(rings: &[PolygonRing<P>], xy: impl Fn(&P) -> Coord<f64>) -> Rings {
        rings
            .iter()
            .map(|r| {
                let outer = matches!(r, PolygonRing::Outer(_));
                (outer, r.points().iter().map(&xy).collect())
            })
            .collect()
    }
    match shape {
        Shape::Polygon(p) => Ok(of(p.rings(), |p| Coord { x: p.x, y: p.y })),
        Shape::PolygonZ(p) => Ok(of(p.rings(), |p| Coord { x: p.x, y: p.y })),
        Shape::PolygonM(p) => Ok(of(p.rings(), |p| Coord { x: p.x, y: p.y })),
        Shape::NullShape => Err("図形がありません".into()),
        other => Err(format!("面ではない図形です（{}）", other.shapetype())),
    }
}

/// Outer rings with their holes: each hole goes to the smallest outer ring containing it.
fn polygons(rings: Rings) -> Result<Vec<Polygon<f64>>, String> {
    if rings.is_empty() {
        return Err("ポリゴンに輪郭がありません".into());
    }
    let mut outers: Vec<(Polygon<f64>, f64)> = Vec::new();
    let mut holes: Vec<LineString<f64>> = Vec::new();
    for (outer, coords) in rings {
        let ring = checked_ring(coords)?;
        if outer {
            let p = Polygon::new(ring, vec![]);
            let area = p.unsigned_area();
            outers.push((p, area));
        } else {
            holes.push(ring);
        }
    }
    let mut order: Vec<usize> = (0..outers.len()).collect();
    order.sort_by(|a, b| outers[*a].1.total_cmp(&outers[*b].1));
    let mut orphans = Vec::new();
    for hole in holes {
        let home = order
            .iter()
            .copied()
            .find(|&i| contains_ring(&outers[i].0, &hole));
        match home {
            Some(i) => outers[i].0.interiors_push(hole),
            None if outers.iter().any(|(p, _)| p.exterior().intersects(&hole)) => {
                return Err("穴（反時計回りの輪郭）が外周からはみ出しています".into());
            }
            None if outers
                .iter()
                .any(|(p, _)| contains_ring(&Polygon::new(hole.clone(), vec![]), p.exterior())) =>
            {
                return Err(
                    "輪郭の向きが逆です（外周は時計回り、穴は反時計回りで書かれている必要があります）"
                        .into(),
                );
            }
            None => orphans.push(Polygon::new(hole, vec![])),
        }
    }
    Ok(outers.into_iter().map(|(p, _)| p).chain(orphans).collect())
}

/// Is the hole inside the outer ring? Decided by its first vertex not on the outer boundary
/// (a hole crossing the boundary is caught afterwards by the validity check).
fn contains_ring(outer: &Polygon<f64>, hole: &LineString<f64>) -> bool {
    let (Some(o), Some(h)) = (outer.bounding_rect(), hole.bounding_rect()) else {
        return false;
    };
    if h.min().x < o.min().x
        || h.min().y < o.min().y
        || h.max().x > o.max().x
        || h.max().y > o.max().y
    {
        return false;
    }
    hole.0
        .iter()
        .map(|c| outer.coordinate_position(c))
        .find(|p| *p != CoordPos::OnBoundary)
        .is_none_or(|p| p == CoordPos::Inside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_sizes_are_bounded_before_inflating() {
        assert!(check_declared("a.shp", 200 << 20, 80 << 20, 0).is_ok());
        // Small entries may compress as well as they like (a .prj, an empty .dbf).
        assert!(check_declared("a.prj", 1 << 20, 10, 0).is_ok());
        let big = check_declared("a.shp", 2 << 30, 1 << 30, 0).expect_err("too big");
        assert!(big.contains("大きすぎます"), "{big}");
        let bomb = check_declared("a.shp", 1 << 30, 1 << 20, 0).expect_err("ratio");
        assert!(bomb.contains("圧縮率"), "{bomb}");
        let layer = check_declared("a.dbf", 800 << 20, 400 << 20, 800 << 20).expect_err("sum");
        assert!(layer.contains("合わせて"), "{layer}");
    }
}
