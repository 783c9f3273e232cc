//! Address reference points (MLIT 位置参照情報) and the geocoder built from them.

use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use tsunagi_domain::OrganisationId;
use tsunagi_domain::access::Actor;
use tsunagi_gis::geocode::{AddressPoint, Geocoder, Level};

use super::layers::{LayerInfo, LayerType, NewLayer, list, replace};
use super::staff_municipality;
use crate::audit::AuditedTx;
use crate::entity::address_point;
use crate::error::StoreError;

fn level_code(l: Level) -> &'static str {
    match l {
        Level::Block => "block",
        Level::Town => "town",
    }
}

/// Imports one 位置参照情報 file (all rows already valid), replacing the previous file of
/// the same level.
pub async fn import(
    tx: &mut AuditedTx,
    actor: &Actor,
    level: Level,
    file_name: &str,
    points: &[AddressPoint],
) -> Result<LayerInfo, StoreError> {
    let owner = staff_municipality(actor)?;
    let layer_type = match level {
        Level::Block => LayerType::AddressBlock,
        Level::Town => LayerType::AddressTown,
    };
    let layer = replace(
        tx,
        actor,
        owner,
        NewLayer {
            layer_type,
            name: layer_type.label(),
            dataset: "mlit-isj",
            hazard_kind: None,
            file_name,
            item_count: points.len(),
        },
    )
    .await?;
    {
        let rows: Vec<address_point::ActiveModel> = points
            .iter()
            .enumerate()
            .map(|(i, p)| address_point::ActiveModel {
                layer_id: Set(layer.id),
                seq: Set(i32::try_from(i).unwrap_or(i32::MAX)),
                level: Set(level_code(p.level).to_owned()),
                prefecture: Set(p.prefecture.clone()),
                city: Set(p.municipality.clone()),
                town: Set(p.town.clone()),
                koaza: Set(p.koaza.clone()),
                block: Set(p.block.clone()),
                lon: Set(p.lon),
                lat: Set(p.lat),
            })
            .collect();
        crate::db::bulk::insert_models(tx.conn(), rows).await?;
    }
    Ok(layer)
}

/// The geocoder over every reference point the municipality has loaded.
pub(crate) async fn geocoder(
    conn: &impl ConnectionTrait,
    municipality: OrganisationId,
) -> Result<Geocoder, StoreError> {
    let layers: Vec<uuid::Uuid> = list(conn, municipality)
        .await?
        .into_iter()
        .filter(|l| {
            matches!(
                l.layer_type,
                LayerType::AddressBlock | LayerType::AddressTown
            )
        })
        .map(|l| l.id)
        .collect();
    let points: Vec<AddressPoint> = address_point::Entity::find()
        .filter(address_point::Column::LayerId.is_in(layers))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| AddressPoint {
            level: if m.level == "block" {
                Level::Block
            } else {
                Level::Town
            },
            prefecture: m.prefecture,
            municipality: m.city,
            town: m.town,
            koaza: m.koaza,
            block: m.block,
            lon: m.lon,
            lat: m.lat,
        })
        .collect();
    Ok(Geocoder::new(&points))
}
