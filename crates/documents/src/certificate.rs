//! 罹災証明書 (damage certificates), one A4 page each in the national unified form's layout,
//! merged into one PDF for a batch.

use chrono::NaiveDate;
use serde::Serialize;

use crate::DocumentError;
use crate::render::render;

const TEMPLATE: &str = include_str!("templates/certificate.typ");

/// One certificate as printed (everything already in words).
#[derive(Clone, Debug, Default, Serialize)]
pub struct CertificateSheet {
    pub number: String,
    pub head_name: String,
    pub head_address: String,
    pub location: String,
    pub cause: String,
    /// The disaster's day in 和暦.
    pub disaster_day: String,
    /// The level's code (`tsunagi_domain::damage::DamageLevel::code`): its box is ticked.
    pub level: String,
    /// How it was surveyed (第1次調査 令和8年12月5日 …).
    pub survey: String,
    pub issued_on: String,
    /// For a certificate issued again after a re-survey: what it replaces. Empty otherwise.
    pub reissue_note: String,
}

#[derive(Serialize)]
struct Level<'a> {
    code: &'a str,
    label: &'a str,
}

#[derive(Serialize)]
struct Batch<'a> {
    municipality: &'a str,
    mayor: &'a str,
    levels: Vec<Level<'a>>,
    certificates: &'a [CertificateSheet],
}

/// The certificates, one page each, in the given order. `levels` are (code, label) from the
/// most to the least severe, as the form lists them.
pub fn certificates_pdf(
    municipality: &str,
    mayor: &str,
    levels: &[(&str, &str)],
    certificates: &[CertificateSheet],
    today: NaiveDate,
) -> Result<Vec<u8>, DocumentError> {
    let batch = Batch {
        municipality,
        mayor,
        levels: levels
            .iter()
            .map(|(code, label)| Level { code, label })
            .collect(),
        certificates,
    };
    render(TEMPLATE, &batch, today)
}
