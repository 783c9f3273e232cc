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
}
