//! A household as the eligibility engine is told about it (the documented JSON of
//! `tsunagi eligibility` and the API), and how its facts are derived. Every field may be left
//! out: what is not known is unknown, never assumed.

use crate::facts::{EnumKind, Fact, FactValues};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use tsunagi_domain::damage::DamageLevel;

pub use tsunagi_domain::circumstances::{RebuildMethod, Tenure};

/// The disaster, as far as programmes care.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DisasterFacts {
    /// The disaster's date: it chooses the rules in force and starts the application windows.
    pub date: NaiveDate,
    /// 被災者生活再建支援法 applied to this disaster.
    pub support_act_applied: Option<bool>,
    /// 災害救助法 applied (応急修理 …).
    pub relief_act_applied: Option<bool>,
    /// The disaster is one the 災害弔慰金法 covers.
    pub condolence_act_applies: Option<bool>,
}

/// One member.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MemberFacts {
    pub name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    /// When the birth date is not known.
    pub age: Option<u32>,
    /// 生計維持者 (main earner).
    pub main_earner: Option<bool>,
    /// Died (or missing, presumed dead) in the disaster.
    #[serde(default)]
    pub died: bool,
    /// A serious disability caused by the disaster (災害障害見舞金's grades).
    #[serde(default)]
    pub serious_disability: bool,
    /// At school, primary to high school.
    pub in_school: Option<bool>,
}

/// The dwelling.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DwellingFacts {
    /// The certificate's level (`total`, `large_half`, `medium_half`, `half`, `near_half`,
    /// `partial`).
    pub damage: Option<DamageLevel>,
    /// 滅失・流失.
    pub lost: Option<bool>,
    /// Demolished (or to be) because it could not be helped.
    pub demolished: Option<bool>,
    /// 長期避難世帯.
    pub long_term_evacuation: Option<bool>,
    /// Cannot be lived in as it is.
    pub uninhabitable: Option<bool>,
    pub tenure: Option<Tenure>,
    /// Household goods damaged by a third of their value or more.
    pub goods_damage_third: Option<bool>,
}

/// A household to evaluate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HouseholdFacts {
    /// The caller's own reference, echoed in the result.
    pub id: Option<String>,
    pub disaster: DisasterFacts,
    /// The members; when left out, `household_size` may say how many there are.
    pub members: Option<Vec<MemberFacts>>,
    pub household_size: Option<u32>,
    #[serde(default)]
    pub dwelling: DwellingFacts,
    pub rebuild: Option<RebuildMethod>,
    /// Already received the rent addition (and now builds, buys or repairs); not received
    /// when left out.
    #[serde(default)]
    pub rent_addition_received: bool,
    pub temporary_housing: Option<bool>,
    pub cannot_afford_repair: Option<bool>,
    /// The head of household injured, needing a month or more of treatment.
    pub head_injured_month: Option<bool>,
    /// The household's total income of the previous year, in yen.
    pub income_yen: Option<u64>,
    pub income_fell: Option<bool>,
    pub business_owner: Option<bool>,
    pub insured: Option<bool>,
    pub livelihood_lost: Option<bool>,
}

impl HouseholdFacts {
    pub fn new(disaster: DisasterFacts) -> Self {
        HouseholdFacts {
            id: None,
            disaster,
            members: None,
            household_size: None,
            dwelling: DwellingFacts::default(),
            rebuild: None,
            rent_addition_received: false,
            temporary_housing: None,
            cannot_afford_repair: None,
            head_injured_month: None,
            income_yen: None,
            income_fell: None,
            business_owner: None,
            insured: None,
            livelihood_lost: None,
        }
    }

    /// The facts the rules read.
    pub fn values(&self) -> FactValues {
        let mut v = FactValues::default();
        let day = self.disaster.date;
        v.set(Fact::FiscalYear, i64::from(fiscal_year(day)));
        v.set_bool(Fact::SupportActApplied, self.disaster.support_act_applied);
        v.set_bool(Fact::ReliefActApplied, self.disaster.relief_act_applied);
        v.set_bool(
            Fact::CondolenceActApplies,
            self.disaster.condolence_act_applies,
        );
        let d = &self.dwelling;
        v.set_opt(
            Fact::Damage,
            d.damage.map(|l| word(EnumKind::Damage, damage_word(l))),
        );
        v.set_bool(Fact::DwellingLost, d.lost);
        v.set_bool(Fact::Demolished, d.demolished);
        v.set_bool(Fact::LongTermEvacuation, d.long_term_evacuation);
        v.set_bool(Fact::Uninhabitable, d.uninhabitable);
        v.set_opt(Fact::Tenure, d.tenure.map(|t| t as i64));
        v.set_bool(Fact::GoodsDamageThird, d.goods_damage_third);
        v.set_opt(Fact::Rebuild, self.rebuild.map(|r| r as i64));
        v.set_bool(
            Fact::RentAdditionReceived,
            Some(self.rent_addition_received),
        );
        v.set_bool(Fact::TemporaryHousing, self.temporary_housing);
        v.set_bool(Fact::CannotAffordRepair, self.cannot_afford_repair);
        v.set_bool(Fact::HeadInjuredMonth, self.head_injured_month);
        v.set_opt(
            Fact::Income,
            self.income_yen
                .map(|y| i64::try_from(y).unwrap_or(i64::MAX)),
        );
        v.set_bool(Fact::IncomeFell, self.income_fell);
        v.set_bool(Fact::BusinessOwner, self.business_owner);
        v.set_bool(Fact::Insured, self.insured);
        v.set_bool(Fact::LivelihoodLost, self.livelihood_lost);
        match &self.members {
            Some(m) => members(&mut v, m, day),
            None => v.set_opt(Fact::HouseholdSize, self.household_size.map(i64::from)),
        }
        v
    }
}

/// The word's index: enum values are the rule language's words, in its order.
fn word(kind: EnumKind, w: &str) -> i64 {
    kind.words()
        .iter()
        .position(|x| *x == w)
        .map_or(-1, |i| i as i64)
}

/// The rule language's word for a certificate's level.
pub fn damage_word(l: DamageLevel) -> &'static str {
    match l {
        DamageLevel::Partial => "一部損壊",
        DamageLevel::NearHalf => "準半壊",
        DamageLevel::Half => "半壊",
        DamageLevel::MediumHalf => "中規模半壊",
        DamageLevel::LargeHalf => "大規模半壊",
        DamageLevel::Total => "全壊",
    }
}

/// 年度: April to March, named by the year it starts.
pub fn fiscal_year(day: NaiveDate) -> i32 {
    if day.month() >= 4 {
        day.year()
    } else {
        day.year() - 1
    }
}

fn members(v: &mut FactValues, members: &[MemberFacts], day: NaiveDate) {
    v.set(Fact::HouseholdSize, members.len() as i64);
    let ages: Vec<Option<i64>> = members
        .iter()
        .map(|m| {
            m.birth_date
                .map(|b| day.years_since(b).map_or(0, i64::from))
                .or(m.age.map(i64::from))
        })
        .collect();
    // Counts are known only when every member's part of them is.
    let count = |f: &dyn Fn(usize, &MemberFacts) -> Option<bool>| -> Option<i64> {
        members
            .iter()
            .enumerate()
            .map(|(i, m)| f(i, m).map(i64::from))
            .sum()
    };
    v.set_opt(Fact::Members65Plus, count(&|i, _| ages[i].map(|a| a >= 65)));
    v.set_opt(
        Fact::ChildrenInSchool,
        count(&|i, m| match (m.in_school, ages[i]) {
            (Some(s), _) => Some(s),
            (None, Some(a)) if !(6..=18).contains(&a) => Some(false),
            _ => None,
        }),
    );
    let harmed = |f: &dyn Fn(&MemberFacts) -> bool, main: bool| {
        count(&|_, m| {
            if !f(m) {
                Some(false)
            } else {
                m.main_earner.map(|e| e == main)
            }
        })
    };
    v.set(
        Fact::Deaths,
        members.iter().filter(|m| m.died).count() as i64,
    );
    v.set(
        Fact::SeriousDisabilities,
        members.iter().filter(|m| m.serious_disability).count() as i64,
    );
    v.set_opt(Fact::DeathsMainEarner, harmed(&|m| m.died, true));
    v.set_opt(Fact::DeathsOthers, harmed(&|m| m.died, false));
    v.set_opt(
        Fact::DisabilitiesMainEarner,
        harmed(&|m| m.serious_disability, true),
    );
    v.set_opt(
        Fact::DisabilitiesOthers,
        harmed(&|m| m.serious_disability, false),
    );
}
