//! Damage certificates (罹災証明, 災害対策基本法 art. 90-2): applications received, surveys
//! recorded, certificates issued and re-issued after a re-survey, and the figures that show
//! whether the municipality issues "without delay" (progress by area, the queue by age, the
//! households of the affected area that have not applied).

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;
use tsunagi_domain::HouseholdId;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::damage::{
    ApplicationInput, ApplicationState, DamageLevel, SurveyInput, percentile,
};
use tsunagi_store::audit::Entry;
use tsunagi_store::{certificates, declarations, persons};

pub use tsunagi_store::certificates::{Application, CertificateRecord, SurveyRecord};

use crate::{App, Context, Error, day_jst};

/// Receives an application for a household of the declaration's municipality. The cause
/// defaults to the declaration's name and the location to the household's registered address.
pub async fn apply(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    household: HouseholdId,
    input: ApplicationInput,
) -> Result<Application, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    let mut input = input
        .validate(ctx.today(), day_jst(d.started_at))
        .map_err(Error::Invalid)?;
    let m = certificates::staff_municipality(actor)?;
    certificates::household_of(&w.tx, m, household).await?;
    if input.cause.is_none() {
        input.cause = Some(d.name.clone());
    }
    if input.location.is_none() {
        let members = persons::household_members(&w.tx, m, household).await?;
        input.location = members.first().map(|p| p.address.clone());
    }
    let a = certificates::apply(&mut w.tx, actor, declaration, household, &input).await?;
    w.commit().await?;
    Ok(a)
}

/// An application with its history.
pub async fn get(app: &App, ctx: &Context, id: uuid::Uuid) -> Result<Application, Error> {
    let mut w = app.begin(ctx).await?;
    let a = certificates::get(&mut w.tx, ctx.actor()?, id).await?;
    w.commit().await?;
    Ok(a)
}

/// Records a survey: dated between the disaster's day and today; a self-assessment only where
/// the municipality accepts it.
pub async fn record_survey(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
    input: SurveyInput,
) -> Result<Application, Error> {
    let actor = ctx.actor()?;
    let mut w = app.begin(ctx).await?;
    let a = certificates::find(&w.tx, actor, id).await?;
    let d = declarations::load(&w.tx, actor, a.declaration_id).await?;
    let allowed = certificates::self_assessment_allowed(&w.tx, a.municipality_id).await?;
    let s = input
        .validate(ctx.today(), day_jst(d.started_at), allowed)
        .map_err(Error::Invalid)?;
    let a = certificates::record_survey(&mut w.tx, actor, id, expected_version, &s).await?;
    w.commit().await?;
    Ok(a)
}

/// Issues (or, after a re-survey, re-issues) the certificate of the newest survey, today.
pub async fn issue(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
) -> Result<Application, Error> {
    let mut w = app.begin(ctx).await?;
    let a = certificates::issue(&mut w.tx, ctx.actor()?, id, expected_version, ctx.today()).await?;
    w.commit().await?;
    Ok(a)
}

/// Records the household's request for a re-survey, with its reason.
pub async fn request_resurvey(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
    reason: &str,
) -> Result<Application, Error> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(Error::invalid(
            "reason",
            "再調査を求める理由を500文字以内で入力してください",
        ));
    }
    let mut w = app.begin(ctx).await?;
    let a = certificates::request_resurvey(
        &mut w.tx,
        ctx.actor()?,
        id,
        expected_version,
        ctx.today(),
        reason,
    )
    .await?;
    w.commit().await?;
    Ok(a)
}

pub async fn withdraw(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    expected_version: i32,
) -> Result<Application, Error> {
    let mut w = app.begin(ctx).await?;
    let a = certificates::withdraw(&mut w.tx, ctx.actor()?, id, expected_version).await?;
    w.commit().await?;
    Ok(a)
}

/// Sets whether photo self-assessment is accepted for 一部損壊.
pub async fn set_self_assessment(app: &App, ctx: &Context, allowed: bool) -> Result<(), Error> {
    let mut w = app.begin(ctx).await?;
    certificates::set_self_assessment(&mut w.tx, ctx.actor()?, allowed).await?;
    w.commit().await
}

pub async fn add_photo(
    app: &App,
    ctx: &Context,
    survey: uuid::Uuid,
    bytes: Vec<u8>,
) -> Result<uuid::Uuid, Error> {
    let mut w = app.begin(ctx).await?;
    let id = certificates::add_photo(&mut w.tx, ctx.actor()?, survey, bytes).await?;
    w.commit().await?;
    Ok(id)
}

pub async fn photo(app: &App, ctx: &Context, id: uuid::Uuid) -> Result<(String, Vec<u8>), Error> {
    let mut w = app.begin(ctx).await?;
    let p = certificates::photo(&mut w.tx, ctx.actor()?, id).await?;
    w.commit().await?;
    Ok(p)
}

/// Figures of one area (or of the whole municipality).
#[derive(Clone, Debug, Default, Serialize)]
pub struct AreaFigures {
    pub area: String,
    pub applied: usize,
    pub surveyed: usize,
    pub issued: usize,
    pub resurvey_requested: usize,
    pub withdrawn: usize,
    /// Days from application to the first issue: median and 90th percentile (nearest rank).
    pub median_days_to_issue: Option<i64>,
    pub p90_days_to_issue: Option<i64>,
    /// Certificates in force by level.
    pub by_level: BTreeMap<DamageLevel, usize>,
}

/// An application waiting (not issued, not withdrawn), as the queue shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Waiting {
    pub id: uuid::Uuid,
    pub household_id: HouseholdId,
    pub applicant_name: String,
    pub location: String,
    pub area: String,
    pub applied_on: NaiveDate,
    pub state: ApplicationState,
    pub days_waiting: i64,
}

/// A household of the affected area with no application.
#[derive(Clone, Debug, Serialize)]
pub struct NotApplied {
    pub household_id: HouseholdId,
    pub household_no: String,
    pub head: String,
    pub address: String,
    pub area: String,
    pub members: usize,
}

/// Whether certificates go out without delay: totals and per area (町丁目 of the location),
/// the queue oldest first, and the households that have not applied.
#[derive(Clone, Debug, Serialize)]
pub struct DamageProgress {
    pub declaration_id: uuid::Uuid,
    pub declaration_name: String,
    pub total: AreaFigures,
    pub areas: Vec<AreaFigures>,
    pub queue: Vec<Waiting>,
    pub not_applied: Vec<NotApplied>,
    pub households_in_area: usize,
}

fn add(f: &mut AreaFigures, a: &Application, days: &mut Vec<i64>) {
    f.applied += 1;
    if !a.surveys.is_empty() {
        f.surveyed += 1;
    }
    if let Some(first) = a.certificates.first() {
        f.issued += 1;
        days.push((first.issued_on - a.applied_on).num_days());
    }
    if let Some(c) = a.current_certificate() {
        *f.by_level.entry(c.level).or_default() += 1;
    }
    if a.resurvey_requested_on.is_some() {
        f.resurvey_requested += 1;
    }
    if a.state == ApplicationState::Withdrawn {
        f.withdrawn += 1;
    }
}

fn finish(f: &mut AreaFigures, mut days: Vec<i64>) {
    days.sort_unstable();
    f.median_days_to_issue = percentile(&days, 50);
    f.p90_days_to_issue = percentile(&days, 90);
}

/// The progress of a declaration's certificates (the municipality's staff; audited as a
/// search: it names households).
pub async fn progress(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<DamageProgress, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let mut w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    let municipality_name = crate::organisations::name_of(app, m).await?;
    let applications = certificates::of_declaration(&w.tx, m, declaration).await?;
    let households = persons::households_with_heads(&w.tx, m).await?;
    // The same areas as the roster's progress page (町名・大字).
    let area_of = |address: &str| tsunagi_domain::progress::area_of(address, &municipality_name);
    let mut total = AreaFigures {
        area: "合計".into(),
        ..AreaFigures::default()
    };
    let mut total_days = Vec::new();
    let mut areas: BTreeMap<String, (AreaFigures, Vec<i64>)> = BTreeMap::new();
    let mut queue = Vec::new();
    let mut applied: HashSet<HouseholdId> = HashSet::new();
    for a in &applications {
        let area = area_of(&a.location);
        add(&mut total, a, &mut total_days);
        let (f, days) = areas.entry(area.clone()).or_insert_with(|| {
            (
                AreaFigures {
                    area: area.clone(),
                    ..AreaFigures::default()
                },
                Vec::new(),
            )
        });
        add(f, a, days);
        if a.state != ApplicationState::Withdrawn {
            applied.insert(a.household_id);
        }
        if !matches!(
            a.state,
            ApplicationState::Issued | ApplicationState::Withdrawn
        ) {
            queue.push(Waiting {
                id: a.id,
                household_id: a.household_id,
                applicant_name: a.applicant_name.clone(),
                location: a.location.clone(),
                area,
                applied_on: a.applied_on,
                state: a.state,
                days_waiting: (ctx.today() - a.resurvey_requested_on.unwrap_or(a.applied_on))
                    .num_days(),
            });
        }
    }
    finish(&mut total, total_days);
    let areas: Vec<AreaFigures> = areas
        .into_values()
        .map(|(mut f, days)| {
            finish(&mut f, days);
            f
        })
        .collect();
    queue.sort_by(|a, b| b.days_waiting.cmp(&a.days_waiting).then(a.id.cmp(&b.id)));
    // The affected area is the whole municipality (the only area declarations accept yet).
    let households_in_area = households.len();
    let mut not_applied: Vec<NotApplied> = households
        .into_iter()
        .filter(|h| !applied.contains(&h.id))
        .map(|h| NotApplied {
            area: area_of(&h.head.address),
            household_id: h.id,
            household_no: h.household_no,
            head: h.head.name,
            address: h.head.address,
            members: h.members,
        })
        .collect();
    not_applied.sort_by(|a, b| a.area.cmp(&b.area).then(a.address.cmp(&b.address)));
    w.tx.record(
        Entry::new(AuditAction::PersonSearched, "disaster", declaration)
            .owner(m)
            .detail(serde_json::json!({
                "damage_progress": declaration,
                "applications": applications.len(),
                "not_applied": not_applied.len(),
            })),
    );
    w.commit().await?;
    Ok(DamageProgress {
        declaration_id: declaration,
        declaration_name: d.name,
        total,
        areas,
        queue,
        not_applied,
        households_in_area,
    })
}

/// A certificate with what its page says beside the application (the household's head, the
/// disaster), for printing.
#[derive(Clone, Debug, Serialize)]
pub struct Printable {
    pub application: Application,
    pub head_name: String,
    pub head_address: String,
    pub declaration_name: String,
    pub disaster_day: NaiveDate,
    pub municipality: String,
}

async fn printable_of(
    w: &crate::work::Work<'_>,
    municipality: &str,
    d: &declarations::Declaration,
    a: Application,
) -> Result<Printable, Error> {
    let members = persons::household_members(&w.tx, a.municipality_id, a.household_id).await?;
    let head = members.iter().min_by_key(|p| {
        (
            !tsunagi_domain::person::is_householder(p.relationship.as_deref()),
            p.birth_date,
        )
    });
    Ok(Printable {
        head_name: head.map(|p| p.name.clone()).unwrap_or_default(),
        head_address: head.map(|p| p.address.clone()).unwrap_or_default(),
        declaration_name: d.name.clone(),
        disaster_day: day_jst(d.started_at),
        municipality: municipality.to_owned(),
        application: a,
    })
}

/// The issued certificate of one application, for printing (audited as an export).
pub async fn printable(app: &App, ctx: &Context, id: uuid::Uuid) -> Result<Printable, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let name = crate::organisations::name_of(app, m).await?;
    let mut w = app.begin(ctx).await?;
    let a = certificates::find(&w.tx, actor, id).await?;
    let Some(c) = a.current_certificate() else {
        return Err(Error::NotFound);
    };
    w.tx.record(
        Entry::new(AuditAction::RosterExported, "damage_application", id)
            .owner(m)
            .detail(serde_json::json!({"certificate": c.number, "format": "pdf"})),
    );
    let d = declarations::load(&w.tx, actor, a.declaration_id).await?;
    let p = printable_of(&w, &name, &d, a).await?;
    w.commit().await?;
    Ok(p)
}

/// The declaration's applications that `keep` accepts, ready to print or export, audited as
/// one export whose detail `audit` writes.
async fn printables_where(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    keep: impl Fn(&Application) -> bool,
    audit: impl FnOnce(&[Printable]) -> serde_json::Value,
) -> Result<Vec<Printable>, Error> {
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor)?;
    let name = crate::organisations::name_of(app, m).await?;
    let mut w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    let mut out = Vec::new();
    for a in certificates::of_declaration(&w.tx, m, declaration).await? {
        if keep(&a) {
            out.push(printable_of(&w, &name, &d, a).await?);
        }
    }
    w.tx.record(
        Entry::new(AuditAction::RosterExported, "disaster", declaration)
            .owner(m)
            .detail(audit(&out)),
    );
    w.commit().await?;
    Ok(out)
}

/// Every issued certificate of a declaration (optionally only those issued on one day), for
/// printing in one batch (audited as an export naming the certificates).
pub async fn printable_batch(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    issued_on: Option<NaiveDate>,
) -> Result<Vec<Printable>, Error> {
    printables_where(
        app,
        ctx,
        declaration,
        |a| {
            a.current_certificate()
                .is_some_and(|c| issued_on.is_none_or(|day| c.issued_on == day))
        },
        |out| {
            let numbers: Vec<&str> = out
                .iter()
                .filter_map(|p| {
                    p.application
                        .current_certificate()
                        .map(|c| c.number.as_str())
                })
                .collect();
            serde_json::json!({"certificates": numbers, "format": "pdf"})
        },
    )
    .await
}

/// Every application of a declaration with its history (exports; audited as an export).
pub async fn export(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<Vec<Printable>, Error> {
    printables_where(
        app,
        ctx,
        declaration,
        |_| true,
        |out| {
            let households: Vec<uuid::Uuid> =
                out.iter().map(|p| p.application.household_id.0).collect();
            serde_json::json!({"damage_export": declaration, "households": households})
        },
    )
    .await
}
