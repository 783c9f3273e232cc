//! Surveyor teams' result sheets (被害認定調査の結果, CSV): matched by 世帯番号 to each
//! household's open application and recorded whole or not at all.

use serde::Serialize;
use tsunagi_domain::audit::AuditAction;
use tsunagi_domain::damage::ApplicationState;
use tsunagi_store::audit::Entry;
use tsunagi_store::{certificates, declarations, persons};

use crate::{App, Context, Error, day_jst};

/// What a survey import did (or, in a dry run, would do).
#[derive(Clone, Debug, Serialize)]
pub struct SurveyImportReport {
    pub file_name: String,
    pub rows_read: usize,
    pub errors: Vec<tsunagi_import::RowError>,
    pub ignored_columns: Vec<String>,
    /// Surveys recorded (or that would be).
    pub recorded: usize,
    pub applied: bool,
    pub dry_run: bool,
}

/// Why a survey import did not run at all.
#[derive(Debug, thiserror::Error)]
pub enum SurveyImportError {
    #[error("{0}")]
    File(#[from] tsunagi_import::FileError),
    #[error(transparent)]
    App(#[from] Error),
}

impl From<tsunagi_store::StoreError> for SurveyImportError {
    fn from(e: tsunagi_store::StoreError) -> Self {
        SurveyImportError::App(e.into())
    }
}

/// Records a surveyor team's results (CSV) on the declaration's applications, matched by
/// 世帯番号 to the household's open application. Every bad row — unreadable, no such household,
/// no open application, a survey the application cannot take now (a 第2次 without a request),
/// a result the rules refuse — is reported with its line; any bad row changes nothing. A dry
/// run is the real import rolled back.
pub async fn import_surveys(
    app: &App,
    ctx: &Context,
    declaration: uuid::Uuid,
    file_name: &str,
    bytes: &[u8],
    dry_run: bool,
) -> Result<SurveyImportReport, SurveyImportError> {
    use tsunagi_import::RowError;
    let actor = ctx.actor()?;
    let m = certificates::staff_municipality(actor).map_err(Error::from)?;
    let file =
        tsunagi_import::surveys::parse(bytes, tsunagi_import::Encoding::Auto, &Default::default())?;
    let mut report = SurveyImportReport {
        file_name: file_name.to_owned(),
        rows_read: file.rows.len()
            + file
                .errors
                .iter()
                .map(|e| e.line)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
        errors: file.errors,
        ignored_columns: file.ignored_columns,
        recorded: 0,
        applied: false,
        dry_run,
    };
    let mut w = app.begin(ctx).await?;
    let d = declarations::load(&w.tx, actor, declaration).await?;
    let households = persons::households_by_no(&w.tx, m).await?;
    let allowed = certificates::self_assessment_allowed(&w.tx, m).await?;
    let disaster_day = day_jst(d.started_at);
    for row in file.rows {
        let bad = |message: String| RowError {
            line: row.line,
            column: None,
            message,
        };
        let Some(h) = households.get(&row.household_no) else {
            report.errors.push(bad(format!(
                "世帯番号 {} の世帯がありません",
                row.household_no
            )));
            continue;
        };
        let open = certificates::of_household(&w.tx, m, declaration, *h)
            .await?
            .into_iter()
            .rev()
            .find(|a| a.state != ApplicationState::Withdrawn);
        let Some(a) = open else {
            report.errors.push(bad(format!(
                "世帯番号 {} の申請がありません（先に申請を受け付けてください）",
                row.household_no
            )));
            continue;
        };
        let survey = match row.survey.validate(ctx.today(), disaster_day, allowed) {
            Ok(s) => s,
            Err(e) => {
                for f in e.0 {
                    report.errors.push(bad(f.message));
                }
                continue;
            }
        };
        match certificates::record_survey(&mut w.tx, actor, a.id, a.version, &survey).await {
            Ok(_) => report.recorded += 1,
            Err(tsunagi_store::StoreError::Invalid(e)) => {
                for f in e.0 {
                    report.errors.push(bad(f.message));
                }
            }
            Err(e) => return Err(Error::from(e).into()),
        }
    }
    report.errors.sort_by_key(|e| e.line);
    w.tx.record(
        Entry::new(AuditAction::DamageSurveyed, "disaster", declaration)
            .owner(m)
            .detail(serde_json::json!({
                "survey_import": file_name, "rows": report.rows_read,
                "recorded": report.recorded, "errors": report.errors.len(), "dry_run": dry_run,
            })),
    );
    if dry_run || !report.errors.is_empty() {
        // Nothing changes: the whole file or nothing. (That it was tried is not kept either:
        // the entry above goes with the rollback; the caller shows the report.)
        drop(w);
        return Ok(report);
    }
    w.commit().await?;
    report.applied = true;
    Ok(report)
}
