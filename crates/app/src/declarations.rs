//! Disaster declarations (災害の宣言): list, declare, change the stage, close. Declaring opens
//! disaster-time provision (arts. 49-11(3), 49-15(3)) for the municipality at once — every
//! request's disaster state is read from the open declarations — and closing ends it at once.

use tsunagi_domain::declaration::{NewDeclaration, Stage};
use tsunagi_store::declarations;

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
    let mut w = app.begin(ctx).await?;
    let decl = declarations::declare(&mut w.tx, actor, d).await?;
    // Declaring opens the safety-check sweep over the whole roster (the area is the whole
    // municipality: the only area accepted yet).
    tsunagi_store::safety::open_sweep(&mut w.tx, decl.id, decl.municipality_id).await?;
    w.commit().await?;
    Ok(decl)
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
