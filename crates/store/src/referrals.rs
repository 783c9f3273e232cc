//! Referrals (`referrals`): created from a case, moved by steps from the version read, each
//! step kept with who took it. Who may take which step is the domain's `referral::next`, asked
//! by the use case; every write is audited here.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::Actor;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::referral::{ReferralInput, ReferralState, ReferralStep};

use crate::audit::{AuditedTx, Entry};
use crate::entity::referral;
use crate::error::StoreError;
use crate::now;

/// One step as taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralEvent {
    pub at: DateTime<Utc>,
    pub by: String,
    pub organisation_id: OrganisationId,
    #[serde(flatten)]
    pub step: ReferralStep,
    pub to: ReferralState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralBody {
    pub input: ReferralInput,
    #[serde(default)]
    pub history: Vec<ReferralEvent>,
}

/// A referral as stored.
#[derive(Clone, Debug, Serialize)]
pub struct StoredReferral {
    pub id: uuid::Uuid,
    pub municipality_id: OrganisationId,
    pub case_id: uuid::Uuid,
    pub to_organisation_id: OrganisationId,
    pub state: ReferralState,
    pub body: ReferralBody,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("referral {what}"))
}

fn of(m: referral::Model) -> Result<StoredReferral, StoreError> {
    Ok(StoredReferral {
        id: m.id,
        municipality_id: OrganisationId(m.municipality_id),
        case_id: m.case_id,
        to_organisation_id: OrganisationId(m.to_organisation_id),
        state: ReferralState::parse(&m.state).ok_or_else(|| corrupt("state"))?,
        body: serde_json::from_str(&m.body).map_err(|_| corrupt("body"))?,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Creates a referral (proposed) from a case (the caller checked the actor's part).
pub async fn create(
    tx: &mut AuditedTx,
    actor: &Actor,
    municipality: OrganisationId,
    case_id: uuid::Uuid,
    input: &ReferralInput,
) -> Result<StoredReferral, StoreError> {
    let id = uuid::Uuid::now_v7();
    let t = now();
    let body = ReferralBody {
        input: input.clone(),
        history: Vec::new(),
    };
    let json = serde_json::to_string(&body).map_err(|e| corrupt(&e.to_string()))?;
    referral::Entity::insert(referral::ActiveModel {
        id: Set(id),
        municipality_id: Set(municipality.0),
        case_id: Set(case_id),
        to_organisation_id: Set(input.to_organisation.0),
        state: Set(ReferralState::Proposed.code().to_owned()),
        body: Set(json),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::CaseUpdated, "referral", id)
            .owner(municipality)
            .detail(serde_json::json!({
                "case": case_id, "referred_to": input.to_organisation.0,
                "items": input.items.iter().map(|i| i.code()).collect::<Vec<_>>(),
                "basis": input.basis.code(), "by": actor.login,
            })),
    );
    find(tx, id).await
}

pub async fn find(tx: &AuditedTx, id: uuid::Uuid) -> Result<StoredReferral, StoreError> {
    referral::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)
        .and_then(of)
}

/// The referrals of these cases, oldest first (in chunks).
pub async fn of_cases(
    tx: &AuditedTx,
    cases: &[uuid::Uuid],
) -> Result<Vec<StoredReferral>, StoreError> {
    let mut out = Vec::new();
    for chunk in cases.chunks(500) {
        for m in referral::Entity::find()
            .filter(referral::Column::CaseId.is_in(chunk.to_vec()))
            .order_by_asc(referral::Column::CreatedAt)
            .all(tx.conn())
            .await?
        {
            out.push(of(m)?);
        }
    }
    Ok(out)
}

/// A case's referrals, oldest first.
pub async fn of_case(
    tx: &AuditedTx,
    case_id: uuid::Uuid,
) -> Result<Vec<StoredReferral>, StoreError> {
    referral::Entity::find()
        .filter(referral::Column::CaseId.eq(case_id))
        .order_by_asc(referral::Column::CreatedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(of)
        .collect()
}

/// The referrals made to an organisation, newest first (proposed ones are not yet sent: left out).
pub async fn to_organisation(
    tx: &AuditedTx,
    organisation: OrganisationId,
) -> Result<Vec<StoredReferral>, StoreError> {
    referral::Entity::find()
        .filter(referral::Column::ToOrganisationId.eq(organisation.0))
        .filter(referral::Column::State.ne(ReferralState::Proposed.code()))
        .order_by_desc(referral::Column::CreatedAt)
        .all(tx.conn())
        .await?
        .into_iter()
        .map(of)
        .collect()
}

/// Records a step from the version read (the caller decided the next state).
pub async fn step(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    expected_version: i32,
    step: ReferralStep,
    to: ReferralState,
) -> Result<StoredReferral, StoreError> {
    let current = find(tx, id).await?;
    if current.version != expected_version {
        return Err(StoreError::Conflict {
            current: current.version,
        });
    }
    let mut body = current.body.clone();
    let code = step.code();
    body.history.push(ReferralEvent {
        at: now(),
        by: actor.login.clone(),
        organisation_id: actor.organisation_id,
        step,
        to,
    });
    let json = serde_json::to_string(&body).map_err(|e| corrupt(&e.to_string()))?;
    let done = referral::Entity::update_many()
        .col_expr(referral::Column::State, Expr::value(to.code()))
        .col_expr(referral::Column::Body, Expr::value(json))
        .col_expr(referral::Column::Version, Expr::value(expected_version + 1))
        .col_expr(referral::Column::UpdatedAt, Expr::value(now()))
        .filter(referral::Column::Id.eq(id))
        .filter(referral::Column::Version.eq(expected_version))
        .exec(tx.conn())
        .await?;
    if done.rows_affected != 1 {
        return Err(StoreError::Conflict {
            current: expected_version + 1,
        });
    }
    tx.record(
        Entry::new(AuditAction::CaseUpdated, "referral", id)
            .owner(current.municipality_id)
            .detail(serde_json::json!({"step": code, "to": to.code(), "organisation": actor.organisation_id.0})),
    );
    find(tx, id).await
}
