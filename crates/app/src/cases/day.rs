//! A caseworker's day: visits due, reviews due, open tasks, open cases.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use tsunagi_domain::case_management::HouseholdType;
use tsunagi_domain::{HouseholdId, OrganisationId};
use tsunagi_store::{cases, persons};

use super::StoredCase;
use crate::{App, Context, Error};

/// One line of a caseworker's day.
#[derive(Clone, Debug, Serialize)]
pub struct DayLine {
    pub case_id: uuid::Uuid,
    pub declaration_id: uuid::Uuid,
    pub household_id: HouseholdId,
    pub household_no: String,
    pub lead_caseworker: Option<String>,
    pub household_type: Option<HouseholdType>,
    /// The date that is due.
    pub due_on: NaiveDate,
}

/// A caseworker's day: the visits planned for today or earlier and not yet made, and the
/// reviews due, of the open cases the actor's organisation leads (all the municipality's open
/// cases for its staff), oldest first.
#[derive(Clone, Debug, Serialize)]
pub struct Day {
    pub visits_due: Vec<DayLine>,
    pub reviews_due: Vec<DayLine>,
    /// Every open case in view.
    pub open_cases: Vec<DayLine>,
    /// The open tasks held or offered (overdue first, then by due date).
    pub tasks: Vec<super::tasks::TaskLine>,
}

pub async fn my_day(app: &App, ctx: &Context) -> Result<Day, Error> {
    let actor = ctx.actor()?;
    let today = ctx.today();
    let w = app.begin(ctx).await?;
    let list = match super::manager_of(actor) {
        Some(m) => cases::managed_by(&w.tx, m).await?,
        None => cases::led_by(&w.tx, actor.organisation_id).await?,
    };
    let open: Vec<StoredCase> = list.into_iter().filter(|c| !c.closed).collect();
    let mut by_municipality: HashMap<OrganisationId, Vec<HouseholdId>> = HashMap::new();
    for c in &open {
        by_municipality
            .entry(c.municipality_id)
            .or_default()
            .push(c.household_id);
    }
    let mut numbers: HashMap<HouseholdId, String> = HashMap::new();
    for (m, hs) in &by_municipality {
        numbers.extend(persons::household_numbers(&w.tx, *m, hs).await?);
    }
    // The last visit of each household in view, read by declaration.
    let mut next_visit: HashMap<(uuid::Uuid, HouseholdId), Option<NaiveDate>> = HashMap::new();
    let mut by_declaration: HashMap<uuid::Uuid, Vec<HouseholdId>> = HashMap::new();
    for c in &open {
        by_declaration
            .entry(c.declaration_id)
            .or_default()
            .push(c.household_id);
    }
    for (d, hs) in by_declaration {
        for v in cases::visits_of_households(&w.tx, d, &hs).await? {
            next_visit.insert((d, v.household_id), v.visit.next_visit_on);
        }
    }
    let mut day = Day {
        visits_due: Vec::new(),
        reviews_due: Vec::new(),
        open_cases: Vec::new(),
        tasks: super::tasks::open_for(&w.tx, actor, today).await?,
    };
    day.tasks.sort_by_key(|t| !t.overdue);
    for c in &open {
        let line = |due_on: NaiveDate| DayLine {
            case_id: c.id,
            declaration_id: c.declaration_id,
            household_id: c.household_id,
            household_no: numbers.get(&c.household_id).cloned().unwrap_or_default(),
            lead_caseworker: c.body.lead_caseworker.clone(),
            household_type: c.body.current_type(),
            due_on,
        };
        if c.body.review_due(today)
            && let Some(d) = c.body.next_review_on
        {
            day.reviews_due.push(line(d));
        }
        if let Some(Some(next)) = next_visit.get(&(c.declaration_id, c.household_id))
            && *next <= today
        {
            let next = *next;
            day.visits_due.push(line(next));
        }
        day.open_cases.push(line(
            c.body.next_review_on.unwrap_or(c.created_at.date_naive()),
        ));
    }
    day.visits_due.sort_by_key(|l| l.due_on);
    day.reviews_due.sort_by_key(|l| l.due_on);
    w.commit().await?;
    Ok(day)
}
