//! The issue categories a municipality adds beside the seven (issue 20 item 2): its staff keep
//! the list; visits may assess issues in them; the report counts them.

use tsunagi_store::{certificates, issue_categories};

use crate::{App, Context, Error};

/// The municipality's own categories (its staff).
pub async fn list(app: &App, ctx: &Context) -> Result<Vec<String>, Error> {
    let m = certificates::staff_municipality(ctx.actor()?)?;
    let w = app.begin(ctx).await?;
    let list = issue_categories::of_municipality(&w.tx, m).await?;
    w.commit().await?;
    Ok(list)
}

/// Replaces the municipality's own categories (its staff). Issues already recorded under a
/// category that is removed stay in their visits and in the report.
pub async fn set(app: &App, ctx: &Context, labels: Vec<String>) -> Result<Vec<String>, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let labels =
        tsunagi_domain::issue_category::added_categories(labels).map_err(Error::Invalid)?;
    let mut w = app.begin(ctx).await?;
    issue_categories::replace(&mut w.tx, actor, m, &labels).await?;
    w.commit().await?;
    Ok(labels)
}
