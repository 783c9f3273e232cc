//! Per-user API tokens. The secret is shown once; only its SHA-256 is stored.

use crate::audit::{AuditedTx, Entry};
use crate::entity::api_token;
use crate::error::StoreError;
use crate::{Store, now};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::{MembershipId, UserId};
use uuid::Uuid;

#[derive(Clone, Debug, Serialize)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub membership_id: MembershipId,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<api_token::Model> for ApiToken {
    fn from(m: api_token::Model) -> Self {
        ApiToken {
            id: m.id,
            name: m.name,
            prefix: m.prefix,
            membership_id: m.membership_id.into(),
            created_at: m.created_at,
            last_used_at: m.last_used_at,
            revoked_at: m.revoked_at,
        }
    }
}

pub async fn create(
    tx: &mut AuditedTx,
    user_id: UserId,
    membership_id: MembershipId,
    name: &str,
    token_hash: String,
    prefix: String,
) -> Result<ApiToken, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(StoreError::Invalid(
            tsunagi_domain::ValidationErrors::single(
                "name",
                "トークンの名前を100文字以内で入力してください",
            ),
        ));
    }
    let m = api_token::Entity::insert(api_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id.0),
        membership_id: Set(membership_id.0),
        name: Set(name.to_owned()),
        token_hash: Set(token_hash),
        prefix: Set(prefix),
        created_at: Set(now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    })
    .exec_with_returning(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::TokenCreated, "api_token", m.id)
            .detail(serde_json::json!({"name": name})),
    );
    Ok(m.into())
}

/// Revokes one of the user's own tokens.
pub async fn revoke(tx: &mut AuditedTx, user_id: UserId, id: Uuid) -> Result<(), StoreError> {
    let r = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Some(now())))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::UserId.eq(user_id.0))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(tx.conn())
        .await?;
    if r.rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    tx.record(Entry::new(AuditAction::TokenRevoked, "api_token", id));
    Ok(())
}

impl Store {
    pub async fn tokens_of(&self, user_id: UserId) -> Result<Vec<ApiToken>, StoreError> {
        Ok(api_token::Entity::find()
            .filter(api_token::Column::UserId.eq(user_id.0))
            .order_by_desc(api_token::Column::CreatedAt)
            .all(self.conn())
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The live token with this hash, marking it used; `None` if unknown or revoked.
    pub async fn token_by_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<(UserId, MembershipId)>, StoreError> {
        let Some(t) = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(token_hash))
            .filter(api_token::Column::RevokedAt.is_null())
            .one(self.conn())
            .await?
        else {
            return Ok(None);
        };
        // "Last used" to the minute: a write per request would queue every API call behind
        // the one SQLite writer (a checker's phone at the peak of a disaster).
        let t0 = now();
        if t.last_used_at
            .is_none_or(|at| t0 - at >= chrono::Duration::minutes(1))
        {
            api_token::Entity::update_many()
                .col_expr(api_token::Column::LastUsedAt, Expr::value(Some(t0)))
                .filter(api_token::Column::Id.eq(t.id))
                .exec(self.conn())
                .await?;
        }
        Ok(Some((t.user_id.into(), t.membership_id.into())))
    }
}
