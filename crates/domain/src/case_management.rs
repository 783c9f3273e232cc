//! Disaster case management (災害ケースマネジメント), the first steps of seed 000's cycle:
//! outreach (アウトリーチ) that visits every affected household and finds the silent ones, the
//! assessment per issue category, and the household's classification on Sendai's two axes
//! (住まいの再建の見通し × 日常生活の自立), proposed from the assessment and decided by staff.
//! A case (ケース) is opened per household and declaration, owned by the municipality with a
//! lead organisation, and closed with a reason (and reopened).

use crate::ValidationErrors;
use crate::coded_enum;
use crate::damage::DamageLevel;
use crate::issue_category::IssueCategory;
use crate::text::{clean, unacceptable as bad_text};
use crate::triage::Priority;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

coded_enum! {
    /// What came of a visit.
    pub enum VisitOutcome {
        Met = ("met", "面会できた"),
        Absent = ("absent", "不在"),
        Refused = ("refused", "面会を断られた"),
        Moved = ("moved", "転居していた"),
    }
}

coded_enum! {
    /// How serious an issue is.
    pub enum Severity {
        Low = ("low", "軽度"),
        Medium = ("medium", "中度"),
        High = ("high", "重度（早急な支援が必要）"),
    }
}

/// One issue found, in one category.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssueAssessment {
    pub category: IssueCategory,
    pub severity: Severity,
    pub notes: Option<String>,
}

/// An issue in a category the municipality added (仕事, 心のケア …), named by its label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtherIssue {
    pub category: String,
    pub severity: Severity,
    pub notes: Option<String>,
}

/// A visit as entered (訪問記録).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitInput {
    pub visited_on: NaiveDate,
    /// Who went, each with their organisation (「山田（社協）」).
    pub visitors: Vec<String>,
    pub outcome: VisitOutcome,
    /// What was seen and heard.
    pub seen: Option<String>,
    /// The assessment, when the household was met.
    #[serde(default)]
    pub issues: Vec<IssueAssessment>,
    /// Issues in the categories the municipality added (checked against its list by the use
    /// case).
    #[serde(default)]
    pub other_issues: Vec<OtherIssue>,
    /// When to go again.
    pub next_visit_on: Option<NaiveDate>,
}

impl VisitInput {
    pub fn validate(
        mut self,
        today: NaiveDate,
        disaster_day: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        if self.visited_on < disaster_day || self.visited_on > today {
            e.push("visited_on", "訪問日は災害の発生日から今日までです");
        }
        self.visitors = self
            .visitors
            .into_iter()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect();
        if self.visitors.is_empty() {
            e.push("visitors", "訪問した人を入力してください");
        }
        if self.visitors.iter().any(|v| bad_text(v, 100)) {
            e.push("visitors", "訪問した人は一人100文字以内です");
        }
        self.seen = clean(self.seen);
        if self.seen.as_deref().is_some_and(|s| bad_text(s, 2000)) {
            e.push("seen", "記録は2000文字以内です");
        }
        if self.outcome != VisitOutcome::Met
            && (!self.issues.is_empty() || !self.other_issues.is_empty())
        {
            e.push("issues", "課題の評価は面会できたときに記録します");
        }
        let mut seen = std::collections::HashSet::new();
        for i in &mut self.issues {
            i.notes = clean(i.notes.take());
            if !seen.insert(i.category) {
                e.push("issues", "同じ分類の課題が二つあります");
            }
            if i.notes.as_deref().is_some_and(|n| bad_text(n, 500)) {
                e.push("issues", "課題のメモは500文字以内です");
            }
        }
        let mut seen = std::collections::HashSet::new();
        for i in &mut self.other_issues {
            i.notes = clean(i.notes.take());
            if !seen.insert(i.category.clone()) {
                e.push("issues", "同じ分類の課題が二つあります");
            }
            if i.notes.as_deref().is_some_and(|n| bad_text(n, 500)) {
                e.push("issues", "課題のメモは500文字以内です");
            }
        }
        if self.next_visit_on.is_some_and(|d| d < self.visited_on) {
            e.push("next_visit_on", "次の訪問日は訪問日より後にしてください");
        }
        if e.is_empty() { Ok(self) } else { Err(e) }
    }
}

/// Absent this many times in a row, a household is escalated (to the case meeting, or a
/// different visitor or time).
pub const ESCALATE_AFTER_ABSENCES: usize = 3;

/// Absences since the household was last met (oldest visit first).
pub fn absences_in_a_row(outcomes: &[VisitOutcome]) -> usize {
    outcomes
        .iter()
        .rev()
        .take_while(|o| **o != VisitOutcome::Met)
        .filter(|o| **o == VisitOutcome::Absent)
        .count()
}

/// What is known of a household when the visit queue is ordered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueFacts {
    /// Met at least once.
    pub reached: bool,
    pub absences_in_a_row: usize,
    /// The highest roster priority among the members.
    pub roster_priority: Option<Priority>,
    pub damage: Option<DamageLevel>,
    pub oldest_age: Option<u32>,
    pub lives_alone: bool,
    /// Someone in the household was not reached by the safety check, or needs support.
    pub sweep_concern: bool,
}

/// The queue's order: households never reached first (escalated ones before others), then by
/// what is known of their risk. Smaller is earlier.
pub fn queue_key(f: &QueueFacts) -> (bool, bool, std::cmp::Reverse<u32>) {
    let mut risk = 0u32;
    risk += match f.roster_priority {
        Some(Priority::High) => 8,
        Some(Priority::Medium) => 4,
        Some(Priority::Low) => 2,
        None => 0,
    };
    risk += f.damage.map_or(0, |d| d as u32);
    risk += match f.oldest_age {
        Some(a) if a >= 85 => 3,
        Some(a) if a >= 75 => 2,
        Some(a) if a >= 65 => 1,
        _ => 0,
    };
    risk += u32::from(f.lives_alone) * 2 + u32::from(f.sweep_concern) * 4;
    (
        f.reached,
        f.absences_in_a_row < ESCALATE_AFTER_ABSENCES,
        std::cmp::Reverse(risk),
    )
}

coded_enum! {
    /// 世帯の分類 on Sendai's two axes.
    pub enum HouseholdType {
        /// 生活再建可能世帯: a prospect of housing, daily life independent.
        SelfReliant = ("self_reliant", "生活再建可能世帯"),
        /// 日常生活支援世帯: a prospect of housing, daily life needs support.
        DailyLife = ("daily_life", "日常生活支援世帯"),
        /// 住まいの再建支援世帯: no prospect of housing, daily life independent.
        Housing = ("housing", "住まいの再建支援世帯"),
        /// 日常生活・住まいの再建支援世帯: both.
        Both = ("both", "日常生活・住まいの再建支援世帯"),
    }
}

/// The classification the assessment suggests: housing needs support when 住宅の補修再建 is of
/// medium severity or worse (or 当面の生活資金 is severe: no means to rebuild); daily life when
/// 負傷・疾病・障害, 福祉サービス利用 or こどもの療育・就学 is of medium severity or worse (or
/// 法的トラブル / 税金等の支払困難 is severe). Staff decide; this is the proposal.
pub fn propose(issues: &[IssueAssessment]) -> HouseholdType {
    let at_least =
        |c: IssueCategory, s: Severity| issues.iter().any(|i| i.category == c && i.severity >= s);
    use IssueCategory as C;
    let housing =
        at_least(C::Housing, Severity::Medium) || at_least(C::LivingFunds, Severity::High);
    let daily = at_least(C::Health, Severity::Medium)
        || at_least(C::Welfare, Severity::Medium)
        || at_least(C::Children, Severity::Medium)
        || at_least(C::Legal, Severity::High)
        || at_least(C::Payments, Severity::High);
    match (housing, daily) {
        (false, false) => HouseholdType::SelfReliant,
        (false, true) => HouseholdType::DailyLife,
        (true, false) => HouseholdType::Housing,
        (true, true) => HouseholdType::Both,
    }
}

coded_enum! {
    /// Why a case was closed.
    pub enum ClosingReason {
        Recovered = ("recovered", "生活再建・自立"),
        MovedAway = ("moved_away", "転出（引継ぎ済み）"),
        Declined = ("declined", "支援の辞退"),
        Died = ("died", "死亡"),
    }
}

coded_enum! {
    /// Where a case came from.
    pub enum CaseSource {
        Ledger = ("ledger", "被災者台帳"),
        Outreach = ("outreach", "アウトリーチ"),
        Referral = ("referral", "他機関からの紹介"),
        Sweep = ("sweep", "安否確認（要支援）"),
    }
}

/// A classification decided, with the proposal it started from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Classification {
    pub household_type: HouseholdType,
    pub proposed: HouseholdType,
    pub reason: String,
    pub decided_on: NaiveDate,
    pub decided_by: String,
}

/// A case's closing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Closing {
    pub reason: ClosingReason,
    pub closed_on: NaiveDate,
    pub note: Option<String>,
}

coded_enum! {
    /// How an issue moved since the last review.
    pub enum Progress {
        Resolved = ("resolved", "解決"),
        Improved = ("improved", "改善"),
        Unchanged = ("unchanged", "変化なし"),
        Worse = ("worse", "悪化"),
    }
}

/// How one issue moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssueProgress {
    pub category: IssueCategory,
    pub progress: Progress,
}

/// One review of a case (見直し): progress per issue, the policy revised, the next review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub reviewed_on: NaiveDate,
    #[serde(default)]
    pub progress: Vec<IssueProgress>,
    /// The support policy (支援方針) from now on.
    pub policy: String,
    pub next_review_on: Option<NaiveDate>,
    pub reviewed_by: String,
    /// The case meeting (ケース会議) that decided it, if one did.
    #[serde(default)]
    pub meeting: Option<uuid::Uuid>,
}

/// What a case records besides its keys (kept as one versioned body).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseBody {
    /// The lead caseworker's name.
    pub lead_caseworker: Option<String>,
    #[serde(default)]
    pub classifications: Vec<Classification>,
    pub next_review_on: Option<NaiveDate>,
    /// Set while closed; the earlier closings stay in `closed_before`.
    pub closing: Option<Closing>,
    #[serde(default)]
    pub closed_before: Vec<Closing>,
    /// Reviews, oldest first; the last one's policy is the current one.
    #[serde(default)]
    pub reviews: Vec<Review>,
    /// Transfers and shares with other municipalities or the prefecture, oldest first.
    #[serde(default)]
    pub handovers: Vec<Handover>,
    /// The municipalities or prefecture the case is shared with now.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub shared_with: Vec<crate::OrganisationId>,
}

coded_enum! {
    /// What a handover did (広域避難者のケース).
    pub enum HandoverKind {
        /// 移管: the receiving side manages the case from now on; the sending side's view ends.
        Transfer = ("transfer", "移管"),
        /// 共有: the receiving side works on the case beside the owner.
        Share = ("share", "共有"),
        /// 共有の終了.
        Unshare = ("unshare", "共有の終了"),
    }
}

/// One transfer or share of a case, kept in its history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Handover {
    pub kind: HandoverKind,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub from: crate::OrganisationId,
    pub from_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub to: crate::OrganisationId,
    pub to_name: String,
    pub on: NaiveDate,
    pub by: String,
    pub reason: String,
    /// Where the household is now, from the ledger (避難先), when the handover was made.
    pub whereabouts: Option<String>,
}

impl CaseBody {
    pub fn current_type(&self) -> Option<HouseholdType> {
        self.classifications.last().map(|c| c.household_type)
    }

    /// Records a decided classification; the reason is required.
    pub fn classify(&mut self, c: Classification) -> Result<(), ValidationErrors> {
        let reason = c.reason.trim();
        if reason.is_empty() || bad_text(reason, 500) {
            return Err(ValidationErrors::single(
                "reason",
                "分類の理由を500文字以内で入力してください",
            ));
        }
        if self.closing.is_some() {
            return Err(ValidationErrors::single(
                "state",
                "終結したケースです（再開してください）",
            ));
        }
        self.classifications.push(Classification {
            reason: reason.to_owned(),
            ..c
        });
        Ok(())
    }

    /// Records a review: a policy is required, the next review (if any) after the review, and
    /// the case open. The next review date follows.
    pub fn review(&mut self, r: Review) -> Result<(), ValidationErrors> {
        let mut e = ValidationErrors::new();
        let policy = r.policy.trim().to_owned();
        if policy.is_empty() || bad_text(&policy, 2000) {
            e.push("policy", "支援方針を2000文字以内で入力してください");
        }
        if r.next_review_on.is_some_and(|n| n <= r.reviewed_on) {
            e.push(
                "next_review_on",
                "次の見直し日は見直しの日より後にしてください",
            );
        }
        let mut seen = std::collections::HashSet::new();
        if r.progress.iter().any(|p| !seen.insert(p.category)) {
            e.push("progress", "同じ分類の進み具合が二つあります");
        }
        if self.closing.is_some() {
            e.push("state", "終結したケースです（再開してください）");
        }
        if !e.is_empty() {
            return Err(e);
        }
        self.next_review_on = r.next_review_on;
        self.reviews.push(Review { policy, ..r });
        Ok(())
    }

    /// The review is due (or overdue) on `today`.
    pub fn review_due(&self, today: NaiveDate) -> bool {
        self.closing.is_none() && self.next_review_on.is_some_and(|d| d <= today)
    }

    /// Closes an open case with its reason.
    pub fn close(&mut self, c: Closing) -> Result<(), ValidationErrors> {
        if self.closing.is_some() {
            return Err(ValidationErrors::single("state", "すでに終結しています"));
        }
        let note = clean(c.note);
        if note.as_deref().is_some_and(|n| bad_text(n, 500)) {
            return Err(ValidationErrors::single("note", "メモは500文字以内です"));
        }
        self.closing = Some(Closing { note, ..c });
        self.next_review_on = None;
        Ok(())
    }

    /// Records a handover. A transfer needs the case open and goes to someone other than the
    /// owner (who then no longer sees it: the caller changes the owner); a share goes to
    /// someone not already sharing it; an unshare ends one. Each needs a reason.
    pub fn hand_over(&mut self, h: Handover) -> Result<(), ValidationErrors> {
        let reason = h.reason.trim().to_owned();
        if reason.is_empty() || bad_text(&reason, 500) {
            return Err(ValidationErrors::single(
                "reason",
                "理由を500文字以内で入力してください",
            ));
        }
        if h.to == h.from && h.kind != HandoverKind::Unshare {
            return Err(ValidationErrors::single(
                "to",
                "自分の団体には移管・共有できません",
            ));
        }
        if self.closing.is_some() && h.kind != HandoverKind::Unshare {
            return Err(ValidationErrors::single(
                "state",
                "終結したケースです（再開してください）",
            ));
        }
        let shared = self.shared_with.contains(&h.to);
        match h.kind {
            HandoverKind::Transfer => self.shared_with.retain(|o| *o != h.to),
            HandoverKind::Share if shared => {
                return Err(ValidationErrors::single("to", "すでに共有しています"));
            }
            HandoverKind::Share => self.shared_with.push(h.to),
            HandoverKind::Unshare if !shared => {
                return Err(ValidationErrors::single("to", "共有していない団体です"));
            }
            HandoverKind::Unshare => self.shared_with.retain(|o| *o != h.to),
        }
        self.handovers.push(Handover { reason, ..h });
        Ok(())
    }

    /// Reopens a closed case; the closing is kept in the history.
    pub fn reopen(&mut self) -> Result<(), ValidationErrors> {
        match self.closing.take() {
            Some(c) => {
                self.closed_before.push(c);
                Ok(())
            }
            None => Err(ValidationErrors::single(
                "state",
                "終結していないケースです",
            )),
        }
    }
}

#[cfg(test)]
mod tests;
