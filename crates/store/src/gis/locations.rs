//! Where each home is: geocoded from the address (街区 or 町丁目 level), imported as
//! coordinates, or pinned by hand on the map. Pins and imports are never overwritten by a
//! re-geocode; a pin names the version it was made on.

use std::collections::HashMap;

use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use tsunagi_domain::access::{AccessBasis, Actor};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::{OrganisationId, PersonId};
use tsunagi_gis::geocode::Level;

use super::staff_municipality;
use crate::access::{Need, require};
use crate::audit::{AuditedTx, Entry};
use crate::entity::{person, person_location, roster_entry};
use crate::error::StoreError;
use crate::now;
use crate::persons::{PersonSummary, summary};

/// How a location was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationLevel {
    /// 街区 (block) of the 位置参照情報
    Block,
    /// 大字・町丁目: the town's representative point, less precise
    Town,
    /// Imported as coordinates
    Imported,
    /// Pinned by hand on the map
    Manual,
}

/// The geocoder's match level as stored.
impl From<Level> for LocationLevel {
    fn from(level: Level) -> Self {
        match level {
            Level::Block => LocationLevel::Block,
            Level::Town => LocationLevel::Town,
        }
    }
}

impl LocationLevel {
    pub fn code(self) -> &'static str {
        match self {
            LocationLevel::Block => "block",
            LocationLevel::Town => "town",
            LocationLevel::Imported => "imported",
            LocationLevel::Manual => "manual",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            LocationLevel::Block => "街区",
            LocationLevel::Town => "町丁目",
            LocationLevel::Imported => "座標の取込",
            LocationLevel::Manual => "地図で指定",
        }
    }
    fn parse(code: &str) -> Result<Self, StoreError> {
        [
            LocationLevel::Block,
            LocationLevel::Town,
            LocationLevel::Imported,
            LocationLevel::Manual,
        ]
        .into_iter()
        .find(|l| l.code() == code)
        .ok_or_else(|| StoreError::Corrupt(format!("location level {code}")))
    }
    /// Found from the address by the geocoder (and so redone by a re-geocode).
    pub fn is_geocoded(self) -> bool {
        matches!(self, LocationLevel::Block | LocationLevel::Town)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Location {
    pub lon: f64,
    pub lat: f64,
    pub level: LocationLevel,
    pub level_label: &'static str,
    pub matched: Option<String>,
    pub version: i32,
}

pub(crate) fn of_model(m: &person_location::Model) -> Result<Location, StoreError> {
    let level = LocationLevel::parse(&m.level)?;
    Ok(Location {
        lon: m.lon,
        lat: m.lat,
        level,
        level_label: level.label(),
        matched: m.matched.clone(),
        version: m.version,
    })
}

/// The roster persons of a municipality.
pub(crate) async fn roster_persons(
    conn: &impl ConnectionTrait,
    municipality: OrganisationId,
) -> Result<Vec<person::Model>, StoreError> {
    Ok(person::Entity::find()
        .filter(person::Column::MunicipalityId.eq(municipality.0))
        .filter(
            person::Column::Id.in_subquery(
                Query::select()
                    .column(roster_entry::Column::PersonId)
                    .from(roster_entry::Entity)
                    .to_owned(),
            ),
        )
        .order_by_asc(person::Column::NameKana)
        .order_by_asc(person::Column::Id)
        .all(conn)
        .await?)
}

/// Where the homes of a municipality's persons are (only of `only`, when given): (lon, lat)
/// by person, read as plain columns.
pub(crate) async fn points_of(
    conn: &impl ConnectionTrait,
    municipality: OrganisationId,
    only: Option<&[uuid::Uuid]>,
) -> Result<HashMap<uuid::Uuid, (f64, f64)>, StoreError> {
    let in_owner = Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(person::Column::MunicipalityId.eq(municipality.0))
        .to_owned();
    let query = || {
        person_location::Entity::find()
            .select_only()
            .column(person_location::Column::PersonId)
            .column(person_location::Column::Lon)
            .column(person_location::Column::Lat)
    };
    let mut out = HashMap::new();
    let rows: Vec<(uuid::Uuid, f64, f64)> = match only {
        None => {
            query()
                .filter(person_location::Column::PersonId.in_subquery(in_owner.clone()))
                .into_tuple()
                .all(conn)
                .await?
        }
        // The caller names persons of the municipality.
        Some(ids) => {
            let mut rows = Vec::with_capacity(ids.len());
            let backend = conn.get_database_backend();
            for cond in crate::db::bulk::among(backend, "person_locations", "person_id", ids) {
                rows.extend(
                    query()
                        .filter(cond)
                        .into_tuple::<(uuid::Uuid, f64, f64)>()
                        .all(conn)
                        .await?,
                );
            }
            rows
        }
    };
    for (p, lon, lat) in rows {
        out.insert(p, (lon, lat));
    }
    Ok(out)
}

/// Every location of the municipality's persons, by person.
pub(crate) async fn all(
    conn: &impl ConnectionTrait,
    municipality: OrganisationId,
) -> Result<HashMap<uuid::Uuid, person_location::Model>, StoreError> {
    Ok(person_location::Entity::find()
        .filter(
            person_location::Column::PersonId.in_subquery(
                Query::select()
                    .column(person::Column::Id)
                    .from(person::Entity)
                    .and_where(person::Column::MunicipalityId.eq(municipality.0))
                    .to_owned(),
            ),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.person_id, m))
        .collect())
}

fn row(
    person: uuid::Uuid,
    lon: f64,
    lat: f64,
    level: LocationLevel,
    matched: Option<String>,
    version: i32,
    t: chrono::DateTime<chrono::Utc>,
) -> person_location::ActiveModel {
    person_location::ActiveModel {
        person_id: Set(person),
        lon: Set(lon),
        lat: Set(lat),
        level: Set(level.code().to_owned()),
        matched: Set(matched),
        located_at: Set(t),
        version: Set(version),
    }
}

/// Writes many locations (replacing those of the same persons) and removes others, many per
/// statement.
async fn put_many(
    conn: &impl ConnectionTrait,
    rows: Vec<person_location::ActiveModel>,
    remove: &[uuid::Uuid],
) -> Result<(), StoreError> {
    let mut ids: Vec<uuid::Uuid> = rows
        .iter()
        .filter_map(|r| r.person_id.clone().take())
        .collect();
    ids.extend_from_slice(remove);
    let backend = conn.get_database_backend();
    for cond in crate::db::bulk::among(backend, "person_locations", "person_id", &ids) {
        person_location::Entity::delete_many()
            .filter(cond)
            .exec(conn)
            .await?;
    }
    crate::db::bulk::insert_models(conn, rows).await
}

async fn put(
    conn: &impl ConnectionTrait,
    person: uuid::Uuid,
    lon: f64,
    lat: f64,
    level: LocationLevel,
    matched: Option<String>,
    version: i32,
) -> Result<(), StoreError> {
    person_location::Entity::delete_by_id(person)
        .exec(conn)
        .await?;
    person_location::Entity::insert(person_location::ActiveModel {
        person_id: Set(person),
        lon: Set(lon),
        lat: Set(lat),
        level: Set(level.code().to_owned()),
        matched: Set(matched),
        located_at: Set(now()),
        version: Set(version),
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// A home the geocoder could not place.
#[derive(Clone, Debug, Serialize)]
pub struct Unmatched {
    pub person: PersonSummary,
}

/// What a geocoding run did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct GeocodeReport {
    pub block: usize,
    pub town: usize,
    /// Pinned or imported locations, left as they are.
    pub kept: usize,
    pub unmatched: Vec<Unmatched>,
}

/// Geocodes every roster home of the actor's municipality (pins and imports are kept).
pub async fn geocode_all(tx: &mut AuditedTx, actor: &Actor) -> Result<GeocodeReport, StoreError> {
    let owner = staff_municipality(actor)?;
    let geocoder = super::addresses::geocoder(tx.conn(), owner).await?;
    let existing = all(tx.conn(), owner).await?;
    let mut report = GeocodeReport::default();
    let t = now();
    let mut rows = Vec::new();
    let mut gone = Vec::new();
    for p in roster_persons(tx.conn(), owner).await? {
        let current = existing.get(&p.id);
        if let Some(c) = current
            && !LocationLevel::parse(&c.level)?.is_geocoded()
        {
            report.kept += 1;
            continue;
        }
        let version = current.map_or(1, |c| c.version + 1);
        match geocoder.locate(&p.address) {
            Some(found) => {
                let level = LocationLevel::from(found.level);
                match level {
                    LocationLevel::Town => report.town += 1,
                    _ => report.block += 1,
                }
                let unchanged = current.is_some_and(|c| {
                    c.lon == found.lon && c.lat == found.lat && c.level == level.code()
                });
                if !unchanged {
                    rows.push(row(
                        p.id,
                        found.lon,
                        found.lat,
                        level,
                        Some(found.matched),
                        version,
                        t,
                    ));
                }
            }
            None => {
                if current.is_some() {
                    gone.push(p.id);
                }
                report.unmatched.push(Unmatched {
                    person: summary(&p)?,
                });
            }
        }
    }
    put_many(tx.conn(), rows, &gone).await?;
    tx.record(
        Entry::new(AuditAction::HomesLocated, "roster", owner)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({
                "block": report.block,
                "town": report.town,
                "kept": report.kept,
                "unmatched": report.unmatched.len(),
            })),
    );
    Ok(report)
}

/// Roster persons of the actor's municipality whose home has no location yet.
pub async fn unmatched(tx: &mut AuditedTx, actor: &Actor) -> Result<Vec<Unmatched>, StoreError> {
    let owner = staff_municipality(actor)?;
    let existing = all(tx.conn(), owner).await?;
    let out: Vec<Unmatched> = roster_persons(tx.conn(), owner)
        .await?
        .iter()
        .filter(|p| !existing.contains_key(&p.id))
        .map(|p| summary(p).map(|person| Unmatched { person }))
        .collect::<Result<_, _>>()?;
    tx.record(
        Entry::new(AuditAction::PersonSearched, "person", "")
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({"list": "unlocated", "total": out.len()})),
    );
    Ok(out)
}

/// A person's home location, if known (the caller has checked access).
pub(crate) async fn of_person(
    conn: &impl ConnectionTrait,
    id: PersonId,
) -> Result<Option<Location>, StoreError> {
    person_location::Entity::find_by_id(id.0)
        .one(conn)
        .await?
        .as_ref()
        .map(of_model)
        .transpose()
}

fn check_point(lon: f64, lat: f64) -> Result<(), StoreError> {
    if (122.0..=154.5).contains(&lon) && (20.0..=46.0).contains(&lat) {
        Ok(())
    } else {
        Err(StoreError::Invalid(tsunagi_domain::ValidationErrors(vec![
            tsunagi_domain::error::FieldError {
                field: "location".into(),
                message: "位置が日本の範囲外です（緯度 20〜46、経度 122〜154.5）".into(),
            },
        ])))
    }
}

/// The owner of a home staff may pin: the owning municipality's staff only.
async fn require_pinning(
    tx: &AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
) -> Result<OrganisationId, StoreError> {
    let (owner, _) = require(tx, actor, disaster, id, Need::Own).await?;
    staff_municipality(actor)?;
    Ok(owner)
}

/// A home's current location, for the staff about to pin it (audited as a view).
pub async fn for_pinning(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
) -> Result<Option<Location>, StoreError> {
    let owner = require_pinning(tx, actor, disaster, id).await?;
    let location = of_person(tx.conn(), id).await?;
    tx.record(
        Entry::new(AuditAction::PersonViewed, "person", id)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({"part": "location"})),
    );
    Ok(location)
}

/// Pins a home by hand (the owning municipality's staff). `expected_version` is the version of
/// the location the user saw (0 for none); the home is classified again at once.
pub async fn pin(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
    lon: f64,
    lat: f64,
    expected_version: i32,
) -> Result<Location, StoreError> {
    let owner = require_pinning(tx, actor, disaster, id).await?;
    check_point(lon, lat)?;
    let current = of_person(tx.conn(), id).await?;
    let version = current.as_ref().map_or(0, |c| c.version);
    if version != expected_version {
        return Err(StoreError::Conflict { current: version });
    }
    put(
        tx.conn(),
        id.0,
        lon,
        lat,
        LocationLevel::Manual,
        None,
        version + 1,
    )
    .await?;
    tx.record(
        Entry::new(AuditAction::PersonUpdated, "person", id)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({
                "location": {"before": current, "after": {"lon": lon, "lat": lat, "level": "manual"}},
            })),
    );
    of_person(tx.conn(), id).await?.ok_or(StoreError::NotFound)
}

/// Locates homes again after their address changed (a pin or imported point for the old
/// address no longer holds), with the municipality's address tables loaded once. A home the
/// tables do not place loses its location. Nothing happens to a home that had no location
/// while the municipality has no address tables. Returns the homes whose location was written
/// or removed (to be classified again); one audit entry names them and `cause`.
pub async fn locate_again(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    homes: &[(PersonId, String)],
    cause: &[&str],
) -> Result<Vec<PersonId>, StoreError> {
    let geocoder = super::addresses::geocoder(tx.conn(), owner).await?;
    let ids: Vec<uuid::Uuid> = homes.iter().map(|(p, _)| p.0).collect();
    let mut current: HashMap<uuid::Uuid, i32> = HashMap::new();
    for chunk in ids.chunks(500) {
        for m in person_location::Entity::find()
            .filter(person_location::Column::PersonId.is_in(chunk.to_vec()))
            .all(tx.conn())
            .await?
        {
            current.insert(m.person_id, m.version);
        }
    }
    let t = now();
    let mut rows = Vec::new();
    let mut touched = Vec::new();
    for (id, address) in homes {
        let version = current.get(&id.0).copied();
        if geocoder.is_empty() && version.is_none() {
            continue;
        }
        touched.push(*id);
        if let Some(found) = geocoder.locate(address) {
            rows.push(row(
                id.0,
                found.lon,
                found.lat,
                LocationLevel::from(found.level),
                Some(found.matched),
                version.map_or(1, |v| v + 1),
                t,
            ));
        }
    }
    let located = rows.len();
    let rewritten: Vec<uuid::Uuid> = touched.iter().map(|p| p.0).collect();
    put_many(tx.conn(), rows, &rewritten).await?;
    if !touched.is_empty() {
        tx.record(
            Entry::new(AuditAction::HomesLocated, "roster", owner)
                .owner(owner)
                .basis(AccessBasis::Owner)
                .detail(serde_json::json!({
                    "cause": cause,
                    "persons": touched.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "located": located,
                    "unmatched": touched.len() - located,
                })),
        );
    }
    Ok(touched)
}

/// One row of a coordinates file.
#[derive(Clone, Debug)]
pub struct CoordinateRow {
    pub line: u64,
    pub resident_no: String,
    pub lon: f64,
    pub lat: f64,
}

/// Imports coordinates by 宛名番号, all or nothing: a 宛名番号 not on the roster or a point
/// outside Japan is reported with its line, and nothing is applied.
pub async fn import_coordinates(
    tx: &mut AuditedTx,
    actor: &Actor,
    rows: &[CoordinateRow],
) -> Result<usize, Vec<(u64, String)>> {
    let internal = |e: StoreError| vec![(0, format!("保存できません: {e}"))];
    let owner = staff_municipality(actor).map_err(internal)?;
    let persons: HashMap<String, uuid::Uuid> = roster_persons(tx.conn(), owner)
        .await
        .map_err(internal)?
        .into_iter()
        .filter_map(|p| p.resident_no.map(|r| (r, p.id)))
        .collect();
    let existing = all(tx.conn(), owner).await.map_err(internal)?;
    let mut errors = Vec::new();
    let mut found = Vec::new();
    for r in rows {
        match persons.get(&r.resident_no) {
            None => errors.push((
                r.line,
                format!("宛名番号 {} は名簿にありません", r.resident_no),
            )),
            Some(id) => {
                if check_point(r.lon, r.lat).is_err() {
                    errors.push((r.line, "位置が日本の範囲外です".into()));
                } else {
                    found.push((*id, r));
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let t = now();
    let rows = found
        .iter()
        .map(|(id, r)| {
            let version = existing.get(id).map_or(1, |c| c.version + 1);
            row(*id, r.lon, r.lat, LocationLevel::Imported, None, version, t)
        })
        .collect();
    put_many(tx.conn(), rows, &[]).await.map_err(internal)?;
    tx.record(
        Entry::new(AuditAction::HomesLocated, "roster", owner)
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({"imported": found.len()})),
    );
    Ok(found.len())
}
