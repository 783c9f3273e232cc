//! Template + data → PDF bytes.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use typst::diag::SourceDiagnostic;
use typst::foundations::Datetime;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::DocumentError;
use crate::world::{DocumentWorld, font_loaded};

fn describe(diags: &[SourceDiagnostic]) -> String {
    diags
        .iter()
        .map(|d| d.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Compiles `template` with `data` available as `/data.json` and exports it as PDF.
/// `today` fixes the document's date so that the output depends only on its inputs.
pub(crate) fn render<T: Serialize>(
    template: &str,
    data: &T,
    today: NaiveDate,
) -> Result<Vec<u8>, DocumentError> {
    if !font_loaded() {
        return Err(DocumentError::Font);
    }
    let json = serde_json::to_vec(data)?;
    let date = u8::try_from(today.month())
        .ok()
        .zip(u8::try_from(today.day()).ok())
        .and_then(|(m, d)| Datetime::from_ymd(today.year(), m, d))
        .ok_or_else(|| DocumentError::Template(format!("date out of range: {today}")))?;
    let world = DocumentWorld::new(template, json, date)
        .ok_or_else(|| DocumentError::Template("virtual path".into()))?;
    let document: PagedDocument = typst::compile(&world)
        .output
        .map_err(|e| DocumentError::Template(describe(&e)))?;
    typst_pdf::pdf(&document, &PdfOptions::default())
        .map_err(|e| DocumentError::Export(describe(&e)))
}
