//! Disaster state: whether a disaster has been declared (発災時) and for which municipalities.
//!
//! Declared disasters widen sharing by law (Basic Act art. 49-11 (3)): roster and plan data may
//! go to 避難支援等関係者 without consent where needed to protect life, for the people in the
//! declared area.

use crate::ids::OrganisationId;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisasterState {
    /// Municipalities (by organisation id) with an open declaration over their whole area:
    /// everyone on their roster is reached.
    pub declared_in: Vec<OrganisationId>,
    /// Open declarations over a part of a municipality (町丁目, districts, hazard zones):
    /// (municipality, declaration). Only the people in the declaration's area — its
    /// safety-check sweep — are reached (`PersonFacts::declared_areas`).
    pub partial: Vec<(OrganisationId, uuid::Uuid)>,
}

impl DisasterState {
    /// 平常時: no disaster declared anywhere.
    pub fn normal() -> Self {
        Self::default()
    }
    /// Is a disaster declared over the whole of `municipality`?
    pub fn is_declared_in(&self, municipality: OrganisationId) -> bool {
        self.declared_in.contains(&municipality)
    }
    /// Is any disaster declared in `municipality`, over the whole or a part (the banner)?
    pub fn any_declared_in(&self, municipality: OrganisationId) -> bool {
        self.is_declared_in(municipality) || self.partial.iter().any(|(m, _)| *m == municipality)
    }
    /// The open part-area declarations of `municipality`.
    pub fn partial_in(&self, municipality: OrganisationId) -> Vec<uuid::Uuid> {
        self.partial
            .iter()
            .filter(|(m, _)| *m == municipality)
            .map(|(_, d)| *d)
            .collect()
    }
    /// Does disaster-time provision reach a person of `owner` whose record lies in the areas
    /// of `declared_areas`?
    pub fn reaches(&self, owner: OrganisationId, declared_areas: &[uuid::Uuid]) -> bool {
        self.is_declared_in(owner)
            || self
                .partial
                .iter()
                .any(|(m, d)| *m == owner && declared_areas.contains(d))
    }
}
