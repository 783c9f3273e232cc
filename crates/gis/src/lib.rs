//! Geography for tsunagi: which hazard zones a home lies in (and how deep), and the nearest
//! shelters suitable for each hazard. Pure computation over in-memory data: reading official
//! files and storing results are done by the callers. geo + rstar (0.12, as geo uses).

pub mod address;
pub mod depth;
pub mod geocode;
pub mod hazard;
pub mod index;
pub mod layers;
pub mod nearest;
pub mod pack;
pub mod shapefile;
pub mod valid;

pub use depth::{BandError, DepthBand, band_of_rank, parse_band};
pub use hazard::{HazardKind, LandslideZone, Severity, ZoneClass};
pub use index::{HazardIndex, HomeClassification, Zone};
pub use nearest::{Found, ShelterIndex, ShelterPoint};
