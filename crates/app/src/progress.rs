//! Progress of the roster and plans (進捗), for the municipality and per area.

use tsunagi_domain::progress::{Summary, summarise};
use tsunagi_store::progress;

use crate::{App, Context, Error};

pub async fn summary(app: &App, ctx: &Context) -> Result<Summary, Error> {
    let actor = ctx.actor()?;
    let name = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let rows = progress::rows(&mut w.tx, actor, &name, ctx.today()).await?;
    w.commit().await?;
    Ok(summarise(&rows))
}

/// The national survey's figures with the bases they were counted under.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SurveyView {
    pub survey: tsunagi_domain::survey::Survey,
    pub plan_status: tsunagi_domain::survey::PlanStatus,
    /// The basis in force for the roster and for plans (同意方式 when none is recorded), and
    /// the ordinance named with it.
    pub basis: tsunagi_domain::legal_basis::Provision,
    pub ordinance: Option<String>,
    /// The day the figures are as of (JST).
    pub as_of: chrono::NaiveDate,
}

/// The yearly 消防庁 survey's figures for the actor's municipality (its staff), per area and
/// per 自治会 district. Audited as a search, like the progress page.
pub async fn survey(app: &App, ctx: &Context) -> Result<SurveyView, Error> {
    let actor = ctx.actor()?;
    let name = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let rows = progress::rows(&mut w.tx, actor, &name, ctx.today()).await?;
    let newest = tsunagi_store::legal_bases::history(&w.tx, actor.organisation_id)
        .await?
        .into_iter()
        .next();
    w.commit().await?;
    let survey = tsunagi_domain::survey::survey(&rows);
    Ok(SurveyView {
        plan_status: survey.plan_status(),
        survey,
        basis: newest
            .as_ref()
            .map(|v| v.basis.provision)
            .unwrap_or_default(),
        ordinance: newest.and_then(|v| v.basis.ordinance),
        as_of: ctx.today(),
    })
}
