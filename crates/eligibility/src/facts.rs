//! The household facts a rule may read: their names in the rule language, their types and the
//! question to ask when one is unknown. This list is the language's vocabulary; programmes are
//! data, but what a household *is* is domain code.

use crate::lang::Type;

/// A value's kind among the closed lists a rule can name by its Japanese word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EnumKind {
    /// 住家の被害の程度, least to most severe (ordered: `damage >= 大規模半壊`).
    Damage,
    /// 住まいの再建方法.
    Rebuild,
    /// 住まいの所有関係.
    Tenure,
}

impl EnumKind {
    /// The words a rule writes, in order (the index is the value).
    pub fn words(self) -> &'static [&'static str] {
        match self {
            EnumKind::Damage => &[
                "一部損壊",
                "準半壊",
                "半壊",
                "中規模半壊",
                "大規模半壊",
                "全壊",
            ],
            EnumKind::Rebuild => &["建設購入", "補修", "賃借", "公営住宅入居"],
            EnumKind::Tenure => &["持ち家", "借家", "公営住宅", "その他の住まい"],
        }
    }
    /// Whether `<` and `>` mean something (severity).
    pub fn ordered(self) -> bool {
        matches!(self, EnumKind::Damage)
    }
    pub fn label(self) -> &'static str {
        match self {
            EnumKind::Damage => "被害の程度",
            EnumKind::Rebuild => "再建方法",
            EnumKind::Tenure => "住まいの所有関係",
        }
    }
    pub const ALL: [EnumKind; 3] = [EnumKind::Damage, EnumKind::Rebuild, EnumKind::Tenure];

    /// The kind and value a word names, if any.
    pub fn lookup(word: &str) -> Option<(EnumKind, i64)> {
        Self::ALL.into_iter().find_map(|k| {
            k.words()
                .iter()
                .position(|w| *w == word)
                .map(|i| (k, i as i64))
        })
    }
}

/// One fact: its name in rules, its type and the question a caseworker asks when it is unknown.
#[derive(Clone, Copy, Debug)]
pub struct FactDef {
    pub name: &'static str,
    pub ty: Type,
    pub question: &'static str,
}

macro_rules! facts {
    ($( $id:ident = ($name:literal, $ty:expr, $q:literal) ),+ $(,)?) => {
        /// Each fact's index (its bit in a [`crate::lang::Missing`] set).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        #[allow(non_camel_case_types)]
        pub enum Fact { $($id),+ }
        pub const FACTS: &[FactDef] = &[$(FactDef { name: $name, ty: $ty, question: $q }),+];
    };
}

facts! {
    FiscalYear = ("fiscal_year", Type::Int, "災害が起きた年度"),
    SupportActApplied = ("support_act_applied", Type::Bool, "被災者生活再建支援法が適用された災害か"),
    ReliefActApplied = ("relief_act_applied", Type::Bool, "災害救助法が適用された災害か"),
    CondolenceActApplies = ("condolence_act_applies", Type::Bool, "災害弔慰金法の対象となる災害か"),
    Damage = ("damage", Type::Enum(EnumKind::Damage), "住家の被害の程度（罹災証明書）"),
    DwellingLost = ("dwelling_lost", Type::Bool, "住家が滅失・流失したか"),
    Demolished = ("demolished", Type::Bool, "住家をやむを得ず解体したか（する予定か）"),
    LongTermEvacuation = ("long_term_evacuation", Type::Bool, "長期避難世帯に当たるか"),
    Uninhabitable = ("uninhabitable", Type::Bool, "住家がそのままでは住めない状態か"),
    Tenure = ("tenure", Type::Enum(EnumKind::Tenure), "住まいは持ち家か借家か"),
    Rebuild = ("rebuild", Type::Enum(EnumKind::Rebuild), "住まいをどう再建するか（建設・購入／補修／賃借／公営住宅）"),
    RentAdditionReceived = ("rent_addition_received", Type::Bool, "賃借の加算支援金をすでに受け取ったか"),
    TemporaryHousing = ("temporary_housing", Type::Bool, "応急仮設住宅に入居しているか（入居予定を含む）"),
    CannotAffordRepair = ("cannot_afford_repair", Type::Bool, "自らの資力では修理できないか"),
    GoodsDamageThird = ("goods_damage_third", Type::Bool, "家財の損害が価額の3分の1以上か"),
    HouseholdSize = ("household_size", Type::Int, "世帯の人数"),
    Members65Plus = ("members_65_plus", Type::Int, "65歳以上の世帯員の数"),
    ChildrenInSchool = ("children_in_school", Type::Int, "小学校から高校までに在学する子どもの数"),
    Deaths = ("deaths", Type::Int, "災害で亡くなった（行方不明を含む）世帯員の数"),
    SeriousDisabilities = ("serious_disabilities", Type::Int, "災害で重い障害を負った世帯員の数"),
    DeathsMainEarner = ("deaths_main_earner", Type::Int, "災害で亡くなった生計維持者の数（亡くなった方が生計維持者だったか）"),
    DeathsOthers = ("deaths_others", Type::Int, "災害で亡くなった生計維持者以外の方の数"),
    DisabilitiesMainEarner = ("disabilities_main_earner", Type::Int, "災害で重い障害を負った生計維持者の数（その方が生計維持者か）"),
    DisabilitiesOthers = ("disabilities_others", Type::Int, "災害で重い障害を負った生計維持者以外の方の数"),
    HeadInjuredMonth = ("head_injured_month", Type::Bool, "世帯主が療養1か月以上の負傷をしたか"),
    Income = ("income", Type::Yen, "世帯の前年の総所得"),
    IncomeFell = ("income_fell", Type::Bool, "災害で収入が大きく減ったか"),
    BusinessOwner = ("business_owner", Type::Bool, "事業（自営業・農業など）を営んでいるか"),
    Insured = ("insured", Type::Bool, "地震保険・共済に加入しているか"),
    LivelihoodLost = ("livelihood_lost", Type::Bool, "生業（仕事・事業）を失ったか"),
}

impl Fact {
    pub fn def(self) -> &'static FactDef {
        &FACTS[self as usize]
    }
    pub fn by_name(name: &str) -> Option<usize> {
        FACTS.iter().position(|f| f.name == name)
    }
}

/// How many facts there are (at most 64: a missing set is one `u64`).
pub const FACT_COUNT: usize = FACTS.len();
const _: () = assert!(FACT_COUNT <= 64);

/// One household's facts, each known or not: the input of an evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactValues {
    values: [i64; FACT_COUNT],
    known: u64,
}

impl Default for FactValues {
    fn default() -> Self {
        FactValues {
            values: [0; FACT_COUNT],
            known: 0,
        }
    }
}

impl FactValues {
    pub fn set(&mut self, f: Fact, v: i64) {
        self.values[f as usize] = v;
        self.known |= 1 << (f as u32);
    }
    pub fn set_opt(&mut self, f: Fact, v: Option<i64>) {
        match v {
            Some(v) => self.set(f, v),
            None => self.forget(f),
        }
    }
    pub fn set_bool(&mut self, f: Fact, v: Option<bool>) {
        self.set_opt(f, v.map(i64::from));
    }
    pub fn forget(&mut self, f: Fact) {
        self.known &= !(1 << (f as u32));
    }
    /// The value, or the fact's bit as the missing set.
    #[inline]
    pub fn get(&self, index: usize) -> Result<i64, u64> {
        if self.known & (1 << index) != 0 {
            Ok(self.values[index])
        } else {
            Err(1 << index)
        }
    }
    pub fn is_known(&self, f: Fact) -> bool {
        self.known & (1 << (f as u32)) != 0
    }
}

/// The questions for a missing set, in the list's order.
pub fn questions(missing: u64) -> Vec<&'static FactDef> {
    FACTS
        .iter()
        .enumerate()
        .filter(|(i, _)| missing & (1 << i) != 0)
        .map(|(_, f)| f)
        .collect()
}
