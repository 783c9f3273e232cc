//! Case meetings (ケース会議) and the tasks they decide, the second step of seed 000's cycle.
//! A meeting is scheduled for one case or a batch (Tottori handled 14 households in 2½ hours)
//! with its participants by organisation and the basis on which the cases are shared with
//! them; its minutes record, per case, the situation, the support policy decided and the tasks
//! (who, what, by when). A task (作業) is claimed by an organisation; a second organisation's
//! claim is refused with the first one shown, unless it claims knowing of it (then both are
//! recorded, each naming whom it knew of) — no two organisations take the same task without
//! knowing it.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::coded_enum;
use crate::referral::ReferralBasis;
use crate::text::{clean, unacceptable as bad_text};
use crate::{OrganisationId, ValidationErrors};

/// Cases one meeting may take (a long afternoon's batch).
pub const MAX_AGENDA: usize = 30;

coded_enum! {
    pub enum MeetingState {
        Scheduled = ("scheduled", "予定"),
        Held = ("held", "開催済み（議事録あり）"),
        Cancelled = ("cancelled", "中止"),
    }
}

/// An organisation invited, with who attends for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participant {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub organisation_id: OrganisationId,
    /// The organisation's name when invited (the minutes keep it).
    #[serde(default)]
    pub organisation: String,
    /// 「山田（弁護士）、佐藤」.
    pub attendees: Option<String>,
}

/// A meeting as scheduled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingInput {
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub place: Option<String>,
    /// The cases on the agenda, in the order they are taken.
    pub agenda: Vec<uuid::Uuid>,
    /// The organisations invited (the municipality itself need not be listed).
    pub participants: Vec<Participant>,
    /// Why the cases may be shared with the participants.
    pub basis: ReferralBasis,
}

impl MeetingInput {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        self.title = self.title.trim().to_owned();
        if self.title.is_empty() || bad_text(&self.title, 100) {
            e.push("title", "会議の名前を100文字以内で入力してください");
        }
        self.place = clean(self.place);
        if self.place.as_deref().is_some_and(|p| bad_text(p, 100)) {
            e.push("place", "場所は100文字以内です");
        }
        if self.agenda.is_empty() {
            e.push("agenda", "取り上げるケースを選んでください");
        }
        if self.agenda.len() > MAX_AGENDA {
            e.push(
                "agenda",
                format!("一回の会議で取り上げるケースは{MAX_AGENDA}件までです"),
            );
        }
        let mut seen = HashSet::new();
        if self.agenda.iter().any(|c| !seen.insert(*c)) {
            e.push("agenda", "同じケースが二度選ばれています");
        }
        if self.participants.is_empty() {
            e.push("participants", "参加する団体を選んでください");
        }
        let mut seen = HashSet::new();
        for p in &mut self.participants {
            p.attendees = clean(p.attendees.take());
            if !seen.insert(p.organisation_id) {
                e.push("participants", "同じ団体が二度選ばれています");
            }
            if p.attendees.as_deref().is_some_and(|a| bad_text(a, 200)) {
                e.push("participants", "出席者は200文字以内です");
            }
        }
        if e.is_empty() { Ok(self) } else { Err(e) }
    }
}

/// A task as decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskInput {
    pub what: String,
    /// The organisation the meeting gave it to; none: open for a participant to claim.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Uuid))]
    pub organisation_id: Option<OrganisationId>,
    pub due_on: Option<NaiveDate>,
}

/// What the meeting decided for one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseMinute {
    pub case_id: uuid::Uuid,
    /// The situation as reported (現状).
    pub situation: String,
    /// The support policy decided (支援方針).
    pub policy: String,
    #[serde(default)]
    pub tasks: Vec<TaskInput>,
    pub next_review_on: Option<NaiveDate>,
}

/// The minutes (議事録) as entered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Minutes {
    pub held_on: NaiveDate,
    pub cases: Vec<CaseMinute>,
    /// Anything said about the meeting as a whole.
    pub notes: Option<String>,
}

impl Minutes {
    /// Every case of the minutes is on the agenda and taken once, each with a policy; tasks
    /// name what is to be done, by an invited organisation (or the municipality), not due
    /// before the meeting.
    pub fn validate(
        mut self,
        agenda: &[uuid::Uuid],
        may_take_tasks: &[OrganisationId],
        today: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        if self.held_on > today {
            e.push("held_on", "開催日が未来です");
        }
        if self.cases.is_empty() {
            e.push("cases", "議事録に記録するケースがありません");
        }
        self.notes = clean(self.notes);
        if self.notes.as_deref().is_some_and(|n| bad_text(n, 2000)) {
            e.push("notes", "全体のメモは2000文字以内です");
        }
        let mut seen = HashSet::new();
        for c in &mut self.cases {
            if !agenda.contains(&c.case_id) {
                e.push("cases", "議題にないケースです");
            }
            if !seen.insert(c.case_id) {
                e.push("cases", "同じケースが二度記録されています");
            }
            c.situation = c.situation.trim().to_owned();
            c.policy = c.policy.trim().to_owned();
            if bad_text(&c.situation, 2000) {
                e.push("situation", "現状は2000文字以内です");
            }
            if c.policy.is_empty() || bad_text(&c.policy, 2000) {
                e.push("policy", "支援方針を2000文字以内で入力してください");
            }
            if c.next_review_on.is_some_and(|d| d <= self.held_on) {
                e.push(
                    "next_review_on",
                    "次の見直し日は会議の日より後にしてください",
                );
            }
            c.tasks.retain(|t| !t.what.trim().is_empty());
            for t in &mut c.tasks {
                t.what = t.what.trim().to_owned();
                if bad_text(&t.what, 300) {
                    e.push("tasks", "作業の内容は300文字以内です");
                }
                if t.due_on.is_some_and(|d| d < self.held_on) {
                    e.push("tasks", "作業の期限は会議の日以降にしてください");
                }
                if t.organisation_id
                    .is_some_and(|o| !may_take_tasks.contains(&o))
                {
                    e.push("tasks", "作業は会議に参加した団体か市町村が担当します");
                }
            }
        }
        if e.is_empty() { Ok(self) } else { Err(e) }
    }
}

/// The meeting as kept: what was scheduled and, once held, its minutes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingBody {
    #[serde(flatten)]
    pub input: MeetingInput,
    pub minutes: Option<Minutes>,
    pub recorded_by: Option<String>,
    pub cancelled_reason: Option<String>,
}

coded_enum! {
    pub enum TaskState {
        Open = ("open", "未完了"),
        Done = ("done", "完了"),
        Dropped = ("dropped", "取りやめ"),
    }
}

/// An organisation's claim on a task (担当の申し出).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Claim {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub organisation_id: OrganisationId,
    pub organisation: String,
    pub by: String,
    pub on: NaiveDate,
    /// The organisations that had claimed it before, which this one knew of.
    #[serde(default)]
    pub knowing_of: Vec<String>,
}

/// A task (作業): what, by when, the claims on it, and how it ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskBody {
    pub what: String,
    pub due_on: Option<NaiveDate>,
    #[serde(default)]
    pub claims: Vec<Claim>,
    pub state: TaskState,
    /// Who finished or dropped it, when, and what came of it.
    pub ended: Option<TaskEnd>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskEnd {
    pub on: NaiveDate,
    pub by: String,
    pub note: Option<String>,
}

/// Why a claim was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimRefused {
    /// Another organisation claimed it first: shown, so that a second claim is made knowing.
    Taken(Vec<Claim>),
    AlreadyOurs,
    NotOpen,
}

impl ClaimRefused {
    /// The message the claimer reads.
    pub fn message(&self) -> String {
        match self {
            ClaimRefused::Taken(first) => {
                let who: Vec<String> = first
                    .iter()
                    .map(|c| format!("{}（{}、{}）", c.organisation, c.by, c.on))
                    .collect();
                format!(
                    "この作業はすでに{}が担当しています。相手と調整の上、一緒に担当するときは「知った上で担当する」を選んでください",
                    who.join("、")
                )
            }
            ClaimRefused::AlreadyOurs => "この作業はすでに担当しています".to_owned(),
            ClaimRefused::NotOpen => "終わった作業です".to_owned(),
        }
    }
}

impl TaskBody {
    /// A new open task; the organisation the meeting named holds the first claim.
    pub fn new(what: String, due_on: Option<NaiveDate>, first: Option<Claim>) -> Self {
        TaskBody {
            what,
            due_on,
            claims: first.into_iter().collect(),
            state: TaskState::Open,
            ended: None,
        }
    }

    /// Whether the organisation holds a claim.
    pub fn claimed_by(&self, org: OrganisationId) -> bool {
        self.claims.iter().any(|c| c.organisation_id == org)
    }

    /// Claims the task for an organisation. When others hold it, the claim is refused with
    /// theirs shown unless `knowing` (then it names them).
    pub fn claim(&mut self, mut c: Claim, knowing: bool) -> Result<(), ClaimRefused> {
        if self.state != TaskState::Open {
            return Err(ClaimRefused::NotOpen);
        }
        if self.claimed_by(c.organisation_id) {
            return Err(ClaimRefused::AlreadyOurs);
        }
        if !self.claims.is_empty() && !knowing {
            return Err(ClaimRefused::Taken(self.claims.clone()));
        }
        c.knowing_of = self.claims.iter().map(|o| o.organisation.clone()).collect();
        self.claims.push(c);
        Ok(())
    }

    /// Gives up the organisation's claim.
    pub fn release(&mut self, org: OrganisationId) -> Result<(), ValidationErrors> {
        if self.state != TaskState::Open || !self.claimed_by(org) {
            return Err(ValidationErrors::single("claim", "担当していない作業です"));
        }
        self.claims.retain(|c| c.organisation_id != org);
        Ok(())
    }

    /// Ends the task (done or dropped) with an optional note.
    pub fn end(&mut self, state: TaskState, end: TaskEnd) -> Result<(), ValidationErrors> {
        if self.state != TaskState::Open {
            return Err(ValidationErrors::single("state", "終わった作業です"));
        }
        if state == TaskState::Open {
            return Err(ValidationErrors::single(
                "state",
                "完了か取りやめを選んでください",
            ));
        }
        let note = clean(end.note);
        if note.as_deref().is_some_and(|n| bad_text(n, 500)) {
            return Err(ValidationErrors::single("note", "メモは500文字以内です"));
        }
        self.state = state;
        self.ended = Some(TaskEnd { note, ..end });
        Ok(())
    }

    /// Open and past its due date on `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.state == TaskState::Open && self.due_on.is_some_and(|d| d < today)
    }
}

#[cfg(test)]
mod tests;
