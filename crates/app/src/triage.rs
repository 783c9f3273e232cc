//! Priority and approach (優先度・進め方): the roster list with triage, runs, overrides and
//! the municipality's policy.

use std::collections::HashSet;

use tsunagi_domain::PersonId;
use tsunagi_domain::paging::Page;
use tsunagi_domain::triage::{Override, PriorityPolicy, TriageResult};
use tsunagi_store::triage;

pub use tsunagi_store::triage::{
    ExportLine, RosterFilter, RosterLine, StoredTriage, TriagePreview, TriageSummary,
};

use crate::{App, Context, Error};

/// The roster list as the actor may see it, filtered and paged.
pub async fn roster_list(
    app: &App,
    ctx: &Context,
    filter: &RosterFilter,
    page: Page,
) -> Result<(Vec<RosterLine>, u64), Error> {
    let mut w = app.begin(ctx).await?;
    let r = triage::roster_list(&mut w.tx, ctx.actor()?, ctx.disaster(), filter, page).await?;
    w.commit().await?;
    Ok(r)
}

/// How many roster persons the filter holds for the actor (a count for a home screen: nobody
/// is shown, so nothing is audited).
pub async fn roster_count(app: &App, ctx: &Context, filter: &RosterFilter) -> Result<u64, Error> {
    let w = app.begin(ctx).await?;
    let n = triage::roster_count(&w.tx, ctx.actor()?, ctx.disaster(), filter).await?;
    w.commit().await?;
    Ok(n)
}

/// The most people one export of the filtered roster holds.
pub const EXPORT_LIMIT: u64 = 20_000;

/// Everyone the filter holds, for a download of the filtered roster by the municipality's staff
/// (one read, audited as a search and as an export naming every person; receivers download
/// their own list, which is recorded as handed out). `Invalid` above [`EXPORT_LIMIT`].
pub async fn roster_export(
    app: &App,
    ctx: &Context,
    filter: &RosterFilter,
) -> Result<Vec<RosterLine>, Error> {
    let actor = ctx.actor()?;
    if !tsunagi_domain::access::can(actor, tsunagi_domain::access::Capability::CreatePerson) {
        return Err(Error::Forbidden);
    }
    let mut w = app.begin(ctx).await?;
    let all = Page {
        number: 1,
        size: EXPORT_LIMIT + 1,
    };
    let (lines, total) = triage::roster_list(&mut w.tx, actor, ctx.disaster(), filter, all).await?;
    if total > EXPORT_LIMIT {
        return Err(Error::Invalid(tsunagi_domain::ValidationErrors::single(
            "scope",
            format!(
                "{total}人が該当します。一度に出力できるのは{EXPORT_LIMIT}人までです。絞り込んでください"
            ),
        )));
    }
    w.tx.record(
        tsunagi_store::audit::Entry::new(
            tsunagi_domain::audit::AuditAction::RosterExported,
            "roster",
            "",
        )
        .listed_for(actor)
        .detail(serde_json::json!({
            "filtered": true,
            "persons": lines.iter().map(|l| l.person.id.to_string()).collect::<Vec<_>>(),
        })),
    );
    w.commit().await?;
    Ok(lines)
}

/// The roster screen: a page of the list, which of its persons cannot reach safety before the
/// tsunami (避難困難), and the policy version in force.
pub struct RosterScreen {
    pub lines: Vec<RosterLine>,
    pub total: u64,
    pub difficult: HashSet<uuid::Uuid>,
    pub policy_version: u32,
    /// The district names on the roster (the district filter's choices; staff only).
    pub districts: Vec<String>,
    /// The towns of a receiver's people (the town filter's choices; receivers only).
    pub towns: Vec<String>,
}

pub async fn roster_screen(
    app: &App,
    ctx: &Context,
    filter: &RosterFilter,
    page: Page,
) -> Result<RosterScreen, Error> {
    let (lines, total) = roster_list(app, ctx, filter, page).await?;
    let (difficult, policy_version) = match ctx.actor()?.municipality_id {
        Some(m) => (
            app.store.tsunami_difficult(m).await?,
            app.store.triage_policy(m).await?.version,
        ),
        None => (HashSet::new(), 0),
    };
    let w = app.begin(ctx).await?;
    let districts = tsunagi_store::roster::district_names(&w.tx, ctx.actor()?).await?;
    let towns = triage::towns(&w.tx, ctx.actor()?, ctx.disaster()).await?;
    w.commit().await?;
    Ok(RosterScreen {
        lines,
        total,
        difficult,
        policy_version,
        districts,
        towns,
    })
}

/// What triaging the whole roster would change (nothing written), for the confirmation.
pub async fn preview(app: &App, ctx: &Context) -> Result<TriagePreview, Error> {
    let mut w = app.begin(ctx).await?;
    let p = triage::preview(&mut w.tx, ctx.actor()?).await?;
    w.commit().await?;
    Ok(p)
}

/// Triages the actor's municipality's whole roster (staff overrides kept).
pub async fn run(app: &App, ctx: &Context) -> Result<TriageSummary, Error> {
    let mut w = app.begin(ctx).await?;
    let s = triage::run(&mut w.tx, ctx.actor()?).await?;
    w.commit().await?;
    Ok(s)
}

/// Triages the whole roster and returns every stored result (the command line).
pub async fn run_and_export(
    app: &App,
    ctx: &Context,
) -> Result<(TriageSummary, Vec<ExportLine>), Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let s = triage::run(&mut w.tx, actor).await?;
    let lines = triage::export(&mut w.tx, actor).await?;
    w.commit().await?;
    Ok((s, lines))
}

/// Staff change one person's result, with a reason.
pub async fn override_result(
    app: &App,
    ctx: &Context,
    id: PersonId,
    o: &Override,
) -> Result<TriageResult, Error> {
    let mut w = app.begin(ctx).await?;
    let r = triage::override_result(&mut w.tx, ctx.actor()?, ctx.disaster(), id, o).await?;
    w.commit().await?;
    Ok(r)
}

/// The policy of the actor's municipality (`Forbidden` outside one).
pub async fn policy(app: &App, ctx: &Context) -> Result<PriorityPolicy, Error> {
    let m = ctx.actor()?.municipality_id.ok_or(Error::Forbidden)?;
    Ok(app.store.triage_policy(m).await?)
}

/// Saves a new version of the policy.
pub async fn set_policy(
    app: &App,
    ctx: &Context,
    p: PriorityPolicy,
) -> Result<PriorityPolicy, Error> {
    let mut w = app.begin(ctx).await?;
    let saved = triage::set_policy(&mut w.tx, ctx.actor()?, p).await?;
    w.commit().await?;
    Ok(saved)
}
