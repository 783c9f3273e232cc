//! Disaster declarations (災害の宣言): declared, moved between stages and closed by the
//! municipality's disaster-management staff and administrators, each change audited. The open
//! ones decide every request's disaster state (`app::disaster::current`).

use crate::audit::{AuditedTx, Entry};
use crate::entity::disaster_declaration;
use crate::error::StoreError;
use crate::now;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::declaration::{AffectedArea, DisasterKind, NewDeclaration, Stage, State};
use tsunagi_domain::{OrganisationId, ValidationErrors};

/// A declaration as stored.
#[derive(Clone, Debug, Serialize)]
pub struct Declaration {
    pub id: uuid::Uuid,
    pub municipality_id: OrganisationId,
    pub name: String,
    pub kind: DisasterKind,
    pub stage: Stage,
    pub area: AffectedArea,
    pub started_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub declared_by: String,
    pub version: i32,
    /// The sweep also reaches residents of the area aged at least this.
    pub residents_aged: Option<u32>,
}

impl Declaration {
    pub fn state(&self) -> State {
        match self.closed_at {
            None => State::Open(self.stage),
            Some(at) => State::Closed {
                at,
                last: self.stage,
            },
        }
    }
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("declaration {what}"))
}

fn of(m: disaster_declaration::Model) -> Result<Declaration, StoreError> {
    Ok(Declaration {
        id: m.id,
        municipality_id: OrganisationId(m.municipality_id),
        name: m.name,
        kind: DisasterKind::parse(&m.kind).ok_or_else(|| corrupt("kind"))?,
        stage: Stage::parse(&m.stage).ok_or_else(|| corrupt("stage"))?,
        area: serde_json::from_str(&m.area).map_err(|_| corrupt("area"))?,
        residents_aged: m.residents_aged.and_then(|a| u32::try_from(a).ok()),
        started_at: m.started_at,
        closed_at: m.closed_at,
        declared_by: m.declared_by,
        version: m.version,
    })
}

/// The municipality the actor works in (itself for a municipality).
fn municipality_of(actor: &Actor) -> OrganisationId {
    actor.municipality_id.unwrap_or(actor.organisation_id)
}

/// Declaring, changing and closing: the municipality's disaster-management staff and its
/// administrators.
fn may_declare(actor: &Actor) -> Result<OrganisationId, StoreError> {
    if tsunagi_domain::access::can(actor, tsunagi_domain::access::Capability::DeclareDisaster) {
        Ok(actor.organisation_id)
    } else {
        Err(StoreError::Forbidden)
    }
}

/// The open declarations: (municipality, declaration id).
pub(crate) async fn open_declarations(
    conn: &impl ConnectionTrait,
) -> Result<Vec<(OrganisationId, uuid::Uuid)>, StoreError> {
    let rows: Vec<(uuid::Uuid, uuid::Uuid)> = disaster_declaration::Entity::find()
        .select_only()
        .column(disaster_declaration::Column::MunicipalityId)
        .column(disaster_declaration::Column::Id)
        .filter(disaster_declaration::Column::ClosedAt.is_null())
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(m, id)| (OrganisationId(m), id))
        .collect())
}

/// An open declaration as the disaster state needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenDeclaration {
    pub municipality: OrganisationId,
    pub id: uuid::Uuid,
    /// Over the whole municipality, or a part (town, district, hazard zones).
    pub whole: bool,
}

impl crate::Store {
    /// The open declarations, (municipality, declaration id).
    pub async fn open_declarations(&self) -> Result<Vec<(OrganisationId, uuid::Uuid)>, StoreError> {
        open_declarations(self.conn()).await
    }

    /// The open declarations with the form of their area: the disaster state of every
    /// request, and what its disaster-time audit entries name.
    pub async fn open_declaration_areas(&self) -> Result<Vec<OpenDeclaration>, StoreError> {
        let rows: Vec<(uuid::Uuid, uuid::Uuid, String)> = disaster_declaration::Entity::find()
            .select_only()
            .column(disaster_declaration::Column::MunicipalityId)
            .column(disaster_declaration::Column::Id)
            .column(disaster_declaration::Column::Area)
            .filter(disaster_declaration::Column::ClosedAt.is_null())
            .into_tuple()
            .all(self.conn())
            .await?;
        rows.into_iter()
            .map(|(m, id, area)| {
                let area: AffectedArea =
                    serde_json::from_str(&area).map_err(|_| corrupt("area"))?;
                Ok(OpenDeclaration {
                    municipality: OrganisationId(m),
                    id,
                    whole: area.is_whole(),
                })
            })
            .collect()
    }
}

/// The declarations of the actor's municipality, open first, newest first. Not personal data:
/// every organisation working in the municipality sees them.
pub async fn list(tx: &AuditedTx, actor: &Actor) -> Result<Vec<Declaration>, StoreError> {
    let mut all = disaster_declaration::Entity::find()
        .filter(disaster_declaration::Column::MunicipalityId.eq(municipality_of(actor).0))
        .order_by_desc(disaster_declaration::Column::StartedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(of)
        .collect::<Result<Vec<_>, _>>()?;
    all.sort_by_key(|d| d.closed_at.is_some());
    Ok(all)
}

/// The open declarations of a municipality (for the consequences of a roster change: the
/// people it brings into an area join the sweep).
pub async fn open_of(
    tx: &AuditedTx,
    municipality: OrganisationId,
) -> Result<Vec<Declaration>, StoreError> {
    disaster_declaration::Entity::find()
        .filter(disaster_declaration::Column::MunicipalityId.eq(municipality.0))
        .filter(disaster_declaration::Column::ClosedAt.is_null())
        .all(tx.conn())
        .await?
        .into_iter()
        .map(of)
        .collect()
}

/// A declaration by id, whoever's (the caller has checked the actor's right to what it
/// belongs to).
pub async fn by_id(tx: &AuditedTx, id: uuid::Uuid) -> Result<Declaration, StoreError> {
    disaster_declaration::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)
        .and_then(of)
}

/// A declaration of the actor's municipality (`NotFound` for any other).
pub async fn load(
    tx: &AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
) -> Result<Declaration, StoreError> {
    let m = disaster_declaration::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    if m.municipality_id != municipality_of(actor).0 {
        return Err(StoreError::NotFound);
    }
    of(m)
}

fn refused(e: tsunagi_domain::declaration::Refused) -> StoreError {
    StoreError::Invalid(ValidationErrors::single("state", e.to_string()))
}

/// Declares a disaster (already validated).
pub async fn declare(
    tx: &mut AuditedTx,
    actor: &Actor,
    d: NewDeclaration,
) -> Result<Declaration, StoreError> {
    let municipality = may_declare(actor)?;
    let t = now();
    let id = uuid::Uuid::now_v7();
    let started_at = d.started_at.unwrap_or(t);
    disaster_declaration::Entity::insert(disaster_declaration::ActiveModel {
        id: Set(id),
        municipality_id: Set(municipality.0),
        name: Set(d.name.clone()),
        kind: Set(d.kind.code().to_owned()),
        stage: Set(d.stage.code().to_owned()),
        area: Set(serde_json::to_string(&d.area).map_err(|e| StoreError::Corrupt(e.to_string()))?),
        started_at: Set(started_at),
        closed_at: Set(None),
        declared_by: Set(actor.login.clone()),
        version: Set(1),
        updated_at: Set(t),
        residents_aged: Set(d.residents_aged.and_then(|a| i32::try_from(a).ok())),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::DisasterDeclared, "disaster", id)
            .owner(municipality)
            .detail(serde_json::json!({
                "name": d.name, "kind": d.kind.code(), "stage": d.stage.code(),
                "area": d.area, "started_at": started_at, "residents_aged": d.residents_aged,
            })),
    );
    load(tx, actor, id).await
}

/// Applies a state change from the version the user saw.
async fn change(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    expected_version: i32,
    next: impl FnOnce(&Declaration) -> Result<(State, AffectedArea), StoreError>,
) -> Result<(Declaration, Declaration), StoreError> {
    may_declare(actor)?;
    let before = load(tx, actor, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict {
            current: before.version,
        });
    }
    let (state, area) = next(&before)?;
    let (stage, closed_at) = match state {
        State::Open(s) => (s, None),
        State::Closed { at, last } => (last, Some(at)),
    };
    let area = serde_json::to_string(&area).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let done = disaster_declaration::Entity::update_many()
        .col_expr(
            disaster_declaration::Column::Stage,
            Expr::value(stage.code()),
        )
        .col_expr(
            disaster_declaration::Column::ClosedAt,
            Expr::value(closed_at),
        )
        .col_expr(disaster_declaration::Column::Area, Expr::value(area))
        .col_expr(
            disaster_declaration::Column::Version,
            Expr::value(expected_version + 1),
        )
        .col_expr(disaster_declaration::Column::UpdatedAt, Expr::value(now()))
        .filter(disaster_declaration::Column::Id.eq(id))
        .filter(disaster_declaration::Column::Version.eq(expected_version))
        .exec(tx.conn())
        .await?;
    if done.rows_affected != 1 {
        return Err(StoreError::Conflict {
            current: expected_version + 1,
        });
    }
    let after = load(tx, actor, id).await?;
    Ok((before, after))
}

/// Moves an open declaration to another stage.
pub async fn change_stage(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    expected_version: i32,
    to: Stage,
) -> Result<Declaration, StoreError> {
    let (before, after) = change(tx, actor, id, expected_version, |d| {
        Ok((d.state().change_stage(to).map_err(refused)?, d.area.clone()))
    })
    .await?;
    tx.record(
        Entry::new(AuditAction::DisasterStageChanged, "disaster", id)
            .owner(after.municipality_id)
            .detail(serde_json::json!({"from": before.stage.code(), "to": after.stage.code()})),
    );
    Ok(after)
}

/// Closes an open declaration now: disaster-time provision ends at once.
pub async fn close(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    expected_version: i32,
) -> Result<Declaration, StoreError> {
    let at = now();
    let (_, after) = change(tx, actor, id, expected_version, |d| {
        Ok((
            d.state().close(at, d.started_at).map_err(refused)?,
            d.area.clone(),
        ))
    })
    .await?;
    tx.record(
        Entry::new(AuditAction::DisasterClosed, "disaster", id)
            .owner(after.municipality_id)
            .detail(serde_json::json!({"closed_at": at, "last_stage": after.stage.code()})),
    );
    Ok(after)
}

/// Widens an open declaration's area by `more` (validated): the area becomes both. The
/// caller adds the people of the widened area to the sweep. Refused when the two are of
/// different forms (a town list and hazard zones): such a disaster is declared anew.
pub async fn widen_area(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    expected_version: i32,
    more: AffectedArea,
) -> Result<Declaration, StoreError> {
    let (before, after) = change(tx, actor, id, expected_version, |d| {
        let state = d.state();
        if !state.is_open() {
            return Err(refused(tsunagi_domain::declaration::Refused::AlreadyClosed));
        }
        let wide = d.area.widened_by(&more).ok_or_else(|| {
            StoreError::Invalid(ValidationErrors::single(
                "area",
                "区域の種類が違います（町丁目・地区・ハザード区域を混ぜることはできません）。別の災害として宣言してください",
            ))
        })?;
        Ok((state, wide))
    })
    .await?;
    tx.record(
        Entry::new(AuditAction::DisasterAreaWidened, "disaster", id)
            .owner(after.municipality_id)
            .detail(serde_json::json!({"from": before.area, "to": after.area})),
    );
    Ok(after)
}
