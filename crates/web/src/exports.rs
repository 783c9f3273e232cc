//! Roster lists for receivers as files: Excel (.xlsx), CSV in Shift_JIS (what Excel on a
//! municipal PC opens directly) and CSV in UTF-8 with BOM. Shift_JIS cannot hold every
//! character of a name (𠮷, many 異体字, 外字): such cells are reported, never replaced.

use tsunagi_app::receivers::ListLine;
use tsunagi_domain::plan::EvacuationPlan;
use tsunagi_domain::text::spreadsheet_safe;
use tsunagi_domain::wareki::format_both;

/// The print header of every exported sheet (取扱注意 and arts. 49-13, 49-17).
pub const CONFIDENTIAL_PRINT_HEADER: &str = "&L取扱注意（個人情報）&R避難支援等関係者には秘密保持義務があります（災害対策基本法第49条の13・第49条の17）";

/// A table: header names and rows of text.
pub struct Table {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

fn plan_columns(p: Option<&EvacuationPlan>) -> [String; 3] {
    let Some(p) = p else {
        return [String::new(), String::new(), String::new()];
    };
    let supporters = p
        .supporters
        .iter()
        .map(|s| {
            if s.phone.is_empty() {
                s.name.clone()
            } else {
                format!("{}（{}）", s.name, s.phone)
            }
        })
        .collect::<Vec<_>>()
        .join("、");
    // No supporter could be found: what was arranged instead stands in their place.
    let supporters = if supporters.is_empty() && !p.no_supporter_arrangement.trim().is_empty() {
        format!("（手配）{}", p.no_supporter_arrangement.trim())
    } else {
        supporters
    };
    let destinations = p
        .destinations
        .iter()
        .map(|d| format!("{}: {}", d.hazard.label(), d.place))
        .collect::<Vec<_>>()
        .join("、");
    [supporters, destinations, p.timing.clone()]
}

/// The receiver's list as a table. Plan columns appear only for receivers given plans.
pub fn receiver_table(lines: &[ListLine], includes_plan: bool) -> Table {
    let mut headers = vec![
        "自治会",
        "民生委員地区",
        "氏名",
        "氏名カナ",
        "性別",
        "生年月日",
        "住所",
        "電話番号",
        "避難支援等を必要とする事由",
        "世帯の状況",
    ];
    if includes_plan {
        headers.extend(["避難支援等実施者", "避難先", "避難のタイミング"]);
    }
    let rows = lines
        .iter()
        .map(|l| {
            let e = &l.entry;
            let household: Vec<&str> = [
                (e.lives_alone, "独居"),
                (e.elderly_only_household, "高齢者のみ世帯"),
                (e.alone_in_daytime, "日中独居"),
            ]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, l)| l)
            .collect();
            let mut row = vec![
                e.community_district.clone().unwrap_or_default(),
                e.welfare_district.clone().unwrap_or_default(),
                l.person.name.clone(),
                l.person.name_kana.clone(),
                l.person.sex.label().to_owned(),
                format_both(l.person.birth_date),
                l.person.address.clone(),
                l.phone.clone().unwrap_or_default(),
                e.reasons().join("、"),
                household.join("、"),
            ];
            if includes_plan {
                row.extend(plan_columns(l.plan.as_ref()));
            }
            row
        })
        .collect();
    Table { headers, rows }
}

pub fn xlsx(sheet: &str, t: &Table) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(0, u16::try_from(c).unwrap_or(u16::MAX), *h, &bold)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            // Text, always: 電話番号 and 宛名番号 must keep their leading zeros.
            ws.write_string(r, u16::try_from(c).unwrap_or(u16::MAX), cell)?;
        }
    }
    // Printed on every page: the duty of confidentiality of whoever holds the list. In the
    // print header rather than a row, so the sheet still reads as a plain table.
    ws.set_header(CONFIDENTIAL_PRINT_HEADER);
    ws.set_freeze_panes(1, 0)?;
    ws.autofit();
    wb.save_to_buffer()
}

/// The CSV text; every cell that a spreadsheet would read as a formula is neutralised
/// ([`spreadsheet_safe`]). The .xlsx needs no such step: its cells are written as text.
fn csv_text(t: &Table) -> Result<String, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(&t.headers)?;
    for row in &t.rows {
        w.write_record(row.iter().map(|c| spreadsheet_safe(c).into_owned()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))?;
    String::from_utf8(bytes).map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))
}

/// UTF-8 with BOM (Excel reads the BOM as "UTF-8"), CRLF.
pub fn csv_utf8_bom(t: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    out.extend(csv_text(t)?.into_bytes());
    Ok(out)
}

/// A cell Shift_JIS cannot hold.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Unmappable {
    /// CSV line (the header is line 1).
    pub line: usize,
    pub column: String,
    pub value: String,
    /// The characters that have no Shift_JIS (CP932) code.
    pub characters: String,
}

fn unmappable_chars(s: &str) -> String {
    s.chars()
        .filter(|c| {
            let mut b = [0u8; 4];
            encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut b)).2
        })
        .collect()
}

/// Shift_JIS (CP932), CRLF; every cell with a character Shift_JIS cannot hold is reported
/// and no file is produced, so nothing is silently mangled.
pub fn csv_shift_jis(t: &Table) -> Result<Result<Vec<u8>, Vec<Unmappable>>, csv::Error> {
    let mut problems = Vec::new();
    for (r, row) in t.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (_, _, bad) = encoding_rs::SHIFT_JIS.encode(cell);
            if bad {
                problems.push(Unmappable {
                    line: r + 2,
                    column: t.headers.get(c).copied().unwrap_or("").to_owned(),
                    value: cell.clone(),
                    characters: unmappable_chars(cell),
                });
            }
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let text = csv_text(t)?;
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
    Ok(Ok(bytes.into_owned()))
}

/// The certificates of a declaration as a table (docs/ledger-exchange.md): one row per
/// application, addresses also as the geocoder's matching key, so that another system with
/// other notations can match them.
pub fn certificate_table(rows: &[tsunagi_app::certificates::Printable]) -> Table {
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let headers = vec![
        "申請ID",
        "世帯ID",
        "世帯主氏名",
        "世帯主住所",
        "世帯主住所（照合キー）",
        "被災住家の所在地",
        "所在地（照合キー）",
        "罹災原因",
        "災害発生日",
        "申請者",
        "申請者の続柄",
        "申請日",
        "状態",
        "被害の程度",
        "損害割合",
        "調査",
        "調査日",
        "証明番号",
        "交付日",
        "再調査依頼日",
        "前回の被害の程度",
        "前回の証明番号",
    ];
    let rows = rows
        .iter()
        .map(|p| {
            let a = &p.application;
            let c = a.current_certificate();
            let s = a.latest_survey();
            let previous = a.certificates.iter().rev().nth(1);
            vec![
                a.id.to_string(),
                a.household_id.0.to_string(),
                p.head_name.clone(),
                p.head_address.clone(),
                tsunagi_gis::address::normalise(&p.head_address),
                a.location.clone(),
                tsunagi_gis::address::normalise(&a.location),
                a.cause.clone(),
                p.disaster_day.to_string(),
                a.applicant_name.clone(),
                a.applicant_relation.label().to_owned(),
                a.applied_on.to_string(),
                a.state.label().to_owned(),
                c.map(|c| c.level.label().to_owned()).unwrap_or_default(),
                s.and_then(|s| s.survey.ratio.map(|r| r.to_string()))
                    .unwrap_or_default(),
                s.map(|s| s.survey.kind.label().to_owned())
                    .unwrap_or_default(),
                day(s.map(|s| s.survey.surveyed_on)),
                c.map(|c| c.number.clone()).unwrap_or_default(),
                day(c.map(|c| c.issued_on)),
                day(a.resurvey_requested_on),
                previous
                    .map(|c| c.level.label().to_owned())
                    .unwrap_or_default(),
                previous.map(|c| c.number.clone()).unwrap_or_default(),
            ]
            .into_iter()
            .map(|v| spreadsheet_safe(&v).into_owned())
            .collect()
        })
        .collect();
    Table { headers, rows }
}

/// The ledgers of a declaration as a table (docs/ledger-exchange.md): one row per member.
pub fn ledger_table(ledgers: &[tsunagi_app::ledger::LedgerView]) -> Table {
    let headers = vec![
        "世帯ID",
        "世帯番号",
        "氏名",
        "氏名カナ",
        "生年月日",
        "性別",
        "続柄",
        "住所",
        "住所（照合キー）",
        "居所",
        "居所の場所",
        "居所から",
        "要配慮者",
        "要配慮者の事由",
        "安否",
        "その他の被害",
        "連絡先",
        "被害の程度",
        "証明番号",
        "援護の実施の状況",
    ];
    let mut rows = Vec::new();
    for v in ledgers {
        let certificate = v.damage.iter().rev().find_map(|a| a.current_certificate());
        let support = v
            .body
            .support
            .iter()
            .map(|s| match s.amount_yen {
                Some(y) => format!("{} {} {y}円", s.programme, s.given_on),
                None => format!("{} {}", s.programme, s.given_on),
            })
            .collect::<Vec<_>>()
            .join("、");
        for m in &v.members {
            let harm = v
                .body
                .harms
                .iter()
                .find(|h| h.person == m.id)
                .map(|h| h.harm.label())
                .unwrap_or_default();
            let address = m.address.clone().unwrap_or_default();
            rows.push(
                [
                    v.household_id.0.to_string(),
                    v.household_no.clone(),
                    m.name.clone().unwrap_or_default(),
                    m.name_kana.clone().unwrap_or_default(),
                    m.birth_date.map(|d| d.to_string()).unwrap_or_default(),
                    m.sex.map(|s| s.label().to_owned()).unwrap_or_default(),
                    m.relationship.clone().unwrap_or_default(),
                    address.clone(),
                    tsunagi_gis::address::normalise(&address),
                    m.whereabouts
                        .as_ref()
                        .map(|w| w.kind.label().to_owned())
                        .unwrap_or_default(),
                    m.whereabouts
                        .as_ref()
                        .and_then(|w| w.place.clone())
                        .unwrap_or_default(),
                    m.whereabouts
                        .as_ref()
                        .map(|w| w.since.to_string())
                        .unwrap_or_default(),
                    match m.on_roster {
                        Some(true) => "要配慮者".to_owned(),
                        _ => String::new(),
                    },
                    m.care_reasons.join("、"),
                    m.safety.map(|s| s.label().to_owned()).unwrap_or_default(),
                    harm.to_owned(),
                    v.body.contact_phone.clone().unwrap_or_default(),
                    certificate
                        .map(|c| c.level.label().to_owned())
                        .unwrap_or_default(),
                    certificate.map(|c| c.number.clone()).unwrap_or_default(),
                    support.clone(),
                ]
                .iter()
                .map(|c| spreadsheet_safe(c).into_owned())
                .collect(),
            );
        }
    }
    Table { headers, rows }
}

/// The headquarters' figures as one sheet: the time, the areas, the total, the shelters.
pub fn headquarters_table(h: &tsunagi_app::headquarters::Headquarters, at: &str) -> Table {
    let headers = vec![
        "区分",
        "名称",
        "対象者",
        "無事・避難済み",
        "要支援・負傷・入院",
        "未確認・連絡つかず",
        "行方不明",
        "死亡",
        "受入可能",
        "避難者",
        "空き（超過）",
    ];
    let mut rows = vec![vec![
        "時点".to_owned(),
        at.to_owned(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]];
    for (kind, f) in h
        .areas
        .iter()
        .map(|a| ("地区", a))
        .chain(h.community_districts.iter().map(|a| ("自治会", a)))
        .chain(h.welfare_districts.iter().map(|a| ("民生委員地区", a)))
        .chain(std::iter::once(("合計", &h.total)))
    {
        rows.push(vec![
            kind.to_owned(),
            f.area.clone(),
            f.people.to_string(),
            f.safe.to_string(),
            f.needs_help.to_string(),
            f.not_reached.to_string(),
            f.missing.to_string(),
            f.dead.to_string(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    for o in &h.shelters {
        rows.push(vec![
            if o.welfare {
                "福祉避難所"
            } else {
                "避難所"
            }
            .to_owned(),
            o.shelter_name.clone(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            o.capacity.to_string(),
            o.present.to_string(),
            if o.over > 0 {
                format!("（{}超過）", o.over)
            } else {
                o.free.to_string()
            },
        ]);
    }
    let rows = rows
        .into_iter()
        .map(|r| r.iter().map(|c| spreadsheet_safe(c).into_owned()).collect())
        .collect();
    Table { headers, rows }
}

/// The national survey's figures as one sheet: the basis and plan status first, then the
/// municipality, each area and each 自治会 district.
pub fn survey_table(v: &tsunagi_app::progress::SurveyView) -> Table {
    let headers = vec![
        "区分",
        "地区",
        "名簿掲載者数",
        "平常時から名簿情報を提供",
        "うち本人同意",
        "うち条例",
        "個別避難計画 全部作成",
        "一部作成",
        "未作成",
        "平常時から計画情報を提供",
        "優先度が高い者",
        "うち計画作成済み",
    ];
    let note = |label: &str, value: String| {
        let mut r = vec![label.to_owned(), value];
        r.resize(headers.len(), String::new());
        r
    };
    let mut rows = vec![
        note("調査基準日", tsunagi_domain::wareki::format_wareki(v.as_of)),
        note("名簿情報の提供の根拠", v.basis.roster.label().to_owned()),
        note("計画情報の提供の根拠", v.basis.plans.label().to_owned()),
        note("条例", v.ordinance.clone().unwrap_or_default()),
        note("個別避難計画の策定状況", v.plan_status.label().to_owned()),
    ];
    let s = &v.survey;
    for (kind, f) in std::iter::once(("市町村", &s.total))
        .chain(s.areas.iter().map(|f| ("町名", f)))
        .chain(s.community_districts.iter().map(|f| ("自治会", f)))
    {
        rows.push(
            [kind.to_owned(), f.district.clone()]
                .into_iter()
                .chain(
                    [
                        f.roster,
                        f.shared,
                        f.shared_by_consent,
                        f.shared_by_ordinance,
                        f.plans_done,
                        f.plans_partial,
                        f.plans_none,
                        f.plans_shared,
                        f.high_priority,
                        f.high_priority_done,
                    ]
                    .map(|n| n.to_string()),
                )
                .collect(),
        );
    }
    Table { headers, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> Table {
        Table {
            headers: vec!["氏名", "電話番号"],
            rows: vec![
                vec!["山田 ハル".into(), "0889-22-1000".into()],
                vec![name.into(), "".into()],
            ],
        }
    }

    #[test]
    fn shift_jis_round_trips_names_it_can_hold() {
        // 髙 and 﨑 are CP932 (IBM extensions), which Excel on Windows reads.
        let t = table("髙橋 﨑子");
        let bytes = csv_shift_jis(&t).expect("csv").expect("encodable");
        let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&bytes);
        assert!(!bad);
        assert_eq!(
            text,
            "氏名,電話番号\r\n山田 ハル,0889-22-1000\r\n髙橋 﨑子,\r\n"
        );
    }

    #[test]
    fn the_spreadsheet_carries_the_duty_of_confidentiality_when_printed() {
        let bytes = xlsx("名簿", &table("山田 ハル")).expect("xlsx");
        // The sheet's XML inside the zip holds the print header.
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut sheet = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").expect("sheet"),
            &mut sheet,
        )
        .expect("read");
        assert!(
            sheet.contains("取扱注意") && sheet.contains("第49条の13"),
            "{sheet}"
        );
    }

    #[test]
    fn formulas_reach_neither_csv_as_formulas() {
        let t = Table {
            headers: vec!["氏名", "住所"],
            rows: vec![vec![
                "=HYPERLINK(\"http://evil.example\",\"山田\")".into(),
                "+81 高知県".into(),
            ]],
        };
        for bytes in [
            csv_utf8_bom(&t).expect("csv"),
            csv_shift_jis(&t).expect("csv").expect("encodable"),
        ] {
            let text = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
                String::from_utf8_lossy(&bytes[3..]).into_owned()
            } else {
                encoding_rs::SHIFT_JIS.decode(&bytes).0.into_owned()
            };
            let mut r = csv::Reader::from_reader(text.as_bytes());
            let row = r.records().next().expect("row").expect("record");
            assert_eq!(&row[0], "'=HYPERLINK(\"http://evil.example\",\"山田\")");
            assert_eq!(&row[1], "'+81 高知県");
        }
    }

    #[test]
    fn characters_shift_jis_cannot_hold_are_reported_not_replaced() {
        let t = table("𠮷田 花子");
        let problems = csv_shift_jis(&t).expect("csv").expect_err("unmappable");
        assert_eq!(
            problems,
            vec![Unmappable {
                line: 3,
                column: "氏名".into(),
                value: "𠮷田 花子".into(),
                characters: "𠮷".into(),
            }]
        );
        // The UTF-8 file keeps it.
        let utf8 = csv_utf8_bom(&t).expect("csv");
        assert!(utf8.starts_with(&[0xEF, 0xBB, 0xBF]));
        assert!(String::from_utf8_lossy(&utf8).contains("𠮷田 花子"));
    }
}
