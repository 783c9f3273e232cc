//! Receivers (提供先): who receives roster and plan data for which districts, and each
//! receiver's list (名簿).

use std::collections::HashSet;

use tsunagi_domain::OrganisationId;
use tsunagi_domain::receiver::{Receiver, ReceiverAgreement};
use tsunagi_store::receivers;
use tsunagi_store::receivers::agreements;

pub use tsunagi_store::issued_lists::{DepartedLine, IssuedListLine};
pub use tsunagi_store::receivers::agreements::StoredAgreement;
pub use tsunagi_store::receivers::{ApplyReport, ListLine, ReceiverLine, default_field};

use crate::consequences;
use crate::organisations::Organisation;
use crate::work::Work;
use crate::{App, Context, Error};

/// Brings one receiver's shares to exactly the roster persons its definition covers (none when
/// the definition was removed).
async fn apply_one(
    w: &mut Work<'_>,
    owner: OrganisationId,
    org: OrganisationId,
    def: Option<&Receiver>,
) -> Result<ApplyReport, Error> {
    let ids = tsunagi_store::roster::persons_of(&w.tx, owner).await?;
    let entries = tsunagi_store::roster::entries_of(&w.tx, &ids).await?;
    let covered: HashSet<uuid::Uuid> = match def {
        Some(d) => entries
            .iter()
            .filter(|(_, e)| d.covers(e))
            .map(|(id, _)| *id)
            .collect(),
        None => HashSet::new(),
    };
    let r = tsunagi_store::sharing::sync_receiver_shares(
        &mut w.tx,
        owner,
        org,
        def.map(tsunagi_store::sharing::ReceiverTerms::from)
            .unwrap_or_default(),
        &covered,
        None,
        &["receiver_defined"],
    )
    .await?;
    Ok(ApplyReport {
        added: r.added.len(),
        removed: r.removed.len(),
    })
}

/// The municipality's support-party organisations with their definitions.
pub async fn list(app: &App, ctx: &Context) -> Result<Vec<ReceiverLine>, Error> {
    let mut w = app.begin(ctx).await?;
    let lines = receivers::list(&mut w.tx, ctx.actor()?).await?;
    w.commit().await?;
    Ok(lines)
}

/// Sets (or with `None`, removes) an organisation's definition from the version the editor
/// started from, and applies it at once.
pub async fn set(
    app: &App,
    ctx: &Context,
    org: OrganisationId,
    def: Option<&Receiver>,
    expected_version: i32,
) -> Result<ApplyReport, Error> {
    let mut w = app.begin(ctx).await?;
    let owner = receivers::set(&mut w.tx, ctx.actor()?, org, def, expected_version).await?;
    let r = apply_one(&mut w, owner, org, def).await?;
    w.commit().await?;
    Ok(r)
}

/// Re-applies every definition of the actor's municipality.
pub async fn apply(app: &App, ctx: &Context) -> Result<ApplyReport, Error> {
    let owner = tsunagi_store::organisations::staff_municipality(ctx.actor()?)?;
    let mut w = app.begin(ctx).await?;
    let r = consequences::apply_receivers(&mut w.tx, owner, None, &["requested"]).await?;
    w.commit().await?;
    Ok(r)
}

/// The list a receiver may hold, for the owning municipality's staff or the receiver's own
/// members (audited as an export, with every person on it), recorded as handed out in
/// `format` (配布した名簿: its recall is tracked).
pub async fn receiver_list(
    app: &App,
    ctx: &Context,
    org: OrganisationId,
    format: &str,
) -> Result<(Organisation, Vec<ListLine>), Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let (target, lines) = receivers::receiver_list(&mut w.tx, actor, ctx.disaster(), org).await?;
    if let Some(owner) = target.municipality_id {
        let ids: Vec<uuid::Uuid> = lines.iter().map(|l| l.person.id.0).collect();
        tsunagi_store::issued_lists::record(&mut w.tx, actor, owner, org, format, &ids).await?;
    }
    w.commit().await?;
    Ok((target, lines))
}

/// The lists handed out to a receiver, with their state and who on them left the roster since.
pub async fn issued_lists(
    app: &App,
    ctx: &Context,
    org: OrganisationId,
) -> Result<(Organisation, Vec<IssuedListLine>), Error> {
    let mut w = app.begin(ctx).await?;
    let r = tsunagi_store::issued_lists::of_receiver(&mut w.tx, ctx.actor()?, org).await?;
    w.commit().await?;
    Ok(r)
}

/// How many copies handed out to a receiver need recall (a count, for its home).
pub async fn recall_needed(app: &App, ctx: &Context, org: OrganisationId) -> Result<usize, Error> {
    let mut w = app.begin(ctx).await?;
    let n = tsunagi_store::issued_lists::recall_needed(&mut w.tx, ctx.actor()?, org).await?;
    w.commit().await?;
    Ok(n)
}

/// Records that a handed-out list came back or was destroyed (回収・廃棄), once.
pub async fn recall_list(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    recall: tsunagi_domain::issued_list::Recall,
) -> Result<OrganisationId, Error> {
    let mut w = app.begin(ctx).await?;
    let org = tsunagi_store::issued_lists::recall(&mut w.tx, ctx.actor()?, id, recall, ctx.today())
        .await?;
    w.commit().await?;
    Ok(org)
}

/// The agreements (協定・誓約書) of the actor's municipality with its receivers, newest first.
pub async fn agreements(app: &App, ctx: &Context) -> Result<Vec<StoredAgreement>, Error> {
    let w = app.begin(ctx).await?;
    let a = agreements::of_municipality(&w.tx, ctx.actor()?).await?;
    w.commit().await?;
    Ok(a)
}

/// Records an agreement of a receiver (the municipality's staff). Where the municipality
/// requires one, the receiver's normal-time provision opens with it at once.
pub async fn add_agreement(
    app: &App,
    ctx: &Context,
    org: OrganisationId,
    a: ReceiverAgreement,
) -> Result<uuid::Uuid, Error> {
    let mut w = app.begin(ctx).await?;
    let id = agreements::add(&mut w.tx, ctx.actor()?, org, a, ctx.today()).await?;
    w.commit().await?;
    Ok(id)
}

/// Ends an agreement from today: where the municipality requires one, the receiver's
/// normal-time provision ends with it.
pub async fn end_agreement(app: &App, ctx: &Context, id: uuid::Uuid) -> Result<(), Error> {
    let mut w = app.begin(ctx).await?;
    agreements::end(&mut w.tx, ctx.actor()?, id, ctx.today()).await?;
    w.commit().await
}
