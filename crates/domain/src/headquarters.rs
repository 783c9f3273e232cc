//! The disaster headquarters' figures (災害対策本部): per area, how many roster people the
//! sweep holds, how many are confirmed safe, need help, were not reached, are missing or dead.
//! Counts only: no names, so the view can refresh often without listing anybody.

use crate::safety::SafetyStatus;
use serde::Serialize;
use std::collections::BTreeMap;

/// One area's (or the total's) figures.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SweepFigures {
    pub area: String,
    /// People in the sweep.
    pub people: u32,
    /// 無事（在宅）, 避難済み.
    pub safe: u32,
    /// 要支援, 負傷, 入院.
    pub needs_help: u32,
    /// 未確認, 不在・連絡つかず.
    pub not_reached: u32,
    pub missing: u32,
    pub dead: u32,
}

impl SweepFigures {
    fn add(&mut self, s: SafetyStatus) {
        self.people += 1;
        let slot = match s {
            SafetyStatus::SafeAtHome | SafetyStatus::Evacuated => &mut self.safe,
            SafetyStatus::NeedsSupport | SafetyStatus::Injured | SafetyStatus::Hospitalised => {
                &mut self.needs_help
            }
            SafetyStatus::Unchecked | SafetyStatus::NotReached => &mut self.not_reached,
            SafetyStatus::Missing => &mut self.missing,
            SafetyStatus::Dead => &mut self.dead,
        };
        *slot += 1;
    }
}

/// Per area (by name) and in total; areas with most people not reached first.
pub fn tally(
    rows: impl IntoIterator<Item = (String, SafetyStatus)>,
) -> (Vec<SweepFigures>, SweepFigures) {
    let mut total = SweepFigures {
        area: "合計".into(),
        ..SweepFigures::default()
    };
    let mut areas: BTreeMap<String, SweepFigures> = BTreeMap::new();
    for (area, s) in rows {
        total.add(s);
        areas
            .entry(area.clone())
            .or_insert_with(|| SweepFigures {
                area,
                ..SweepFigures::default()
            })
            .add(s);
    }
    let mut areas: Vec<SweepFigures> = areas.into_values().collect();
    areas.sort_by(|a, b| b.not_reached.cmp(&a.not_reached).then(a.area.cmp(&b.area)));
    (areas, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn statuses() -> impl Strategy<Value = SafetyStatus> {
        prop::sample::select(SafetyStatus::ALL.to_vec())
    }

    proptest! {
        /// Every person counts once, in exactly one column, in their area and the total.
        #[test]
        fn every_person_counts_once(rows in prop::collection::vec(("[ABC]", statuses()), 0..200)) {
            let (areas, total) = tally(rows.clone());
            prop_assert_eq!(total.people as usize, rows.len());
            let cols = |f: &SweepFigures| f.safe + f.needs_help + f.not_reached + f.missing + f.dead;
            prop_assert_eq!(cols(&total), total.people);
            prop_assert_eq!(areas.iter().map(|a| a.people).sum::<u32>(), total.people);
            for a in &areas {
                prop_assert_eq!(cols(a), a.people);
            }
            prop_assert!(areas.windows(2).all(|w| w[0].not_reached >= w[1].not_reached));
        }
    }

    #[test]
    fn statuses_fall_in_their_columns() {
        let (areas, total) = tally([
            ("本町".to_owned(), SafetyStatus::Evacuated),
            ("本町".to_owned(), SafetyStatus::Unchecked),
            ("港町".to_owned(), SafetyStatus::Injured),
            ("港町".to_owned(), SafetyStatus::Dead),
        ]);
        assert_eq!(
            (total.safe, total.not_reached, total.needs_help, total.dead),
            (1, 1, 1, 1)
        );
        assert_eq!(areas[0].area, "本町");
    }
}
