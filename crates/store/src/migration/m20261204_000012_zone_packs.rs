//! Hazard zones are stored packed (`hazard_zone_packs`: many zones per row in the compact
//! binary form of `tsunagi_gis::pack`), so a classification loads a layer without parsing
//! text. Layers imported before are converted here, and the per-zone GeoJSON table goes.

use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HazardZonePacks {
    Table,
    LayerId,
    Seq,
    Zones,
    Data,
}

#[derive(DeriveIden)]
enum GisLayers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum HazardZones {
    Table,
}

/// Zones per pack: small enough to decode packs on every core, large enough to keep rows few.
pub const ZONES_PER_PACK: usize = 2000;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(HazardZonePacks::Table)
                .col(uuid(HazardZonePacks::LayerId))
                .col(integer(HazardZonePacks::Seq))
                .col(integer(HazardZonePacks::Zones))
                .col(blob(HazardZonePacks::Data))
                .primary_key(
                    Index::create()
                        .col(HazardZonePacks::LayerId)
                        .col(HazardZonePacks::Seq),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_zone_pack_layer")
                        .from(HazardZonePacks::Table, HazardZonePacks::LayerId)
                        .to(GisLayers::Table, GisLayers::Id),
                )
                .to_owned(),
        )
        .await?;
        convert(m).await?;
        m.drop_table(Table::drop().table(HazardZones::Table).to_owned())
            .await
    }
}

/// Packs every layer's zones from the former per-zone rows, in their order.
async fn convert(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    use crate::gis::codec::{geometry_of, kind_of, severity_of};
    let db = m.get_connection();
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT layer_id, hazard_kind, severity, geometry FROM hazard_zones ORDER BY layer_id, seq",
        ))
        .await?;
    let bad = |e: crate::StoreError| DbErr::Custom(format!("converting hazard zones: {e}"));
    let mut by_layer: Vec<(uuid::Uuid, Vec<tsunagi_gis::Zone>)> = Vec::new();
    for r in rows {
        let layer: uuid::Uuid = r.try_get("", "layer_id")?;
        let kind: String = r.try_get("", "hazard_kind")?;
        let severity: String = r.try_get("", "severity")?;
        let geometry: String = r.try_get("", "geometry")?;
        let zone = tsunagi_gis::Zone {
            shape: geometry_of(&geometry).map_err(bad)?,
            class: tsunagi_gis::ZoneClass {
                kind: kind_of(&kind).map_err(bad)?,
                severity: severity_of(&severity).map_err(bad)?,
                layer: 0,
            },
        };
        match by_layer.last_mut() {
            Some((id, zones)) if *id == layer => zones.push(zone),
            _ => by_layer.push((layer, vec![zone])),
        }
    }
    for (layer, zones) in by_layer {
        for (seq, chunk) in zones.chunks(ZONES_PER_PACK).enumerate() {
            let insert = Query::insert()
                .into_table(HazardZonePacks::Table)
                .columns([
                    HazardZonePacks::LayerId,
                    HazardZonePacks::Seq,
                    HazardZonePacks::Zones,
                    HazardZonePacks::Data,
                ])
                .values_panic([
                    layer.into(),
                    <i32 as TryFrom<usize>>::try_from(seq)
                        .unwrap_or(i32::MAX)
                        .into(),
                    <i32 as TryFrom<usize>>::try_from(chunk.len())
                        .unwrap_or(i32::MAX)
                        .into(),
                    tsunagi_gis::pack::encode(chunk).into(),
                ])
                .to_owned();
            m.exec_stmt(insert).await?;
        }
    }
    Ok(())
}
