//! Shelters in operation (避難所の開設・運営) for a declared disaster: open and close, check
//! evacuees in and out (a transfer to a 福祉避難所 keeps their needs), each shelter's list, the
//! counts and free places for the headquarters. A check-in is a safety check: a person in the
//! sweep becomes 避難済み (避難所で確認), noting the shelter.

use tsunagi_domain::PersonId;
use tsunagi_domain::safety::{CheckAttempt, ContactMethod, SafetyStatus};
use tsunagi_domain::shelter_stay::{CheckInInput, OpeningInput};
use tsunagi_store::{declarations, safety, shelter_stays};

pub use tsunagi_store::shelter_stays::{Evacuee, Opening};

use crate::{App, Context, Error};

/// Opens a shelter for an open declaration of the actor's municipality.
pub async fn open(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    input: OpeningInput,
) -> Result<Opening, Error> {
    let actor = ctx.actor()?;
    let input = input.validate().map_err(Error::Invalid)?;
    let mut w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    if d.closed_at.is_some() {
        return Err(Error::invalid("declaration", "この災害は終了しています"));
    }
    let o = shelter_stays::open(
        &mut w.tx,
        actor,
        declaration,
        input.shelter_id,
        input.capacity,
    )
    .await?;
    w.commit().await?;
    Ok(o)
}

pub async fn close(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
) -> Result<Opening, Error> {
    let mut w = app.begin(ctx).await?;
    let o = shelter_stays::close(&mut w.tx, ctx.actor()?, id, expected_version).await?;
    w.commit().await?;
    Ok(o)
}

/// The declaration's shelters with present, free places and needs (the headquarters' view).
pub async fn list(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<Vec<Opening>, Error> {
    let actor = ctx.actor()?;
    let w = app.begin(ctx).await?;
    declarations::load(&w.tx, actor, declaration).await?;
    let l = shelter_stays::of_declaration(&w.tx, actor, declaration).await?;
    w.commit().await?;
    Ok(l)
}

/// One opening and the other openings of its declaration (for a transfer).
pub async fn with_siblings(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
) -> Result<(Opening, Vec<Opening>), Error> {
    let actor = ctx.actor()?;
    let w = app.begin(ctx).await?;
    let o = shelter_stays::get(&w.tx, actor, id).await?;
    let all = shelter_stays::of_declaration(&w.tx, actor, o.declaration_id).await?;
    w.commit().await?;
    Ok((o, all.into_iter().filter(|x| x.id != id).collect()))
}

/// Checks a person in; someone in the declaration's sweep is recorded 避難済み at once.
pub async fn check_in(
    app: &App,
    ctx: &Context,
    opening: uuid::Uuid,
    person: PersonId,
    input: CheckInInput,
) -> Result<Opening, Error> {
    let actor = ctx.actor()?;
    let input = input.validate().map_err(Error::Invalid)?;
    let org = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let o =
        shelter_stays::check_in(&mut w.tx, actor, ctx.disaster(), opening, person, &input).await?;
    let in_sweep = safety::statuses_of(&w.tx, o.declaration_id, &[person.0])
        .await?
        .contains_key(&person.0);
    if in_sweep {
        let attempt = CheckAttempt {
            status: SafetyStatus::Evacuated,
            method: ContactMethod::AtShelter,
            note: Some(format!("{} に入所", o.shelter_name)),
            key: uuid::Uuid::new_v4().simple().to_string(),
        }
        .validate()
        .map_err(Error::Invalid)?;
        safety::record(
            &mut w.tx,
            actor,
            &org,
            ctx.disaster(),
            o.declaration_id,
            person,
            &attempt,
        )
        .await?;
    }
    w.commit().await?;
    Ok(o)
}

/// Registers someone with no record yet and checks them in, in one transaction (the
/// municipality's staff at the shelter): the person's record is created from name, reading,
/// age (the birth date estimated, the stay's note says so), sex and the address if known, and
/// found later by the same search as everyone else. Returns the new person and the shelter.
pub async fn check_in_walk_in(
    app: &App,
    ctx: &Context,
    opening: uuid::Uuid,
    walk_in: tsunagi_domain::shelter_stay::WalkIn,
) -> Result<(PersonId, Opening), Error> {
    let actor = ctx.actor()?;
    // The shelter's staff are the municipality's: to anyone else the shelter does not exist.
    tsunagi_store::certificates::staff_municipality(actor)?;
    let details = walk_in
        .person_input(ctx.today())
        .map_err(Error::Invalid)?
        .validate(ctx.today())
        .map_err(Error::Invalid)?;
    let input = CheckInInput {
        needs: walk_in.check_in.needs.clone(),
        note: Some(walk_in.note()),
    }
    .validate()
    .map_err(Error::Invalid)?;
    let mut w = app.begin(ctx).await?;
    let created = tsunagi_store::persons::create(&mut w.tx, actor, ctx.disaster(), details).await?;
    let o = shelter_stays::check_in(
        &mut w.tx,
        actor,
        ctx.disaster(),
        opening,
        created.id,
        &input,
    )
    .await?;
    w.commit().await?;
    Ok((created.id, o))
}

/// Checks a person out, or transfers them to another open shelter (`to`).
pub async fn check_out(
    app: &App,
    ctx: &Context,
    opening: uuid::Uuid,
    person: PersonId,
    to: Option<uuid::Uuid>,
) -> Result<Opening, Error> {
    let mut w = app.begin(ctx).await?;
    let o = shelter_stays::check_out(&mut w.tx, ctx.actor()?, ctx.disaster(), opening, person, to)
        .await?;
    w.commit().await?;
    Ok(o)
}

/// The people at a shelter now (its staff's list).
pub async fn evacuees(
    app: &App,
    ctx: &Context,
    opening: uuid::Uuid,
) -> Result<Vec<Evacuee>, Error> {
    let mut w = app.begin(ctx).await?;
    let l = shelter_stays::evacuees(&mut w.tx, ctx.actor()?, opening).await?;
    w.commit().await?;
    Ok(l)
}
