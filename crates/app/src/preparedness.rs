//! Training, briefings and drills (issue 16 item 8, the guide's STEP 1 and STEP 5): recorded by
//! the municipality's staff; a drill's finding about a person (by 宛名番号) marks their finished
//! plan for review (要見直し: 避難訓練での気づき) through the consequences, once per record.

use tsunagi_domain::preparedness::ActivityInput;
use tsunagi_store::certificates;
use tsunagi_store::preparedness;
pub use tsunagi_store::preparedness::StoredActivity;

use crate::consequences::Cause;
use crate::{App, Context, Error};

/// Records an activity (the municipality's staff); every finding must name a resident of the
/// municipality, or nothing is kept.
pub async fn record(
    app: &App,
    ctx: &Context,
    input: ActivityInput,
) -> Result<StoredActivity, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let input = input.validate(ctx.today()).map_err(Error::Invalid)?;
    let mut w = app.begin(ctx).await?;
    let numbers: Vec<String> = input
        .findings
        .iter()
        .map(|f| f.resident_no.clone())
        .collect();
    let found = tsunagi_store::persons::ids_by_resident_no(&w.tx, m, &numbers).await?;
    let missing: Vec<&str> = numbers
        .iter()
        .filter(|n| !found.contains_key(*n))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(Error::invalid(
            "findings",
            format!("宛名番号 {} の方が見つかりません", missing.join("、")),
        ));
    }
    let persons: Vec<_> = numbers
        .iter()
        .filter_map(|n| found.get(n).copied())
        .collect();
    let saved = preparedness::record(&mut w.tx, actor, m, &input, &persons).await?;
    for p in persons {
        w.changes.review(m, p, Cause::DrillFinding);
    }
    w.commit().await?;
    Ok(saved)
}

/// The municipality's training, briefings and drills, newest first (its staff).
pub async fn list(app: &App, ctx: &Context) -> Result<Vec<StoredActivity>, Error> {
    let m = certificates::staff_municipality(ctx.actor()?)?;
    let w = app.begin(ctx).await?;
    let list = preparedness::of_municipality(&w.tx, m).await?;
    w.commit().await?;
    Ok(list)
}
