//! The disaster headquarters' view (災害対策本部): per area — people in the safety-check sweep,
//! confirmed safe, needing help, not reached, missing, dead — and the shelters open with their
//! occupancy, free places and needs. Counts only, for the municipality's staff; the screen
//! refreshes it every few seconds and it downloads as an .xlsx snapshot with its time.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tsunagi_domain::headquarters::{SweepFigures, tally};
use tsunagi_domain::safety::checkers::CheckerStep;
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
    /// The same by 自治会 and by 民生委員 district (「（未設定）」 for people with none).
    pub community_districts: Vec<SweepFigures>,
    pub welfare_districts: Vec<SweepFigures>,
    pub total: SweepFigures,
    /// Each checking organisation: people checked at least once, attempts.
    pub checkers: Vec<CheckerProgress>,
    /// Each checker the checker order gave people to: how many, how many confirmed, how many
    /// nobody has tried yet (most untried first).
    pub assigned: Vec<AssignedProgress>,
    pub shelters: Vec<Opening>,
    pub evacuees: u32,
    pub free_places: u32,
}

/// One checker's share of the sweep.
#[derive(Clone, Debug, Serialize)]
pub struct AssignedProgress {
    pub checker: String,
    pub people: u32,
    pub confirmed: u32,
    pub untried: u32,
}

/// What one checking organisation has done in the sweep.
#[derive(Clone, Debug, Serialize)]
pub struct CheckerProgress {
    pub organisation: String,
    pub people: u32,
    pub attempts: u32,
}

pub async fn view(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<Headquarters, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let name = crate::organisations::name_of(app, m).await?;
    let names: std::collections::HashMap<uuid::Uuid, String> =
        crate::organisations::in_municipality(app, m)
            .await?
            .into_iter()
            .map(|o| (o.id.0, o.name))
            .collect();
    let w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    let rows = safety::statuses_with_places(&w.tx, actor, declaration).await?;
    let by = |key: &dyn Fn(&safety::SweepPlace) -> String| {
        tally(rows.iter().map(|r| (key(r), r.status))).0
    };
    let district = |d: &Option<String>| {
        d.as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .unwrap_or("（未設定）")
            .to_owned()
    };
    let community_districts = by(&|r| district(&r.community));
    let welfare_districts = by(&|r| district(&r.welfare));
    let (areas, total) = tally(rows.iter().map(|r| {
        (
            tsunagi_domain::progress::area_of(&r.address, &name),
            r.status,
        )
    }));
    let checkers = safety::by_checker(&w.tx, actor, declaration)
        .await?
        .into_iter()
        .map(|(organisation, people, attempts)| CheckerProgress {
            organisation,
            people,
            attempts,
        })
        .collect();
    let mut assigned: Vec<AssignedProgress> =
        safety::assigned_counts(&w.tx, actor, declaration, None)
            .await?
            .into_iter()
            .map(|l| AssignedProgress {
                checker: l
                    .checker
                    .and_then(|o| names.get(&o).cloned())
                    .unwrap_or_else(|| CheckerStep::MunicipalStaff.label().to_owned()),
                people: l.people,
                confirmed: l.confirmed,
                untried: l.untried,
            })
            .collect();
    assigned.sort_by(|a, b| b.untried.cmp(&a.untried).then(a.checker.cmp(&b.checker)));
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
        community_districts,
        welfare_districts,
        checkers,
        assigned,
        total,
        evacuees: shelters.iter().map(|o| o.present).sum(),
        free_places: shelters.iter().map(|o| o.free).sum(),
        shelters,
    })
}
