//! Individual evacuation plans (個別避難計画): the plan page, versions and saving.

use tsunagi_domain::PersonId;
use tsunagi_domain::plan::EvacuationPlan;
use tsunagi_domain::triage::Approach;
use tsunagi_store::organisations::Organisation;
use tsunagi_store::{gis, meetings, persons, plans, workflows};

pub use tsunagi_store::plans::PlanVersion;

use crate::persons::{HomeGeography, PersonRecord};
use crate::workflows::Workflow;
use crate::{App, Context, Error, MeetingRecord};

/// Every version of the person's plan, newest first (a view, audited).
pub async fn history(app: &App, ctx: &Context, id: PersonId) -> Result<Vec<PlanVersion>, Error> {
    let mut w = app.begin(ctx).await?;
    let h = plans::history(&mut w.tx, ctx.actor()?, ctx.disaster(), id).await?;
    w.commit().await?;
    Ok(h)
}

/// The record and the plan's versions together (documents, the plan page after a conflict).
pub async fn record_and_history(
    app: &App,
    ctx: &Context,
    id: PersonId,
) -> Result<(PersonRecord, Vec<PlanVersion>), Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let record = persons::get(&mut w.tx, actor, ctx.disaster(), id).await?;
    let history = plans::history(&mut w.tx, actor, ctx.disaster(), id).await?;
    w.commit().await?;
    Ok((record, history))
}

/// Everything the plan page shows, read in one transaction.
#[derive(Clone, Debug)]
pub struct PlanPageData {
    pub record: PersonRecord,
    pub history: Vec<PlanVersion>,
    /// The home's geography (nearest shelters as destination choices), for roster persons.
    pub geography: Option<HomeGeography>,
    pub workflow: Option<Workflow>,
    /// Coordination meetings (調整会議), for approach イ.
    pub meetings: Vec<MeetingRecord>,
    /// The municipality's organisations (names in the history, assignment choices).
    pub organisations: Vec<Organisation>,
}

pub async fn page(app: &App, ctx: &Context, id: PersonId) -> Result<PlanPageData, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let record = persons::get(&mut w.tx, actor, ctx.disaster(), id).await?;
    let history = plans::history(&mut w.tx, actor, ctx.disaster(), id).await?;
    let geography = match &record.roster {
        Some(_) => Some(gis::views::of_person(&mut w.tx, actor, ctx.disaster(), id).await?),
        None => None,
    };
    let workflow = workflows::get(&mut w.tx, actor, ctx.disaster(), id).await?;
    let meetings = if workflow
        .as_ref()
        .is_some_and(|w| w.approach == Approach::Community)
    {
        meetings::list(&mut w.tx, actor, ctx.disaster(), id).await?
    } else {
        Vec::new()
    };
    w.commit().await?;
    let organisations = app.store.organisations_in(record.municipality_id).await?;
    Ok(PlanPageData {
        record,
        history,
        geography,
        workflow,
        meetings,
        organisations,
    })
}

/// Saves a new version from the version the writer started from (0 for the first).
pub async fn save(
    app: &App,
    ctx: &Context,
    id: PersonId,
    expected_version: i32,
    plan: EvacuationPlan,
) -> Result<PlanVersion, Error> {
    let actor = ctx.actor()?;
    let org = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let saved = plans::save(
        &mut w.tx,
        actor,
        ctx.disaster(),
        &org,
        id,
        expected_version,
        plan,
    )
    .await?;
    if saved.supporters_changed {
        w.changes.review(
            saved.owner,
            id,
            crate::consequences::Cause::SupportersChanged,
        );
    }
    w.commit().await?;
    Ok(saved.version)
}

/// Supporter capacity over the municipality's roster (its staff): people without a supporter,
/// supporters named in several plans.
pub async fn supporter_capacity(
    app: &App,
    ctx: &Context,
) -> Result<tsunagi_domain::supporters::SupporterCapacity, Error> {
    let mut w = app.begin(ctx).await?;
    let r = plans::supporter_capacity(&mut w.tx, ctx.actor()?).await?;
    w.commit().await?;
    Ok(r)
}
