//! 支援制度のご案内: one household's letter (plain Japanese, large print, A4): the programmes
//! that apply or may apply, what each gives, what to bring, where to go and by when; what is
//! still unknown and whom to ask (Noto's lesson: victims need plain pamphlets).

use chrono::NaiveDate;
use serde::Serialize;

use crate::DocumentError;
use crate::render::render;

const TEMPLATE: &str = include_str!("templates/letter.typ");

/// One programme as the letter tells it (everything already in words).
#[derive(Clone, Debug, Default, Serialize)]
pub struct LetterProgramme {
    pub name: String,
    /// 「対象です」 / 「対象の可能性があります」.
    pub status: String,
    pub confirm_with: String,
    pub summary: String,
    /// 「支給額の目安」, 「貸付の限度額」 …; empty amount when there is none.
    pub amount_label: String,
    pub amount: String,
    pub documents: Vec<String>,
    pub where_to_apply: String,
    pub deadline: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Letter {
    pub municipality: String,
    pub head: String,
    pub household_no: String,
    pub date: String,
    pub intro: String,
    pub programmes: Vec<LetterProgramme>,
    /// The questions still open, in plain words.
    pub unknowns: Vec<String>,
    /// Whom to ask (the municipality's window).
    pub contact: String,
}

pub fn letter_pdf(letter: &Letter, today: NaiveDate) -> Result<Vec<u8>, DocumentError> {
    render(TEMPLATE, letter, today)
}
