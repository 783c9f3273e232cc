//! Shelters in operation (避難所の開設・運営): a shelter opened for a declaration with a
//! capacity, evacuees checked in and out, each with the needs the staff must see at once
//! (薬, 透析, 酸素, 車いす, アレルギー, 乳幼児, 言語) and a transfer to a 福祉避難所 recorded. A
//! check-in is also a safety check: the person is 避難済み.

use crate::ValidationErrors;
use crate::coded_enum;
use serde::{Deserialize, Serialize};

coded_enum! {
    /// A need flagged at check-in (要配慮者の配慮事項).
    pub enum EvacueeNeed {
        Medicine = ("medicine", "常用薬"),
        Dialysis = ("dialysis", "人工透析"),
        Oxygen = ("oxygen", "在宅酸素・医療機器"),
        Wheelchair = ("wheelchair", "車いす・歩行介助"),
        Allergy = ("allergy", "食物アレルギー"),
        Infant = ("infant", "乳幼児"),
        Language = ("language", "言語・通訳"),
        Dementia = ("dementia", "認知症"),
        Pregnancy = ("pregnancy", "妊産婦"),
    }
}

/// Opening a shelter for a declaration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpeningInput {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub shelter_id: uuid::Uuid,
    /// People it can take now (may differ from the designated capacity).
    pub capacity: u32,
}

impl OpeningInput {
    pub fn validate(self) -> Result<Self, ValidationErrors> {
        if self.capacity == 0 || self.capacity > 100_000 {
            return Err(ValidationErrors::single(
                "capacity",
                "受け入れ可能人数を 1〜100000 で入力してください",
            ));
        }
        Ok(self)
    }
}

/// Checking a person in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckInInput {
    #[serde(default)]
    pub needs: Vec<EvacueeNeed>,
    /// What the needs mean for this person (薬の名前, アレルギーの食品 …).
    pub note: Option<String>,
}

impl CheckInInput {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        self.needs.sort();
        self.needs.dedup();
        self.note = crate::text::clean(self.note);
        if self
            .note
            .as_deref()
            .is_some_and(|n| crate::text::unacceptable(n, 500))
        {
            return Err(ValidationErrors::single(
                "note",
                crate::text::unacceptable_message(500),
            ));
        }
        Ok(self)
    }
}

/// Someone with no record yet, registered at the shelter in seconds (避難所での登録): name,
/// reading, age, sex, the address if known, and the needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WalkIn {
    pub name: String,
    pub name_kana: String,
    pub age: u32,
    /// `male`, `female` or `unspecified` (as a person's record takes it).
    pub sex: String,
    pub address: Option<String>,
    #[serde(flatten)]
    pub check_in: CheckInInput,
}

/// The address recorded when a walk-in does not give one.
pub const ADDRESS_UNKNOWN: &str = "不明（避難所で登録）";

impl WalkIn {
    /// The person's record as the roster's rules read it: the birth date is estimated as
    /// 1 January of the year of birth the age gives (the stay's note says it is an estimate);
    /// the address, when not given, is 「不明（避難所で登録）」.
    pub fn person_input(
        &self,
        today: chrono::NaiveDate,
    ) -> Result<crate::person::PersonInput, ValidationErrors> {
        use chrono::Datelike;
        if self.age > 120 {
            return Err(ValidationErrors::single("age", "年齢を確かめてください"));
        }
        let year = today.year() - i32::try_from(self.age).unwrap_or(0);
        Ok(crate::person::PersonInput {
            name: self.name.clone(),
            name_kana: self.name_kana.clone(),
            birth_date: format!("{year:04}-01-01"),
            sex: self.sex.clone(),
            address: self
                .address
                .clone()
                .filter(|a| !a.trim().is_empty())
                .unwrap_or_else(|| ADDRESS_UNKNOWN.to_owned()),
            ..crate::person::PersonInput::default()
        })
    }

    /// What the stay's note says of the record (with the note given, if any).
    pub fn note(&self) -> String {
        let base = format!("避難所で登録（{}歳から生年を推定）", self.age);
        match self.check_in.note.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => format!("{base}。{n}"),
            _ => base,
        }
    }
}

/// Free places (never negative: a shelter over capacity has none, and says how many over).
pub fn free_places(capacity: u32, present: u32) -> (u32, u32) {
    (
        capacity.saturating_sub(present),
        present.saturating_sub(capacity),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_opening_has_a_capacity_and_needs_are_a_set() {
        let id = uuid::Uuid::from_u128(1);
        assert!(
            OpeningInput {
                shelter_id: id,
                capacity: 0
            }
            .validate()
            .is_err()
        );
        assert!(
            OpeningInput {
                shelter_id: id,
                capacity: 120
            }
            .validate()
            .is_ok()
        );
        let c = CheckInInput {
            needs: vec![
                EvacueeNeed::Oxygen,
                EvacueeNeed::Medicine,
                EvacueeNeed::Oxygen,
            ],
            note: Some("  ".into()),
        }
        .validate()
        .expect("valid");
        assert_eq!(c.needs, vec![EvacueeNeed::Medicine, EvacueeNeed::Oxygen]);
        assert_eq!(c.note, None);
        for n in EvacueeNeed::ALL {
            assert_eq!(EvacueeNeed::parse(n.code()), Some(*n));
        }
    }

    proptest! {
        #[test]
        fn free_and_over_add_up(capacity in 0u32..10_000, present in 0u32..10_000) {
            let (free, over) = free_places(capacity, present);
            prop_assert!(free == 0 || over == 0);
            prop_assert_eq!(i64::from(capacity) - i64::from(present), i64::from(free) - i64::from(over));
        }
    }

    #[test]
    fn a_walk_in_becomes_a_record_with_an_estimated_birth_year_said_so() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default();
        let w = WalkIn {
            name: "田中　花".into(),
            name_kana: "タナカ ハナ".into(),
            age: 80,
            sex: "female".into(),
            address: Some(" ".into()),
            check_in: CheckInInput {
                needs: vec![],
                note: Some("酸素".into()),
            },
        };
        let p = w.person_input(today).expect("input");
        assert_eq!(p.birth_date, "1946-01-01");
        assert_eq!(p.address, ADDRESS_UNKNOWN);
        assert!(p.validate(today).is_ok());
        assert_eq!(w.note(), "避難所で登録（80歳から生年を推定）。酸素");
        let old = WalkIn { age: 121, ..w };
        assert!(old.person_input(today).is_err());
    }
}
