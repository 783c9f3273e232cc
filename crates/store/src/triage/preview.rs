//! What a run of the whole roster would change, shown before it runs (nothing written).

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use tsunagi_domain::access::{AccessBasis, Actor};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::roster::RosterEntry;
use tsunagi_domain::triage::{Approach, Priority, triage};

use super::{corrupt, in_municipality, whole_roster};
use crate::audit::{AuditedTx, Entry};
use crate::entity::triage_result;
use crate::error::StoreError;

/// What a run of the whole roster would change, before it is run (nothing is written).
#[derive(Clone, Debug, Default, Serialize)]
pub struct TriagePreview {
    pub policy_version: u32,
    /// People on the roster.
    pub roster: usize,
    /// Never triaged: they get a first result.
    pub first_time: usize,
    /// Results staff changed by hand: kept as they are.
    pub kept_overrides: usize,
    /// Triaged before, and the priority would change.
    pub priority_changes: usize,
    /// Triaged before, and the approach would change.
    pub approach_changes: usize,
    /// Would wait for an answer (要確認) after the run.
    pub to_confirm: usize,
    /// A few of the changes in words: (name, before, after).
    pub examples: Vec<(String, String, String)>,
}

/// Computes what [`run`] would change for the actor's municipality (nothing is written; the
/// people named as examples are audited as shown).
pub async fn preview(tx: &mut AuditedTx, actor: &Actor) -> Result<TriagePreview, StoreError> {
    let (owner, p, entries) = whole_roster(tx, actor).await?;
    let stored: HashMap<uuid::Uuid, triage_result::Model> = triage_result::Entity::find()
        .filter(triage_result::Column::PersonId.in_subquery(in_municipality(owner)))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|r| (r.person_id, r))
        .collect();
    let mut out = TriagePreview {
        policy_version: p.version,
        roster: entries.len(),
        ..Default::default()
    };
    let mut changed_ids = Vec::new();
    for e in entries {
        let entry: RosterEntry = serde_json::from_str(&e.entry).map_err(corrupt)?;
        let r = triage(&entry.triage_input(), &p);
        match stored.get(&e.person_id) {
            Some(s) if s.override_reason.is_some() => out.kept_overrides += 1,
            Some(s) => {
                out.to_confirm += usize::from(r.needs_confirmation());
                let priority = s.priority != r.priority.code();
                let approach = s.approach != r.approach.code();
                out.priority_changes += usize::from(priority);
                out.approach_changes += usize::from(approach);
                if (priority || approach) && changed_ids.len() < 10 {
                    let word = |p: &str, a: &str| {
                        format!(
                            "{}／{}",
                            Priority::parse(p).map(Priority::label).unwrap_or(""),
                            Approach::parse(a).map(Approach::symbol).unwrap_or("")
                        )
                    };
                    changed_ids.push((
                        e.person_id,
                        word(&s.priority, &s.approach),
                        format!("{}／{}", r.priority.label(), r.approach.symbol()),
                    ));
                }
            }
            None => {
                out.first_time += 1;
                out.to_confirm += usize::from(r.needs_confirmation());
            }
        }
    }
    let ids: Vec<uuid::Uuid> = changed_ids.iter().map(|(id, _, _)| *id).collect();
    let names = crate::persons::members::by_ids(tx.conn(), &ids).await?;
    if !changed_ids.is_empty() {
        tx.record(
            Entry::new(AuditAction::PersonSearched, "roster", owner)
                .owner(owner)
                .basis(AccessBasis::Owner)
                .detail(serde_json::json!({
                    "triage_preview": true,
                    "shown": changed_ids.iter().map(|(id, _, _)| id.to_string()).collect::<Vec<_>>(),
                })),
        );
    }
    out.examples = changed_ids
        .into_iter()
        .map(|(id, before, after)| {
            let name = names.get(&id).map(|m| m.name.clone()).unwrap_or_default();
            (name, before, after)
        })
        .collect();
    Ok(out)
}
