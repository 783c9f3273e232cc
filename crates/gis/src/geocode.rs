//! Geocoding (ジオコーディング): an address as written → coordinates, from the MLIT 位置参照情報
//! points. The block level (街区レベル) is tried first: the town, then the first number after it
//! (the 街区符号 of a 住居表示 address like `5番3号`, or the 地番 of `123番地`); then the town
//! level (大字・町丁目レベル), or the centre of the town's block points when only those exist.
//! Every lookup is a hash-map probe on the normalised text (see [`crate::address`]).
//!
//! The prefecture and the municipality may be omitted. A town name found in more than one
//! municipality is then ambiguous and nothing is returned rather than a guess. Whatever follows
//! the numbers (a building name, 方書) is ignored.

use std::collections::HashMap;

use crate::address::{block_key, is_numeral, kanji_number, normalise, strip_leading_zeros};

/// Which level of the 位置参照情報 a point (or a match) comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    /// 街区 (block, or 地番 where there is no 住居表示).
    Block,
    /// 町丁目 (大字・町丁目).
    Town,
}

impl Level {
    /// The level as shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Level::Block => "街区",
            Level::Town => "町丁目",
        }
    }
}

/// One published point.
#[derive(Clone, Debug, PartialEq)]
pub struct AddressPoint {
    pub level: Level,
    pub prefecture: String,
    pub municipality: String,
    /// 大字・丁目名 (or 大字町丁目名 at town level).
    pub town: String,
    /// 小字・通称名, when the block file gives one.
    pub koaza: Option<String>,
    /// 街区符号・地番; None at town level.
    pub block: Option<String>,
    pub lon: f64,
    pub lat: f64,
}

/// A located address and what it matched, e.g. `高知県潮見市本町一丁目5`.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    pub lon: f64,
    pub lat: f64,
    pub level: Level,
    pub matched: String,
}

struct Municipality {
    prefecture: u32,
    name: String,
}

#[derive(Clone, Copy)]
enum Slot {
    /// A block point and its 小字 (interned; 0 = none).
    One {
        point: usize,
        koaza: usize,
    },
    Ambiguous,
}

struct Town {
    municipality: u32,
    name: String,
    point: Option<(f64, f64)>,
    /// Sum of the block points' lon, lat and their count (for the centre).
    sum: (f64, f64, u32),
    blocks: HashMap<String, Slot>,
}

/// The index of address points. Build once, then locate many addresses.
pub struct Geocoder {
    len: usize,
    /// (normalised, as published)
    prefectures: Vec<(String, String)>,
    municipalities: Vec<Municipality>,
    municipality_aliases: HashMap<String, Vec<u32>>,
    /// The byte lengths of the aliases, longest first (only these prefixes are looked up).
    alias_lengths: Vec<usize>,
    towns: Vec<Town>,
    town_index: HashMap<String, Vec<u32>>,
    /// The byte lengths of the town keys, longest first.
    town_lengths: Vec<usize>,
    /// Block points: (lon, lat, 街区符号・地番 as published).
    blocks: Vec<(f64, f64, String)>,
}

enum TownMatch<'a> {
    Found(u32, &'a str),
    Ambiguous,
    NotFound,
}

impl Geocoder {
    pub fn new(points: &[AddressPoint]) -> Self {
        let mut g = Geocoder {
            len: points.len(),
            prefectures: Vec::new(),
            municipalities: Vec::new(),
            municipality_aliases: HashMap::new(),
            alias_lengths: Vec::new(),
            towns: Vec::new(),
            town_index: HashMap::new(),
            town_lengths: Vec::new(),
            blocks: Vec::new(),
        };
        let mut muni_ids: HashMap<(u32, String), u32> = HashMap::new();
        let mut town_ids: HashMap<(u32, String), u32> = HashMap::new();
        let mut koaza_ids: HashMap<String, usize> = HashMap::new();
        for p in points {
            let pref = g.prefecture_id(&p.prefecture);
            let muni_key = normalise(&p.municipality);
            let muni = match muni_ids.get(&(pref, muni_key.clone())) {
                Some(&id) => id,
                None => {
                    let id = g.add_municipality(pref, &p.municipality, &muni_key);
                    muni_ids.insert((pref, muni_key), id);
                    id
                }
            };
            let koaza = p.koaza.as_deref().filter(|k| !k.trim().is_empty());
            let koaza_id = koaza.map_or(0, |k| {
                let next = koaza_ids.len() + 1;
                *koaza_ids.entry(normalise(k)).or_insert(next)
            });
            let point = p.block.as_deref().map(|b| {
                g.blocks.push((p.lon, p.lat, b.to_owned()));
                (g.blocks.len() - 1, block_key(b))
            });
            let mut names = vec![format!("{}{}", p.town, koaza.unwrap_or(""))];
            if koaza.is_some() {
                names.push(p.town.clone());
            }
            for name in names {
                let key = normalise(&name);
                if key.is_empty() {
                    continue;
                }
                let id = match town_ids.get(&(muni, key.clone())) {
                    Some(&id) => id,
                    None => {
                        let id = g.add_town(muni, name, &key);
                        town_ids.insert((muni, key), id);
                        id
                    }
                };
                let Some(town) = g.towns.get_mut(id as usize) else {
                    continue;
                };
                match (p.level, &point) {
                    (Level::Block, Some((index, bkey))) => {
                        town.sum.0 += p.lon;
                        town.sum.1 += p.lat;
                        town.sum.2 += 1;
                        let slot = town.blocks.entry(bkey.clone()).or_insert(Slot::One {
                            point: *index,
                            koaza: koaza_id,
                        });
                        if matches!(*slot, Slot::One { koaza, .. } if koaza != koaza_id) {
                            *slot = Slot::Ambiguous; // one 地番 in two 小字 of a 大字
                        }
                    }
                    _ => {
                        town.point.get_or_insert((p.lon, p.lat));
                    }
                }
            }
        }
        g.alias_lengths = lengths_of(g.municipality_aliases.keys());
        g.town_lengths = lengths_of(g.town_index.keys());
        g
    }

    /// How many address points the index was built from.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn prefecture_id(&mut self, name: &str) -> u32 {
        let key = normalise(name);
        let found = self.prefectures.iter().position(|(k, _)| *k == key);
        let index = found.unwrap_or_else(|| {
            self.prefectures.push((key, name.to_owned()));
            self.prefectures.len() - 1
        });
        u32::try_from(index).unwrap_or(u32::MAX)
    }

    fn add_municipality(&mut self, prefecture: u32, name: &str, key: &str) -> u32 {
        let id = u32::try_from(self.municipalities.len()).unwrap_or(u32::MAX);
        self.municipalities.push(Municipality {
            prefecture,
            name: name.to_owned(),
        });
        let mut aliases = vec![key.to_owned()];
        // 吾川郡いの町 is written いの町 too.
        if let Some((_, after)) = key.split_once('郡').filter(|(_, a)| !a.is_empty()) {
            aliases.push(after.to_owned());
        }
        // A designated city's ward (札幌市中央区): the ward alone, and the city alone.
        if let Some((city, ward)) = key.split_once('市').filter(|(_, w)| w.ends_with('区')) {
            aliases.push(ward.to_owned());
            aliases.push(format!("{city}市"));
        }
        for a in aliases {
            let ids = self.municipality_aliases.entry(a).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        id
    }

    fn add_town(&mut self, municipality: u32, name: String, key: &str) -> u32 {
        let id = u32::try_from(self.towns.len()).unwrap_or(u32::MAX);
        self.towns.push(Town {
            municipality,
            name,
            point: None,
            sum: (0.0, 0.0, 0),
            blocks: HashMap::new(),
        });
        self.town_index.entry(key.to_owned()).or_default().push(id);
        id
    }

    /// Locates an address, as precisely as the points allow. None when the town is unknown or
    /// ambiguous (a town name in several municipalities and no municipality written).
    pub fn locate(&self, address: &str) -> Option<Located> {
        let n = normalise(address);
        let s = strip_postal_code(&n);
        let (pref, s) = self.strip_prefecture(s);
        let in_pref = |m: u32| {
            pref.is_none_or(|p| {
                self.municipalities
                    .get(m as usize)
                    .is_some_and(|x| x.prefecture == p)
            })
        };
        if let Some((munis, rest)) = self.match_municipality(s, &in_pref) {
            match self.match_town(rest, |m| munis.contains(&m)) {
                TownMatch::Found(town, rest) => return self.finish(town, rest),
                TownMatch::Ambiguous => return None,
                TownMatch::NotFound => {} // perhaps not a municipality after all
            }
        }
        match self.match_town(s, in_pref) {
            TownMatch::Found(town, rest) => self.finish(town, rest),
            TownMatch::Ambiguous | TownMatch::NotFound => None,
        }
    }

    fn strip_prefecture<'a>(&self, s: &'a str) -> (Option<u32>, &'a str) {
        for (i, (key, _)) in self.prefectures.iter().enumerate() {
            if let Some(rest) = s.strip_prefix(key.as_str()).filter(|_| !key.is_empty()) {
                return (u32::try_from(i).ok(), rest);
            }
        }
        (None, s)
    }

    /// The longest municipality name (or alias) at the start of `s`, with the municipalities it
    /// may mean. A leading county (郡) that the points do not carry is skipped.
    fn match_municipality<'a>(
        &self,
        s: &'a str,
        allowed: &dyn Fn(u32) -> bool,
    ) -> Option<(Vec<u32>, &'a str)> {
        for &end in &self.alias_lengths {
            if let Some(ids) = s.get(..end).and_then(|p| self.municipality_aliases.get(p)) {
                let ids: Vec<u32> = ids.iter().copied().filter(|m| allowed(*m)).collect();
                if !ids.is_empty() {
                    return Some((ids, s.get(end..).unwrap_or("")));
                }
            }
        }
        let (county, rest) = s.split_once('郡')?;
        if county.is_empty() || county.chars().count() > 6 {
            return None;
        }
        self.match_municipality(rest, allowed)
    }

    /// The longest town name at the start of `s` among the allowed municipalities.
    fn match_town<'a>(&self, s: &'a str, allowed: impl Fn(u32) -> bool) -> TownMatch<'a> {
        for &end in &self.town_lengths {
            let Some((key, rest)) = s.split_at_checked(end) else {
                continue;
            };
            // 本町1 must not match the start of 本町12-3.
            let ends_in_digit = key.ends_with(|c: char| c.is_ascii_digit());
            if ends_in_digit && rest.starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            let Some(ids) = self.town_index.get(key) else {
                continue;
            };
            let mut hits = ids.iter().copied().filter(|t| {
                self.towns
                    .get(*t as usize)
                    .is_some_and(|t| allowed(t.municipality))
            });
            match (hits.next(), hits.next()) {
                (Some(t), None) => return TownMatch::Found(t, rest),
                (Some(_), Some(_)) => return TownMatch::Ambiguous,
                _ => {}
            }
        }
        TownMatch::NotFound
    }

    fn finish(&self, town_id: u32, rest: &str) -> Option<Located> {
        let town = self.towns.get(town_id as usize)?;
        let muni = self.municipalities.get(town.municipality as usize)?;
        let pref = self
            .prefectures
            .get(muni.prefecture as usize)
            .map_or("", |p| p.1.as_str());
        let place = || [pref, &muni.name, &town.name].concat();
        for key in block_candidates(rest) {
            if let Some(Slot::One { point, .. }) = town.blocks.get(&key)
                && let Some((lon, lat, block)) = self.blocks.get(*point)
            {
                return Some(Located {
                    lon: *lon,
                    lat: *lat,
                    level: Level::Block,
                    matched: [pref, &muni.name, &town.name, block].concat(),
                });
            }
        }
        let (lon, lat) = town.point.or_else(|| {
            let (x, y, count) = town.sum;
            (count > 0).then(|| (x / f64::from(count), y / f64::from(count)))
        })?;
        Some(Located {
            lon,
            lat,
            level: Level::Town,
            matched: place(),
        })
    }
}

/// The distinct byte lengths of `keys`, longest first.
fn lengths_of<'a>(keys: impl Iterator<Item = &'a String>) -> Vec<usize> {
    let mut lengths: Vec<usize> = keys.map(String::len).collect();
    lengths.sort_unstable_by(|a, b| b.cmp(a));
    lengths.dedup();
    lengths
}

/// `〒780-0870` or `780-0870` at the start.
fn strip_postal_code(s: &str) -> &str {
    let body = s.strip_prefix('〒').unwrap_or(s);
    let b = body.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let len = if digits(0..3) && b.get(3) == Some(&b'-') && digits(4..8) {
        8
    } else if digits(0..7) {
        7
    } else {
        return body;
    };
    if b.get(len).is_some_and(u8::is_ascii_digit) {
        return s;
    }
    body.get(len..).unwrap_or(body)
}

/// The block keys to try for what follows the town: `5-3…` → `5-3`, `5`; `123-4` → `123-4`,
/// `123`. A kanji numeral right after the town counts when it ends the text or a dash follows.
fn block_candidates(rest: &str) -> Vec<String> {
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let first_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    if first_end == 0 {
        let run: Vec<char> = rest.chars().take_while(|c| is_numeral(*c)).collect();
        let after = rest.chars().nth(run.len());
        if matches!(after, None | Some('-')) {
            return kanji_number(&run).into_iter().collect();
        }
        return Vec::new();
    }
    let first = strip_leading_zeros(&rest[..first_end]);
    let mut out = Vec::with_capacity(2);
    if let Some(tail) = rest[first_end..].strip_prefix('-') {
        let second_end = tail
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(tail.len());
        if second_end > 0 {
            out.push(format!(
                "{first}-{}",
                strip_leading_zeros(&tail[..second_end])
            ));
        }
    }
    out.push(first);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(
        level: Level,
        place: (&str, &str),
        town: &str,
        koaza: Option<&str>,
        block: Option<&str>,
        lon: f64,
        lat: f64,
    ) -> AddressPoint {
        AddressPoint {
            level,
            prefecture: place.0.into(),
            municipality: place.1.into(),
            town: town.into(),
            koaza: koaza.map(Into::into),
            block: block.map(Into::into),
            lon,
            lat,
        }
    }

    const SHIOMI: (&str, &str) = ("高知県", "潮見市");
    const OTHER: (&str, &str) = ("高知県", "吾川郡いの町");

    fn block(
        place: (&str, &str),
        town: &str,
        koaza: Option<&str>,
        b: &str,
        lon: f64,
    ) -> AddressPoint {
        point(Level::Block, place, town, koaza, Some(b), lon, 33.5)
    }

    fn town(place: (&str, &str), town: &str, lon: f64) -> AddressPoint {
        point(Level::Town, place, town, None, None, lon, 33.6)
    }

    fn shiomi_only() -> Vec<AddressPoint> {
        vec![
            town(SHIOMI, "本町一丁目", 133.10),
            town(SHIOMI, "本町", 133.11),
            block(SHIOMI, "本町一丁目", None, "5", 133.12),
            block(SHIOMI, "本町一丁目", None, "6", 133.13),
            block(SHIOMI, "本町", None, "12", 133.14),
            block(SHIOMI, "港町", None, "1", 133.20),
            block(SHIOMI, "港町", None, "2", 133.30),
            town(SHIOMI, "大字中村", 133.40),
            block(SHIOMI, "大字中村", Some("字東"), "123", 133.41),
            block(SHIOMI, "大字中村", Some("字西"), "123", 133.42),
            block(SHIOMI, "大字中村", Some("字西"), "200", 133.43),
            block(SHIOMI, "霞ヶ丘", None, "3", 133.50),
        ]
    }

    fn two_municipalities() -> Geocoder {
        let mut points = shiomi_only();
        points.push(block(OTHER, "港町", None, "1", 133.60));
        points.push(town(("北海道", "札幌市中央区"), "北一条西三丁目", 141.35));
        Geocoder::new(&points)
    }

    fn found(g: &Geocoder, address: &str) -> (Level, String, f64) {
        let l = g.locate(address);
        let l = l.unwrap_or_else(|| panic!("not found: {address}"));
        (l.level, l.matched, l.lon)
    }

    #[test]
    fn block_level_with_or_without_prefecture_and_municipality() {
        let g = two_municipalities();
        let want = (Level::Block, "高知県潮見市本町一丁目5".to_owned(), 133.12);
        for a in [
            "高知県潮見市本町一丁目5番3号",
            "潮見市本町一丁目5番3号",
            "高知県潮見市本町１丁目５－３",
            "潮見市本町1-5-3 ハイツ201",
            "〒780-0870 高知県潮見市本町1丁目5-3",
            "高知県本町一丁目五番三号",
        ] {
            assert_eq!(found(&g, a), want, "{a}");
        }
        let single = Geocoder::new(&shiomi_only());
        assert_eq!(found(&single, "本町1-5-3 ハイツ201"), want);
        assert_eq!(found(&single, "本町一丁目5"), want);
    }

    #[test]
    fn the_longest_town_name_wins_and_numbers_are_not_split() {
        let g = Geocoder::new(&shiomi_only());
        assert_eq!(found(&g, "潮見市本町一丁目6").1, "高知県潮見市本町一丁目6");
        // 本町1 must not swallow the 1 of block 12 of 本町.
        assert_eq!(found(&g, "潮見市本町12番地").1, "高知県潮見市本町12");
        assert_eq!(found(&g, "潮見市本町").0, Level::Town);
    }

    #[test]
    fn town_level_when_the_block_is_unknown() {
        let g = Geocoder::new(&shiomi_only());
        let l = g.locate("潮見市本町一丁目99番1号");
        assert_eq!(
            l,
            Some(Located {
                lon: 133.10,
                lat: 33.6,
                level: Level::Town,
                matched: "高知県潮見市本町一丁目".into()
            })
        );
        assert_eq!(Level::Town.label(), "町丁目");
        assert_eq!(Level::Block.label(), "街区");
    }

    #[test]
    fn a_town_with_block_points_only_falls_back_to_their_centre() {
        let g = Geocoder::new(&shiomi_only());
        let (level, matched, lon) = found(&g, "潮見市港町9-9");
        assert_eq!((level, matched.as_str()), (Level::Town, "高知県潮見市港町"));
        assert!((lon - 133.25).abs() < 1e-9);
        assert_eq!(found(&g, "潮見市港町2-9").0, Level::Block);
    }

    #[test]
    fn unknown_places_are_none() {
        let g = two_municipalities();
        assert_eq!(g.locate("潮見市未知町1-1"), None);
        assert_eq!(g.locate("東京都千代田区丸の内1-1"), None);
        assert_eq!(g.locate(""), None);
        assert_eq!(g.locate("ハイツ201"), None);
        assert_eq!(Geocoder::new(&[]).locate("本町1-5"), None);
    }

    #[test]
    fn a_town_in_two_municipalities_needs_the_municipality() {
        let g = two_municipalities();
        assert_eq!(g.locate("港町1-1"), None);
        assert_eq!(g.locate("高知県港町1-1"), None);
        assert_eq!(found(&g, "潮見市港町1-1").2, 133.20);
        assert_eq!(found(&g, "吾川郡いの町港町1").2, 133.60);
        // The county may be left out, and it may be written when the points leave it out.
        assert_eq!(found(&g, "高知県いの町港町1").1, "高知県吾川郡いの町港町1");
    }

    #[test]
    fn oaza_and_koaza_addresses() {
        let g = Geocoder::new(&shiomi_only());
        let (level, matched, lon) = found(&g, "潮見市大字中村字東123番地");
        assert_eq!(
            (level, matched.as_str(), lon),
            (Level::Block, "高知県潮見市大字中村字東123", 133.41)
        );
        assert_eq!(found(&g, "潮見市中村西123").2, 133.42);
        // Without the 小字, 123 is in both 東 and 西: only the 大字 is certain.
        assert_eq!(
            found(&g, "潮見市大字中村123番地"),
            (Level::Town, "高知県潮見市大字中村".into(), 133.40)
        );
        // 200 is in one 小字 only.
        assert_eq!(
            found(&g, "潮見市中村200番地の1").1,
            "高知県潮見市大字中村200"
        );
        assert_eq!(
            found(&g, "潮見市大字中村字西二百番地"),
            (Level::Block, "高知県潮見市大字中村字西200".into(), 133.43)
        );
        assert_eq!(
            found(&g, "潮見市中村"),
            (Level::Town, "高知県潮見市大字中村".into(), 133.40)
        );
    }

    #[test]
    fn written_variants_match() {
        let g = two_municipalities();
        assert_eq!(found(&g, "潮見市霞が丘3").0, Level::Block);
        assert_eq!(found(&g, "潮見市霞ケ丘３番").0, Level::Block);
        // A designated city's ward may be written alone, and so may the city.
        assert_eq!(
            found(&g, "中央区北1条西3丁目").1,
            "北海道札幌市中央区北一条西三丁目"
        );
        assert_eq!(found(&g, "札幌市北一条西3丁目2-1").0, Level::Town);
    }

    #[test]
    fn lengths_and_block_candidates() {
        assert_eq!(Geocoder::new(&shiomi_only()).len(), 12);
        assert!(Geocoder::new(&[]).is_empty());
        assert_eq!(block_candidates("-5-3ハイツ"), vec!["5-3", "5"]);
        assert_eq!(block_candidates("123"), vec!["123"]);
        assert_eq!(block_candidates("05-"), vec!["5"]);
        assert_eq!(block_candidates("百二十三"), vec!["123"]);
        assert!(block_candidates("三宅ハイツ").is_empty());
        assert!(block_candidates("").is_empty());
        assert_eq!(strip_postal_code("〒7800870高知"), "高知");
        assert_eq!(strip_postal_code("780-0870高知"), "高知");
        assert_eq!(strip_postal_code("12345678"), "12345678");
    }
}
