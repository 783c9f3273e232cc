//! PDF documents for the screens and the API: builds the documents crate's plain inputs from
//! stored records (so the UI and API print the same thing) and wraps the bytes in a response.

use axum::response::Response;
use chrono::NaiveDate;
use tsunagi_app::Context;
use tsunagi_app::persons::PersonRecord;
use tsunagi_app::plans::PlanVersion;
use tsunagi_documents::{FormPackLetter, PersonHeader, PlanSheet};
use tsunagi_domain::OrganisationId;
use tsunagi_domain::organisation::OrganisationKind;
use tsunagi_domain::plan::PlanHazard;
use tsunagi_domain::wareki::format_both;

use crate::{AppError, AppState};

pub fn person_header(record: &PersonRecord, municipality: &str) -> PersonHeader {
    let d = &record.details;
    let address = match d.address_extra.as_deref() {
        Some(extra) if !extra.trim().is_empty() => format!("{} {}", d.address, extra.trim()),
        _ => d.address.clone(),
    };
    let area = record
        .roster
        .as_ref()
        .and_then(|r| r.district_label())
        .unwrap_or_else(|| tsunagi_domain::progress::area_of(&d.address, municipality));
    PersonHeader {
        name: d.name.clone(),
        kana: d.name_kana.clone(),
        birth_date: format_both(d.birth_date),
        address,
        phone: d.phone.clone().unwrap_or_default(),
        area,
    }
}

fn home_hazards(record: &PersonRecord) -> Vec<PlanHazard> {
    record
        .roster
        .as_ref()
        .map(|r| PlanHazard::of_home(&r.home_hazards))
        .unwrap_or_default()
}

/// The latest plan version as a sheet; an empty plan (version 0) when none is written yet.
pub fn plan_sheet(record: &PersonRecord, history: &[PlanVersion], municipality: &str) -> PlanSheet {
    let current = history.first();
    let plan = current.map(|v| v.plan.clone()).unwrap_or_default();
    let mut sheet = PlanSheet::new(
        municipality,
        person_header(record, municipality),
        &plan,
        &home_hazards(record),
    );
    if let Some(v) = current {
        sheet = sheet.with_version(
            u32::try_from(v.version).unwrap_or(0),
            &format!("{} {}", v.author_organisation, v.author),
            &crate::ui::views::jst_minutes(&v.created_at),
        );
    }
    let consent = {
        let c = &record.consent;
        let mut s = c.status.label().to_owned();
        if let Some(on) = c.obtained_on {
            s.push_str(&format!(
                "（{}）",
                tsunagi_domain::wareki::format_wareki(on)
            ));
        }
        s
    };
    let (priority, approach) = record
        .triage
        .as_ref()
        .map(|t| (t.result.priority.label(), t.result.approach.label()))
        .unwrap_or(("", ""));
    let reasons = record
        .roster
        .as_ref()
        .map(|r| r.reasons())
        .unwrap_or_default();
    sheet.with_status(priority, approach, &consent, reasons)
}

/// One addressee of the approach-ア mailing.
pub fn form_pack_letter(record: &PersonRecord, municipality: &str) -> FormPackLetter {
    FormPackLetter {
        person: person_header(record, municipality),
        home_hazards: home_hazards(record)
            .iter()
            .map(|h| h.label().to_owned())
            .collect(),
    }
}

/// The receiver kinds the consent form asks about: the 避難支援等関係者 kinds that have an
/// organisation in the municipality, in a fixed order.
pub async fn consent_receivers(
    state: &AppState,
    municipality: OrganisationId,
) -> Result<Vec<String>, AppError> {
    let orgs = tsunagi_app::organisations::in_municipality(&state.app, municipality).await?;
    Ok(OrganisationKind::ALL
        .iter()
        .filter(|k| k.is_evacuation_support_party())
        .filter(|k| orgs.iter().any(|o| o.kind == **k))
        .map(|k| k.label().to_owned())
        .collect())
}

/// The default reply date printed on the forms: four weeks after sending.
pub fn default_reply_by(today: NaiveDate) -> NaiveDate {
    today + chrono::Days::new(28)
}

/// A PDF download.
pub fn pdf_response(bytes: Vec<u8>, ascii_name: &str, name: &str) -> Response {
    crate::download::attachment(bytes, "application/pdf", ascii_name, name)
}

impl From<tsunagi_documents::DocumentError> for AppError {
    fn from(e: tsunagi_documents::DocumentError) -> Self {
        AppError::Internal(e.to_string())
    }
}

/// Renders off the async workers: a document takes tens of milliseconds of CPU.
async fn blocking<F>(f: F) -> Result<Vec<u8>, AppError>
where
    F: FnOnce() -> Result<Vec<u8>, tsunagi_documents::DocumentError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::from)
}

/// The person's plan as a PDF, for anyone who may see the plan (audited as a plan view).
pub async fn plan_pdf(
    state: &AppState,
    ctx: &Context,
    id: tsunagi_domain::PersonId,
) -> Result<Response, AppError> {
    let (record, history) = tsunagi_app::plans::record_and_history(&state.app, ctx, id).await?;
    let municipality =
        tsunagi_app::organisations::name_of(&state.app, record.municipality_id).await?;
    let sheet = plan_sheet(&record, &history, &municipality);
    let today = ctx.today();
    let bytes = blocking(move || tsunagi_documents::plan_pdf(&sheet, today)).await?;
    Ok(pdf_response(
        bytes,
        "plan.pdf",
        &format!("個別避難計画_{}.pdf", record.details.name),
    ))
}

/// The approach-ア form pack for the given persons' records (read by the use case, which
/// admits only the owning municipality), merged in order.
pub async fn form_pack_pdf(
    state: &AppState,
    ctx: &Context,
    records: &[PersonRecord],
    reply_by: Option<NaiveDate>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let municipality =
        tsunagi_app::organisations::name_of(&state.app, actor.organisation_id).await?;
    let sender = municipality.clone();
    let letters: Vec<_> = records
        .iter()
        .map(|r| form_pack_letter(r, &municipality))
        .collect();
    if letters.is_empty() {
        return Err(AppError::BadRequest(
            "送付する対象者がいません（「同意書と計画様式を送付」の段階の方がいません）".into(),
        ));
    }
    let receivers = consent_receivers(state, actor.organisation_id).await?;
    let today = ctx.today();
    let reply_by = reply_by.unwrap_or_else(|| default_reply_by(today));
    let single = (letters.len() == 1).then(|| letters[0].person.name.clone());
    let count = letters.len();
    let bytes = blocking(move || {
        tsunagi_documents::form_pack_pdf(
            &municipality,
            &sender,
            &receivers,
            &letters,
            reply_by,
            today,
        )
    })
    .await?;
    let name = match single {
        Some(n) => format!("同意書・計画様式_{n}.pdf"),
        None => format!("同意書・計画様式_{count}件.pdf"),
    };
    Ok(pdf_response(bytes, "form-pack.pdf", &name))
}

/// A certificate's page from what the use case read.
fn certificate_sheet(
    p: &tsunagi_app::certificates::Printable,
) -> Option<tsunagi_documents::CertificateSheet> {
    use tsunagi_domain::wareki::format_wareki;
    let a = &p.application;
    let c = a.current_certificate()?;
    let s = a.surveys.iter().find(|s| s.id == c.survey_id)?;
    let mut survey = format!(
        "{} {}",
        s.survey.kind.label(),
        format_wareki(s.survey.surveyed_on)
    );
    if s.survey.collapsed {
        survey.push_str(" 一見して全壊（倒壊・傾斜1/20以上）");
    } else if let Some(r) = s.survey.ratio {
        survey.push_str(&format!(" 損害割合 {r}"));
    }
    let previous = a.certificates.iter().rev().nth(1);
    Some(tsunagi_documents::CertificateSheet {
        number: c.number.clone(),
        head_name: p.head_name.clone(),
        head_address: p.head_address.clone(),
        location: a.location.clone(),
        cause: a.cause.clone(),
        disaster_day: format_wareki(p.disaster_day),
        level: c.level.code().to_owned(),
        survey,
        issued_on: format_wareki(c.issued_on),
        reissue_note: previous
            .map(|prev| {
                format!(
                    "再調査の結果により交付（前回 {} {}、{}交付）",
                    prev.number,
                    prev.level.label(),
                    format_wareki(prev.issued_on)
                )
            })
            .unwrap_or_default(),
    })
}

/// Certificates as one PDF, one page each (404 when there is none to print).
pub async fn certificates_pdf(
    printables: &[tsunagi_app::certificates::Printable],
    today: NaiveDate,
    file: &str,
) -> Result<Response, AppError> {
    let sheets: Vec<_> = printables.iter().filter_map(certificate_sheet).collect();
    let Some(first) = printables.first() else {
        return Err(AppError::NotFound);
    };
    let municipality = first.municipality.clone();
    let mayor = format!("{municipality}長");
    let bytes = blocking(move || {
        let levels: Vec<(&str, &str)> = tsunagi_domain::damage::DamageLevel::ALL
            .iter()
            .rev()
            .map(|l| (l.code(), l.label()))
            .collect();
        tsunagi_documents::certificates_pdf(&municipality, &mayor, &levels, &sheets, today)
    })
    .await?;
    Ok(pdf_response(
        bytes,
        &format!("{file}.pdf"),
        &format!("罹災証明書_{file}.pdf"),
    ))
}

/// Yen with thousands separators: 1,000,000円.
pub fn yen(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{out}円", if v < 0 { "-" } else { "" })
}

/// The household's letter (支援制度のご案内): the programmes worth applying for, nearest
/// deadline first, and what is still unknown.
pub async fn letter_pdf(
    p: &tsunagi_app::eligibility::HouseholdProgrammes,
    municipality: &str,
    today: NaiveDate,
) -> Result<Response, AppError> {
    use tsunagi_eligibility::Status;
    use tsunagi_eligibility::programme::BenefitKind;
    let v = &p.ledger;
    let head = v
        .members
        .iter()
        .find(|m| tsunagi_domain::person::is_householder(m.relationship.as_deref()))
        .or(v.members.first())
        .and_then(|m| m.name.clone())
        .unwrap_or_default();
    let mut lines: Vec<&tsunagi_app::eligibility::ProgrammeLine> = p
        .lines
        .iter()
        .filter(|l| l.result.status.worth_applying() && l.application.is_none())
        .collect();
    lines.sort_by_key(|l| (l.result.deadline.is_none(), l.result.deadline));
    let mut unknowns: Vec<String> = Vec::new();
    for l in &lines {
        for q in &l.result.needed {
            if !unknowns.contains(q) {
                unknowns.push(q.clone());
            }
        }
    }
    let programmes = lines
        .iter()
        .map(|l| {
            let r = &l.result;
            tsunagi_documents::LetterProgramme {
                name: r.name.clone(),
                status: match r.status {
                    Status::Eligible => "対象です".into(),
                    _ => "対象の可能性があります".into(),
                },
                confirm_with: r.confirm_with.clone().unwrap_or_default(),
                summary: r.summary.clone(),
                amount_label: match r.benefit {
                    BenefitKind::Loan => "貸付の限度額".into(),
                    BenefitKind::InKind => "費用の上限".into(),
                    _ => "支給額の目安".into(),
                },
                amount: r.amount_yen.map(yen).unwrap_or_default(),
                documents: r.documents.clone(),
                where_to_apply: r.where_to_apply.clone(),
                deadline: r
                    .deadline
                    .map(tsunagi_domain::wareki::format_wareki)
                    .unwrap_or_default(),
            }
        })
        .collect();
    let letter = tsunagi_documents::Letter {
        municipality: municipality.to_owned(),
        head,
        household_no: v.household_no.clone(),
        date: tsunagi_domain::wareki::format_wareki(today),
        intro: format!(
            "{}で被災されたあなたの世帯が受けられる、または受けられる可能性のある支援制度をお知らせします。申請には期限があります。早めに窓口へお越しください。",
            v.declaration_name
        ),
        programmes,
        unknowns,
        contact: format!("{municipality} 被災者支援の窓口"),
    };
    let no = v.household_no.clone();
    let bytes = blocking(move || tsunagi_documents::letter_pdf(&letter, today)).await?;
    Ok(pdf_response(
        bytes,
        &format!(
            "letter-{}.pdf",
            no.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        ),
        &format!("支援制度のご案内_{no}.pdf"),
    ))
}

/// A case meeting's minutes (ケース会議 議事録), from the meeting as its viewer sees it.
pub async fn minutes_pdf(
    v: &tsunagi_app::cases::meetings::MeetingView,
    municipality: &str,
    today: NaiveDate,
) -> Result<Response, AppError> {
    use tsunagi_domain::wareki::format_wareki;
    let b = &v.meeting.body;
    let minutes = b.minutes.as_ref();
    let cases = v
        .agenda
        .iter()
        .map(|a| {
            let m = minutes.and_then(|m| m.cases.iter().find(|c| c.case_id == a.case_id));
            tsunagi_documents::MinutesCase {
                household_no: a.household_no.clone(),
                members: a
                    .members
                    .iter()
                    .map(|p| format!("{}（{}歳）", p.name, p.age))
                    .collect::<Vec<_>>()
                    .join("、"),
                damage: a.damage.map_or("罹災証明なし".into(), |d| d.label().into()),
                household_type: a
                    .household_type
                    .map_or("未分類".into(), |t| t.label().into()),
                situation: m.map(|m| m.situation.clone()).unwrap_or_default(),
                policy: m.map(|m| m.policy.clone()).unwrap_or_default(),
                next_review: a.next_review_on.map(format_wareki).unwrap_or_default(),
                tasks: a
                    .tasks
                    .iter()
                    .map(|t| tsunagi_documents::MinutesTask {
                        what: t.body.what.clone(),
                        who: if t.body.claims.is_empty() {
                            "未定（参加団体が申し出る）".into()
                        } else {
                            t.body
                                .claims
                                .iter()
                                .map(|c| c.organisation.clone())
                                .collect::<Vec<_>>()
                                .join("、")
                        },
                        due: t.body.due_on.map(format_wareki).unwrap_or_default(),
                    })
                    .collect(),
            }
        })
        .collect();
    let sheet = tsunagi_documents::MinutesSheet {
        municipality: municipality.to_owned(),
        title: b.input.title.clone(),
        when: format!(
            "{} {}",
            format_wareki(
                minutes
                    .map(|m| m.held_on)
                    .unwrap_or(b.input.starts_at.date())
            ),
            b.input.starts_at.format("%H:%M")
        ),
        place: b.input.place.clone().unwrap_or_default(),
        basis: b.input.basis.label().to_owned(),
        participants: b
            .input
            .participants
            .iter()
            .map(|p| match &p.attendees {
                Some(a) => format!("{}（{a}）", p.organisation),
                None => p.organisation.clone(),
            })
            .collect(),
        cases,
        notes: minutes.and_then(|m| m.notes.clone()).unwrap_or_default(),
        recorded_by: b.recorded_by.clone().unwrap_or_default(),
    };
    let bytes = blocking(move || tsunagi_documents::minutes_pdf(&sheet, today)).await?;
    Ok(pdf_response(
        bytes,
        "case-meeting-minutes.pdf",
        &format!("ケース会議議事録_{}.pdf", b.input.title),
    ))
}

/// The information-sharing meeting's report (情報連携会議 資料) as PDF: counts only.
pub async fn report_pdf(
    r: &tsunagi_domain::case_report::Report,
    municipality: &str,
    today: NaiveDate,
) -> Result<Response, AppError> {
    use tsunagi_documents::{ReportLine, ReportSheet, ReportTable};
    use tsunagi_domain::wareki::format_wareki;
    let line = |label: &str, cells: Vec<String>| ReportLine {
        label: label.to_owned(),
        cells,
    };
    let sheet = ReportSheet {
        municipality: municipality.to_owned(),
        title: "情報連携会議 資料（災害ケースマネジメント）".into(),
        date: format_wareki(today),
        since: format!("{}以降", format_wareki(r.since)),
        totals: vec![
            line("対象世帯", vec![r.households.text()]),
            line("未面会の世帯", vec![r.not_reached.text()]),
        ],
        tables: r
            .tables
            .iter()
            .map(|t| ReportTable {
                title: t.title.clone(),
                columns: t.columns.clone(),
                lines: t
                    .lines
                    .iter()
                    .map(|l| line(&l.label, l.cells.iter().map(|c| c.text()).collect()))
                    .collect(),
            })
            .collect(),
    };
    let bytes = blocking(move || tsunagi_documents::report_pdf(&sheet, today)).await?;
    Ok(pdf_response(
        bytes,
        "case-report.pdf",
        "情報連携会議_資料.pdf",
    ))
}

/// A checker's paper list of the sweep (安否確認名簿) as PDF, rows in the list's order.
pub async fn sweep_sheet_pdf(
    s: &tsunagi_app::safety_paper::PaperSheet,
    municipality: &str,
    today: NaiveDate,
) -> Result<Response, AppError> {
    use tsunagi_domain::safety::checkers::CheckerStep;
    use tsunagi_domain::safety::{ContactMethod, SafetyStatus};
    let number = format!("No.{}", s.list.number);
    let sheet = tsunagi_documents::SweepSheet {
        municipality: municipality.to_owned(),
        declaration: s.declaration_name.clone(),
        number: number.clone(),
        checker: s.checker_name.clone(),
        issued: format!(
            "{}（{}）",
            crate::ui::views::jst_minutes(&s.list.issued_at),
            s.list.issued_by
        ),
        statuses: SafetyStatus::ALL
            .into_iter()
            .filter(|x| *x != SafetyStatus::Unchecked)
            .map(|x| x.label().to_owned())
            .collect(),
        methods: ContactMethod::ALL
            .into_iter()
            .map(|m| m.label().to_owned())
            .collect(),
        rows: s
            .lines
            .iter()
            .map(|(row, l)| tsunagi_documents::SweepSheetRow {
                row: *row,
                name: l.person.name.clone(),
                kana: l.person.name_kana.clone(),
                address: l.person.address.clone(),
                age: format!("{}歳", today.years_since(l.person.birth_date).unwrap_or(0)),
                priority: l.priority.map(|p| p.label()).unwrap_or("—").to_owned(),
                first_call: match (l.checker_step, s.supporters.get(&l.person.id.0)) {
                    (Some(CheckerStep::Supporters), Some(people)) if !people.is_empty() => {
                        format!(
                            "★まず支援者に確認: {}",
                            people
                                .iter()
                                .map(|(name, phone)| format!("{name} {phone}"))
                                .collect::<Vec<_>>()
                                .join("、")
                        )
                    }
                    (Some(CheckerStep::Supporters), _) => {
                        "★まず支援者（計画の避難支援等実施者）に確認".to_owned()
                    }
                    _ => String::new(),
                },
            })
            .collect(),
    };
    let bytes = blocking(move || tsunagi_documents::sweep_sheet_pdf(&sheet, today)).await?;
    Ok(pdf_response(
        bytes,
        &format!("safety-check-list-{}.pdf", s.list.number),
        &format!("安否確認名簿_{number}_{}.pdf", s.checker_name),
    ))
}
