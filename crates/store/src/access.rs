//! Access checks: the one place that turns the domain's sharing policy into decisions about
//! stored records. `require` and `load_visible` decide for one record (from its owner, shares
//! and consent), `scope_condition` is the SQL form of a list scope. Every repository asks here;
//! nothing else decides who may see whom.

use std::collections::BTreeSet;

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use tsunagi_domain::access::{
    AccessLevel, Actor, Grant, PersonFacts, PersonScope, Share, ShareSource, person_access,
    person_scope,
};
use tsunagi_domain::consent::{ConsentMethod, ConsentRecord, ConsentStatus};
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::{OrganisationId, PersonId};

use crate::audit::AuditedTx;
use crate::entity::{consent, consent_scope, person, person_share, roster_entry, safety_check};
use crate::error::StoreError;

/// The SQL form of a [`PersonScope`]. Tested against `PersonScope::admits` on both databases.
pub(crate) fn scope_condition(scope: &PersonScope) -> Condition {
    // Shared with the organisation: any share (a disaster's ways in), or only those given
    // for normal times (not a receiver's designated for disasters only).
    let shared_with = |normal_times: bool| {
        let mut q = Query::select()
            .column(person_share::Column::PersonId)
            .from(person_share::Entity)
            .and_where(person_share::Column::OrganisationId.eq(scope.shared_with.0))
            .to_owned();
        if normal_times {
            q.and_where(person_share::Column::DisasterOnly.eq(false));
        }
        person::Column::Id.in_subquery(q)
    };
    let consented = person::Column::Id.in_subquery(
        Query::select()
            .column((consent::Entity, consent::Column::PersonId))
            .from(consent::Entity)
            .inner_join(
                consent_scope::Entity,
                Expr::col((consent_scope::Entity, consent_scope::Column::PersonId))
                    .equals((consent::Entity, consent::Column::PersonId)),
            )
            .and_where(
                Expr::col((consent::Entity, consent::Column::Status))
                    .eq(ConsentStatus::Given.code()),
            )
            .and_where(
                Expr::col((consent_scope::Entity, consent_scope::Column::ReceiverKind))
                    .eq(scope.kind.code()),
            )
            .to_owned(),
    );
    let mut basis = Condition::any().add(consented);
    let ids = |owners: &[OrganisationId]| owners.iter().map(|o| o.0).collect::<Vec<_>>();
    if !scope.opt_out_owners.is_empty() {
        // Under an opt-out ordinance: everyone but those who refused or withdrew.
        let refused = person::Column::Id.in_subquery(
            Query::select()
                .column(consent::Column::PersonId)
                .from(consent::Entity)
                .and_where(consent::Column::Status.is_in([
                    ConsentStatus::Refused.code(),
                    ConsentStatus::Withdrawn.code(),
                ]))
                .to_owned(),
        );
        basis = basis.add(
            Condition::all()
                .add(person::Column::MunicipalityId.is_in(ids(&scope.opt_out_owners)))
                .add(Condition::not(Condition::all().add(refused))),
        );
    }
    if !scope.without_consent_owners.is_empty() {
        basis = basis.add(person::Column::MunicipalityId.is_in(ids(&scope.without_consent_owners)));
    }
    let mut normal_way = Condition::all().add(shared_with(true)).add(basis);
    if !scope.unagreed_owners.is_empty() {
        // No agreement in force where the owner requires one: no normal-time way in.
        normal_way =
            normal_way.add(person::Column::MunicipalityId.is_not_in(ids(&scope.unagreed_owners)));
    }
    let mut cond = Condition::any().add(normal_way);
    let mut disaster = Condition::any();
    if !scope.disaster_owners.is_empty() {
        disaster = disaster.add(
            person::Column::MunicipalityId.is_in(
                scope
                    .disaster_owners
                    .iter()
                    .map(|o| o.0)
                    .collect::<Vec<_>>(),
            ),
        );
    }
    if !scope.disaster_areas.is_empty() {
        // In the area of an open part-area declaration: its safety-check sweep.
        disaster = disaster.add(in_sweeps(scope.disaster_areas.iter().map(|(_, d)| *d)));
    }
    if !scope.disaster_owners.is_empty() || !scope.disaster_areas.is_empty() {
        cond = cond.add(Condition::all().add(shared_with(false)).add(disaster));
    }
    if scope.entrusted {
        cond = cond.add(
            person::Column::Id.in_subquery(
                Query::select()
                    .column(person_share::Column::PersonId)
                    .from(person_share::Entity)
                    .and_where(person_share::Column::OrganisationId.eq(scope.shared_with.0))
                    .and_where(person_share::Column::Source.eq(ShareSource::Assignment.code()))
                    .and_where(person_share::Column::DisasterOnly.eq(false))
                    .to_owned(),
            ),
        );
    }
    if let Some(owner) = scope.owned_by {
        cond = cond.add(person::Column::MunicipalityId.eq(owner.0));
    }
    // Fire and police during a declaration: everyone on the roster in the area, share or not.
    let on_roster = || {
        person::Column::Id.in_subquery(
            Query::select()
                .column(roster_entry::Column::PersonId)
                .from(roster_entry::Entity)
                .to_owned(),
        )
    };
    if let Some(owner) = scope.rescue_owner {
        cond = cond.add(
            Condition::all()
                .add(person::Column::MunicipalityId.eq(owner.0))
                .add(on_roster()),
        );
    }
    if !scope.rescue_areas.is_empty() {
        cond = cond.add(
            Condition::all()
                .add(in_sweeps(scope.rescue_areas.iter().map(|(_, d)| *d)))
                .add(on_roster()),
        );
    }
    if scope.owned_by.is_none() && scope.rescue_owner.is_none() && scope.rescue_areas.is_empty() {
        // Every way in then needs a share with the organisation: said first, the databases
        // drive the search from its shares (a district: a few hundred) instead of filtering
        // every person of the town through the alternatives (PostgreSQL scanned all 50,000).
        return Condition::all().add(shared_with(false)).add(cond);
    }
    cond
}

/// Persons in the sweep (the area) of these declarations.
fn in_sweeps(declarations: impl IntoIterator<Item = uuid::Uuid>) -> Condition {
    Condition::all().add(
        person::Column::Id.in_subquery(
            Query::select()
                .column(safety_check::Column::PersonId)
                .from(safety_check::Entity)
                .and_where(safety_check::Column::DeclarationId.is_in(declarations))
                .to_owned(),
        ),
    )
}

pub(crate) async fn facts(
    conn: &impl ConnectionTrait,
    m: &person::Model,
    disaster: &DisasterState,
) -> Result<PersonFacts, StoreError> {
    let provision = crate::legal_bases::provision_of(conn, m.municipality_id).await?;
    facts_under(conn, m, provision, disaster).await
}

/// [`facts`] with the owner's legal bases already read (lists of one municipality's persons
/// read them once).
pub(crate) async fn facts_under(
    conn: &impl ConnectionTrait,
    m: &person::Model,
    provision: tsunagi_domain::legal_basis::Provision,
    disaster: &DisasterState,
) -> Result<PersonFacts, StoreError> {
    // Which open part-area declarations hold the person: read only while one is open.
    let partial = disaster.partial_in(OrganisationId(m.municipality_id));
    let declared_areas = if partial.is_empty() {
        Vec::new()
    } else {
        safety_check::Entity::find()
            .select_only()
            .column(safety_check::Column::DeclarationId)
            .filter(safety_check::Column::DeclarationId.is_in(partial))
            .filter(safety_check::Column::PersonId.eq(m.id))
            .into_tuple::<uuid::Uuid>()
            .all(conn)
            .await?
    };
    let shares = person_share::Entity::find()
        .filter(person_share::Column::PersonId.eq(m.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| {
            Ok(Share {
                organisation_id: s.organisation_id.into(),
                level: AccessLevel::parse(&s.level)
                    .ok_or_else(|| StoreError::Corrupt(format!("share level {}", s.level)))?,
                plan: s.includes_plan,
                disaster_only: s.disaster_only,
                source: ShareSource::parse(&s.source)
                    .ok_or_else(|| StoreError::Corrupt(format!("share source {}", s.source)))?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    // On the roster: read only while a declaration of the owner is open (fire and police
    // receive the roster's people then, not every resident).
    let on_roster = disaster.any_declared_in(OrganisationId(m.municipality_id))
        && roster_entry::Entity::find_by_id(m.id)
            .one(conn)
            .await?
            .is_some();
    // The supporters' agreement to the plan's provision: read only when a share includes the
    // plan (nobody else's grant depends on it); no checked plan: nothing to provide anyway.
    let supporters_agreed = if shares.iter().any(|s| s.plan) {
        crate::plans::newest_checked(conn, m.id)
            .await?
            .is_none_or(|p| p.supporters_agreed())
    } else {
        true
    };
    // Receivers without the agreement the owner requires: read only when it requires one.
    let unagreed = if provision.agreements_required {
        let orgs: Vec<uuid::Uuid> = shares
            .iter()
            .map(|s| s.organisation_id.0)
            .filter(|o| *o != m.municipality_id)
            .collect();
        let agreed = crate::receivers::agreements::in_force_with(
            conn,
            m.municipality_id,
            &orgs,
            crate::today_jst(),
        )
        .await?;
        orgs.into_iter()
            .filter(|o| !agreed.contains(o))
            .map(OrganisationId)
            .collect()
    } else {
        Vec::new()
    };
    Ok(PersonFacts {
        unagreed,
        owner: m.municipality_id.into(),
        shares,
        consent: consent_of(conn, m.id).await?.facts(),
        provision,
        declared_areas,
        on_roster,
        supporters_agreed,
    })
}

/// The list scope of `actor`, with the municipalities' legal bases in force.
pub(crate) async fn scope(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    disaster: &DisasterState,
) -> Result<PersonScope, StoreError> {
    let (bases, requiring) = crate::legal_bases::in_force(conn).await?;
    let mut scope = person_scope(actor, disaster, &bases);
    if !requiring.is_empty() {
        let agreed = crate::receivers::agreements::municipalities_agreed(
            conn,
            actor.organisation_id,
            crate::today_jst(),
        )
        .await?;
        scope.unagreed_owners = requiring
            .into_iter()
            .filter(|m| *m != actor.organisation_id && !agreed.contains(&m.0))
            .collect();
    }
    Ok(scope)
}

pub(crate) async fn consent_of(
    conn: &impl ConnectionTrait,
    id: uuid::Uuid,
) -> Result<ConsentRecord, StoreError> {
    let Some(c) = consent::Entity::find_by_id(id).one(conn).await? else {
        return Ok(ConsentRecord {
            status: ConsentStatus::NotAsked,
            scope: BTreeSet::new(),
            obtained_on: None,
            method: None,
            obtained_by: None,
            note: None,
        });
    };
    let scope = consent_scope::Entity::find()
        .filter(consent_scope::Column::PersonId.eq(id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| {
            s.receiver_kind
                .parse::<OrganisationKind>()
                .map_err(StoreError::Corrupt)
        })
        .collect::<Result<BTreeSet<_>, _>>()?;
    Ok(ConsentRecord {
        status: c.status.parse().map_err(StoreError::Corrupt)?,
        scope,
        obtained_on: c.obtained_on,
        method: c.method.as_deref().and_then(ConsentMethod::parse),
        obtained_by: c.obtained_by,
        note: c.note,
    })
}

/// What an operation needs of a person's record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    /// To see the record.
    See,
    /// To see the plan too (a roster-only receiver may not).
    Plan,
    /// To write the plan and its workflow.
    WritePlan,
    /// To be the owning municipality (consent, shares, roster, triage, workflow control).
    Own,
}

/// The owner and the actor's grant for a person when the actor has what `need` asks:
/// `NotFound` when it may not see it (or its plan), `Forbidden` when it sees but may not act.
pub(crate) async fn require(
    tx: &AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
    need: Need,
) -> Result<(OrganisationId, Grant), StoreError> {
    let (m, _, grant) = load_visible(tx, actor, disaster, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if matches!(need, Need::Plan | Need::WritePlan) && !grant.plan {
        return Err(StoreError::NotFound);
    }
    let allowed = match need {
        Need::See | Need::Plan => true,
        Need::WritePlan => tsunagi_domain::access::may_write_plan(&grant),
        Need::Own => grant.basis == tsunagi_domain::access::AccessBasis::Owner,
    };
    if !allowed {
        return Err(StoreError::Forbidden);
    }
    Ok((OrganisationId(m.municipality_id), grant))
}

/// Loads a person and decides access; `None` when absent or not visible (never told apart).
pub(crate) async fn load_visible(
    tx: &AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
) -> Result<Option<(person::Model, PersonFacts, Grant)>, StoreError> {
    let Some(m) = person::Entity::find_by_id(id.0).one(tx.conn()).await? else {
        return Ok(None);
    };
    let f = facts(tx.conn(), &m, disaster).await?;
    Ok(person_access(actor, &f, disaster).map(|g| (m, f, g)))
}
