//! tsunagi's support-programme catalogue and eligibility engine (支援制度の判定): programmes are
//! data (one TOML file each under `catalogue/`, and those a municipality adds on screen), their
//! rules are written in a small typed language ([`lang`]) checked at load, and a household's
//! facts ([`household`]) are evaluated against them with three values, so the answer is
//! "eligible", "not eligible" or "possibly eligible — these facts are still needed", with the
//! reasons and each step of the amount. Pure: no I/O.

pub mod evaluate;
pub mod facts;
pub mod form;
pub mod household;
pub mod lang;
pub mod load;
pub mod programme;

pub use evaluate::{Catalogue, Explained, Outcome, Status};
pub use household::HouseholdFacts;
pub use load::{LoadError, Source};
pub use programme::{Origin, Programme};

/// The catalogue's files, embedded at build time (`catalogue/*.toml`).
pub const BUILT_IN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));

impl Catalogue {
    /// The built-in catalogue plus a municipality's own programmes (name, TOML text).
    pub fn load(municipal: &[(String, String)]) -> Result<Catalogue, Vec<LoadError>> {
        let mut sources: Vec<Source> = BUILT_IN
            .iter()
            .map(|(name, text)| Source {
                name,
                text,
                origin: Origin::Catalogue((*name).to_owned()),
            })
            .collect();
        sources.extend(municipal.iter().map(|(name, text)| Source {
            name,
            text,
            origin: Origin::Municipal,
        }));
        load::load(&sources).map(|programmes| Catalogue { programmes })
    }

    /// Evaluates and explains, in the catalogue's order.
    pub fn explain(&self, h: &HouseholdFacts) -> Vec<Explained> {
        self.evaluate(&h.values(), h.disaster.date)
            .iter()
            .zip(&self.programmes)
            .map(|(o, p)| o.explain(p))
            .collect()
    }
}
