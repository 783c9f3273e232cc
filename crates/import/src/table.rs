//! A CSV table read by header name: aliases and a user's mapping resolve each header to the
//! canonical column name; rows keep their line number.

use crate::FileError;
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

/// One problem in one row.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// Line in the file (the header is line 1).
    pub line: u64,
    /// The canonical column, when the problem is one cell.
    pub column: Option<String>,
    pub message: String,
}

/// Rows as `canonical column → cell`, with their lines.
#[derive(Debug)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<(u64, HashMap<String, String>)>,
    /// Headers that matched no known column (ignored, reported).
    pub ignored: Vec<String>,
    /// Rows too short to hold every column (a truncated file, a broken line).
    pub errors: Vec<RowError>,
}

/// Normalises a header for matching: NFKC, no spaces, no brackets' width differences.
pub fn normalise_header(h: &str) -> String {
    h.nfkc()
        .filter(|c| !c.is_whitespace() && *c != '\u{FEFF}')
        .collect()
}

/// Turns byte offsets into line numbers, scanning forward only (offsets arrive in order).
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    newlines: u64,
}

impl LineCounter<'_> {
    fn line_at(&mut self, byte: u64) -> u64 {
        let end = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        if end < self.offset {
            self.offset = 0;
            self.newlines = 0;
        }
        self.newlines += self.text[self.offset..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.offset = end;
        // After a CRLF the reader stops at the CR, so a record "starts" at the LF before it.
        let at_lf = u64::from(self.text.get(end) == Some(&b'\n'));
        self.newlines + at_lf + 1
    }
}

/// Reads `text` as CSV. `known` lists canonical column names with their aliases;
/// `mapping` maps a file's own header to a canonical name (it wins over aliases).
pub fn read(
    text: &str,
    known: &[(&str, &[&str])],
    required: &[&str],
    mapping: &HashMap<String, String>,
) -> Result<Table, FileError> {
    for target in mapping.values() {
        if !known.iter().any(|(c, _)| c == target) {
            return Err(FileError::BadMapping(format!(
                "「{target}」は取り込める列ではありません"
            )));
        }
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::None)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| FileError::Malformed {
            line: 1,
            message: e.to_string(),
        })?
        .clone();
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(FileError::Empty);
    }
    let mapping: HashMap<String, String> = mapping
        .iter()
        .map(|(k, v)| (normalise_header(k), v.clone()))
        .collect();
    let mut index: Vec<Option<String>> = Vec::new();
    let mut ignored = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for h in headers.iter() {
        let n = normalise_header(h);
        if n.is_empty() {
            index.push(None); // blank trailing or spacer column
            continue;
        }
        let canonical = mapping.get(&n).cloned().or_else(|| {
            known
                .iter()
                .find(|(c, aliases)| {
                    normalise_header(c) == n || aliases.iter().any(|a| normalise_header(a) == n)
                })
                .map(|(c, _)| (*c).to_owned())
        });
        match canonical {
            Some(c) => {
                *seen.entry(c.clone()).or_default() += 1;
                index.push(Some(c));
            }
            None => {
                ignored.push(h.to_owned());
                index.push(None);
            }
        }
    }
    let dups: Vec<String> = seen
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(c, _)| c.clone())
        .collect();
    if !dups.is_empty() {
        return Err(FileError::DuplicateColumns(dups.join("、")));
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|r| !seen.contains_key(*r))
        .collect();
    if !missing.is_empty() {
        return Err(FileError::MissingColumns(missing.join("、")));
    }
    let needed = index
        .iter()
        .rposition(Option::is_some)
        .map(|i| i + 1)
        .unwrap_or(0);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut lines = LineCounter {
        text: text.as_bytes(),
        offset: 0,
        newlines: 0,
    };
    for record in reader.records() {
        let record = record.map_err(|e| FileError::Malformed {
            line: e.position().map(|p| lines.line_at(p.byte())).unwrap_or(0),
            message: e.to_string(),
        })?;
        // The byte offset is exact; the crate's line count is not for the first record.
        let line = record
            .position()
            .map(|p| lines.line_at(p.byte()))
            .unwrap_or(0);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue; // blank line, e.g. at the end of an Excel export
        }
        if record.len() < needed {
            errors.push(RowError {
                line,
                column: None,
                message: format!("列が足りません（{}列、{needed}列必要）。行が途中で切れていないか確認してください", record.len()),
            });
            continue;
        }
        let mut row = HashMap::new();
        for (i, cell) in record.iter().enumerate() {
            if let Some(Some(c)) = index.get(i) {
                row.insert(c.clone(), cell.trim().to_owned());
            }
        }
        rows.push((line, row));
    }
    let columns = index.into_iter().flatten().collect();
    Ok(Table {
        columns,
        rows,
        ignored,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[(&str, &[&str])] = &[
        ("宛名番号", &["宛名コード"]),
        ("氏名", &[]),
        ("氏名カナ", &["フリガナ"]),
    ];

    #[test]
    fn headers_by_name_in_any_order_with_aliases_blanks_and_unknowns() {
        let t = read(
            "フリガナ,,備考,宛名コード,氏名\r\nﾔﾏﾀﾞ,,x,1,山田\r\n\r\n",
            KNOWN,
            &["宛名番号"],
            &HashMap::new(),
        );
        let t = t.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].0, 2);
        assert_eq!(t.rows[0].1.get("氏名カナ").map(String::as_str), Some("ﾔﾏﾀﾞ"));
        assert_eq!(t.rows[0].1.get("宛名番号").map(String::as_str), Some("1"));
        assert_eq!(t.ignored, vec!["備考"]);
    }

    #[test]
    fn a_user_mapping_names_foreign_headers() {
        let mut m = HashMap::new();
        m.insert("住民番号".to_owned(), "宛名番号".to_owned());
        let t = read("住民番号,氏名\n9,山田\n", KNOWN, &["宛名番号"], &m);
        assert_eq!(
            t.map(|t| t.rows[0].1.get("宛名番号").cloned()),
            Ok(Some("9".into()))
        );
        m.insert("x".into(), "存在しない列".into());
        assert!(matches!(
            read("x\n1\n", KNOWN, &[], &m),
            Err(FileError::BadMapping(_))
        ));
    }

    #[test]
    fn missing_and_duplicate_columns_are_file_errors() {
        assert_eq!(
            read("氏名\n山田\n", KNOWN, &["宛名番号"], &HashMap::new()).err(),
            Some(FileError::MissingColumns("宛名番号".into()))
        );
        assert!(matches!(
            read("氏名,氏名\n1,2\n", KNOWN, &[], &HashMap::new()),
            Err(FileError::DuplicateColumns(_))
        ));
        assert_eq!(
            read("", KNOWN, &[], &HashMap::new()).err(),
            Some(FileError::Empty)
        );
    }

    #[test]
    fn a_short_row_is_reported_with_its_line() {
        let t = read(
            "宛名番号,氏名\n1,山田\n2\n",
            KNOWN,
            &["宛名番号"],
            &HashMap::new(),
        );
        let t = t.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.errors.len(), 1);
        assert_eq!(t.errors[0].line, 3);
    }
}
