//! What users see of geography: one person's home (location, hazards, nearest suitable
//! shelters, tsunami reach), the persons on the map, and the tsunami-reach list (避難困難).
//! Every person shown is one the actor may see; every such read is audited.

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use tsunagi_domain::access::{AccessBasis, Actor};
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::disaster::DisasterState;
use tsunagi_domain::evacuation_timing::{Mobility, Reach, TimingSettings};
use tsunagi_domain::roster::RosterEntry;
use tsunagi_domain::{OrganisationId, PersonId};
use tsunagi_gis::{HazardKind, ShelterIndex};

use super::codec::{FLOOD_PLANNED, kind_of};
use super::locations::{Location, of_model};
use super::shelters::Shelter;
use crate::access::{Need, require, scope_condition};
use crate::audit::{AuditedTx, Entry};
use crate::entity::{person, person_hazard, roster_entry, triage_result};
use crate::error::StoreError;
use crate::persons::{PersonSummary, summary};

/// The hazard kinds a plan names destinations for, in the order shown.
pub const SHOWN: [HazardKind; 4] = [
    HazardKind::Flood,
    HazardKind::Landslide,
    HazardKind::Tsunami,
    HazardKind::StormSurge,
];

/// A zone the home lies in.
#[derive(Clone, Debug, Serialize)]
pub struct HomeHazard {
    pub kind: &'static str,
    pub label: String,
}

/// A shelter near the home, by straight-line distance (直線距離).
#[derive(Clone, Debug, Serialize)]
pub struct NearShelter {
    pub id: Option<uuid::Uuid>,
    pub name: String,
    pub address: String,
    pub metres: f64,
    /// At the person's walking speed, over the straight line times the route factor.
    pub walking_minutes: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct NearestFor {
    pub hazard: &'static str,
    pub shelters: Vec<NearShelter>,
}

/// One person's home geography.
#[derive(Clone, Debug, Serialize)]
pub struct HomeGeography {
    pub location: Option<Location>,
    pub hazards: Vec<HomeHazard>,
    pub mobility: &'static str,
    pub speed_m_per_s: f64,
    pub nearest: Vec<NearestFor>,
    /// The tsunami verdict when the home is in a tsunami zone and an arrival time is set.
    pub tsunami: Option<Reach>,
    /// The flood depth at the planned scale (計画規模), when a planned-scale layer is kept (as
    /// of the last classification).
    pub flood_planned: Option<String>,
}

/// The data every geography view needs about the municipality.
pub(crate) struct Context {
    pub settings: TimingSettings,
    pub shelters: Vec<Shelter>,
    pub index: ShelterIndex,
}

pub(crate) async fn context(
    conn: &impl ConnectionTrait,
    municipality: OrganisationId,
) -> Result<Context, StoreError> {
    let (settings, _) = super::settings::get(conn, municipality).await?;
    let shelters = super::shelters::list(conn, municipality).await?;
    let index = super::shelters::index(&shelters);
    Ok(Context {
        settings,
        shelters,
        index,
    })
}

impl Context {
    fn nearest(&self, kind: HazardKind, loc: &Location, speed: f64, k: usize) -> Vec<NearShelter> {
        self.index
            .nearest(kind, loc.lon, loc.lat, k)
            .into_iter()
            .filter_map(|f| {
                let s = self.shelters.get(f.shelter as usize)?;
                Some(NearShelter {
                    id: s.id,
                    name: s.name.clone(),
                    address: s.address.clone(),
                    metres: f.metres,
                    walking_minutes: f.metres * self.settings.route_factor / speed / 60.0,
                })
            })
            .collect()
    }

    /// The tsunami verdict for a home in a tsunami zone (`None` when it cannot be judged:
    /// no arrival time for the area or no tsunami-suitable place at all).
    fn tsunami(
        &self,
        address: &str,
        loc: &Location,
        mobility: Mobility,
    ) -> Option<(Reach, NearShelter, u32)> {
        let arrival = self.settings.arrival_for(address)?;
        let near = self
            .nearest(HazardKind::Tsunami, loc, self.settings.speed(mobility), 1)
            .into_iter()
            .next()?;
        Some((
            self.settings.tsunami_reach(near.metres, mobility, arrival),
            near,
            arrival,
        ))
    }
}

async fn entry_of(conn: &impl ConnectionTrait, id: uuid::Uuid) -> Result<RosterEntry, StoreError> {
    Ok(crate::roster::entry_of(conn, PersonId(id))
        .await?
        .unwrap_or_default())
}

/// One person's home geography, for an actor who may see the person.
pub async fn of_person(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
    id: PersonId,
) -> Result<HomeGeography, StoreError> {
    let (owner, grant) = require(tx, actor, disaster, id, Need::See).await?;
    let p = person::Entity::find_by_id(id.0)
        .one(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    let ctx = context(tx.conn(), owner).await?;
    let location = super::locations::of_person(tx.conn(), id).await?;
    let hazards = person_hazard::Entity::find()
        .filter(person_hazard::Column::PersonId.eq(id.0))
        .all(tx.conn())
        .await?;
    let (planned, hazards): (Vec<_>, Vec<_>) = hazards
        .into_iter()
        .partition(|h| h.hazard_kind == FLOOD_PLANNED);
    let flood_planned = planned.into_iter().next().map(|h| h.label);
    let mut hazards: Vec<(HazardKind, String)> = hazards
        .into_iter()
        .map(|h| Ok((kind_of(&h.hazard_kind)?, h.label)))
        .collect::<Result<_, StoreError>>()?;
    hazards.sort_by_key(|(k, _)| k.index());
    let entry = entry_of(tx.conn(), id.0).await?;
    let mobility = Mobility::of(&entry);
    let speed = ctx.settings.speed(mobility);
    let mut nearest = Vec::new();
    let mut tsunami = None;
    if let Some(loc) = &location {
        for k in SHOWN {
            nearest.push(NearestFor {
                hazard: k.label(),
                shelters: ctx.nearest(k, loc, speed, 3),
            });
        }
        if entry.home_hazards.tsunami {
            tsunami = ctx.tsunami(&p.address, loc, mobility).map(|(r, _, _)| r);
        }
    }
    tx.record(
        Entry::new(AuditAction::PersonViewed, "person", id)
            .owner(owner)
            .basis(grant.basis)
            .detail(serde_json::json!({"part": "geography"})),
    );
    Ok(HomeGeography {
        location,
        hazards: hazards
            .into_iter()
            .map(|(k, label)| HomeHazard {
                kind: k.label(),
                label,
            })
            .collect(),
        mobility: mobility.label(),
        speed_m_per_s: speed,
        nearest,
        tsunami,
        flood_planned,
    })
}

/// A person on the map.
#[derive(Clone, Debug, Serialize)]
pub struct MapPerson {
    pub id: PersonId,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    /// high / medium / low, or `None` before triage.
    pub priority: Option<String>,
    pub difficult: bool,
}

/// The roster persons the actor may see that have a location.
pub async fn map_persons(
    tx: &mut AuditedTx,
    actor: &Actor,
    disaster: &DisasterState,
) -> Result<Vec<MapPerson>, StoreError> {
    let scope = crate::access::scope(tx.conn(), actor, disaster).await?;
    let persons = person::Entity::find()
        .filter(scope_condition(&scope))
        .order_by_asc(person::Column::Id)
        .all(tx.conn())
        .await?;
    let ids: Vec<uuid::Uuid> = persons.iter().map(|p| p.id).collect();
    let mut locations = HashMap::new();
    let mut priorities = HashMap::new();
    for chunk in ids.chunks(super::layers::CHUNK) {
        for l in crate::entity::person_location::Entity::find()
            .filter(crate::entity::person_location::Column::PersonId.is_in(chunk.to_vec()))
            .all(tx.conn())
            .await?
        {
            locations.insert(l.person_id, of_model(&l)?);
        }
        for t in triage_result::Entity::find()
            .filter(triage_result::Column::PersonId.is_in(chunk.to_vec()))
            .all(tx.conn())
            .await?
        {
            priorities.insert(t.person_id, t.priority);
        }
    }
    let municipalities: HashSet<uuid::Uuid> = persons.iter().map(|p| p.municipality_id).collect();
    let mut difficult = HashSet::new();
    for m in municipalities {
        difficult.extend(difficult_in(tx.conn(), OrganisationId(m)).await?);
    }
    let out: Vec<MapPerson> = persons
        .into_iter()
        .filter_map(|p| {
            let l = locations.get(&p.id)?;
            Some(MapPerson {
                id: PersonId(p.id),
                name: p.name,
                lon: l.lon,
                lat: l.lat,
                priority: priorities.get(&p.id).cloned(),
                difficult: difficult.contains(&p.id),
            })
        })
        .collect();
    tx.record(
        // Like a search: each person on it is shown on the basis the scope gives, so no single
        // basis is recorded (it was wrongly `Owner` for every user).
        Entry::new(AuditAction::PersonSearched, "person", "")
            .listed_for(actor)
            .detail(serde_json::json!({"list": "map", "total": out.len()})),
    );
    Ok(out)
}

/// One line of the tsunami-reach list.
#[derive(Clone, Debug, Serialize)]
pub struct ReachLine {
    pub person: PersonSummary,
    pub mobility: &'static str,
    pub arrival_minutes: u32,
    pub nearest: NearShelter,
    pub reach: Reach,
}

/// The tsunami-reach list of the actor's municipality.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ReachList {
    /// Those who cannot reach safety in time (避難困難), longest walk first.
    pub difficult: Vec<ReachLine>,
    /// Those who can, tightest margin first.
    pub reachable: Vec<ReachLine>,
    /// Homes in a tsunami zone that cannot be judged, with why.
    pub unjudged: Vec<(PersonSummary, &'static str)>,
}

/// Judges every roster home in a tsunami zone of a municipality.
async fn judge(
    conn: &impl ConnectionTrait,
    municipality: OrganisationId,
) -> Result<ReachList, StoreError> {
    let ctx = context(conn, municipality).await?;
    let locations = super::locations::all(conn, municipality).await?;
    let persons: HashMap<uuid::Uuid, person::Model> =
        super::locations::roster_persons(conn, municipality)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
    let entries = roster_entry::Entity::find()
        .filter(roster_entry::Column::PersonId.is_in(persons.keys().copied().collect::<Vec<_>>()))
        .all(conn)
        .await?;
    let mut list = ReachList::default();
    for e in entries {
        let entry: RosterEntry =
            serde_json::from_str(&e.entry).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        if !entry.home_hazards.tsunami {
            continue;
        }
        let Some(p) = persons.get(&e.person_id) else {
            continue;
        };
        let Some(loc) = locations.get(&e.person_id) else {
            list.unjudged.push((summary(p)?, "自宅の位置が未特定"));
            continue;
        };
        let loc = of_model(loc)?;
        let mobility = Mobility::of(&entry);
        match ctx.tsunami(&p.address, &loc, mobility) {
            Some((reach, nearest, arrival_minutes)) => {
                let line = ReachLine {
                    person: summary(p)?,
                    mobility: mobility.label(),
                    arrival_minutes,
                    nearest,
                    reach,
                };
                if reach.difficult {
                    list.difficult.push(line);
                } else {
                    list.reachable.push(line);
                }
            }
            None if ctx.settings.arrival_for(&p.address).is_none() => {
                list.unjudged.push((summary(p)?, "到達時間が未設定の地区"))
            }
            None => list
                .unjudged
                .push((summary(p)?, "津波に対応する避難場所が未登録")),
        }
    }
    list.difficult
        .sort_by(|a, b| b.reach.walking_minutes.total_cmp(&a.reach.walking_minutes));
    list.reachable.sort_by(|a, b| {
        let margin = |l: &ReachLine| l.reach.available_minutes - l.reach.walking_minutes;
        margin(a).total_cmp(&margin(b))
    });
    Ok(list)
}

/// The persons of a municipality judged 避難困難 (for flags on lists; names nobody itself).
pub(crate) async fn difficult_in(
    conn: &impl ConnectionTrait,
    municipality: OrganisationId,
) -> Result<HashSet<uuid::Uuid>, StoreError> {
    Ok(judge(conn, municipality)
        .await?
        .difficult
        .into_iter()
        .map(|l| l.person.id.0)
        .collect())
}

/// The tsunami-reach list (the municipality's staff).
pub async fn reach_list(tx: &mut AuditedTx, actor: &Actor) -> Result<ReachList, StoreError> {
    let owner = super::staff_municipality(actor)?;
    let list = judge(tx.conn(), owner).await?;
    tx.record(
        Entry::new(AuditAction::PersonSearched, "person", "")
            .owner(owner)
            .basis(AccessBasis::Owner)
            .detail(serde_json::json!({
                "list": "tsunami_reach",
                "difficult": list.difficult.len(),
                "reachable": list.reachable.len(),
            })),
    );
    Ok(list)
}

impl crate::Store {
    /// 避難困難 persons of a municipality, for flags on the triage and progress lists.
    pub async fn tsunami_difficult(
        &self,
        municipality: OrganisationId,
    ) -> Result<HashSet<uuid::Uuid>, StoreError> {
        difficult_in(self.conn(), municipality).await
    }
}
