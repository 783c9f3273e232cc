//! Shelter lists as municipalities already publish them: the designated emergency evacuation
//! places (指定緊急避難場所) and designated shelters (指定避難所), in the Digital Agency's
//! standard open dataset (自治体標準オープンデータセット) or the GSI's (国土地理院) national CSVs.
//! The format is detected from the header row; columns are matched by name, blank and unknown
//! columns are ignored, and every bad row is reported with its line and reason.

use crate::table::{self, RowError, normalise_header};
use crate::{Encoding, FileError, decode};
use columns::{
    Column, DA_COLUMNS, DA_MARKERS, Field, GSI_COLUMNS, GSI_MARKERS, HAZARDS, columns_of,
};
use std::collections::{HashMap, HashSet};
use tsunagi_domain::text::normalise_kana;
use unicode_normalization::UnicodeNormalization;

/// Which published list a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ShelterFormat {
    /// デジタル庁 自治体標準オープンデータセット「指定緊急避難場所一覧」
    DigitalAgencyEmergency,
    /// デジタル庁 自治体標準オープンデータセット「指定避難所一覧」
    DigitalAgencyShelter,
    /// 国土地理院 指定緊急避難場所データ (mergeFromCity_2.csv and per-municipality files)
    GsiEmergency,
    /// 国土地理院 指定避難所データ (mergeFromCity_1.csv and per-municipality files)
    GsiShelter,
}

impl ShelterFormat {
    pub fn label(self) -> &'static str {
        match self {
            Self::DigitalAgencyEmergency => {
                "指定緊急避難場所一覧（自治体標準オープンデータセット）"
            }
            Self::DigitalAgencyShelter => "指定避難所一覧（自治体標準オープンデータセット）",
            Self::GsiEmergency => "指定緊急避難場所データ（国土地理院）",
            Self::GsiShelter => "指定避難所データ（国土地理院）",
        }
    }

    fn is_gsi(self) -> bool {
        matches!(self, Self::GsiEmergency | Self::GsiShelter)
    }

    fn is_emergency_list(self) -> bool {
        matches!(self, Self::DigitalAgencyEmergency | Self::GsiEmergency)
    }
}

/// The hazards a place is designated for (災害種別), in the law's order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShelterSuits {
    pub flood: bool,
    pub landslide: bool,
    pub storm_surge: bool,
    pub earthquake: bool,
    pub tsunami: bool,
    pub large_fire: bool,
    pub inland_flood: bool,
    pub volcano: bool,
}

impl ShelterSuits {
    /// The flags in [`HAZARDS`] order.
    #[rustfmt::skip]
    fn slots(&mut self) -> [&mut bool; 8] {
        [&mut self.flood, &mut self.landslide, &mut self.storm_surge, &mut self.earthquake,
            &mut self.tsunami, &mut self.large_fire, &mut self.inland_flood, &mut self.volcano]
    }
}

/// One valid row.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ShelterRow {
    pub line: u64,
    /// ID (Digital Agency: as published, often empty or the GSI 共通ID) or 共通ID (GSI).
    pub external_id: Option<String>,
    /// As published (trimmed).
    pub name: String,
    /// The reading normalised to full-width katakana (half-width and hiragana readings are
    /// converted; spaces become one ideographic space).
    pub name_kana: Option<String>,
    /// As published, with the building (方書) appended; Digital Agency files with an empty
    /// 所在地_連結表記 get the split address columns joined.
    pub address: String,
    pub lon: f64,
    pub lat: f64,
    pub suits: ShelterSuits,
    /// 指定緊急避難場所 (from the list itself, or 指定緊急避難場所との重複/住所同一).
    pub emergency_place: bool,
    /// 指定避難所 (from the list itself, or 指定避難所との重複/住所同一).
    pub shelter: bool,
    /// 福祉避難所 (a 福祉避難所 flag, or 受入対象者 naming 要配慮者).
    pub welfare: bool,
    /// 想定収容人数 when a number could be read from it.
    pub capacity: Option<u32>,
    /// 想定収容人数 as published when it is more than a plain number (`約100人`, `100〜200`).
    pub capacity_text: Option<String>,
    pub phone: Option<String>,
    /// 対象となる町会・自治会, one name each.
    pub communities: Vec<String>,
    pub note: Option<String>,
}

/// A whole file, read.
#[derive(Debug)]
pub struct ShelterFile {
    pub format: ShelterFormat,
    pub encoding: Encoding,
    pub rows: Vec<ShelterRow>,
    pub errors: Vec<RowError>,
    pub ignored_columns: Vec<String>,
}

/// Flag cells (1 or empty in the specifications; the rest as real files write them).
const FLAG_TRUE: &[&str] = &["1", "○", "◯", "〇", "true"];
const FLAG_FALSE: &[&str] = &["", "0", "false"];

/// Qualifiers around a capacity written as text (約100人, 100名程度), stripped before reading.
const CAPACITY_PREFIXES: &[&str] = &["約", "概ね", "おおむね", "最大"];
const CAPACITY_SUFFIXES: &[&str] = &["人程度", "名程度", "程度", "人", "名"];

/// Japan's extent, with its remote islands (decimal degrees).
const LAT_RANGE: std::ops::RangeInclusive<f64> = 20.0..=46.0;
const LON_RANGE: std::ops::RangeInclusive<f64> = 122.0..=154.5;

/// How many leading lines may hold a title before the header row.
const HEADER_SEARCH: usize = 5;

fn matches_column(header: &str, (canonical, aliases, _): &Column) -> bool {
    normalise_header(canonical) == header || aliases.iter().any(|a| normalise_header(a) == header)
}

/// The meanings a normalised header row holds under one layout.
fn fields_of(headers: &[String], columns: &[Column]) -> HashSet<Field> {
    headers
        .iter()
        .filter_map(|h| columns.iter().find(|c| matches_column(h, c)).map(|c| c.2))
        .collect()
}

fn is_hazard_header(h: &str) -> bool {
    let bare = h.strip_prefix("災害種別_").unwrap_or(h);
    HAZARDS.iter().any(|z| normalise_header(z) == bare)
}

/// Detects the format from a normalised header row.
fn detect(headers: &[String]) -> Option<ShelterFormat> {
    let has = |names: &[&str]| {
        headers
            .iter()
            .any(|h| names.iter().any(|n| normalise_header(n) == *h))
    };
    let hazard = |f: &HashSet<Field>| f.iter().any(|f| matches!(f, Field::Hazard(_)));
    if has(GSI_MARKERS) {
        let f = fields_of(headers, GSI_COLUMNS);
        if hazard(&f) || f.contains(&Field::AlsoShelter) {
            return Some(ShelterFormat::GsiEmergency);
        }
        let shelter = [Field::AlsoEmergency, Field::Accepts, Field::Other];
        return shelter
            .iter()
            .any(|s| f.contains(s))
            .then_some(ShelterFormat::GsiShelter);
    }
    if has(DA_MARKERS) || headers.iter().any(|h| h.starts_with("災害種別_")) {
        let f = fields_of(headers, DA_COLUMNS);
        let shelter = [Field::AlsoEmergency, Field::Welfare, Field::Accepts];
        // The emergency list must say per-hazard suitability; the shelter list need not.
        let emergency = !shelter.iter().any(|s| f.contains(s))
            && (hazard(&f) || f.contains(&Field::AlsoShelter));
        return Some(if emergency {
            ShelterFormat::DigitalAgencyEmergency
        } else {
            ShelterFormat::DigitalAgencyShelter
        });
    }
    None
}

/// The header found among the first lines; `text` is the file rebuilt to start with it when
/// it is not simply the first line, and `shift` turns the rebuilt text's lines back into the
/// file's.
struct Header {
    format: ShelterFormat,
    text: Option<String>,
    shift: u64,
}

const UNRECOGNISED: &str = "避難所の一覧として読める見出し行が先頭にありません。\
         自治体標準オープンデータセットなら「名称」「緯度」「経度」（指定緊急避難場所一覧は「災害種別_洪水」など、\
         指定避難所一覧は「想定収容人数」など）、\
         国土地理院の指定緊急避難場所なら「施設・場所名」「住所」「洪水」…「火山現象」「緯度」「経度」、\
         指定避難所なら「施設・場所名」「住所」「受入対象者」「緯度」「経度」の列が必要です";

/// Older GSI files put the hazard names on a second header line, under 災害種別.
fn merge_sub_header(top: &[String], next: &[String]) -> Option<Vec<String>> {
    let hazards = next
        .iter()
        .filter(|c| is_hazard_header(&normalise_header(c)));
    (hazards.count() >= 2).then(|| {
        let pick = |j: usize| {
            next.get(j)
                .filter(|s| !s.is_empty())
                .or(top.get(j))
                .cloned()
        };
        (0..top.len().max(next.len()))
            .map(|j| pick(j).unwrap_or_default())
            .collect()
    })
}

fn find_header(text: &str) -> Result<Header, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records: Vec<(Vec<String>, u64)> = Vec::new();
    for record in reader.records().take(HEADER_SEARCH + 2) {
        // A malformed line is reported by `table::read` with its line number.
        let Ok(r) = record else { break };
        let byte = r.position().map(|p| p.byte()).unwrap_or(0);
        records.push((r.iter().map(|c| c.trim().to_owned()).collect(), byte));
    }
    if records.iter().all(|(r, _)| r.iter().all(String::is_empty)) {
        return Err(FileError::Empty);
    }
    for i in 0..records.len().min(HEADER_SEARCH) {
        let top = &records[i].0;
        let merged = records
            .get(i + 1)
            .and_then(|(next, _)| merge_sub_header(top, next));
        let used = if merged.is_some() { 2 } else { 1 };
        let cells = merged.unwrap_or_else(|| top.clone());
        let normalised: Vec<String> = cells.iter().map(|c| normalise_header(c)).collect();
        let Some(format) = detect(&normalised) else {
            continue;
        };
        if i == 0 && used == 1 {
            return Ok(Header {
                format,
                text: None,
                shift: 0,
            });
        }
        let start = records
            .get(i + used)
            .map(|r| usize::try_from(r.1).unwrap_or(usize::MAX))
            .unwrap_or(text.len());
        let rest = text.get(start..).unwrap_or("");
        let rest = rest.trim_start_matches(['\r', '\n']);
        let first_data_line = text[..text.len() - rest.len()].matches('\n').count() as u64 + 1;
        let header_line: Vec<String> = cells
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect();
        return Ok(Header {
            format,
            text: Some(format!("{}\n{rest}", header_line.join(","))),
            shift: first_data_line.saturating_sub(2),
        });
    }
    Err(FileError::MissingColumns(UNRECOGNISED.into()))
}

/// Reads a shelter list in any of the four published shapes. Every bad row is reported with
/// its line and reason; valid rows are returned for the caller to apply (all or nothing, or
/// only the good ones, as the user chooses).
pub fn parse(bytes: &[u8], encoding: Encoding) -> Result<ShelterFile, FileError> {
    let (text, encoding) = decode(bytes, encoding)?;
    let header = find_header(&text)?;
    let (format, shift) = (header.format, header.shift);
    let columns = columns_of(format);
    let known: Vec<(&str, &[&str])> = columns.iter().map(|(c, a, _)| (*c, *a)).collect();
    let name = columns
        .iter()
        .find(|c| c.2 == Field::Name)
        .map_or("名称", |c| c.0);
    let body = header.text.as_deref().unwrap_or(&text);
    let t = table::read(body, &known, &[name, "緯度", "経度"], &HashMap::new()).map_err(
        |e| match e {
            FileError::MissingColumns(m) => {
                FileError::MissingColumns(format!("{m}（{}として読んでいます）", format.label()))
            }
            FileError::Malformed { line, message } => FileError::Malformed {
                line: line + shift,
                message,
            },
            other => other,
        },
    )?;
    let names: HashMap<Field, &'static str> = columns
        .iter()
        .filter(|(c, _, f)| *f != Field::Unused && t.columns.iter().any(|p| p == c))
        .map(|(c, _, f)| (*f, *c))
        .collect();
    let mut errors = t.errors;
    for e in &mut errors {
        e.line += shift;
    }
    let mut rows = Vec::with_capacity(t.rows.len());
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for (line, cells) in t.rows {
        let line = line + shift;
        let mut cells = Cells {
            cells: &cells,
            names: &names,
            errors: Vec::new(),
        };
        let row = read_row(format, &mut cells, line);
        let code = cells.get(Field::Code).to_owned();
        let mut problems = cells.errors;
        if let Some(id) = row.external_id.clone() {
            let key = (code, id);
            if !seen.insert(key.clone()) {
                let column = names.get(&Field::Id).map(|c| (*c).to_owned());
                problems.push((column, format!("ID {} がファイル内で重複しています", key.1)));
            }
        }
        if problems.is_empty() {
            rows.push(row);
        } else {
            errors.extend(problems.into_iter().map(|(column, message)| RowError {
                line,
                column,
                message,
            }));
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(ShelterFile {
        format,
        encoding,
        rows,
        errors,
        ignored_columns: t.ignored,
    })
}

/// One row's cells by meaning, collecting its problems.
struct Cells<'a> {
    cells: &'a HashMap<String, String>,
    names: &'a HashMap<Field, &'static str>,
    errors: Vec<(Option<String>, String)>,
}

impl<'a> Cells<'a> {
    fn get(&self, f: Field) -> &'a str {
        self.names
            .get(&f)
            .and_then(|c| self.cells.get(*c))
            .map(|s| s.trim())
            .unwrap_or("")
    }

    fn optional(&self, f: Field) -> Option<String> {
        Some(self.get(f))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    fn column(&self, f: Field) -> String {
        self.names.get(&f).copied().unwrap_or_default().to_owned()
    }

    fn error(&mut self, f: Field, message: String) {
        let column = self.column(f);
        self.errors.push((Some(column), message));
    }

    /// A flag column; an absent column reads as false.
    fn flag(&mut self, f: Field) -> bool {
        parse_flag(self.get(f)).unwrap_or_else(|m| {
            self.error(f, format!("{}: {m}", self.column(f)));
            false
        })
    }

    fn coordinate(&mut self, f: Field) -> Option<f64> {
        let what = self.column(f);
        let raw = self.get(f);
        let t: String = raw.nfkc().filter(|c| !c.is_whitespace()).collect();
        if t.is_empty() {
            self.error(f, format!("{what}が空です"));
            return None;
        }
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => {
                self.error(
                    f,
                    format!(
                        "{what}「{raw}」を数値として読み取れません（10進数の度で、例: 33.5597）"
                    ),
                );
                None
            }
        }
    }
}

fn read_row(format: ShelterFormat, c: &mut Cells<'_>, line: u64) -> ShelterRow {
    let name = c.get(Field::Name).to_owned();
    if name.is_empty() {
        let column = c.column(Field::Name);
        c.error(Field::Name, format!("{column}が空です"));
    }
    let (lat, lon) = (c.coordinate(Field::Lat), c.coordinate(Field::Lon));
    if let (Some(lat), Some(lon)) = (lat, lon)
        && let Err(m) = check_position(lat, lon)
    {
        c.errors.push((None, m));
    }
    let mut suits = ShelterSuits::default();
    for (i, slot) in suits.slots().into_iter().enumerate() {
        *slot = c.flag(Field::Hazard(i));
    }
    let (emergency_place, shelter) = if format.is_emergency_list() {
        (true, c.flag(Field::AlsoShelter))
    } else {
        (c.flag(Field::AlsoEmergency), true)
    };
    let mut notes: Vec<String> = c.optional(Field::Note).into_iter().collect();
    notes.extend(c.optional(Field::Other));
    let mut welfare = false;
    let welfare_cell = c.get(Field::Welfare);
    if !welfare_cell.is_empty() {
        match parse_flag(welfare_cell) {
            Ok(v) => welfare = v,
            Err(_) if welfare_cell.contains("福祉") || welfare_cell.contains("要配慮") => {
                welfare = true;
            }
            Err(m) => c.error(Field::Welfare, format!("{}: {m}", c.column(Field::Welfare))),
        }
    }
    if let Some(accepts) = c.optional(Field::Accepts) {
        if accepts.contains("要配慮") || accepts.contains("福祉") {
            welfare = true;
        } else {
            notes.push(format!("{}: {accepts}", c.column(Field::Accepts)));
        }
    }
    let (capacity, capacity_text) = parse_capacity(c.get(Field::Capacity));
    let phone = c
        .optional(Field::Phone)
        .map(|p| match c.optional(Field::Extension) {
            Some(ext) => format!("{p}（内線 {ext}）"),
            None => p,
        });
    ShelterRow {
        line,
        external_id: c.optional(Field::Id).map(|s| s.nfkc().collect()),
        name,
        name_kana: c.optional(Field::Kana).map(|k| normalise_kana(&k)),
        address: address(format, c),
        lon: lon.unwrap_or_default(),
        lat: lat.unwrap_or_default(),
        suits,
        emergency_place,
        shelter,
        welfare,
        capacity,
        capacity_text,
        phone,
        communities: split_communities(c.get(Field::Communities)),
        note: (!notes.is_empty()).then(|| notes.join("／")),
    }
}

fn address(format: ShelterFormat, c: &Cells<'_>) -> String {
    let mut address = c.get(Field::Address).to_owned();
    if address.is_empty() {
        address = if format.is_gsi() {
            c.get(Field::Municipality).to_owned()
        } else {
            [Field::Pref, Field::City, Field::Town, Field::Banchi]
                .iter()
                .map(|f| c.get(*f))
                .collect()
        };
    }
    let building = c.get(Field::Building);
    if !building.is_empty() && !address.contains(building) {
        if !address.is_empty() {
            address.push(' ');
        }
        address.push_str(building);
    }
    address
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

/// A flag cell: 1 or empty, also ○ ◯ 〇 TRUE and 0 FALSE (any width, any case).
fn parse_flag(s: &str) -> Result<bool, String> {
    let t: String = s
        .nfkc()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    if FLAG_TRUE.contains(&t.as_str()) {
        Ok(true)
    } else if FLAG_FALSE.contains(&t.as_str()) {
        Ok(false)
    } else {
        Err(format!(
            "「{s}」は該当の有無として読み取れません（1 または空欄。○、TRUE、0 も可）"
        ))
    }
}

/// 想定収容人数 as published: `50,700 `, `５０７００`, `約100人` give a number; text that is
/// more than a plain number is kept as written, with or without a number (`100〜200`).
fn parse_capacity(s: &str) -> (Option<u32>, Option<String>) {
    let text = s.trim();
    if text.is_empty() {
        return (None, None);
    }
    let t: String = text.nfkc().filter(|c| !c.is_whitespace()).collect();
    let digits_and_commas = |s: &str| {
        s.chars().any(|c| c.is_ascii_digit()) && s.chars().all(|c| c.is_ascii_digit() || c == ',')
    };
    let mut core = t.as_str();
    if let Some(r) = CAPACITY_PREFIXES.iter().find_map(|p| core.strip_prefix(p)) {
        core = r;
    }
    if let Some(r) = CAPACITY_SUFFIXES.iter().find_map(|p| core.strip_suffix(p)) {
        core = r;
    }
    let number = digits_and_commas(core)
        .then(|| core.replace(',', "").parse::<u32>().ok())
        .flatten();
    let plain = number.is_some() && digits_and_commas(&t);
    (number, (!plain).then(|| text.to_owned()))
}

/// 対象となる町会・自治会: names separated by `;`, `；` or `、`.
fn split_communities(s: &str) -> Vec<String> {
    s.split([';', '；', '、', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

mod columns;
#[cfg(test)]
mod tests;
