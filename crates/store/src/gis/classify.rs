//! Classifying homes against the hazard layers: each located home gets the worst zone per
//! hazard kind (stored, with the flood depth at the planned scale for reference), and point 1
//! of its roster entry (自宅の災害危険性) as the maps give it, for the roster to fill unless a
//! manual value wins. What follows a change of point 1 (re-triage, review marks) is the use
//! case's consequence.

use std::collections::HashMap;

use sea_orm::sea_query::Query;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use tsunagi_domain::access::AccessBasis;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::triage::HomeHazards;
use tsunagi_domain::{OrganisationId, PersonId};
use tsunagi_gis::{HazardIndex, HazardKind, HomeClassification, ZoneClass};

use super::codec::{FLOOD_PLANNED, kind_code, severity_json};
use crate::audit::{AuditedTx, Entry};
use crate::entity::{person, person_hazard, roster_entry};
use crate::error::StoreError;
use crate::now;
use crate::roster::MapHazards;

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

/// One stored hazard of a home: (kind code, severity JSON, label, layer).
type HazardRow = (String, String, String, uuid::Uuid);

fn hazard_row(kind: &str, zone: &ZoneClass, layer: uuid::Uuid) -> Result<HazardRow, StoreError> {
    Ok((
        kind.to_owned(),
        severity_json(&zone.severity)?,
        zone.severity.label(),
        layer,
    ))
}

/// The layer id of a zone numbered by `zones()`.
fn layer_id(layers: &[super::layers::LayerInfo], z: &ZoneClass) -> Result<uuid::Uuid, StoreError> {
    layers
        .get(z.layer as usize)
        .map(|l| l.id)
        .ok_or_else(|| StoreError::Corrupt("zone layer".into()))
}

/// Classifies the located roster homes of the municipality the caller has checked (only some
/// persons with `only`): each home's worst zone per kind is stored (rows rewritten only for
/// homes whose hazards changed), and point 1 as the maps give it is returned for the roster to
/// apply. Homes without a location get an empty point 1 with a note saying so. The zones are
/// loaded once and the homes classified in Z-order on all cores. `today` (JST) dates the notes;
/// `cause` goes into the audit entry; `progress` gets (done, total).
pub async fn classify(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    only: Option<&[uuid::Uuid]>,
    today: chrono::NaiveDate,
    cause: &[&str],
    mut progress: impl FnMut(usize, usize),
) -> Result<(ClassifyReport, Vec<MapHazards>), StoreError> {
    let backend = sea_orm::ConnectionTrait::get_database_backend(tx.conn());
    let in_owner = Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(person::Column::MunicipalityId.eq(owner.0))
        .to_owned();
    // The roster persons concerned, and where their homes are.
    let mut persons: Vec<uuid::Uuid> = match only {
        Some(ids) => {
            let mut out = Vec::with_capacity(ids.len());
            // The caller names persons of `owner` (the consequences record them per owner).
            for cond in crate::db::bulk::among(backend, "roster_entries", "person_id", ids) {
                out.extend(
                    roster_entry::Entity::find()
                        .select_only()
                        .column(roster_entry::Column::PersonId)
                        .filter(cond)
                        .into_tuple::<uuid::Uuid>()
                        .all(tx.conn())
                        .await?,
                );
            }
            out
        }
        None => {
            roster_entry::Entity::find()
                .select_only()
                .column(roster_entry::Column::PersonId)
                .filter(roster_entry::Column::PersonId.in_subquery(in_owner.clone()))
                .into_tuple::<uuid::Uuid>()
                .all(tx.conn())
                .await?
        }
    };
    let started = std::time::Instant::now();
    persons.sort();
    let total = persons.len();
    progress(0, total);
    let located =
        super::locations::points_of(tx.conn(), owner, only.map(|_| persons.as_slice())).await?;
    tracing::debug!(elapsed = ?started.elapsed(), homes = located.len(), "classify: homes read");
    let (layers, zones) =
        super::layers::zones(tx.conn(), owner, super::layers::LayerType::Hazard).await?;
    tracing::debug!(elapsed = ?started.elapsed(), zones = zones.len(), "classify: zones read");
    let mut report = ClassifyReport {
        zones: zones.len(),
        ..ClassifyReport::default()
    };
    // Flood depths at the planned scale, stored for reference beside the hazards.
    let (planned_layers, planned) =
        super::layers::zones(tx.conn(), owner, super::layers::LayerType::HazardPlanned).await?;
    let homes: Vec<(uuid::Uuid, (f64, f64))> = persons
        .iter()
        .filter_map(|p| located.get(p).map(|pt| (*p, *pt)))
        .collect();
    let points: Vec<(f64, f64)> = homes.iter().map(|(_, pt)| *pt).collect();
    let threads = tsunagi_gis::index::default_threads();
    let order = tsunagi_gis::index::SpatialOrder::new(&points);
    let classified = HazardIndex::new(zones).classify_ordered(&order, threads, |c| c);
    let planned_index = HazardIndex::new(planned);
    let planned_flood =
        planned_index.classify_ordered(&order, threads, |c| c.of(HazardKind::Flood).copied());
    progress(total / 2, total);
    tracing::debug!(elapsed = ?started.elapsed(), "classify: classified");
    let mut per_kind: HashMap<HazardKind, usize> = HashMap::new();
    let mut new_rows: HashMap<uuid::Uuid, Vec<HazardRow>> = HashMap::new();
    let mut results = Vec::with_capacity(total);
    let mut by_person: HashMap<uuid::Uuid, HomeClassification> = HashMap::new();
    for (((person, _), c), planned) in homes.iter().zip(classified).zip(planned_flood) {
        report.homes += 1;
        if c.any() {
            report.in_some_zone += 1;
        }
        let mut rows = Vec::new();
        for k in HazardKind::ALL {
            if let Some(z) = c.of(k) {
                *per_kind.entry(k).or_default() += 1;
                rows.push(hazard_row(kind_code(k), z, layer_id(&layers, z)?)?);
            }
        }
        if let Some(z) = planned {
            rows.push(hazard_row(
                FLOOD_PLANNED,
                &z,
                layer_id(&planned_layers, &z)?,
            )?);
        }
        if !rows.is_empty() {
            new_rows.insert(*person, rows);
        }
        by_person.insert(*person, c);
    }
    for person in &persons {
        let (hazards, note) = match by_person.get(person) {
            Some(c) => (home_hazards(c), map_note(c, today)),
            None => {
                report.unlocated += 1;
                (
                    HomeHazards::default(),
                    "自宅の位置が特定できていないため、ハザードマップで判定できていません"
                        .to_owned(),
                )
            }
        };
        results.push(MapHazards {
            person: PersonId(*person),
            hazards,
            note,
        });
    }
    tracing::debug!(elapsed = ?started.elapsed(), "classify: results built");
    // Only the homes whose hazards changed are written again.
    let mut stored: HashMap<uuid::Uuid, Vec<HazardRow>> = HashMap::new();
    let existing = match only {
        None => {
            person_hazard::Entity::find()
                .filter(person_hazard::Column::PersonId.in_subquery(in_owner.clone()))
                .all(tx.conn())
                .await?
        }
        Some(_) => {
            let mut rows = Vec::new();
            for cond in crate::db::bulk::among(backend, "person_hazards", "person_id", &persons) {
                rows.extend(
                    person_hazard::Entity::find()
                        .filter(cond)
                        .all(tx.conn())
                        .await?,
                );
            }
            rows
        }
    };
    for m in existing {
        stored.entry(m.person_id).or_default().push((
            m.hazard_kind,
            m.severity,
            m.label,
            m.layer_id,
        ));
    }
    let same = |a: Option<&Vec<HazardRow>>, b: Option<&Vec<HazardRow>>| {
        let sorted = |v: Option<&Vec<HazardRow>>| {
            let mut v = v.cloned().unwrap_or_default();
            v.sort();
            v
        };
        sorted(a) == sorted(b)
    };
    tracing::debug!(elapsed = ?started.elapsed(), stored = stored.len(), "classify: stored hazards read");
    let changed: Vec<uuid::Uuid> = persons
        .iter()
        .filter(|p| !same(stored.get(p), new_rows.get(p)))
        .copied()
        .collect();
    // Rows go only where there were some.
    let gone: Vec<uuid::Uuid> = changed
        .iter()
        .filter(|p| stored.contains_key(p))
        .copied()
        .collect();
    if only.is_none() && gone.len() == stored.len() && !gone.is_empty() {
        person_hazard::Entity::delete_many()
            .filter(person_hazard::Column::PersonId.in_subquery(in_owner))
            .exec(tx.conn())
            .await?;
    } else {
        for cond in crate::db::bulk::among(backend, "person_hazards", "person_id", &gone) {
            person_hazard::Entity::delete_many()
                .filter(cond)
                .exec(tx.conn())
                .await?;
        }
    }
    tracing::debug!(elapsed = ?started.elapsed(), "classify: changed hazards deleted");
    let t = now();
    let rows: Vec<person_hazard::ActiveModel> = changed
        .iter()
        .flat_map(|p| {
            new_rows
                .get(p)
                .into_iter()
                .flatten()
                .map(
                    move |(kind, severity, label, layer)| person_hazard::ActiveModel {
                        person_id: Set(*p),
                        hazard_kind: Set(kind.clone()),
                        severity: Set(severity.clone()),
                        label: Set(label.clone()),
                        layer_id: Set(*layer),
                        classified_at: Set(t),
                    },
                )
        })
        .collect();
    crate::db::bulk::insert_models(tx.conn(), rows).await?;
    progress(total, total);
    tracing::debug!(elapsed = ?started.elapsed(), rewritten = changed.len(), "classify: hazards written");
    report.per_kind = HazardKind::ALL
        .into_iter()
        .filter_map(|k| per_kind.get(&k).map(|n| (k.label(), *n)))
        .collect();
    tx.record(
        Entry::new(AuditAction::HomesClassified, "roster", owner)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({
                "cause": cause,
                "persons": only.map(<[uuid::Uuid]>::len),
                "homes": report.homes,
                "in_some_zone": report.in_some_zone,
                "per_kind": report.per_kind,
                "unlocated": report.unlocated,
                "zones": report.zones,
                "hazards_rewritten": changed.len(),
            })),
    );
    Ok((report, results))
}
