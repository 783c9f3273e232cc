//! Server-side login sessions, stored by the hash of their id.

use crate::entity::session;
use crate::error::StoreError;
use crate::{Store, now};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

impl Store {
    /// Inserts or replaces a session.
    pub async fn session_save(
        &self,
        id_hash: &str,
        data: String,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        session::Entity::insert(session::ActiveModel {
            id_hash: Set(id_hash.to_owned()),
            data: Set(data),
            expires_at: Set(expires_at),
        })
        .on_conflict(
            OnConflict::column(session::Column::IdHash)
                .update_columns([session::Column::Data, session::Column::ExpiresAt])
                .to_owned(),
        )
        .exec(self.conn())
        .await?;
        Ok(())
    }

    /// Inserts a new session; `false` if the id is taken.
    pub async fn session_create(
        &self,
        id_hash: &str,
        data: String,
        expires_at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let r = session::Entity::insert(session::ActiveModel {
            id_hash: Set(id_hash.to_owned()),
            data: Set(data),
            expires_at: Set(expires_at),
        })
        .exec(self.conn())
        .await;
        match r {
            Ok(_) => Ok(true),
            Err(e) => match StoreError::duplicate_as("session")(e) {
                StoreError::Duplicate(_) => Ok(false),
                other => Err(other),
            },
        }
    }

    /// A live session's data; expired sessions are not returned.
    pub async fn session_load(
        &self,
        id_hash: &str,
    ) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
        Ok(session::Entity::find_by_id(id_hash.to_owned())
            .one(self.conn())
            .await?
            .filter(|s| s.expires_at > now())
            .map(|s| (s.data, s.expires_at)))
    }

    pub async fn session_delete(&self, id_hash: &str) -> Result<(), StoreError> {
        session::Entity::delete_by_id(id_hash.to_owned())
            .exec(self.conn())
            .await?;
        Ok(())
    }

    /// Removes expired sessions; returns how many.
    pub async fn sessions_purge_expired(&self) -> Result<u64, StoreError> {
        Ok(session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(now()))
            .exec(self.conn())
            .await?
            .rows_affected)
    }
}
