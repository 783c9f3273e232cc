//! Answers to the questions the decision flow left open (要確認): whether the family can help
//! the person evacuate, whether the community can help make the plan. The district's 民生委員
//! or 自治会 — an organisation the person is shared with, answering in its own login — or the
//! owning municipality's staff answer; the entry records the fact and who said it.

use sea_orm::EntityTrait;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::{AuditAction, diff};
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::roster::HelpAnswer;
use tsunagi_domain::triage::Question;
use tsunagi_domain::{OrganisationId, PersonId, ValidationErrors};

use super::{decode, encode, json};
use crate::access::Need;
use crate::audit::{AuditedTx, Entry};
use crate::entity::roster_entry;
use crate::error::StoreError;

/// Records answers to questions that are waiting: each must be waiting (an answer already
/// given by someone else is refused, naming it). Audited `roster.help_confirmed` with the
/// changes and the note. Returns the owning municipality.
pub async fn answer(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
    answers: &[(Question, bool)],
    note: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<OrganisationId, StoreError> {
    let (owner, grant) = crate::access::require(tx, actor, disaster, id, Need::See).await?;
    if owner != actor.organisation_id && !Question::answered_by(actor.organisation_kind) {
        return Err(StoreError::Forbidden);
    }
    if answers.is_empty() {
        return Err(StoreError::Invalid(ValidationErrors::single(
            "answers",
            "回答を選んでください",
        )));
    }
    let waiting = crate::triage::result_of(tx.conn(), id)
        .await?
        .map(|s| s.result.to_confirm)
        .unwrap_or_default();
    if let Some((q, _)) = answers.iter().find(|(q, _)| !waiting.contains(q)) {
        return Err(StoreError::Invalid(ValidationErrors::single(
            "answers",
            format!(
                "「{}」は確認をお願いしている項目ではありません（回答済みか、確認の必要がなくなりました）",
                q.label()
            ),
        )));
    }
    let stored = roster_entry::Entity::find_by_id(id.0)
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    let before = decode(stored.person_id, &stored.entry)?;
    let by = crate::organisations::name_in(tx, actor.organisation_id).await?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    let mut entry = before.clone();
    for (question, yes) in answers {
        entry.answer(HelpAnswer {
            question: *question,
            yes: *yes,
            answered_by: by.clone(),
            answered_on: today,
            note: note.map(str::to_owned),
        });
    }
    let written = crate::db::bulk::update_versioned_text(
        tx.conn(),
        "roster_entries",
        "person_id",
        "entry",
        &[crate::db::bulk::VersionedText {
            key: id.0,
            version: stored.version,
            text: encode(&entry)?,
        }],
        crate::now(),
    )
    .await?;
    if written != 1 {
        return Err(StoreError::Conflict {
            current: stored.version,
        });
    }
    tx.record(
        Entry::new(AuditAction::HelpConfirmed, "person", id)
            .owner(owner)
            .basis(grant.basis)
            .detail(serde_json::json!({
                "answers": answers
                    .iter()
                    .map(|(q, yes)| serde_json::json!({"question": q.code(), "yes": yes}))
                    .collect::<Vec<_>>(),
                "note": note,
                "changes": diff(&json(&before), &json(&entry)),
            })),
    );
    Ok(owner)
}
