//! The affected area of a declaration (対象区域): the whole municipality, chosen 町丁目 (town
//! names as the progress pages show them), chosen 自治会 or 民生委員 districts, or the homes in
//! the zones of chosen hazards (e.g. everyone in the 津波浸水想定区域). Who is in the area is
//! decided here, from a roster person's address and roster entry, and nowhere else.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::ValidationErrors;
use crate::receiver::district_key;
use crate::roster::RosterEntry;
use crate::triage::HomeHazards;

/// Which of a person's districts an area of districts is matched against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AreaDistrict {
    /// 自治会・自主防災組織の地区 (the roster's 自治会 column)
    Community,
    /// 民生委員の担当地区 (the roster's 民生委員地区 column)
    Welfare,
}

impl AreaDistrict {
    pub fn label(self) -> &'static str {
        match self {
            AreaDistrict::Community => "自治会の地区",
            AreaDistrict::Welfare => "民生委員の地区",
        }
    }
}

/// A hazard whose zones (as the home was classified against the hazard maps) make an area.
/// The codes are those the hazard layers are stored under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ZoneHazard {
    /// 洪水浸水想定区域
    Flood,
    /// 内水氾濫
    InlandFlood,
    /// 家屋倒壊等氾濫想定区域
    HouseCollapse,
    /// 土砂災害警戒区域・特別警戒区域
    Landslide,
    /// 津波浸水想定区域
    Tsunami,
    /// 高潮浸水想定区域
    StormSurge,
}

impl ZoneHazard {
    pub const ALL: [ZoneHazard; 6] = [
        ZoneHazard::Flood,
        ZoneHazard::InlandFlood,
        ZoneHazard::HouseCollapse,
        ZoneHazard::Landslide,
        ZoneHazard::Tsunami,
        ZoneHazard::StormSurge,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ZoneHazard::Flood => "flood",
            ZoneHazard::InlandFlood => "inland_flood",
            ZoneHazard::HouseCollapse => "house_collapse",
            ZoneHazard::Landslide => "landslide",
            ZoneHazard::Tsunami => "tsunami",
            ZoneHazard::StormSurge => "storm_surge",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            ZoneHazard::Flood => "洪水浸水想定区域",
            ZoneHazard::InlandFlood => "内水氾濫の浸水想定区域",
            ZoneHazard::HouseCollapse => "家屋倒壊等氾濫想定区域",
            ZoneHazard::Landslide => "土砂災害警戒区域",
            ZoneHazard::Tsunami => "津波浸水想定区域",
            ZoneHazard::StormSurge => "高潮浸水想定区域",
        }
    }
    /// Is a home with these hazards in this hazard's zone?
    pub fn present_in(self, h: &HomeHazards) -> bool {
        match self {
            ZoneHazard::Flood => h.flood,
            ZoneHazard::InlandFlood => h.inland_flood,
            ZoneHazard::HouseCollapse => h.house_collapse,
            ZoneHazard::Landslide => h.landslide,
            ZoneHazard::Tsunami => h.tsunami,
            ZoneHazard::StormSurge => h.storm_surge,
        }
    }
}

/// The affected area. Whoever is in it when the disaster is declared (or the area is widened)
/// is in the declaration's safety-check sweep, and disaster-time provision reaches exactly the
/// people in the sweep of an open declaration (the whole municipality reaches everyone on its
/// roster, also those registered later).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum AffectedArea {
    /// 市町村全域
    WholeMunicipality,
    /// Chosen 町丁目・大字, by the name that follows the municipality's in the address
    /// (`progress::area_of`: 「本町一丁目」).
    Towns { towns: BTreeSet<String> },
    /// Chosen 自治会 or 民生委員 districts (compared ignoring width and spaces).
    Districts {
        of: AreaDistrict,
        districts: BTreeSet<String>,
    },
    /// The homes in the zones of the chosen hazards.
    HazardZones { hazards: BTreeSet<ZoneHazard> },
}

/// What the area needs to know of one roster person.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    /// The town of the address (`progress::area_of`).
    pub town: &'a str,
    pub entry: &'a RosterEntry,
}

/// At most this many towns or districts in one area.
pub const MAX_PARTS: usize = 300;

impl AffectedArea {
    pub fn is_whole(&self) -> bool {
        matches!(self, AffectedArea::WholeMunicipality)
    }

    /// Is this roster person in the area?
    pub fn includes(&self, p: Place<'_>) -> bool {
        match self {
            AffectedArea::WholeMunicipality => true,
            AffectedArea::Towns { towns } => {
                let t = district_key(p.town);
                towns.iter().any(|x| district_key(x) == t)
            }
            AffectedArea::Districts { of, districts } => {
                let d = match of {
                    AreaDistrict::Community => p.entry.community_district.as_deref(),
                    AreaDistrict::Welfare => p.entry.welfare_district.as_deref(),
                };
                let Some(d) = d.map(district_key).filter(|d| !d.is_empty()) else {
                    return false;
                };
                districts.iter().any(|x| district_key(x) == d)
            }
            AffectedArea::HazardZones { hazards } => {
                hazards.iter().any(|h| h.present_in(&p.entry.home_hazards))
            }
        }
    }

    /// A part of the municipality must name at least one town, district or hazard, and not
    /// too many; blank names are dropped.
    pub fn validate(self) -> Result<Self, ValidationErrors> {
        let clean = |s: BTreeSet<String>| -> BTreeSet<String> {
            s.into_iter()
                .map(|x| crate::text::collapse_spaces(&x, ' '))
                .filter(|x| !x.is_empty())
                .collect()
        };
        let area = match self {
            AffectedArea::Towns { towns } => AffectedArea::Towns {
                towns: clean(towns),
            },
            AffectedArea::Districts { of, districts } => AffectedArea::Districts {
                of,
                districts: clean(districts),
            },
            a => a,
        };
        let mut e = ValidationErrors::new();
        let (n, what) = match &area {
            AffectedArea::WholeMunicipality => (1, ""),
            AffectedArea::Towns { towns } => (towns.len(), "町丁目"),
            AffectedArea::Districts { districts, .. } => (districts.len(), "地区"),
            AffectedArea::HazardZones { hazards } => (hazards.len(), "ハザードの区域"),
        };
        if n == 0 {
            e.push("area", format!("対象とする{what}を1つ以上選んでください"));
        } else if n > MAX_PARTS {
            e.push("area", format!("{what}は{MAX_PARTS}件までです"));
        }
        let too_long = match &area {
            AffectedArea::Towns { towns: s } | AffectedArea::Districts { districts: s, .. } => {
                s.iter().any(|x| x.chars().count() > 100)
            }
            _ => false,
        };
        if too_long {
            e.push("area", "名称は100文字以内で入力してください");
        }
        if e.is_empty() { Ok(area) } else { Err(e) }
    }

    /// As the screens and documents name it: 「市町村全域」, 「町丁目: 本町一丁目、港町」 …
    pub fn label(&self) -> String {
        let join = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join("、");
        match self {
            AffectedArea::WholeMunicipality => "市町村全域".to_owned(),
            AffectedArea::Towns { towns } => format!("町丁目: {}", join(towns)),
            AffectedArea::Districts { of, districts } => {
                format!("{}: {}", of.label(), join(districts))
            }
            AffectedArea::HazardZones { hazards } => format!(
                "ハザード区域内の居住者: {}",
                hazards
                    .iter()
                    .map(|h| h.label())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        }
    }

    /// The area with `other`'s parts added (widening an open declaration). `None` when they
    /// are of different forms (a town list cannot be widened by a hazard): declare anew.
    pub fn widened_by(&self, other: &AffectedArea) -> Option<AffectedArea> {
        use AffectedArea as A;
        match (self, other) {
            (A::WholeMunicipality, _) | (_, A::WholeMunicipality) => Some(A::WholeMunicipality),
            (A::Towns { towns: a }, A::Towns { towns: b }) => Some(A::Towns {
                towns: a.union(b).cloned().collect(),
            }),
            (
                A::Districts {
                    of: fa,
                    districts: a,
                },
                A::Districts {
                    of: fb,
                    districts: b,
                },
            ) if fa == fb => Some(A::Districts {
                of: *fa,
                districts: a.union(b).cloned().collect(),
            }),
            (A::HazardZones { hazards: a }, A::HazardZones { hazards: b }) => {
                Some(A::HazardZones {
                    hazards: a.union(b).copied().collect(),
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(community: Option<&str>, welfare: Option<&str>, h: HomeHazards) -> RosterEntry {
        RosterEntry {
            community_district: community.map(str::to_owned),
            welfare_district: welfare.map(str::to_owned),
            home_hazards: h,
            ..RosterEntry::default()
        }
    }

    fn set(xs: &[&str]) -> BTreeSet<String> {
        xs.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn towns_districts_and_zones_decide_who_is_in() {
        let flooded = HomeHazards {
            flood: true,
            ..HomeHazards::default()
        };
        let e = entry(Some("本町 自治会"), Some("第3地区"), flooded);
        let p = Place {
            town: "本町一丁目",
            entry: &e,
        };
        assert!(AffectedArea::WholeMunicipality.includes(p));
        assert!(
            AffectedArea::Towns {
                towns: set(&["本町一丁目", "港町"])
            }
            .includes(p)
        );
        assert!(
            !AffectedArea::Towns {
                towns: set(&["本町二丁目"])
            }
            .includes(p)
        );
        // Width and spaces do not matter, as for receivers' districts.
        assert!(
            AffectedArea::Districts {
                of: AreaDistrict::Community,
                districts: set(&["本町自治会"])
            }
            .includes(p)
        );
        assert!(
            AffectedArea::Districts {
                of: AreaDistrict::Welfare,
                districts: set(&["第３地区"])
            }
            .includes(p)
        );
        assert!(
            !AffectedArea::Districts {
                of: AreaDistrict::Welfare,
                districts: set(&["本町自治会"])
            }
            .includes(p)
        );
        let zones = |h: &[ZoneHazard]| AffectedArea::HazardZones {
            hazards: h.iter().copied().collect(),
        };
        assert!(zones(&[ZoneHazard::Flood]).includes(p));
        assert!(!zones(&[ZoneHazard::Tsunami, ZoneHazard::Landslide]).includes(p));
        // No district recorded: not in any district's area.
        let none = entry(None, Some(" "), HomeHazards::default());
        assert!(
            !AffectedArea::Districts {
                of: AreaDistrict::Welfare,
                districts: set(&["第3地区"])
            }
            .includes(Place {
                town: "本町",
                entry: &none
            })
        );
    }

    #[test]
    fn a_part_names_something() {
        let e = AffectedArea::Towns {
            towns: set(&[" ", ""]),
        }
        .validate()
        .expect_err("empty");
        assert!(e.for_field("area").is_some());
        assert!(
            AffectedArea::HazardZones {
                hazards: BTreeSet::new()
            }
            .validate()
            .is_err()
        );
        let ok = AffectedArea::Towns {
            towns: set(&[" 本町 ", "港町"]),
        }
        .validate()
        .expect("ok");
        assert_eq!(ok.label(), "町丁目: 本町、港町");
        assert_eq!(
            AffectedArea::WholeMunicipality.validate(),
            Ok(AffectedArea::WholeMunicipality)
        );
    }

    #[test]
    fn area_json_is_tagged() {
        let a = AffectedArea::HazardZones {
            hazards: [ZoneHazard::Tsunami].into_iter().collect(),
        };
        let j = serde_json::to_string(&a).expect("json");
        assert_eq!(j, r#"{"type":"hazard_zones","hazards":["tsunami"]}"#);
        assert_eq!(
            serde_json::from_str::<AffectedArea>(r#"{"type":"whole_municipality"}"#).ok(),
            Some(AffectedArea::WholeMunicipality)
        );
    }

    fn hazards() -> impl Strategy<Value = HomeHazards> {
        proptest::collection::vec(any::<bool>(), 6).prop_map(|b| HomeHazards {
            flood: b[0],
            inland_flood: b[1],
            house_collapse: b[2],
            landslide: b[3],
            tsunami: b[4],
            storm_surge: b[5],
        })
    }

    fn area() -> impl Strategy<Value = AffectedArea> {
        let names = proptest::collection::btree_set("[本港浜]町", 0..3);
        prop_oneof![
            Just(AffectedArea::WholeMunicipality),
            names
                .clone()
                .prop_map(|towns| AffectedArea::Towns { towns }),
            (any::<bool>(), names).prop_map(|(c, districts)| AffectedArea::Districts {
                of: if c {
                    AreaDistrict::Community
                } else {
                    AreaDistrict::Welfare
                },
                districts
            }),
            proptest::collection::btree_set(
                proptest::sample::select(ZoneHazard::ALL.to_vec()),
                0..3
            )
            .prop_map(|hazards| AffectedArea::HazardZones { hazards }),
        ]
    }

    proptest! {
        /// Widening never leaves anyone out: whoever was in either area is in the widened one,
        /// and a hazard area holds exactly the homes with one of its hazards.
        #[test]
        fn widening_keeps_everyone(a in area(), b in area(), h in hazards(),
                                    town in "[本港浜]町", c in "[本港浜]町", w in "[本港浜]町") {
            let e = entry(Some(&c), Some(&w), h);
            let p = Place { town: &town, entry: &e };
            if let Some(wide) = a.widened_by(&b) {
                prop_assert!(!a.includes(p) || wide.includes(p));
                prop_assert!(!b.includes(p) || wide.includes(p));
            }
            if let AffectedArea::HazardZones { hazards } = &a {
                prop_assert_eq!(a.includes(p), hazards.iter().any(|z| z.present_in(&h)));
            }
        }
    }
}
