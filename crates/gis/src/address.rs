//! A matching key for Japanese addresses (住所の正規化). The same place is written
//! `本町五丁目1番45号`, `本町5-1-45`, `本町５丁目１－４５` and `本町5丁目1-45`; all give
//! `本町5-1-45`. The key is for comparing only: keep and show the text as entered.
//!
//! In order: NFKC (full/half width), whitespace and stray combining marks removed, old/new
//! character variants (異体字) folded, dash look-alikes to `-`, the prefixes 大字 and 字
//! dropped; then kanji numerals (漢数字) become digits where they are address numbers, the
//! written markers 丁目/番地/番/号 become `-`, ー/ノ/の/之 between numbers become `-`, and
//! ヶ/ケ/が/ガ/ヵ/カ between kanji become ケ. Trailing `-` are removed.
//!
//! Kanji numerals inside place names (九十九里, 八王子, 四万十, 三宅, 三ヶ日) stay as they are: a
//! numeral run becomes digits only when it is followed by 丁目/番/番地/号/条/線/地割, by a dash
//! and another number, or stands at the end of the number part (`5丁目三`). Numerals before
//! 条 and 番町 are converted in names too (三条市 → 3条市, 一番町 → 1番町); both sides of a
//! comparison are normalised the same way, so matching is unaffected.

use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Old and new forms of the same character (異体字), folded to the common form. Data: add a
/// pair when a place name is written both ways. No target may itself be a source.
pub const VARIANTS: &[(char, char)] = &[
    ('髙', '高'),
    ('﨑', '崎'),
    ('嵜', '崎'),
    ('碕', '崎'),
    ('邊', '辺'),
    ('邉', '辺'),
    ('澤', '沢'),
    ('濵', '浜'),
    ('濱', '浜'),
    ('廣', '広'),
    ('德', '徳'),
    ('櫻', '桜'),
    ('槇', '槙'),
    ('舘', '館'),
    ('冨', '富'),
    ('嶋', '島'),
    ('嶌', '島'),
    ('龍', '竜'),
    ('國', '国'),
    ('條', '条'),
    ('栁', '柳'),
    ('籔', '薮'),
    ('藪', '薮'),
    ('峯', '峰'),
    ('曾', '曽'),
    ('淺', '浅'),
    ('萬', '万'),
    ('驛', '駅'),
    ('瀨', '瀬'),
    ('塲', '場'),
];

/// Dash look-alikes, always a hyphen. (NFKC has already turned － and ﹣ into `-`.) The long
/// vowel mark ー is a dash only between numbers: it is part of katakana names (センター).
const DASHES: &[char] = &[
    '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{2015}', '\u{2043}', '\u{2212}',
    '\u{2500}', '\u{2501}', '\u{FE58}',
];

/// Between two numbers these separate them like a hyphen (1ー5, 123番地の4, 5ノ3).
const NUMBER_JOINERS: &[char] = &['ー', 'ノ', 'の', '之'];

/// 字 is dropped as a prefix unless it follows one of these (十文字, 名字).
const KEEP_JI_AFTER: &[char] = &['文', '十', '名', '数'];

/// After a number, 番 followed by one of these is part of a name (一番町, 二番丁, 五番街).
const BAN_IN_NAMES: &[char] = &['町', '丁', '通', '街'];

/// After a number, 号 followed by one of these is not the 号 of an address (201号室, 3号地).
const GOU_KEPT: &[char] = &['室', '棟', '館', '線', '地'];

/// What follows a kanji numeral that makes it an address number (丁目 and 番 cover 番地).
const NUMBER_MARKERS: &[&str] = &["丁目", "番", "号", "条", "線", "地割"];

/// The ヶ family: between two kanji they all read ga/ka/ke and are unified to ケ.
const KE: &[char] = &['ヶ', 'ケ', 'が', 'ガ', 'ヵ', 'カ'];

/// The matching key of an address. Idempotent: `normalise(&normalise(x)) == normalise(x)`.
pub fn normalise(address: &str) -> String {
    let chars = prepare(address);
    let scanned = scan(&chars);
    let unified = unify_ke(&scanned);
    let trimmed = unified.trim_end_matches('-');
    // Removals may join characters that compose (rare): normalise once more if so.
    match unicode_normalization::is_nfkc_quick(trimmed.chars()) {
        unicode_normalization::IsNormalized::Yes => trimmed.to_owned(),
        _ => trimmed.nfkc().collect(),
    }
}

/// The key of a block or lot number (街区符号・地番) as published: normalised, a bare kanji
/// numeral converted (`十二` → `12`), leading zeros dropped (`05` → `5`).
pub fn block_key(block: &str) -> String {
    let n = normalise(block);
    let chars: Vec<char> = n.chars().collect();
    let n = if !chars.is_empty() && chars.iter().all(|c| is_numeral(*c)) {
        kanji_number(&chars).unwrap_or(n)
    } else {
        n
    };
    strip_leading_zeros(&n)
}

/// Drops leading zeros of every digit run (`05-003` → `5-3`), keeping a lone `0`.
pub fn strip_leading_zeros(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_digits = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let next_is_digit = chars.peek().is_some_and(char::is_ascii_digit);
        if c == '0' && !in_digits && next_is_digit {
            continue;
        }
        in_digits = c.is_ascii_digit();
        out.push(c);
    }
    out
}

/// The value of a run of kanji numerals, as digits: `二十三` → `23`, `千二百` → `1200`,
/// `二〇三` → `203`. None when the run is not a well-formed number (`十十`).
pub fn kanji_number(run: &[char]) -> Option<String> {
    if run.is_empty() {
        return None;
    }
    if !run.iter().any(|c| multiplier(*c).is_some()) {
        return run
            .iter()
            .map(|c| kanji_digit(*c).and_then(|d| char::from_digit(d, 10)))
            .collect();
    }
    let mut total: u32 = 0;
    let mut pending: Option<u32> = None;
    let mut last = u32::MAX;
    for &c in run {
        if let Some(d) = kanji_digit(c) {
            if pending.is_some() {
                return None;
            }
            pending = Some(d);
        } else {
            let m = multiplier(c)?;
            if m >= last || pending == Some(0) {
                return None;
            }
            total += pending.unwrap_or(1) * m;
            last = m;
            pending = None;
        }
    }
    match pending {
        Some(0) => None,
        Some(d) => Some((total + d).to_string()),
        None => Some(total.to_string()),
    }
}

fn kanji_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn multiplier(c: char) -> Option<u32> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    }
}

pub(crate) fn is_numeral(c: char) -> bool {
    kanji_digit(c).is_some() || multiplier(c).is_some()
}

fn is_kanji(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
        || c == '々'
}

fn fold_variant(c: char) -> char {
    static SORTED: LazyLock<Vec<(char, char)>> = LazyLock::new(|| {
        let mut v = VARIANTS.to_vec();
        v.sort_unstable();
        v
    });
    if !is_kanji(c) {
        return c;
    }
    SORTED
        .binary_search_by_key(&c, |(from, _)| *from)
        .ok()
        .and_then(|i| SORTED.get(i))
        .map_or(c, |(_, to)| *to)
}

/// NFKC, no whitespace or stray marks, variants folded, dashes unified, 大字/字 dropped.
fn prepare(address: &str) -> Vec<char> {
    let raw = address.chars().filter(|c| !c.is_whitespace());
    let nfkc: Vec<char> = match unicode_normalization::is_nfkc_quick(raw.clone()) {
        unicode_normalization::IsNormalized::Yes => raw.collect(),
        _ => raw.nfkc().collect(),
    };
    let chars: Vec<char> = nfkc
        .into_iter()
        .filter(|c| !c.is_whitespace() && !c.is_control() && !is_combining_mark(*c))
        .map(fold_variant)
        .map(|c| if DASHES.contains(&c) { '-' } else { c })
        .collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '大' && chars.get(i + 1) == Some(&'字') {
            i += 2;
            continue;
        }
        if c == '字' && !out.last().is_some_and(|p| KEEP_JI_AFTER.contains(p)) {
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn starts_with(chars: &[char], at: usize, word: &str) -> bool {
    let mut rest = chars.get(at..).unwrap_or(&[]).iter();
    word.chars().all(|w| rest.next() == Some(&w))
}

/// Whether the output so far ends in the number part: a digit, then a separator.
fn in_numbers(out: &str) -> bool {
    let mut rev = out.chars().rev();
    rev.next() == Some('-') && rev.next().is_some_and(|c| c.is_ascii_digit())
}

fn is_number_start(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_ascii_digit() || is_numeral(*c))
}

/// Numerals to digits where they are address numbers, markers to `-`.
fn scan(c: &[char]) -> String {
    let mut out = String::with_capacity(c.len() * 3);
    let mut i = 0;
    while let Some(&ch) = c.get(i) {
        if ch.is_ascii_digit() {
            let end = run_end(c, i, |x| x.is_ascii_digit());
            out.extend(&c[i..end]);
            i = after_number(c, end, &mut out);
        } else if is_numeral(ch) {
            let end = run_end(c, i, is_numeral);
            match convert(c, i, end, &out) {
                Some(digits) => {
                    out.push_str(&digits);
                    i = after_number(c, end, &mut out);
                }
                None => {
                    out.extend(&c[i..end]);
                    i = end;
                }
            }
        } else if NUMBER_JOINERS.contains(&ch) && in_numbers(&out) && is_number_start(c.get(i + 1))
        {
            i += 1; // 123番地の4: the marker already gave the separator
        } else {
            out.push(ch);
            i += 1;
        }
    }
    out
}

fn run_end(c: &[char], start: usize, f: impl Fn(char) -> bool) -> usize {
    c[start..]
        .iter()
        .position(|x| !f(*x))
        .map_or(c.len(), |p| start + p)
}

/// The digits of the kanji run `c[start..end]` when it is an address number.
fn convert(c: &[char], start: usize, end: usize, out: &str) -> Option<String> {
    let next = c.get(end);
    let marked = NUMBER_MARKERS.iter().any(|m| starts_with(c, end, m));
    let dashed = matches!(next, Some('-' | 'ー')) && is_number_start(c.get(end + 1));
    let last_number = in_numbers(out) && matches!(next, None | Some('-'));
    if marked || dashed || last_number {
        kanji_number(&c[start..end])
    } else {
        None
    }
}

/// After a number ending at `at`: its written marker, if any, as `-`. Returns where to go on.
fn after_number(c: &[char], at: usize, out: &mut String) -> usize {
    let next = c.get(at + 1);
    if starts_with(c, at, "丁目") || starts_with(c, at, "番地") {
        out.push('-');
        at + 2
    } else if starts_with(c, at, "番") {
        if next.is_some_and(|n| BAN_IN_NAMES.contains(n)) {
            out.push('番');
        } else {
            out.push('-');
        }
        at + 1
    } else if starts_with(c, at, "号") {
        if next.is_some_and(|n| GOU_KEPT.contains(n)) {
            out.push('号');
        } else {
            out.push('-');
        }
        at + 1
    } else if c.get(at).is_some_and(|x| NUMBER_JOINERS.contains(x)) && is_number_start(next) {
        out.push('-');
        at + 1
    } else {
        at
    }
}

/// ヶ/ケ/が/ガ/ヵ/カ between two kanji → ケ (霞が関 = 霞ヶ関 = 霞ケ関).
fn unify_ke(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let between = i > 0
                && chars.get(i - 1).is_some_and(|p| is_kanji(*p))
                && chars.get(i + 1).is_some_and(|n| is_kanji(*n));
            if KE.contains(&c) && between { 'ケ' } else { c }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_four_written_forms_agree() {
        for a in [
            "本町五丁目1番45号",
            "本町5-1-45",
            "本町５丁目１－４５",
            "本町5丁目1-45",
            "本町 五丁目 一番 四十五号",
            "本町5ー1ー45",
            "本町5‐1−45",
            "本町5丁目1番地45",
        ] {
            assert_eq!(normalise(a), "本町5-1-45", "{a}");
        }
        assert_eq!(
            normalise("高知県潮見市本町五丁目1番45号"),
            "高知県潮見市本町5-1-45"
        );
    }

    #[test]
    fn kanji_numbers() {
        let n = |s: &str| kanji_number(&s.chars().collect::<Vec<_>>());
        assert_eq!(n("二十三").as_deref(), Some("23"));
        assert_eq!(n("十").as_deref(), Some("10"));
        assert_eq!(n("百二十").as_deref(), Some("120"));
        assert_eq!(n("千二百三十四").as_deref(), Some("1234"));
        assert_eq!(n("二〇三").as_deref(), Some("203"));
        assert_eq!(n("九十九").as_deref(), Some("99"));
        assert_eq!(n("十十"), None);
        assert_eq!(n("二三十"), None);
        assert_eq!(n("十〇"), None);
        assert_eq!(n(""), None);
    }

    #[test]
    fn numerals_in_place_names_stay() {
        assert_eq!(normalise("九十九里町"), "九十九里町");
        assert_eq!(normalise("八王子市"), "八王子市");
        assert_eq!(normalise("四万十市"), "四万十市");
        assert_eq!(normalise("三宅村"), "三宅村");
        assert_eq!(normalise("三ヶ日町"), "三ケ日町");
        assert_eq!(normalise("十日町市"), "十日町市");
        assert_eq!(normalise("五所川原市"), "五所川原市");
        assert_eq!(
            normalise("八王子市元本郷町一丁目9番1号"),
            "八王子市元本郷町1-9-1"
        );
        // A building name after the numbers keeps its numerals unless they end the text.
        assert_eq!(normalise("本町5丁目 三宅ハイツ"), "本町5-三宅ハイツ");
        assert_eq!(normalise("本町五丁目一"), "本町5-1");
    }

    #[test]
    fn other_markers_convert_the_number_but_stay() {
        assert_eq!(normalise("北一条西三丁目"), "北1条西3");
        assert_eq!(normalise("北1條西3丁目2番"), "北1条西3-2");
        assert_eq!(normalise("東三線"), "東3線");
        assert_eq!(normalise("第二地割"), "第2地割");
        assert_eq!(normalise("一番町四丁目7番17号"), "1番町4-7-17");
        assert_eq!(normalise("1番町4-7-17"), "1番町4-7-17");
        assert_eq!(
            normalise("本町1-2-3 ハイツ201号室"),
            "本町1-2-3ハイツ201号室"
        );
    }

    #[test]
    fn lot_numbers_with_branches() {
        assert_eq!(normalise("中村123番地の4"), "中村123-4");
        assert_eq!(normalise("中村123番地ノ4"), "中村123-4");
        assert_eq!(normalise("中村百二十三番地"), "中村123");
        assert_eq!(normalise("中村123の4"), "中村123-4");
        assert_eq!(normalise("中村123番地の四"), "中村123-4");
    }

    #[test]
    fn oaza_and_aza_prefixes_are_dropped() {
        assert_eq!(normalise("大字中村字東123番地"), "中村東123");
        assert_eq!(normalise("中村東123"), "中村東123");
        assert_eq!(normalise("字東"), "東");
        assert_eq!(normalise("十文字町"), "十文字町");
    }

    #[test]
    fn ke_variants_and_itaiji_fold() {
        assert_eq!(normalise("霞が関"), normalise("霞ヶ関"));
        assert_eq!(normalise("霞ケ関"), "霞ケ関");
        assert_eq!(normalise("関ヵ原"), "関ケ原");
        assert_eq!(normalise("ガス"), "ガス");
        assert_eq!(normalise("髙﨑"), "高崎");
        assert_eq!(normalise("渡邊"), normalise("渡辺"));
        assert_eq!(normalise("渡邉"), "渡辺");
        assert_eq!(normalise("濵田 澤田"), "浜田沢田");
        assert_eq!(
            normalise("德島 櫻町 冨士 廣島 舘山 槇島 宮嵜"),
            "徳島桜町富士広島館山槙島宮崎"
        );
    }

    #[test]
    fn katakana_long_vowel_is_kept_in_names() {
        assert_eq!(normalise("センター1ー2"), "センター1-2");
        assert_eq!(normalise("ｾﾝﾀｰ"), "センター");
        assert_eq!(normalise("ﾊｲﾂ ｶﾞｰﾃﾞﾝ"), "ハイツガーデン");
    }

    #[test]
    fn block_keys() {
        assert_eq!(block_key("5"), "5");
        assert_eq!(block_key("０５"), "5");
        assert_eq!(block_key("十二"), "12");
        assert_eq!(block_key("123番地"), "123");
        assert_eq!(block_key("0"), "0");
        assert_eq!(strip_leading_zeros("05-003A0"), "5-3A0");
    }

    #[test]
    fn variant_table_has_no_chains() {
        for (_, to) in VARIANTS {
            assert!(VARIANTS.iter().all(|(from, _)| from != to), "{to}");
        }
    }

    /// Tokens with their full-width (or half-width katakana) twins, and shared tokens.
    const WIDTH_PAIRS: &[(&str, &str)] = &[
        ("1", "１"),
        ("5", "５"),
        ("0", "０"),
        ("-", "－"),
        ("A", "Ａ"),
        (" ", "　"),
        ("ｶ", "カ"),
        ("ｶﾞ", "ガ"),
        ("ｹ", "ケ"),
        ("ｰ", "ー"),
        ("ﾉ", "ノ"),
        ("(", "（"),
    ];
    const SHARED: &[&str] = &[
        "本町",
        "丁目",
        "番",
        "番地",
        "号",
        "五",
        "十",
        "二十三",
        "九十九里",
        "大字",
        "字",
        "の",
        "ヶ",
        "が",
        "霞",
        "関",
        "条",
        "線",
        "地割",
        "髙",
        "ハイツ",
        "町",
        "室",
        "文",
        "〇",
        "百",
    ];

    fn token() -> impl Strategy<Value = (String, String)> {
        prop_oneof![
            (0..WIDTH_PAIRS.len()).prop_map(|i| {
                let (a, b) = WIDTH_PAIRS[i];
                (a.to_owned(), b.to_owned())
            }),
            (0..SHARED.len()).prop_map(|i| (SHARED[i].to_owned(), SHARED[i].to_owned())),
        ]
    }

    fn kanji(n: u32) -> String {
        const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
        let (t, u) = ((n / 10) as usize, (n % 10) as usize);
        let tens = match t {
            0 => String::new(),
            1 => "十".to_owned(),
            _ => format!("{}十", D[t]),
        };
        format!("{tens}{}", D[u])
    }

    fn wide(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .collect()
    }

    proptest! {
        #[test]
        fn idempotent_on_address_like_text(tokens in prop::collection::vec(token(), 0..12)) {
            let s: String = tokens.iter().map(|t| t.0.as_str()).collect();
            let once = normalise(&s);
            prop_assert_eq!(normalise(&once), once);
        }

        #[test]
        fn idempotent_on_any_text(s in any::<String>()) {
            let once = normalise(&s);
            prop_assert_eq!(normalise(&once), once);
        }

        #[test]
        fn width_insensitive(tokens in prop::collection::vec(token(), 0..12)) {
            let narrow: String = tokens.iter().map(|t| t.0.as_str()).collect();
            let full: String = tokens.iter().map(|t| t.1.as_str()).collect();
            prop_assert_eq!(normalise(&narrow), normalise(&full));
        }

        #[test]
        fn written_forms_agree(
            town in prop::sample::select(vec!["本町", "潮見町", "中村", "霞ケ関"]),
            c in 1u32..100, b in 1u32..100, g in 1u32..100,
        ) {
            let forms = [
                format!("{town}{}丁目{b}番{g}号", kanji(c)),
                format!("{town}{c}-{b}-{g}"),
                wide(&format!("{town}{c}丁目{b}-{g}")),
                format!("{town}{c}丁目{b}-{g}"),
                format!("{town}{}丁目{}番{}号", kanji(c), kanji(b), kanji(g)),
            ];
            let want = format!("{town}{c}-{b}-{g}");
            for f in &forms {
                prop_assert_eq!(&normalise(f), &want, "{}", f);
            }
        }
    }
}
