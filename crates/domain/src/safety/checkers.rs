//! Who checks on whom (安否確認の担当): when a sweep opens, each person goes to one checker, the
//! first in the order the municipality sets that is there for that person — by default the
//! plan's supporters (避難支援等実施者), the care manager or provider, the 民生委員 district,
//! the 自治会, the 社協, and the municipality's own staff last of all.
//!
//! Supporters are neighbours and relatives, not users of tsunagi: when the supporters' step
//! decides, the person goes to the next organisation in the order that is there for them (it
//! calls the supporters and records what they found), marked "via the supporters".

use crate::ValidationErrors;
use crate::ids::OrganisationId;
use crate::organisation::OrganisationKind;

crate::coded_enum! {
    /// One step of the checker order.
    pub enum CheckerStep {
        /// 個別避難計画の避難支援等実施者
        Supporters = ("supporters", "避難支援等実施者"),
        /// ケアマネジャー・相談支援専門員（事業所）
        CareProvider = ("care_provider", "ケアマネジャー・事業所"),
        /// 民生委員（地区）
        WelfareCommissioner = ("welfare_commissioner", "民生委員"),
        /// 自治会・町内会・自主防災組織
        CommunityAssociation = ("community_association", "自治会・自主防災組織"),
        /// 社会福祉協議会
        SocialWelfareCouncil = ("social_welfare_council", "社会福祉協議会"),
        /// 市町村の職員
        MunicipalStaff = ("municipal_staff", "市町村職員"),
    }
}

impl CheckerStep {
    /// The kind of organisation that takes this step (none for the supporters, who are people;
    /// the municipality for its staff).
    pub fn organisation_kind(self) -> Option<OrganisationKind> {
        match self {
            CheckerStep::Supporters => None,
            CheckerStep::CareProvider => Some(OrganisationKind::CareProvider),
            CheckerStep::WelfareCommissioner => Some(OrganisationKind::WelfareCommissionerDistrict),
            CheckerStep::CommunityAssociation => Some(OrganisationKind::CommunityAssociation),
            CheckerStep::SocialWelfareCouncil => Some(OrganisationKind::SocialWelfareCouncil),
            CheckerStep::MunicipalStaff => Some(OrganisationKind::Municipality),
        }
    }
}

/// Whether organisations of this kind check people of their own in a sweep (自治会, 民生委員,
/// 事業所, 社協); the municipality's staff check on everyone left to them.
pub fn is_checking_organisation(kind: OrganisationKind) -> bool {
    CheckerStep::ALL
        .iter()
        .any(|s| *s != CheckerStep::MunicipalStaff && s.organisation_kind() == Some(kind))
}

/// A municipality's checker order: each step once, the municipality's staff last (nobody may
/// be left without a checker).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckerOrder(Vec<CheckerStep>);

impl Default for CheckerOrder {
    /// The order of the issue and the guide: supporters, care, 民生委員, 自治会, 社協, staff.
    fn default() -> Self {
        CheckerOrder(CheckerStep::ALL.to_vec())
    }
}

impl CheckerOrder {
    /// Checks an order as a municipality sets it. Steps it leaves out are not used; staff come
    /// last whatever it says.
    pub fn new(steps: &[CheckerStep]) -> Result<Self, ValidationErrors> {
        let mut seen = std::collections::HashSet::new();
        if let Some(d) = steps.iter().find(|s| !seen.insert(**s)) {
            return Err(ValidationErrors::single(
                "checker_order",
                format!("「{}」が二度選ばれています", d.label()),
            ));
        }
        if let Some(i) = steps.iter().position(|s| *s == CheckerStep::MunicipalStaff)
            && i + 1 != steps.len()
        {
            return Err(ValidationErrors::single(
                "checker_order",
                "市町村職員は最後の担当です（誰にも担当がいない方を必ず引き受けます）",
            ));
        }
        let mut v = steps.to_vec();
        if v.last() != Some(&CheckerStep::MunicipalStaff) {
            v.push(CheckerStep::MunicipalStaff);
        }
        Ok(CheckerOrder(v))
    }

    /// Parses the stored form (codes joined by commas); `None` if any code is unknown or the
    /// order is not valid.
    pub fn parse(stored: &str) -> Option<Self> {
        let steps: Option<Vec<CheckerStep>> = stored
            .split(',')
            .filter(|s| !s.is_empty())
            .map(CheckerStep::parse)
            .collect();
        CheckerOrder::new(&steps?).ok()
    }

    /// The stored form.
    pub fn code(&self) -> String {
        self.0
            .iter()
            .map(|s| s.code())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn steps(&self) -> &[CheckerStep] {
        &self.0
    }

    /// The order in words: 「避難支援等実施者 → … → 市町村職員」.
    pub fn label(&self) -> String {
        self.0
            .iter()
            .map(|s| s.label())
            .collect::<Vec<_>>()
            .join(" → ")
    }
}

/// What the sweep knows about one person when it opens: the organisations the record is shared
/// with (with their kinds) and whether the newest checked plan names supporters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckerCandidates {
    pub organisations: Vec<(OrganisationId, OrganisationKind)>,
    pub has_supporters: bool,
}

/// Whom a person went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckerAssignment {
    /// The step that decided (the supporters' step when they come first).
    pub step: CheckerStep,
    /// The organisation that checks; `None` is the municipality's staff.
    pub organisation: Option<OrganisationId>,
}

impl CheckerAssignment {
    /// Whether the checking organisation is asked to reach the supporters first.
    pub fn via_supporters(self) -> bool {
        self.step == CheckerStep::Supporters
    }
}

/// The first step of the order that is there for the person. Among several organisations of
/// one kind (two 自治会 covering a street), the one with the smallest id, so the same facts
/// always give the same checker. The municipality itself among the shares does not count: its
/// staff are the last step.
pub fn assign(order: &CheckerOrder, c: &CheckerCandidates) -> CheckerAssignment {
    let org_for = |step: CheckerStep| -> Option<OrganisationId> {
        let kind = step.organisation_kind()?;
        if kind == OrganisationKind::Municipality {
            return None;
        }
        c.organisations
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(o, _)| *o)
            .min_by_key(|o| o.0)
    };
    let steps = order.steps();
    for (i, step) in steps.iter().enumerate() {
        match step {
            CheckerStep::Supporters if c.has_supporters => {
                // The next organisation in the order calls them.
                let organisation = steps[i + 1..].iter().find_map(|s| org_for(*s));
                return CheckerAssignment {
                    step: CheckerStep::Supporters,
                    organisation,
                };
            }
            CheckerStep::MunicipalStaff => break,
            s => {
                if let Some(o) = org_for(*s) {
                    return CheckerAssignment {
                        step: *s,
                        organisation: Some(o),
                    };
                }
            }
        }
    }
    CheckerAssignment {
        step: CheckerStep::MunicipalStaff,
        organisation: None,
    }
}

#[cfg(test)]
mod tests;
