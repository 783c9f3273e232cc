//! Imported layers (hazard maps, address reference points, shelter lists): each is versioned
//! and identified by its name within the municipality; re-importing replaces it atomically
//! (the old items go and the new come in one transaction, or nothing changes).

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::{AccessBasis, Actor};
use tsunagi_domain::audit::AuditAction;
use tsunagi_gis::{HazardKind, Zone};

use super::codec::{kind_code, kind_of};
use super::staff_municipality;
use crate::audit::{AuditedTx, Entry};
use crate::entity::{address_point, gis_layer, hazard_zone_pack, shelter};
use crate::error::StoreError;
use crate::now;

/// What a layer holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerType {
    Hazard,
    /// The planned-scale (計画規模) depths of a flood layer classified by the maximum scale:
    /// kept and shown for reference, not used for point 1.
    HazardPlanned,
    AddressBlock,
    AddressTown,
    ShelterEmergency,
    ShelterShelter,
}

impl LayerType {
    pub const ALL: [LayerType; 6] = [
        LayerType::Hazard,
        LayerType::HazardPlanned,
        LayerType::AddressBlock,
        LayerType::AddressTown,
        LayerType::ShelterEmergency,
        LayerType::ShelterShelter,
    ];
    pub fn code(self) -> &'static str {
        match self {
            LayerType::Hazard => "hazard",
            LayerType::HazardPlanned => "hazard_planned",
            LayerType::AddressBlock => "address_block",
            LayerType::AddressTown => "address_town",
            LayerType::ShelterEmergency => "shelter_emergency",
            LayerType::ShelterShelter => "shelter_shelter",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            LayerType::Hazard => "ハザード",
            LayerType::HazardPlanned => "ハザード（計画規模・参考）",
            LayerType::AddressBlock => "位置参照情報（街区）",
            LayerType::AddressTown => "位置参照情報（大字・町丁目）",
            LayerType::ShelterEmergency => "指定緊急避難場所",
            LayerType::ShelterShelter => "指定避難所",
        }
    }
    fn parse(code: &str) -> Result<Self, StoreError> {
        Self::ALL
            .into_iter()
            .find(|t| t.code() == code)
            .ok_or_else(|| StoreError::Corrupt(format!("layer type {code}")))
    }
}

/// A layer as listed.
#[derive(Clone, Debug, Serialize)]
pub struct LayerInfo {
    pub id: uuid::Uuid,
    pub layer_type: LayerType,
    pub name: String,
    pub dataset: String,
    #[serde(skip)]
    pub hazard_kind: Option<HazardKind>,
    pub hazard_label: Option<&'static str>,
    pub version: i32,
    pub file_name: String,
    pub item_count: i32,
    pub imported_by: String,
    pub imported_at: chrono::DateTime<chrono::Utc>,
}

fn info(m: gis_layer::Model) -> Result<LayerInfo, StoreError> {
    let hazard_kind = m.hazard_kind.as_deref().map(kind_of).transpose()?;
    Ok(LayerInfo {
        id: m.id,
        layer_type: LayerType::parse(&m.layer_type)?,
        name: m.name,
        dataset: m.dataset,
        hazard_kind,
        hazard_label: hazard_kind.map(HazardKind::label),
        version: m.version,
        file_name: m.file_name,
        item_count: m.item_count,
        imported_by: m.imported_by,
        imported_at: m.imported_at,
    })
}

/// The municipality's layers, hazard layers first.
pub async fn list(
    conn: &impl ConnectionTrait,
    municipality: OrganisationId,
) -> Result<Vec<LayerInfo>, StoreError> {
    gis_layer::Entity::find()
        .filter(gis_layer::Column::MunicipalityId.eq(municipality.0))
        .order_by_asc(gis_layer::Column::LayerType)
        .order_by_asc(gis_layer::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .map(info)
        .collect()
}

/// What a new layer version is.
pub(crate) struct NewLayer<'a> {
    pub layer_type: LayerType,
    pub name: &'a str,
    pub dataset: &'a str,
    pub hazard_kind: Option<HazardKind>,
    pub file_name: &'a str,
    pub item_count: usize,
}

async fn delete_items(
    conn: &impl ConnectionTrait,
    id: uuid::Uuid,
    t: LayerType,
) -> Result<(), StoreError> {
    match t {
        LayerType::Hazard | LayerType::HazardPlanned => {
            hazard_zone_pack::Entity::delete_many()
                .filter(hazard_zone_pack::Column::LayerId.eq(id))
                .exec(conn)
                .await?;
        }
        LayerType::AddressBlock | LayerType::AddressTown => {
            address_point::Entity::delete_many()
                .filter(address_point::Column::LayerId.eq(id))
                .exec(conn)
                .await?;
        }
        LayerType::ShelterEmergency | LayerType::ShelterShelter => {
            // Rows staff edited on screen outlive their list, as entered by hand.
            shelter::Entity::update_many()
                .col_expr(
                    shelter::Column::LayerId,
                    Expr::value(Option::<uuid::Uuid>::None),
                )
                .filter(shelter::Column::LayerId.eq(id))
                .filter(shelter::Column::EditedAt.is_not_null())
                .exec(conn)
                .await?;
            shelter::Entity::delete_many()
                .filter(shelter::Column::LayerId.eq(id))
                .exec(conn)
                .await?;
        }
    }
    Ok(())
}

/// Makes a new version of the layer named `new.name` (emptying the old one) and returns its
/// id; the caller inserts the items in the same transaction.
pub(crate) async fn replace(
    tx: &mut AuditedTx,
    actor: &Actor,
    owner: OrganisationId,
    new: NewLayer<'_>,
) -> Result<LayerInfo, StoreError> {
    let existing = gis_layer::Entity::find()
        .filter(gis_layer::Column::MunicipalityId.eq(owner.0))
        .filter(gis_layer::Column::Name.eq(new.name))
        .one(tx.conn())
        .await?;
    let (id, version) = match &existing {
        Some(m) => {
            delete_items(tx.conn(), m.id, LayerType::parse(&m.layer_type)?).await?;
            gis_layer::Entity::delete_by_id(m.id)
                .exec(tx.conn())
                .await?;
            (m.id, m.version + 1)
        }
        None => (uuid::Uuid::now_v7(), 1),
    };
    let model = gis_layer::Model {
        id,
        municipality_id: owner.0,
        layer_type: new.layer_type.code().to_owned(),
        name: new.name.to_owned(),
        dataset: new.dataset.to_owned(),
        hazard_kind: new.hazard_kind.map(|k| kind_code(k).to_owned()),
        version,
        file_name: new.file_name.to_owned(),
        item_count: i32::try_from(new.item_count).unwrap_or(i32::MAX),
        imported_by: actor.login.clone(),
        imported_at: now(),
    };
    gis_layer::Entity::insert(gis_layer::ActiveModel {
        id: Set(model.id),
        municipality_id: Set(model.municipality_id),
        layer_type: Set(model.layer_type.clone()),
        name: Set(model.name.clone()),
        dataset: Set(model.dataset.clone()),
        hazard_kind: Set(model.hazard_kind.clone()),
        version: Set(model.version),
        file_name: Set(model.file_name.clone()),
        item_count: Set(model.item_count),
        imported_by: Set(model.imported_by.clone()),
        imported_at: Set(model.imported_at),
    })
    .exec(tx.conn())
    .await?;
    tx.record(
        Entry::new(AuditAction::LayerImported, "gis_layer", id)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({
                "type": new.layer_type.code(),
                "name": new.name,
                "dataset": new.dataset,
                "file": new.file_name,
                "items": new.item_count,
                "version": version,
            })),
    );
    info(model)
}

/// Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits.
pub(crate) const CHUNK: usize = 500;

/// Imports a hazard layer read from a file (all its zones, already validated), replacing the
/// layer of the same name. `planned` are the same file's planned-scale zones (with their
/// dataset), kept beside it as 「name（計画規模）」 for reference.
pub async fn import_hazard(
    tx: &mut AuditedTx,
    actor: &Actor,
    name: &str,
    dataset: &str,
    file_name: &str,
    zones: &[Zone],
    planned: Option<(&str, &[Zone])>,
) -> Result<LayerInfo, StoreError> {
    let owner = staff_municipality(actor)?;
    if let Some((planned_dataset, planned_zones)) = planned {
        let companion = format!("{name}（計画規模）");
        write_zones(
            tx,
            actor,
            owner,
            NewLayer {
                layer_type: LayerType::HazardPlanned,
                name: &companion,
                dataset: planned_dataset,
                hazard_kind: planned_zones.first().map(|z| z.class.kind),
                file_name,
                item_count: planned_zones.len(),
            },
            planned_zones,
        )
        .await?;
    }
    write_zones(
        tx,
        actor,
        owner,
        NewLayer {
            layer_type: LayerType::Hazard,
            name,
            dataset,
            hazard_kind: zones.first().map(|z| z.class.kind),
            file_name,
            item_count: zones.len(),
        },
        zones,
    )
    .await
}

async fn write_zones(
    tx: &mut AuditedTx,
    actor: &Actor,
    owner: OrganisationId,
    new: NewLayer<'_>,
    zones: &[Zone],
) -> Result<LayerInfo, StoreError> {
    let layer = replace(tx, actor, owner, new).await?;
    let packs = tsunagi_gis::pack::encode_many(
        zones,
        ZONES_PER_PACK,
        tsunagi_gis::index::default_threads(),
    );
    let rows: Vec<hazard_zone_pack::ActiveModel> = packs
        .into_iter()
        .zip(zones.chunks(ZONES_PER_PACK))
        .enumerate()
        .map(|(seq, (data, chunk))| hazard_zone_pack::ActiveModel {
            layer_id: Set(layer.id),
            seq: Set(i32::try_from(seq).unwrap_or(i32::MAX)),
            zones: Set(i32::try_from(chunk.len()).unwrap_or(i32::MAX)),
            data: Set(data),
        })
        .collect();
    // A few packs per statement: each is a large value.
    for chunk in rows.chunks(8) {
        hazard_zone_pack::Entity::insert_many(chunk.to_vec())
            .exec(tx.conn())
            .await?;
    }
    Ok(layer)
}

/// Zones per stored pack.
pub(crate) use crate::migration::m20261204_000012_zone_packs::ZONES_PER_PACK;

/// One layer's zones, unpacked on all cores, numbered as layer `n`.
async fn zones_of_layer(
    conn: &impl ConnectionTrait,
    layer: uuid::Uuid,
    n: u32,
) -> Result<Vec<Zone>, StoreError> {
    let packs: Vec<Vec<u8>> = hazard_zone_pack::Entity::find()
        .filter(hazard_zone_pack::Column::LayerId.eq(layer))
        .order_by_asc(hazard_zone_pack::Column::Seq)
        .all(conn)
        .await?
        .into_iter()
        .map(|p| p.data)
        .collect();
    tsunagi_gis::pack::decode_many(&packs, n, tsunagi_gis::index::default_threads())
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Removes a layer and everything it holds.
pub async fn remove(tx: &mut AuditedTx, actor: &Actor, id: uuid::Uuid) -> Result<(), StoreError> {
    let owner = staff_municipality(actor)?;
    let m = gis_layer::Entity::find_by_id(id)
        .one(tx.conn())
        .await?
        .filter(|m| m.municipality_id == owner.0)
        .ok_or(StoreError::NotFound)?;
    delete_items(tx.conn(), id, LayerType::parse(&m.layer_type)?).await?;
    gis_layer::Entity::delete_by_id(id).exec(tx.conn()).await?;
    tx.record(
        Entry::new(AuditAction::LayerRemoved, "gis_layer", id)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({"name": m.name, "version": m.version})),
    );
    Ok(())
}

/// A stored zone with the layer it belongs to.
pub struct StoredZone {
    pub layer: uuid::Uuid,
    pub zone: Zone,
}

/// Every hazard zone of the municipality of one layer type (`Hazard` for classification,
/// `HazardPlanned` for reference); `Zone.class.layer` numbers the layers in `layers`.
pub(crate) async fn zones(
    conn: &impl ConnectionTrait,
    municipality: OrganisationId,
    layer_type: LayerType,
) -> Result<(Vec<LayerInfo>, Vec<Zone>), StoreError> {
    let layers: Vec<LayerInfo> = list(conn, municipality)
        .await?
        .into_iter()
        .filter(|l| l.layer_type == layer_type)
        .collect();
    let mut out = Vec::new();
    for (n, l) in layers.iter().enumerate() {
        out.extend(zones_of_layer(conn, l.id, u32::try_from(n).unwrap_or(u32::MAX)).await?);
    }
    Ok((layers, out))
}

/// One layer's zones for the map: GeoJSON features simplified by `tolerance` degrees
/// (Ramer–Douglas–Peucker), so a zoomed-out map stays light.
pub async fn layer_features(
    conn: &impl ConnectionTrait,
    municipality: OrganisationId,
    id: uuid::Uuid,
    tolerance: f64,
) -> Result<serde_json::Value, StoreError> {
    use geo::Simplify;
    let layer = gis_layer::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|m| {
            m.municipality_id == municipality.0
                && (m.layer_type == LayerType::Hazard.code()
                    || m.layer_type == LayerType::HazardPlanned.code())
        })
        .ok_or(StoreError::NotFound)?;
    let mut features = Vec::new();
    for z in zones_of_layer(conn, id, 0).await? {
        let shape = if tolerance > 0.0 {
            z.shape.simplify(tolerance)
        } else {
            z.shape
        };
        features.push(serde_json::json!({
            "type": "Feature",
            "properties": {
                "kind": kind_code(z.class.kind),
                "label": z.class.severity.label(),
                "grade": grade(&z.class.severity),
            },
            "geometry": {"type": "MultiPolygon", "coordinates": super::codec::rings_of(&shape)},
        }));
    }
    Ok(serde_json::json!({
        "type": "FeatureCollection",
        "name": layer.name,
        "features": features,
    }))
}

/// 0 (mild) … 5 (worst) for colouring on the map.
fn grade(s: &tsunagi_gis::Severity) -> u8 {
    use tsunagi_gis::Severity;
    match s {
        Severity::Depth(b) => match b.lower_m {
            l if l >= 10.0 => 5,
            l if l >= 5.0 => 4,
            l if l >= 3.0 => 3,
            l if l >= 0.5 => 2,
            l if l >= 0.3 => 1,
            _ => 0,
        },
        Severity::Landslide(z) => {
            if z.special {
                4
            } else {
                2
            }
        }
        Severity::Present => 2,
    }
}
