//! Coordination meetings (調整会議) of a person's plan.

use tsunagi_domain::PersonId;
use tsunagi_domain::meeting::CoordinationMeeting;
use tsunagi_store::meetings;

pub use tsunagi_store::meetings::MeetingRecord;

use crate::{App, Context, Error};

/// The person's meetings, newest first (a view, audited).
pub async fn list(app: &App, ctx: &Context, id: PersonId) -> Result<Vec<MeetingRecord>, Error> {
    let mut w = app.begin(ctx).await?;
    let list = meetings::list(&mut w.tx, ctx.actor()?, ctx.disaster(), id).await?;
    w.commit().await?;
    Ok(list)
}

/// Records a meeting held for the person (also a workflow event).
pub async fn record(
    app: &App,
    ctx: &Context,
    id: PersonId,
    meeting: CoordinationMeeting,
) -> Result<MeetingRecord, Error> {
    let actor = ctx.actor()?;
    let org = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let (r, owner) = meetings::record(
        &mut w.tx,
        actor,
        ctx.disaster(),
        &org,
        id,
        meeting,
        ctx.today(),
    )
    .await?;
    // The workflow's history shows the meeting (its 調整会議 step may now pass).
    let change = tsunagi_store::workflows::Change {
        actor,
        org_name: &org,
        id,
        owner,
    };
    let note = meetings::history_note(&r.meeting);
    tsunagi_store::workflows::event(&mut w.tx, change, "meeting", None, None, Some(note)).await?;
    w.commit().await?;
    Ok(r)
}
