//! Damage survey results (被害認定調査の結果) as surveyor teams bring them back from tablets or
//! paper: one row per dwelling, matched to the household's application by 世帯番号. Read by
//! header name; every bad row is reported with its line and reason.

use std::collections::HashMap;

use tsunagi_domain::damage::{SurveyInput, SurveyKind};
use tsunagi_domain::roster::parse_flag;
use tsunagi_domain::wareki::parse_date;

use crate::table::{self, RowError};
use crate::{Encoding, FileError, decode};

/// (canonical header, aliases, description) — the documented layout, as data.
pub const COLUMNS: &[(&str, &[&str], &str)] = &[
    ("世帯番号", &["世帯コード"], "必須。申請した世帯の世帯番号"),
    (
        "調査",
        &["調査種別", "調査区分"],
        "必須。1次（第1次・外観）、2次（第2次・内部）、自己判定",
    ),
    (
        "調査日",
        &["調査年月日"],
        "必須。令和8年12月5日、R8.12.5、2026-12-05 など",
    ),
    (
        "調査員",
        &["調査者", "調査班"],
        "「、」区切り。自己判定では空欄可",
    ),
    (
        "損害割合",
        &["損害割合(%)", "損害割合（%）"],
        "%（小数1桁まで）。全壊（一見）なら空欄可",
    ),
    (
        "全壊（一見）",
        &["一見して全壊", "倒壊", "全壊(一見)"],
        "有無。倒壊・傾斜1/20以上",
    ),
    ("メモ", &["備考", "特記事項"], ""),
];

pub const REQUIRED: &[&str] = &["世帯番号", "調査", "調査日"];

/// One valid row (the survey is validated against the disaster's day when applied).
#[derive(Clone, Debug)]
pub struct SurveyRow {
    pub line: u64,
    pub household_no: String,
    pub survey: SurveyInput,
}

#[derive(Debug)]
pub struct SurveyFile {
    pub encoding: Encoding,
    pub rows: Vec<SurveyRow>,
    pub errors: Vec<RowError>,
    pub ignored_columns: Vec<String>,
}

fn kind_of(s: &str) -> Option<SurveyKind> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    match s.as_str() {
        "1" | "1次" | "１次" | "一次" | "第1次" | "第１次" | "第一次" | "first" => {
            Some(SurveyKind::First)
        }
        "2" | "2次" | "２次" | "二次" | "第2次" | "第２次" | "第二次" | "second" => {
            Some(SurveyKind::Second)
        }
        "自己判定" | "self_assessment" => Some(SurveyKind::SelfAssessment),
        _ => SurveyKind::ALL.iter().copied().find(|k| k.label() == s),
    }
}

pub fn parse(
    bytes: &[u8],
    encoding: Encoding,
    mapping: &HashMap<String, String>,
) -> Result<SurveyFile, FileError> {
    let (text, encoding) = decode(bytes, encoding)?;
    let known: Vec<(&str, &[&str])> = COLUMNS.iter().map(|(c, a, _)| (*c, *a)).collect();
    let t = table::read(&text, &known, REQUIRED, mapping)?;
    let mut errors = t.errors;
    let mut rows = Vec::with_capacity(t.rows.len());
    for (line, cells) in t.rows {
        let get = |k: &str| cells.get(k).map(|v| v.trim()).unwrap_or("");
        let mut bad = |column: &str, message: String| {
            errors.push(RowError {
                line,
                column: Some(column.to_owned()),
                message,
            })
        };
        let household_no = get("世帯番号").to_owned();
        if household_no.is_empty() {
            bad("世帯番号", "世帯番号が空です".into());
        }
        let kind = kind_of(get("調査"));
        if kind.is_none() {
            bad(
                "調査",
                format!(
                    "調査「{}」は 1次・2次・自己判定 のいずれかで書いてください",
                    get("調査")
                ),
            );
        }
        let day = parse_date(get("調査日"))
            .map_err(|e| bad("調査日", e.to_string()))
            .ok();
        let ratio = match get("損害割合").trim_end_matches(['%', '％']) {
            "" => None,
            s => match s.parse::<f64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    bad(
                        "損害割合",
                        format!("損害割合「{s}」は数字（%）で書いてください"),
                    );
                    None
                }
            },
        };
        let collapsed = match get("全壊（一見）") {
            "" => false,
            s => parse_flag(s)
                .map_err(|m| bad("全壊（一見）", m))
                .unwrap_or(false),
        };
        if let (Some(kind), Some(surveyed_on)) = (kind, day) {
            let had_error = errors.iter().any(|e| e.line == line);
            if !had_error {
                rows.push(SurveyRow {
                    line,
                    household_no,
                    survey: SurveyInput {
                        kind,
                        surveyed_on,
                        surveyors: get("調査員")
                            .split(['、', ','])
                            .map(str::to_owned)
                            .collect(),
                        damage_ratio: ratio,
                        collapsed,
                        notes: Some(get("メモ").to_owned()),
                    },
                });
            }
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(SurveyFile {
        encoding,
        rows,
        errors,
        ignored_columns: t.ignored,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_sheet_reads_by_header_and_reports_every_bad_row() {
        let text = "世帯番号,調査,調査日,調査員,損害割合,全壊（一見）,備考\n\
            H1,1次,R8.12.5,A班 田中、A班 森,35,,床上45cm\n\
            H2,第2次,2026-12-06,B班,42.5%,,\n\
            H3,1次,令和8年12月5日,A班,,○,傾斜\n\
            H4,三次,R8.12.5,A班,10,,\n\
            ,1次,R8.13.5,A班,abc,たぶん,\n";
        let f = parse(text.as_bytes(), Encoding::Auto, &HashMap::new()).expect("file");
        assert_eq!(f.rows.len(), 3, "{:?}", f.errors);
        assert_eq!(f.rows[0].survey.kind, SurveyKind::First);
        assert_eq!(f.rows[0].survey.surveyors.len(), 2);
        assert_eq!(f.rows[1].survey.damage_ratio, Some(42.5));
        assert!(f.rows[2].survey.collapsed);
        let lines: Vec<(u64, Option<&str>)> = f
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(lines[0], (5, Some("調査")));
        let six: Vec<&str> = lines
            .iter()
            .filter(|(l, _)| *l == 6)
            .filter_map(|(_, c)| *c)
            .collect();
        for c in ["世帯番号", "調査日", "損害割合", "全壊（一見）"] {
            assert!(six.contains(&c), "{c} missing in {six:?}");
        }
        assert_eq!(f.ignored_columns, Vec::<String>::new());
    }
}
