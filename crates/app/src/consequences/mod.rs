//! Consequences of a change, declared once and in order (as kanidm orders its plugins).
//!
//! A use case records what it changed in [`Changes`] as it goes. When it commits,
//! [`run`] walks [`ORDER`]: each consequence takes everything recorded for it — across the
//! whole use case, a roster import of 100,000 rows included — makes one batch call per
//! municipality, writes one audit entry naming its cause, and may record changes for the
//! consequences after it. Nothing runs per row, and nothing runs twice.
//!
//! ```text
//! address changed ─→ Locate ─→ Classify ─→ Retriage
//!                                  │            ↑
//! roster entry changed ────────────┼────────────┴─→ Receivers
//!                                  ↓
//! address / condition / supporters / point 1 changed ─→ ReviewMarks
//! ```

mod classify;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;
use tsunagi_domain::{OrganisationId, PersonId};
use tsunagi_store::AuditedTx;

use crate::{Context, Error};

pub(crate) use classify::classify;

/// Why a consequence runs: written into its audit entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// A person's address (or 方書) changed: on screen, by the API or by a roster import.
    AddressChanged,
    /// A home was placed by hand on the map.
    HomePinned,
    /// A roster entry was created or changed (condition, household, district …).
    RosterChanged,
    /// A person left the roster (death, moving out …).
    RosterLeft,
    /// The supporters (避難支援等実施者) of a plan changed.
    SupportersChanged,
    /// Classification against the hazard maps changed a home's point 1.
    HazardsChanged,
    /// A drill found something a person's plan must change (避難訓練での気づき).
    DrillFinding,
}

impl Cause {
    pub fn code(self) -> &'static str {
        match self {
            Cause::AddressChanged => "address_changed",
            Cause::HomePinned => "home_pinned",
            Cause::RosterChanged => "roster_changed",
            Cause::RosterLeft => "roster_left",
            Cause::SupportersChanged => "supporters_changed",
            Cause::HazardsChanged => "hazards_changed",
            Cause::DrillFinding => "drill_finding",
        }
    }

    /// The reason a finished plan is marked for review (要見直し), as staff read it.
    pub fn review_reason(self) -> Option<&'static str> {
        match self {
            Cause::AddressChanged => Some("住所の変更"),
            Cause::RosterChanged => Some("心身の状況・世帯の変化"),
            Cause::SupportersChanged => Some("避難支援者の変更"),
            Cause::HazardsChanged => Some("自宅の災害危険性（ハザードマップ）の変化"),
            Cause::DrillFinding => Some("避難訓練での気づき"),
            Cause::HomePinned | Cause::RosterLeft => None,
        }
    }
}

/// Persons of each municipality, each with the causes that concern it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Marks(BTreeMap<OrganisationId, BTreeMap<PersonId, BTreeSet<Cause>>>);

impl Marks {
    fn add(&mut self, owner: OrganisationId, id: PersonId, cause: Cause) {
        self.0
            .entry(owner)
            .or_default()
            .entry(id)
            .or_default()
            .insert(cause);
    }

    fn take(&mut self) -> BTreeMap<OrganisationId, BTreeMap<PersonId, BTreeSet<Cause>>> {
        std::mem::take(&mut self.0)
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The causes of a batch, as codes for its audit entry.
fn codes(persons: &BTreeMap<PersonId, BTreeSet<Cause>>) -> Vec<&'static str> {
    persons
        .values()
        .flatten()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(Cause::code)
        .collect()
}

/// What a use case changed, for the consequences to act on.
#[derive(Debug, Default)]
pub struct Changes {
    /// Homes to locate again from their new address.
    addresses: BTreeMap<OrganisationId, BTreeMap<PersonId, (String, Cause)>>,
    /// Homes whose location changed: classified again.
    located: Marks,
    /// Persons whose point 1 or roster entry changed: triaged again.
    retriage: Marks,
    /// Persons whose roster entry was created or changed: receivers applied to them again.
    roster: Marks,
    /// Finished plans whose basis changed: marked for review.
    review: Marks,
    /// Persons whose roster entry or hazard zones changed: they join the sweep of an open
    /// declaration whose area now holds them.
    sweep: Marks,
}

impl Changes {
    /// A person's address changed: the home is located again (and what follows).
    pub(crate) fn address_changed(&mut self, owner: OrganisationId, id: PersonId, address: &str) {
        self.addresses
            .entry(owner)
            .or_default()
            .insert(id, (address.to_owned(), Cause::AddressChanged));
    }

    /// A home was placed again (pinned): it is classified again.
    pub(crate) fn located(&mut self, owner: OrganisationId, id: PersonId, cause: Cause) {
        self.located.add(owner, id, cause);
    }

    /// Point 1 changed: the person is triaged again.
    pub(crate) fn hazards_changed(&mut self, owner: OrganisationId, id: PersonId) {
        self.retriage.add(owner, id, Cause::HazardsChanged);
        self.sweep.add(owner, id, Cause::HazardsChanged);
    }

    /// A roster entry was created or changed: the person is triaged again (when triaged
    /// before) and the receivers are applied to them again.
    pub(crate) fn roster_changed(&mut self, owner: OrganisationId, id: PersonId) {
        self.retriage.add(owner, id, Cause::RosterChanged);
        self.roster.add(owner, id, Cause::RosterChanged);
        self.sweep.add(owner, id, Cause::RosterChanged);
    }

    /// A person left the roster: the receivers' shares of them go.
    pub(crate) fn roster_left(&mut self, owner: OrganisationId, id: PersonId) {
        self.roster.add(owner, id, Cause::RosterLeft);
    }

    /// Something a finished plan relies on changed: it is marked for review.
    pub(crate) fn review(&mut self, owner: OrganisationId, id: PersonId, cause: Cause) {
        self.review.add(owner, id, cause);
    }

    pub fn is_empty(&self) -> bool {
        self.addresses.is_empty()
            && self.located.is_empty()
            && self.retriage.is_empty()
            && self.roster.is_empty()
            && self.review.is_empty()
            && self.sweep.is_empty()
    }
}

/// The consequences, in the order they run. A consequence may record changes only for those
/// after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Consequence {
    /// Address changed → the home is located again from the address tables (loaded once).
    Locate,
    /// Home located or pinned → its hazard zones and point 1 (zones loaded once).
    Classify,
    /// Point 1 or the roster entry changed → priority and approach again (staff overrides
    /// kept).
    Retriage,
    /// Roster entry changed → the receivers' shares of the person (who can see whom).
    Receivers,
    /// Roster entry or hazard zones changed during an open declaration → the person joins its
    /// sweep when its area now holds them, with a checker (after the shares it reads).
    Sweeps,
    /// Address, condition, supporters or point 1 changed → finished plans marked for review.
    ReviewMarks,
}

pub const ORDER: [Consequence; 6] = [
    Consequence::Locate,
    Consequence::Classify,
    Consequence::Retriage,
    Consequence::Receivers,
    Consequence::Sweeps,
    Consequence::ReviewMarks,
];

/// Runs every consequence of `changes`, in [`ORDER`], once each.
pub(crate) async fn run(
    tx: &mut AuditedTx,
    ctx: &Context,
    changes: &mut Changes,
) -> Result<(), Error> {
    for c in ORDER {
        let started = std::time::Instant::now();
        match c {
            Consequence::Locate => locate(tx, changes).await?,
            Consequence::Classify => {
                for (owner, persons) in changes.located.take() {
                    let ids: Vec<uuid::Uuid> = persons.keys().map(|p| p.0).collect();
                    classify(
                        tx,
                        ctx,
                        owner,
                        Some(&ids),
                        &codes(&persons),
                        changes,
                        |_, _| {},
                    )
                    .await?;
                }
            }
            Consequence::Retriage => {
                for (owner, persons) in changes.retriage.take() {
                    let ids: Vec<uuid::Uuid> = persons.keys().map(|p| p.0).collect();
                    tsunagi_store::triage::rerun(tx, owner, &ids, &codes(&persons)).await?;
                }
            }
            Consequence::Receivers => {
                for (owner, persons) in changes.roster.take() {
                    let ids: HashSet<uuid::Uuid> = persons.keys().map(|p| p.0).collect();
                    apply_receivers(tx, owner, Some(&ids), &codes(&persons)).await?;
                }
            }
            Consequence::Sweeps => {
                for (owner, persons) in changes.sweep.take() {
                    let ids: HashSet<uuid::Uuid> = persons.keys().map(|p| p.0).collect();
                    join_sweeps(tx, owner, &ids, &codes(&persons)).await?;
                }
            }
            Consequence::ReviewMarks => {
                for (owner, persons) in changes.review.take() {
                    let marks: BTreeMap<PersonId, BTreeSet<&str>> = persons
                        .iter()
                        .map(|(id, causes)| {
                            (
                                *id,
                                causes.iter().filter_map(|c| c.review_reason()).collect(),
                            )
                        })
                        .filter(|(_, reasons): &(PersonId, BTreeSet<&str>)| !reasons.is_empty())
                        .collect();
                    if !marks.is_empty() {
                        tsunagi_store::workflows::mark_for_review(
                            tx,
                            owner,
                            &marks,
                            &codes(&persons),
                        )
                        .await?;
                    }
                }
            }
        }
        tracing::debug!(consequence = ?c, elapsed = ?started.elapsed(), "consequence run");
    }
    Ok(())
}

/// The people of `ids` an open declaration's area holds now join its sweep (one read of the
/// roster per open declaration; nothing when none is open).
async fn join_sweeps(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    ids: &HashSet<uuid::Uuid>,
    cause: &[&str],
) -> Result<(), Error> {
    let open = tsunagi_store::declarations::open_of(tx, owner).await?;
    if open.is_empty() {
        return Ok(());
    }
    let name = tsunagi_store::organisations::name_in(tx, owner).await?;
    for decl in open {
        let inside: Vec<uuid::Uuid> = crate::declarations::in_area(tx, &decl, &name)
            .await?
            .into_iter()
            .filter(|p| ids.contains(p))
            .collect();
        if inside.is_empty() {
            continue;
        }
        let people = crate::safety::with_checkers(tx, owner, inside).await?;
        tsunagi_store::safety::join(tx, decl.id, owner, people, cause).await?;
    }
    Ok(())
}

/// Locates again every home whose address changed, per municipality with its address tables
/// loaded once; the homes that moved are classified next.
async fn locate(tx: &mut AuditedTx, changes: &mut Changes) -> Result<(), Error> {
    for (owner, homes) in std::mem::take(&mut changes.addresses) {
        let causes: Vec<&str> = homes
            .values()
            .map(|(_, c)| c.code())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let homes: Vec<(PersonId, String)> = homes
            .into_iter()
            .map(|(id, (address, _))| (id, address))
            .collect();
        for id in tsunagi_store::gis::locations::locate_again(tx, owner, &homes, &causes).await? {
            changes.located(owner, id, Cause::AddressChanged);
        }
    }
    Ok(())
}

/// Brings the receivers' shares of a municipality in line with their definitions, for the
/// persons `among` (or everyone on the roster): a receiver covers a person when its districts
/// hold the person's roster entry. Each receiver's changes are audited with `cause`.
pub(crate) async fn apply_receivers(
    tx: &mut AuditedTx,
    owner: OrganisationId,
    among: Option<&HashSet<uuid::Uuid>>,
    cause: &[&str],
) -> Result<tsunagi_store::receivers::ApplyReport, Error> {
    let definitions = tsunagi_store::receivers::definitions(tx, owner).await?;
    let mut total = tsunagi_store::receivers::ApplyReport::default();
    if definitions.is_empty() {
        return Ok(total);
    }
    let entries = match among {
        Some(ids) => {
            let ids: Vec<uuid::Uuid> = ids.iter().copied().collect();
            tsunagi_store::roster::entries_of(tx, &ids).await?
        }
        None => {
            let ids = tsunagi_store::roster::persons_of(tx, owner).await?;
            tsunagi_store::roster::entries_of(tx, &ids).await?
        }
    };
    for (org, def) in definitions {
        let covered: HashSet<uuid::Uuid> = entries
            .iter()
            .filter(|(_, e)| def.covers(e))
            .map(|(id, _)| *id)
            .collect();
        let r = tsunagi_store::sharing::sync_receiver_shares(
            tx,
            owner,
            org,
            tsunagi_store::sharing::ReceiverTerms::from(&def),
            &covered,
            among,
            cause,
        )
        .await?;
        total.added += r.added.len();
        total.removed += r.removed.len();
    }
    Ok(total)
}
