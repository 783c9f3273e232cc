//! Mappings as data: which attribute of a feature gives its severity, for each known
//! 国土数値情報 release ([`MAPPINGS`]) or as a user chose for their own map
//! ([`Mapping::custom`], a rule written as a short spec), and the one function every reader
//! uses to turn a feature's attributes into a severity ([`severity_of`]).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use unicode_normalization::UnicodeNormalization;

use crate::depth::{band_of_rank, parse_band};
use crate::hazard::{HazardKind, LandslideZone, Severity};

/// How a feature's attributes give its severity. Attribute names are borrowed in the
/// built-in table ([`MAPPINGS`]) and owned when a user chose them ([`Mapping::custom`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// 浸水深ランク code (1–6) in this attribute.
    DepthRank(Cow<'static, str>),
    /// A free-text depth band (「0.3m以上～0.5m未満」) in this attribute.
    DepthText(Cow<'static, str>),
    /// A33 区域区分: 1/2 designated 警戒/特別警戒, 3/4 the same before designation.
    LandslideZoneCode(Cow<'static, str>),
    /// Every feature is a zone without grades.
    Present,
}

/// Makes a rule from its attribute name.
type MakeRule = fn(Cow<'static, str>) -> Rule;

/// The words of a rule spec (`浸水深ランク:A31_201`), Japanese first, then ASCII aliases.
const RULE_WORDS: &[(&str, MakeRule)] = &[
    ("浸水深ランク", Rule::DepthRank),
    ("rank", Rule::DepthRank),
    ("浸水深区分", Rule::DepthText),
    ("band", Rule::DepthText),
    ("土砂区域区分", Rule::LandslideZoneCode),
    ("landslide", Rule::LandslideZoneCode),
];

impl Rule {
    /// The attribute the rule reads (`None` for [`Rule::Present`]).
    pub fn attribute(&self) -> Option<&str> {
        match self {
            Rule::DepthRank(a) | Rule::DepthText(a) | Rule::LandslideZoneCode(a) => Some(a),
            Rule::Present => None,
        }
    }
}

/// Parses a short spec as a user writes it: `区域内` (or `present`) for zones without grades,
/// else `種類:属性名` with 種類 one of 浸水深ランク (`rank`), 浸水深区分 (`band`),
/// 土砂区域区分 (`landslide`). Full-width letters and colon are accepted.
impl FromStr for Rule {
    type Err = String;

    fn from_str(spec: &str) -> Result<Self, String> {
        let spec: String = spec.trim().nfkc().collect();
        if spec == "区域内" || spec.eq_ignore_ascii_case("present") {
            return Ok(Rule::Present);
        }
        let usage = "「区域内」か「浸水深ランク:属性名」「浸水深区分:属性名」「土砂区域区分:属性名」の形で書いてください";
        let Some((word, attribute)) = spec.split_once(':') else {
            return Err(format!("属性の読み方「{spec}」が分かりません。{usage}"));
        };
        let (word, attribute) = (word.trim(), attribute.trim());
        let Some((_, make)) = RULE_WORDS
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(word))
        else {
            return Err(format!("属性の読み方「{word}」が分かりません。{usage}"));
        };
        if attribute.is_empty() {
            return Err(format!("「{word}」の後に属性名がありません。{usage}"));
        }
        Ok(make(Cow::Owned(attribute.to_owned())))
    }
}

/// The spec [`Rule::from_str`] reads back.
impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::DepthRank(a) => write!(f, "浸水深ランク:{a}"),
            Rule::DepthText(a) => write!(f, "浸水深区分:{a}"),
            Rule::LandslideZoneCode(a) => write!(f, "土砂区域区分:{a}"),
            Rule::Present => f.write_str("区域内"),
        }
    }
}

/// One dataset release's mapping, or a municipality's own map ([`Mapping::custom`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    pub id: Cow<'static, str>,
    pub label: Cow<'static, str>,
    pub kind: HazardKind,
    pub rule: Rule,
}

impl Mapping {
    /// The id of every custom mapping.
    pub const CUSTOM_ID: &'static str = "custom";

    /// A mapping chosen by the user for their own polygons (内水, 家屋倒壊等氾濫想定区域 …).
    pub fn custom(kind: HazardKind, rule: Rule, label: String) -> Self {
        Mapping {
            id: Cow::Borrowed(Self::CUSTOM_ID),
            label: Cow::Owned(label),
            kind,
            rule,
        }
    }
}

const fn known(id: &'static str, label: &'static str, kind: HazardKind, rule: Rule) -> Mapping {
    Mapping {
        id: Cow::Borrowed(id),
        label: Cow::Borrowed(label),
        kind,
        rule,
    }
}

/// The known releases. Flood layers are classified by the maximum assumed rainfall
/// (想定最大規模) by default; the planned-scale mappings are there to choose.
pub const MAPPINGS: &[Mapping] = &[
    known(
        "A31-max",
        "A31 洪水浸水想定区域（想定最大規模）",
        HazardKind::Flood,
        Rule::DepthRank(Cow::Borrowed("A31_201")),
    ),
    known(
        "A31-planned",
        "A31 洪水浸水想定区域（計画規模）",
        HazardKind::Flood,
        Rule::DepthRank(Cow::Borrowed("A31_101")),
    ),
    known(
        "A31a-max",
        "A31a 洪水浸水想定区域・河川単位（想定最大規模）",
        HazardKind::Flood,
        Rule::DepthRank(Cow::Borrowed("A31a_205")),
    ),
    known(
        "A31a-planned",
        "A31a 洪水浸水想定区域・河川単位（計画規模）",
        HazardKind::Flood,
        Rule::DepthRank(Cow::Borrowed("A31a_105")),
    ),
    known(
        "A33",
        "A33 土砂災害警戒区域",
        HazardKind::Landslide,
        Rule::LandslideZoneCode(Cow::Borrowed("A33_002")),
    ),
    known(
        "A40",
        "A40 津波浸水想定",
        HazardKind::Tsunami,
        Rule::DepthText(Cow::Borrowed("A40_003")),
    ),
    known(
        "A49",
        "A49 高潮浸水想定区域",
        HazardKind::StormSurge,
        Rule::DepthText(Cow::Borrowed("A49_003")),
    ),
];

pub fn mapping(id: &str) -> Option<&'static Mapping> {
    MAPPINGS.iter().find(|m| m.id == id)
}

/// One attribute value as a reader found it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Attr<'a> {
    Number(f64),
    Text(&'a str),
}

impl Attr<'_> {
    /// The value as text, trimmed (whole numbers without a decimal point); `None` when empty.
    fn text(&self) -> Option<Cow<'_, str>> {
        let t: Cow<'_, str> = match *self {
            Attr::Text(s) => {
                Cow::Borrowed(s.trim_matches(|c: char| c.is_whitespace() || c == '\0'))
            }
            Attr::Number(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 => {
                Cow::Owned(format!("{x:.0}"))
            }
            Attr::Number(x) => Cow::Owned(x.to_string()),
        };
        (!t.is_empty()).then_some(t)
    }
}

/// Attribute names compared loosely (width and case), for a name typed by a user or a
/// release that changed the case.
pub(crate) fn loose_name(name: &str) -> String {
    name.trim().nfkc().flat_map(char::to_lowercase).collect()
}

/// A feature's severity under `rule`, its attributes given by `attr` (`Ok(None)`: not a zone
/// of this rule, e.g. a flood zone of the planned scale only). Shared by every reader; the
/// error is the reason, without the feature number.
pub fn severity_of<'a>(
    rule: &Rule,
    attr: impl Fn(&str) -> Option<Attr<'a>>,
) -> Result<Option<Severity>, String> {
    let value = |name: &str| attr(name).and_then(|v| v.text().map(Cow::into_owned));
    // Codes may be written in full-width digits.
    let code = |name: &str| value(name).map(|v| v.nfkc().collect::<String>());
    Ok(Some(match rule {
        Rule::Present => Severity::Present,
        Rule::DepthRank(a) => {
            let Some(v) = code(a) else {
                // A zone without a value for this scale (e.g. planned scale only): not a zone
                // of this mapping.
                return Ok(None);
            };
            let rank: u8 = v
                .parse()
                .map_err(|_| format!("{a} の浸水深ランク「{v}」が数字ではありません"))?;
            Severity::Depth(
                band_of_rank(rank)
                    .ok_or_else(|| format!("{a} の浸水深ランク {rank} は 1〜6 ではありません"))?,
            )
        }
        Rule::DepthText(a) => {
            let v = value(a).ok_or_else(|| format!("{a}（浸水深の区分）がありません"))?;
            Severity::Depth(parse_band(&v).map_err(|e| format!("{a}: {e}"))?)
        }
        Rule::LandslideZoneCode(a) => {
            let v = code(a).ok_or_else(|| format!("{a}（区域区分）がありません"))?;
            let (special, designated) = match v.as_str() {
                "1" => (false, true),
                "2" => (true, true),
                "3" => (false, false),
                "4" => (true, false),
                other => return Err(format!("{a} の区域区分「{other}」は 1〜4 ではありません")),
            };
            Severity::Landslide(LandslideZone {
                special,
                designated,
            })
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::read_geojson;

    const SQUARE: &str = "[[133.0,33.0],[133.1,33.0],[133.1,33.1],[133.0,33.1],[133.0,33.0]]";

    fn feature(props: &str) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{{props}}},"geometry":{{"type":"Polygon","coordinates":[{SQUARE}]}}}}"#
        )
    }

    fn collection(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    #[test]
    fn rule_specs_read_back_and_custom_mappings_read_their_own_attribute() {
        for spec in [
            "浸水深ランク:浸水深",
            "浸水深区分:DEPTH",
            "土砂区域区分:KUBUN",
            "区域内",
        ] {
            let rule: Rule = spec.parse().expect(spec);
            assert_eq!(rule.to_string(), spec);
        }
        assert_eq!(
            "ｒａｎｋ：A31_201 ".parse::<Rule>(),
            Ok(Rule::DepthRank("A31_201".into()))
        );
        assert_eq!("present".parse::<Rule>(), Ok(Rule::Present));
        assert!("深さ:X".parse::<Rule>().expect_err("word").contains("深さ"));
        assert!("rank:".parse::<Rule>().is_err());

        let m = Mapping::custom(
            HazardKind::InlandFlood,
            "浸水深ランク:浸水ランク".parse().expect("rule"),
            "内水浸水想定（本市）".into(),
        );
        assert_eq!(m.id, Mapping::CUSTOM_ID);
        let file = collection(&[
            feature(r#""浸水ランク":3.0"#),
            feature(r#""浸水ランク":"２""#),
        ]);
        let z = read_geojson(file.as_bytes(), &m, 4).expect("ok");
        assert_eq!(z.len(), 2);
        assert_eq!(z[0].class.kind, HazardKind::InlandFlood);
        assert_eq!(z[0].class.severity.label(), "3m以上5m未満");
    }
}
