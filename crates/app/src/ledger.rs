//! The victims' ledger (被災者台帳, 災害対策基本法 arts. 90-3, 90-4): one household under one
//! declaration, put together from the one person record — members from the resident record,
//! 要配慮者 and why from the roster, the safety check, the damage certificates — and the
//! ledger's own items (whereabouts, other damage, contact, support given). Provisions to
//! others are allowed by `ledger::may_disclose` and recorded; a receiver sees only the items
//! provided to it, and no ledger at all otherwise.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::ledger::{
    DisclosureFacts, DisclosureInput, LedgerBody, LedgerItem, Whereabouts, may_disclose,
};
use tsunagi_domain::person::Sex;
use tsunagi_domain::safety::SafetyStatus;
use tsunagi_domain::{HouseholdId, OrganisationId, PersonId};
use tsunagi_store::audit::Entry;
use tsunagi_store::{certificates, declarations, ledger, persons, roster, safety};

pub use tsunagi_store::ledger::{DisclosureRecord, Partner};

use crate::certificates::Application;
use crate::{App, Context, Error, day_jst};

/// One member as the ledger shows them; `None` where the viewer was not given the item.
#[derive(Clone, Debug, Serialize)]
pub struct Member {
    pub id: PersonId,
    pub name: Option<String>,
    pub name_kana: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub relationship: Option<String>,
    /// 住所 (registered).
    pub address: Option<String>,
    /// 居所 now (the newest whereabouts).
    pub whereabouts: Option<Whereabouts>,
    /// Checked in at a shelter of this disaster now: where and since when.
    pub shelter: Option<ShelterStay>,
    /// On the roster (要配慮者) and why.
    pub on_roster: Option<bool>,
    pub care_reasons: Vec<String>,
    pub safety: Option<SafetyStatus>,
}

/// A member's current shelter stay (from the shelters in operation).
#[derive(Clone, Debug, Serialize)]
pub struct ShelterStay {
    pub shelter: String,
    /// A 福祉避難所.
    pub welfare: bool,
    pub since: chrono::DateTime<chrono::Utc>,
}

/// A household's ledger under a declaration.
#[derive(Clone, Debug, Serialize)]
pub struct LedgerView {
    /// `None` until the ledger's own items are first written.
    pub ledger_id: Option<uuid::Uuid>,
    pub declaration_id: uuid::Uuid,
    pub declaration_name: String,
    pub household_id: HouseholdId,
    pub household_no: String,
    /// 0 until first written; saves name it.
    pub version: i32,
    pub members: Vec<Member>,
    pub body: LedgerBody,
    /// Applications, surveys and certificates (住家の被害).
    pub damage: Vec<Application>,
    /// To whom the ledger was provided (the owner's view only).
    pub disclosures: Vec<DisclosureRecord>,
    /// The items this viewer sees.
    pub items: Vec<LedgerItem>,
}

impl LedgerView {
    /// Keeps only `items` (a receiver's view): everything else is emptied, and what only the
    /// owner keeps (provisions made, notes) goes.
    fn redact(&mut self, items: &BTreeSet<LedgerItem>) {
        let has = |i: LedgerItem| items.contains(&i);
        for m in &mut self.members {
            if !has(LedgerItem::Identity) {
                m.name = None;
                m.name_kana = None;
                m.birth_date = None;
                m.sex = None;
                m.relationship = None;
            }
            if !has(LedgerItem::Whereabouts) {
                m.address = None;
                m.whereabouts = None;
                m.shelter = None;
                m.safety = None;
            }
            if !has(LedgerItem::CareNeeds) {
                m.on_roster = None;
                m.care_reasons.clear();
            }
        }
        let b = &mut self.body;
        if !has(LedgerItem::Whereabouts) {
            b.whereabouts.clear();
        }
        if !has(LedgerItem::Contact) {
            b.contact_phone = None;
            b.contact_note = None;
        }
        if !has(LedgerItem::OtherDamage) {
            b.harms.clear();
            b.livelihood_lost = false;
            b.other_damage = None;
        }
        if !has(LedgerItem::Support) {
            b.support.clear();
            b.applications.clear();
        }
        // Income, earner and the like are for the municipality's own assessment only.
        b.circumstances = Default::default();
        if !has(LedgerItem::DwellingDamage) {
            self.damage.clear();
        }
        b.notes = None;
        b.consent_to_provide_on = None;
        self.disclosures.clear();
        self.items = items.iter().copied().collect();
    }
}

/// Puts the ledger together (no audit: the caller records the view).
async fn assemble(
    w: &crate::work::Work<'_>,
    municipality: OrganisationId,
    declaration: &declarations::Declaration,
    household: HouseholdId,
) -> Result<LedgerView, Error> {
    let h = certificates::household_of(&w.tx, municipality, household).await?;
    let stored = ledger::find(&w.tx, municipality, declaration.id, household).await?;
    let members = persons::household_members(&w.tx, municipality, household).await?;
    let ids: Vec<uuid::Uuid> = members.iter().map(|p| p.id.0).collect();
    let entries: std::collections::HashMap<uuid::Uuid, tsunagi_domain::roster::RosterEntry> =
        roster::entries_of(&w.tx, &ids).await?.into_iter().collect();
    let statuses = safety::statuses_of(&w.tx, declaration.id, &ids).await?;
    let mut stays = tsunagi_store::shelter_stays::stays_of(&w.tx, declaration.id, &ids).await?;
    let body = stored.as_ref().map(|l| l.body.clone()).unwrap_or_default();
    let members = members
        .into_iter()
        .map(|p| {
            let entry = entries.get(&p.id.0);
            Member {
                whereabouts: body.current_place(p.id).cloned(),
                shelter: stays
                    .remove(&p.id.0)
                    .map(|(shelter, welfare, since)| ShelterStay {
                        shelter,
                        welfare,
                        since,
                    }),
                on_roster: Some(entry.is_some()),
                care_reasons: entry.map(|e| e.reasons()).unwrap_or_default(),
                safety: statuses.get(&p.id.0).copied(),
                id: p.id,
                name: Some(p.name),
                name_kana: Some(p.name_kana),
                birth_date: Some(p.birth_date),
                sex: Some(p.sex),
                relationship: p.relationship,
                address: Some(p.address),
            }
        })
        .collect();
    let disclosures = match &stored {
        Some(l) => ledger::disclosures_of(&w.tx, l.id).await?,
        None => Vec::new(),
    };
    Ok(LedgerView {
        ledger_id: stored.as_ref().map(|l| l.id),
        declaration_id: declaration.id,
        declaration_name: declaration.name.clone(),
        household_id: household,
        household_no: h.household_no,
        version: stored.as_ref().map_or(0, |l| l.version),
        members,
        body,
        damage: certificates::of_household(&w.tx, municipality, declaration.id, household).await?,
        disclosures,
        items: LedgerItem::ALL.to_vec(),
    })
}

fn viewed(v: &LedgerView, owner: OrganisationId, items: &[LedgerItem]) -> Entry {
    Entry::new(AuditAction::LedgerViewed, "household", v.household_id.0)
        .owner(owner)
        .detail(serde_json::json!({
            "declaration": v.declaration_id,
            "ledger": v.ledger_id,
            "persons": v.members.iter().map(|m| m.id.to_string()).collect::<Vec<_>>(),
            "items": items.iter().map(|i| i.code()).collect::<Vec<_>>(),
        }))
}

/// A household's ledger under a declaration, for the owning municipality's staff (audited
/// with every member shown).
pub async fn view(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    household: HouseholdId,
) -> Result<LedgerView, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let mut w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    let v = assemble(&w, m, &d, household).await?;
    w.tx.record(viewed(&v, m, LedgerItem::ALL));
    w.commit().await?;
    Ok(v)
}

/// A ledger by id: whole for the owning municipality's staff; for an organisation it was
/// provided to, only the items provided; for anyone else it does not exist.
pub async fn view_by_id(app: &App, ctx: &Context, id: uuid::Uuid) -> Result<LedgerView, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let stored = ledger::by_id(&w.tx, id).await?;
    let owner = stored.municipality_id;
    let staff = certificates::staff_municipality(actor).ok() == Some(owner);
    let items = if staff {
        LedgerItem::ALL.iter().copied().collect()
    } else {
        ledger::items_disclosed(&w.tx, id, actor.organisation_id).await?
    };
    if items.is_empty() {
        return Err(Error::NotFound);
    }
    let d = declarations::by_id(&w.tx, stored.declaration_id).await?;
    let mut v = assemble(&w, owner, &d, stored.household_id).await?;
    if !staff {
        v.redact(&items);
    }
    let shown: Vec<LedgerItem> = items.into_iter().collect();
    w.tx.record(viewed(&v, owner, &shown));
    w.commit().await?;
    Ok(v)
}

/// Writes the ledger's own items from the version read (0 for a new ledger).
pub async fn save(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    household: HouseholdId,
    expected_version: i32,
    body: LedgerBody,
) -> Result<LedgerView, Error> {
    edit(app, ctx, declaration, household, expected_version, |b| {
        *b = body;
        Ok(())
    })
    .await
}

/// Changes the ledger's own items as stored (a screen adds one whereabouts or one support
/// line), from the version the user saw, in one transaction: read, change, validate, save.
pub async fn edit(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    household: HouseholdId,
    expected_version: i32,
    change: impl FnOnce(&mut LedgerBody) -> Result<(), Error>,
) -> Result<LedgerView, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let mut w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    certificates::household_of(&w.tx, m, household).await?;
    let members: Vec<PersonId> = persons::household_members(&w.tx, m, household)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut body = ledger::find(&w.tx, m, declaration, household)
        .await?
        .map(|l| l.body)
        .unwrap_or_default();
    change(&mut body)?;
    let body = body
        .validate(&members, ctx.today(), day_jst(d.started_at))
        .map_err(Error::Invalid)?;
    ledger::save(
        &mut w.tx,
        actor,
        declaration,
        household,
        expected_version,
        &body,
    )
    .await?;
    let v = assemble(&w, m, &d, household).await?;
    w.commit().await?;
    Ok(v)
}

/// Provides a ledger's items to another body, when the basis allows it (art. 90-4).
pub async fn disclose(
    app: &App,
    ctx: &Context,
    ledger_id: uuid::Uuid,
    input: DisclosureInput,
) -> Result<DisclosureRecord, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let input = input.validate(ctx.today()).map_err(Error::Invalid)?;
    let mut w = app.begin(ctx).await?;
    let stored = ledger::by_id(&w.tx, ledger_id).await?;
    if stored.municipality_id != m {
        return Err(Error::NotFound);
    }
    let receiver = app
        .store
        .organisation(input.receiver)
        .await?
        .ok_or_else(|| Error::invalid("receiver", "提供先の団体が見つかりません"))?;
    let registered = ledger::partners(&w.tx, m)
        .await?
        .iter()
        .any(|p| p.organisation_id == receiver.id);
    let facts = DisclosureFacts {
        owner: m,
        receiver: receiver.id,
        receiver_kind: receiver.kind,
        receiver_registered: registered,
        consent_recorded: stored.body.consent_to_provide_on.is_some(),
    };
    may_disclose(input.basis, facts).map_err(|why| Error::invalid("basis", why))?;
    let d = ledger::disclose(&mut w.tx, actor, &stored, &input).await?;
    w.commit().await?;
    Ok(d)
}

/// The provisions made to the actor's organisation, newest first.
pub async fn disclosed_to_me(app: &App, ctx: &Context) -> Result<Vec<DisclosureRecord>, Error> {
    let actor = ctx.actor()?;
    let w = app.begin(ctx).await?;
    let l = ledger::disclosed_to(&w.tx, actor.organisation_id).await?;
    w.commit().await?;
    Ok(l)
}

/// Registers an organisation as a 被災者援護協力団体 of the actor's municipality.
pub async fn register_partner(
    app: &App,
    ctx: &Context,
    organisation: OrganisationId,
    registration_no: &str,
) -> Result<(), Error> {
    let mut w = app.begin(ctx).await?;
    ledger::register_partner(
        &mut w.tx,
        ctx.actor()?,
        organisation,
        registration_no,
        ctx.today(),
    )
    .await?;
    w.commit().await
}

pub async fn partners(app: &App, ctx: &Context) -> Result<Vec<Partner>, Error> {
    let m = certificates::staff_municipality(ctx.actor()?)?;
    let w = app.begin(ctx).await?;
    let p = ledger::partners(&w.tx, m).await?;
    w.commit().await?;
    Ok(p)
}

/// Every ledger of a declaration — households with a ledger written or a certificate
/// application — put together, for the exchange file (audited as an export naming the
/// households). A few queries per household: fine for the thousands of a disaster, to be
/// batched before a prefecture-wide export.
pub async fn export(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<Vec<LedgerView>, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let mut w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    let mut households: Vec<HouseholdId> = ledger::of_declaration(&w.tx, m, declaration)
        .await?
        .into_iter()
        .map(|l| l.household_id)
        .collect();
    for a in certificates::of_declaration(&w.tx, m, declaration).await? {
        if !households.contains(&a.household_id) {
            households.push(a.household_id);
        }
    }
    let mut out = Vec::with_capacity(households.len());
    for h in households {
        out.push(assemble(&w, m, &d, h).await?);
    }
    w.tx.record(
        Entry::new(AuditAction::RosterExported, "disaster", declaration)
            .owner(m)
            .detail(serde_json::json!({
                "ledger_export": declaration,
                "households": out.iter().map(|v| v.household_id.0).collect::<Vec<_>>(),
            })),
    );
    w.commit().await?;
    Ok(out)
}
