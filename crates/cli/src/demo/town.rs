//! Generates the demo town's residents: households sharing a family name and an address, with
//! ages that look like a Japanese coastal town (many older people, many living alone).

use super::names::{FAMILY, FEMALE, MALE, STREETS};
use chrono::{Datelike, Days, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;
use tsunagi_domain::person::PersonInput;

pub struct Resident {
    pub input: PersonInput,
    pub age: u32,
    pub street: &'static str,
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn birth(rng: &mut StdRng, today: NaiveDate, age: u32) -> NaiveDate {
    let year_start =
        NaiveDate::from_ymd_opt(today.year() - age as i32 - 1, today.month(), 1).unwrap_or(today);
    year_start + Days::new(rng.random_range(0..365))
}

fn given(rng: &mut StdRng, female: bool) -> (&'static str, &'static str) {
    *pick(rng, if female { FEMALE } else { MALE })
}

/// About `target` residents in households; deterministic for a given generator state.
pub fn residents(rng: &mut StdRng, target: usize, today: NaiveDate) -> Vec<Resident> {
    let mut out = Vec::with_capacity(target + 6);
    let mut household = 0u32;
    while out.len() < target {
        household += 1;
        let (family, family_kana) = *pick(rng, FAMILY);
        let (street, postal) = *pick(rng, STREETS);
        let address = format!(
            "潮見市{street}{}番{}号",
            rng.random_range(1..30),
            rng.random_range(1..25)
        );
        let phone = format!(
            "0889-{:02}-{:04}",
            rng.random_range(10..99),
            rng.random_range(0..10000)
        );
        // Household shape: 0 elderly alone, 1 elderly couple, 2 family, 3 adult alone.
        let shape = rng.random_range(0..10);
        let mut members: Vec<(u32, bool, &str)> = Vec::new();
        match shape {
            0..=2 => members.push((rng.random_range(70..99), rng.random_bool(0.7), "世帯主")),
            3..=4 => {
                let a = rng.random_range(66..92);
                members.push((a, false, "世帯主"));
                members.push((a.saturating_sub(rng.random_range(0..6)), true, "妻"));
            }
            5..=8 => {
                let a = rng.random_range(30..60);
                members.push((a, false, "世帯主"));
                members.push((a.saturating_sub(rng.random_range(0..5)), true, "妻"));
                for _ in 0..rng.random_range(0..4) {
                    members.push((
                        rng.random_range(0..20.min(a - 18)),
                        rng.random_bool(0.5),
                        "子",
                    ));
                }
                if rng.random_bool(0.25) {
                    members.push((a + rng.random_range(25..32), true, "母"));
                }
            }
            _ => members.push((rng.random_range(20..70), rng.random_bool(0.5), "世帯主")),
        }
        for (age, female, relationship) in members {
            let (g, g_kana) = given(rng, female);
            let gaiji = out.len() % 997 == 13;
            let name = if gaiji {
                format!(
                    "{family}\u{3000}{}\u{E02B}",
                    g.chars().next().unwrap_or('一')
                )
            } else {
                format!("{family}\u{3000}{g}")
            };
            // Readings are entered in every width municipal systems produce.
            let kana = format!("{family_kana} {g_kana}");
            out.push(Resident {
                age,
                street,
                input: PersonInput {
                    resident_no: format!("{:08}", 10_000_000 + out.len() as u32 * 7 + 3),
                    name,
                    name_kana: kana,
                    birth_date: birth(rng, today, age).to_string(),
                    sex: if female { "female" } else { "male" }.into(),
                    postal_code: postal.into(),
                    address: address.clone(),
                    address_extra: String::new(),
                    phone: phone.clone(),
                    household_no: format!("{:07}", 5_000_000 + household),
                    relationship: relationship.into(),
                },
            });
        }
    }
    out
}

/// The 自治会 of a street in the demo town (not every street has one in tsunagi).
fn community_district(street: &str) -> Option<&'static str> {
    if street.starts_with("本町一丁目") {
        Some("本町一丁目自治会")
    } else if street.starts_with("港町") {
        Some("港町自主防災会")
    } else if street.starts_with("浜田") || street.starts_with("汐入") {
        Some("浜田地区自治会")
    } else {
        None
    }
}

/// The 民生委員 district of a street: the coast is 浜地区, the rest 中央地区.
fn welfare_district(street: &str) -> &'static str {
    if ["港町", "浜田", "汐入"]
        .iter()
        .any(|s| street.starts_with(s))
    {
        "浜地区"
    } else {
        "中央地区"
    }
}

/// A roster entry for residents who would be on the roster: older people, with support
/// reasons, household facts and the hazards of their street (the coast floods, the hills slide).
pub fn roster_entry(r: &Resident, rng: &mut StdRng) -> Option<tsunagi_domain::roster::RosterEntry> {
    use tsunagi_domain::roster::{CareLevel, RosterEntry};
    if r.age < 70 && !rng.random_bool(0.02) {
        return None;
    }
    if !rng.random_bool(0.6) {
        return None;
    }
    let alone = r.input.relationship == "世帯主" && rng.random_bool(0.45);
    Some(RosterEntry {
        care_level: [
            None,
            None,
            Some(CareLevel::Support2),
            Some(CareLevel::Care1),
            Some(CareLevel::Care2),
            Some(CareLevel::Care3),
            Some(CareLevel::Care4),
            Some(CareLevel::Care5),
        ][rng.random_range(0..8)],
        physical_disability_grade: rng.random_bool(0.15).then(|| rng.random_range(1..7)),
        physical_disability_kind: None,
        dementia: rng.random_bool(0.2),
        hearing_impairment: rng.random_bool(0.08),
        visual_impairment: rng.random_bool(0.05),
        medical_care: rng.random_bool(0.04),
        cannot_move_alone: rng.random_bool(0.25),
        lives_alone: alone,
        elderly_only_household: !alone && r.age >= 65 && rng.random_bool(0.5),
        alone_in_daytime: !alone && rng.random_bool(0.2),
        family_can_help: if alone {
            Some(false)
        } else {
            [None, Some(true), Some(false)]
                .get(rng.random_range(0..3))
                .copied()
                .flatten()
        },
        no_ties_with_neighbours: rng.random_bool(0.1),
        community_watch: [None, Some(true), Some(false)][rng.random_range(0..3)],
        community_district: community_district(r.street).map(str::to_owned),
        welfare_district: Some(welfare_district(r.street).to_owned()),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn every_generated_resident_is_valid_and_households_share_an_address() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let mut rng = StdRng::seed_from_u64(7);
        let rs = residents(&mut rng, 1500, today);
        assert!(rs.len() >= 1500);
        for r in &rs {
            if let Err(e) = r.input.validate(today) {
                panic!("{:?}: {e}", r.input);
            }
        }
        let old = rs.iter().filter(|r| r.age >= 65).count();
        assert!(old * 4 > rs.len(), "an ageing town: {old} of {}", rs.len());
        assert!(
            rs.iter()
                .any(|r| tsunagi_domain::text::contains_gaiji(&r.input.name))
        );
    }
}
