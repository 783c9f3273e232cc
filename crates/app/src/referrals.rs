//! Connecting a household to support (支援へのつなぎ, issue 20 item 5): a referral is made from a
//! case by its owner or lead, shares only the items chosen on a named basis, and moves by steps:
//! the sender sends and records the outcome; the organisation referred to accepts or declines
//! and records the accompanied visit, in its own login, seeing only the items shared. Anyone
//! else: not found.

use serde::Serialize;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::case_management::IssueAssessment;
use tsunagi_domain::damage::DamageLevel;
use tsunagi_domain::referral::{ReferralInput, ReferralItem, ReferralStep, Side, next};
use tsunagi_store::audit::{AuditedTx, Entry};
use tsunagi_store::{cases, certificates, persons};

pub use tsunagi_store::referrals::StoredReferral;

use crate::cases::{Part, latest_assessment, part_in};
use crate::{App, Context, Error};

/// A member as a referral shows them (only with the identity item).
#[derive(Clone, Debug, Serialize)]
pub struct SharedMember {
    pub name: String,
    pub birth_date: chrono::NaiveDate,
}

/// A referral with what its viewer may see of the household.
#[derive(Clone, Debug, Serialize)]
pub struct ReferralView {
    #[serde(flatten)]
    pub referral: StoredReferral,
    /// The viewer's side: `sender` or `receiver`.
    pub side: &'static str,
    pub members: Option<Vec<SharedMember>>,
    pub address: Option<String>,
    pub damage: Option<Option<DamageLevel>>,
    pub issues: Option<Vec<IssueAssessment>>,
}

async fn side_of(
    tx: &AuditedTx,
    actor: &tsunagi_domain::access::Actor,
    r: &StoredReferral,
) -> Result<(Side, cases::StoredCase), Error> {
    let c = cases::find(tx, r.case_id).await?;
    match part_in(actor, &c) {
        Some(Part::Owner | Part::Lead) => Ok((Side::Sender, c)),
        None if actor.organisation_id == r.to_organisation_id
            && r.state != tsunagi_domain::referral::ReferralState::Proposed =>
        {
            Ok((Side::Receiver, c))
        }
        None => Err(Error::NotFound),
    }
}

async fn view_of(
    tx: &AuditedTx,
    r: StoredReferral,
    side: Side,
    c: &cases::StoredCase,
) -> Result<ReferralView, Error> {
    let has = |i: ReferralItem| side == Side::Sender || r.body.input.items.contains(&i);
    let m = c.municipality_id;
    let people = if has(ReferralItem::Identity) || has(ReferralItem::Contact) {
        persons::household_members(tx, m, c.household_id).await?
    } else {
        Vec::new()
    };
    let members = has(ReferralItem::Identity).then(|| {
        people
            .iter()
            .map(|p| SharedMember {
                name: p.name.clone(),
                birth_date: p.birth_date,
            })
            .collect()
    });
    let address = if has(ReferralItem::Contact) {
        people.first().map(|p| p.address.clone())
    } else {
        None
    };
    let damage = if has(ReferralItem::Damage) {
        let apps = certificates::of_household(tx, m, c.declaration_id, c.household_id).await?;
        Some(crate::eligibility::certified_level(&apps))
    } else {
        None
    };
    let issues = if has(ReferralItem::Issues) {
        let visits = cases::visits_of(tx, c.declaration_id, c.household_id).await?;
        Some(latest_assessment(&visits))
    } else {
        None
    };
    Ok(ReferralView {
        side: match side {
            Side::Sender => "sender",
            Side::Receiver => "receiver",
        },
        members,
        address,
        damage,
        issues,
        referral: r,
    })
}

/// Refers the case's household (its owner or lead); `send` sends it at once.
pub async fn refer(
    app: &App,
    ctx: &Context,
    case_id: uuid::Uuid,
    input: ReferralInput,
    send: bool,
) -> Result<ReferralView, Error> {
    let actor = ctx.actor()?;
    let input = input.validate(ctx.today()).map_err(Error::Invalid)?;
    app.store
        .organisation(input.to_organisation)
        .await?
        .ok_or_else(|| Error::invalid("to_organisation", "紹介先の団体が見つかりません"))?;
    let mut w = app.begin(ctx).await?;
    let c = cases::find(&w.tx, case_id).await?;
    part_in(actor, &c).ok_or(Error::NotFound)?;
    if c.closed {
        return Err(Error::invalid("case", "終結したケースです"));
    }
    if input.to_organisation == actor.organisation_id {
        return Err(Error::invalid(
            "to_organisation",
            "自分の団体には紹介できません",
        ));
    }
    let mut r =
        tsunagi_store::referrals::create(&mut w.tx, actor, c.owner_id, case_id, &input).await?;
    if send {
        let to = next(r.state, &ReferralStep::Send, Side::Sender)
            .map_err(|m| Error::invalid("step", m))?;
        r = tsunagi_store::referrals::step(
            &mut w.tx,
            actor,
            r.id,
            r.version,
            ReferralStep::Send,
            to,
        )
        .await?;
    }
    let v = view_of(&w.tx, r, Side::Sender, &c).await?;
    w.commit().await?;
    Ok(v)
}

/// Takes a step on a referral, from the version read (the side decides which steps).
pub async fn step(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
    step: ReferralStep,
) -> Result<ReferralView, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let r = tsunagi_store::referrals::find(&w.tx, id).await?;
    let (side, c) = side_of(&w.tx, actor, &r).await?;
    let to = next(r.state, &step, side).map_err(|m| Error::invalid("step", m))?;
    let r =
        tsunagi_store::referrals::step(&mut w.tx, actor, id, expected_version, step, to).await?;
    let v = view_of(&w.tx, r, side, &c).await?;
    w.commit().await?;
    Ok(v)
}

/// A referral as its viewer may see it (audited with the items shown).
pub async fn get(app: &App, ctx: &Context, id: uuid::Uuid) -> Result<ReferralView, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let r = tsunagi_store::referrals::find(&w.tx, id).await?;
    let (side, c) = side_of(&w.tx, actor, &r).await?;
    let v = view_of(&w.tx, r, side, &c).await?;
    w.tx.record(
        Entry::new(AuditAction::CaseViewed, "referral", id)
            .owner(c.owner_id)
            .detail(serde_json::json!({
                "case": c.id, "side": v.side,
                "items": v.referral.body.input.items.iter().map(|i| i.code()).collect::<Vec<_>>(),
            })),
    );
    w.commit().await?;
    Ok(v)
}

/// The referrals made to the actor's organisation (sent or later), newest first.
pub async fn to_us(app: &App, ctx: &Context) -> Result<Vec<StoredReferral>, Error> {
    let actor = ctx.actor()?;
    let w = app.begin(ctx).await?;
    let list = tsunagi_store::referrals::to_organisation(&w.tx, actor.organisation_id).await?;
    w.commit().await?;
    Ok(list)
}

/// A case's referrals (its owner or lead).
pub async fn of_case(
    app: &App,
    ctx: &Context,
    case_id: uuid::Uuid,
) -> Result<Vec<StoredReferral>, Error> {
    let actor = ctx.actor()?;
    let w = app.begin(ctx).await?;
    let c = cases::find(&w.tx, case_id).await?;
    part_in(actor, &c).ok_or(Error::NotFound)?;
    let list = tsunagi_store::referrals::of_case(&w.tx, case_id).await?;
    w.commit().await?;
    Ok(list)
}
