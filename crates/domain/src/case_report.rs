//! The information-sharing meeting's report (情報連携会議): counts only, no personal data, and
//! every count of one to four households shown as 「5未満」 so that a small cell cannot point at a
//! household. Built from plain rows by pure code.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::case_management::{HouseholdType, IssueAssessment, OtherIssue, Severity};
use crate::issue_category::IssueCategory;

/// Cells under this are suppressed.
pub const SUPPRESS_BELOW: usize = 5;

/// A count as published: the number, or suppressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Count(usize),
    /// 1 to 4.
    Suppressed(&'static str),
}

impl Cell {
    pub fn of(n: usize) -> Cell {
        if n > 0 && n < SUPPRESS_BELOW {
            Cell::Suppressed("5未満")
        } else {
            Cell::Count(n)
        }
    }
    pub fn text(self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Suppressed(s) => s.to_owned(),
        }
    }
}

/// What a complementary suppression shows: a cell hidden so that a 「5未満」 beside it cannot be
/// worked out by subtracting the others from the total.
pub const COMPLEMENTARY: &str = "秘匿";

/// The cells of one partition (counts that add up to a total that is published or can be
/// worked out): each count of 1–4 suppressed; then, while the hidden cells could be worked out
/// by subtraction — a single one, or several whose sum is under five (two hidden cells summing
/// to 2 are both 1) — the smallest other non-zero count is hidden too (secondary suppression).
pub fn partition(counts: &[usize]) -> Vec<Cell> {
    let mut cells: Vec<Cell> = counts.iter().map(|n| Cell::of(*n)).collect();
    let hidden = |c: &Cell| matches!(c, Cell::Suppressed(_));
    loop {
        let (n, sum) = cells
            .iter()
            .zip(counts)
            .filter(|(c, _)| hidden(c))
            .fold((0, 0), |(n, s), (_, k)| (n + 1, s + k));
        if n == 0 || (n >= 2 && sum >= SUPPRESS_BELOW) {
            break;
        }
        let Some(i) = (0..counts.len())
            .filter(|i| counts[*i] > 0 && !hidden(&cells[*i]))
            .min_by_key(|i| counts[*i])
        else {
            break;
        };
        cells[i] = Cell::Suppressed(COMPLEMENTARY);
    }
    cells
}

fn lines_of(labels: Vec<String>, counts: &[usize]) -> Vec<Line> {
    labels
        .into_iter()
        .zip(partition(counts))
        .map(|(label, c)| Line {
            label,
            cells: vec![c],
        })
        .collect()
}

/// One household as the report counts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportRow {
    pub area: String,
    /// Has a case; open or closed.
    pub case: Option<bool>,
    pub household_type: Option<HouseholdType>,
    pub lead: Option<String>,
    /// The latest assessment.
    pub issues: Vec<IssueAssessment>,
    /// …in the categories the municipality added.
    pub other_issues: Vec<OtherIssue>,
    /// Met at least once by outreach.
    pub reached: bool,
    /// The day outreach first met the household.
    pub first_met_on: Option<NaiveDate>,
    /// The day its case was opened, and closed (if it is).
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

/// One line of a table: a label and its cells.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    pub label: String,
    pub cells: Vec<Cell>,
}

/// A table with its column headers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub lines: Vec<Line>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub households: Cell,
    pub not_reached: Cell,
    /// The day of the last meeting the change is counted from.
    pub since: NaiveDate,
    pub tables: Vec<Table>,
}

/// Bands of days an open referral has waited since it was sent.
const WAIT_BANDS: [(&str, u32, u32); 4] = [
    ("7日未満", 0, 7),
    ("7〜13日", 7, 14),
    ("14〜29日", 14, 30),
    ("30日以上", 30, u32::MAX),
];

fn counts<K: Ord>(rows: impl Iterator<Item = K>) -> BTreeMap<K, usize> {
    let mut m = BTreeMap::new();
    for k in rows {
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

/// The report from the rows, the days each open referral has waited since it was sent, and
/// the day of the last meeting (the change is counted from it, that day included).
pub fn report(rows: &[ReportRow], referral_waits: &[u32], since: NaiveDate) -> Report {
    let mut tables = Vec::new();
    // Cases by status.
    let open = rows.iter().filter(|r| r.case == Some(true)).count();
    let closed = rows.iter().filter(|r| r.case == Some(false)).count();
    let none = rows.iter().filter(|r| r.case.is_none()).count();
    tables.push(Table {
        title: "ケースの状況".into(),
        columns: vec!["世帯数".into()],
        lines: lines_of(
            vec!["支援中".into(), "終結".into(), "ケースなし".into()],
            &[open, closed, none],
        ),
    });
    // Classification.
    let by_type = counts(rows.iter().filter_map(|r| r.household_type));
    let unclassified = rows
        .iter()
        .filter(|r| r.case.is_some() && r.household_type.is_none())
        .count();
    let mut labels: Vec<String> = HouseholdType::ALL
        .iter()
        .map(|t| t.label().to_owned())
        .collect();
    let mut n: Vec<usize> = HouseholdType::ALL
        .iter()
        .map(|t| by_type.get(t).copied().unwrap_or(0))
        .collect();
    labels.push("未分類（ケースあり）".into());
    n.push(unclassified);
    tables.push(Table {
        title: "世帯の分類".into(),
        columns: vec!["世帯数".into()],
        lines: lines_of(labels, &n),
    });
    // Issues by category and severity: the seven, then the municipality's own.
    let added: std::collections::BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r.other_issues.iter().map(|o| o.category.as_str()))
        .collect();
    let added_lines = added.into_iter().map(|label| Line {
        label: label.to_owned(),
        cells: Severity::ALL
            .iter()
            .map(|s| {
                Cell::of(
                    rows.iter()
                        .filter(|r| {
                            r.other_issues
                                .iter()
                                .any(|i| i.category == label && i.severity == *s)
                        })
                        .count(),
                )
            })
            .collect(),
    });
    tables.push(Table {
        title: "課題の分類と程度（直近の評価）".into(),
        columns: Severity::ALL.iter().map(|s| s.label().to_owned()).collect(),
        lines: IssueCategory::ALL
            .iter()
            .map(|c| Line {
                label: c.label().into(),
                cells: Severity::ALL
                    .iter()
                    .map(|s| {
                        Cell::of(
                            rows.iter()
                                .filter(|r| {
                                    r.issues
                                        .iter()
                                        .any(|i| i.category == *c && i.severity == *s)
                                })
                                .count(),
                        )
                    })
                    .collect(),
            })
            .chain(added_lines)
            .collect(),
    });
    // By area: households, reached, with a case.
    // Each column is a partition of its total (households, not reached, with a case).
    let areas = counts(rows.iter().map(|r| r.area.clone()));
    let column = |keep: &dyn Fn(&ReportRow) -> bool| {
        partition(
            &areas
                .keys()
                .map(|a| rows.iter().filter(|r| &r.area == a && keep(r)).count())
                .collect::<Vec<_>>(),
        )
    };
    let (all, unmet, with_case) = (
        column(&|_| true),
        column(&|r| !r.reached),
        column(&|r| r.case.is_some()),
    );
    tables.push(Table {
        title: "地区ごと".into(),
        columns: vec!["世帯数".into(), "未面会".into(), "ケースあり".into()],
        lines: areas
            .keys()
            .enumerate()
            .map(|(i, a)| Line {
                label: a.clone(),
                cells: vec![all[i], unmet[i], with_case[i]],
            })
            .collect(),
    });
    // By lead organisation.
    let leads = counts(rows.iter().filter_map(|r| r.lead.clone()));
    let n: Vec<usize> = leads.values().copied().collect();
    tables.push(Table {
        title: "担当団体ごと（ケース）".into(),
        columns: vec!["世帯数".into()],
        lines: lines_of(leads.into_keys().collect(), &n),
    });
    // Change since the last meeting.
    let after = |d: Option<NaiveDate>| d.is_some_and(|d| d >= since);
    tables.push(Table {
        title: "前回の会議からの変化".into(),
        columns: vec!["世帯数".into()],
        lines: [
            (
                "新たに面会できた世帯",
                rows.iter().filter(|r| after(r.first_met_on)).count(),
            ),
            (
                "開始したケース",
                rows.iter().filter(|r| after(r.opened_on)).count(),
            ),
            (
                "終結したケース",
                rows.iter().filter(|r| after(r.closed_on)).count(),
            ),
        ]
        .into_iter()
        .map(|(l, n)| Line {
            label: l.into(),
            cells: vec![Cell::of(n)],
        })
        .collect(),
    });
    // Open referrals by how long they have waited.
    tables.push(Table {
        title: "紹介（つなぎ）の待ち日数（完了していないもの）".into(),
        columns: vec!["件数".into()],
        lines: WAIT_BANDS
            .iter()
            .map(|(label, from, to)| Line {
                label: (*label).into(),
                cells: vec![Cell::of(
                    referral_waits
                        .iter()
                        .filter(|w| (*from..*to).contains(*w))
                        .count(),
                )],
            })
            .collect(),
    });
    Report {
        households: Cell::of(rows.len()),
        not_reached: Cell::of(rows.iter().filter(|r| !r.reached).count()),
        since,
        tables,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn row(area: &str, case: Option<bool>, reached: bool) -> ReportRow {
        ReportRow {
            area: area.into(),
            case,
            household_type: None,
            lead: None,
            issues: Vec::new(),
            other_issues: Vec::new(),
            reached,
            first_met_on: None,
            opened_on: None,
            closed_on: None,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default()
    }

    #[test]
    fn change_since_the_last_meeting_and_referral_waits_are_counted() {
        let rows: Vec<ReportRow> = (1..=10)
            .map(|d| ReportRow {
                first_met_on: Some(day(d)),
                opened_on: Some(day(d)),
                closed_on: (d > 8).then(|| day(d)),
                ..row("本町", Some(true), true)
            })
            .collect();
        let r = report(&rows, &[0, 6, 7, 13, 14, 29, 30, 31, 40, 50, 60], day(5));
        let change = &r.tables[5];
        assert_eq!(
            change.lines[0].cells[0],
            Cell::Count(6),
            "met on the 5th..10th"
        );
        assert_eq!(change.lines[1].cells[0], Cell::Count(6));
        assert_eq!(change.lines[2].cells[0].text(), "5未満");
        let waits = &r.tables[6];
        assert_eq!(waits.lines[0].cells[0].text(), "5未満");
        assert_eq!(waits.lines[3].cells[0], Cell::Count(5), "30 days or more");
    }

    #[test]
    fn small_cells_are_suppressed_and_zero_is_shown() {
        assert_eq!(Cell::of(0), Cell::Count(0));
        assert_eq!(Cell::of(1).text(), "5未満");
        assert_eq!(Cell::of(4).text(), "5未満");
        assert_eq!(Cell::of(5), Cell::Count(5));
        let mut rows: Vec<ReportRow> = (0..6).map(|_| row("本町", Some(true), true)).collect();
        rows.push(row("港町", None, false));
        let r = report(&rows, &[], day(1));
        assert_eq!(r.households, Cell::Count(7));
        assert_eq!(r.not_reached.text(), "5未満");
        let areas = &r.tables[3];
        assert_eq!(areas.lines[0].label, "本町");
        // 港町's one household would follow from the total (7) and 本町's six: 本町 is hidden too.
        assert_eq!(areas.lines[0].cells[0], Cell::Suppressed(COMPLEMENTARY));
        assert_eq!(areas.lines[1].cells[0].text(), "5未満");
    }

    #[test]
    fn a_lone_small_cell_is_protected_by_hiding_the_next_smallest() {
        assert_eq!(
            partition(&[10, 3, 7]),
            vec![
                Cell::Count(10),
                Cell::of(3),
                Cell::Suppressed(COMPLEMENTARY)
            ]
        );
        assert_eq!(
            partition(&[10, 3, 2]),
            vec![Cell::Count(10), Cell::of(3), Cell::of(2)]
        );
        assert_eq!(
            partition(&[0, 3, 0]),
            vec![Cell::Count(0), Cell::of(3), Cell::Count(0)]
        );
        assert_eq!(
            partition(&[6, 0, 8]),
            vec![Cell::Count(6), Cell::Count(0), Cell::Count(8)]
        );
        // Two hidden cells summing to 2 would both be 1: the next is hidden too.
        assert_eq!(
            partition(&[10, 1, 1, 7]),
            vec![
                Cell::Count(10),
                Cell::of(1),
                Cell::of(1),
                Cell::Suppressed(COMPLEMENTARY)
            ]
        );
    }

    proptest! {
        /// In a partition, the suppressed counts cannot be worked out from the total: none,
        /// or two or more summing to five or more, or nothing left to hide.
        #[test]
        fn no_suppressed_cell_follows_by_subtraction(counts in proptest::collection::vec(0usize..12, 0..8)) {
            let cells = partition(&counts);
            let hidden: Vec<usize> = cells
                .iter()
                .zip(&counts)
                .filter(|(c, _)| matches!(c, Cell::Suppressed(_)))
                .map(|(_, n)| *n)
                .collect();
            let shown_nonzero = cells
                .iter()
                .zip(&counts)
                .filter(|(c, n)| !matches!(c, Cell::Suppressed(_)) && **n > 0)
                .count();
            prop_assert!(
                hidden.is_empty()
                    || (hidden.len() >= 2 && hidden.iter().sum::<usize>() >= SUPPRESS_BELOW)
                    || shown_nonzero == 0,
                "{counts:?} → {cells:?}"
            );
            for (n, c) in counts.iter().zip(&cells) {
                if let Cell::Count(k) = c {
                    prop_assert_eq!(k, n);
                    prop_assert!(*k == 0 || *k >= SUPPRESS_BELOW);
                }
            }
        }

        /// No published cell is a count from 1 to 4.
        #[test]
        fn no_cell_between_one_and_four(
            spec in proptest::collection::vec((0usize..3, 0usize..3, any::<bool>()), 0..40)
        ) {
            let rows: Vec<ReportRow> = spec
                .iter()
                .map(|(a, c, reached)| {
                    row(["本町", "港町", "山手"][*a], [None, Some(true), Some(false)][*c], *reached)
                })
                .collect();
            let waits: Vec<u32> = spec.iter().map(|(a, c, _)| (*a * 13 + *c * 7) as u32).collect();
            let r = report(&rows, &waits, day(1));
            let all = r.tables.iter().flat_map(|t| t.lines.iter()).flat_map(|l| l.cells.iter());
            for c in all.chain([&r.households, &r.not_reached]) {
                if let Cell::Count(n) = c {
                    prop_assert!(*n == 0 || *n >= SUPPRESS_BELOW);
                }
            }
        }
    }
}
