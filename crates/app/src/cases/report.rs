//! The information-sharing meeting's figures (情報連携会議, issue 20 item 9): per declaration for
//! the municipality's staff, and the prefecture's roll-up across its municipalities' open
//! declarations. Counts only, built by the pure `case_report`; nobody is named, so each is
//! audited as a report.

use std::collections::HashMap;

use chrono::NaiveDate;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::case_management::{IssueAssessment, OtherIssue, VisitOutcome};
use tsunagi_domain::case_report::{Report, ReportRow, report as build};
use tsunagi_domain::municipality::MunicipalityCode;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::role::Role;
use tsunagi_domain::{HouseholdId, OrganisationId};
use tsunagi_store::audit::{AuditedTx, Entry};
use tsunagi_store::{cases, certificates, declarations};

use super::StoredCase;
use super::queue::queue_in;
use crate::{App, Context, Error};

/// The rows of one declaration and the days its open referrals have waited. `area` names the
/// area of every row (the prefecture's roll-up: the municipality); otherwise each household's
/// area is read from its address.
#[allow(clippy::too_many_arguments)]
async fn rows_of(
    tx: &mut AuditedTx,
    ctx: &Context,
    m: OrganisationId,
    declaration: uuid::Uuid,
    with_sweep: bool,
    area: Option<&str>,
    municipality_name: &str,
    organisations: &HashMap<OrganisationId, String>,
) -> Result<(Vec<ReportRow>, Vec<u32>), Error> {
    let (lines, all_cases) = queue_in(tx, ctx, m, declaration, with_sweep).await?;
    let all_cases: HashMap<HouseholdId, StoredCase> =
        all_cases.into_iter().map(|c| (c.household_id, c)).collect();
    let mut latest: HashMap<HouseholdId, (Vec<IssueAssessment>, Vec<OtherIssue>)> = HashMap::new();
    let mut first_met: HashMap<HouseholdId, NaiveDate> = HashMap::new();
    for v in cases::visits_of_declaration(tx, m, declaration).await? {
        if v.visit.outcome == VisitOutcome::Met {
            first_met
                .entry(v.household_id)
                .or_insert(v.visit.visited_on);
            latest.insert(v.household_id, (v.visit.issues, v.visit.other_issues));
        }
    }
    // Open referrals: days waited since sent.
    let today = ctx.today();
    let ids: Vec<uuid::Uuid> = all_cases.values().map(|c| c.id).collect();
    let waits: Vec<u32> = tsunagi_store::referrals::of_cases(tx, &ids)
        .await?
        .iter()
        .filter(|r| r.state.is_waiting())
        .filter_map(|r| {
            r.body
                .history
                .iter()
                .find(|e| e.to == tsunagi_domain::referral::ReferralState::Sent)
                .map(|e| u32::try_from((today - crate::day_jst(e.at)).num_days()).unwrap_or(0))
        })
        .collect();
    let rows = lines
        .iter()
        .map(|l| {
            let c = all_cases.get(&l.household_id);
            let (issues, other_issues) = latest.remove(&l.household_id).unwrap_or_default();
            ReportRow {
                area: area.map_or_else(
                    || tsunagi_domain::progress::area_of(&l.address, municipality_name),
                    str::to_owned,
                ),
                case: c.map(|c| !c.closed),
                household_type: c.and_then(|c| c.body.current_type()),
                lead: c.and_then(|c| organisations.get(&c.lead_organisation_id).cloned()),
                issues,
                other_issues,
                reached: l.reached,
                first_met_on: first_met.get(&l.household_id).copied(),
                opened_on: c.map(|c| crate::day_jst(c.created_at)),
                closed_on: c.and_then(|c| c.body.closing.as_ref().map(|x| x.closed_on)),
            }
        })
        .collect();
    Ok((rows, waits))
}

async fn names(app: &App) -> Result<HashMap<OrganisationId, String>, Error> {
    Ok(crate::organisations::all(app)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

fn since_or_default(ctx: &Context, since: Option<NaiveDate>) -> NaiveDate {
    since.unwrap_or(ctx.today() - chrono::Duration::days(14))
}

/// The information-sharing meeting's report of a declaration (the municipality's staff): counts
/// only, cells of one to four households suppressed (`case_report`); the change since `since`
/// (the last meeting; 14 days ago by default).
pub async fn report(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    since: Option<NaiveDate>,
) -> Result<Report, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let municipality_name = crate::organisations::name_of(app, m).await?;
    let organisations = names(app).await?;
    let mut w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    let (rows, waits) = rows_of(
        &mut w.tx,
        ctx,
        m,
        declaration,
        true,
        None,
        &municipality_name,
        &organisations,
    )
    .await?;
    w.tx.record(
        Entry::new(AuditAction::PersonSearched, "disaster", d.id)
            .owner(m)
            .detail(serde_json::json!({"case_report": d.id, "households": rows.len()})),
    );
    w.commit().await?;
    Ok(build(&rows, &waits, since_or_default(ctx, since)))
}

/// The prefecture's roll-up (県の集計): the same figures across every open declaration of the
/// municipalities of the prefecture, one area per municipality — the prefecture's staff only
/// (anyone else: forbidden).
/// Households only in a municipality's safety sweep (not on its ledger, with no application,
/// case or visit) are not counted: the sweep is the municipality's.
pub async fn prefecture_report(
    app: &App,
    ctx: &Context,
    since: Option<NaiveDate>,
) -> Result<Report, Error> {
    let actor = ctx.actor()?;
    if actor.organisation_kind != OrganisationKind::Prefecture
        || !matches!(actor.role, Role::PrefectureStaff | Role::Administrator)
    {
        // Not a record: a report only prefectures have (it names no one).
        return Err(Error::Forbidden);
    }
    let prefecture_of = |code: Option<&str>| {
        code.and_then(|c| MunicipalityCode::parse(c).ok())
            .map(|c| c.prefecture())
    };
    let all = crate::organisations::all(app).await?;
    let ours = all
        .iter()
        .find(|o| o.id == actor.organisation_id)
        .and_then(|o| prefecture_of(o.local_gov_code.as_deref()))
        .ok_or(Error::NotFound)?;
    let municipalities: HashMap<OrganisationId, String> = all
        .iter()
        .filter(|o| {
            o.kind == OrganisationKind::Municipality
                && prefecture_of(o.local_gov_code.as_deref()) == Some(ours)
        })
        .map(|o| (o.id, o.name.clone()))
        .collect();
    let organisations = names(app).await?;
    let open = app.store.open_declarations().await?;
    let mut w = app.begin(ctx).await?;
    let (mut rows, mut waits) = (Vec::new(), Vec::new());
    let mut counted = Vec::new();
    for (m, d) in open {
        let Some(name) = municipalities.get(&m) else {
            continue;
        };
        let (r, wt) = rows_of(
            &mut w.tx,
            ctx,
            m,
            d,
            false,
            Some(name),
            name,
            &organisations,
        )
        .await?;
        rows.extend(r);
        waits.extend(wt);
        counted.push(d);
    }
    w.tx.record(
        Entry::new(
            AuditAction::PersonSearched,
            "prefecture",
            actor.organisation_id.0,
        )
        .owner(actor.organisation_id)
        .detail(serde_json::json!({"case_report": counted, "households": rows.len()})),
    );
    w.commit().await?;
    Ok(build(&rows, &waits, since_or_default(ctx, since)))
}
