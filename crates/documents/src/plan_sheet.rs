//! The individual evacuation plan as an A4 document (個別避難計画書).

use chrono::NaiveDate;
use serde::Serialize;
use tsunagi_domain::plan::{EmergencyContact, EvacuationPlan, PlanHazard, Supporter};

use crate::DocumentError;
use crate::render::render;

const TEMPLATE: &str = include_str!("templates/plan.typ");

/// Who the document is about, as printed at the top of every form.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PersonHeader {
    pub name: String,
    pub kana: String,
    /// Already formatted (和暦 with the western year).
    pub birth_date: String,
    pub address: String,
    pub phone: String,
    /// 地区 (自治会 or 民生委員 district), empty when unknown.
    pub area: String,
}

#[derive(Clone, Debug, Serialize)]
struct DestinationLine {
    hazard: &'static str,
    place: String,
    route: String,
}

#[derive(Clone, Debug, Serialize)]
struct LabelValue {
    label: &'static str,
    value: String,
}

/// Everything printed on a plan. Build it with [`PlanSheet::new`] and the `with_*` setters.
#[derive(Clone, Debug, Serialize)]
pub struct PlanSheet {
    municipality: String,
    person: PersonHeader,
    home_hazards: Vec<&'static str>,
    support_reasons: Vec<String>,
    priority: String,
    approach: String,
    consent: String,
    supporters: Vec<Supporter>,
    /// Each supporter's agreement to be named and to the plan's provision (49-15(2)), in
    /// words: 「令和8年11月20日（書面）」, or 「未」.
    supporter_consents: Vec<String>,
    destinations: Vec<DestinationLine>,
    timing: String,
    transport: String,
    needs: Vec<LabelValue>,
    emergency_contacts: Vec<EmergencyContact>,
    notes_for_supporters: String,
    agreed_at: String,
    /// What was arranged when no supporter could be found (the guide's Q1).
    no_supporter_arrangement: String,
    missing: Vec<String>,
    version: u32,
    written_by: String,
    written_at: String,
    printed_on: String,
}

impl PlanSheet {
    /// One version of a plan for one person. `home_hazards` are the hazards of the home (each
    /// must have a destination); missing required items are computed here so that the
    /// printed list always matches the screen's.
    pub fn new(
        municipality: &str,
        person: PersonHeader,
        plan: &EvacuationPlan,
        home_hazards: &[PlanHazard],
    ) -> Self {
        let needs = plan
            .needs
            .items()
            .into_iter()
            .filter(|(_, _, v)| !v.trim().is_empty())
            .map(|(_, label, v)| LabelValue {
                label,
                value: v.trim().to_owned(),
            })
            .collect();
        Self {
            municipality: municipality.to_owned(),
            person,
            home_hazards: home_hazards.iter().map(|h| h.label()).collect(),
            support_reasons: Vec::new(),
            priority: String::new(),
            approach: String::new(),
            consent: String::new(),
            supporters: plan.supporters.clone(),
            supporter_consents: plan
                .supporters
                .iter()
                .map(|s| match s.consented_on {
                    Some(d) if s.consent_method.trim().is_empty() => {
                        tsunagi_domain::wareki::format_wareki(d)
                    }
                    Some(d) => format!(
                        "{}（{}）",
                        tsunagi_domain::wareki::format_wareki(d),
                        s.consent_method.trim()
                    ),
                    None => "未".to_owned(),
                })
                .collect(),
            destinations: plan
                .destinations
                .iter()
                .map(|d| DestinationLine {
                    hazard: d.hazard.label(),
                    place: d.place.clone(),
                    route: d.route.clone(),
                })
                .collect(),
            timing: plan.timing.clone(),
            transport: plan.transport.clone(),
            needs,
            emergency_contacts: plan.emergency_contacts.clone(),
            notes_for_supporters: plan.notes_for_supporters.clone(),
            agreed_at: plan.agreed_at.clone(),
            no_supporter_arrangement: plan.no_supporter_arrangement.trim().to_owned(),
            missing: plan.missing_items(home_hazards),
            version: 0,
            written_by: String::new(),
            written_at: String::new(),
            printed_on: String::new(),
        }
    }

    /// The version printed in the footer, its author (person and organisation) and when it
    /// was written.
    pub fn with_version(mut self, version: u32, written_by: &str, written_at: &str) -> Self {
        self.version = version;
        self.written_by = written_by.to_owned();
        self.written_at = written_at.to_owned();
        self
    }

    /// The triage result and the consent in words, printed in the header box.
    pub fn with_status(
        mut self,
        priority: &str,
        approach: &str,
        consent: &str,
        support_reasons: Vec<String>,
    ) -> Self {
        self.priority = priority.to_owned();
        self.approach = approach.to_owned();
        self.consent = consent.to_owned();
        self.support_reasons = support_reasons;
        self
    }
}

/// The plan as a PDF. `today` is the printing date (和暦 in the footer).
pub fn plan_pdf(sheet: &PlanSheet, today: NaiveDate) -> Result<Vec<u8>, DocumentError> {
    let mut sheet = sheet.clone();
    sheet.printed_on = tsunagi_domain::wareki::format_wareki(today);
    render(TEMPLATE, &sheet, today)
}
