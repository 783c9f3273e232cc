//! Organisations. The directory (names and kinds) is not personal data: every user may read it.

use crate::audit::{AuditedTx, Entry};
use crate::entity::organisation;
use crate::error::StoreError;
use crate::{Store, now};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::{Actor, Capability, can};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::municipality::MunicipalityCode;
use tsunagi_domain::organisation::OrganisationKind;

/// The municipality the actor works for as its own staff (who may manage its roster, receivers,
/// maps and shelters); anyone else is refused.
pub fn staff_municipality(actor: &Actor) -> Result<OrganisationId, StoreError> {
    if can(actor, Capability::CreatePerson) {
        Ok(actor.organisation_id)
    } else {
        Err(StoreError::Forbidden)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
    pub kind: OrganisationKind,
    pub local_gov_code: Option<String>,
    pub municipality_id: Option<OrganisationId>,
}

impl TryFrom<organisation::Model> for Organisation {
    type Error = StoreError;
    fn try_from(m: organisation::Model) -> Result<Self, StoreError> {
        Ok(Organisation {
            id: m.id.into(),
            kind: m.kind.parse().map_err(StoreError::Corrupt)?,
            name: m.name,
            local_gov_code: m.local_gov_code,
            municipality_id: m.municipality_id.map(Into::into),
        })
    }
}

/// What is needed to register an organisation.
#[derive(Clone, Debug)]
pub struct NewOrganisation {
    pub name: String,
    pub kind: OrganisationKind,
    pub local_gov_code: Option<MunicipalityCode>,
    /// The municipality it works in; ignored for a municipality (which is its own).
    pub municipality_id: Option<OrganisationId>,
}

pub async fn create(tx: &mut AuditedTx, new: NewOrganisation) -> Result<Organisation, StoreError> {
    let name = new.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(StoreError::Invalid(
            tsunagi_domain::ValidationErrors::single(
                "name",
                "組織名を200文字以内で入力してください",
            ),
        ));
    }
    let id = OrganisationId::new_v7();
    let municipality_id = if new.kind == OrganisationKind::Municipality {
        Some(id)
    } else {
        new.municipality_id
    };
    if let Some(m) = municipality_id.filter(|m| *m != id) {
        let parent = get(tx.conn(), m).await?.ok_or(StoreError::NotFound)?;
        if parent.kind != OrganisationKind::Municipality {
            return Err(StoreError::Invalid(
                tsunagi_domain::ValidationErrors::single(
                    "municipality_id",
                    "所属市町村には市町村を指定してください",
                ),
            ));
        }
    }
    let row = organisation::ActiveModel {
        id: Set(id.0),
        name: Set(name),
        kind: Set(new.kind.code().to_owned()),
        local_gov_code: Set(new.local_gov_code.map(|c| c.to_string())),
        municipality_id: Set(municipality_id.map(|m| m.0)),
        created_at: Set(now()),
        review_interval_months: Set(12),
    };
    let m = organisation::Entity::insert(row)
        .exec_with_returning(tx.conn())
        .await?;
    let org = Organisation::try_from(m)?;
    tx.record(
        Entry::new(AuditAction::OrganisationCreated, "organisation", org.id).detail(
            serde_json::json!({"name": org.name, "kind": org.kind.code(), "local_gov_code": org.local_gov_code}),
        ),
    );
    Ok(org)
}

pub(crate) async fn get(
    conn: &impl sea_orm::ConnectionTrait,
    id: OrganisationId,
) -> Result<Option<Organisation>, StoreError> {
    organisation::Entity::find_by_id(id.0)
        .one(conn)
        .await?
        .map(Organisation::try_from)
        .transpose()
}

/// The names of these organisations, by id.
pub(crate) async fn names_of(
    conn: &impl sea_orm::ConnectionTrait,
    ids: &[uuid::Uuid],
) -> Result<std::collections::HashMap<uuid::Uuid, String>, StoreError> {
    use sea_orm::QuerySelect;
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    Ok(organisation::Entity::find()
        .select_only()
        .column(organisation::Column::Id)
        .column(organisation::Column::Name)
        .filter(organisation::Column::Id.is_in(ids.to_vec()))
        .into_tuple::<(uuid::Uuid, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

/// An organisation's name, read in the transaction (empty if it was removed).
pub async fn name_in(tx: &AuditedTx, id: OrganisationId) -> Result<String, StoreError> {
    Ok(get(tx.conn(), id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default())
}

/// Organisations working in a municipality (including the municipality itself), by name.
pub(crate) async fn in_municipality(
    conn: &impl sea_orm::ConnectionTrait,
    municipality: OrganisationId,
) -> Result<Vec<Organisation>, StoreError> {
    let rows = organisation::Entity::find()
        .filter(organisation::Column::MunicipalityId.eq(municipality.0))
        .order_by_asc(organisation::Column::Name)
        .all(conn)
        .await?;
    rows.into_iter().map(Organisation::try_from).collect()
}

/// Months between plan reviews in a municipality (default yearly).
pub async fn review_interval(
    conn: &impl sea_orm::ConnectionTrait,
    municipality: OrganisationId,
) -> Result<u32, StoreError> {
    Ok(organisation::Entity::find_by_id(municipality.0)
        .one(conn)
        .await?
        .and_then(|o| u32::try_from(o.review_interval_months).ok())
        .unwrap_or(tsunagi_domain::workflow::review::DEFAULT_INTERVAL_MONTHS))
}

/// Sets the actor's municipality's review interval. Dates already set stay; the new interval
/// applies from the next completion or review.
pub async fn set_review_interval(
    tx: &mut AuditedTx,
    actor: &tsunagi_domain::access::Actor,
    months: u32,
) -> Result<(), StoreError> {
    use tsunagi_domain::access::{Capability, can};
    use tsunagi_domain::workflow::review::INTERVAL_MONTHS;
    if !can(actor, Capability::CreatePerson) {
        return Err(StoreError::Forbidden);
    }
    if !INTERVAL_MONTHS.contains(&months) {
        return Err(StoreError::Invalid(
            tsunagi_domain::ValidationErrors::single(
                "review_interval_months",
                "見直しの周期は1〜60か月で指定してください",
            ),
        ));
    }
    let owner = actor.organisation_id;
    let before = review_interval(tx.conn(), owner).await?;
    organisation::Entity::update_many()
        .col_expr(
            organisation::Column::ReviewIntervalMonths,
            sea_orm::sea_query::Expr::value(i32::try_from(months).unwrap_or(12)),
        )
        .filter(organisation::Column::Id.eq(owner.0))
        .exec(tx.conn())
        .await?;
    tx.record(
        Entry::new(AuditAction::SettingsUpdated, "organisation", owner)
            .owner(owner)
            .detail(
                serde_json::json!({"review_interval_months": {"before": before, "after": months}}),
            ),
    );
    Ok(())
}

impl Store {
    /// Months between plan reviews in a municipality.
    pub async fn review_interval(&self, municipality: OrganisationId) -> Result<u32, StoreError> {
        review_interval(self.conn(), municipality).await
    }

    pub async fn organisation(
        &self,
        id: OrganisationId,
    ) -> Result<Option<Organisation>, StoreError> {
        get(self.conn(), id).await
    }

    /// The directory, by kind then name.
    pub async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let rows = organisation::Entity::find()
            .order_by_asc(organisation::Column::Kind)
            .order_by_asc(organisation::Column::Name)
            .all(self.conn())
            .await?;
        rows.into_iter().map(Organisation::try_from).collect()
    }

    /// Organisations working in a municipality (including the municipality itself).
    pub async fn organisations_in(
        &self,
        municipality: OrganisationId,
    ) -> Result<Vec<Organisation>, StoreError> {
        in_municipality(self.conn(), municipality).await
    }

    pub async fn organisation_by_name(
        &self,
        name: &str,
    ) -> Result<Option<Organisation>, StoreError> {
        organisation::Entity::find()
            .filter(organisation::Column::Name.eq(name))
            .one(self.conn())
            .await?
            .map(Organisation::try_from)
            .transpose()
    }
}
