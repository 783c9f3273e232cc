//! Classifying homes against the hazard layers: each located home gets the worst zone per
//! hazard kind (stored, with the flood depth at the planned scale for reference), and point 1
//! of its roster entry (自宅の災害危険性) as the maps give it, for the roster to fill unless a
//! manual value wins. What follows a change of point 1 (re-triage, review marks) is the use
//! case's consequence.

use std::collections::HashMap;

use sea_orm::sea_query::Query;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
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

/// Classifies the located roster homes of the municipality the caller has checked (only some
/// persons with `only`): each home's worst zone per kind is stored (its earlier hazards
/// replaced), and point 1 as the maps give it is returned for the roster to apply. Homes without
/// a location get an empty point 1 with a note saying so. `today` (JST) dates the notes;
/// `cause` goes into the audit entry; `progress` gets (done, total).
pub async fn classify(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    only: Option<&[uuid::Uuid]>,
    today: chrono::NaiveDate,
    cause: &[&str],
    mut progress: impl FnMut(usize, usize),
) -> Result<(ClassifyReport, Vec<MapHazards>), StoreError> {
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
    let persons: Vec<uuid::Uuid> = entries
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|e| e.person_id)
        .collect();
    old_hazards.exec(tx.conn()).await?;
    let total = persons.len();
    let t = now();
    let mut per_kind: HashMap<HazardKind, usize> = HashMap::new();
    let mut rows = Vec::new();
    let mut results = Vec::with_capacity(total);
    for (done, person) in persons.into_iter().enumerate() {
        progress(done, total);
        let (hazards, note) = match locations.get(&person) {
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
                        rows.push(hazard_row(person, kind_code(k), z, layer, t)?);
                    }
                }
                if let Some(z) = planned.classify(loc.lon, loc.lat).of(HazardKind::Flood) {
                    let layer = planned_layers
                        .get(z.layer as usize)
                        .map(|l| l.id)
                        .ok_or_else(|| StoreError::Corrupt("zone layer".into()))?;
                    rows.push(hazard_row(person, FLOOD_PLANNED, z, layer, t)?);
                }
                (home_hazards(&c), map_note(&c, today))
            }
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
            person: PersonId(person),
            hazards,
            note,
        });
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
            .detail(serde_json::json!({
                "cause": cause,
                "persons": only.map(<[uuid::Uuid]>::len),
                "homes": report.homes,
                "in_some_zone": report.in_some_zone,
                "per_kind": report.per_kind,
                "unlocated": report.unlocated,
                "zones": report.zones,
            })),
    );
    Ok((report, results))
}
