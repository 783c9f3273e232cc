//! Programme files that are wrong are refused at load, with their file and line.
#![allow(clippy::expect_used)]

use tsunagi_eligibility::Catalogue;

fn top_up(rule: &str, value: &str) -> String {
    format!(
        r#"id = "town_top_up"
name = "町の住宅再建上乗せ"
provider = "municipality"
kind = "grant"
categories = ["housing"]
summary = "生活再建支援金の対象世帯に町が上乗せします。"
where_to_apply = "町役場"
source = "町被災者住宅再建支援要綱"
checked_on = 2026-12-01
requires = [
  {{ rule = '{rule}', reason = "生活再建支援金の対象であること" }},
]
[[amount]]
label = "上乗せ"
value = '{value}'
[[versions]]
from = 2020-04-01
"#
    )
}

#[test]
fn a_municipal_top_up_refers_to_a_national_programme() {
    let c = Catalogue::load(&[(
        "町の上乗せ".into(),
        top_up(
            "eligible(livelihood_basic)",
            "amount(livelihood_basic) / 10",
        ),
    )])
    .expect("loads");
    let last = c.programmes.iter().position(|p| p.id == "town_top_up");
    let basic = c.programmes.iter().position(|p| p.id == "livelihood_basic");
    assert!(last > basic, "evaluated after what it refers to");
}

#[test]
fn type_errors_are_refused_with_the_line() {
    let text = top_up("eligible(livelihood_basic)", "household_size * 10");
    let errors = Catalogue::load(&[("町の上乗せ".into(), text.clone())]).expect_err("refused");
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!(e.file, "町の上乗せ");
    let want = text
        .lines()
        .position(|l| l.starts_with("value"))
        .expect("line")
        + 1;
    assert_eq!(e.line, want, "{e}");
    assert!(e.message.contains("金額（円）"), "{e}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = top_up("damage == 建設購入", "no_such_fact");
    let errors = Catalogue::load(&[("x".into(), text)]).expect_err("refused");
    assert_eq!(errors.len(), 2, "{errors:?}");
    let bad_toml = "id = \"a\"\nname = 1\n";
    let errors = Catalogue::load(&[("y".into(), bad_toml.into())]).expect_err("refused");
    assert_eq!(errors[0].line, 2, "{errors:?}");
}

#[test]
fn a_cycle_or_a_duplicate_is_refused() {
    let a = top_up("eligible(town_b)", "1円").replace("town_top_up", "town_a");
    let b = top_up("eligible(town_a)", "1円").replace("town_top_up", "town_b");
    let errors = Catalogue::load(&[("a".into(), a), ("b".into(), b)]).expect_err("cycle");
    assert!(
        errors.iter().any(|e| e.message.contains("循環")),
        "{errors:?}"
    );
    let dup = top_up("true", "1円").replace("town_top_up", "livelihood_basic");
    let errors = Catalogue::load(&[("dup".into(), dup)]).expect_err("dup");
    assert!(
        errors.iter().any(|e| e.message.contains("重複")),
        "{errors:?}"
    );
}

#[test]
fn overlapping_versions_are_refused() {
    let text = top_up("true", "1円") + "[[versions]]\nfrom = 2024-01-01\n";
    let errors = Catalogue::load(&[("v".into(), text)]).expect_err("overlap");
    assert!(
        errors.iter().any(|e| e.message.contains("重なって")),
        "{errors:?}"
    );
}
