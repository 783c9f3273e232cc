//! Person records (個人記録): search, read, create and update.

use tsunagi_domain::PersonId;
use tsunagi_domain::access::AccessBasis;
use tsunagi_domain::paging::Page;
use tsunagi_domain::person::PersonDetails;
use tsunagi_store::organisations::Organisation;
use tsunagi_store::{gis, persons, sharing};

pub use tsunagi_store::gis::views::HomeGeography;
pub use tsunagi_store::persons::{PersonPage, PersonRecord, PersonSummary};
pub use tsunagi_store::sharing::ShareLine;

use crate::consequences::Cause;
use crate::{App, Context, Error};

/// Searches the persons the actor may see (audited with the query).
pub async fn search(
    app: &App,
    ctx: &Context,
    query: &str,
    page: Page,
) -> Result<PersonPage, Error> {
    let mut w = app.begin(ctx).await?;
    let found = persons::search(&mut w.tx, ctx.actor()?, ctx.disaster(), query, page).await?;
    w.commit().await?;
    Ok(found)
}

/// How many persons the actor may see. A count names nobody: not audited.
pub async fn count_visible(app: &App, ctx: &Context) -> Result<u64, Error> {
    Ok(app
        .store
        .count_visible(ctx.actor()?, ctx.disaster())
        .await?)
}

/// One person's record (the view is audited with its basis).
pub async fn get(app: &App, ctx: &Context, id: PersonId) -> Result<PersonRecord, Error> {
    let mut w = app.begin(ctx).await?;
    let record = persons::get(&mut w.tx, ctx.actor()?, ctx.disaster(), id).await?;
    w.commit().await?;
    Ok(record)
}

/// Everything the person page shows: the record; for the owning municipality, who it is
/// shared with and the organisations it could be shared with; for a roster person, the home's
/// geography.
#[derive(Clone, Debug)]
pub struct PersonPageData {
    pub record: PersonRecord,
    pub owner: Option<OwnerView>,
    pub geography: Option<HomeGeography>,
}

/// What only the owning municipality sees of a record.
#[derive(Clone, Debug)]
pub struct OwnerView {
    pub shares: Vec<ShareLine>,
    /// The municipality's other organisations, to share with.
    pub organisations: Vec<Organisation>,
}

pub async fn page(app: &App, ctx: &Context, id: PersonId) -> Result<PersonPageData, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let record = persons::get(&mut w.tx, actor, ctx.disaster(), id).await?;
    let owner = if record.grant.basis == AccessBasis::Owner {
        let shares = sharing::shares_of(&mut w.tx, actor, ctx.disaster(), id).await?;
        let organisations = app
            .store
            .organisations_in(record.municipality_id)
            .await?
            .into_iter()
            .filter(|o| o.id != record.municipality_id)
            .collect();
        Some(OwnerView {
            shares,
            organisations,
        })
    } else {
        None
    };
    let geography = match &record.roster {
        Some(_) => Some(gis::views::of_person(&mut w.tx, actor, ctx.disaster(), id).await?),
        None => None,
    };
    w.commit().await?;
    Ok(PersonPageData {
        record,
        owner,
        geography,
    })
}

/// Creates a person in the actor's municipality.
pub async fn create(app: &App, ctx: &Context, d: PersonDetails) -> Result<PersonRecord, Error> {
    let mut w = app.begin(ctx).await?;
    let created = persons::create(&mut w.tx, ctx.actor()?, ctx.disaster(), d).await?;
    w.commit().await?;
    Ok(created)
}

/// Updates a person from the version the editor started from; a stale version changes
/// nothing (`Conflict` with the current version).
pub async fn update(
    app: &App,
    ctx: &Context,
    id: PersonId,
    expected_version: i32,
    d: PersonDetails,
) -> Result<PersonRecord, Error> {
    let mut w = app.begin(ctx).await?;
    let (updated, place) = persons::update(
        &mut w.tx,
        ctx.actor()?,
        ctx.disaster(),
        id,
        expected_version,
        d,
    )
    .await?;
    let owner = updated.municipality_id;
    if place.address {
        w.changes
            .address_changed(owner, id, &updated.details.address);
    }
    if place.any() {
        w.changes.review(owner, id, Cause::AddressChanged);
    }
    w.commit().await?;
    Ok(updated)
}

/// A resident registered with their roster entry and consent in one go.
pub struct NewResident {
    pub details: PersonDetails,
    pub roster: Option<tsunagi_domain::roster::RosterEntry>,
    pub consent: Option<tsunagi_domain::consent::ConsentRecord>,
}

/// Registers many residents in the actor's municipality in one transaction, with their roster
/// entries and consent, the consequences run once for all of them (moving records from
/// another system; the demo town).
pub async fn register_many(
    app: &App,
    ctx: &Context,
    residents: Vec<NewResident>,
) -> Result<Vec<PersonId>, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let mut ids = Vec::with_capacity(residents.len());
    for r in residents {
        let p = persons::create(&mut w.tx, actor, ctx.disaster(), r.details).await?;
        if let Some(entry) = &r.roster {
            tsunagi_store::roster::set(&mut w.tx, actor, ctx.disaster(), p.id, entry).await?;
            w.changes.roster_changed(p.municipality_id, p.id);
        }
        if let Some(c) = &r.consent {
            c.validate(ctx.today()).map_err(Error::Invalid)?;
            sharing::set_consent(&mut w.tx, actor, ctx.disaster(), p.id, c).await?;
        }
        ids.push(p.id);
    }
    w.commit().await?;
    Ok(ids)
}
