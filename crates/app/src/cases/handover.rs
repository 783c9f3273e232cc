//! Wide-area evacuees (広域避難者, issue 20 item 7): the owner's staff transfer a case to, or
//! share it with, another municipality or the prefecture, with the household's current
//! whereabouts from the ledger recorded. A transfer makes the receiving side the owner and
//! lead (it appoints its own lead after), and the sending side's view ends at once; a share
//! lets the receiving side work on the case beside the owner until the share ends. Both sides
//! find the handover in their audit logs.

use tsunagi_domain::OrganisationId;
use tsunagi_domain::case_management::{Handover, HandoverKind};
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_store::{cases, ledger, persons};

use super::{CaseView, Part, part_in, view_of};
use crate::{App, Context, Error};

/// The household's whereabouts now, from the ledger: 「山田 ハル: 都道府県外（福岡市…）」.
async fn whereabouts(
    tx: &tsunagi_store::audit::AuditedTx,
    c: &cases::StoredCase,
) -> Result<Option<String>, Error> {
    let Some(l) = ledger::find(tx, c.municipality_id, c.declaration_id, c.household_id).await?
    else {
        return Ok(None);
    };
    let people = persons::household_members(tx, c.municipality_id, c.household_id).await?;
    let lines: Vec<String> = people
        .iter()
        .filter_map(|p| {
            l.body.current_place(p.id).map(|w| {
                let place = w
                    .place
                    .as_deref()
                    .map(|s| format!("（{s}）"))
                    .unwrap_or_default();
                format!("{}: {}{place} {}から", p.name, w.kind.label(), w.since)
            })
        })
        .collect();
    Ok((!lines.is_empty()).then(|| lines.join("、")))
}

/// Transfers or shares a case (its owner's staff), or ends a share; from the version read.
pub async fn hand_over(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
    kind: HandoverKind,
    to: OrganisationId,
    reason: String,
) -> Result<CaseView, Error> {
    let actor = ctx.actor()?;
    let receiver = app
        .store
        .organisation(to)
        .await?
        .filter(|o| {
            matches!(
                o.kind,
                OrganisationKind::Municipality | OrganisationKind::Prefecture
            )
        })
        .ok_or_else(|| Error::invalid("to", "移管・共有先の市町村か都道府県を選んでください"))?;
    let mut w = app.begin(ctx).await?;
    let c = cases::find(&w.tx, id).await?;
    match part_in(actor, &c).ok_or(Error::NotFound)? {
        Part::Owner => {}
        Part::Lead => return Err(Error::Forbidden),
    }
    if c.version != expected_version {
        return Err(Error::Conflict { current: c.version });
    }
    let from_name = crate::organisations::name_of(app, c.owner_id).await?;
    let mut body = c.body.clone();
    body.hand_over(Handover {
        kind,
        from: c.owner_id,
        from_name,
        to,
        to_name: receiver.name,
        on: ctx.today(),
        by: actor.login.clone(),
        reason,
        whereabouts: whereabouts(&w.tx, &c).await?,
    })
    .map_err(Error::Invalid)?;
    let (owner, lead) = match kind {
        HandoverKind::Transfer => (to, to),
        _ => (c.owner_id, c.lead_organisation_id),
    };
    let saved = cases::save(
        &mut w.tx,
        actor,
        id,
        expected_version,
        owner,
        lead,
        &body,
        kind.code(),
    )
    .await?;
    let part = if kind == HandoverKind::Transfer {
        // The sending side sees what it did, once; after this it has no part.
        Part::Lead
    } else {
        Part::Owner
    };
    let v = view_of(&w.tx, saved, part).await?;
    w.commit().await?;
    Ok(v)
}
