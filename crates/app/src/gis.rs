//! Geography: the municipality's layers, settings and shelters (public information), locating
//! and classifying homes, the map, pins and the tsunami-reach list.

use tsunagi_domain::evacuation_timing::TimingSettings;
use tsunagi_domain::{OrganisationId, PersonId};
use tsunagi_store::gis::{self, layers, locations, settings, shelters, views};

pub use tsunagi_import::shelters::ShelterSuits;
pub use tsunagi_store::gis::classify::ClassifyReport;
pub use tsunagi_store::gis::layers::{LayerInfo, LayerType};
pub use tsunagi_store::gis::locations::{GeocodeReport, Location, LocationLevel, Unmatched};
pub use tsunagi_store::gis::shelters::Shelter;
pub use tsunagi_store::gis::views::{MapPerson, ReachList};

use crate::{App, Context, Error};

/// The municipality whose geography the actor manages (its own staff only).
pub fn staff_municipality(ctx: &Context) -> Result<OrganisationId, Error> {
    Ok(gis::staff_municipality(ctx.actor()?)?)
}

/// The municipality whose maps and shelters the actor sees (every member of an organisation
/// working there).
pub fn municipality_of(ctx: &Context) -> Result<OrganisationId, Error> {
    Ok(gis::municipality_of(ctx.actor()?)?)
}

/// The municipality's layers.
pub async fn layers(app: &App, m: OrganisationId) -> Result<Vec<LayerInfo>, Error> {
    Ok(app.store.gis_layers(m).await?)
}

pub async fn shelters(app: &App, m: OrganisationId) -> Result<Vec<Shelter>, Error> {
    Ok(app.store.shelters(m).await?)
}

pub async fn shelter(app: &App, m: OrganisationId, id: uuid::Uuid) -> Result<Shelter, Error> {
    Ok(app.store.shelter(m, id).await?)
}

/// The evacuation-timing settings and their version (0: the defaults, never saved).
pub async fn settings(app: &App, m: OrganisationId) -> Result<(TimingSettings, i32), Error> {
    Ok(app.store.gis_settings(m).await?)
}

/// A hazard layer as GeoJSON, simplified by `tolerance` degrees.
pub async fn layer_features(
    app: &App,
    m: OrganisationId,
    id: uuid::Uuid,
    tolerance: f64,
) -> Result<serde_json::Value, Error> {
    Ok(app.store.layer_features(m, id, tolerance).await?)
}

/// Saves the settings from the version the editor started from.
pub async fn set_settings(
    app: &App,
    ctx: &Context,
    s: &TimingSettings,
    expected_version: i32,
) -> Result<i32, Error> {
    let mut w = app.begin(ctx).await?;
    let v = settings::set(&mut w.tx, ctx.actor()?, s, expected_version).await?;
    w.commit().await?;
    Ok(v)
}

/// Removes a layer of the actor's municipality.
pub async fn remove_layer(app: &App, ctx: &Context, id: uuid::Uuid) -> Result<(), Error> {
    let mut w = app.begin(ctx).await?;
    layers::remove(&mut w.tx, ctx.actor()?, id).await?;
    w.commit().await
}

/// Saves a shelter (new, or edited from its version).
pub async fn save_shelter(app: &App, ctx: &Context, s: &Shelter) -> Result<Shelter, Error> {
    let mut w = app.begin(ctx).await?;
    let saved = shelters::save(&mut w.tx, ctx.actor()?, s).await?;
    w.commit().await?;
    Ok(saved)
}

/// Deletes a shelter from the version the user saw.
pub async fn remove_shelter(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    version: i32,
) -> Result<Shelter, Error> {
    let mut w = app.begin(ctx).await?;
    let removed = shelters::remove(&mut w.tx, ctx.actor()?, id, version).await?;
    w.commit().await?;
    Ok(removed)
}

/// Locates every roster home of the actor's municipality from its address (pins and imported
/// points are kept).
pub async fn geocode_all(app: &App, ctx: &Context) -> Result<GeocodeReport, Error> {
    let mut w = app.begin(ctx).await?;
    let r = locations::geocode_all(&mut w.tx, ctx.actor()?).await?;
    w.commit().await?;
    Ok(r)
}

/// Roster persons whose home has no location yet.
pub async fn unmatched(app: &App, ctx: &Context) -> Result<Vec<Unmatched>, Error> {
    let mut w = app.begin(ctx).await?;
    let r = locations::unmatched(&mut w.tx, ctx.actor()?).await?;
    w.commit().await?;
    Ok(r)
}

/// Classifies every located roster home against the hazard layers; `progress` gets (done,
/// total).
pub async fn classify_all(
    app: &App,
    ctx: &Context,
    progress: impl FnMut(usize, usize),
) -> Result<ClassifyReport, Error> {
    let owner = staff_municipality(ctx)?;
    let mut w = app.begin(ctx).await?;
    let r = crate::consequences::classify(
        &mut w.tx,
        ctx,
        owner,
        None,
        &["requested"],
        &mut w.changes,
        progress,
    )
    .await?;
    w.commit().await?;
    Ok(r)
}

/// The tsunami-reach list (避難困難) with the settings it was computed under.
pub async fn reach_list(app: &App, ctx: &Context) -> Result<(ReachList, TimingSettings), Error> {
    let m = staff_municipality(ctx)?;
    let mut w = app.begin(ctx).await?;
    let list = views::reach_list(&mut w.tx, ctx.actor()?).await?;
    w.commit().await?;
    Ok((list, app.store.gis_settings(m).await?.0))
}

/// The roster homes on the map that the actor may see.
pub async fn map_persons(app: &App, ctx: &Context) -> Result<Vec<MapPerson>, Error> {
    let mut w = app.begin(ctx).await?;
    let persons = views::map_persons(&mut w.tx, ctx.actor()?, ctx.disaster()).await?;
    w.commit().await?;
    Ok(persons)
}

/// The person about to be pinned, with the current location: staff of the owning
/// municipality only.
pub async fn pin_target(
    app: &App,
    ctx: &Context,
    id: PersonId,
) -> Result<(crate::persons::PersonRecord, Option<Location>), Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let record = tsunagi_store::persons::get(&mut w.tx, actor, ctx.disaster(), id).await?;
    let loc = locations::for_pinning(&mut w.tx, actor, ctx.disaster(), id).await?;
    w.commit().await?;
    Ok((record, loc))
}

/// Pins a home by hand from the version of the location the user saw; it is classified again.
pub async fn pin(
    app: &App,
    ctx: &Context,
    id: PersonId,
    lon: f64,
    lat: f64,
    expected_version: i32,
) -> Result<Location, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let loc = locations::pin(
        &mut w.tx,
        actor,
        ctx.disaster(),
        id,
        lon,
        lat,
        expected_version,
    )
    .await?;
    w.changes.located(
        actor.organisation_id,
        id,
        crate::consequences::Cause::HomePinned,
    );
    w.commit().await?;
    Ok(loc)
}
