//! The MLIT address reference points (国土交通省 位置参照情報), as published per prefecture:
//! CP932, CRLF, every field quoted. Two levels, told apart by their headers: block level
//! (街区レベル, 14 columns) and town level (大字・町丁目レベル, 10 columns). Coordinates are
//! read from 緯度/経度 (decimal degrees, JGD2011); the plane-rectangular X/Y are not used.
//! Every bad row is reported with its line and reason; the caller decides whether to apply
//! the good rows or none.

use crate::table::{self, RowError, normalise_header};
use crate::{Encoding, FileError, decode};
use std::collections::HashMap;
use std::ops::RangeInclusive;
use tsunagi_gis::geocode::{AddressPoint, Level};

/// 街区レベル columns, in the published order. Headers are matched by name (NFKC, so the
/// full-width Ｘ/Ｙ of the published header and a half-width X/Y both match).
pub const BLOCK_COLUMNS: &[&str] = &[
    "都道府県名",
    "市区町村名",
    "大字・丁目名",
    "小字・通称名",
    "街区符号・地番",
    "座標系番号",
    "Ｘ座標",
    "Ｙ座標",
    "緯度",
    "経度",
    "住居表示フラグ",
    "代表フラグ",
    "更新前履歴フラグ",
    "更新後履歴フラグ",
];
const BLOCK_REQUIRED: &[&str] = &[
    "都道府県名",
    "市区町村名",
    "大字・丁目名",
    "街区符号・地番",
    "緯度",
    "経度",
];

/// 大字・町丁目レベル columns, in the published order.
pub const TOWN_COLUMNS: &[&str] = &[
    "都道府県コード",
    "都道府県名",
    "市区町村コード",
    "市区町村名",
    "大字町丁目コード",
    "大字町丁目名",
    "緯度",
    "経度",
    "原典資料コード",
    "大字・字・丁目区分コード",
];
const TOWN_REQUIRED: &[&str] = &["都道府県名", "市区町村名", "大字町丁目名", "緯度", "経度"];

/// The header that tells each level apart.
const BLOCK_MARKER: &str = "街区符号・地番";
const TOWN_MARKER: &str = "大字町丁目名";

/// Japan's extent with its remote islands (decimal degrees).
const LAT_RANGE: RangeInclusive<f64> = 20.0..=46.0;
const LON_RANGE: RangeInclusive<f64> = 122.0..=154.5;

/// A whole file, read.
#[derive(Debug)]
pub struct AddressPointFile {
    pub level: Level,
    pub encoding: Encoding,
    pub points: Vec<AddressPoint>,
    pub errors: Vec<RowError>,
    pub ignored_columns: Vec<String>,
}

/// Reads a 位置参照情報 file of either level. Where a block appears more than once, the row
/// with 代表フラグ=1 is kept (else the first).
pub fn parse(bytes: &[u8], encoding: Encoding) -> Result<AddressPointFile, FileError> {
    let (text, encoding) = decode(bytes, encoding)?;
    let level = detect(&text)?;
    let (columns, required, town_column) = match level {
        Level::Block => (BLOCK_COLUMNS, BLOCK_REQUIRED, "大字・丁目名"),
        Level::Town => (TOWN_COLUMNS, TOWN_REQUIRED, TOWN_MARKER),
    };
    let known: Vec<(&str, &[&str])> = columns.iter().map(|c| (*c, &[] as &[&str])).collect();
    let t = table::read(&text, &known, required, &HashMap::new())?;
    let mut errors = t.errors;
    let mut points: Vec<AddressPoint> = Vec::with_capacity(t.rows.len());
    let mut representative: Vec<bool> = Vec::with_capacity(t.rows.len());
    let mut seen: HashMap<[String; 5], usize> = HashMap::new();
    for (line, cells) in t.rows {
        let get = |k: &str| cells.get(k).map(String::as_str).unwrap_or("");
        let mut problems: Vec<(Option<&str>, String)> = Vec::new();
        for col in required {
            if get(col).is_empty() && *col != "緯度" && *col != "経度" {
                problems.push((Some(col), format!("{col}が空です")));
            }
        }
        let lat = number(get("緯度"), "緯度");
        let lon = number(get("経度"), "経度");
        let position = match (lat, lon) {
            (Ok(lat), Ok(lon)) => match check_position(lat, lon) {
                Ok(()) => Some((lat, lon)),
                Err(m) => {
                    problems.push((None, m));
                    None
                }
            },
            (lat, lon) => {
                for (col, r) in [("緯度", lat), ("経度", lon)] {
                    if let Err(m) = r {
                        problems.push((Some(col), m));
                    }
                }
                None
            }
        };
        let Some((lat, lon)) = position.filter(|_| problems.is_empty()) else {
            errors.extend(problems.into_iter().map(|(column, message)| RowError {
                line,
                column: column.map(str::to_owned),
                message,
            }));
            continue;
        };
        let optional = |k: &str| Some(get(k).to_owned()).filter(|s| !s.is_empty());
        let point = AddressPoint {
            level,
            prefecture: get("都道府県名").to_owned(),
            municipality: get("市区町村名").to_owned(),
            town: get(town_column).to_owned(),
            koaza: optional("小字・通称名").filter(|_| level == Level::Block),
            block: optional(BLOCK_MARKER).filter(|_| level == Level::Block),
            lon,
            lat,
        };
        let is_representative = is_one(get("代表フラグ"));
        let key = [
            point.prefecture.clone(),
            point.municipality.clone(),
            point.town.clone(),
            point.koaza.clone().unwrap_or_default(),
            point.block.clone().unwrap_or_default(),
        ];
        match seen.get(&key) {
            Some(&i) => {
                // The same block again: the representative point (代表フラグ=1) wins.
                if is_representative && !representative.get(i).copied().unwrap_or(true) {
                    if let Some(slot) = points.get_mut(i) {
                        *slot = point;
                    }
                    if let Some(r) = representative.get_mut(i) {
                        *r = true;
                    }
                }
            }
            None => {
                seen.insert(key, points.len());
                points.push(point);
                representative.push(is_representative);
            }
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(AddressPointFile {
        level,
        encoding,
        points,
        errors,
        ignored_columns: t.ignored,
    })
}

/// The level, from the header row.
fn detect(text: &str) -> Result<Level, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.records().next() {
        Some(Ok(r)) => r.iter().map(normalise_header).collect(),
        Some(Err(e)) => {
            return Err(FileError::Malformed {
                line: 1,
                message: e.to_string(),
            });
        }
        None => return Err(FileError::Empty),
    };
    if headers.iter().all(String::is_empty) {
        return Err(FileError::Empty);
    }
    let has = |name: &str| headers.iter().any(|h| *h == normalise_header(name));
    if has(BLOCK_MARKER) {
        Ok(Level::Block)
    } else if has(TOWN_MARKER) {
        Ok(Level::Town)
    } else {
        Err(FileError::MissingColumns(format!(
            "{BLOCK_MARKER}（街区レベル）または {TOWN_MARKER}（大字・町丁目レベル）。位置参照情報のファイルか確認してください"
        )))
    }
}

/// A decimal number cell (any width).
fn number(cell: &str, name: &str) -> Result<f64, String> {
    let t = normalise_header(cell);
    if t.is_empty() {
        return Err(format!("{name}が空です"));
    }
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{name}「{cell}」は数値ではありません"))
}

fn is_one(cell: &str) -> bool {
    normalise_header(cell) == "1"
}

/// Checks a position lies in Japan, and says so when latitude and longitude look swapped.
fn check_position(lat: f64, lon: f64) -> Result<(), String> {
    if LAT_RANGE.contains(&lat) && LON_RANGE.contains(&lon) {
        return Ok(());
    }
    if LAT_RANGE.contains(&lon) && LON_RANGE.contains(&lat) {
        return Err(format!(
            "緯度と経度が入れ替わっているようです（緯度 {lat}、経度 {lon}）"
        ));
    }
    Err(format!(
        "座標が日本の範囲外です（緯度 {lat}、経度 {lon}）: 緯度は20〜46度、経度は122〜154.5度です"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tsunagi_gis::geocode::Geocoder;

    /// Quotes every field and joins with CRLF, then encodes as CP932, as published.
    fn cp932(rows: &[&[&str]]) -> Vec<u8> {
        let text: String = rows
            .iter()
            .map(|r| {
                let cells: Vec<String> = r.iter().map(|c| format!("\"{c}\"")).collect();
                format!("{}\r\n", cells.join(","))
            })
            .collect();
        let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
        assert!(!unmappable);
        bytes.into_owned()
    }

    #[rustfmt::skip]
    fn block_row<'a>(town: &'a str, koaza: &'a str, block: &'a str, lat: &'a str, lon: &'a str, rep: &'a str) -> [&'a str; 14] {
        ["高知県", "潮見市", town, koaza, block, "4", "61234.5", "12345.6", lat, lon, "1", rep, "0", "0"]
    }

    fn block_file() -> Vec<u8> {
        cp932(&[
            BLOCK_COLUMNS,
            &block_row("本町一丁目", "", "5", "33.561", "133.531", "1"),
            &block_row("本町一丁目", "", "6", "33.562", "133.532", "1"),
            &block_row("本町一丁目", "", "6", "33.000", "133.000", "0"),
            &block_row("本町一丁目", "", "7", "33.100", "133.100", "0"),
            &block_row("本町一丁目", "", "7", "33.563", "133.533", "1"),
            &block_row("中村", "東", "123", "33.570", "133.540", "1"),
            &block_row("髙須", "", "1", "33.580", "133.550", "1"),
        ])
    }

    #[test]
    fn a_block_level_file_as_published() {
        let f = parse(&block_file(), Encoding::Auto).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.level, Level::Block);
        assert_eq!(f.encoding, Encoding::ShiftJis);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert!(f.ignored_columns.is_empty());
        assert_eq!(f.points.len(), 5);
        let p = &f.points[0];
        assert_eq!(
            (
                p.prefecture.as_str(),
                p.municipality.as_str(),
                p.town.as_str()
            ),
            ("高知県", "潮見市", "本町一丁目")
        );
        assert_eq!((p.block.as_deref(), p.koaza.as_deref()), (Some("5"), None));
        assert_eq!((p.lat, p.lon), (33.561, 133.531));
        // The representative row wins whichever comes first.
        assert_eq!(f.points[1].lat, 33.562);
        assert_eq!(f.points[2].lat, 33.563);
        assert_eq!(f.points[3].koaza.as_deref(), Some("東"));
        assert_eq!(f.points[4].town, "髙須");
    }

    #[test]
    fn a_town_level_file_as_published() {
        let bytes = cp932(&[
            TOWN_COLUMNS,
            &[
                "39",
                "高知県",
                "39210",
                "潮見市",
                "392100001001",
                "本町一丁目",
                "33.5600",
                "133.5300",
                "1",
                "3",
            ],
            &[
                "39",
                "高知県",
                "39210",
                "潮見市",
                "392100002000",
                "大字中村",
                "33.5700",
                "133.5400",
                "1",
                "1",
            ],
            &[
                "39",
                "高知県",
                "39210",
                "潮見市",
                "392100003000",
                "港町",
                "33.5800",
                "133.5500",
                "1",
                "0",
            ],
        ]);
        let f = parse(&bytes, Encoding::ShiftJis).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.level, Level::Town);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert_eq!(f.points.len(), 3);
        assert_eq!(f.points[1].town, "大字中村");
        assert_eq!(
            (f.points[1].block.as_deref(), f.points[1].koaza.as_deref()),
            (None, None)
        );
    }

    #[test]
    fn every_bad_row_is_reported_with_line_and_reason() {
        let bytes = cp932(&[
            BLOCK_COLUMNS,
            &block_row("本町一丁目", "", "1", "33.5", "133.5", "1"),
            &block_row("本町一丁目", "", "2", "", "133.5", "1"),
            &block_row("本町一丁目", "", "3", "北緯33", "133.5", "1"),
            &block_row("本町一丁目", "", "4", "133.5", "33.5", "1"),
            &block_row("本町一丁目", "", "5", "51.5", "-0.1", "1"),
            &block_row("", "", "6", "33.5", "133.5", "1"),
            &block_row("本町一丁目", "", "", "33.5", "133.5", "1"),
            &block_row("本町一丁目", "", "8", "NaN", "133.5", "1"),
        ]);
        let f = parse(&bytes, Encoding::Auto).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.points.len(), 1);
        let got: Vec<(u64, Option<&str>)> = f
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, Some("緯度")),
                (4, Some("緯度")),
                (5, None),
                (6, None),
                (7, Some("大字・丁目名")),
                (8, Some("街区符号・地番")),
                (9, Some("緯度")),
            ]
        );
        assert!(f.errors[0].message.contains("空"));
        assert!(f.errors[1].message.contains("数値ではありません"));
        assert!(f.errors[2].message.contains("入れ替わって"));
        assert!(f.errors[3].message.contains("範囲外"));
    }

    #[test]
    fn other_files_and_short_rows() {
        let not_mlit = cp932(&[&["氏名", "住所"], &["山田", "潮見市"]]);
        assert!(matches!(
            parse(&not_mlit, Encoding::Auto),
            Err(FileError::MissingColumns(_))
        ));
        assert_eq!(parse(b"", Encoding::Auto).err(), Some(FileError::Empty));
        let mut short = block_file();
        short.extend_from_slice(&encoding_rs::SHIFT_JIS.encode("\"高知県\",\"潮見市\"\r\n").0);
        let f = parse(&short, Encoding::Auto).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.errors.len(), 1);
        assert_eq!(f.errors[0].line, 9);
        // Half-width X/Y headers are the same columns.
        let text = "都道府県名,市区町村名,大字・丁目名,街区符号・地番,X座標,緯度,経度,備考\r\n高知県,潮見市,港町,1,0,33.5,133.5,x\r\n";
        let f = parse(text.as_bytes(), Encoding::Auto).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (f.points.len(), f.ignored_columns.clone()),
            (1, vec!["備考".to_owned()])
        );
    }

    #[test]
    fn parse_then_geocode_end_to_end() {
        let mut points = parse(&block_file(), Encoding::Auto)
            .unwrap_or_else(|e| panic!("{e}"))
            .points;
        let towns = cp932(&[
            TOWN_COLUMNS,
            &[
                "39",
                "高知県",
                "39210",
                "潮見市",
                "392100001001",
                "本町一丁目",
                "33.5600",
                "133.5300",
                "1",
                "3",
            ],
        ]);
        points.extend(
            parse(&towns, Encoding::Auto)
                .unwrap_or_else(|e| panic!("{e}"))
                .points,
        );
        let g = Geocoder::new(&points);
        assert_eq!(g.len(), 6);
        let hit = g.locate("高知県潮見市本町１丁目６－３　ハイツ潮見２０１");
        let hit = hit.unwrap_or_else(|| panic!("not found"));
        assert_eq!(
            (hit.level, hit.matched.as_str()),
            (Level::Block, "高知県潮見市本町一丁目6")
        );
        assert_eq!((hit.lat, hit.lon), (33.562, 133.532));
        let town = g
            .locate("潮見市本町一丁目99番地")
            .unwrap_or_else(|| panic!("not found"));
        assert_eq!((town.level, town.lat), (Level::Town, 33.56));
        assert_eq!(g.locate("高須1").map(|l| l.level), Some(Level::Block));
        assert_eq!(
            g.locate("大字中村字東123番地").map(|l| l.matched),
            Some("高知県潮見市中村東123".into())
        );
        assert_eq!(g.locate("潮見市新町1-1"), None);
    }
}
