//! Can a person reach safety before the tsunami? (津波避難の可否の目安). The municipality sets
//! walking speeds per mobility level, the time people need before they start (避難開始まで
//! の時間) and the expected arrival time of the first wave per area; a person whose walking
//! time to the nearest tsunami-suitable place exceeds the time left is 避難困難.
//!
//! Distances are straight lines (直線距離) times a route factor the municipality sets: an
//! estimate, said so on every screen, never a walking route.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::roster::RosterEntry;

/// How a person moves when evacuating (歩行の状況).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Mobility {
    /// 自力で歩ける
    Independent,
    /// ゆっくりなら歩ける (the guideline's speed for people who need support)
    Slow,
    /// 介助・車いすが必要
    Assisted,
}

impl Mobility {
    pub const ALL: [Mobility; 3] = [Mobility::Independent, Mobility::Slow, Mobility::Assisted];

    pub fn label(self) -> &'static str {
        match self {
            Mobility::Independent => "自力で歩ける",
            Mobility::Slow => "ゆっくりなら歩ける",
            Mobility::Assisted => "介助・車いすが必要",
        }
    }

    /// Reads the level as staff write it: 自力 / ゆっくり / 介助 (車いす), any width.
    pub fn parse(text: &str) -> Option<Mobility> {
        let t: String = text.nfkc().filter(|c| !c.is_whitespace()).collect();
        let t = t.to_lowercase();
        if t.contains("介助") || t.contains("車いす") || t.contains("車椅子") || t == "assisted"
        {
            Some(Mobility::Assisted)
        } else if t.contains("ゆっくり") || t == "slow" {
            Some(Mobility::Slow)
        } else if t.contains("自力") || t == "independent" {
            Some(Mobility::Independent)
        } else {
            None
        }
    }

    /// The level of a roster entry: as recorded, else judged from it. Everyone on the roster
    /// needs support, so the judged default is `Slow`; `Assisted` when the person cannot move
    /// alone, is 要介護3 or more, or has a grade 1–2 physical disability.
    pub fn of(entry: &RosterEntry) -> Mobility {
        if let Some(m) = entry.mobility {
            return m;
        }
        let care = entry.care_level.map(|c| c.care_number()).unwrap_or(0);
        if entry.cannot_move_alone
            || care >= 3
            || entry.physical_disability_grade.is_some_and(|g| g <= 2)
        {
            Mobility::Assisted
        } else {
            Mobility::Slow
        }
    }
}

/// The expected arrival of the first wave in one area (町・字), in minutes after the quake.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaArrival {
    pub area: String,
    pub minutes: u32,
}

/// A municipality's settings (editable on the map settings screen).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimingSettings {
    /// Walking speeds in metres per second.
    pub speed_independent: f64,
    pub speed_slow: f64,
    pub speed_assisted: f64,
    /// Minutes from the quake until people start to move (情報取得・避難準備).
    pub decision_delay_minutes: u32,
    /// Straight-line distance × this = the distance assumed walked (1.0 = straight line).
    pub route_factor: f64,
    /// Arrival per area; the longest area name contained in the address wins.
    pub tsunami_arrivals: Vec<AreaArrival>,
    /// Arrival where no area matches; `None`: such homes are not judged.
    pub default_arrival_minutes: Option<u32>,
    /// Base map tile URL template (`{z}/{x}/{y}`); `None`: vector layers only.
    pub tile_url: Option<String>,
}

/// The GSI standard tiles, attribution 「地理院タイル」.
pub const GSI_TILES: &str = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png";

impl Default for TimingSettings {
    /// 1.0 m/s walking and 0.5 m/s for people who need support follow the national tsunami
    /// evacuation guidance (津波避難対策推進マニュアル検討会報告書); 0.3 m/s assisted and a
    /// 5-minute start are this project's cautious defaults for the municipality to review.
    fn default() -> Self {
        TimingSettings {
            speed_independent: 1.0,
            speed_slow: 0.5,
            speed_assisted: 0.3,
            decision_delay_minutes: 5,
            route_factor: 1.0,
            tsunami_arrivals: Vec::new(),
            default_arrival_minutes: None,
            tile_url: Some(GSI_TILES.to_owned()),
        }
    }
}

/// A setting out of range, in words for the screen.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

impl TimingSettings {
    pub fn speed(&self, m: Mobility) -> f64 {
        match m {
            Mobility::Independent => self.speed_independent,
            Mobility::Slow => self.speed_slow,
            Mobility::Assisted => self.speed_assisted,
        }
    }

    pub fn validate(&self) -> Result<(), SettingsError> {
        for (m, v) in Mobility::ALL.iter().map(|m| (m, self.speed(*m))) {
            if !(0.05..=3.0).contains(&v) {
                return Err(SettingsError(format!(
                    "歩行速度（{}）は 0.05〜3.0 m/秒 で指定してください",
                    m.label()
                )));
            }
        }
        if !(1.0..=3.0).contains(&self.route_factor) {
            return Err(SettingsError(
                "経路係数は 1.0〜3.0 で指定してください".into(),
            ));
        }
        if self.decision_delay_minutes > 120 {
            return Err(SettingsError(
                "避難開始までの時間は 120 分以内で指定してください".into(),
            ));
        }
        for a in &self.tsunami_arrivals {
            if a.area.trim().is_empty() {
                return Err(SettingsError("到達時間の地区名が空です".into()));
            }
            if a.minutes == 0 || a.minutes > 600 {
                return Err(SettingsError(format!(
                    "{} の到達時間は 1〜600 分で指定してください",
                    a.area
                )));
            }
        }
        if let Some(url) = &self.tile_url
            && !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/'))
        {
            return Err(SettingsError(
                "タイルの URL は http(s):// か / で始めてください".into(),
            ));
        }
        Ok(())
    }

    /// The arrival time for a home at `address`: the longest configured area name the
    /// address contains (compared width-insensitively), else the default.
    pub fn arrival_for(&self, address: &str) -> Option<u32> {
        let key = |s: &str| s.nfkc().filter(|c| !c.is_whitespace()).collect::<String>();
        let address = key(address);
        self.tsunami_arrivals
            .iter()
            .map(|a| (key(&a.area), a.minutes))
            .filter(|(area, _)| !area.is_empty() && address.contains(area.as_str()))
            .max_by_key(|(area, _)| area.chars().count())
            .map(|(_, m)| m)
            .or(self.default_arrival_minutes)
    }

    /// Judges one person: `metres` is the straight-line distance to the nearest
    /// tsunami-suitable place.
    pub fn tsunami_reach(&self, metres: f64, mobility: Mobility, arrival_minutes: u32) -> Reach {
        let walking_minutes = metres * self.route_factor / self.speed(mobility) / 60.0;
        let available_minutes = f64::from(arrival_minutes) - f64::from(self.decision_delay_minutes);
        Reach {
            walking_minutes,
            available_minutes,
            difficult: walking_minutes > available_minutes,
        }
    }
}

/// The verdict for one person.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Reach {
    pub walking_minutes: f64,
    /// Arrival minus the time before people start; may be negative.
    pub available_minutes: f64,
    /// 避難困難: the walk takes longer than the time left.
    pub difficult: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::CareLevel;
    use proptest::prelude::*;

    #[test]
    fn the_guideline_speeds_and_a_worked_example() {
        let s = TimingSettings::default();
        assert!(s.validate().is_ok());
        // 600 m at 0.5 m/s is 20 minutes; with 20 minutes' arrival and 5 to start, too late.
        let r = s.tsunami_reach(600.0, Mobility::Slow, 20);
        assert!((r.walking_minutes - 20.0).abs() < 1e-9);
        assert!((r.available_minutes - 15.0).abs() < 1e-9);
        assert!(r.difficult);
        assert!(!s.tsunami_reach(600.0, Mobility::Independent, 20).difficult);
    }

    #[test]
    fn mobility_from_the_roster() {
        assert_eq!(Mobility::of(&RosterEntry::default()), Mobility::Slow);
        let care3 = RosterEntry {
            care_level: Some(CareLevel::Care3),
            ..RosterEntry::default()
        };
        assert_eq!(Mobility::of(&care3), Mobility::Assisted);
        let cannot = RosterEntry {
            cannot_move_alone: true,
            ..RosterEntry::default()
        };
        assert_eq!(Mobility::of(&cannot), Mobility::Assisted);
        let recorded = RosterEntry {
            cannot_move_alone: true,
            mobility: Some(Mobility::Independent),
            ..RosterEntry::default()
        };
        assert_eq!(
            Mobility::of(&recorded),
            Mobility::Independent,
            "as recorded"
        );
        assert_eq!(Mobility::parse("車いす"), Some(Mobility::Assisted));
        assert_eq!(Mobility::parse("ゆっくりなら歩ける"), Some(Mobility::Slow));
        assert_eq!(Mobility::parse("自力"), Some(Mobility::Independent));
        assert_eq!(Mobility::parse("たぶん"), None);
        for m in Mobility::ALL {
            assert_eq!(Mobility::parse(m.label()), Some(m));
        }
    }

    #[test]
    fn the_longest_area_wins_width_insensitively() {
        let s = TimingSettings {
            tsunami_arrivals: vec![
                AreaArrival {
                    area: "港町".into(),
                    minutes: 25,
                },
                AreaArrival {
                    area: "港町一丁目".into(),
                    minutes: 18,
                },
            ],
            default_arrival_minutes: Some(30),
            ..TimingSettings::default()
        };
        assert_eq!(s.arrival_for("潮見市港町一丁目3番2号"), Some(18));
        assert_eq!(s.arrival_for("潮見市港町二丁目3番2号"), Some(25));
        assert_eq!(s.arrival_for("潮見市　浜田１番"), Some(30));
        let none = TimingSettings::default();
        assert_eq!(none.arrival_for("潮見市浜田1番"), None);
    }

    #[test]
    fn out_of_range_settings_are_refused() {
        let mut s = TimingSettings {
            speed_slow: 0.0,
            ..TimingSettings::default()
        };
        assert!(s.validate().is_err());
        s.speed_slow = 0.5;
        s.tsunami_arrivals.push(AreaArrival {
            area: "浜田".into(),
            minutes: 0,
        });
        assert!(s.validate().is_err());
        s.tsunami_arrivals[0].minutes = 15;
        s.tile_url = Some("javascript:alert(1)".into());
        assert!(s.validate().is_err());
    }

    proptest! {
        /// Farther, slower or later-starting never turns difficult into reachable.
        #[test]
        fn reach_is_monotone(m in 0.0f64..5000.0, extra in 0.0f64..2000.0, arrival in 1u32..120) {
            let s = TimingSettings::default();
            for mobility in Mobility::ALL {
                let near = s.tsunami_reach(m, mobility, arrival);
                let far = s.tsunami_reach(m + extra, mobility, arrival);
                prop_assert!(!near.difficult || far.difficult);
            }
            let fast = s.tsunami_reach(m, Mobility::Independent, arrival);
            let slow = s.tsunami_reach(m, Mobility::Assisted, arrival);
            prop_assert!(!fast.difficult || slow.difficult);
        }
    }
}
