//! Classifying homes against the hazard layers: each located home gets the worst zone per
//! hazard kind (stored, with the flood depth at the planned scale for reference), and point 1 of its roster entry (自宅の災害危険性) is filled from
//! them unless a manual value wins. A change of point 1 re-runs the triage and marks a
//! finished plan for review.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use tsunagi_domain::access::{AccessBasis, Actor};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::roster::RosterEntry;
use tsunagi_domain::triage::HomeHazards;
use tsunagi_domain::{OrganisationId, PersonId};
use tsunagi_gis::{HazardIndex, HazardKind, HomeClassification, ZoneClass};

use super::codec::{FLOOD_PLANNED, kind_code, severity_json};
use super::staff_municipality;
use crate::audit::{AuditedTx, Entry};
use crate::entity::{person, person_hazard, roster_entry};
use crate::error::StoreError;
use crate::now;

/// What a classification run found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ClassifyReport {
    pub homes: usize,
    pub in_some_zone: usize,
    /// Homes in a zone, per hazard kind (in `HazardKind::ALL` order, by label).
    pub per_kind: Vec<(&'static str, usize)>,
    /// Roster persons without a location (not classified).
    pub unlocated: usize,
    /// Entries whose point 1 changed.
    pub point1_changed: usize,
    /// Entries whose manual point 1 was kept.
    pub manual_kept: usize,
    pub zones: usize,
}

/// Point 1 from a classification.
pub fn home_hazards(c: &HomeClassification) -> HomeHazards {
    let has = |k| c.of(k).is_some();
    HomeHazards {
        flood: has(HazardKind::Flood),
        inland_flood: has(HazardKind::InlandFlood),
        tsunami: has(HazardKind::Tsunami),
        house_collapse: has(HazardKind::HouseCollapse),
        landslide: has(HazardKind::Landslide),
        storm_surge: has(HazardKind::StormSurge),
    }
}

/// The reason written with point 1, e.g. 「ハザードマップによる判定（2026-11-23）: 洪水
/// 3m以上5m未満」.
pub fn map_note(c: &HomeClassification, on: chrono::NaiveDate) -> String {
    let found: Vec<String> = HazardKind::ALL
        .into_iter()
        .filter_map(|k| {
            c.of(k)
                .map(|z| format!("{} {}", k.label(), z.severity.label()))
        })
        .collect();
    format!(
        "ハザードマップによる判定（{on}）: {}",
        if found.is_empty() {
            "いずれの区域にも入っていません".to_owned()
        } else {
            found.join("、")
        }
    )
}

fn hazard_row(
    person: uuid::Uuid,
    kind: &str,
    zone: &ZoneClass,
    layer: uuid::Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<person_hazard::ActiveModel, StoreError> {
    Ok(person_hazard::ActiveModel {
        person_id: Set(person),
        hazard_kind: Set(kind.to_owned()),
        severity: Set(severity_json(&zone.severity)?),
        label: Set(zone.severity.label()),
        layer_id: Set(layer),
        classified_at: Set(at),
    })
}

/// Classifies every located roster home of the actor's municipality. `progress` is called
/// with (done, total) as homes are processed.
pub async fn classify_all(
    tx: &mut AuditedTx,
    actor: &Actor,
    progress: impl FnMut(usize, usize),
) -> Result<ClassifyReport, StoreError> {
    let owner = staff_municipality(actor)?;
    run(tx, owner, None, progress).await
}

/// Classifies some persons (or all with `None`) of a municipality the caller has checked.
pub(crate) async fn classify_persons(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    only: Option<&[uuid::Uuid]>,
) -> Result<ClassifyReport, StoreError> {
    run(tx, owner, only, |_, _| {}).await
}

async fn run(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    only: Option<&[uuid::Uuid]>,
    mut progress: impl FnMut(usize, usize),
) -> Result<ClassifyReport, StoreError> {
    let (layers, zones) =
        super::layers::zones(tx.conn(), owner, super::layers::LayerType::Hazard).await?;
    let mut report = ClassifyReport {
        zones: zones.len(),
        ..ClassifyReport::default()
    };
    let index = HazardIndex::new(zones);
    // Flood depths at the planned scale, stored for reference beside the hazards.
    let (planned_layers, planned) =
        super::layers::zones(tx.conn(), owner, super::layers::LayerType::HazardPlanned).await?;
    let planned = HazardIndex::new(planned);
    let locations = super::locations::all(tx.conn(), owner).await?;
    let in_owner = Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(person::Column::MunicipalityId.eq(owner.0))
        .to_owned();
    let mut entries = roster_entry::Entity::find()
        .filter(roster_entry::Column::PersonId.in_subquery(in_owner.clone()));
    let mut old_hazards = person_hazard::Entity::delete_many()
        .filter(person_hazard::Column::PersonId.in_subquery(in_owner));
    if let Some(ids) = only {
        entries = entries.filter(roster_entry::Column::PersonId.is_in(ids.to_vec()));
        old_hazards = old_hazards.filter(person_hazard::Column::PersonId.is_in(ids.to_vec()));
    }
    let entries = entries.all(tx.conn()).await?;
    old_hazards.exec(tx.conn()).await?;
    let total = entries.len();
    let today = now().date_naive();
    let t = now();
    let mut per_kind: HashMap<HazardKind, usize> = HashMap::new();
    let mut rows = Vec::new();
    let mut changed_ids = Vec::new();
    for (done, e) in entries.into_iter().enumerate() {
        progress(done, total);
        let mut entry: RosterEntry =
            serde_json::from_str(&e.entry).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let before = entry.home_hazards;
        let changed = match locations.get(&e.person_id) {
            Some(loc) => {
                report.homes += 1;
                let c = index.classify(loc.lon, loc.lat);
                if c.any() {
                    report.in_some_zone += 1;
                }
                for k in HazardKind::ALL {
                    if let Some(z) = c.of(k) {
                        *per_kind.entry(k).or_default() += 1;
                        let layer = layers
                            .get(z.layer as usize)
                            .map(|l| l.id)
                            .ok_or_else(|| StoreError::Corrupt("zone layer".into()))?;
                        rows.push(hazard_row(e.person_id, kind_code(k), z, layer, t)?);
                    }
                }
                if let Some(z) = planned.classify(loc.lon, loc.lat).of(HazardKind::Flood) {
                    let layer = planned_layers
                        .get(z.layer as usize)
                        .map(|l| l.id)
                        .ok_or_else(|| StoreError::Corrupt("zone layer".into()))?;
                    rows.push(hazard_row(e.person_id, FLOOD_PLANNED, z, layer, t)?);
                }
                entry.apply_map_hazards(home_hazards(&c), map_note(&c, today))
            }
            None => {
                report.unlocated += 1;
                entry.apply_map_hazards(
                    HomeHazards::default(),
                    "自宅の位置が特定できていないため、ハザードマップで判定できていません"
                        .to_owned(),
                )
            }
        };
        if entry.has_manual_hazards() {
            report.manual_kept += 1;
        }
        if changed {
            report.point1_changed += 1;
            roster_entry::Entity::update_many()
                .col_expr(
                    roster_entry::Column::Entry,
                    Expr::value(
                        serde_json::to_string(&entry)
                            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    ),
                )
                .col_expr(roster_entry::Column::Version, Expr::value(e.version + 1))
                .col_expr(roster_entry::Column::UpdatedAt, Expr::value(t))
                .filter(roster_entry::Column::PersonId.eq(e.person_id))
                .exec(tx.conn())
                .await?;
            if before != entry.home_hazards {
                changed_ids.push(e.person_id);
                crate::workflows::mark_for_review(
                    tx,
                    PersonId(e.person_id),
                    "自宅の災害危険性（ハザードマップ）の変化",
                )
                .await?;
            }
        }
        if rows.len() >= super::layers::CHUNK {
            person_hazard::Entity::insert_many(std::mem::take(&mut rows))
                .exec(tx.conn())
                .await?;
        }
    }
    if !rows.is_empty() {
        person_hazard::Entity::insert_many(rows)
            .exec(tx.conn())
            .await?;
    }
    progress(total, total);
    report.per_kind = HazardKind::ALL
        .into_iter()
        .filter_map(|k| per_kind.get(&k).map(|n| (k.label(), *n)))
        .collect();
    tx.record(
        Entry::new(AuditAction::HomesClassified, "roster", owner)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::to_value(&report).unwrap_or_default()),
    );
    crate::triage::rerun(tx, owner, &changed_ids).await?;
    Ok(report)
}
