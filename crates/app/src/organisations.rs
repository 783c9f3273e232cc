//! The organisation directory (not personal data: every user may read it) and registering
//! organisations.

use tsunagi_domain::OrganisationId;
use tsunagi_store::organisations;

pub use tsunagi_store::organisations::{NewOrganisation, Organisation};

use crate::{App, Context, Error};

/// The whole directory, by kind then name.
pub async fn all(app: &App) -> Result<Vec<Organisation>, Error> {
    Ok(app.store.organisations().await?)
}

/// The organisations working in a municipality (itself included), by name.
pub async fn in_municipality(app: &App, m: OrganisationId) -> Result<Vec<Organisation>, Error> {
    Ok(app.store.organisations_in(m).await?)
}

pub async fn get(app: &App, id: OrganisationId) -> Result<Option<Organisation>, Error> {
    Ok(app.store.organisation(id).await?)
}

pub async fn by_name(app: &App, name: &str) -> Result<Option<Organisation>, Error> {
    Ok(app.store.organisation_by_name(name).await?)
}

/// An organisation's name for history lines and documents (empty if it was removed).
pub async fn name_of(app: &App, id: OrganisationId) -> Result<String, Error> {
    Ok(app
        .store
        .organisation(id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default())
}

/// Registers an organisation (the command line's system work).
pub async fn create(app: &App, ctx: &Context, new: NewOrganisation) -> Result<Organisation, Error> {
    let mut w = app.begin(ctx).await?;
    let org = organisations::create(&mut w.tx, new).await?;
    w.commit().await?;
    Ok(org)
}
