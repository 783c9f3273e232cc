//! The individual evacuation plan screen: write a new version, see what is missing and every
//! earlier version with its author.

use super::path_person_id as person_id;
use super::views::jst_minutes;
use super::{Chrome, UiError, UiResult};
use crate::auth::CurrentUser;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use tsunagi_app::{persons, plans};
use tsunagi_domain::plan::{
    Destination, EmergencyContact, EvacuationPlan, Needs, PlanHazard, Supporter,
};

pub const SUPPORTER_SLOTS: usize = 3;
pub const CONTACT_SLOTS: usize = 2;

struct Field {
    name: String,
    label: &'static str,
    value: String,
}

struct DestinationRow {
    label: &'static str,
    place: Field,
    route: Field,
    at_risk: bool,
    /// Nearest suitable shelters: (name, 「直線 820 m」), offered as choices.
    choices: Vec<(String, String)>,
    hazard: PlanHazard,
}

struct HistoryRow {
    version: i32,
    author: String,
    organisation: String,
    at: String,
    /// 市町村による確認: when and by whom, empty while a draft.
    checked: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    person_id: String,
    person_name: String,
    version: i32,
    writable: bool,
    missing: Vec<String>,
    supporters: Vec<Vec<Field>>,
    destinations: Vec<DestinationRow>,
    contacts: Vec<Vec<Field>>,
    singles: Vec<Field>,
    history: Vec<HistoryRow>,
    error: Option<String>,
    workflow: Option<super::workflow::WorkflowView>,
    is_owner: bool,
    orgs: Vec<(String, String)>,
    obstacles: Vec<(&'static str, &'static str)>,
    meetings: Vec<super::meetings::MeetingView>,
    attendee_slots: Vec<usize>,
}

impl PlanPage {
    /// Does a group of fields (a supporter, a contact) hold anything? Empty slots are not
    /// shown on the read-only view.
    fn filled(fields: &[Field]) -> bool {
        fields.iter().any(|f| !f.value.is_empty())
    }
}

fn field(name: String, label: &'static str, value: &str) -> Field {
    Field {
        name,
        label,
        value: value.to_owned(),
    }
}

fn page(
    user: &CurrentUser,
    record: &persons::PersonRecord,
    version: i32,
    plan: &EvacuationPlan,
    history: Vec<HistoryRow>,
) -> PlanPage {
    let hazards = record
        .roster
        .as_ref()
        .map(|r| PlanHazard::of_home(&r.home_hazards))
        .unwrap_or_default();
    let hazards = hazards.as_slice();
    let supporters = (0..SUPPORTER_SLOTS)
        .map(|i| {
            let s = plan.supporters.get(i).cloned().unwrap_or_default();
            vec![
                field(format!("s{i}_name"), "氏名又は名称", &s.name),
                field(format!("s{i}_address"), "住所又は居所", &s.address),
                field(format!("s{i}_phone"), "電話番号その他の連絡先", &s.phone),
                field(
                    format!("s{i}_relationship"),
                    "本人との関係",
                    &s.relationship,
                ),
                field(
                    format!("s{i}_consented_on"),
                    "名前の記載と計画の提供への同意日（例: 2026-11-01）",
                    &s.consented_on.map(|d| d.to_string()).unwrap_or_default(),
                ),
                field(
                    format!("s{i}_consent_method"),
                    "同意の方法（書面・口頭など）",
                    &s.consent_method,
                ),
            ]
        })
        .collect();
    let destinations = PlanHazard::ALL
        .iter()
        .map(|h| {
            let d = plan.destinations.iter().find(|d| d.hazard == *h);
            DestinationRow {
                label: h.label(),
                place: field(
                    format!("d_{}_place", h.code()),
                    "避難場所",
                    d.map(|d| d.place.as_str()).unwrap_or(""),
                ),
                route: field(
                    format!("d_{}_route", h.code()),
                    "避難経路",
                    d.map(|d| d.route.as_str()).unwrap_or(""),
                ),
                at_risk: hazards.contains(h),
                choices: Vec::new(),
                hazard: *h,
            }
        })
        .collect();
    let contacts = (0..CONTACT_SLOTS)
        .map(|i| {
            let c = plan.emergency_contacts.get(i).cloned().unwrap_or_default();
            vec![
                field(format!("c{i}_name"), "氏名", &c.name),
                field(format!("c{i}_relationship"), "続柄・関係", &c.relationship),
                field(format!("c{i}_phone"), "電話番号", &c.phone),
            ]
        })
        .collect();
    let mut singles = vec![
        field(
            "timing".into(),
            "避難のタイミング（例: 警戒レベル3 高齢者等避難 が出たら）",
            &plan.timing,
        ),
        field("transport".into(), "避難の手段", &plan.transport),
    ];
    singles.extend(
        plan.needs
            .items()
            .into_iter()
            .map(|(name, label, value)| field(name.into(), label, value)),
    );
    singles.extend([
        field(
            "notes_for_supporters".into(),
            "避難支援者への伝達事項",
            &plan.notes_for_supporters,
        ),
        field(
            "agreed_at".into(),
            "合意した場（例: 令和6年5月10日 調整会議）",
            &plan.agreed_at,
        ),
        field(
            "no_supporter_arrangement".into(),
            "避難支援者が見つからない場合の代わりの手配（介護サービス・市町村の手配など）",
            &plan.no_supporter_arrangement,
        ),
    ]);
    PlanPage {
        chrome: Chrome::new(user, "roster_list"),
        person_id: record.id.to_string(),
        person_name: record.details.name.clone(),
        version,
        writable: tsunagi_domain::access::may_write_plan(&record.grant),
        missing: plan.missing_items(hazards),
        supporters,
        destinations,
        contacts,
        singles,
        history,
        error: None,
        workflow: None,
        is_owner: record.grant.basis == tsunagi_domain::access::AccessBasis::Owner,
        orgs: Vec::new(),
        obstacles: tsunagi_domain::workflow::Obstacle::ALL
            .iter()
            .map(|o| (o.code(), o.label()))
            .collect(),
        meetings: Vec::new(),
        attendee_slots: (0..super::meetings::ATTENDEE_SLOTS).collect(),
    }
}

/// Builds a plan from the form's fields; a supporter's agreement day that is not a date (西暦
/// or 和暦) is refused with the supporter's number.
pub fn plan_from_pairs(
    pairs: &[(String, String)],
) -> Result<(EvacuationPlan, Option<i32>), String> {
    let map: HashMap<&str, &str> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let get = |k: &str| map.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let day = |i: usize| -> Result<Option<chrono::NaiveDate>, String> {
        match get(&format!("s{i}_consented_on")) {
            d if d.is_empty() => Ok(None),
            d => tsunagi_domain::wareki::parse_date(&d).map(Some).map_err(|_| {
                format!(
                    "{}人目の避難支援等実施者の同意日「{d}」は日付として読めません（例: 2026-11-01、令和8年11月1日）",
                    i + 1
                )
            }),
        }
    };
    let plan = EvacuationPlan {
        supporters: (0..SUPPORTER_SLOTS)
            .map(|i| {
                Ok(Supporter {
                    name: get(&format!("s{i}_name")),
                    address: get(&format!("s{i}_address")),
                    phone: get(&format!("s{i}_phone")),
                    relationship: get(&format!("s{i}_relationship")),
                    consented_on: day(i)?,
                    consent_method: get(&format!("s{i}_consent_method")),
                })
            })
            .collect::<Result<Vec<_>, String>>()?,
        destinations: PlanHazard::ALL
            .iter()
            .map(|h| Destination {
                hazard: *h,
                place: get(&format!("d_{}_place", h.code())),
                route: get(&format!("d_{}_route", h.code())),
            })
            .collect(),
        timing: get("timing"),
        transport: get("transport"),
        needs: Needs {
            medical_devices: get("medical_devices"),
            medicines: get("medicines"),
            mobility_aids: get("mobility_aids"),
            communication: get("communication"),
            allergies: get("allergies"),
            carer: get("carer"),
        },
        emergency_contacts: (0..CONTACT_SLOTS)
            .map(|i| EmergencyContact {
                name: get(&format!("c{i}_name")),
                relationship: get(&format!("c{i}_relationship")),
                phone: get(&format!("c{i}_phone")),
            })
            .collect(),
        notes_for_supporters: get("notes_for_supporters"),
        agreed_at: get("agreed_at"),
        no_supporter_arrangement: get("no_supporter_arrangement"),
    };
    Ok((plan.normalised(), get("version").parse().ok()))
}

/// Adds the workflow panel (and, for the owner, the organisations work can be assigned to).
fn with_workflow(mut p: PlanPage, data: &plans::PlanPageData) -> PlanPage {
    let orgs = &data.organisations;
    let name = |o: tsunagi_domain::OrganisationId| {
        orgs.iter()
            .find(|x| x.id == o)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    p.meetings = data
        .meetings
        .iter()
        .map(super::meetings::MeetingView::from)
        .collect();
    p.workflow = data
        .workflow
        .as_ref()
        .map(|w| super::workflow::WorkflowView::from(w, name));
    if p.is_owner {
        p.orgs = orgs
            .iter()
            .map(|o| {
                (
                    o.id.to_string(),
                    format!("{}（{}）", o.name, o.kind.label()),
                )
            })
            .collect();
    }
    p
}

fn rows(history: &[plans::PlanVersion]) -> Vec<HistoryRow> {
    history
        .iter()
        .map(|v| HistoryRow {
            version: v.version,
            author: v.author.clone(),
            organisation: v.author_organisation.clone(),
            at: jst_minutes(&v.created_at),
            checked: v
                .checked
                .as_ref()
                .map(|c| format!("{} {}", jst_minutes(&c.at), c.by))
                .unwrap_or_default(),
        })
        .collect()
}

/// The nearest suitable shelters per hazard, offered when writing the destinations.
fn shelter_choices(geo: &persons::HomeGeography, p: &mut PlanPage) {
    use tsunagi_gis::HazardKind;
    for d in &mut p.destinations {
        let kind = match d.hazard {
            PlanHazard::Flood => HazardKind::Flood,
            PlanHazard::Landslide => HazardKind::Landslide,
            PlanHazard::Tsunami => HazardKind::Tsunami,
            PlanHazard::StormSurge => HazardKind::StormSurge,
            PlanHazard::EarthquakeFire => continue,
        };
        if let Some(n) = geo.nearest.iter().find(|n| n.hazard == kind.label()) {
            d.choices = n
                .shelters
                .iter()
                .map(|s| (s.name.clone(), format!("直線 {:.0} m", s.metres)))
                .collect();
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    let data = plans::page(&state.app, &user.ctx, id).await?;
    let current = data.history.first();
    let plan = current.map(|v| v.plan.clone()).unwrap_or_default();
    let version = current.map(|v| v.version).unwrap_or(0);
    let mut p = page(&user, &data.record, version, &plan, rows(&data.history));
    if let Some(geo) = &data.geography {
        shelter_choices(geo, &mut p);
    }
    Ok(with_workflow(p, &data).into_response())
}

pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<String>, PathRejection>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> UiResult<Response> {
    let id = person_id(path)?;
    let Form(pairs) = form.map_err(AppError::from)?;
    let (plan, version) = plan_from_pairs(&pairs).map_err(AppError::BadRequest)?;
    let version = version.ok_or_else(|| AppError::BadRequest("版番号がありません".into()))?;
    match plans::save(&state.app, &user.ctx, id, version, plan.clone()).await {
        Ok(_) => Ok(Redirect::to(&format!("/persons/{id}/plan")).into_response()),
        Err(tsunagi_app::Error::Conflict { current }) => {
            let (record, history) = plans::record_and_history(&state.app, &user.ctx, id).await?;
            let mut p = page(&user, &record, current, &plan, rows(&history));
            p.error = Some(format!(
                "この計画は、あなたが開いた後に他の利用者が保存しました（現在は第{current}版）。あなたの入力は下に残っています。履歴で最新の内容を確かめてから保存してください。"
            ));
            Ok((StatusCode::CONFLICT, p).into_response())
        }
        Err(e) => Err(UiError(e.into())),
    }
}
