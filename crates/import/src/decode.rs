//! Character encodings: UTF-8 with or without BOM, or Shift_JIS as Excel writes it.

use crate::FileError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 if it is valid UTF-8 (BOM or not), Shift_JIS (CP932) otherwise.
    Auto,
    Utf8,
    ShiftJis,
}

impl std::str::FromStr for Encoding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "auto" | "" => Ok(Encoding::Auto),
            "utf8" => Ok(Encoding::Utf8),
            "shiftjis" | "sjis" | "cp932" | "windows31j" => Ok(Encoding::ShiftJis),
            _ => Err(format!(
                "不明な文字コードです: {s}（auto, utf-8, shift_jis）"
            )),
        }
    }
}

fn line_of(bytes: &[u8], offset: usize) -> u64 {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

/// Decodes a whole file to text. `encoding_rs::SHIFT_JIS` is CP932, what Excel writes.
pub fn decode(bytes: &[u8], encoding: Encoding) -> Result<(String, Encoding), FileError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice());
    match (encoding, body) {
        (Encoding::Auto | Encoding::Utf8, Some(rest)) => std::str::from_utf8(rest)
            .map(|s| (s.to_owned(), Encoding::Utf8))
            .map_err(|_| FileError::UnknownEncoding),
        (Encoding::Utf8, None) => std::str::from_utf8(bytes)
            .map(|s| (s.to_owned(), Encoding::Utf8))
            .map_err(|e| FileError::Malformed {
                line: line_of(bytes, e.valid_up_to()),
                message: "UTF-8 として読めない文字があります".into(),
            }),
        (Encoding::Auto, None) => match std::str::from_utf8(bytes) {
            Ok(s) => Ok((s.to_owned(), Encoding::Utf8)),
            Err(_) => decode_sjis(bytes).map_err(|e| match e {
                FileError::BadShiftJis { .. } => FileError::UnknownEncoding,
                other => other,
            }),
        },
        (Encoding::ShiftJis, _) => decode_sjis(bytes),
    }
}

fn decode_sjis(bytes: &[u8]) -> Result<(String, Encoding), FileError> {
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
    if had_errors {
        let offset = text.find('\u{FFFD}').map(|i| text[..i].len()).unwrap_or(0);
        let line = text[..offset].matches('\n').count() as u64 + 1;
        return Err(FileError::BadShiftJis { line });
    }
    Ok((text.into_owned(), Encoding::ShiftJis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_and_shift_jis() {
        let text = "氏名,ﾌﾘｶﾞﾅ\r\n山田,ﾔﾏﾀﾞ\r\n";
        assert_eq!(
            decode(text.as_bytes(), Encoding::Auto),
            Ok((text.to_owned(), Encoding::Utf8))
        );
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(
            decode(&bom, Encoding::Auto),
            Ok((text.to_owned(), Encoding::Utf8))
        );
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        assert_eq!(
            decode(&sjis, Encoding::Auto),
            Ok((text.to_owned(), Encoding::ShiftJis))
        );
        assert_eq!(
            decode(&sjis, Encoding::ShiftJis),
            Ok((text.to_owned(), Encoding::ShiftJis))
        );
        assert!(decode(&sjis, Encoding::Utf8).is_err());
    }

    #[test]
    fn cp932_extensions_decode() {
        // ①, ㈱ and NEC/IBM extension kanji (髙, 﨑) are CP932, not plain Shift_JIS.
        let text = "①㈱髙﨑";
        let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!bad);
        assert_eq!(
            decode(&bytes, Encoding::Auto).map(|d| d.0),
            Ok(text.to_owned())
        );
    }

    #[test]
    fn garbage_is_refused() {
        assert_eq!(
            decode(&[0x82, 0x0A, 0xFF, 0xFE], Encoding::Auto),
            Err(FileError::UnknownEncoding)
        );
    }
}
