//! A household's circumstances after a disaster that support programmes ask about and that
//! neither the resident record nor the certificate holds (how it will rebuild, income, who is
//! the main earner …): recorded on the victims' ledger, read by the eligibility engine. Every
//! answer may be left open; open means unknown, never "no".

use crate::coded_enum;
use crate::{PersonId, ValidationErrors};
use serde::{Deserialize, Serialize};

coded_enum! {
    /// 住まいの再建方法.
    pub enum RebuildMethod {
        BuildOrBuy = ("build_or_buy", "建設・購入"),
        Repair = ("repair", "補修"),
        Rent = ("rent", "賃借（公営住宅以外）"),
        PublicHousing = ("public_housing", "公営住宅に入居"),
    }
}

coded_enum! {
    /// 住まいの所有関係.
    pub enum Tenure {
        Owned = ("owned", "持ち家"),
        Rented = ("rented", "借家"),
        Public = ("public", "公営住宅"),
        Other = ("other", "その他"),
    }
}

/// What the ledger records for the eligibility of its household.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Circumstances {
    /// 滅失・流失.
    pub dwelling_lost: Option<bool>,
    /// Demolished (or to be) because it could not be helped.
    pub demolished: Option<bool>,
    /// 長期避難世帯.
    pub long_term_evacuation: Option<bool>,
    pub uninhabitable: Option<bool>,
    pub tenure: Option<Tenure>,
    pub goods_damage_third: Option<bool>,
    pub rebuild: Option<RebuildMethod>,
    #[serde(default)]
    pub rent_addition_received: bool,
    pub temporary_housing: Option<bool>,
    pub cannot_afford_repair: Option<bool>,
    pub head_injured_month: Option<bool>,
    pub income_yen: Option<u64>,
    pub income_fell: Option<bool>,
    pub business_owner: Option<bool>,
    pub insured: Option<bool>,
    /// 生計維持者: a member.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Uuid))]
    pub main_earner: Option<PersonId>,
    /// Members at school (primary to high school); `None` until asked.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub in_school: Option<Vec<PersonId>>,
    /// Members left with a serious disability by the disaster.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub serious_disability: Vec<PersonId>,
}

impl Circumstances {
    /// Valid when every named person is a member and the income is plausible.
    pub fn check(&self, members: &[PersonId], e: &mut ValidationErrors) {
        let named = self
            .main_earner
            .iter()
            .chain(self.in_school.iter().flatten())
            .chain(&self.serious_disability);
        if named.into_iter().any(|p| !members.contains(p)) {
            e.push("circumstances", "世帯員でない人が選ばれています");
        }
        if self.income_yen.is_some_and(|y| y > 10_000_000_000) {
            e.push("income_yen", "所得の額を確かめてください");
        }
    }
}

/// Which acts apply to a declared disaster (`None`: not yet known): facts every household's
/// eligibility reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisasterActs {
    /// 被災者生活再建支援法.
    pub support_act_applied: Option<bool>,
    /// 災害救助法.
    pub relief_act_applied: Option<bool>,
    /// 災害弔慰金の支給等に関する法律.
    pub condolence_act_applies: Option<bool>,
}
