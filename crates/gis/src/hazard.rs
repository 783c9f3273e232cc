//! Hazard kinds and how bad a zone is, comparable within a kind.

use crate::depth::DepthBand;

/// The hazards a home is classified for (DOMAIN.md §2, point 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HazardKind {
    /// 洪水浸水想定区域
    Flood,
    /// 内水氾濫
    InlandFlood,
    /// 家屋倒壊等氾濫想定区域
    HouseCollapse,
    /// 土砂災害警戒区域・特別警戒区域
    Landslide,
    /// 津波浸水想定
    Tsunami,
    /// 高潮浸水想定区域
    StormSurge,
}

impl HazardKind {
    pub const ALL: [HazardKind; 6] = [
        HazardKind::Flood,
        HazardKind::InlandFlood,
        HazardKind::HouseCollapse,
        HazardKind::Landslide,
        HazardKind::Tsunami,
        HazardKind::StormSurge,
    ];
    pub fn index(self) -> usize {
        self as usize
    }
    pub fn label(self) -> &'static str {
        match self {
            HazardKind::Flood => "洪水",
            HazardKind::InlandFlood => "内水氾濫",
            HazardKind::HouseCollapse => "家屋倒壊等氾濫",
            HazardKind::Landslide => "土砂災害",
            HazardKind::Tsunami => "津波",
            HazardKind::StormSurge => "高潮",
        }
    }
}

/// 土砂災害 zone: 警戒区域 (yellow) or 特別警戒区域 (red), designated or surveyed but not yet
/// designated (指定前, which still counts for a resident's risk).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LandslideZone {
    pub special: bool,
    pub designated: bool,
}

/// How bad a zone is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Severity {
    Depth(DepthBand),
    Landslide(LandslideZone),
    /// A zone without grades (e.g. 家屋倒壊等氾濫想定区域, a municipality's own map).
    Present,
}

impl Severity {
    /// Larger is worse; only compared within one hazard kind.
    pub fn key(&self) -> (f64, f64) {
        match self {
            Severity::Depth(b) => b.severity_key(),
            Severity::Landslide(z) => (
                if z.special { 1.0 } else { 0.0 },
                if z.designated { 1.0 } else { 0.0 },
            ),
            Severity::Present => (0.0, 0.0),
        }
    }

    pub fn label(&self) -> String {
        match self {
            Severity::Depth(b) => b.label(),
            Severity::Landslide(z) => format!(
                "{}{}",
                if z.special {
                    "特別警戒区域"
                } else {
                    "警戒区域"
                },
                if z.designated { "" } else { "（指定前）" }
            ),
            Severity::Present => "区域内".to_owned(),
        }
    }
}

/// What one zone means.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ZoneClass {
    pub kind: HazardKind,
    pub severity: Severity,
    /// The layer it came from (the caller's numbering).
    pub layer: u32,
}
