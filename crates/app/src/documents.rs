//! What printed documents are made from: stored records read under the same policy as the
//! screens (the web layer turns them into PDFs).

use tsunagi_domain::PersonId;
use tsunagi_domain::access::AccessBasis;
use tsunagi_domain::workflow::Step;
use tsunagi_store::{persons, workflows};

use crate::persons::PersonRecord;
use crate::work::Work;
use crate::{App, Context, Error};

/// The owning municipality's records of `ids`, in order, for the approach-ア form pack. A
/// person the actor does not own is unknown here (`NotFound`).
pub async fn form_pack_records(
    app: &App,
    ctx: &Context,
    ids: &[PersonId],
) -> Result<Vec<PersonRecord>, Error> {
    let mut w = app.begin(ctx).await?;
    let records = owned_records(&mut w, ids).await?;
    w.commit().await?;
    Ok(records)
}

/// The records of everyone at the step 「同意書と計画様式を送付」, for the municipality's
/// merged form pack.
pub async fn send_forms_records(app: &App, ctx: &Context) -> Result<Vec<PersonRecord>, Error> {
    let mut w = app.begin(ctx).await?;
    let ids = workflows::at_step(&mut w.tx, ctx.actor()?, Step::SendForms).await?;
    let records = owned_records(&mut w, &ids).await?;
    w.commit().await?;
    Ok(records)
}

async fn owned_records(w: &mut Work<'_>, ids: &[PersonId]) -> Result<Vec<PersonRecord>, Error> {
    let (actor, disaster) = (w.ctx.actor()?, w.ctx.disaster());
    let mut records = Vec::with_capacity(ids.len());
    for id in ids {
        let record = persons::get(&mut w.tx, actor, disaster, *id).await?;
        if record.grant.basis != AccessBasis::Owner {
            return Err(Error::NotFound);
        }
        records.push(record);
    }
    Ok(records)
}
