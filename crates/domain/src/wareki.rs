//! The Japanese calendar (和暦): formatting for screens and parsing of the forms municipal
//! extracts use (`昭和12年3月4日`, `S12.3.4`, `H元.1.8`, `3120304`, `1937/03/04`, `19370304`).

use chrono::{Datelike, NaiveDate};
use unicode_normalization::UnicodeNormalization;

/// An era (元号) of the modern calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Era {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

impl Era {
    pub const ALL: [Era; 5] = [Era::Meiji, Era::Taisho, Era::Showa, Era::Heisei, Era::Reiwa];

    /// First day of the era (明治 from 1868-01-25, as official extracts count it).
    pub fn start(self) -> NaiveDate {
        let (y, m, d) = match self {
            Era::Meiji => (1868, 1, 25),
            Era::Taisho => (1912, 7, 30),
            Era::Showa => (1926, 12, 25),
            Era::Heisei => (1989, 1, 8),
            Era::Reiwa => (2019, 5, 1),
        };
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    /// Last day of the era, if it has ended.
    pub fn end(self) -> Option<NaiveDate> {
        let next = match self {
            Era::Meiji => Era::Taisho,
            Era::Taisho => Era::Showa,
            Era::Showa => Era::Heisei,
            Era::Heisei => Era::Reiwa,
            Era::Reiwa => return None,
        };
        next.start().pred_opt()
    }

    pub fn kanji(self) -> &'static str {
        match self {
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    /// The Latin initial used in extracts (M, T, S, H, R).
    pub fn initial(self) -> char {
        match self {
            Era::Meiji => 'M',
            Era::Taisho => 'T',
            Era::Showa => 'S',
            Era::Heisei => 'H',
            Era::Reiwa => 'R',
        }
    }

    /// The digit of the seven-digit `GYYMMDD` form (1 明治 … 5 令和).
    pub fn digit(self) -> u32 {
        match self {
            Era::Meiji => 1,
            Era::Taisho => 2,
            Era::Showa => 3,
            Era::Heisei => 4,
            Era::Reiwa => 5,
        }
    }

    fn from_kanji_or_initial(s: &str) -> Option<Era> {
        Era::ALL.into_iter().find(|e| {
            s == e.kanji()
                || s.eq_ignore_ascii_case(&e.initial().to_string())
                || s.chars().next() == e.kanji().chars().next() && s.chars().count() == 1
        })
    }

    fn from_digit(d: u32) -> Option<Era> {
        Era::ALL.into_iter().find(|e| e.digit() == d)
    }

    /// The era a date falls in; `None` before 明治.
    pub fn of(date: NaiveDate) -> Option<Era> {
        Era::ALL.into_iter().rev().find(|e| date >= e.start())
    }

    /// The Western year of year `n` of this era.
    pub fn western_year(self, n: i32) -> i32 {
        self.start().year() + n - 1
    }
}

/// `令和6年4月1日`; the first year of an era is written `元年`. Dates before 明治 are given in the
/// Western calendar.
pub fn format_wareki(date: NaiveDate) -> String {
    match Era::of(date) {
        Some(era) => {
            let n = date.year() - era.start().year() + 1;
            let year = if n == 1 {
                "元".to_owned()
            } else {
                n.to_string()
            };
            format!(
                "{}{}年{}月{}日",
                era.kanji(),
                year,
                date.month(),
                date.day()
            )
        }
        None => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
    }
}

/// Both calendars, as Japanese forms show them: `令和6年4月1日（2024年）`.
pub fn format_both(date: NaiveDate) -> String {
    format!("{}（{}年）", format_wareki(date), date.year())
}

/// Why a date could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("日付の形式が読み取れません: 「{0}」")]
    Unrecognised(String),
    #[error("存在しない日付です: 「{0}」")]
    NoSuchDay(String),
    #[error("「{input}」は{era}の期間外です（{era}は{span}）")]
    OutsideEra {
        input: String,
        era: &'static str,
        /// `1989-01-08〜2019-04-30`, or `2019-05-01〜` for the current era.
        span: String,
    },
}

/// Reads a date as municipal extracts write it, in either calendar. A date outside its era
/// (平成31年5月1日) is an error, never silently shifted.
pub fn parse_date(input: &str) -> Result<NaiveDate, DateError> {
    let s: String = input.nfkc().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return Err(DateError::Unrecognised(input.to_owned()));
    }
    let unrecognised = || DateError::Unrecognised(input.to_owned());

    // Pure digits: 8 = YYYYMMDD, 7 = GYYMMDD.
    if s.chars().all(|c| c.is_ascii_digit()) {
        return match s.len() {
            8 => {
                let y: i32 = s[0..4].parse().map_err(|_| unrecognised())?;
                let m: u32 = s[4..6].parse().map_err(|_| unrecognised())?;
                let d: u32 = s[6..8].parse().map_err(|_| unrecognised())?;
                ymd(input, y, m, d)
            }
            7 => {
                let g: u32 = s[0..1].parse().map_err(|_| unrecognised())?;
                let era = Era::from_digit(g).ok_or_else(unrecognised)?;
                let n: i32 = s[1..3].parse().map_err(|_| unrecognised())?;
                let m: u32 = s[3..5].parse().map_err(|_| unrecognised())?;
                let d: u32 = s[5..7].parse().map_err(|_| unrecognised())?;
                era_date(input, era, n, m, d)
            }
            _ => Err(unrecognised()),
        };
    }

    // Era prefix: kanji (昭和), single kanji (昭) or initial (S).
    let era_len = s
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit() || *c == '元')
        .map(|(i, _)| i)
        .ok_or_else(unrecognised)?;
    let (prefix, rest) = s.split_at(era_len);
    let numbers = split_numbers(rest).ok_or_else(unrecognised)?;
    let [a, b, c] = numbers.as_slice() else {
        return Err(unrecognised());
    };
    if prefix.is_empty() {
        // Western: 1937/03/04, 1937-3-4, 1937年3月4日
        let y = i32::try_from(*a).map_err(|_| unrecognised())?;
        if y < 1000 {
            return Err(unrecognised());
        }
        return ymd(input, y, *b, *c);
    }
    let era = Era::from_kanji_or_initial(prefix).ok_or_else(unrecognised)?;
    let n = i32::try_from(*a).map_err(|_| unrecognised())?;
    era_date(input, era, n, *b, *c)
}

/// Splits `12.3.4`, `12/03/04`, `12-3-4`, `12年3月4日`, `元.1.8` into numbers (元 = 1).
fn split_numbers(rest: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, out: &mut Vec<u32>| -> Option<()> {
        if !current.is_empty() {
            out.push(current.parse().ok()?);
            current.clear();
        }
        Some(())
    };
    for c in rest.chars() {
        match c {
            '0'..='9' => current.push(c),
            '元' if current.is_empty() && out.is_empty() => current.push('1'),
            '.' | '/' | '-' | '年' | '月' => flush(&mut current, &mut out)?,
            '日' => {
                flush(&mut current, &mut out)?;
            }
            _ => return None,
        }
    }
    flush(&mut current, &mut out)?;
    Some(out)
}

fn ymd(input: &str, y: i32, m: u32, d: u32) -> Result<NaiveDate, DateError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| DateError::NoSuchDay(input.to_owned()))
}

fn era_date(input: &str, era: Era, n: i32, m: u32, d: u32) -> Result<NaiveDate, DateError> {
    if n < 1 {
        return Err(DateError::Unrecognised(input.to_owned()));
    }
    let date = ymd(input, era.western_year(n), m, d)?;
    let outside = DateError::OutsideEra {
        input: input.to_owned(),
        era: era.kanji(),
        span: format!(
            "{}〜{}",
            era.start().format("%Y-%m-%d"),
            era.end()
                .map(|e| e.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        ),
    };
    if date < era.start() {
        return Err(outside);
    }
    if let Some(end) = era.end()
        && date > end
    {
        return Err(outside);
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn formats_with_gannen_and_era_boundaries() {
        assert_eq!(format_wareki(d(2024, 4, 1)), "令和6年4月1日");
        assert_eq!(format_wareki(d(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(format_wareki(d(2019, 4, 30)), "平成31年4月30日");
        assert_eq!(format_wareki(d(1989, 1, 7)), "昭和64年1月7日");
        assert_eq!(format_wareki(d(1989, 1, 8)), "平成元年1月8日");
        assert_eq!(format_wareki(d(1926, 12, 25)), "昭和元年12月25日");
        assert_eq!(format_wareki(d(1926, 12, 24)), "大正15年12月24日");
        assert_eq!(format_wareki(d(1868, 1, 24)), "1868年1月24日");
        assert_eq!(format_both(d(2024, 4, 1)), "令和6年4月1日（2024年）");
    }

    #[test]
    fn parses_every_extract_form() {
        let want = d(1937, 3, 4);
        for s in [
            "昭和12年3月4日",
            "S12.3.4",
            "S12/03/04",
            "s12-3-4",
            "昭12.3.4",
            "3120304",
            "1937/03/04",
            "1937-3-4",
            "1937年3月4日",
            "19370304",
            "　昭和１２年３月４日 ",
        ] {
            assert_eq!(parse_date(s), Ok(want), "{s}");
        }
        assert_eq!(parse_date("H元.1.8"), Ok(d(1989, 1, 8)));
        assert_eq!(parse_date("令和元年5月1日"), Ok(d(2019, 5, 1)));
    }

    #[test]
    fn a_date_outside_its_era_is_an_error() {
        assert!(matches!(
            parse_date("平成31年5月1日"),
            Err(DateError::OutsideEra { .. })
        ));
        assert!(matches!(
            parse_date("H元.1.7"),
            Err(DateError::OutsideEra { .. })
        ));
        assert!(matches!(
            parse_date("令和0年1月1日"),
            Err(DateError::Unrecognised(_))
        ));
    }

    #[test]
    fn nonsense_is_rejected_with_the_input() {
        for s in [
            "", "abc", "昭和", "S12.3", "X12.3.4", "19370230", "6120304", "12/3/4",
        ] {
            assert!(parse_date(s).is_err(), "{s}");
        }
        assert!(matches!(
            parse_date("1937/02/30"),
            Err(DateError::NoSuchDay(_))
        ));
    }

    proptest! {
        #[test]
        fn formatted_wareki_parses_back(days in 0i64..70_000) {
            let date = d(1868, 1, 25) + chrono::Days::new(days as u64);
            prop_assert_eq!(parse_date(&format_wareki(date)), Ok(date));
        }

        #[test]
        fn seven_digit_form_round_trips(days in 0i64..60_000) {
            let date = d(1868, 1, 25) + chrono::Days::new(days as u64);
            let era = Era::of(date).unwrap_or(Era::Meiji);
            let n = date.year() - era.start().year() + 1;
            prop_assume!(n < 100);
            let s = format!("{}{:02}{:02}{:02}", era.digit(), n, date.month(), date.day());
            prop_assert_eq!(parse_date(&s), Ok(date));
        }
    }
}
