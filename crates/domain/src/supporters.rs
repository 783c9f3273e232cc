//! Supporter capacity (the guide's Q1, 避難支援者が見つからない): who on the roster has no
//! supporter (避難支援等実施者) in their plan yet, and which supporters are named in several
//! plans — one neighbour for five people who would all need her at once.

use crate::ids::PersonId;
use crate::plan::EvacuationPlan;
use serde::Serialize;
use std::collections::BTreeMap;
use unicode_normalization::UnicodeNormalization;

/// A roster person as the report names them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRef {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub id: PersonId,
    pub name: String,
    /// 自治会 or 民生委員地区 (empty when none is recorded).
    pub district: String,
}

/// A supporter named in more than one plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharedSupporter {
    pub name: String,
    pub phone: String,
    pub persons: Vec<PersonRef>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupporterCapacity {
    /// No plan yet, or a plan that names no supporter and no arrangement instead.
    pub without_supporter: Vec<PersonRef>,
    /// No supporter could be found; a care service or the municipality arranged instead
    /// (a recognised state of the plan, with what was arranged).
    pub arranged: Vec<(PersonRef, String)>,
    /// Supporters named in two plans or more, the most named first.
    pub shared: Vec<SharedSupporter>,
}

/// The same supporter across plans: the name without spaces, in NFKC, and the phone's digits
/// (a supporter written without a phone is matched by name alone).
fn supporter_key(name: &str, phone: &str) -> (String, String) {
    let name: String = name.nfkc().filter(|c| !c.is_whitespace()).collect();
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    (name, digits)
}

/// The report over the roster: each person with their newest plan, if any.
pub fn capacity(people: &[(PersonRef, Option<&EvacuationPlan>)]) -> SupporterCapacity {
    let mut out = SupporterCapacity::default();
    let mut named: BTreeMap<(String, String), SharedSupporter> = BTreeMap::new();
    for (person, plan) in people {
        let supporters = plan.map(|p| p.supporters.as_slice()).unwrap_or(&[]);
        let supporters: Vec<_> = supporters
            .iter()
            .filter(|s| !s.name.trim().is_empty())
            .collect();
        if supporters.is_empty() {
            match plan
                .map(|p| p.no_supporter_arrangement.trim())
                .filter(|a| !a.is_empty())
            {
                Some(a) => out.arranged.push((person.clone(), a.to_owned())),
                None => out.without_supporter.push(person.clone()),
            }
            continue;
        }
        for s in supporters {
            let entry = named
                .entry(supporter_key(&s.name, &s.phone))
                .or_insert_with(|| SharedSupporter {
                    name: s.name.trim().to_owned(),
                    phone: s.phone.trim().to_owned(),
                    persons: Vec::new(),
                });
            if !entry.persons.iter().any(|p| p.id == person.id) {
                entry.persons.push(person.clone());
            }
        }
    }
    out.shared = named
        .into_values()
        .filter(|s| s.persons.len() > 1)
        .collect();
    out.shared.sort_by(|a, b| {
        b.persons
            .len()
            .cmp(&a.persons.len())
            .then(a.name.cmp(&b.name))
    });
    out.without_supporter
        .sort_by(|a, b| a.district.cmp(&b.district).then(a.name.cmp(&b.name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Supporter;
    use proptest::prelude::*;

    fn person(n: u128, district: &str) -> PersonRef {
        PersonRef {
            id: PersonId(uuid::Uuid::from_u128(n)),
            name: format!("住民{n}"),
            district: district.into(),
        }
    }

    fn plan(supporters: &[(&str, &str)]) -> EvacuationPlan {
        EvacuationPlan {
            supporters: supporters
                .iter()
                .map(|(name, phone)| Supporter {
                    name: (*name).into(),
                    address: String::new(),
                    phone: (*phone).into(),
                    relationship: "近所".into(),
                    ..Supporter::default()
                })
                .collect(),
            ..EvacuationPlan::default()
        }
    }

    #[test]
    fn one_neighbour_for_three_people_and_two_people_without_anyone() {
        let hanako = plan(&[("山本　花子", "0889-22-0001")]);
        // The same neighbour, written with a half-width space and a phone without hyphens.
        let hanako_again = plan(&[("山本 花子", "0889220001")]);
        let two = plan(&[("山本花子", "0889-22-0001"), ("長男", "090-1111-2222")]);
        let nobody = plan(&[("  ", "")]);
        let people = vec![
            (person(1, "本町自治会"), Some(&hanako)),
            (person(2, "本町自治会"), Some(&hanako_again)),
            (person(3, "港町自治会"), Some(&two)),
            (person(4, "港町自治会"), Some(&nobody)),
            (person(5, "本町自治会"), None),
        ];
        let c = capacity(&people);
        assert_eq!(c.shared.len(), 1);
        assert_eq!(c.shared[0].persons.len(), 3);
        let without: Vec<_> = c
            .without_supporter
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(without, ["住民5", "住民4"]);
        assert!(c.arranged.is_empty());
    }

    #[test]
    fn an_arrangement_is_its_own_state_not_a_missing_supporter() {
        let mut arranged = plan(&[]);
        arranged.no_supporter_arrangement = " 市職員が警戒レベル3で迎えに行く ".into();
        let people = vec![
            (person(1, "本町自治会"), Some(&arranged)),
            (person(2, "本町自治会"), None),
        ];
        let c = capacity(&people);
        assert_eq!(c.without_supporter.len(), 1);
        assert_eq!(
            c.arranged,
            vec![(
                person(1, "本町自治会"),
                "市職員が警戒レベル3で迎えに行く".to_owned()
            )]
        );
    }

    proptest! {
        /// Everyone is either without a supporter or has one; a shared supporter is named by
        /// at least two different people.
        #[test]
        fn every_person_is_accounted_for(names in proptest::collection::vec(proptest::option::of(0u8..4), 0..30)) {
            let plans: Vec<Option<EvacuationPlan>> = names
                .iter()
                .map(|n| n.map(|n| plan(&[(["甲", "乙", "丙", "丁"][n as usize], "")])))
                .collect();
            let people: Vec<(PersonRef, Option<&EvacuationPlan>)> = plans
                .iter()
                .enumerate()
                .map(|(i, p)| (person(i as u128, ""), p.as_ref()))
                .collect();
            let c = capacity(&people);
            let with = names.iter().filter(|n| n.is_some()).count();
            prop_assert_eq!(c.without_supporter.len(), names.len() - with);
            for s in &c.shared {
                prop_assert!(s.persons.len() >= 2);
            }
        }
    }
}
