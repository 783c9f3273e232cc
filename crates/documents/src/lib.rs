//! Printable documents in Japanese, as PDF with the font embedded: the individual evacuation
//! plan (個別避難計画書), the consent and plan form pack mailed for approach ア
//! (同意書・計画様式の送付), damage certificates (罹災証明書), the programmes letter
//! (支援制度のご案内), case meeting minutes (ケース会議 議事録) and the safety-check sweep's paper
//! lists (安否確認名簿).
//!
//! Documents are typst templates (`src/templates/*.typ`) filled from JSON: the data never
//! becomes markup, so nothing a user typed can change the layout or reach a file. The crate
//! is separate because typst is about half of a cold build; only the web and CLI crates
//! depend on it.

mod certificate;
mod forms;
mod letter;
mod minutes;
mod plan_sheet;
mod render;
mod report;
mod sweep_sheet;
mod world;

pub use certificate::{CertificateSheet, certificates_pdf};
pub use forms::{FormPackLetter, form_pack_pdf};
pub use letter::{Letter, LetterProgramme, letter_pdf};
pub use minutes::{MinutesCase, MinutesSheet, MinutesTask, minutes_pdf};
pub use plan_sheet::{PersonHeader, PlanSheet, plan_pdf};
pub use report::{ReportLine, ReportSheet, ReportTable, report_pdf};
pub use sweep_sheet::{SweepSheet, SweepSheetRow, sweep_sheet_pdf};

/// Why a document could not be produced. None of these is the user's fault: the data is
/// already validated, so each one is a bug or a broken build, reported with typst's words.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("the embedded font could not be read")]
    Font,
    #[error("document data could not be serialised: {0}")]
    Data(#[from] serde_json::Error),
    #[error("document template failed: {0}")]
    Template(String),
    #[error("PDF export failed: {0}")]
    Export(String),
}
