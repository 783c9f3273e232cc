//! The resident record extract (住民記録): every resident with household and address, the
//! person columns of the roster layout with 世帯番号 required. Read by header name, every bad
//! row reported; people already registered are matched on 宛名番号 when applied.

use std::collections::HashMap;

use chrono::NaiveDate;
use tsunagi_domain::person::PersonDetails;

use crate::roster::{CellErrors, person_of, read_keyed};
use crate::{Encoding, FileError, RowError};

/// The person columns of the roster layout: 宛名番号 … 続柄.
pub fn columns() -> &'static [(&'static str, &'static [&'static str], &'static str)] {
    let n = crate::roster::COLUMNS
        .iter()
        .position(|(c, _, _)| *c == "自治会")
        .unwrap_or(crate::roster::COLUMNS.len());
    &crate::roster::COLUMNS[..n]
}

pub const REQUIRED: &[&str] = &[
    "宛名番号",
    "世帯番号",
    "氏名",
    "氏名カナ",
    "生年月日",
    "性別",
    "住所",
];

/// A resident extract, read.
#[derive(Debug)]
pub struct ResidentFile {
    pub encoding: Encoding,
    pub rows: Vec<(u64, PersonDetails)>,
    pub errors: Vec<RowError>,
    pub ignored_columns: Vec<String>,
}

pub fn parse(
    bytes: &[u8],
    encoding: Encoding,
    mapping: &HashMap<String, String>,
    today: NaiveDate,
) -> Result<ResidentFile, FileError> {
    let f = read_keyed(bytes, encoding, mapping, columns(), REQUIRED, |cells| {
        let mut errors: CellErrors = Vec::new();
        let get = |k: &str| cells.get(k).map(String::as_str).unwrap_or("");
        if get("世帯番号").trim().is_empty() {
            errors.push((Some("世帯番号".into()), "世帯番号が空です".into()));
        }
        match person_of(cells, today, &mut errors) {
            Some(p) if errors.is_empty() => Ok(p),
            _ => Err(errors),
        }
    })?;
    Ok(ResidentFile {
        encoding: f.encoding,
        rows: f.rows,
        errors: f.errors,
        ignored_columns: f.ignored_columns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default()
    }

    #[test]
    fn residents_need_a_household_and_every_bad_row_is_reported() {
        let text = "宛名番号,世帯番号,氏名,氏名カナ,生年月日,性別,住所,続柄,要介護度\n\
            1,H1,山田　太郎,ヤマダ タロウ,S30.1.2,男,潮見市本町1丁目1,世帯主,要介護3\n\
            2,,山田　花子,ヤマダ ハナコ,S31.1.2,女,潮見市本町1丁目1,妻,\n\
            3,H1,山田　一郎,ヤマダ イチロウ,H40.1.2,男,潮見市本町1丁目1,子,\n\
            1,H2,佐藤　次郎,サトウ ジロウ,S30.1.2,男,潮見市港町2,世帯主,\n";
        let f = parse(text.as_bytes(), Encoding::Auto, &HashMap::new(), today())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.rows.len(), 1);
        assert_eq!(f.rows[0].1.household_no.as_deref(), Some("H1"));
        let lines: Vec<(u64, Option<&str>)> = f
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(lines[0], (3, Some("世帯番号")));
        assert_eq!(lines[1].0, 4, "平成40年 does not exist");
        assert_eq!(lines[2], (5, Some("宛名番号")));
        // The roster's columns are not the resident layout's: ignored and listed.
        assert_eq!(f.ignored_columns, vec!["要介護度"]);
    }
}
