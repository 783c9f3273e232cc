//! Enquiries about a person's safety (安否情報): the person's agreement per declaration and the
//! answers given. Recording the agreement and answering are the municipality's staff's, for
//! persons they may see; every answer is kept with who asked, how related, and what was said.

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use tsunagi_domain::PersonId;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::safety_info::{EnquirerRelation, EnquiryAnswer, SafetyInfoConsent};

use crate::access::Need;
use crate::audit::{AuditedTx, Entry};
use crate::certificates::staff_municipality;
use crate::entity::{safety_enquiry, safety_info_consent};
use crate::error::StoreError;
use crate::now;

/// Records (or replaces) a person's agreement for a declaration.
pub async fn set_consent(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    declaration: uuid::Uuid,
    person: PersonId,
    c: SafetyInfoConsent,
) -> Result<(), StoreError> {
    staff_municipality(actor)?;
    let (owner, grant) = crate::access::require(tx, actor, disaster, person, Need::See).await?;
    safety_info_consent::Entity::delete_many()
        .filter(safety_info_consent::Column::DeclarationId.eq(declaration))
        .filter(safety_info_consent::Column::PersonId.eq(person.0))
        .exec(tx.conn())
        .await?;
    safety_info_consent::Entity::insert(safety_info_consent::ActiveModel {
        declaration_id: Set(declaration),
        person_id: Set(person.0),
        relatives: Set(c.relatives),
        acquaintances: Set(c.acquaintances),
        others: Set(c.others),
        recorded_by: Set(actor.login.clone()),
        recorded_at: Set(now()),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::PersonUpdated, "person", person)
            .owner(owner)
            .basis(grant.basis)
            .detail(serde_json::json!({"safety_info_consent": c, "declaration": declaration})),
    );
    Ok(())
}

/// The person's agreement for a declaration, if recorded.
pub async fn consent_of(
    tx: &AuditedTx,
    declaration: uuid::Uuid,
    person: PersonId,
) -> Result<Option<SafetyInfoConsent>, StoreError> {
    Ok(
        safety_info_consent::Entity::find_by_id((declaration, person.0))
            .one(tx.conn())
            .await?
            .map(|c| SafetyInfoConsent {
                relatives: c.relatives,
                acquaintances: c.acquaintances,
                others: c.others,
            }),
    )
}

/// Keeps an answer given (the use case decided it with `safety_info::answer`).
pub async fn record_answer(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    declaration: uuid::Uuid,
    person: PersonId,
    (enquirer, relation): (&str, EnquirerRelation),
    a: &EnquiryAnswer,
) -> Result<(), StoreError> {
    staff_municipality(actor)?;
    let (owner, grant) = crate::access::require(tx, actor, disaster, person, Need::See).await?;
    safety_enquiry::Entity::insert(safety_enquiry::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        declaration_id: Set(declaration),
        person_id: Set(person.0),
        enquirer_name: Set(enquirer.to_owned()),
        relation: Set(relation.code().to_owned()),
        answered: Set(a.answered),
        answer: Set(a.text.clone()),
        answered_by: Set(actor.login.clone()),
        answered_at: Set(now()),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::PersonViewed, "person", person)
            .owner(owner)
            .basis(grant.basis)
            .detail(serde_json::json!({
                "safety_enquiry": {"declaration": declaration, "enquirer": enquirer,
                                   "relation": relation.code(), "answered": a.answered,
                                   "answer": a.text},
            })),
    );
    Ok(())
}
