//! Inundation depth: the official 浸水深ランク code list and the free-text depth bands of the
//! tsunami (A40) and storm-surge (A49) layers, parsed into bounds. A band that does not parse
//! is an error to report, never a guess.

use unicode_normalization::UnicodeNormalization;

/// A depth range in metres: `lower ≤ depth < upper` (`upper` `None`: open-ended).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DepthBand {
    pub lower_m: f64,
    pub upper_m: Option<f64>,
}

impl DepthBand {
    /// Worse means deeper: compare by the lower bound, then by the upper (open is deepest).
    pub fn severity_key(&self) -> (f64, f64) {
        (self.lower_m, self.upper_m.unwrap_or(f64::INFINITY))
    }

    /// As printed on a hazard map: 「0.5m以上3.0m未満」.
    pub fn label(&self) -> String {
        match self.upper_m {
            Some(u) if self.lower_m <= 0.0 => format!("{u}m未満"),
            Some(u) => format!("{}m以上{u}m未満", self.lower_m),
            None => format!("{}m以上", self.lower_m),
        }
    }
}

/// 浸水深ランク (all MLIT flood layers): 1 0–0.5 m, 2 0.5–3, 3 3–5, 4 5–10, 5 10–20, 6 ≥ 20.
pub fn band_of_rank(rank: u8) -> Option<DepthBand> {
    let (l, u) = match rank {
        1 => (0.0, Some(0.5)),
        2 => (0.5, Some(3.0)),
        3 => (3.0, Some(5.0)),
        4 => (5.0, Some(10.0)),
        5 => (10.0, Some(20.0)),
        6 => (20.0, None),
        _ => return None,
    };
    Some(DepthBand {
        lower_m: l,
        upper_m: u,
    })
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("浸水深の区分を読み取れません: 「{0}」")]
pub struct BandError(pub String);

/// Parses a depth band as prefectures write it: 「0.3m以上 ～ 0.5m未満」, 「1m以上～3m未満」,
/// 「1.0～2.0m」, 「5m以上10m未満」, 「20m以上」, 「0.3m未満」, with full-width characters and
/// spaces tolerated.
pub fn parse_band(text: &str) -> Result<DepthBand, BandError> {
    let err = || BandError(text.to_owned());
    let s: String = text
        .nfkc()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .replace(['～', '〜', '~', '－', '-', '―'], "~")
        .replace("ｍ", "m")
        .replace('M', "m");
    if s.is_empty() {
        return Err(err());
    }
    // Split into the number tokens with what follows each.
    let mut numbers: Vec<(f64, String)> = Vec::new();
    let mut rest = s.as_str();
    while !rest.is_empty() {
        let start = rest.find(|c: char| c.is_ascii_digit()).ok_or_else(err)?;
        if !rest[..start].chars().all(|c| c == '~') {
            return Err(err());
        }
        let after = &rest[start..];
        let end = after
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(after.len());
        let value: f64 = after[..end].parse().map_err(|_| err())?;
        let tail = &after[end..];
        let next = tail
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(tail.len());
        numbers.push((value, tail[..next].to_owned()));
        rest = &tail[next..];
    }
    let unit_ok = |t: &str| {
        let t = t.trim_start_matches('m');
        matches!(
            t,
            "" | "~" | "以上" | "以上~" | "未満" | "以下" | "超" | "を超える"
        )
    };
    if !numbers.iter().all(|(_, t)| unit_ok(t)) {
        return Err(err());
    }
    let suffix = |t: &str| t.trim_start_matches('m').trim_end_matches('~').to_owned();
    let band = match numbers.as_slice() {
        [(v, t)] => match suffix(t).as_str() {
            "以上" | "超" | "を超える" => DepthBand {
                lower_m: *v,
                upper_m: None,
            },
            "未満" | "以下" => DepthBand {
                lower_m: 0.0,
                upper_m: Some(*v),
            },
            _ => return Err(err()),
        },
        [(a, ta), (b, tb)] => {
            let (sa, sb) = (suffix(ta), suffix(tb));
            if !matches!(sa.as_str(), "" | "以上" | "超")
                || !matches!(sb.as_str(), "" | "未満" | "以下")
            {
                return Err(err());
            }
            DepthBand {
                lower_m: *a,
                upper_m: Some(*b),
            }
        }
        _ => return Err(err()),
    };
    match band.upper_m {
        Some(u) if u <= band.lower_m => Err(err()),
        _ if !band.lower_m.is_finite() || band.lower_m < 0.0 => Err(err()),
        _ => Ok(band),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn band(l: f64, u: Option<f64>) -> DepthBand {
        DepthBand {
            lower_m: l,
            upper_m: u,
        }
    }

    #[test]
    fn the_wordings_prefectures_publish() {
        for (text, want) in [
            ("0.3m以上 ～ 0.5m未満", band(0.3, Some(0.5))),
            ("1m以上～3m未満", band(1.0, Some(3.0))),
            ("1.0～2.0m", band(1.0, Some(2.0))),
            ("5m以上10m未満", band(5.0, Some(10.0))),
            ("２０ｍ以上", band(20.0, None)),
            ("0.3m未満", band(0.0, Some(0.3))),
            (" １．０ｍ以上 〜 ２．０ｍ未満 ", band(1.0, Some(2.0))),
            ("10m以上20m未満", band(10.0, Some(20.0))),
        ] {
            assert_eq!(parse_band(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn anything_else_is_reported_not_guessed() {
        for text in [
            "",
            "浸水なし",
            "3m",
            "5m以上3m未満",
            "1m以上2m以上",
            "約2m",
            "1～2～3m",
            "m",
        ] {
            assert!(parse_band(text).is_err(), "{text}");
        }
    }

    #[test]
    fn ranks_follow_the_code_list() {
        assert_eq!(band_of_rank(2), Some(band(0.5, Some(3.0))));
        assert_eq!(band_of_rank(6), Some(band(20.0, None)));
        assert_eq!(band_of_rank(0), None);
        assert_eq!(band_of_rank(7), None);
        for r in 1..6u8 {
            let (a, b) = (band_of_rank(r), band_of_rank(r + 1));
            assert!(a.map(|a| a.severity_key()) < b.map(|b| b.severity_key()));
        }
    }

    proptest! {
        /// Any band written as 「Xm以上Ym未満」 (full-width or not) reads back as (X, Y).
        #[test]
        fn written_bands_read_back(a in 0u32..300, d in 1u32..300, wide in any::<bool>()) {
            let (l, u) = (f64::from(a) / 10.0, f64::from(a + d) / 10.0);
            let mut text = format!("{l}m以上～{u}m未満");
            if wide {
                text = text.chars().map(|c| match c {
                    '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c),
                    '.' => '．',
                    'm' => 'ｍ',
                    other => other,
                }).collect();
            }
            prop_assert_eq!(parse_band(&text), Ok(band(l, Some(u))));
        }
    }
}
