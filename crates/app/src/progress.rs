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
