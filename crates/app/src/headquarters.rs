//! The disaster headquarters' view (災害対策本部): per area — people in the safety-check sweep,
//! confirmed safe, needing help, not reached, missing, dead — and the shelters open with their
//! occupancy, free places and needs. Counts only, for the municipality's staff; the screen
//! refreshes it every few seconds and it downloads as an .xlsx snapshot with its time.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tsunagi_domain::headquarters::{SweepFigures, tally};
use tsunagi_store::{certificates, declarations, safety, shelter_stays};

pub use tsunagi_store::shelter_stays::Opening;

use crate::{App, Context, Error};

#[derive(Clone, Debug, Serialize)]
pub struct Headquarters {
    pub declaration_id: uuid::Uuid,
    pub declaration_name: String,
    pub stage: tsunagi_domain::declaration::Stage,
    pub open: bool,
    /// When these figures were read.
    pub at: DateTime<Utc>,
    pub areas: Vec<SweepFigures>,
    pub total: SweepFigures,
    pub shelters: Vec<Opening>,
    pub evacuees: u32,
    pub free_places: u32,
}

pub async fn view(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<Headquarters, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let name = crate::organisations::name_of(app, m).await?;
    let w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    let rows = safety::statuses_with_addresses(&w.tx, actor, declaration).await?;
    let (areas, total) = tally(
        rows.into_iter()
            .map(|(address, s)| (tsunagi_domain::progress::area_of(&address, &name), s)),
    );
    let shelters: Vec<Opening> = shelter_stays::of_declaration(&w.tx, actor, declaration)
        .await?
        .into_iter()
        .filter(|o| o.closed_at.is_none())
        .collect();
    w.commit().await?;
    Ok(Headquarters {
        declaration_id: d.id,
        declaration_name: d.name,
        stage: d.stage,
        open: d.closed_at.is_none(),
        at: tsunagi_store::now(),
        areas,
        total,
        evacuees: shelters.iter().map(|o| o.present).sum(),
        free_places: shelters.iter().map(|o| o.free).sum(),
        shelters,
    })
}
