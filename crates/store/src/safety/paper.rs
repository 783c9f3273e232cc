//! Paper lists of a sweep (紙の安否確認名簿): a checker's people printed in row order before the
//! network goes, recorded as handed out (who, when, to whom, which people), numbered within the
//! declaration; their results are entered once, when the sheet comes back.

use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;

use crate::audit::{AuditedTx, Entry};
use crate::entity::safety_paper_list;
use crate::error::StoreError;
use crate::now;

/// A paper list as recorded.
#[derive(Clone, Debug, Serialize)]
pub struct PaperList {
    pub id: uuid::Uuid,
    pub declaration_id: uuid::Uuid,
    /// 名簿番号 within the declaration.
    pub number: i32,
    /// The checking organisation; `None`: the municipality's staff.
    pub checker: Option<uuid::Uuid>,
    /// The people in row order (row 1 first).
    pub persons: Vec<uuid::Uuid>,
    pub issued_by: String,
    pub issued_at: chrono::DateTime<chrono::Utc>,
    pub entered_by: Option<String>,
    pub entered_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl TryFrom<safety_paper_list::Model> for PaperList {
    type Error = StoreError;
    fn try_from(m: safety_paper_list::Model) -> Result<Self, StoreError> {
        Ok(PaperList {
            id: m.id,
            declaration_id: m.declaration_id,
            number: m.number,
            checker: m.checker_id,
            persons: serde_json::from_str(&m.persons)
                .map_err(|e| StoreError::Corrupt(format!("paper list persons: {e}")))?,
            issued_by: m.issued_by,
            issued_at: m.issued_at,
            entered_by: m.entered_by,
            entered_at: m.entered_at,
        })
    }
}

/// Records a paper list of a declaration's sweep handed out for `checker` with these people in
/// row order (the caller decided who may print it and read the people through the policy),
/// audited as an export naming every person.
pub async fn issue(
    tx: &mut AuditedTx,
    actor: &Actor,
    declaration: uuid::Uuid,
    checker: Option<OrganisationId>,
    persons: &[uuid::Uuid],
) -> Result<PaperList, StoreError> {
    let d = super::declaration_of(tx, actor, declaration).await?;
    let last: Option<i32> = safety_paper_list::Entity::find()
        .select_only()
        .column_as(safety_paper_list::Column::Number.max(), "n")
        .filter(safety_paper_list::Column::DeclarationId.eq(declaration))
        .into_tuple::<Option<i32>>()
        .one(tx.conn())
        .await?
        .flatten();
    let m = safety_paper_list::Model {
        id: uuid::Uuid::now_v7(),
        declaration_id: declaration,
        municipality_id: d.municipality_id,
        number: last.unwrap_or(0) + 1,
        checker_id: checker.map(|o| o.0),
        persons: serde_json::to_string(persons).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        issued_by: actor.login.clone(),
        issued_at: now(),
        entered_by: None,
        entered_at: None,
    };
    safety_paper_list::Entity::insert(safety_paper_list::ActiveModel {
        id: Set(m.id),
        declaration_id: Set(m.declaration_id),
        municipality_id: Set(m.municipality_id),
        number: Set(m.number),
        checker_id: Set(m.checker_id),
        persons: Set(m.persons.clone()),
        issued_by: Set(m.issued_by.clone()),
        issued_at: Set(m.issued_at),
        entered_by: Set(None),
        entered_at: Set(None),
    })
    .exec(tx.conn())
    .await
    .map_err(StoreError::duplicate_as("safety_paper_list"))?;
    tx.record(
        Entry::new(AuditAction::RosterExported, "safety_paper_list", m.id)
            .owner(OrganisationId(d.municipality_id))
            .detail(serde_json::json!({
                "paper_list": {"declaration": declaration, "number": m.number,
                               "checker": m.checker_id},
                "persons": persons,
            })),
    );
    PaperList::try_from(m)
}

/// A paper list of the actor's municipality (`NotFound` otherwise).
pub async fn get(tx: &AuditedTx, actor: &Actor, id: uuid::Uuid) -> Result<PaperList, StoreError> {
    let m = safety_paper_list::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    super::declaration_of(tx, actor, m.declaration_id).await?;
    PaperList::try_from(m)
}

/// The paper lists of a declaration, newest first.
pub async fn of_declaration(
    tx: &AuditedTx,
    actor: &Actor,
    declaration: uuid::Uuid,
) -> Result<Vec<PaperList>, StoreError> {
    super::declaration_of(tx, actor, declaration).await?;
    safety_paper_list::Entity::find()
        .filter(safety_paper_list::Column::DeclarationId.eq(declaration))
        .order_by_desc(safety_paper_list::Column::Number)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(PaperList::try_from)
        .collect()
}

/// Marks a paper list's results entered, once: a second entry is a conflict (the sheet was
/// entered already; corrections go through the person's own form).
pub async fn mark_entered(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
) -> Result<(), StoreError> {
    let done = safety_paper_list::Entity::update_many()
        .col_expr(
            safety_paper_list::Column::EnteredBy,
            sea_orm::sea_query::Expr::value(Some(actor.login.clone())),
        )
        .col_expr(
            safety_paper_list::Column::EnteredAt,
            sea_orm::sea_query::Expr::value(Some(now())),
        )
        .filter(safety_paper_list::Column::Id.eq(id))
        .filter(safety_paper_list::Column::EnteredAt.is_null())
        .exec(tx.conn())
        .await?;
    if done.rows_affected != 1 {
        return Err(StoreError::Conflict { current: 0 });
    }
    Ok(())
}
