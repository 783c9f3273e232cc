//! Shelters (指定緊急避難場所・指定避難所): imported from the lists municipalities publish, or
//! entered and edited on screen (versioned: a stale edit is refused).

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use tsunagi_domain::access::{AccessBasis, Actor};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::text::fold_for_search;
use tsunagi_domain::{OrganisationId, ValidationErrors, error::FieldError};
use tsunagi_gis::{HazardKind, ShelterIndex, ShelterPoint};
use tsunagi_import::shelters::{ShelterFormat, ShelterRow, ShelterSuits};

use super::layers::{CHUNK, LayerInfo, LayerType, NewLayer, replace};
use super::staff_municipality;
use crate::audit::{AuditedTx, Entry};
use crate::entity::{gis_layer, shelter};
use crate::error::StoreError;
use crate::now;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// A shelter as shown and edited.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shelter {
    #[serde(default)]
    pub id: Option<uuid::Uuid>,
    pub name: String,
    #[serde(default)]
    pub name_kana: Option<String>,
    pub address: String,
    pub lon: f64,
    pub lat: f64,
    pub suits: ShelterSuits,
    pub emergency_place: bool,
    pub shelter: bool,
    pub welfare: bool,
    #[serde(default)]
    pub capacity: Option<u32>,
    #[serde(default)]
    pub capacity_text: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub communities: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
    /// Imported from a list (re-importing that list replaces it) or entered by hand.
    #[serde(default)]
    pub imported: bool,
    /// For an imported row edited on screen: who edited it last, and when (such rows are kept
    /// when the list is imported again, unless the import is told to overwrite them).
    #[serde(default)]
    pub edited: Option<ShelterEdit>,
    #[serde(default)]
    pub version: i32,
}

/// Is the shelter suitable for a hazard kind? 家屋倒壊 follows 洪水.
pub fn suits(s: &ShelterSuits, kind: HazardKind) -> bool {
    match kind {
        HazardKind::Flood | HazardKind::HouseCollapse => s.flood,
        HazardKind::InlandFlood => s.inland_flood,
        HazardKind::Landslide => s.landslide,
        HazardKind::Tsunami => s.tsunami,
        HazardKind::StormSurge => s.storm_surge,
    }
}

/// Who last edited an imported shelter on screen, and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShelterEdit {
    pub by: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// What importing a shelter list did with the rows staff had edited on screen.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EditsOnImport {
    /// Edited rows found again in the list and kept as edited (by name).
    pub kept: Vec<String>,
    /// Edited rows the list no longer has: kept as edited, for staff to check.
    pub unlisted: Vec<String>,
    /// Edited rows replaced by the list's values (the import was told to overwrite edits).
    pub overwritten: Vec<String>,
}

/// How an imported row is recognised in the next release of its list: the list's own ID
/// when it has one, else its name and address (NFKC, case and white space folded).
fn match_key(external_id: Option<&str>, name: &str, address: &str) -> String {
    match external_id.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => format!("id:{}", fold_for_search(id)),
        None => format!("na:{}|{}", fold_for_search(name), fold_for_search(address)),
    }
}

fn of_model(m: shelter::Model) -> Result<Shelter, StoreError> {
    Ok(Shelter {
        id: Some(m.id),
        name: m.name,
        name_kana: m.name_kana,
        address: m.address,
        lon: m.lon,
        lat: m.lat,
        suits: serde_json::from_str(&m.suits).map_err(corrupt)?,
        emergency_place: m.emergency_place,
        shelter: m.shelter,
        welfare: m.welfare,
        capacity: m.capacity.and_then(|c| u32::try_from(c).ok()),
        capacity_text: m.capacity_text,
        phone: m.phone,
        communities: serde_json::from_str(&m.communities).map_err(corrupt)?,
        note: m.note,
        external_id: m.external_id,
        imported: m.layer_id.is_some(),
        edited: match (m.edited_by, m.edited_at) {
            (Some(by), Some(at)) => Some(ShelterEdit { by, at }),
            _ => None,
        },
        version: m.version,
    })
}

fn active(
    id: uuid::Uuid,
    owner: OrganisationId,
    layer: Option<uuid::Uuid>,
    s: &Shelter,
    version: i32,
) -> Result<shelter::ActiveModel, StoreError> {
    Ok(shelter::ActiveModel {
        id: Set(id),
        municipality_id: Set(owner.0),
        layer_id: Set(layer),
        external_id: Set(s.external_id.clone()),
        name: Set(s.name.clone()),
        name_kana: Set(s.name_kana.clone()),
        address: Set(s.address.clone()),
        lon: Set(s.lon),
        lat: Set(s.lat),
        suits: Set(serde_json::to_string(&s.suits).map_err(corrupt)?),
        emergency_place: Set(s.emergency_place),
        shelter: Set(s.shelter),
        welfare: Set(s.welfare),
        capacity: Set(s.capacity.and_then(|c| i32::try_from(c).ok())),
        capacity_text: Set(s.capacity_text.clone()),
        phone: Set(s.phone.clone()),
        communities: Set(serde_json::to_string(&s.communities).map_err(corrupt)?),
        note: Set(s.note.clone()),
        version: Set(version),
        updated_at: Set(now()),
        ..Default::default()
    })
}

impl From<&ShelterRow> for Shelter {
    fn from(r: &ShelterRow) -> Self {
        Shelter {
            id: None,
            name: r.name.clone(),
            name_kana: r.name_kana.clone(),
            address: r.address.clone(),
            lon: r.lon,
            lat: r.lat,
            suits: r.suits,
            emergency_place: r.emergency_place,
            shelter: r.shelter,
            welfare: r.welfare,
            capacity: r.capacity,
            capacity_text: r.capacity_text.clone(),
            phone: r.phone.clone(),
            communities: r.communities.clone(),
            note: r.note.clone(),
            external_id: r.external_id.clone(),
            imported: true,
            edited: None,
            version: 1,
        }
    }
}

/// Imports a shelter list (all rows already valid), replacing the previous import of the
/// same list. Shelters entered by hand are kept, and so are imported rows staff have edited
/// on screen (matched in the new list by its ID, else by name and address) unless
/// `overwrite_edits`; an edited row the new list no longer has is kept too, and reported.
pub async fn import(
    tx: &mut AuditedTx,
    actor: &Actor,
    format: ShelterFormat,
    file_name: &str,
    rows: &[ShelterRow],
    overwrite_edits: bool,
) -> Result<(LayerInfo, EditsOnImport), StoreError> {
    let owner = staff_municipality(actor)?;
    let (layer_type, name) = match format {
        ShelterFormat::DigitalAgencyEmergency | ShelterFormat::GsiEmergency => {
            (LayerType::ShelterEmergency, "指定緊急避難場所一覧")
        }
        ShelterFormat::DigitalAgencyShelter | ShelterFormat::GsiShelter => {
            (LayerType::ShelterShelter, "指定避難所一覧")
        }
    };
    let dataset = match format {
        ShelterFormat::DigitalAgencyEmergency => "da-emergency",
        ShelterFormat::DigitalAgencyShelter => "da-shelter",
        ShelterFormat::GsiEmergency => "gsi-emergency",
        ShelterFormat::GsiShelter => "gsi-shelter",
    };
    // The edited rows of the list's previous import (replacing the layer detaches them
    // rather than deleting them).
    let edited = edited_rows_of(tx.conn(), owner, name).await?;
    let layer = replace(
        tx,
        actor,
        owner,
        NewLayer {
            layer_type,
            name,
            dataset,
            hazard_kind: None,
            file_name,
            item_count: rows.len(),
        },
    )
    .await?;
    let mut report = EditsOnImport::default();
    // By key; rows sharing a key (a list without IDs naming one place twice) are matched in turn.
    let mut edited_by_key: std::collections::HashMap<String, Vec<shelter::Model>> =
        std::collections::HashMap::new();
    for m in edited {
        let key = match_key(m.external_id.as_deref(), &m.name, &m.address);
        edited_by_key.entry(key).or_default().push(m);
    }
    let mut fresh = Vec::with_capacity(rows.len());
    let mut reattach = Vec::new();
    for r in rows {
        let key = match_key(r.external_id.as_deref(), &r.name, &r.address);
        match edited_by_key.get_mut(&key).and_then(Vec::pop) {
            Some(m) if !overwrite_edits => {
                report.kept.push(m.name);
                reattach.push(m.id);
            }
            Some(m) => {
                shelter::Entity::delete_by_id(m.id).exec(tx.conn()).await?;
                report.overwritten.push(m.name);
                fresh.push(r);
            }
            None => fresh.push(r),
        }
    }
    // Edited rows the list no longer has stay with it, as edited, until staff delete them
    // (a later release that has them again finds them).
    let mut unlisted: Vec<shelter::Model> = edited_by_key.into_values().flatten().collect();
    unlisted.sort_by(|a, b| a.name.cmp(&b.name));
    for m in unlisted {
        reattach.push(m.id);
        report.unlisted.push(m.name);
    }
    for ids in reattach.chunks(CHUNK) {
        shelter::Entity::update_many()
            .col_expr(shelter::Column::LayerId, Expr::value(layer.id))
            .filter(shelter::Column::Id.is_in(ids.iter().copied()))
            .exec(tx.conn())
            .await?;
    }
    for chunk in fresh.chunks(CHUNK) {
        let models = chunk
            .iter()
            .map(|r| active(uuid::Uuid::now_v7(), owner, Some(layer.id), &(*r).into(), 1))
            .collect::<Result<Vec<_>, _>>()?;
        shelter::Entity::insert_many(models).exec(tx.conn()).await?;
    }
    if report != EditsOnImport::default() {
        tx.record(
            Entry::new(AuditAction::ShelterUpdated, "gis_layer", layer.id)
                .owner(owner)
                .basis(AccessBasis::Owner)
                .detail(serde_json::json!({"edits_on_import": report})),
        );
    }
    Ok((layer, report))
}

/// The rows of the municipality's list `name` that staff edited on screen.
async fn edited_rows_of(
    conn: &impl ConnectionTrait,
    owner: OrganisationId,
    name: &str,
) -> Result<Vec<shelter::Model>, StoreError> {
    let Some(layer) = gis_layer::Entity::find()
        .filter(gis_layer::Column::MunicipalityId.eq(owner.0))
        .filter(gis_layer::Column::Name.eq(name))
        .one(conn)
        .await?
    else {
        return Ok(Vec::new());
    };
    Ok(shelter::Entity::find()
        .filter(shelter::Column::LayerId.eq(layer.id))
        .filter(shelter::Column::EditedAt.is_not_null())
        .all(conn)
        .await?)
}

/// The municipality's shelters, by name.
pub async fn list(
    conn: &impl ConnectionTrait,
    municipality: OrganisationId,
) -> Result<Vec<Shelter>, StoreError> {
    shelter::Entity::find()
        .filter(shelter::Column::MunicipalityId.eq(municipality.0))
        .order_by_asc(shelter::Column::Name)
        .order_by_asc(shelter::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(of_model)
        .collect()
}

pub async fn get(
    conn: &impl ConnectionTrait,
    municipality: OrganisationId,
    id: uuid::Uuid,
) -> Result<Shelter, StoreError> {
    shelter::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|m| m.municipality_id == municipality.0)
        .ok_or(StoreError::NotFound)
        .and_then(of_model)
}

fn validate(s: &Shelter) -> Result<(), StoreError> {
    let mut errors = Vec::new();
    let mut bad = |field: &str, message: &str| {
        errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        })
    };
    if s.name.trim().is_empty() {
        bad("name", "名称を入力してください");
    }
    if !(122.0..=154.5).contains(&s.lon) || !(20.0..=46.0).contains(&s.lat) {
        bad(
            "lat",
            "緯度・経度が日本の範囲外です（緯度 20〜46、経度 122〜154.5）",
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(ValidationErrors(errors)))
    }
}

/// Creates (`id` `None`) or updates a shelter; an update names the version it was read at.
pub async fn save(tx: &mut AuditedTx, actor: &Actor, s: &Shelter) -> Result<Shelter, StoreError> {
    let owner = staff_municipality(actor)?;
    validate(s)?;
    let (id, version, before) = match s.id {
        Some(id) => {
            let m = shelter::Entity::find_by_id(id)
                .one(tx.conn())
                .await?
                .filter(|m| m.municipality_id == owner.0)
                .ok_or(StoreError::NotFound)?;
            if m.version != s.version {
                return Err(StoreError::Conflict { current: m.version });
            }
            let layer = m.layer_id;
            let version = m.version + 1;
            let before = of_model(m)?;
            let mut row = active(id, owner, layer, s, version)?;
            if layer.is_some() {
                row.edited_at = Set(Some(now()));
                row.edited_by = Set(Some(actor.login.clone()));
            }
            let n = shelter::Entity::update_many()
                .set(row)
                .filter(shelter::Column::Id.eq(id))
                .filter(shelter::Column::Version.eq(s.version))
                .exec(tx.conn())
                .await?;
            if n.rows_affected != 1 {
                return Err(StoreError::Conflict { current: version });
            }
            (id, version, Some(before))
        }
        None => {
            let id = uuid::Uuid::now_v7();
            shelter::Entity::insert(active(id, owner, None, s, 1)?)
                .exec(tx.conn())
                .await?;
            (id, 1, None)
        }
    };
    tx.record(
        Entry::new(AuditAction::ShelterUpdated, "shelter", id)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({"before": before, "after": s})),
    );
    get(tx.conn(), owner, id).await.map(|mut s| {
        s.version = version;
        s
    })
}

/// Deletes a shelter (e.g. one no longer designated), naming the version it was read at. A
/// row of an imported list comes back if a later release of the list still has it.
pub async fn remove(
    tx: &mut AuditedTx,
    actor: &Actor,
    id: uuid::Uuid,
    version: i32,
) -> Result<Shelter, StoreError> {
    let owner = staff_municipality(actor)?;
    let before = get(tx.conn(), owner, id).await?;
    if before.version != version {
        return Err(StoreError::Conflict {
            current: before.version,
        });
    }
    let n = shelter::Entity::delete_many()
        .filter(shelter::Column::Id.eq(id))
        .filter(shelter::Column::Version.eq(version))
        .exec(tx.conn())
        .await?;
    if n.rows_affected != 1 {
        return Err(StoreError::Conflict { current: version });
    }
    tx.record(
        Entry::new(AuditAction::ShelterRemoved, "shelter", id)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({"before": before})),
    );
    Ok(before)
}

/// The shelters as the nearest-search index needs them, with the index.
pub(crate) fn index(shelters: &[Shelter]) -> ShelterIndex {
    let points: Vec<ShelterPoint> = shelters
        .iter()
        .map(|s| {
            let mut flags = [false; 6];
            for k in HazardKind::ALL {
                flags[k.index()] = suits(&s.suits, k);
            }
            ShelterPoint {
                lon: s.lon,
                lat: s.lat,
                suits: flags,
            }
        })
        .collect();
    ShelterIndex::new(&points)
}
