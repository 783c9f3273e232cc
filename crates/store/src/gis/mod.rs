//! Geography in storage: imported layers, shelters, each home's location and classified
//! hazards, the municipality's evacuation-timing settings, and the views built on them (a
//! person's home geography, the map, the tsunami-reach list). The computing is done by the pure
//! `tsunagi-gis` crate; this module loads, saves, checks access and audits.

pub mod addresses;
pub mod classify;
pub mod codec;
pub mod layers;
pub mod locations;
mod reads;
pub mod settings;
pub mod shelters;
pub mod views;

use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::Actor;

use crate::error::StoreError;

/// The municipality whose geography the actor manages (its own staff only).
pub use crate::organisations::staff_municipality;

/// The municipality whose maps and shelters the actor sees (public information: every member
/// of an organisation working there).
pub fn municipality_of(actor: &Actor) -> Result<OrganisationId, StoreError> {
    actor.municipality_id.ok_or(StoreError::NotFound)
}
