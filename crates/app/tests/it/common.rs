//! What every use-case test needs: the app over a fresh store with the fixture's world, and
//! contexts for its users.

use chrono::NaiveDate;
use tsunagi_app::{App, Context, Identity, RequestIds};
use tsunagi_domain::access::Actor;
use tsunagi_store::Store;
use tsunagi_store::testing::{Fixture, fixture};

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

/// The app over `store`, with the fixture's organisations and users.
pub async fn world(store: &Store) -> (App, Fixture) {
    let f = fixture(store, "x").await.expect("fixture");
    (App::new(store.clone()), f)
}

/// The context of a request by `actor`.
pub async fn ctx(app: &App, actor: &Actor) -> Context {
    app.context(Identity::User(actor.clone()), RequestIds::generate(None))
        .await
        .expect("context")
}

/// A file of the demo town's official-format samples (samples/gis).
pub fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/../../samples/gis/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
