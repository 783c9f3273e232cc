//! The plan workflow per approach (進め方ごとの作成手順, DOMAIN.md §2): the steps, who carries
//! each out, which transitions are allowed, and the guide's blockers with its suggested next
//! step. A pure state machine: the store keeps the state and its history.

use crate::triage::Approach;
use serde::{Deserialize, Serialize};

/// A step of making a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// (ア) 同意書と計画様式（ハザードマップ付き）を送付
    SendForms,
    /// (ア) 本人・家族が計画を作成
    PersonWritesPlan,
    /// (イ) 同意の確認
    ConfirmConsent,
    /// (イ) 地域への説明・事前調整
    ExplainToCommunity,
    /// (イ) 調整会議（必要に応じて）
    CoordinationMeeting,
    /// (イ) 地域・本人・家族が計画を作成
    CommunityWritesPlan,
    /// (ウ) 福祉専門職への研修・依頼
    BriefProfessional,
    /// (ウ) 福祉専門職が訪問・説明し同意を得る
    ProfessionalVisits,
    /// (ウ) 福祉専門職が計画を作成
    ProfessionalWritesPlan,
    /// 市町村による確認（必要な項目がそろっているか）
    MunicipalCheck,
    /// 避難支援等関係者への提供
    Share,
    /// 作成完了（以後は訓練と見直し）
    Done,
}

/// Who carries a step out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepActor {
    Municipality,
    PersonOrFamily,
    Community,
    WelfareProfessional,
}

impl StepActor {
    pub fn label(self) -> &'static str {
        match self {
            StepActor::Municipality => "市町村",
            StepActor::PersonOrFamily => "本人・家族",
            StepActor::Community => "地域（自治会・民生委員等）",
            StepActor::WelfareProfessional => "福祉専門職",
        }
    }
}

impl Step {
    pub const ALL: [Step; 12] = [
        Step::SendForms,
        Step::PersonWritesPlan,
        Step::ConfirmConsent,
        Step::ExplainToCommunity,
        Step::CoordinationMeeting,
        Step::CommunityWritesPlan,
        Step::BriefProfessional,
        Step::ProfessionalVisits,
        Step::ProfessionalWritesPlan,
        Step::MunicipalCheck,
        Step::Share,
        Step::Done,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Step::SendForms => "send_forms",
            Step::PersonWritesPlan => "person_writes_plan",
            Step::ConfirmConsent => "confirm_consent",
            Step::ExplainToCommunity => "explain_to_community",
            Step::CoordinationMeeting => "coordination_meeting",
            Step::CommunityWritesPlan => "community_writes_plan",
            Step::BriefProfessional => "brief_professional",
            Step::ProfessionalVisits => "professional_visits",
            Step::ProfessionalWritesPlan => "professional_writes_plan",
            Step::MunicipalCheck => "municipal_check",
            Step::Share => "share",
            Step::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|x| x.code() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::SendForms => "同意書・計画様式の送付",
            Step::PersonWritesPlan => "本人・家族による計画作成",
            Step::ConfirmConsent => "同意の確認",
            Step::ExplainToCommunity => "地域への説明・事前調整",
            Step::CoordinationMeeting => "調整会議",
            Step::CommunityWritesPlan => "地域・本人・家族による計画作成",
            Step::BriefProfessional => "福祉専門職への依頼",
            Step::ProfessionalVisits => "福祉専門職の訪問・説明・同意取得",
            Step::ProfessionalWritesPlan => "福祉専門職による計画作成",
            Step::MunicipalCheck => "市町村による確認",
            Step::Share => "避難支援等関係者への提供",
            Step::Done => "作成完了",
        }
    }

    pub fn actor(self) -> StepActor {
        match self {
            Step::PersonWritesPlan => StepActor::PersonOrFamily,
            Step::CommunityWritesPlan => StepActor::Community,
            Step::ProfessionalVisits | Step::ProfessionalWritesPlan => {
                StepActor::WelfareProfessional
            }
            _ => StepActor::Municipality,
        }
    }

    /// May this step be skipped? Only the coordination meeting ("if needed").
    pub fn optional(self) -> bool {
        self == Step::CoordinationMeeting
    }
}

/// The steps of an approach, in order. Self-preparedness has no plan workflow.
pub fn steps(approach: Approach) -> &'static [Step] {
    use Step::*;
    match approach {
        Approach::PersonOrFamily => &[SendForms, PersonWritesPlan, MunicipalCheck, Share, Done],
        Approach::Community => &[
            ConfirmConsent,
            ExplainToCommunity,
            CoordinationMeeting,
            CommunityWritesPlan,
            MunicipalCheck,
            Share,
            Done,
        ],
        Approach::WelfareProfessional => &[
            BriefProfessional,
            ProfessionalVisits,
            ProfessionalWritesPlan,
            MunicipalCheck,
            Share,
            Done,
        ],
        Approach::SelfPreparedness => &[],
    }
}

/// What the workflow needs to know to allow a step to be finished.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub consent_given: bool,
    /// The current plan has no missing required items.
    pub plan_complete: bool,
    /// A plan version exists.
    pub plan_written: bool,
    /// A coordination meeting (調整会議) has been recorded.
    pub meeting_held: bool,
}

/// Why a step cannot be finished, with the guide's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum Blocked {
    #[error("本人の同意がありません")]
    NoConsent,
    #[error("計画がまだ作成されていません")]
    NoPlan,
    #[error("計画に未記入の必要項目があります")]
    PlanIncomplete,
    #[error("調整会議の記録がありません（開かない場合は「この手順を省く」）")]
    NoMeetingRecord,
    #[error("この手順は飛ばせません")]
    NotSkippable,
    #[error("作成は完了しています")]
    Finished,
    #[error("この進め方にない手順です")]
    NotInWorkflow,
    #[error("この手順は市町村の職員が行います")]
    MunicipalityOnly,
    #[error("いまと同じ進め方です")]
    SameApproach,
    #[error("進め方を変える理由を入力してください（例: 書面では同意が得られないため）")]
    NoReason,
    #[error("「自主的な備えを促す」には手順がありません。計画を作る進め方を選んでください")]
    NoWorkflowForApproach,
}

/// The guide's known blockers, recorded as reasons on a workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Obstacle {
    /// 避難支援者が見つからない
    NoSupporter,
    /// 同意が得られない
    NoConsent,
    /// 地域の協力が得られない
    NoCommunityHelp,
}

impl Obstacle {
    pub const ALL: [Obstacle; 3] = [
        Obstacle::NoSupporter,
        Obstacle::NoConsent,
        Obstacle::NoCommunityHelp,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Obstacle::NoSupporter => "no_supporter",
            Obstacle::NoConsent => "no_consent",
            Obstacle::NoCommunityHelp => "no_community_help",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Obstacle::ALL.into_iter().find(|o| o.code() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Obstacle::NoSupporter => "避難支援者が見つからない",
            Obstacle::NoConsent => "同意が得られない",
            Obstacle::NoCommunityHelp => "地域の協力が得られない",
        }
    }
    /// The guide's suggested next step (seed 004).
    pub fn suggestion(self) -> &'static str {
        match self {
            Obstacle::NoSupporter => {
                "避難支援者に法的な避難義務や責任はないことを説明する。介護保険サービス等の活用を検討する。本人が地域とつながるよう支援する。"
            }
            Obstacle::NoConsent => {
                "進め方を変えて説明する（書面だけでは伝わらないことがある）。福祉専門職や顔見知りの地域の方から説明してもらう。"
            }
            Obstacle::NoCommunityHelp => {
                "すでに見守りをしている人から始める。平常時から情報を共有し、地域との関係をつくる。"
            }
        }
    }
}

/// Finishes `current` and returns the next step; `skip` passes over an optional step instead.
pub fn advance(
    approach: Approach,
    current: Step,
    progress: Progress,
    skip: bool,
) -> Result<Step, Blocked> {
    let order = steps(approach);
    let i = order
        .iter()
        .position(|s| *s == current)
        .ok_or(Blocked::NotInWorkflow)?;
    if current == Step::Done {
        return Err(Blocked::Finished);
    }
    if skip && !current.optional() {
        return Err(Blocked::NotSkippable);
    }
    if !skip {
        match current {
            Step::ConfirmConsent | Step::ProfessionalVisits | Step::Share
                if !progress.consent_given =>
            {
                return Err(Blocked::NoConsent);
            }
            Step::PersonWritesPlan | Step::CommunityWritesPlan | Step::ProfessionalWritesPlan
                if !progress.plan_written =>
            {
                return Err(Blocked::NoPlan);
            }
            Step::MunicipalCheck if !progress.plan_complete => return Err(Blocked::PlanIncomplete),
            Step::CoordinationMeeting if !progress.meeting_held => {
                return Err(Blocked::NoMeetingRecord);
            }
            _ => {}
        }
    }
    order.get(i + 1).copied().ok_or(Blocked::Finished)
}

/// May the actor finish or skip `step`? The guide gives sending the forms, the briefing of the
/// community and of professionals, 市町村による確認 and 提供 to the municipality: only its own
/// staff (`by_municipality`) carry them out, whoever else may write the plan. The other steps
/// (confirming consent, the coordination meeting, visiting, writing) may be recorded by those
/// who do them — the assigned professional or community — and by the municipality on their
/// behalf (a form returned by post).
pub fn may_carry_out(step: Step, by_municipality: bool) -> Result<(), Blocked> {
    if municipality_only(step) && !by_municipality {
        return Err(Blocked::MunicipalityOnly);
    }
    Ok(())
}

/// The steps only the municipality's staff carry out.
pub fn municipality_only(step: Step) -> bool {
    matches!(
        step,
        Step::SendForms
            | Step::ExplainToCommunity
            | Step::BriefProfessional
            | Step::MunicipalCheck
            | Step::Share
            | Step::Done
    )
}

/// Changes the approach of a workflow under way (the guide's answer to 同意が得られない: explain
/// another way, Q2). Returns the step the new approach starts at ([`restart`]: a written plan
/// goes to the municipal check). A finished plan is not changed (review it instead); the reason
/// is required and kept in the history with the work done so far.
pub fn change_approach(
    from: Approach,
    at: Step,
    to: Approach,
    progress: Progress,
    reason: &str,
) -> Result<Step, Blocked> {
    if at == Step::Done {
        return Err(Blocked::Finished);
    }
    if from == to {
        return Err(Blocked::SameApproach);
    }
    if reason.trim().is_empty() {
        return Err(Blocked::NoReason);
    }
    restart(to, progress).ok_or(Blocked::NoWorkflowForApproach)
}

/// Where a person's plan stands, as the roster filters it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanState {
    /// 未着手: no workflow started.
    NotStarted,
    /// 作成中: started, not finished.
    InProgress,
    /// 作成完了
    Done,
}

impl PlanState {
    pub const ALL: [PlanState; 3] = [
        PlanState::NotStarted,
        PlanState::InProgress,
        PlanState::Done,
    ];
    pub fn code(self) -> &'static str {
        match self {
            PlanState::NotStarted => "not_started",
            PlanState::InProgress => "in_progress",
            PlanState::Done => "done",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            PlanState::NotStarted => "未着手",
            PlanState::InProgress => "作成中",
            PlanState::Done => "作成完了",
        }
    }
    /// A list filter: empty means "any"; anything else that names no state is refused.
    pub fn parse_filter(s: &str) -> Result<Option<Self>, String> {
        crate::codes::parse_filter(
            s,
            |s| Self::ALL.into_iter().find(|p| p.code() == s),
            "計画の状況",
            Self::ALL.map(Self::code),
        )
    }
}

/// The first step of an approach (`None` for self-preparedness).
pub fn first_step(approach: Approach) -> Option<Step> {
    steps(approach).first().copied()
}

/// When the steps of a new approach start after switching (e.g. after 同意が得られない): from
/// the beginning, except that a written plan goes straight to the municipal check.
pub fn restart(approach: Approach, progress: Progress) -> Option<Step> {
    if progress.plan_written && !steps(approach).is_empty() {
        return Some(Step::MunicipalCheck);
    }
    first_step(approach)
}

#[cfg(test)]
mod tests;

/// Review (見直し) of a finished plan: yearly by default, sooner when something changed.
pub mod review {
    use chrono::{Months, NaiveDate};

    /// Months between reviews unless the municipality sets otherwise (yearly).
    pub const DEFAULT_INTERVAL_MONTHS: u32 = 12;
    /// The intervals a municipality may set.
    pub const INTERVAL_MONTHS: std::ops::RangeInclusive<u32> = 1..=60;
    /// A review within this many days is "due soon".
    pub const SOON_DAYS: u32 = 30;

    /// The next review date after a review (or completion) on `on`, `interval_months` later
    /// (the last day of the month when the day does not exist: 1/31 + 1 month = 2/28).
    pub fn next_due(on: NaiveDate, interval_months: u32) -> NaiveDate {
        on.checked_add_months(Months::new(interval_months.max(1)))
            .unwrap_or(NaiveDate::MAX)
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    pub enum ReviewState {
        /// 期限切れ
        Overdue,
        /// 状況の変化あり (a change of condition, supporter or address)
        Changed,
        /// 期限間近
        DueSoon,
        Current,
    }

    impl ReviewState {
        pub fn label(self) -> &'static str {
            match self {
                ReviewState::Overdue => "見直し期限切れ",
                ReviewState::Changed => "状況の変化あり",
                ReviewState::DueSoon => "見直し期限間近",
                ReviewState::Current => "",
            }
        }
    }

    /// Overdue wins over a change, which wins over "due soon".
    pub fn state(due: Option<NaiveDate>, changed: bool, today: NaiveDate) -> ReviewState {
        match due {
            Some(d) if d < today => ReviewState::Overdue,
            _ if changed => ReviewState::Changed,
            Some(d) if d <= today + chrono::Days::new(u64::from(SOON_DAYS)) => ReviewState::DueSoon,
            _ => ReviewState::Current,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use chrono::Days;
        use proptest::prelude::*;

        fn d(y: i32, m: u32, day: u32) -> NaiveDate {
            NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
        }

        #[test]
        fn yearly_by_default_and_states_in_order() {
            assert_eq!(
                next_due(d(2026, 1, 10), DEFAULT_INTERVAL_MONTHS),
                d(2027, 1, 10)
            );
            assert_eq!(next_due(d(2026, 1, 31), 1), d(2026, 2, 28));
            assert_eq!(next_due(d(2026, 5, 1), 6), d(2026, 11, 1));
            let today = d(2026, 11, 23);
            assert_eq!(
                state(Some(d(2026, 11, 22)), false, today),
                ReviewState::Overdue
            );
            assert_eq!(
                state(Some(d(2026, 11, 22)), true, today),
                ReviewState::Overdue
            );
            assert_eq!(
                state(Some(d(2027, 6, 1)), true, today),
                ReviewState::Changed
            );
            assert_eq!(
                state(Some(d(2026, 12, 20)), false, today),
                ReviewState::DueSoon
            );
            assert_eq!(
                state(Some(d(2027, 6, 1)), false, today),
                ReviewState::Current
            );
            assert_eq!(state(None, false, today), ReviewState::Current);
        }

        proptest! {
            #[test]
            fn a_fresh_review_is_current(days in 0u64..20_000, interval in 2u32..=60) {
                let on = d(1990, 1, 1) + Days::new(days);
                prop_assert_eq!(state(Some(next_due(on, interval)), false, on), ReviewState::Current);
            }
        }
    }
}
