use super::*;
use proptest::prelude::*;

/// The Digital Agency 指定緊急避難場所一覧, all 39 columns in the specification's order.
const DA_EMERGENCY: [&str; 39] = [
    "全国地方公共団体コード",
    "ID",
    "名称",
    "名称_カナ",
    "名称_英字",
    "所在地_全国地方公共団体コード",
    "町字ID",
    "所在地_連結表記",
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
    "建物名等(方書)",
    "緯度",
    "経度",
    "標高",
    "電話番号",
    "内線番号",
    "連絡先メールアドレス",
    "連絡先FormURL",
    "連絡先備考（その他、SNSなど）",
    "郵便番号",
    "市区町村コード",
    "地方公共団体名",
    "災害種別_洪水",
    "災害種別_崖崩れ、土石流及び地滑り",
    "災害種別_高潮",
    "災害種別_地震",
    "災害種別_津波",
    "災害種別_大規模な火事",
    "災害種別_内水氾濫",
    "災害種別_火山現象",
    "指定避難所との重複",
    "想定収容人数",
    "対象となる町会・自治会",
    "URL",
    "画像",
    "画像_ライセンス",
    "備考",
];

fn cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// One line with every column of `header`, cells from `values` by name, and an unnamed empty
/// column after `gap` (as one city publishes).
fn line(header: &[&str], gap: &str, values: &[(&str, &str)]) -> String {
    let mut cells = Vec::new();
    for h in header {
        cells.push(
            values
                .iter()
                .find(|(k, _)| k == h)
                .map(|(_, v)| cell(v))
                .unwrap_or_default(),
        );
        if *h == gap {
            cells.push(String::new());
        }
    }
    cells.join(",")
}

fn da_emergency_text() -> String {
    let header: Vec<(&str, &str)> = DA_EMERGENCY.iter().map(|h| (*h, *h)).collect();
    let gap = "指定避難所との重複";
    [
        line(&DA_EMERGENCY, gap, &header),
        line(
            &DA_EMERGENCY,
            gap,
            &[
                ("全国地方公共団体コード", "392014"),
                ("名称", "潮見小学校"),
                ("名称_カナ", "ｼｵﾐｼｮｳｶﾞｯｺｳ"),
                ("所在地_連結表記", "高知県高知市本町５丁目１-４５"),
                ("緯度", "33.5597"),
                ("経度", "133.5311"),
                ("電話番号", "088-000-0000"),
                ("内線番号", "12"),
                ("災害種別_洪水", "1"),
                ("災害種別_地震", "1"),
                ("災害種別_津波", "○"),
                ("指定避難所との重複", "1"),
                ("想定収容人数", "50,700 "),
                (
                    "対象となる町会・自治会",
                    "本町一丁目自治会;本町二丁目自治会；港町会、浜町会",
                ),
            ],
        ),
        line(
            &DA_EMERGENCY,
            gap,
            &[
                ("全国地方公共団体コード", "392014"),
                ("ID", "E3920100001201"),
                ("名称", "港町公園"),
                ("名称_カナ", "ミナトマチコウエン"),
                ("所在地_都道府県", "高知県"),
                ("所在地_市区町村", "高知市"),
                ("所在地_町字", "港町"),
                ("所在地_番地以下", "2-1"),
                ("緯度", " 33.55 "),
                ("経度", "１３３．５４"),
                ("災害種別_高潮", "0"),
                ("災害種別_地震", "TRUE"),
                ("災害種別_大規模な火事", "true"),
                ("想定収容人数", "約１，２００人"),
                ("備考", "夜間は照明なし"),
            ],
        ),
    ]
    .map(|l| l + "\n")
    .concat()
}

fn parsed(bytes: &[u8]) -> ShelterFile {
    parse(bytes, Encoding::Auto).unwrap_or_else(|e| panic!("{e}"))
}

fn check_da_emergency(f: &ShelterFile) {
    assert_eq!(f.format, ShelterFormat::DigitalAgencyEmergency);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    assert!(f.ignored_columns.is_empty(), "{:?}", f.ignored_columns);
    assert_eq!(f.rows.len(), 2);
    let r = &f.rows[0];
    assert_eq!((r.line, r.external_id.as_deref()), (2, None));
    assert_eq!(r.name, "潮見小学校");
    assert_eq!(r.name_kana.as_deref(), Some("シオミショウガッコウ"));
    assert_eq!(r.address, "高知県高知市本町５丁目１-４５");
    assert_eq!((r.lat, r.lon), (33.5597, 133.5311));
    let suits = ShelterSuits {
        flood: true,
        earthquake: true,
        tsunami: true,
        ..ShelterSuits::default()
    };
    assert_eq!(r.suits, suits);
    assert!(r.emergency_place && r.shelter && !r.welfare);
    assert_eq!(
        (r.capacity, r.capacity_text.as_deref()),
        (Some(50_700), None)
    );
    assert_eq!(r.phone.as_deref(), Some("088-000-0000（内線 12）"));
    assert_eq!(
        r.communities,
        ["本町一丁目自治会", "本町二丁目自治会", "港町会", "浜町会"]
    );
    assert_eq!(r.note, None);
    let r = &f.rows[1];
    assert_eq!(r.line, 3);
    assert_eq!(r.external_id.as_deref(), Some("E3920100001201"));
    assert_eq!(r.address, "高知県高知市港町2-1");
    assert_eq!((r.lat, r.lon), (33.55, 133.54));
    let suits = ShelterSuits {
        earthquake: true,
        large_fire: true,
        ..ShelterSuits::default()
    };
    assert_eq!(r.suits, suits);
    assert!(r.emergency_place && !r.shelter);
    assert_eq!(r.capacity, Some(1_200));
    assert_eq!(r.capacity_text.as_deref(), Some("約１，２００人"));
    assert!(r.communities.is_empty());
    assert_eq!(r.note.as_deref(), Some("夜間は照明なし"));
}

#[test]
fn a_digital_agency_file_in_utf8_with_bom_and_lf() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(da_emergency_text().as_bytes());
    let f = parsed(&bytes);
    assert_eq!(f.encoding, Encoding::Utf8);
    check_da_emergency(&f);
}

#[test]
fn the_same_file_in_cp932_with_crlf() {
    let text = da_emergency_text().replace('\n', "\r\n");
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable);
    let f = parsed(&bytes);
    assert_eq!(f.encoding, Encoding::ShiftJis);
    check_da_emergency(&f);
}

#[test]
fn a_digital_agency_shelter_list_reads_by_header_with_unknown_columns() {
    let text = "全国地方公共団体コード,ID,名称,名称_カナ,所在地_連結表記,緯度,経度,電話番号,\
        指定緊急避難場所との重複,想定収容人数,対象となる町会・自治会,福祉避難所,開設順位,URL,備考\n\
        392014,1,潮見公民館,しおみ こうみんかん,高知市本町1-1,33.56,133.53,,〇,100〜200,本町自治会,1,2,,\n\
        392014,2,潮見体育館,,高知市本町2-2,33.56,133.53,,,300,,,1,,\n";
    let f = parsed(text.as_bytes());
    assert_eq!(f.format, ShelterFormat::DigitalAgencyShelter);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    assert_eq!(f.ignored_columns, ["開設順位"]);
    let r = &f.rows[0];
    assert_eq!(r.name_kana.as_deref(), Some("シオミ\u{3000}コウミンカン"));
    assert!(r.shelter && r.emergency_place && r.welfare);
    assert_eq!(r.suits, ShelterSuits::default());
    assert_eq!(
        (r.capacity, r.capacity_text.as_deref()),
        (None, Some("100〜200"))
    );
    assert_eq!(r.communities, ["本町自治会"]);
    let r = &f.rows[1];
    assert!(r.shelter && !r.emergency_place && !r.welfare);
    assert_eq!((r.capacity, r.capacity_text.as_deref()), (Some(300), None));
}

#[test]
fn a_gsi_emergency_file() {
    let text = "\u{FEFF}NO,共通ID,都道府県名及び市町村名,施設・場所名,住所,洪水,\
        崖崩れ、土石流及び地滑り,高潮,地震,津波,大規模な火事,内水氾濫,火山現象,\
        指定避難所との住所同一,緯度,経度,備考\r\n\
        1,E3920100001201,高知県高知市,潮見小学校,高知県高知市伊田８７１－イ,1,,,1,1,,,,1,33.5597,133.5311,\r\n\
        2,E3920100002201,高知県高知市,（高台）,,,1,,1,,,,1,,33.57,133.52,\"津波避難ビル,屋上\"\r\n";
    let f = parsed(text.as_bytes());
    assert_eq!(f.format, ShelterFormat::GsiEmergency);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    assert!(f.ignored_columns.is_empty());
    let r = &f.rows[0];
    assert_eq!(r.external_id.as_deref(), Some("E3920100001201"));
    assert_eq!(r.address, "高知県高知市伊田８７１－イ");
    let suits = ShelterSuits {
        flood: true,
        earthquake: true,
        tsunami: true,
        ..ShelterSuits::default()
    };
    assert_eq!(r.suits, suits);
    assert!(r.emergency_place && r.shelter && r.name_kana.is_none());
    let r = &f.rows[1];
    assert_eq!((r.line, r.name.as_str()), (3, "（高台）"));
    assert_eq!(r.address, "高知県高知市", "no 住所: the municipality");
    assert!(r.suits.landslide && r.suits.earthquake && r.suits.volcano);
    assert!(!r.shelter);
    assert_eq!(r.note.as_deref(), Some("津波避難ビル,屋上"));
}

#[test]
fn an_older_gsi_file_with_two_header_lines_in_cp932() {
    let text = "NO,共通ID,施設・場所名,住所,災害種別,,,,,,,,指定避難所との重複,緯度,経度,備考\r\n\
        ,,,,洪水,崖崩れ、土石流及び地滑り,高潮,地震,津波,大規模な火事,内水氾濫,火山現象,,,,\r\n\
        1,E3920100001201,潮見小学校,高知県高知市本町1,,,,1,1,,,,1,33.5597,133.5311,\r\n\
        2,E3920100002201,港町公園,高知県高知市港町2,1,,,,,,,,,,133.5,\r\n\
        3,E3920100003201,浜公園,高知県高知市浜町3,,,,,,,,1,,33.5,133.5,\r\n";
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    let f = parsed(&bytes);
    assert_eq!(f.format, ShelterFormat::GsiEmergency);
    assert_eq!(f.encoding, Encoding::ShiftJis);
    assert!(f.ignored_columns.is_empty(), "{:?}", f.ignored_columns);
    let lines: Vec<u64> = f.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [3, 5]);
    let r = &f.rows[0];
    assert!(r.suits.earthquake && r.suits.tsunami && !r.suits.flood);
    assert!(r.shelter);
    assert!(f.rows[1].suits.volcano && !f.rows[1].shelter);
    assert_eq!(f.errors.len(), 1);
    assert_eq!(f.errors[0].line, 4);
    assert_eq!(f.errors[0].column.as_deref(), Some("緯度"));
}

#[test]
fn a_gsi_shelter_file() {
    let text = "NO,共通ID,都道府県名及び市町村名,施設・場所名,住所,指定緊急避難場所との住所同一,\
        その他市町村長が必要と認める事項,受入対象者,緯度,経度,備考\n\
        1,E3920100001111,高知県高知市,潮見小学校,高知県高知市本町1,1,,,33.5597,133.5311,\n\
        2,E3920100002111,高知県高知市,さくら園,高知県高知市桜町4,,,要配慮者,33.56,133.52,\n\
        3,E3920100003111,高知県高知市,ひかり園,高知県高知市桜町5,,要予約,要配慮者及びその家族,33.56,133.52,\n\
        4,E3920100004111,高知県高知市,駅前会館,高知県高知市駅前町6,,,帰宅困難者,33.56,133.52,一時滞在\n";
    let f = parsed(text.as_bytes());
    assert_eq!(f.format, ShelterFormat::GsiShelter);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let welfare: Vec<bool> = f.rows.iter().map(|r| r.welfare).collect();
    assert_eq!(welfare, [false, true, true, false]);
    assert!(
        f.rows
            .iter()
            .all(|r| r.shelter && r.suits == ShelterSuits::default())
    );
    assert!(f.rows[0].emergency_place && !f.rows[1].emergency_place);
    assert_eq!(f.rows[2].note.as_deref(), Some("要予約"));
    assert_eq!(
        f.rows[3].note.as_deref(),
        Some("一時滞在／受入対象者: 帰宅困難者")
    );
}

#[test]
fn every_bad_row_is_reported_with_its_line() {
    let text = "名称,緯度,経度,災害種別_津波,ID\n\
        良い場所,33.5,133.5,1,\n\
        ,33.5,133.5,,\n\
        B,,133.5,,\n\
        C,33.5,東経133度,,\n\
        D,0,0,,\n\
        E,133.5,33.5,,\n\
        F,33.5,133.5,△,\n\
        G,33.5\n\
        H,33.5,133.5,,X1\n\
        I,33.5,133.5,,X1\n";
    let f = parsed(text.as_bytes());
    let names: Vec<&str> = f.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["良い場所", "H"]);
    let lines: Vec<u64> = f.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9, 11], "{:?}", f.errors);
    let e = |i: usize| &f.errors[i];
    assert_eq!(e(0).column.as_deref(), Some("名称"));
    assert!(e(1).message.contains("緯度が空"));
    assert!(e(2).message.contains("東経133度"));
    assert!(e(3).message.contains("範囲外"));
    assert!(e(4).message.contains("入れ替わ"));
    assert_eq!(e(5).column.as_deref(), Some("災害種別_津波"));
    assert!(e(5).message.contains("△"));
    assert!(e(6).message.contains("列が足りません"));
    assert!(e(7).message.contains("重複"));
}

#[test]
fn a_title_line_before_the_header_keeps_line_numbers() {
    let text = "指定緊急避難場所一覧（令和6年4月1日現在）\n\n名称,緯度,経度,災害種別_地震\n\
        A,33.5,133.5,1\nB,,133.5,\n";
    let f = parsed(text.as_bytes());
    assert_eq!(f.rows.len(), 1);
    assert_eq!(f.rows[0].line, 4);
    assert_eq!(f.errors.len(), 1);
    assert_eq!(f.errors[0].line, 5);
}

#[test]
fn an_unrecognisable_header_names_the_expected_columns() {
    let err = parse("氏名,住所\n山田,高知市\n".as_bytes(), Encoding::Auto).err();
    let Some(FileError::MissingColumns(m)) = err else {
        panic!("{err:?}")
    };
    assert!(m.contains("名称") && m.contains("施設・場所名"), "{m}");
    let err = parse(
        "NO,共通ID,施設・場所名,住所,洪水,経度\n".as_bytes(),
        Encoding::Auto,
    )
    .err();
    let Some(FileError::MissingColumns(m)) = err else {
        panic!("{err:?}")
    };
    assert!(m.contains("緯度") && m.contains("国土地理院"), "{m}");
    assert_eq!(parse(b"", Encoding::Auto).err(), Some(FileError::Empty));
}

#[test]
fn flags_as_published() {
    for yes in ["1", "○", "◯", "〇", "TRUE", "true", "１", " 1 "] {
        assert_eq!(parse_flag(yes), Ok(true), "{yes}");
    }
    for no in ["", "0", "FALSE", "false", "　"] {
        assert_eq!(parse_flag(no), Ok(false), "{no}");
    }
    for bad in ["2", "△", "×", "有"] {
        assert!(parse_flag(bad).is_err(), "{bad}");
    }
}

#[test]
fn capacities_as_published() {
    let cases: &[(&str, Option<u32>, Option<&str>)] = &[
        ("50,700 ", Some(50_700), None),
        ("５０，７００", Some(50_700), None),
        ("1200", Some(1_200), None),
        ("約100人", Some(100), Some("約100人")),
        ("300名", Some(300), Some("300名")),
        ("100〜200", None, Some("100〜200")),
        ("屋内300、屋外500", None, Some("屋内300、屋外500")),
        ("不明", None, Some("不明")),
        ("99999999999", None, Some("99999999999")),
        ("  ", None, None),
    ];
    for (s, n, t) in cases {
        assert_eq!(parse_capacity(s), (*n, t.map(str::to_owned)), "{s}");
    }
}

fn with_commas(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c),
            ',' => '，',
            ' ' => '\u{3000}',
            _ => c,
        })
        .collect()
}

proptest! {
    #[test]
    fn a_capacity_with_thousands_commas_round_trips(
        n in any::<u32>(),
        spaces in 0usize..3,
        wide in any::<bool>(),
    ) {
        let mut s = with_commas(n) + &" ".repeat(spaces);
        if wide {
            s = full_width(&s);
        }
        prop_assert_eq!(parse_capacity(&s), (Some(n), None));
    }

    #[test]
    fn any_digits_and_commas_read_as_their_number(s in "[0-9,]{0,8}[0-9][0-9,]{0,8}") {
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        prop_assert_eq!(parse_capacity(&s).0, digits.parse::<u32>().ok());
    }
}
