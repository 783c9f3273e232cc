//! Japanese text as staff type it: full/half width, hiragana/katakana, spaces.
//!
//! Staff search for `ﾔﾏﾀﾞ`, `やまだ`, `ヤマダ` or `山田　太郎` and expect the same person.
//! Everything here is NFKC first (half-width katakana become full-width, full-width ASCII
//! becomes ASCII), then folded.

use unicode_normalization::UnicodeNormalization;

/// Is `c` in the Unicode Private Use Area, where municipal systems' 外字 land after decoding?
pub fn is_gaiji(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// Does the text hold a private-use character (外字)? Such records are flagged "外字を含む".
pub fn contains_gaiji(s: &str) -> bool {
    s.chars().any(is_gaiji)
}

fn katakana_to_hiragana(c: char) -> char {
    match c {
        // ァ..ヶ map onto ぁ..ゖ (0x60 apart); ヷ..ヺ have no hiragana form.
        '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        // Iteration marks ヽヾ -> ゝゞ
        '\u{30FD}' | '\u{30FE}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        _ => c,
    }
}

fn hiragana_to_katakana(c: char) -> char {
    match c {
        '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' => {
            char::from_u32(c as u32 + 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

/// Folds text for searching: NFKC, katakana → hiragana, lower case, and all white space
/// (including the ideographic space U+3000) removed. Apply the same fold to the stored key
/// and to the query.
pub fn fold_for_search(s: &str) -> String {
    let folded: String = s
        .nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace())
        .map(katakana_to_hiragana)
        .collect();
    // Removing spaces can bring a combining mark next to its base: compose once more.
    folded.nfkc().collect()
}

/// The separator of [`search_key`] segments; never part of a folded query.
pub const KEY_SEPARATOR: char = '|';

/// The stored search key of a person: each searchable word folded and fenced by `|`, so a
/// query matches at the start of a word: `ﾔﾏﾀﾞ` finds 山田 (ヤマダ) but not 中山大輔
/// (ナカヤマダイスケ). Segments: the whole name, the whole reading, and each given name.
pub fn search_key(name: &str, kana: &str) -> String {
    let mut parts = vec![fold_for_search(name), fold_for_search(kana)];
    for s in [name, kana] {
        parts.extend(s.split_whitespace().skip(1).map(fold_for_search));
    }
    let mut key = String::from(KEY_SEPARATOR);
    for p in parts.iter().filter(|p| !p.is_empty()) {
        key.push_str(&p.replace(KEY_SEPARATOR, ""));
        key.push(KEY_SEPARATOR);
    }
    key
}

/// The `LIKE` pattern that finds `query` at the start of a [`search_key`] segment; `None`
/// when the query folds to nothing.
pub fn search_pattern(query: &str) -> Option<String> {
    let q = fold_for_search(query).replace(KEY_SEPARATOR, "");
    (!q.is_empty()).then(|| format!("%{KEY_SEPARATOR}{}%", escape_like(&q)))
}

/// Normalises a reading (フリガナ) to full-width katakana with single ASCII-free spaces:
/// `ﾔﾏﾀﾞ ﾀﾛｳ`, `やまだ　たろう` and `ヤマダ タロウ` all become `ヤマダ　タロウ`.
pub fn normalise_kana(s: &str) -> String {
    let folded: String = s.nfkc().map(hiragana_to_katakana).collect();
    collapse_spaces(&folded, '\u{3000}')
}

/// Collapses runs of white space to one `sep` and trims the ends.
pub fn collapse_spaces(s: &str, sep: char) -> String {
    let mut out = String::with_capacity(s.len());
    for part in s.split(char::is_whitespace).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(sep);
        }
        out.push_str(part);
    }
    out
}

/// Is every character a katakana (after [`normalise_kana`]), a prolonged-sound mark, a middle
/// dot or a space? Used to check a reading.
pub fn is_katakana_reading(s: &str) -> bool {
    s.chars().all(|c| {
        matches!(
            c,
            '\u{30A1}'..='\u{30FA}' | 'ー' | '・' | '\u{30FD}' | '\u{30FE}' | '\u{3000}' | ' '
        )
    })
}

/// Normalises a name as entered: NFKC would turn some 異体字 into their standard forms and lose
/// what the person's register says, so names are only trimmed and their spaces collapsed to
/// one ideographic space.
pub fn normalise_name(s: &str) -> String {
    collapse_spaces(s, '\u{3000}')
}

/// Escapes `%`, `_` and the escape character itself for a SQL `LIKE … ESCAPE '\'` pattern.
pub fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The first character that has no place in a name: control characters, bidirectional
/// controls (a right-to-left override makes 「山田」 display as something else on every list)
/// and invisible zero-width characters. Ideographic variation selectors (IVS, the 異体字 of a
/// register) are allowed.
pub fn invisible_or_control(s: &str) -> Option<char> {
    s.chars().find(|&c| is_invisible_or_control(c))
}

/// See [`invisible_or_control`].
pub fn is_invisible_or_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{061C}'
                | '\u{FEFF}'
        )
}

/// Free text as typed: trimmed; blank is none.
pub fn clean(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Free text the record refuses: over `max` characters, or holding an invisible or control
/// character other than a line break.
pub fn unacceptable(s: &str, max: usize) -> bool {
    s.chars().count() > max || s.chars().any(|c| is_invisible_or_control(c) && c != '\n')
}

/// What to tell the user when [`unacceptable`] refuses a text.
pub fn unacceptable_message(max: usize) -> String {
    format!("{max}文字以内で、使用できない文字を含めずに入力してください")
}

/// A cell as a spreadsheet must receive it: text that Excel or LibreOffice would read as a
/// formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return, or their full-width
/// forms, which Japanese Excel also accepts) gets a leading `'`, as OWASP's "CSV injection"
/// advice says. The visible text is otherwise kept.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => {
            std::borrow::Cow::Owned(format!("'{cell}"))
        }
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_are_neutralised_for_spreadsheets() {
        assert_eq!(
            spreadsheet_safe("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        for c in ["+1", "-1", "@SUM(A1)", "\tx", "\rx", "＝1", "＋81"] {
            assert_eq!(spreadsheet_safe(c), format!("'{c}"));
        }
        for c in ["山田 ハル", "0889-22-1000", "", "a=b", "高知県 1-2"] {
            assert_eq!(spreadsheet_safe(c), c);
        }
    }

    #[test]
    fn names_with_invisible_or_bidi_characters_are_found() {
        assert_eq!(invisible_or_control("山田\u{202E}ルハ"), Some('\u{202E}'));
        assert_eq!(invisible_or_control("山\u{200B}田"), Some('\u{200B}'));
        assert_eq!(invisible_or_control("山田\u{2067}"), Some('\u{2067}'));
        assert_eq!(invisible_or_control("山田\n花子"), Some('\n'));
        assert_eq!(invisible_or_control("山田　花子"), None);
        // 葛 with an ideographic variation selector (the register's 異体字) is a name.
        assert_eq!(invisible_or_control("葛\u{E0100}飾"), None);
    }

    proptest! {
        #[test]
        fn safe_cells_never_start_a_formula(s in ".*") {
            let safe = spreadsheet_safe(&s);
            let first = safe.chars().next();
            prop_assert!(!matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')));
            prop_assert!(safe.ends_with(s.as_str()));
        }
    }

    #[test]
    fn half_width_katakana_hiragana_and_katakana_fold_together() {
        let a = fold_for_search("ﾔﾏﾀﾞ ﾀﾛｳ");
        assert_eq!(a, "やまだたろう");
        assert_eq!(fold_for_search("やまだ　たろう"), a);
        assert_eq!(fold_for_search("ヤマダ　タロウ"), a);
        assert_eq!(fold_for_search("ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ"), "ぱぴぷぺぽ");
    }

    #[test]
    fn full_width_ascii_and_digits_fold() {
        assert_eq!(fold_for_search("ＡＢＣ１２３"), "abc123");
    }

    #[test]
    fn kanji_survive_folding() {
        assert_eq!(fold_for_search("山田　太郎"), "山田太郎");
    }

    #[test]
    fn kana_normalises_to_full_width_katakana() {
        assert_eq!(normalise_kana(" ﾔﾏﾀﾞ  ﾀﾛｳ "), "ヤマダ\u{3000}タロウ");
        assert_eq!(normalise_kana("やまだ たろう"), "ヤマダ\u{3000}タロウ");
        assert!(is_katakana_reading(&normalise_kana("ｻｲﾄｳ ｹｰｺ")));
        assert!(!is_katakana_reading(&normalise_kana("Saito")));
        assert!(!is_katakana_reading("山田"));
    }

    #[test]
    fn gaiji_are_detected() {
        assert!(contains_gaiji("髙\u{E123}田"));
        assert!(!contains_gaiji("髙田"));
    }

    /// What the LIKE pattern would match, evaluated in Rust.
    fn matches(key: &str, query: &str) -> bool {
        search_pattern(query).is_some_and(|p| {
            let needle = p
                .trim_matches('%')
                .replace("\\\\", "\\")
                .replace("\\%", "%")
                .replace("\\_", "_");
            key.contains(&needle)
        })
    }

    #[test]
    fn search_matches_at_word_starts_only() {
        let yamada = search_key("山田　花子", "ヤマダ　ハナコ");
        let nakayama = search_key("中山　大輔", "ナカヤマ　ダイスケ");
        assert!(matches(&yamada, "ﾔﾏﾀﾞ"));
        assert!(!matches(&nakayama, "ﾔﾏﾀﾞ"));
        assert!(matches(&yamada, "はなこ"));
        assert!(matches(&yamada, "花子"));
        assert!(matches(&yamada, "山田 花"));
        assert!(matches(&yamada, "やまだはな"));
        assert!(matches(&nakayama, "ﾀﾞｲｽｹ"));
        assert_eq!(search_pattern("  "), None);
        assert_eq!(search_pattern("|"), None);
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(escape_like("50%_a\\"), "50\\%\\_a\\\\");
    }

    proptest! {
        #[test]
        fn fold_is_idempotent(s in "\\PC{0,40}") {
            let once = fold_for_search(&s);
            prop_assert_eq!(fold_for_search(&once), once.clone());
        }

        #[test]
        fn hiragana_and_katakana_spellings_fold_equal(s in "[ぁ-ゖ]{1,20}") {
            let kata: String = s.chars().map(hiragana_to_katakana).collect();
            prop_assert_eq!(fold_for_search(&s), fold_for_search(&kata));
        }

        #[test]
        fn folded_text_has_no_white_space(s in "\\PC{0,40}") {
            prop_assert!(!fold_for_search(&s).chars().any(char::is_whitespace));
        }

        #[test]
        fn normalise_kana_is_idempotent(s in "\\PC{0,40}") {
            let once = normalise_kana(&s);
            prop_assert_eq!(normalise_kana(&once), once.clone());
        }
    }
}
