//! Worked examples of the built-in catalogue, at every boundary PROGRAMMES.md gives: each damage
//! level, one-person households, income limits, fiscal years.
#![allow(clippy::expect_used)]

use chrono::NaiveDate;
use tsunagi_domain::damage::DamageLevel::{self, *};
use tsunagi_eligibility::household::{
    DisasterFacts, DwellingFacts, HouseholdFacts, MemberFacts, RebuildMethod, Tenure,
};
use tsunagi_eligibility::{Catalogue, Explained, Status};

fn catalogue() -> Catalogue {
    Catalogue::load(&[]).unwrap_or_else(|e| panic!("built-in catalogue: {e:?}"))
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// A household of `n` adults, all the disaster's acts applied, home owned and uninhabitable.
fn household(n: usize, damage: DamageLevel) -> HouseholdFacts {
    let mut h = HouseholdFacts::new(DisasterFacts {
        date: day("2024-07-01"),
        support_act_applied: Some(true),
        relief_act_applied: Some(true),
        condolence_act_applies: Some(true),
    });
    h.members = Some(
        (0..n)
            .map(|i| MemberFacts {
                age: Some(40 + i as u32),
                main_earner: Some(i == 0),
                ..MemberFacts::default()
            })
            .collect(),
    );
    h.dwelling = DwellingFacts {
        damage: Some(damage),
        lost: Some(false),
        demolished: Some(false),
        long_term_evacuation: Some(false),
        uninhabitable: Some(true),
        tenure: Some(Tenure::Owned),
        goods_damage_third: Some(false),
    };
    h.temporary_housing = Some(false);
    h.cannot_afford_repair = Some(true);
    h.head_injured_month = Some(false);
    h.income_yen = Some(1_000_000);
    h.income_fell = Some(false);
    h.livelihood_lost = Some(false);
    h
}

fn result(c: &Catalogue, h: &HouseholdFacts, id: &str) -> Explained {
    c.explain(h)
        .into_iter()
        .find(|e| e.programme == id)
        .unwrap_or_else(|| panic!("{id} not in the catalogue"))
}

fn amount(c: &Catalogue, h: &HouseholdFacts, id: &str) -> (Status, Option<i64>) {
    let r = result(c, h, id);
    (r.status, r.amount_yen)
}

#[test]
fn the_built_in_catalogue_loads_and_has_the_national_programmes() {
    let c = catalogue();
    for id in [
        "livelihood_basic",
        "livelihood_additional",
        "condolence_grant",
        "disability_grant",
        "relief_loan",
        "emergency_repair",
        "public_demolition",
        "school_aid",
        "local_tax_reduction",
        "insurance_premium_reduction",
        "reconstruction_housing_loan",
        "emergency_small_loan",
    ] {
        assert!(c.get(id).is_some(), "{id}");
    }
}

#[test]
fn livelihood_basic_by_damage_level_and_household_size() {
    let c = catalogue();
    for (level, multi, single) in [
        (Total, Some(1_000_000), Some(750_000)),
        (LargeHalf, Some(500_000), Some(375_000)),
        (MediumHalf, None, None),
        (Half, None, None),
        (NearHalf, None, None),
        (Partial, None, None),
    ] {
        for (n, want) in [(2, multi), (1, single)] {
            let (status, got) = amount(&c, &household(n, level), "livelihood_basic");
            assert_eq!(got, want, "{level:?} × {n}");
            let want_status = if want.is_some() {
                Status::Eligible
            } else {
                Status::NotEligible
            };
            assert_eq!(status, want_status, "{level:?} × {n}");
        }
    }
    // Half, demolished: the full basic amount; long-term evacuation too.
    let mut h = household(3, Half);
    h.dwelling.demolished = Some(true);
    assert_eq!(
        amount(&c, &h, "livelihood_basic"),
        (Status::Eligible, Some(1_000_000))
    );
    let mut h = household(1, Partial);
    h.dwelling.long_term_evacuation = Some(true);
    assert_eq!(
        amount(&c, &h, "livelihood_basic"),
        (Status::Eligible, Some(750_000))
    );
    // The act not applied: not eligible, and the reason says so.
    let mut h = household(2, Total);
    h.disaster.support_act_applied = Some(false);
    let r = result(&c, &h, "livelihood_basic");
    assert_eq!(r.status, Status::NotEligible);
    assert!(
        r.reasons[0].contains("被災者生活再建支援法"),
        "{:?}",
        r.reasons
    );
}

#[test]
fn the_calculation_is_shown_step_by_step() {
    let c = catalogue();
    let r = result(&c, &household(1, Total), "livelihood_basic");
    let steps: Vec<(bool, Option<i64>)> = r
        .calculation
        .iter()
        .map(|s| (s.applied, s.amount_yen))
        .collect();
    assert_eq!(steps, [(true, Some(1_000_000)), (true, Some(750_000))]);
    assert!(r.calculation[1].label.contains("4分の3"));
    let r = result(&c, &household(2, Total), "livelihood_basic");
    assert!(!r.calculation[1].applied);
    assert_eq!(r.amount_yen, Some(1_000_000));
    assert_eq!(r.deadline, Some(day("2025-08-01")), "13 months");
}

#[test]
fn livelihood_additional_by_rebuild_method() {
    let c = catalogue();
    use RebuildMethod::*;
    for (level, method, multi) in [
        (Total, BuildOrBuy, Some(2_000_000)),
        (Total, Repair, Some(1_000_000)),
        (Total, Rent, Some(500_000)),
        (LargeHalf, BuildOrBuy, Some(2_000_000)),
        (LargeHalf, Rent, Some(500_000)),
        (MediumHalf, BuildOrBuy, Some(1_000_000)),
        (MediumHalf, Repair, Some(500_000)),
        (MediumHalf, Rent, Some(250_000)),
        (Half, BuildOrBuy, None),
        (Total, PublicHousing, None),
    ] {
        let mut h = household(2, level);
        h.rebuild = Some(method);
        assert_eq!(
            amount(&c, &h, "livelihood_additional").1,
            multi,
            "{level:?} {method:?}"
        );
        h.members = Some(vec![MemberFacts::default()]);
        assert_eq!(
            amount(&c, &h, "livelihood_additional").1,
            multi.map(|m| m * 3 / 4),
            "{level:?} {method:?} single"
        );
    }
    // Unknown rebuild method: possibly eligible, and the question is asked.
    let r = result(&c, &household(2, Total), "livelihood_additional");
    assert_eq!(r.status, Status::Possibly);
    assert!(
        r.needed.iter().any(|q| q.contains("再建")),
        "{:?}",
        r.needed
    );
    assert_eq!(r.deadline, Some(day("2027-08-01")), "37 months");
}

#[test]
fn rent_then_build_totals_the_build_amount() {
    let c = catalogue();
    for (level, n, want) in [
        (Total, 2, 1_500_000),
        (Total, 1, 1_125_000),
        (MediumHalf, 2, 750_000),
    ] {
        let mut h = household(n, level);
        h.rebuild = Some(RebuildMethod::BuildOrBuy);
        h.rent_addition_received = true;
        let r = result(&c, &h, "livelihood_additional");
        assert_eq!(r.amount_yen, Some(want), "{level:?} × {n}");
        // Rent already received + this payment = the build amount.
        let rent = if level == MediumHalf {
            250_000
        } else {
            500_000
        };
        let rent = if n == 1 { rent * 3 / 4 } else { rent };
        let build = if level == MediumHalf {
            1_000_000
        } else {
            2_000_000
        };
        let build = if n == 1 { build * 3 / 4 } else { build };
        assert_eq!(rent + want, build);
    }
    // Still renting: the rent amount, nothing deducted.
    let mut h = household(2, Total);
    h.rebuild = Some(RebuildMethod::Rent);
    h.rent_addition_received = true;
    assert_eq!(amount(&c, &h, "livelihood_additional").1, Some(500_000));
}

#[test]
fn condolence_and_disability_grants_by_main_earner() {
    let c = catalogue();
    let mut h = household(3, Total);
    let m = h.members.as_mut().expect("members");
    m[0].died = true;
    m[1].died = true;
    assert_eq!(
        amount(&c, &h, "condolence_grant"),
        (Status::Eligible, Some(7_500_000))
    );
    let mut h = household(2, Partial);
    h.members.as_mut().expect("members")[1].serious_disability = true;
    assert_eq!(
        amount(&c, &h, "disability_grant"),
        (Status::Eligible, Some(1_250_000))
    );
    h.members.as_mut().expect("members")[0].serious_disability = true;
    assert_eq!(amount(&c, &h, "disability_grant").1, Some(3_750_000));
    assert_eq!(
        amount(&c, &household(2, Total), "condolence_grant").0,
        Status::NotEligible
    );
    // Whether the deceased was the main earner is unknown: eligible, amount to be confirmed.
    let mut h = household(2, Total);
    let m = h.members.as_mut().expect("members");
    m[1].died = true;
    m[1].main_earner = None;
    let r = result(&c, &h, "condolence_grant");
    assert_eq!((r.status, r.amount_yen), (Status::Eligible, None));
    assert!(
        r.needed.iter().any(|q| q.contains("生計維持者")),
        "{:?}",
        r.needed
    );
}

#[test]
fn relief_loan_income_limits_and_amounts() {
    let c = catalogue();
    for (n, limit) in [
        (1, 2_200_000),
        (2, 4_300_000),
        (3, 6_200_000),
        (4, 7_300_000),
        (5, 7_600_000),
        (7, 8_200_000),
    ] {
        let mut h = household(n, Half);
        h.income_yen = Some(limit - 1);
        assert_eq!(
            amount(&c, &h, "relief_loan"),
            (Status::Eligible, Some(1_700_000)),
            "{n}"
        );
        h.income_yen = Some(limit);
        assert_eq!(
            amount(&c, &h, "relief_loan").0,
            Status::NotEligible,
            "{n} at the limit"
        );
    }
    // Home lost: 12.7 million whatever the size, and the 3.5 million limit.
    let mut h = household(1, Total);
    h.dwelling.lost = Some(true);
    h.income_yen = Some(12_699_999);
    assert_eq!(
        amount(&c, &h, "relief_loan"),
        (Status::Eligible, Some(3_500_000))
    );
    h.income_yen = Some(12_700_000);
    assert_eq!(amount(&c, &h, "relief_loan").0, Status::NotEligible);
    // The table: head injured or not × goods × home.
    for (injured, goods, level, want) in [
        (true, false, Partial, Some(1_500_000)),
        (true, true, Partial, Some(2_500_000)),
        (true, false, Half, Some(2_700_000)),
        (true, false, Total, Some(3_500_000)),
        (false, true, Partial, Some(1_500_000)),
        (false, false, Half, Some(1_700_000)),
        (false, false, LargeHalf, Some(1_700_000)),
        (false, false, Total, Some(2_500_000)),
        (false, false, NearHalf, None),
    ] {
        let mut h = household(2, level);
        h.head_injured_month = Some(injured);
        h.dwelling.goods_damage_third = Some(goods);
        assert_eq!(
            amount(&c, &h, "relief_loan").1,
            want,
            "{injured} {goods} {level:?}"
        );
    }
    // Remains demolished to rebuild: raised limits.
    for (injured, level, want) in [
        (true, Half, 3_500_000),
        (false, Half, 2_500_000),
        (false, Total, 3_500_000),
    ] {
        let mut h = household(2, level);
        h.head_injured_month = Some(injured);
        h.dwelling.demolished = Some(true);
        assert_eq!(
            amount(&c, &h, "relief_loan").1,
            Some(want),
            "{injured} {level:?}"
        );
    }
}

#[test]
fn emergency_repair_limit_follows_the_fiscal_year() {
    let c = catalogue();
    for (date, half, near) in [
        ("2023-04-01", 706_000, 343_000),
        ("2024-03-31", 706_000, 343_000),
        ("2024-04-01", 717_000, 348_000),
        ("2025-03-31", 717_000, 348_000),
        ("2025-04-01", 739_000, 358_000),
        ("2026-03-31", 739_000, 358_000),
    ] {
        for (level, want) in [
            (LargeHalf, half),
            (MediumHalf, half),
            (Half, half),
            (NearHalf, near),
            (Total, half),
        ] {
            let mut h = household(2, level);
            h.disaster.date = day(date);
            assert_eq!(
                amount(&c, &h, "emergency_repair"),
                (Status::Eligible, Some(want)),
                "{date} {level:?}"
            );
        }
    }
    // A fiscal year whose limits are not entered: possibly eligible by the latest rules'
    // requirements, no amount guessed, and said so.
    let mut h = household(2, Half);
    h.disaster.date = day("2026-04-01");
    let r = result(&c, &h, "emergency_repair");
    assert_eq!((r.status, r.amount_yen), (Status::Possibly, None));
    assert!(
        r.reasons[0].contains("カタログにありません"),
        "{:?}",
        r.reasons
    );
    h.dwelling.damage = Some(Partial);
    assert_eq!(amount(&c, &h, "emergency_repair").0, Status::NotEligible);
    // Before any rules entered: no rules, not a guess.
    h.disaster.date = day("2019-01-01");
    assert_eq!(amount(&c, &h, "livelihood_basic"), (Status::NoRules, None));
    // 一部損壊, temporary housing, or (for 半壊) able to pay: not eligible.
    assert_eq!(
        amount(&c, &household(2, Partial), "emergency_repair").0,
        Status::NotEligible
    );
    let mut h = household(2, LargeHalf);
    h.temporary_housing = Some(true);
    assert_eq!(amount(&c, &h, "emergency_repair").0, Status::NotEligible);
    let mut h = household(2, Half);
    h.cannot_afford_repair = Some(false);
    assert_eq!(amount(&c, &h, "emergency_repair").0, Status::NotEligible);
    h.dwelling.damage = Some(MediumHalf);
    assert_eq!(
        amount(&c, &h, "emergency_repair").0,
        Status::Eligible,
        "no means test"
    );
}

#[test]
fn local_programmes_are_at_most_possibly_eligible_with_whom_to_confirm() {
    let c = catalogue();
    let mut h = household(3, Total);
    h.rebuild = Some(RebuildMethod::BuildOrBuy);
    h.members.as_mut().expect("members")[2] = MemberFacts {
        age: Some(10),
        ..MemberFacts::default()
    };
    h.members.as_mut().expect("members")[2].in_school = Some(true);
    for id in [
        "public_demolition",
        "school_aid",
        "local_tax_reduction",
        "insurance_premium_reduction",
        "reconstruction_housing_loan",
        "emergency_small_loan",
    ] {
        let r = result(&c, &h, id);
        assert_eq!(r.status, Status::Possibly, "{id}");
        assert!(r.confirm_with.is_some(), "{id}");
        assert!(r.needed.is_empty(), "{id}: {:?}", r.needed);
    }
    let h = household(1, Partial);
    for id in [
        "public_demolition",
        "school_aid",
        "reconstruction_housing_loan",
    ] {
        assert_eq!(result(&c, &h, id).status, Status::NotEligible, "{id}");
    }
}

#[test]
fn nothing_known_but_the_date_asks_the_right_questions() {
    let c = catalogue();
    let h = HouseholdFacts::new(DisasterFacts {
        date: day("2024-07-01"),
        ..DisasterFacts::default()
    });
    let r = result(&c, &h, "livelihood_basic");
    assert_eq!(r.status, Status::Possibly);
    assert!(
        r.needed.iter().any(|q| q.contains("被害の程度")),
        "{:?}",
        r.needed
    );
    assert!(
        r.needed.iter().any(|q| q.contains("生活再建支援法")),
        "{:?}",
        r.needed
    );
}

#[test]
fn enum_orders_match_the_rule_words() {
    use tsunagi_eligibility::facts::EnumKind;
    use tsunagi_eligibility::household::damage_word;
    for (i, l) in DamageLevel::ALL.iter().enumerate() {
        assert_eq!(EnumKind::Damage.words()[i], damage_word(*l));
    }
    assert_eq!(EnumKind::Rebuild.words().len(), RebuildMethod::ALL.len());
    assert_eq!(EnumKind::Tenure.words().len(), Tenure::ALL.len());
    assert_eq!(
        EnumKind::Rebuild.words()[RebuildMethod::Rent as usize],
        "賃借"
    );
    assert_eq!(EnumKind::Tenure.words()[Tenure::Rented as usize], "借家");
}
