//! tsunagi's use cases: the layer between the entry points (`web`, `cli`) and storage.
//!
//! Architecture invariants:
//! - Every use case takes a [`Context`] (actor, disaster state, today in JST, request ids),
//!   opens its own audited transaction, calls the repositories, records what changed, and
//!   commits. No entry point opens or commits a transaction.
//! - Consequences of a change (a new address is located, a located home classified, point 1
//!   re-triaged, receivers re-applied, finished plans marked for review) are declared once, in
//!   order, in [`consequences`], and run once per use case over every person concerned.
//! - The disaster state is decided in [`disaster`] and nowhere else.

pub mod audit;
pub mod cases;
pub mod certificates;
pub mod consequences;
mod context;
pub mod databases;
pub mod declarations;
mod disaster;
pub mod disaster_lists;
pub mod documents;
pub mod eligibility;
mod error;
pub mod gis;
pub mod gis_import;
pub mod headquarters;
pub mod ledger;
pub mod legal_basis;
pub mod meetings;
pub mod organisations;
pub mod partners;
pub mod passwords;
pub mod persons;
pub mod plans;
pub mod preparedness;
pub mod programmes;
pub mod progress;
pub mod receivers;
pub mod referrals;
pub mod residents;
pub mod roster;
pub mod safety;
pub mod safety_info;
pub mod safety_paper;
pub mod sessions;
pub mod sharing;
pub mod shelter_operations;
pub mod survey_import;
pub mod tokens;
pub mod triage;
pub mod users;
mod work;
pub mod workflows;

pub use context::{Context, Identity, RequestIds, day_jst, sanitise_client_id, today_jst};
pub use error::Error;
pub use meetings::MeetingRecord;
pub use tsunagi_store::db::{DEFAULT_DATABASE_URL, redact};

use tsunagi_store::Store;

/// The application: the store and everything a use case needs beside the request.
#[derive(Clone, Debug)]
pub struct App {
    store: Store,
}

impl App {
    pub fn new(store: Store) -> Self {
        App { store }
    }

    /// Connects to the database at `url` and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self, Error> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(App { store })
    }

    /// The context of a request by `identity`: the disaster state is loaded here, once.
    pub async fn context(&self, identity: Identity, ids: RequestIds) -> Result<Context, Error> {
        let (disaster, declarations) = disaster::current(&self.store, &identity).await?;
        Ok(Context::new(identity, disaster, ids).with_declarations(declarations))
    }

    /// Connects to the database at `url` without migrating it (see [`App::migrate`]).
    pub async fn connect(url: &str) -> Result<Self, Error> {
        Ok(App {
            store: Store::connect(url).await?,
        })
    }

    /// Applies pending migrations; returns the names of those applied.
    pub async fn migrate(&self) -> Result<Vec<String>, Error> {
        let pending = self.store.pending_migrations().await?;
        self.store.migrate().await?;
        Ok(pending)
    }

    /// Closes the connections (tests and benchmarks that drop databases).
    pub async fn close(self) -> Result<(), Error> {
        Ok(self.store.close().await?)
    }

    /// The context of a command-line run or other system work.
    pub async fn system_context(&self, operator: &str) -> Result<Context, Error> {
        self.context(
            Identity::System {
                operator: operator.to_owned(),
            },
            RequestIds::generate(None),
        )
        .await
    }
}
