//! 安否確認名簿 (A4 landscape): one checker's people of a sweep printed before the network goes —
//! per row a number for later entry, the person, the boxes to tick (result and how) and room
//! for a note — with the list's number, who it was printed for and when, and the notice that
//! it is void once the declaration closes. Marked as holding personal data.

use chrono::NaiveDate;
use serde::Serialize;

use crate::DocumentError;
use crate::render::render;

const TEMPLATE: &str = include_str!("templates/sweep_sheet.typ");

/// One person on the sheet (everything already in words).
#[derive(Clone, Debug, Default, Serialize)]
pub struct SweepSheetRow {
    /// The row number staff type the result under (行番号).
    pub row: u32,
    pub name: String,
    pub kana: String,
    pub address: String,
    pub age: String,
    pub priority: String,
    /// 「支援者: 山本 花子 0889-22-0001」 when the supporters are to be reached first.
    pub first_call: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct SweepSheet {
    pub municipality: String,
    pub declaration: String,
    /// 名簿番号 (「No.3」) as staff will look it up.
    pub number: String,
    pub checker: String,
    pub issued: String,
    /// The result boxes and the methods, as the screen labels them.
    pub statuses: Vec<String>,
    pub methods: Vec<String>,
    pub rows: Vec<SweepSheetRow>,
}

pub fn sweep_sheet_pdf(sheet: &SweepSheet, today: NaiveDate) -> Result<Vec<u8>, DocumentError> {
    render(TEMPLATE, sheet, today)
}
