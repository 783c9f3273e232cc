//! Support programmes for the households of the victims' ledger: what the ledger knows of a
//! household (members, harms, the certificate in force, its circumstances) turned into facts,
//! evaluated against the municipality's catalogue; applications and decisions recorded on the
//! ledger (援護の実施の状況); and, across the ledger, who has not applied for what they could
//! receive, deadline nearest first.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tsunagi_domain::circumstances::{Circumstances, DisasterActs};
use tsunagi_domain::issue_category::IssueCategory;
use tsunagi_domain::ledger::{
    Harm, LedgerBody, MemberHarm, ProgrammeApplication, ProgrammeApplicationState, SupportGiven,
};
use tsunagi_domain::{HouseholdId, PersonId};
use tsunagi_eligibility::household::{DisasterFacts, DwellingFacts, MemberFacts};
use tsunagi_eligibility::{Catalogue, Explained, HouseholdFacts, Status};
use tsunagi_store::audit::Entry;
use tsunagi_store::{certificates, declarations, ledger as ledger_store, persons, programmes};

use crate::certificates::Application;
use crate::ledger::LedgerView;
use crate::programmes::catalogue_in;
use crate::{App, Context, Error, day_jst};

/// One member as the engine needs them.
struct MemberLine<'a> {
    id: PersonId,
    name: &'a str,
    birth_date: Option<NaiveDate>,
}

fn died(harms: &[MemberHarm], p: PersonId) -> bool {
    harms.iter().any(|h| {
        h.person == p && h.caused_by_disaster && matches!(h.harm, Harm::Died | Harm::Missing)
    })
}

/// The level of the certificate in force: the newest issued of the household's applications.
pub(crate) fn certified_level(apps: &[Application]) -> Option<tsunagi_domain::damage::DamageLevel> {
    apps.iter()
        .filter_map(|a| a.current_certificate())
        .max_by_key(|c| c.issued_on)
        .map(|c| c.level)
}

fn facts_of(
    members: &[MemberLine],
    body: &LedgerBody,
    apps: &[Application],
    disaster_day: NaiveDate,
    acts: DisasterActs,
) -> HouseholdFacts {
    let c = &body.circumstances;
    let mut h = HouseholdFacts::new(DisasterFacts {
        date: disaster_day,
        support_act_applied: acts.support_act_applied,
        relief_act_applied: acts.relief_act_applied,
        condolence_act_applies: acts.condolence_act_applies,
    });
    h.members = Some(
        members
            .iter()
            .map(|m| MemberFacts {
                name: Some(m.name.to_owned()),
                birth_date: m.birth_date,
                age: None,
                main_earner: c.main_earner.map(|e| e == m.id),
                died: died(&body.harms, m.id),
                serious_disability: c.serious_disability.contains(&m.id),
                in_school: c.in_school.as_ref().map(|s| s.contains(&m.id)),
            })
            .collect(),
    );
    h.dwelling = DwellingFacts {
        damage: certified_level(apps),
        lost: c.dwelling_lost,
        demolished: c.demolished,
        long_term_evacuation: c.long_term_evacuation,
        uninhabitable: c.uninhabitable,
        tenure: c.tenure,
        goods_damage_third: c.goods_damage_third,
    };
    h.rebuild = c.rebuild;
    h.rent_addition_received = c.rent_addition_received;
    h.temporary_housing = c.temporary_housing;
    h.cannot_afford_repair = c.cannot_afford_repair;
    h.head_injured_month = c.head_injured_month;
    h.income_yen = c.income_yen;
    h.income_fell = c.income_fell;
    h.business_owner = c.business_owner;
    h.insured = c.insured;
    h.livelihood_lost = Some(body.livelihood_lost);
    h
}

/// The facts a ledger view gives.
pub fn household_facts(
    v: &LedgerView,
    disaster_day: NaiveDate,
    acts: DisasterActs,
) -> HouseholdFacts {
    let members: Vec<MemberLine> = v
        .members
        .iter()
        .map(|m| MemberLine {
            id: m.id,
            name: m.name.as_deref().unwrap_or(""),
            birth_date: m.birth_date,
        })
        .collect();
    facts_of(&members, &v.body, &v.damage, disaster_day, acts)
}

/// A programme's result on the ledger, with the household's application to it.
#[derive(Clone, Debug, Serialize)]
pub struct ProgrammeLine {
    #[serde(flatten)]
    pub result: Explained,
    pub application: Option<ProgrammeApplication>,
}

/// A household's programmes, grouped by issue category.
#[derive(Clone, Debug, Serialize)]
pub struct HouseholdProgrammes {
    pub ledger: LedgerView,
    pub disaster_day: NaiveDate,
    pub acts: DisasterActs,
    pub facts: HouseholdFacts,
    pub lines: Vec<ProgrammeLine>,
    /// The household's case, if one is open or was (a programme can be referred from it).
    pub case_id: Option<uuid::Uuid>,
}

impl HouseholdProgrammes {
    /// Programmes worth applying for (eligible or possibly), under each category they serve.
    pub fn by_category(&self) -> Vec<(IssueCategory, Vec<&ProgrammeLine>)> {
        IssueCategory::ALL
            .iter()
            .filter_map(|c| {
                let mut lines: Vec<&ProgrammeLine> = self
                    .lines
                    .iter()
                    .filter(|l| l.result.status.worth_applying())
                    .filter(|l| l.result.categories.iter().any(|x| x == c.label()))
                    .collect();
                // Eligible before possibly, then the nearest deadline, then the larger amount.
                lines.sort_by_key(|l| {
                    let r = &l.result;
                    (
                        r.status != Status::Eligible,
                        r.deadline.is_none(),
                        r.deadline,
                        std::cmp::Reverse(r.amount_yen.unwrap_or(0)),
                    )
                });
                (!lines.is_empty()).then_some((*c, lines))
            })
            .collect()
    }
}

fn lines(catalogue: &Catalogue, facts: &HouseholdFacts, body: &LedgerBody) -> Vec<ProgrammeLine> {
    catalogue
        .explain(facts)
        .into_iter()
        .map(|result| ProgrammeLine {
            application: body
                .applications
                .iter()
                .find(|a| a.programme == result.programme)
                .cloned(),
            result,
        })
        .collect()
}

/// A household's programmes on its ledger (the municipality's staff; the ledger view is
/// audited as such).
pub async fn for_household(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    household: HouseholdId,
) -> Result<HouseholdProgrammes, Error> {
    let ledger = crate::ledger::view(app, ctx, declaration, household).await?;
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    let acts = programmes::acts_of(&w.tx, declaration).await?;
    let catalogue = catalogue_in(&w.tx, Some(m)).await?;
    let case_id = tsunagi_store::cases::of_household(&w.tx, m, declaration, household)
        .await?
        .filter(|c| !c.closed)
        .map(|c| c.id);
    w.commit().await?;
    let disaster_day = day_jst(d.started_at);
    let facts = household_facts(&ledger, disaster_day, acts);
    let lines = lines(&catalogue, &facts, &ledger.body);
    Ok(HouseholdProgrammes {
        ledger,
        disaster_day,
        acts,
        facts,
        lines,
        case_id,
    })
}

/// Records the household's circumstances on its ledger (from the version read).
pub async fn set_circumstances(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    household: HouseholdId,
    expected_version: i32,
    circumstances: Circumstances,
) -> Result<LedgerView, Error> {
    crate::ledger::edit(app, ctx, declaration, household, expected_version, |b| {
        b.circumstances = circumstances;
        Ok(())
    })
    .await
}

/// An application as entered.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ApplicationInput {
    pub programme: String,
    pub applied_on: NaiveDate,
    pub amount_applied_yen: Option<u64>,
    pub note: Option<String>,
}

/// A decision as entered.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct DecisionInput {
    pub programme: String,
    pub granted: bool,
    pub decided_on: NaiveDate,
    pub amount_granted_yen: Option<u64>,
}

async fn programme_name(app: &App, ctx: &Context, id: &str) -> Result<String, Error> {
    let m = certificates::staff_municipality(ctx.actor()?)?;
    let w = app.begin(ctx).await?;
    let c = catalogue_in(&w.tx, Some(m)).await?;
    w.commit().await?;
    c.get(id)
        .map(|p| p.name.clone())
        .ok_or_else(|| Error::invalid("programme", "その制度はカタログにありません"))
}

/// Records that the household applied for a programme.
pub async fn record_application(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    household: HouseholdId,
    expected_version: i32,
    input: ApplicationInput,
) -> Result<LedgerView, Error> {
    let name = programme_name(app, ctx, &input.programme).await?;
    crate::ledger::edit(app, ctx, declaration, household, expected_version, |b| {
        if b.applications
            .iter()
            .any(|a| a.programme == input.programme)
        {
            return Err(Error::invalid(
                "programme",
                "この制度への申請はすでに記録されています",
            ));
        }
        b.applications.push(ProgrammeApplication {
            programme: input.programme,
            programme_name: name,
            applied_on: input.applied_on,
            amount_applied_yen: input.amount_applied_yen,
            state: ProgrammeApplicationState::Applied,
            decided_on: None,
            amount_granted_yen: None,
            note: input.note,
        });
        Ok(())
    })
    .await
}

/// Records the decision on an application; a grant is also written as support given
/// (援護の実施の状況).
pub async fn record_decision(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    household: HouseholdId,
    expected_version: i32,
    input: DecisionInput,
) -> Result<LedgerView, Error> {
    crate::ledger::edit(app, ctx, declaration, household, expected_version, |b| {
        let a = b
            .applications
            .iter_mut()
            .find(|a| a.programme == input.programme)
            .ok_or_else(|| Error::invalid("programme", "この制度への申請が記録されていません"))?;
        if a.state != ProgrammeApplicationState::Applied {
            return Err(Error::invalid(
                "programme",
                "この申請はすでに決定されています",
            ));
        }
        a.state = if input.granted {
            ProgrammeApplicationState::Granted
        } else {
            ProgrammeApplicationState::Refused
        };
        a.decided_on = Some(input.decided_on);
        a.amount_granted_yen = input.amount_granted_yen.filter(|_| input.granted);
        if input.granted {
            let given = SupportGiven {
                programme: a.programme_name.clone(),
                given_on: input.decided_on,
                amount_yen: a.amount_granted_yen,
                note: Some("支援制度の決定".into()),
            };
            b.support.push(given);
        }
        Ok(())
    })
    .await
}

/// A household that could receive a programme and has not applied.
#[derive(Clone, Debug, Serialize)]
pub struct Unclaimed {
    pub household_id: HouseholdId,
    pub household_no: String,
    pub head: String,
    pub address: String,
    pub area: String,
    pub programme: String,
    pub programme_name: String,
    pub status: Status,
    /// What it gives (grants and work in kind only), when known.
    pub amount_yen: Option<i64>,
    pub deadline: Option<NaiveDate>,
    pub days_left: Option<i64>,
    /// What this household could receive in all, less what it applied for.
    pub household_gap_yen: i64,
}

/// One area's roll-up.
#[derive(Clone, Debug, Default, Serialize)]
pub struct UnclaimedArea {
    pub area: String,
    pub households: usize,
    pub programmes: usize,
    pub gap_yen: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct UnclaimedReport {
    pub declaration_id: uuid::Uuid,
    pub declaration_name: String,
    /// Households on the ledger (with a ledger record or a damage application).
    pub households: usize,
    pub rows: Vec<Unclaimed>,
    pub areas: Vec<UnclaimedArea>,
    pub gap_yen: i64,
}

/// Across the ledger: every household eligible or possibly eligible for a programme it has not
/// applied for, deadline nearest first, with the household's yen gap; per area too. The
/// municipality's staff; audited as a search with the households it names.
pub async fn unclaimed(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<UnclaimedReport, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let mut w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    let municipality_name = crate::organisations::name_of(app, m).await?;
    let acts = programmes::acts_of(&w.tx, declaration).await?;
    let catalogue = catalogue_in(&w.tx, Some(m)).await?;
    let ledgers = ledger_store::of_declaration(&w.tx, m, declaration).await?;
    let applications = certificates::of_declaration(&w.tx, m, declaration).await?;
    let mut apps_by: HashMap<HouseholdId, Vec<Application>> = HashMap::new();
    for a in applications {
        apps_by.entry(a.household_id).or_default().push(a);
    }
    let bodies: HashMap<HouseholdId, LedgerBody> = ledgers
        .into_iter()
        .map(|l| (l.household_id, l.body))
        .collect();
    let households: Vec<HouseholdId> = bodies
        .keys()
        .chain(apps_by.keys())
        .copied()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let members = persons::members_of_households(&w.tx, m, &households).await?;
    let number_of = persons::household_numbers(&w.tx, m, &households).await?;
    let disaster_day = day_jst(d.started_at);
    let today = ctx.today();
    let empty = LedgerBody::default();
    let mut rows = Vec::new();
    let mut areas: BTreeMap<String, UnclaimedArea> = BTreeMap::new();
    for h in &households {
        let body = bodies.get(h).unwrap_or(&empty);
        let apps = apps_by.get(h).map(Vec::as_slice).unwrap_or(&[]);
        let people = members.get(h).map(Vec::as_slice).unwrap_or(&[]);
        let lines: Vec<MemberLine> = people
            .iter()
            .map(|p| MemberLine {
                id: p.id,
                name: &p.name,
                birth_date: Some(p.birth_date),
            })
            .collect();
        let facts = facts_of(&lines, body, apps, disaster_day, acts);
        let head = people
            .iter()
            .find(|p| tsunagi_domain::person::is_householder(p.relationship.as_deref()))
            .or_else(|| people.iter().min_by_key(|p| p.birth_date));
        let (head_name, address) = head.map_or((String::new(), String::new()), |p| {
            (p.name.clone(), p.address.clone())
        });
        let area = tsunagi_domain::progress::area_of(&address, &municipality_name);
        let outcomes = catalogue.evaluate(&facts.values(), disaster_day);
        let (mut could, mut applied) = (0i64, 0i64);
        let mut mine = Vec::new();
        for (o, p) in outcomes.iter().zip(&catalogue.programmes) {
            if !o.status.worth_applying() {
                continue;
            }
            let amount = o
                .amount
                .and_then(|a| a.ok())
                .filter(|_| p.kind.is_received());
            could += amount.unwrap_or(0);
            if let Some(a) = body.applications.iter().find(|a| a.programme == p.id) {
                // Applied without an amount stated: for what the programme gives.
                applied += a
                    .amount_applied_yen
                    .map(|y| i64::try_from(y).unwrap_or(i64::MAX))
                    .or(amount)
                    .unwrap_or(0);
                continue;
            }
            mine.push(Unclaimed {
                household_id: *h,
                household_no: number_of.get(h).cloned().unwrap_or_default(),
                head: head_name.clone(),
                address: address.clone(),
                area: area.clone(),
                programme: p.id.clone(),
                programme_name: p.name.clone(),
                status: o.status,
                amount_yen: amount,
                deadline: o.deadline,
                days_left: o.deadline.map(|d| (d - today).num_days()),
                household_gap_yen: 0,
            });
        }
        let gap = (could - applied).max(0);
        if !mine.is_empty() {
            let a = areas.entry(area.clone()).or_insert_with(|| UnclaimedArea {
                area: area.clone(),
                ..UnclaimedArea::default()
            });
            a.households += 1;
            a.programmes += mine.len();
            a.gap_yen += gap;
            for r in &mut mine {
                r.household_gap_yen = gap;
            }
            rows.extend(mine);
        }
    }
    // Deadline nearest first (none last), then the larger gap.
    rows.sort_by(|a, b| {
        (
            a.deadline.is_none(),
            a.deadline,
            -a.household_gap_yen,
            &a.household_no,
        )
            .cmp(&(
                b.deadline.is_none(),
                b.deadline,
                -b.household_gap_yen,
                &b.household_no,
            ))
    });
    let named: Vec<String> = rows
        .iter()
        .map(|r| r.household_id.0.to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    w.tx.record(
        Entry::new(
            tsunagi_domain::audit::AuditAction::PersonSearched,
            "disaster",
            declaration,
        )
        .owner(m)
        .detail(serde_json::json!({"unclaimed_programmes": declaration, "households": named})),
    );
    w.commit().await?;
    let areas: Vec<UnclaimedArea> = areas.into_values().collect();
    Ok(UnclaimedReport {
        declaration_id: declaration,
        declaration_name: d.name,
        households: households.len(),
        gap_yen: areas.iter().map(|a| a.gap_yen).sum(),
        rows,
        areas,
    })
}

/// Households described by the caller (the `eligibility` command and API): evaluated against
/// the actor's municipality's catalogue, or the built-in one. Nothing is stored.
pub async fn evaluate(
    app: &App,
    ctx: &Context,
    households: &[HouseholdFacts],
) -> Result<Vec<Vec<Explained>>, Error> {
    let m = ctx
        .actor()
        .ok()
        .and_then(|a| certificates::staff_municipality(a).ok());
    let w = app.begin(ctx).await?;
    let catalogue = catalogue_in(&w.tx, m).await?;
    w.commit().await?;
    Ok(households.iter().map(|h| catalogue.explain(h)).collect())
}
