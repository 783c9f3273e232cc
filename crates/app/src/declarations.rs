//! Disaster declarations (災害の宣言): list, declare, change the stage, close. Declaring opens
//! disaster-time provision (arts. 49-11(3), 49-15(3)) for the municipality at once — every
//! request's disaster state is read from the open declarations — and closing ends it at once.

use std::collections::BTreeMap;

use serde::Serialize;
use tsunagi_domain::access::{Capability, can};
use tsunagi_domain::declaration::{AffectedArea, NewDeclaration, Place, Stage, ZoneHazard};
use tsunagi_domain::progress::area_of;
use tsunagi_store::{declarations, roster, safety};

pub use tsunagi_store::declarations::Declaration;

use crate::{App, Context, Error};

/// The declarations of the actor's municipality, open first.
pub async fn list(app: &App, ctx: &Context) -> Result<Vec<Declaration>, Error> {
    let actor = ctx.actor()?;
    let w = app.begin(ctx).await?;
    let l = declarations::list(&w.tx, actor).await?;
    w.commit().await?;
    Ok(l)
}

pub async fn declare(app: &App, ctx: &Context, d: NewDeclaration) -> Result<Declaration, Error> {
    let actor = ctx.actor()?;
    let d = d.validate(tsunagi_store::now()).map_err(Error::Invalid)?;
    let name = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let decl = declarations::declare(&mut w.tx, actor, d).await?;
    // Declaring opens the safety-check sweep over the people in the area.
    let people = in_area(&w.tx, &decl, &name).await?;
    let people = crate::safety::with_checkers(&w.tx, decl.municipality_id, people).await?;
    safety::open_sweep(&mut w.tx, decl.id, people).await?;
    w.commit().await?;
    Ok(decl)
}

/// Everyone on the municipality's roster in the declaration's area now, and, when the
/// declaration reaches beyond the roster, every resident of the area of its age on the day it
/// began. A resident who is not on the roster has no 自治会 or hazard classification: a
/// district or hazard-zone area holds only the roster's people.
pub(crate) async fn in_area(
    tx: &tsunagi_store::AuditedTx,
    decl: &Declaration,
    municipality_name: &str,
) -> Result<Vec<uuid::Uuid>, Error> {
    let mut people = on_roster_in_area(tx, decl, municipality_name).await?;
    if let Some(aged) = decl.residents_aged {
        let started = crate::context::day_jst(decl.started_at);
        let born_by = started
            .checked_sub_months(chrono::Months::new(aged.saturating_mul(12)))
            .unwrap_or(started);
        let none = tsunagi_domain::roster::RosterEntry::default();
        people.extend(
            tsunagi_store::persons::born_by(tx, decl.municipality_id, born_by)
                .await?
                .into_iter()
                .filter(|(_, address, birth)| {
                    tsunagi_domain::declaration::of_age(*birth, started, aged)
                        && decl.area.includes(Place {
                            town: &area_of(address, municipality_name),
                            entry: &none,
                        })
                })
                .map(|(id, _, _)| id),
        );
    }
    Ok(people)
}

async fn on_roster_in_area(
    tx: &tsunagi_store::AuditedTx,
    decl: &Declaration,
    municipality_name: &str,
) -> Result<Vec<uuid::Uuid>, Error> {
    if decl.area.is_whole() {
        return Ok(roster::persons_of(tx, decl.municipality_id).await?);
    }
    Ok(roster::places_of(tx, decl.municipality_id)
        .await?
        .into_iter()
        .filter(|(_, address, entry)| {
            decl.area.includes(Place {
                town: &area_of(address, municipality_name),
                entry,
            })
        })
        .map(|(id, _, _)| id)
        .collect())
}

/// Widens an open declaration's area (e.g. the flood reaches two more towns): the people in
/// the widened area who were not yet in the sweep join it as 未確認 and are reached at once;
/// nobody leaves it. Returns the declaration and how many joined.
pub async fn widen_area(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
    more: AffectedArea,
) -> Result<(Declaration, usize), Error> {
    let actor = ctx.actor()?;
    let more = more.validate().map_err(Error::Invalid)?;
    let name = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let decl = declarations::widen_area(&mut w.tx, actor, id, expected_version, more).await?;
    let already: std::collections::HashSet<uuid::Uuid> =
        safety::members(&w.tx, decl.id).await?.into_iter().collect();
    let people: Vec<uuid::Uuid> = in_area(&w.tx, &decl, &name)
        .await?
        .into_iter()
        .filter(|p| !already.contains(p))
        .collect();
    let people = crate::safety::with_checkers(&w.tx, decl.municipality_id, people).await?;
    let joined = safety::open_sweep(&mut w.tx, decl.id, people).await?.len();
    w.commit().await?;
    Ok((decl, joined))
}

/// How many people are in each declaration's area (its sweep).
pub async fn people_in_areas(
    app: &App,
    ctx: &Context,
    ids: &[uuid::Uuid],
) -> Result<std::collections::HashMap<uuid::Uuid, i64>, Error> {
    let w = app.begin(ctx).await?;
    let n = safety::sizes(&w.tx, ids).await?;
    w.commit().await?;
    Ok(n)
}

pub async fn change_stage(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
    to: Stage,
) -> Result<Declaration, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let decl = declarations::change_stage(&mut w.tx, actor, id, expected_version, to).await?;
    w.commit().await?;
    Ok(decl)
}

pub async fn close(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
) -> Result<Declaration, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let decl = declarations::close(&mut w.tx, actor, id, expected_version).await?;
    w.commit().await?;
    Ok(decl)
}

/// What an area may be made of in the municipality, each with how many people on the roster
/// it holds: the declaring form's choices. Counts only, no names.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AreaChoices {
    pub whole: usize,
    pub towns: Vec<(String, usize)>,
    pub community: Vec<(String, usize)>,
    pub welfare: Vec<(String, usize)>,
    pub hazards: Vec<(ZoneHazard, usize)>,
}

/// The declaring form's choices (those who may declare; `Forbidden` otherwise).
pub async fn area_choices(app: &App, ctx: &Context) -> Result<AreaChoices, Error> {
    let actor = ctx.actor()?;
    if !can(actor, Capability::DeclareDisaster) {
        return Err(Error::Forbidden);
    }
    let name = crate::organisations::name_of(app, actor.organisation_id).await?;
    let w = app.begin(ctx).await?;
    let places = roster::places_of(&w.tx, actor.organisation_id).await?;
    w.commit().await?;
    let count = |keys: Vec<Option<String>>| -> Vec<(String, usize)> {
        let mut m: BTreeMap<String, usize> = BTreeMap::new();
        for k in keys.into_iter().flatten() {
            let k = k.trim().to_owned();
            if !k.is_empty() {
                *m.entry(k).or_default() += 1;
            }
        }
        m.into_iter().collect()
    };
    Ok(AreaChoices {
        whole: places.len(),
        towns: count(
            places
                .iter()
                .map(|(_, a, _)| Some(area_of(a, &name)))
                .collect(),
        ),
        community: count(
            places
                .iter()
                .map(|(_, _, e)| e.community_district.clone())
                .collect(),
        ),
        welfare: count(
            places
                .iter()
                .map(|(_, _, e)| e.welfare_district.clone())
                .collect(),
        ),
        hazards: ZoneHazard::ALL
            .into_iter()
            .map(|h| {
                let n = places
                    .iter()
                    .filter(|(_, _, e)| h.present_in(&e.home_hazards))
                    .count();
                (h, n)
            })
            .collect(),
    })
}
