//! The pack mailed to a person for approach ア (本人・家族で作成): a cover letter, the consent
//! form for sharing roster information, and a blank plan form pre-filled with what the
//! municipality already knows. One PDF per person, or one merged PDF for a mailing.

use chrono::NaiveDate;
use serde::Serialize;

use crate::DocumentError;
use crate::plan_sheet::PersonHeader;
use crate::render::render;

const TEMPLATE: &str = include_str!("templates/form_pack.typ");

/// One addressee of the mailing.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FormPackLetter {
    pub person: PersonHeader,
    /// Hazards of the home in words (洪水・内水氾濫, 土砂災害 …): each gets a destination row.
    pub home_hazards: Vec<String>,
}

#[derive(Serialize)]
struct FormPack<'a> {
    municipality: &'a str,
    /// The section that sends the pack and takes the replies (e.g. 潮見市 危機管理課).
    sender: &'a str,
    /// The receivers the consent form asks about, in words (消防本部, 警察署, 社会福祉協議会 …).
    receivers: &'a [String],
    reply_by: String,
    sent_on: String,
    letters: &'a [FormPackLetter],
}

/// The form pack for every letter, merged into one PDF in the given order (pass one letter
/// for a single person's pack).
pub fn form_pack_pdf(
    municipality: &str,
    sender: &str,
    receivers: &[String],
    letters: &[FormPackLetter],
    reply_by: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<u8>, DocumentError> {
    let pack = FormPack {
        municipality,
        sender,
        receivers,
        reply_by: tsunagi_domain::wareki::format_wareki(reply_by),
        sent_on: tsunagi_domain::wareki::format_wareki(today),
        letters,
    };
    render(TEMPLATE, &pack, today)
}
