//! 情報連携会議 資料: the information-sharing meeting's report (A4), counts only: the totals,
//! then each table with its columns; small cells arrive already suppressed (「5未満」).

use chrono::NaiveDate;
use serde::Serialize;

use crate::DocumentError;
use crate::render::render;

const TEMPLATE: &str = include_str!("templates/report.typ");

#[derive(Clone, Debug, Default, Serialize)]
pub struct ReportLine {
    pub label: String,
    pub cells: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ReportTable {
    pub title: String,
    pub columns: Vec<String>,
    pub lines: Vec<ReportLine>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ReportSheet {
    pub municipality: String,
    pub title: String,
    pub date: String,
    /// 「令和8年11月21日以降」.
    pub since: String,
    pub totals: Vec<ReportLine>,
    pub tables: Vec<ReportTable>,
}

pub fn report_pdf(sheet: &ReportSheet, today: NaiveDate) -> Result<Vec<u8>, DocumentError> {
    render(TEMPLATE, sheet, today)
}
