//! Enquiries about a person's safety (安否情報, art. 86-15): recording whom the person lets be
//! told, and answering an enquiry with only what that allows (`safety_info::answer`), every
//! answer recorded.

use tsunagi_domain::PersonId;
use tsunagi_domain::safety_info::{EnquirerRelation, EnquiryAnswer, SafetyInfoConsent, answer};
use tsunagi_store::{declarations, safety, safety_info, shelter_stays};

use crate::{App, Context, Error};

pub async fn set_consent(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    person: PersonId,
    consent: SafetyInfoConsent,
) -> Result<(), Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    declarations::load(&w.tx, actor, declaration).await?;
    safety_info::set_consent(
        &mut w.tx,
        actor,
        ctx.disaster(),
        declaration,
        person,
        consent,
    )
    .await?;
    w.commit().await
}

/// Answers an enquiry: what the person agreed for this enquirer, from the latest safety status
/// and shelter stay; recorded with the enquirer.
pub async fn answer_enquiry(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    person: PersonId,
    enquirer: &str,
    relation: EnquirerRelation,
) -> Result<EnquiryAnswer, Error> {
    let actor = ctx.actor()?;
    let enquirer = enquirer.trim();
    if enquirer.is_empty() || enquirer.chars().count() > 100 {
        return Err(Error::invalid(
            "enquirer",
            "照会者の氏名を100文字以内で入力してください",
        ));
    }
    let mut w = app.begin(ctx).await?;
    declarations::load(&w.tx, actor, declaration).await?;
    let consent = safety_info::consent_of(&w.tx, declaration, person).await?;
    let status = safety::statuses_of(&w.tx, declaration, &[person.0])
        .await?
        .remove(&person.0);
    let shelter = shelter_stays::stays_of(&w.tx, declaration, &[person.0])
        .await?
        .remove(&person.0)
        .map(|(name, _, _)| name);
    let a = answer(relation, consent, status, shelter.as_deref());
    safety_info::record_answer(
        &mut w.tx,
        actor,
        ctx.disaster(),
        declaration,
        person,
        (enquirer, relation),
        &a,
    )
    .await?;
    w.commit().await?;
    Ok(a)
}
