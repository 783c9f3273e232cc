//! Disaster state: whether a disaster has been declared (発災時) and for which municipalities.
//!
//! Declared disasters widen sharing by law (Basic Act art. 49-11 (3)): roster and plan data may
//! go to 避難支援等関係者 without consent where needed to protect life. The declaration itself
//! is built with the disaster-mode issue; the policy takes this state as an input already.

use crate::ids::OrganisationId;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisasterState {
    /// Municipalities (by organisation id) with an open, declared disaster.
    pub declared_in: Vec<OrganisationId>,
}

impl DisasterState {
    /// 平常時: no disaster declared anywhere.
    pub fn normal() -> Self {
        Self::default()
    }
    pub fn is_declared_in(&self, municipality: OrganisationId) -> bool {
        self.declared_in.contains(&municipality)
    }
}
