//! How the sweep's people are spread over their checkers (安否確認の担当), for the
//! headquarters and for each checker's own progress.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use tsunagi_domain::access::Actor;
use tsunagi_domain::safety::SafetyStatus;

use crate::audit::AuditedTx;
use crate::entity::safety_check;
use crate::error::StoreError;

/// One checker's share of a sweep (counts only).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CheckerLoad {
    /// The checking organisation; `None`: the municipality's staff.
    pub checker: Option<uuid::Uuid>,
    /// People given to it.
    pub people: u32,
    /// Of them, how many someone has found out about (not 未確認 / 不在).
    pub confirmed: u32,
    /// Of them, how many are still unchecked (nobody has tried yet).
    pub untried: u32,
}

/// Each checker's load in a declaration's sweep, staff first then by checker id. With `only`,
/// that checker's alone.
pub async fn assigned_counts(
    tx: &AuditedTx,
    actor: &Actor,
    declaration: uuid::Uuid,
    only: Option<uuid::Uuid>,
) -> Result<Vec<CheckerLoad>, StoreError> {
    super::declaration_of(tx, actor, declaration).await?;
    let mut q = safety_check::Entity::find()
        .select_only()
        .column(safety_check::Column::CheckerId)
        .column(safety_check::Column::Status)
        .column_as(safety_check::Column::PersonId.count(), "n")
        .filter(safety_check::Column::DeclarationId.eq(declaration));
    if let Some(o) = only {
        q = q.filter(safety_check::Column::CheckerId.eq(o));
    }
    let rows: Vec<(Option<uuid::Uuid>, String, i64)> = q
        .group_by(safety_check::Column::CheckerId)
        .group_by(safety_check::Column::Status)
        .into_tuple()
        .all(tx.conn())
        .await?;
    let mut per: BTreeMap<Option<uuid::Uuid>, CheckerLoad> = BTreeMap::new();
    for (checker, status, n) in rows {
        let status = SafetyStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt("safety status".into()))?;
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        let e = per.entry(checker).or_insert_with(|| CheckerLoad {
            checker,
            ..CheckerLoad::default()
        });
        e.people += n;
        if status.is_confirmed() {
            e.confirmed += n;
        }
        if status == SafetyStatus::Unchecked {
            e.untried += n;
        }
    }
    Ok(per.into_values().collect())
}
