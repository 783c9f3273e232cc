//! The roster import layout (名簿取込レイアウト): the columns municipal extracts from the 住民記録
//! and welfare systems usually carry, read by header name. Other headers can be mapped by the
//! user; unknown columns are ignored and listed.

use crate::table::{self, RowError};
use crate::{Encoding, FileError, decode};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use tsunagi_domain::person::{PersonDetails, PersonInput};
use tsunagi_domain::roster::{CareLevel, RosterEntry, parse_flag, parse_grade, parse_ryoiku};
use tsunagi_domain::triage::HomeHazards;

/// (canonical header, aliases, description) — the documented layout, as data.
pub const COLUMNS: &[(&str, &[&str], &str)] = &[
    (
        "宛名番号",
        &["宛名コード", "個人番号(宛名)", "宛名No"],
        "必須。取込の照合キー。同じ番号の再取込は更新になります",
    ),
    ("世帯番号", &["世帯コード"], "同じ世帯番号の人は同一世帯"),
    (
        "氏名",
        &["氏名(漢字)", "名前"],
        "必須。外字（私用領域の文字）はそのまま保持し「外字を含む」と表示",
    ),
    (
        "氏名カナ",
        &[
            "カナ氏名",
            "フリガナ",
            "ふりがな",
            "氏名(カナ)",
            "氏名フリガナ",
        ],
        "必須。半角カナ・ひらがな可",
    ),
    (
        "生年月日",
        &["生年月日(和暦)", "生年月日(西暦)"],
        "必須。昭和12年3月4日、S12.3.4、3120304、1937/03/04、19370304",
    ),
    ("性別", &[], "必須。男/女、1/2"),
    ("郵便番号", &["〒"], "7桁"),
    ("住所", &["住所又は居所", "住所(居所)", "現住所"], "必須"),
    ("方書", &["方書き", "建物名"], ""),
    ("電話番号", &["電話", "連絡先電話番号", "連絡先"], ""),
    ("続柄", &["世帯主との続柄"], ""),
    (
        "自治会",
        &["町内会", "自治会名", "行政区", "自主防災組織"],
        "住んでいる自治会・町内会。自治会への名簿提供の単位",
    ),
    (
        "民生委員地区",
        &["民生委員担当地区", "民生委員", "担当地区"],
        "民生委員の担当地区。民生委員への名簿提供の単位",
    ),
    (
        "要介護度",
        &["要介護状態区分", "介護度", "要介護認定"],
        "要支援1〜2、要介護1〜5",
    ),
    (
        "身体障害者手帳等級",
        &["身障手帳等級", "身体障害等級", "身体障害者手帳"],
        "1〜6級",
    ),
    (
        "身体障害部位",
        &["障害部位", "身体障害の種類"],
        "肢体、視覚、聴覚 など",
    ),
    (
        "療育手帳",
        &["療育手帳区分", "療育手帳等級"],
        "A、B、A1、A2、B1、B2 など",
    ),
    (
        "精神障害者保健福祉手帳等級",
        &["精神手帳等級", "精神障害者保健福祉手帳"],
        "1〜3級",
    ),
    ("難病", &["指定難病"], "有無（1/0、○/×、有/無）"),
    ("認知症", &[], "有無"),
    ("聴覚障害", &[], "有無"),
    ("視覚障害", &[], "有無"),
    ("言語支援", &["日本語支援", "外国語"], "有無"),
    ("妊産婦", &[], "有無"),
    ("乳幼児", &[], "有無"),
    (
        "医療的ケア",
        &["医療ケア"],
        "有無（人工呼吸器、在宅酸素 など）",
    ),
    ("医療機器", &["使用医療機器"], "機器名と電源の要否"),
    ("自力避難困難", &["自力で移動できない", "移動困難"], "有無"),
    (
        "独居",
        &["一人暮らし", "ひとり暮らし", "独居高齢者"],
        "有無",
    ),
    ("高齢者のみ世帯", &["高齢者世帯"], "有無"),
    ("日中独居", &[], "有無"),
    (
        "家族の支援",
        &["家族の支援可", "支援できる家族"],
        "有無（避難を手伝える家族がいる）",
    ),
    ("地域とのつながりなし", &["社会的孤立"], "有無"),
    (
        "見守り",
        &["見守り活動", "自治会把握", "地域の見守り"],
        "有無。空欄は不明",
    ),
    (
        "避難支援を必要とする事由",
        &["事由", "支援が必要な理由"],
        "上記以外の事由",
    ),
    (
        "洪水",
        &["洪水浸水想定区域"],
        "自宅の災害危険性（有無）。入力すると手入力値としてハザードマップの判定より優先",
    ),
    ("内水氾濫", &["内水"], "自宅の災害危険性（有無）"),
    ("津波", &["津波浸水想定区域"], "自宅の災害危険性（有無）"),
    (
        "家屋倒壊",
        &["家屋倒壊等氾濫想定区域"],
        "自宅の災害危険性（有無）",
    ),
    (
        "土砂災害",
        &["土砂災害警戒区域"],
        "自宅の災害危険性（有無）",
    ),
    ("高潮", &["高潮浸水想定区域"], "自宅の災害危険性（有無）"),
    (
        "歩行",
        &["歩行の状況", "移動の状況"],
        "自力／ゆっくり／介助（車いす）。避難にかかる時間の目安に使う。空欄は名簿の内容から推定",
    ),
];

pub const REQUIRED: &[&str] = &["宛名番号", "氏名", "氏名カナ", "生年月日", "性別", "住所"];

/// One valid row.
#[derive(Clone, Debug)]
pub struct RosterRow {
    pub line: u64,
    pub person: PersonDetails,
    pub entry: RosterEntry,
}

/// A whole file, read.
#[derive(Debug)]
pub struct RosterFile {
    pub encoding: Encoding,
    pub rows: Vec<RosterRow>,
    pub errors: Vec<RowError>,
    pub ignored_columns: Vec<String>,
}

/// Reads a roster file. Every bad row is reported with its line and reason; valid rows are
/// returned for the caller to apply (all or, if the user chooses, only the good ones).
pub fn parse(
    bytes: &[u8],
    encoding: Encoding,
    mapping: &HashMap<String, String>,
    today: NaiveDate,
) -> Result<RosterFile, FileError> {
    let f = read_keyed(bytes, encoding, mapping, COLUMNS, REQUIRED, |cells| {
        parse_row(cells, today)
    })?;
    Ok(RosterFile {
        encoding: f.encoding,
        rows: f
            .rows
            .into_iter()
            .map(|(line, (person, entry))| RosterRow {
                line,
                person,
                entry,
            })
            .collect(),
        errors: f.errors,
        ignored_columns: f.ignored_columns,
    })
}

/// A file of persons keyed by 宛名番号, read by `read_keyed`.
pub(crate) struct KeyedFile<T> {
    pub encoding: Encoding,
    pub rows: Vec<(u64, T)>,
    pub errors: Vec<RowError>,
    pub ignored_columns: Vec<String>,
}

/// Reads a file of persons by header name, each row by `parse_row`; a 宛名番号 twice in the
/// file is an error of the second row. Every bad row is reported, in line order.
pub(crate) fn read_keyed<T: HasPerson>(
    bytes: &[u8],
    encoding: Encoding,
    mapping: &HashMap<String, String>,
    columns: &[(&str, &[&str], &str)],
    required: &[&str],
    parse_row: impl Fn(&HashMap<String, String>) -> Result<T, CellErrors>,
) -> Result<KeyedFile<T>, FileError> {
    let (text, encoding) = decode(bytes, encoding)?;
    let known: Vec<(&str, &[&str])> = columns.iter().map(|(c, a, _)| (*c, *a)).collect();
    let t = table::read(&text, &known, required, mapping)?;
    let mut errors = t.errors;
    let mut rows = Vec::with_capacity(t.rows.len());
    let mut seen: HashSet<String> = HashSet::new();
    for (line, cells) in t.rows {
        match parse_row(&cells) {
            Ok(row) => {
                let key = row.person().resident_no.clone().unwrap_or_default();
                if !seen.insert(key.clone()) {
                    errors.push(RowError {
                        line,
                        column: Some("宛名番号".into()),
                        message: format!("宛名番号 {key} がファイル内で重複しています"),
                    });
                    continue;
                }
                rows.push((line, row));
            }
            Err(es) => errors.extend(es.into_iter().map(|(column, message)| RowError {
                line,
                column,
                message,
            })),
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(KeyedFile {
        encoding,
        rows,
        errors,
        ignored_columns: t.ignored,
    })
}

/// A parsed row that carries a person.
pub(crate) trait HasPerson {
    fn person(&self) -> &PersonDetails;
}

impl HasPerson for (PersonDetails, RosterEntry) {
    fn person(&self) -> &PersonDetails {
        &self.0
    }
}

impl HasPerson for PersonDetails {
    fn person(&self) -> &PersonDetails {
        self
    }
}

pub(crate) type CellErrors = Vec<(Option<String>, String)>;

/// The person columns of a row (the resident record's part), every cell error collected.
pub(crate) fn person_of(
    c: &HashMap<String, String>,
    today: NaiveDate,
    errors: &mut CellErrors,
) -> Option<PersonDetails> {
    let get = |k: &str| c.get(k).map(String::as_str).unwrap_or("");
    if get("宛名番号").is_empty() {
        errors.push((Some("宛名番号".into()), "宛名番号が空です".into()));
    }
    let input = PersonInput {
        resident_no: get("宛名番号").into(),
        name: get("氏名").into(),
        name_kana: get("氏名カナ").into(),
        birth_date: get("生年月日").into(),
        sex: get("性別").into(),
        postal_code: get("郵便番号").into(),
        address: get("住所").into(),
        address_extra: get("方書").into(),
        phone: get("電話番号").into(),
        household_no: get("世帯番号").into(),
        relationship: get("続柄").into(),
    };
    match input.validate(today) {
        Ok(p) => Some(p),
        Err(e) => {
            for f in e.0 {
                let column = tsunagi_domain::person::FIELD_LABELS
                    .iter()
                    .find(|(field, _)| *field == f.field)
                    .map(|(_, col)| (*col).to_owned());
                errors.push((column, f.message));
            }
            None
        }
    }
}

fn parse_row(
    c: &HashMap<String, String>,
    today: NaiveDate,
) -> Result<(PersonDetails, RosterEntry), CellErrors> {
    let get = |k: &str| c.get(k).map(String::as_str).unwrap_or("");
    let mut errors: CellErrors = Vec::new();
    let person = person_of(c, today, &mut errors);
    let mut flag = |col: &str| match parse_flag(get(col)) {
        Ok(v) => v,
        Err(m) => {
            errors.push((Some(col.into()), m));
            false
        }
    };
    let mut entry = RosterEntry {
        intractable_disease: flag("難病"),
        dementia: flag("認知症"),
        hearing_impairment: flag("聴覚障害"),
        visual_impairment: flag("視覚障害"),
        language_support: flag("言語支援"),
        pregnancy: flag("妊産婦"),
        infant: flag("乳幼児"),
        medical_care: flag("医療的ケア"),
        cannot_move_alone: flag("自力避難困難"),
        lives_alone: flag("独居"),
        elderly_only_household: flag("高齢者のみ世帯"),
        alone_in_daytime: flag("日中独居"),
        no_ties_with_neighbours: flag("地域とのつながりなし"),
        home_hazards: HomeHazards {
            flood: flag("洪水"),
            inland_flood: flag("内水氾濫"),
            tsunami: flag("津波"),
            house_collapse: flag("家屋倒壊"),
            landslide: flag("土砂災害"),
            storm_surge: flag("高潮"),
        },
        ..RosterEntry::default()
    };
    entry.hazard_note = entry
        .home_hazards
        .any()
        .then(|| "名簿の取込（手入力の値）".to_owned());
    let optional = |col: &str| Some(get(col).to_owned()).filter(|s| !s.is_empty());
    entry.physical_disability_kind = optional("身体障害部位");
    entry.medical_devices = optional("医療機器");
    entry.other_reason = optional("避難支援を必要とする事由");
    entry.community_district = optional("自治会");
    entry.welfare_district = optional("民生委員地区");
    if let Some(text) = optional("歩行") {
        match tsunagi_domain::evacuation_timing::Mobility::parse(&text) {
            Some(m) => entry.mobility = Some(m),
            None => errors.push((
                Some("歩行".into()),
                format!("歩行「{text}」は 自力・ゆっくり・介助 のいずれかで書いてください"),
            )),
        }
    }
    let mut cell = |col: &str, r: Result<(), String>| {
        if let Err(m) = r {
            errors.push((Some(col.into()), m));
        }
    };
    if let Some(s) = optional("要介護度") {
        cell(
            "要介護度",
            CareLevel::parse(&s).map(|v| entry.care_level = Some(v)),
        );
    }
    if let Some(s) = optional("身体障害者手帳等級") {
        cell(
            "身体障害者手帳等級",
            parse_grade(&s, 6, "身体障害者手帳").map(|v| entry.physical_disability_grade = Some(v)),
        );
    }
    if let Some(s) = optional("療育手帳") {
        cell("療育手帳", parse_ryoiku(&s).map(|v| entry.ryoiku = Some(v)));
    }
    if let Some(s) = optional("精神障害者保健福祉手帳等級") {
        cell(
            "精神障害者保健福祉手帳等級",
            parse_grade(&s, 3, "精神障害者保健福祉手帳")
                .map(|v| entry.mental_disability_grade = Some(v)),
        );
    }
    if let Some(s) = optional("家族の支援") {
        cell(
            "家族の支援",
            parse_flag(&s).map(|v| entry.family_can_help = Some(v)),
        );
    }
    if let Some(s) = optional("見守り") {
        cell(
            "見守り",
            parse_flag(&s).map(|v| entry.community_watch = Some(v)),
        );
    }
    if entry.medical_devices.is_some() {
        entry.medical_care = true;
    }
    match (person, errors.is_empty()) {
        (Some(p), true) => Ok((p, entry)),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    const GOOD: &str = "宛名番号,世帯番号,氏名,氏名カナ,生年月日,性別,住所,要介護度,身体障害者手帳等級,独居,見守り,備考\r\n\
        1001,H1,山田　花子,ﾔﾏﾀﾞ ﾊﾅｺ,S12.3.4,2,潮見市本町1-1,要介護３,2級,○,,メモ\r\n\
        1002,H2,佐藤　一郎,サトウ イチロウ,昭和20年1月2日,男,潮見市港町2-2,,,,1,\r\n";

    #[test]
    fn a_shift_jis_extract_reads_by_header_name() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(GOOD);
        let f = parse(&bytes, Encoding::Auto, &HashMap::new(), today())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.encoding, Encoding::ShiftJis);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert_eq!(f.rows.len(), 2);
        let r = &f.rows[0];
        assert_eq!(r.line, 2);
        assert_eq!(r.person.name_kana, "ヤマダ\u{3000}ハナコ");
        assert_eq!(r.entry.care_level, Some(CareLevel::Care3));
        assert_eq!(r.entry.physical_disability_grade, Some(2));
        assert!(r.entry.lives_alone);
        assert_eq!(r.entry.community_watch, None);
        assert_eq!(f.rows[1].entry.community_watch, Some(true));
        assert_eq!(f.ignored_columns, vec!["備考"]);
    }

    #[test]
    fn every_bad_row_is_reported_with_line_and_reason() {
        let text = "宛名番号,氏名,氏名カナ,生年月日,性別,住所,要介護度,独居\n\
            1,山田,ヤマダ,平成31年5月1日,女,潮見市,,\n\
            2,佐藤,サトウ,S20.1.2,男,潮見市,要介護9,たぶん\n\
            3,鈴木,スズキ,S20.1.2,男,潮見市,,\n\
            3,鈴木,スズキ,S20.1.2,男,潮見市,,\n\
            ,田中,タナカ,S20.1.2,男,潮見市,,\n";
        let f = parse(text.as_bytes(), Encoding::Auto, &HashMap::new(), today())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.rows.len(), 1);
        let lines: Vec<u64> = f.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 3, 5, 6]);
        assert!(f.errors[0].message.contains("平成"));
        assert_eq!(f.errors[1].column.as_deref(), Some("独居"));
        assert_eq!(f.errors[2].column.as_deref(), Some("要介護度"));
        assert!(f.errors[3].message.contains("重複"));
    }

    #[test]
    fn missing_required_columns_stop_the_import() {
        let r = parse(
            "氏名,住所\n山田,潮見市\n".as_bytes(),
            Encoding::Auto,
            &HashMap::new(),
            today(),
        );
        assert!(matches!(r, Err(FileError::MissingColumns(_))));
    }
}
