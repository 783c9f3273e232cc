//! Paper lists of the safety-check sweep (紙の安否確認名簿, issue 18 item 4): before the network
//! goes, each checker's people are printed as an A4 sheet with boxes to tick and a row number
//! per person; the list is recorded as handed out (number, for whom, by whom, when, which
//! people) and is void once the declaration closes. When the sheet comes back, the
//! municipality's staff enter its results in one go, all or nothing, and once: each row is an
//! attempt whose key is the list and the row, so a sheet sent twice records once.
//!
//! Who prints: the municipality's staff, for any checker (or for themselves); a checking
//! organisation (自治会, 民生委員, 事業所, 社協), its own people. Nobody else: not found.

use serde::Serialize;
use tsunagi_domain::access::{Capability, can};
use tsunagi_domain::safety::checkers::{CheckerStep, is_checking_organisation};
use tsunagi_domain::safety::{CheckAttempt, ContactMethod, SafetyStatus};
use tsunagi_domain::{OrganisationId, PersonId, ValidationErrors};
use tsunagi_store::safety::{self, SweepLine, paper::PaperList};

use crate::{App, Context, Error};

/// A paper list with the people on it, in row order.
#[derive(Clone, Debug, Serialize)]
pub struct PaperSheet {
    pub list: PaperList,
    pub declaration_name: String,
    pub checker_name: String,
    pub open: bool,
    /// The people with their row numbers (1 first), in row order. A person no longer in the
    /// sweep as the reader sees it is left out; the others keep their printed numbers.
    pub lines: Vec<(u32, SweepLine)>,
    /// For those to reach through their supporters first: the supporters' names and phones,
    /// where the printer may see the plan (its view is audited); none otherwise.
    pub supporters: std::collections::HashMap<uuid::Uuid, Vec<(String, String)>>,
}

/// A paper list as the municipality's staff see it among the others.
#[derive(Clone, Debug, Serialize)]
pub struct PaperListLine {
    pub list: PaperList,
    pub checker_name: String,
}

/// One row of a returned sheet as staff type it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaperRow {
    /// The row number printed on the sheet (1 first).
    pub row: u32,
    pub status: SafetyStatus,
    pub method: ContactMethod,
    pub note: Option<String>,
}

fn staff(ctx: &Context) -> Result<bool, Error> {
    Ok(can(ctx.actor()?, Capability::CreatePerson))
}

async fn checker_name(app: &App, checker: Option<uuid::Uuid>) -> Result<String, Error> {
    Ok(match checker {
        Some(o) => crate::organisations::name_of(app, OrganisationId(o)).await?,
        None => CheckerStep::MunicipalStaff.label().to_owned(),
    })
}

/// Prints (records) a paper list of an open declaration's sweep: the staff for `checker` (its
/// people by the checker order; `None`: those left to the staff), a checking organisation for
/// itself. People in address order, then kana: the order a walk takes them.
pub async fn issue(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    checker: Option<OrganisationId>,
) -> Result<PaperSheet, Error> {
    let actor = ctx.actor()?;
    let for_checker = if staff(ctx)? {
        checker
    } else if is_checking_organisation(actor.organisation_kind) {
        Some(actor.organisation_id)
    } else {
        return Err(Error::NotFound);
    };
    let mut w = app.begin(ctx).await?;
    let d = tsunagi_store::declarations::load(&w.tx, actor, declaration).await?;
    if d.closed_at.is_some() {
        return Err(Error::Invalid(ValidationErrors::single(
            "declaration",
            "この災害は終了しています。名簿は印刷できません",
        )));
    }
    let part = safety::SweepPart::GivenTo(for_checker.map(|o| o.0));
    let (mut lines, _) = safety::sweep(&mut w.tx, actor, ctx.disaster(), declaration, part).await?;
    if lines.is_empty() {
        return Err(Error::Invalid(ValidationErrors::single(
            "checker",
            "この担当の方はいません",
        )));
    }
    lines.sort_by(|a, b| {
        a.person
            .address
            .cmp(&b.person.address)
            .then(a.person.name_kana.cmp(&b.person.name_kana))
    });
    let persons: Vec<uuid::Uuid> = lines.iter().map(|l| l.person.id.0).collect();
    let mut supporters = std::collections::HashMap::new();
    for l in lines
        .iter()
        .filter(|l| l.checker_step == Some(CheckerStep::Supporters))
    {
        // The plan as the printer may see it (404 for a roster-only reader: no contacts).
        match tsunagi_store::plans::history(&mut w.tx, actor, ctx.disaster(), l.person.id).await {
            Ok(versions) => {
                if let Some(v) = versions.first() {
                    supporters.insert(
                        l.person.id.0,
                        v.plan
                            .supporters
                            .iter()
                            .map(|s| (s.name.clone(), s.phone.clone()))
                            .collect(),
                    );
                }
            }
            Err(tsunagi_store::StoreError::NotFound | tsunagi_store::StoreError::Forbidden) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let list = safety::paper::issue(&mut w.tx, actor, declaration, for_checker, &persons).await?;
    w.commit().await?;
    Ok(PaperSheet {
        checker_name: checker_name(app, list.checker).await?,
        list,
        declaration_name: d.name,
        open: true,
        lines: (1u32..).zip(lines).collect(),
        supporters,
    })
}

/// The paper lists of a declaration, newest first (the municipality's staff).
pub async fn lists(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<Vec<PaperListLine>, Error> {
    if !staff(ctx)? {
        return Err(Error::NotFound);
    }
    let w = app.begin(ctx).await?;
    let l = safety::paper::of_declaration(&w.tx, ctx.actor()?, declaration).await?;
    w.commit().await?;
    let mut out = Vec::with_capacity(l.len());
    for list in l {
        out.push(PaperListLine {
            checker_name: checker_name(app, list.checker).await?,
            list,
        });
    }
    Ok(out)
}

/// A paper list with its people in row order, for entering its results (the staff). People no
/// longer in the sweep as the staff see it are left out of the rows.
pub async fn sheet(app: &App, ctx: &Context, id: uuid::Uuid) -> Result<PaperSheet, Error> {
    if !staff(ctx)? {
        return Err(Error::NotFound);
    }
    let actor = ctx.actor()?;
    let mut w = app.begin_read(ctx).await?;
    let list = safety::paper::get(&w.tx, actor, id).await?;
    let d = tsunagi_store::declarations::load(&w.tx, actor, list.declaration_id).await?;
    let mut by_id: std::collections::HashMap<uuid::Uuid, SweepLine> = safety::sweep(
        &mut w.tx,
        actor,
        ctx.disaster(),
        list.declaration_id,
        safety::SweepPart::GivenTo(list.checker),
    )
    .await?
    .0
    .into_iter()
    .map(|l| (l.person.id.0, l))
    .collect();
    w.commit().await?;
    let lines = (1u32..)
        .zip(&list.persons)
        .filter_map(|(row, p)| by_id.remove(p).map(|l| (row, l)))
        .collect();
    Ok(PaperSheet {
        checker_name: checker_name(app, list.checker).await?,
        list,
        declaration_name: d.name,
        open: d.closed_at.is_none(),
        lines,
        supporters: std::collections::HashMap::new(),
    })
}

/// Enters a returned sheet's results (the staff): every row checked first (a row number on
/// the sheet, once each; what a check found; a note for 避難済み and 要支援) and every error
/// reported with its row; then all rows are recorded in one transaction, or none. Rows left
/// blank on the sheet are simply not sent. A sheet is entered once (409 after). Returns how
/// many people were recorded.
pub async fn enter(
    app: &App,
    ctx: &Context,
    id: uuid::Uuid,
    rows: Vec<PaperRow>,
) -> Result<usize, Error> {
    if !staff(ctx)? {
        return Err(Error::NotFound);
    }
    let actor = ctx.actor()?;
    let org = crate::organisations::name_of(app, actor.organisation_id).await?;
    let mut w = app.begin(ctx).await?;
    let list = safety::paper::get(&w.tx, actor, id).await?;
    let mut errors = ValidationErrors::new();
    let mut seen = std::collections::HashSet::new();
    let mut attempts = Vec::with_capacity(rows.len());
    if rows.is_empty() {
        errors.push("rows", "入力された行がありません");
    }
    for r in rows {
        let field = format!("rows.{}", r.row);
        let Some(person) = usize::try_from(r.row)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| list.persons.get(i))
        else {
            errors.push(&field, format!("{}行目はこの名簿にありません", r.row));
            continue;
        };
        if !seen.insert(r.row) {
            errors.push(&field, format!("{}行目が二度入力されています", r.row));
            continue;
        }
        let mark = format!("紙の名簿No.{} {}行目", list.number, r.row);
        let note = r
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| format!("{n}（{mark}）"));
        let attempt = CheckAttempt {
            status: r.status,
            method: r.method,
            note: note.clone(),
            key: format!("paper-{}-{}", list.id.simple(), r.row),
        };
        match attempt.validate() {
            Ok(mut a) => {
                // The sheet is named even when its row had no note.
                a.note = Some(note.unwrap_or(mark));
                attempts.push((PersonId(*person), a));
            }
            Err(e) => {
                for m in e.0 {
                    errors.push(&field, format!("{}行目: {}", r.row, m.message));
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    safety::paper::mark_entered(&mut w.tx, actor, id).await?;
    for (person, a) in &attempts {
        safety::record(
            &mut w.tx,
            actor,
            &org,
            ctx.disaster(),
            list.declaration_id,
            *person,
            a,
        )
        .await?;
    }
    w.commit().await?;
    Ok(attempts.len())
}

/// The checkers of a declaration's sweep with how many people each was given, for choosing
/// whose list to print (the staff): the staff's own first, then by name.
pub async fn checkers(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
) -> Result<Vec<(Option<uuid::Uuid>, String, u32)>, Error> {
    if !staff(ctx)? {
        return Err(Error::NotFound);
    }
    let actor = ctx.actor()?;
    let w = app.begin(ctx).await?;
    let loads = safety::assigned_counts(&w.tx, actor, declaration, None).await?;
    w.commit().await?;
    let names: std::collections::HashMap<uuid::Uuid, String> =
        crate::organisations::in_municipality(app, actor.organisation_id)
            .await?
            .into_iter()
            .map(|o| (o.id.0, o.name))
            .collect();
    let mut out: Vec<(Option<uuid::Uuid>, String, u32)> = loads
        .into_iter()
        .map(|l| {
            let name = match l.checker {
                Some(o) => names.get(&o).cloned().unwrap_or_default(),
                None => CheckerStep::MunicipalStaff.label().to_owned(),
            };
            (l.checker, name, l.people)
        })
        .collect();
    out.sort_by(|a, b| (a.0.is_some(), &a.1).cmp(&(b.0.is_some(), &b.1)));
    Ok(out)
}
