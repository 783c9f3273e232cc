//! The zone-pack migration (000012) on a database holding layers in the former per-zone form.

/// Layers imported before zones were packed come through the migration whole: the same zones,
/// in order, with their meaning, and the per-zone table is gone.
async fn zones_are_packed_by_the_migration(backend: tsunagi_store::testing::Backend) {
    use sea_orm::sea_query::{Alias, Query};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, Database};
    use sea_orm_migration::MigratorTrait;
    use tsunagi_store::entity::{gis_layer, organisation};
    let db = tsunagi_store::testing::TestDatabase::new(backend)
        .await
        .expect("database");
    let conn = Database::connect(&db.url).await.expect("connect");
    tsunagi_store::migration::Migrator::up(&conn, Some(11))
        .await
        .expect("migrations before packs");
    let town = uuid::Uuid::now_v7();
    let layer = uuid::Uuid::now_v7();
    organisation::ActiveModel {
        id: Set(town),
        name: Set("潮見市".into()),
        kind: Set("municipality".into()),
        local_gov_code: Set(None),
        municipality_id: Set(Some(town)),
        created_at: Set(tsunagi_store::now()),
        review_interval_months: Set(12),
    }
    .insert(&conn)
    .await
    .expect("town");
    gis_layer::ActiveModel {
        id: Set(layer),
        municipality_id: Set(town),
        layer_type: Set("hazard".into()),
        name: Set("洪水".into()),
        dataset: Set("A31-max".into()),
        hazard_kind: Set(Some("flood".into())),
        version: Set(1),
        file_name: Set("a.geojson".into()),
        item_count: Set(3),
        imported_by: Set("t".into()),
        imported_at: Set(tsunagi_store::now()),
    }
    .insert(&conn)
    .await
    .expect("layer");
    let square = |x: f64| {
        format!(
            r#"{{"type":"MultiPolygon","coordinates":[[[[{x},33.0],[{x}.5,33.0],[{x}.5,33.5],[{x},33.0]]]]}}"#
        )
    };
    for (seq, x, severity) in [
        (0, 133, r#"{"t":"depth","lower_m":0.5,"upper_m":3.0}"#),
        (1, 134, r#"{"t":"depth","lower_m":3.0,"upper_m":null}"#),
        (2, 135, r#"{"t":"present"}"#),
    ] {
        let q = Query::insert()
            .into_table(Alias::new("hazard_zones"))
            .columns(
                [
                    "layer_id",
                    "seq",
                    "hazard_kind",
                    "severity",
                    "label",
                    "min_lon",
                    "min_lat",
                    "max_lon",
                    "max_lat",
                    "geometry",
                ]
                .map(Alias::new),
            )
            .values_panic([
                layer.into(),
                seq.into(),
                "flood".into(),
                severity.into(),
                "x".into(),
                0.0.into(),
                0.0.into(),
                0.0.into(),
                0.0.into(),
                square(f64::from(x)).into(),
            ])
            .to_owned();
        conn.execute(&q).await.expect("zone");
    }
    conn.close().await.expect("close");
    let store = db.store().await.expect("migrate to the packs");
    let features = store
        .layer_features(tsunagi_domain::OrganisationId(town), layer, 0.0)
        .await
        .expect("features");
    let features = features["features"].as_array().expect("features").clone();
    let labels: Vec<&str> = features
        .iter()
        .map(|f| f["properties"]["label"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(labels, ["0.5m以上3m未満", "3m以上", "区域内"]);
    assert_eq!(
        features[1]["geometry"]["coordinates"][0][0][1],
        serde_json::json!([134.5, 33.0])
    );
    let gone = store.close().await;
    assert!(gone.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zones_are_packed_by_the_migration_sqlite() {
    zones_are_packed_by_the_migration(tsunagi_store::testing::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zones_are_packed_by_the_migration_postgres() {
    zones_are_packed_by_the_migration(tsunagi_store::testing::Backend::Postgres).await;
}
