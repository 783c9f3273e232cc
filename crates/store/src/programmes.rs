//! The support-programme catalogue's stored part: the programmes a municipality added on screen
//! (`municipal_programmes`, kept as the catalogue's TOML text so one loader checks both) and
//! which acts apply to each declared disaster (`disaster_acts`). Checking a programme is the
//! eligibility crate's loader, asked by the use case before saving.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::circumstances::DisasterActs;

use crate::audit::{AuditedTx, Entry};
use crate::certificates::staff_municipality;
use crate::entity::{disaster_act, municipal_programme};
use crate::error::StoreError;
use crate::now;

/// A municipality's own programme as stored.
#[derive(Clone, Debug, Serialize)]
pub struct MunicipalProgramme {
    pub programme_id: String,
    /// The programme in the catalogue's TOML form.
    pub source: String,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// Every programme a municipality added, by id.
pub async fn of_municipality(
    tx: &AuditedTx,
    municipality: OrganisationId,
) -> Result<Vec<MunicipalProgramme>, StoreError> {
    Ok(municipal_programme::Entity::find()
        .filter(municipal_programme::Column::MunicipalityId.eq(municipality.0))
        .order_by_asc(municipal_programme::Column::ProgrammeId)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|m| MunicipalProgramme {
            programme_id: m.programme_id,
            source: m.source,
            updated_by: m.updated_by,
            updated_at: m.updated_at,
            version: m.version,
        })
        .collect())
}

/// Adds (from version 0) or replaces (from the version read) a municipality's programme; the
/// caller has checked the text. Audited with the text saved.
pub async fn save(
    tx: &mut AuditedTx,
    actor: &Actor,
    programme_id: &str,
    source: &str,
    expected_version: i32,
) -> Result<i32, StoreError> {
    let m = staff_municipality(actor)?;
    let t = now();
    let current = municipal_programme::Entity::find_by_id((m.0, programme_id.to_owned()))
        .one(tx.conn())
        .await?;
    let version = match current {
        None if expected_version == 0 => {
            municipal_programme::Entity::insert(municipal_programme::ActiveModel {
                municipality_id: Set(m.0),
                programme_id: Set(programme_id.to_owned()),
                source: Set(source.to_owned()),
                updated_by: Set(actor.login.clone()),
                updated_at: Set(t),
                version: Set(1),
            })
            .exec(tx.conn())
            .await
            .map_err(|e| match StoreError::duplicate_as("programme")(e) {
                StoreError::Duplicate(_) => StoreError::Conflict { current: 1 },
                other => other,
            })?;
            1
        }
        None => return Err(StoreError::Conflict { current: 0 }),
        Some(p) if p.version != expected_version => {
            return Err(StoreError::Conflict { current: p.version });
        }
        Some(_) => {
            let done = municipal_programme::Entity::update_many()
                .col_expr(municipal_programme::Column::Source, Expr::value(source))
                .col_expr(
                    municipal_programme::Column::UpdatedBy,
                    Expr::value(actor.login.clone()),
                )
                .col_expr(municipal_programme::Column::UpdatedAt, Expr::value(t))
                .col_expr(
                    municipal_programme::Column::Version,
                    Expr::value(expected_version + 1),
                )
                .filter(municipal_programme::Column::MunicipalityId.eq(m.0))
                .filter(municipal_programme::Column::ProgrammeId.eq(programme_id))
                .filter(municipal_programme::Column::Version.eq(expected_version))
                .exec(tx.conn())
                .await?;
            if done.rows_affected != 1 {
                return Err(StoreError::Conflict {
                    current: expected_version + 1,
                });
            }
            expected_version + 1
        }
    };
    tx.record(
        Entry::new(AuditAction::ProgrammeSaved, "municipal_programme", m)
            .owner(m)
            .detail(serde_json::json!({"programme": programme_id, "version": version, "source": source})),
    );
    Ok(version)
}

pub async fn acts_of(tx: &AuditedTx, declaration: uuid::Uuid) -> Result<DisasterActs, StoreError> {
    Ok(disaster_act::Entity::find_by_id(declaration)
        .one(tx.conn())
        .await?
        .map(|a| DisasterActs {
            support_act_applied: a.support_act_applied,
            relief_act_applied: a.relief_act_applied,
            condolence_act_applies: a.condolence_act_applies,
        })
        .unwrap_or_default())
}

/// Records which acts apply (the caller has checked the declaration is the actor's), audited.
pub async fn set_acts(
    tx: &mut AuditedTx,
    actor: &Actor,
    declaration: uuid::Uuid,
    acts: DisasterActs,
) -> Result<(), StoreError> {
    let m = staff_municipality(actor)?;
    disaster_act::Entity::delete_by_id(declaration)
        .exec(tx.conn())
        .await?;
    disaster_act::Entity::insert(disaster_act::ActiveModel {
        declaration_id: Set(declaration),
        support_act_applied: Set(acts.support_act_applied),
        relief_act_applied: Set(acts.relief_act_applied),
        condolence_act_applies: Set(acts.condolence_act_applies),
        updated_by: Set(actor.login.clone()),
        updated_at: Set(now()),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::SettingsUpdated, "disaster_acts", declaration)
            .owner(m)
            .detail(serde_json::to_value(acts).unwrap_or_default()),
    );
    Ok(())
}
