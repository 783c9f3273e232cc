//! 「支援制度」 of one ledger household: the programmes that apply or may apply, grouped by
//! issue category, each with its reasons, the facts still needed and every step of its amount;
//! the household's circumstances that programmes ask about; applications and decisions
//! (written into 援護の実施の状況); and the household's letter. The municipality's staff only.
//! The disaster-wide list and the catalogue are in `programme_lists.rs`.

use super::ledger::uuid_of;
use super::{Chrome, UiError, UiResult};
use crate::auth::CurrentUser;
use crate::documents::yen;
use crate::{AppError, AppState};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tsunagi_app::eligibility::{
    self, ApplicationInput, DecisionInput, HouseholdProgrammes, ProgrammeLine,
};
use tsunagi_domain::circumstances::{Circumstances, RebuildMethod, Tenure};
use tsunagi_domain::wareki::format_wareki;
use tsunagi_domain::{HouseholdId, PersonId};
use tsunagi_eligibility::Status;

pub(super) fn two_ids(
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<(uuid::Uuid, uuid::Uuid), UiError> {
    let Path((a, b)) = path.map_err(|_| UiError(AppError::NotFound))?;
    Ok((uuid_of(&a)?, uuid_of(&b)?))
}

pub(super) struct Step {
    label: String,
    value: String,
    applied: bool,
}

pub(super) struct Card {
    id: String,
    name: String,
    status: &'static str,
    status_label: String,
    kind: String,
    amount: String,
    steps: Vec<Step>,
    reasons: Vec<String>,
    needed: Vec<String>,
    confirm_with: String,
    deadline: String,
    documents: String,
    where_to_apply: String,
    source: String,
    checked_on: String,
    unconfirmed: String,
    application: Option<AppLine>,
}

pub(super) struct AppLine {
    state: String,
    applied_on: String,
    amount_applied: String,
    decided_on: String,
    amount_granted: String,
    open: bool,
}

fn status_code(s: Status) -> &'static str {
    match s {
        Status::Eligible => "eligible",
        Status::Possibly => "possibly",
        Status::NotEligible => "not-eligible",
        Status::NoRules => "no-rules",
    }
}

fn card(l: &ProgrammeLine) -> Card {
    let r = &l.result;
    Card {
        id: r.programme.clone(),
        name: r.name.clone(),
        status: status_code(r.status),
        status_label: r.status_label.clone(),
        kind: r.kind.clone(),
        amount: r.amount_yen.map(yen).unwrap_or_default(),
        steps: r
            .calculation
            .iter()
            .map(|s| Step {
                label: s.label.clone(),
                value: match (s.applied, s.amount_yen) {
                    (false, _) => "該当しない".into(),
                    (true, Some(v)) => yen(v),
                    (true, None) => "未確定（情報が必要）".into(),
                },
                applied: s.applied,
            })
            .collect(),
        reasons: r.reasons.clone(),
        needed: r.needed.clone(),
        confirm_with: r.confirm_with.clone().unwrap_or_default(),
        deadline: r.deadline.map(format_wareki).unwrap_or_default(),
        documents: r.documents.join("、"),
        where_to_apply: r.where_to_apply.clone(),
        source: r.source.clone(),
        checked_on: format_wareki(r.checked_on),
        unconfirmed: r.unconfirmed.clone().unwrap_or_default(),
        application: l.application.as_ref().map(|a| AppLine {
            state: a.state.label().into(),
            applied_on: format_wareki(a.applied_on),
            amount_applied: a
                .amount_applied_yen
                .map(|y| yen(y as i64))
                .unwrap_or_default(),
            decided_on: a.decided_on.map(format_wareki).unwrap_or_default(),
            amount_granted: a
                .amount_granted_yen
                .map(|y| yen(y as i64))
                .unwrap_or_default(),
            open: a.state == tsunagi_domain::ledger::ProgrammeApplicationState::Applied,
        }),
    }
}

pub(super) struct Group {
    label: &'static str,
    cards: Vec<Card>,
}

/// A yes / no / unknown question of the circumstances form.
pub(super) struct Question {
    name: &'static str,
    label: &'static str,
    value: &'static str,
}

pub(super) fn tri(v: Option<bool>) -> &'static str {
    match v {
        None => "",
        Some(true) => "1",
        Some(false) => "0",
    }
}

pub(super) struct Member {
    id: String,
    name: String,
    main_earner: bool,
    in_school: bool,
    serious_disability: bool,
}

pub(super) struct Choice {
    pub(super) code: &'static str,
    pub(super) label: &'static str,
    pub(super) selected: bool,
}

/// A select's options from a coded list.
pub(super) fn choices_of<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    selected: impl Fn(T) -> bool,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            code: code(*v),
            label: label(*v),
            selected: selected(*v),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "programmes_household.html")]
pub(super) struct HouseholdPage {
    chrome: Chrome,
    declaration: String,
    household: String,
    declaration_name: String,
    household_no: String,
    version: i32,
    today: String,
    errors: Vec<String>,
    groups: Vec<Group>,
    others: Vec<Card>,
    acts_unknown: bool,
    damage: String,
    questions: Vec<Question>,
    members: Vec<Member>,
    in_school_asked: bool,
    tenures: Vec<Choice>,
    rebuilds: Vec<Choice>,
    income: String,
    rent_addition_received: bool,
    support: Vec<(String, String, String)>,
    /// The open case, for referring a programme from it.
    case_id: Option<String>,
    organisations: Vec<(String, String)>,
}

fn page(
    user: &CurrentUser,
    p: HouseholdProgrammes,
    organisations: Vec<(String, String)>,
    errors: Vec<String>,
) -> HouseholdPage {
    let groups = p
        .by_category()
        .into_iter()
        .map(|(c, lines)| Group {
            label: c.label(),
            cards: lines.into_iter().map(card).collect(),
        })
        .collect();
    let others = p
        .lines
        .iter()
        .filter(|l| !l.result.status.worth_applying())
        .map(card)
        .collect();
    let c = &p.ledger.body.circumstances;
    let questions = vec![
        Question {
            name: "uninhabitable",
            label: "住家がそのままでは住めない",
            value: tri(c.uninhabitable),
        },
        Question {
            name: "dwelling_lost",
            label: "住家が滅失・流失した",
            value: tri(c.dwelling_lost),
        },
        Question {
            name: "demolished",
            label: "住家をやむを得ず解体した（する予定）",
            value: tri(c.demolished),
        },
        Question {
            name: "long_term_evacuation",
            label: "長期避難世帯に当たる",
            value: tri(c.long_term_evacuation),
        },
        Question {
            name: "goods_damage_third",
            label: "家財の損害が3分の1以上",
            value: tri(c.goods_damage_third),
        },
        Question {
            name: "temporary_housing",
            label: "応急仮設住宅に入居している（予定を含む）",
            value: tri(c.temporary_housing),
        },
        Question {
            name: "cannot_afford_repair",
            label: "自らの資力では修理できない",
            value: tri(c.cannot_afford_repair),
        },
        Question {
            name: "head_injured_month",
            label: "世帯主が療養1か月以上の負傷をした",
            value: tri(c.head_injured_month),
        },
        Question {
            name: "income_fell",
            label: "災害で収入が大きく減った",
            value: tri(c.income_fell),
        },
        Question {
            name: "business_owner",
            label: "事業（自営業・農業など）を営んでいる",
            value: tri(c.business_owner),
        },
        Question {
            name: "insured",
            label: "地震保険・共済に加入している",
            value: tri(c.insured),
        },
    ];
    let members = p
        .ledger
        .members
        .iter()
        .map(|m| Member {
            id: m.id.to_string(),
            name: m.name.clone().unwrap_or_default(),
            main_earner: c.main_earner == Some(m.id),
            in_school: c.in_school.as_ref().is_some_and(|s| s.contains(&m.id)),
            serious_disability: c.serious_disability.contains(&m.id),
        })
        .collect();
    let damage = p
        .facts
        .dwelling
        .damage
        .map(|l| l.label().to_owned())
        .unwrap_or_else(|| "罹災証明書が未交付".into());
    HouseholdPage {
        chrome: Chrome::new(user, "disasters"),
        declaration: p.ledger.declaration_id.to_string(),
        household: p.ledger.household_id.0.to_string(),
        declaration_name: p.ledger.declaration_name.clone(),
        household_no: p.ledger.household_no.clone(),
        version: p.ledger.version,
        today: user.ctx.today().to_string(),
        errors,
        groups,
        others,
        acts_unknown: p.acts.support_act_applied.is_none()
            || p.acts.relief_act_applied.is_none()
            || p.acts.condolence_act_applies.is_none(),
        damage,
        questions,
        members,
        in_school_asked: c.in_school.is_some(),
        tenures: choices_of(Tenure::ALL, Tenure::code, Tenure::label, |t| {
            c.tenure == Some(t)
        }),
        rebuilds: choices_of(
            RebuildMethod::ALL,
            RebuildMethod::code,
            RebuildMethod::label,
            |r| c.rebuild == Some(r),
        ),
        income: c.income_yen.map(|y| y.to_string()).unwrap_or_default(),
        rent_addition_received: c.rent_addition_received,
        case_id: p.case_id.map(|c| c.to_string()),
        organisations,
        support: p
            .ledger
            .body
            .support
            .iter()
            .map(|s| {
                (
                    s.programme.clone(),
                    format_wareki(s.given_on),
                    s.amount_yen.map(|y| yen(y as i64)).unwrap_or_default(),
                )
            })
            .collect(),
    }
}

async fn load(
    state: &AppState,
    user: &CurrentUser,
    d: uuid::Uuid,
    h: uuid::Uuid,
) -> Result<HouseholdProgrammes, AppError> {
    Ok(eligibility::for_household(&state.app, &user.ctx, d, HouseholdId(h)).await?)
}

/// The organisations a programme can be referred to (when the household has a case).
async fn organisations(
    state: &AppState,
    p: &HouseholdProgrammes,
) -> Result<Vec<(String, String)>, AppError> {
    if p.case_id.is_none() {
        return Ok(Vec::new());
    }
    Ok(tsunagi_app::organisations::all(&state.app)
        .await?
        .into_iter()
        .map(|o| (o.id.0.to_string(), o.name))
        .collect())
}

/// The household's programmes.
pub async fn household(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
) -> UiResult<Response> {
    let (d, h) = two_ids(path)?;
    let p = load(&state, &user, d, h).await?;
    let orgs = organisations(&state, &p).await?;
    Ok(page(&user, p, orgs, Vec::new()).into_response())
}

/// The household's letter (PDF).
pub async fn letter(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
) -> UiResult<Response> {
    let (d, h) = two_ids(path)?;
    let p = load(&state, &user, d, h).await?;
    let m = tsunagi_app::organisations::name_of(
        &state.app,
        user.actor
            .municipality_id
            .unwrap_or(user.actor.organisation_id),
    )
    .await
    .map_err(AppError::from)?;
    Ok(crate::documents::letter_pdf(&p, &m, user.ctx.today()).await?)
}

/// A form's failure as the page shows it: the status and the reasons, for what a user can mend
/// (invalid input, a concurrent change); `None` when it succeeded; anything else is an error.
pub(super) fn form_failure(
    r: Result<(), tsunagi_app::Error>,
) -> Result<Option<(StatusCode, Vec<String>)>, AppError> {
    match r {
        Ok(()) => Ok(None),
        Err(tsunagi_app::Error::Invalid(e)) => Ok(Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            e.0.into_iter().map(|f| f.message).collect(),
        ))),
        Err(tsunagi_app::Error::Conflict { .. }) => Ok(Some((
            StatusCode::CONFLICT,
            vec!["ほかの人が先に更新しました。内容を確かめて、もう一度操作してください".to_owned()],
        ))),
        Err(e) => Err(AppError::from(e)),
    }
}

/// After a form: back to the programmes, or the page again with the reasons.
async fn after(
    state: &AppState,
    user: &CurrentUser,
    d: uuid::Uuid,
    h: uuid::Uuid,
    r: Result<(), tsunagi_app::Error>,
) -> UiResult<Response> {
    let Some((status, errors)) = form_failure(r)? else {
        return Ok(
            Redirect::to(&format!("/disasters/{d}/households/{h}/programmes")).into_response(),
        );
    };
    let p = load(state, user, d, h).await?;
    let orgs = organisations(state, &p).await?;
    Ok((status, page(user, p, orgs, errors)).into_response())
}

pub(super) type Pairs = Vec<(String, String)>;

pub(super) fn field<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

/// The form's `back` (where the user was), if it is a path of this site; else `default`.
pub(super) fn back_to(pairs: &Pairs, default: &str) -> String {
    let b = field(pairs, "back");
    if b.starts_with('/') && !b.starts_with("//") {
        b.to_owned()
    } else {
        default.to_owned()
    }
}

pub(super) fn version(pairs: &Pairs) -> Result<i32, tsunagi_app::Error> {
    field(pairs, "version")
        .parse()
        .map_err(|_| tsunagi_app::Error::invalid("version", "画面を読み込み直してください"))
}

fn yes_no(pairs: &Pairs, name: &str) -> Option<bool> {
    match field(pairs, name) {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

fn people(pairs: &Pairs, name: &str) -> Vec<PersonId> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .filter_map(|(_, v)| v.parse().ok())
        .collect()
}

fn yen_of(s: &str, field_name: &str) -> Result<Option<u64>, tsunagi_app::Error> {
    let s: String = s
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | '円' | ' '))
        .collect();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|_| {
        tsunagi_app::Error::invalid(field_name, "金額は円単位の数字で入力してください")
    })
}

/// Saves the household's circumstances.
pub async fn save_circumstances(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let (d, h) = two_ids(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let r = async {
        let c = Circumstances {
            dwelling_lost: yes_no(&f, "dwelling_lost"),
            demolished: yes_no(&f, "demolished"),
            long_term_evacuation: yes_no(&f, "long_term_evacuation"),
            uninhabitable: yes_no(&f, "uninhabitable"),
            tenure: Tenure::parse(field(&f, "tenure")),
            goods_damage_third: yes_no(&f, "goods_damage_third"),
            rebuild: RebuildMethod::parse(field(&f, "rebuild")),
            rent_addition_received: field(&f, "rent_addition_received") == "1",
            temporary_housing: yes_no(&f, "temporary_housing"),
            cannot_afford_repair: yes_no(&f, "cannot_afford_repair"),
            head_injured_month: yes_no(&f, "head_injured_month"),
            income_yen: yen_of(field(&f, "income_yen"), "income_yen")?,
            income_fell: yes_no(&f, "income_fell"),
            business_owner: yes_no(&f, "business_owner"),
            insured: yes_no(&f, "insured"),
            main_earner: field(&f, "main_earner").parse().ok(),
            in_school: (field(&f, "in_school_asked") == "1").then(|| people(&f, "in_school")),
            serious_disability: people(&f, "serious_disability"),
        };
        eligibility::set_circumstances(&state.app, &user.ctx, d, HouseholdId(h), version(&f)?, c)
            .await
            .map(|_| ())
    }
    .await;
    after(&state, &user, d, h, r).await
}

/// Records an application to a programme.
pub async fn apply(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let (d, h) = two_ids(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let r = async {
        let input = ApplicationInput {
            programme: field(&f, "programme").to_owned(),
            applied_on: super::ledger::date_of(field(&f, "applied_on"), "applied_on")?,
            amount_applied_yen: yen_of(field(&f, "amount_applied_yen"), "amount_applied_yen")?,
            note: Some(field(&f, "note").to_owned()).filter(|n| !n.is_empty()),
        };
        eligibility::record_application(
            &state.app,
            &user.ctx,
            d,
            HouseholdId(h),
            version(&f)?,
            input,
        )
        .await
        .map(|_| ())
    }
    .await;
    after(&state, &user, d, h, r).await
}

/// Records the decision on an application.
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    path: Result<Path<(String, String)>, PathRejection>,
    form: Result<Form<Pairs>, FormRejection>,
) -> UiResult<Response> {
    let (d, h) = two_ids(path)?;
    let Form(f) = form.map_err(AppError::from)?;
    let r = async {
        let input = DecisionInput {
            programme: field(&f, "programme").to_owned(),
            granted: match field(&f, "outcome") {
                "granted" => true,
                "refused" => false,
                _ => {
                    return Err(tsunagi_app::Error::invalid(
                        "outcome",
                        "決定の内容を選んでください",
                    ));
                }
            },
            decided_on: super::ledger::date_of(field(&f, "decided_on"), "decided_on")?,
            amount_granted_yen: yen_of(field(&f, "amount_granted_yen"), "amount_granted_yen")?,
        };
        eligibility::record_decision(
            &state.app,
            &user.ctx,
            d,
            HouseholdId(h),
            version(&f)?,
            input,
        )
        .await
        .map(|_| ())
    }
    .await;
    after(&state, &user, d, h, r).await
}
