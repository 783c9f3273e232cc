//! ケース会議 議事録: a case meeting's minutes (A4): when, where, who took part for which
//! organisation, the basis on which the cases were shared, and per case the situation, the
//! support policy decided and the tasks (who, what, by when). Marked as holding personal data.

use chrono::NaiveDate;
use serde::Serialize;

use crate::DocumentError;
use crate::render::render;

const TEMPLATE: &str = include_str!("templates/minutes.typ");

/// A task as the minutes tell it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MinutesTask {
    pub what: String,
    pub who: String,
    pub due: String,
}

/// One case as the minutes tell it (everything already in words).
#[derive(Clone, Debug, Default, Serialize)]
pub struct MinutesCase {
    pub household_no: String,
    pub members: String,
    pub damage: String,
    pub household_type: String,
    pub situation: String,
    pub policy: String,
    pub next_review: String,
    pub tasks: Vec<MinutesTask>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct MinutesSheet {
    pub municipality: String,
    pub title: String,
    pub when: String,
    pub place: String,
    pub basis: String,
    /// 「○○社会福祉協議会（山田、佐藤）」 per line.
    pub participants: Vec<String>,
    pub cases: Vec<MinutesCase>,
    pub notes: String,
    pub recorded_by: String,
}

pub fn minutes_pdf(sheet: &MinutesSheet, today: NaiveDate) -> Result<Vec<u8>, DocumentError> {
    render(TEMPLATE, sheet, today)
}
