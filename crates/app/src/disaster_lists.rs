//! The full roster for fire and police (issue 18 item 2): while a declaration is open, the
//! fire department and the police of the municipality download everyone on its roster in the
//! declared area —
//! consented or not, including those who refused (49-11(3): to protect life in a disaster) —
//! as one list, and each hand-over is recorded as a receipt (受領記録) and audited on the basis
//! 災害時 with every person named. Closing the declaration ends it at once. Anyone else: not
//! found. The municipality's staff see the receipts.

use serde::Serialize;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_store::disaster_lists::{self, Receipt};
use tsunagi_store::{certificates, declarations};

use crate::receivers::ListLine;
use crate::{App, Context, Error};

/// The list handed over, with its receipt.
#[derive(Clone, Debug, Serialize)]
pub struct FullList {
    pub receipt: Receipt,
    pub declaration_name: String,
    pub lines: Vec<ListLine>,
}

/// The full roster for the actor's fire department or police, recorded as received.
pub async fn full_list(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<FullList, Error> {
    let actor = ctx.actor()?;
    if !matches!(
        actor.organisation_kind,
        OrganisationKind::FireDepartment | OrganisationKind::Police
    ) {
        return Err(Error::NotFound);
    }
    let mut w = app.begin(ctx).await?;
    let d = declarations::by_id(&w.tx, declaration).await?;
    if d.closed_at.is_some() || actor.municipality_id != Some(d.municipality_id) {
        return Err(Error::NotFound);
    }
    // The declared area's people: everyone on the roster, or those in the declared part.
    let only = if d.area.is_whole() {
        None
    } else {
        Some(
            tsunagi_store::safety::members(&w.tx, d.id)
                .await?
                .into_iter()
                .collect::<std::collections::HashSet<_>>(),
        )
    };
    let lines = disaster_lists::full_list(&w.tx, d.municipality_id, only.as_ref()).await?;
    let receipt =
        disaster_lists::record_receipt(&mut w.tx, actor, d.municipality_id, d.id, &lines).await?;
    w.commit().await?;
    Ok(FullList {
        receipt,
        declaration_name: d.name,
        lines,
    })
}

/// A receipt with the receiving organisation's name.
#[derive(Clone, Debug, Serialize)]
pub struct ReceiptLine {
    #[serde(flatten)]
    pub receipt: Receipt,
    pub organisation: String,
}

/// The receipts of a declaration (the municipality's staff), newest first.
pub async fn receipts(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<Vec<ReceiptLine>, Error> {
    let actor = ctx.actor()?;
    certificates::staff_municipality(actor)?;
    let names: std::collections::HashMap<_, _> = crate::organisations::all(app)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let w = app.begin(ctx).await?;
    declarations::load(&w.tx, actor, declaration).await?;
    let list = disaster_lists::receipts(&w.tx, declaration).await?;
    w.commit().await?;
    Ok(list
        .into_iter()
        .map(|r| ReceiptLine {
            organisation: names.get(&r.organisation_id).cloned().unwrap_or_default(),
            receipt: r,
        })
        .collect())
}
