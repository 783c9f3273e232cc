//! Loading programme files (TOML): every field checked, every rule parsed and type-checked, and
//! each error reported with its file and line, all at once. A catalogue with one bad file is
//! refused whole.

use crate::lang::{Names, Type, check, syntax};
use crate::programme::{
    BenefitKind, Origin, Programme, Provider, Requirement, Step, Version, Window,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use toml::Spanned;
use tsunagi_domain::issue_category::IssueCategory;

/// A programme file as written.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeFile {
    pub id: String,
    pub name: String,
    pub provider: Provider,
    pub kind: BenefitKind,
    pub categories: Vec<IssueCategory>,
    pub summary: String,
    #[serde(default)]
    pub documents: Vec<String>,
    pub where_to_apply: String,
    pub source: String,
    pub source_url: Option<String>,
    pub checked_on: toml::value::Datetime,
    pub confirm_with: Option<String>,
    pub unconfirmed: Option<String>,
    pub window_months: Option<u32>,
    pub window_days: Option<u32>,
    #[serde(default)]
    pub requires: Vec<RuleFile>,
    #[serde(default)]
    pub amount: Vec<StepFile>,
    pub versions: Vec<VersionFile>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub rule: Spanned<String>,
    pub reason: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StepFile {
    pub name: Option<String>,
    pub label: String,
    pub when: Option<Spanned<String>>,
    pub value: Spanned<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VersionFile {
    pub from: toml::value::Datetime,
    pub until: Option<toml::value::Datetime>,
    pub window_months: Option<u32>,
    pub window_days: Option<u32>,
    pub requires: Option<Vec<RuleFile>>,
    pub amount: Option<Vec<StepFile>>,
    pub note: Option<String>,
}

/// One problem in one file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct LoadError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// A source to load: its name (file name, or "市町村の制度 …") and text.
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
    pub origin: Origin,
}

struct Parsed<'a> {
    src: &'a Source<'a>,
    file: ProgrammeFile,
    refs: Vec<String>,
}

/// Loads and checks programmes; the order of the result is the order of evaluation (a programme
/// after those it refers to).
pub fn load(sources: &[Source]) -> Result<Vec<Programme>, Vec<LoadError>> {
    let mut errors = Vec::new();
    let mut parsed: Vec<Parsed> = Vec::new();
    for src in sources {
        match toml::from_str::<ProgrammeFile>(src.text) {
            Ok(file) => {
                let mut refs = Vec::new();
                for text in rule_texts(&file) {
                    if let Ok(node) = syntax::parse(text.get_ref()) {
                        node.programme_refs(&mut refs);
                    }
                }
                parsed.push(Parsed { src, file, refs });
            }
            Err(e) => errors.push(LoadError {
                file: src.name.to_owned(),
                line: e.span().map_or(1, |s| line_of(src.text, s.start)),
                message: e.message().to_owned(),
            }),
        }
    }
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for p in &parsed {
        if let Some(first) = seen.insert(p.file.id.as_str(), p.src.name) {
            errors.push(LoadError {
                file: p.src.name.to_owned(),
                line: 1,
                message: format!("制度ID「{}」は {first} と重複しています", p.file.id),
            });
        }
    }
    let order = match evaluation_order(&parsed) {
        Ok(o) => o,
        Err(e) => {
            errors.push(e);
            (0..parsed.len()).collect()
        }
    };
    let mut done: Vec<Programme> = Vec::with_capacity(parsed.len());
    for i in order {
        match compile(&parsed[i], &done) {
            Ok(p) => done.push(p),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(done)
    } else {
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Err(errors)
    }
}

fn rule_texts(f: &ProgrammeFile) -> Vec<&Spanned<String>> {
    let mut out: Vec<&Spanned<String>> = Vec::new();
    fn steps<'a>(s: &'a [StepFile], out: &mut Vec<&'a Spanned<String>>) {
        for st in s {
            out.extend(st.when.iter());
            out.push(&st.value);
        }
    }
    out.extend(f.requires.iter().map(|r| &r.rule));
    steps(&f.amount, &mut out);
    for v in &f.versions {
        out.extend(v.requires.iter().flatten().map(|r| &r.rule));
        steps(v.amount.as_deref().unwrap_or_default(), &mut out);
    }
    out
}

/// Programmes in an order where each comes after those it names; a cycle is an error.
fn evaluation_order(parsed: &[Parsed]) -> Result<Vec<usize>, LoadError> {
    let index: HashMap<&str, usize> = parsed
        .iter()
        .enumerate()
        .map(|(i, p)| (p.file.id.as_str(), i))
        .collect();
    // 0 = not visited, 1 = on the path, 2 = placed.
    let mut mark = vec![0u8; parsed.len()];
    let mut order = Vec::with_capacity(parsed.len());
    fn visit(
        i: usize,
        parsed: &[Parsed],
        index: &HashMap<&str, usize>,
        mark: &mut [u8],
        order: &mut Vec<usize>,
    ) -> Result<(), LoadError> {
        match mark[i] {
            2 => return Ok(()),
            1 => {
                return Err(LoadError {
                    file: parsed[i].src.name.to_owned(),
                    line: 1,
                    message: format!(
                        "制度「{}」の参照が循環しています（eligible / amount）",
                        parsed[i].file.id
                    ),
                });
            }
            _ => {}
        }
        mark[i] = 1;
        for r in &parsed[i].refs {
            if let Some(&j) = index.get(r.as_str()) {
                visit(j, parsed, index, mark, order)?;
            }
        }
        mark[i] = 2;
        order.push(i);
        Ok(())
    }
    for i in 0..parsed.len() {
        visit(i, parsed, &index, &mut mark, &mut order)?;
    }
    Ok(order)
}

fn compile(p: &Parsed, done: &[Programme]) -> Result<Programme, Vec<LoadError>> {
    let f = &p.file;
    let name = p.src.name;
    let text = p.src.text;
    let mut errors = Vec::new();
    let mut err = |line: usize, message: String| {
        errors.push(LoadError {
            file: name.to_owned(),
            line,
            message,
        })
    };
    let plain = |s: &str, max: usize| {
        let s = s.trim();
        !s.is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control)
    };
    if !(f.id.len() <= 60
        && f.id.starts_with(|c: char| c.is_ascii_lowercase())
        && f.id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
    {
        err(
            1,
            format!("制度ID「{}」は英小文字・数字・_ で書いてください", f.id),
        );
    }
    for (what, v, max) in [
        ("name", &f.name, 100),
        ("summary", &f.summary, 1000),
        ("where_to_apply", &f.where_to_apply, 300),
        ("source", &f.source, 300),
    ] {
        if !plain(v.replace('\n', " ").as_str(), max) {
            err(
                1,
                format!("{what} は空でない{max}文字以内の文で書いてください"),
            );
        }
    }
    if f.categories.is_empty() {
        err(1, "categories に課題の分類を一つ以上書いてください".into());
    }
    let lookup = |id: &str| {
        done.iter()
            .position(|q| q.id == id)
            .and_then(|i| u16::try_from(i).ok())
    };
    let mut versions = Vec::new();
    if f.versions.is_empty() {
        err(1, "versions（適用期間ごとの規則）が一つもありません".into());
    }
    for v in &f.versions {
        let (Some(from), until) = (date(&v.from), v.until.as_ref().map(date)) else {
            err(
                1,
                "versions の from は日付（例 2024-04-01）で書いてください".into(),
            );
            continue;
        };
        let until = match until {
            Some(None) => {
                err(1, "versions の until は日付で書いてください".into());
                continue;
            }
            Some(Some(u)) => Some(u),
            None => None,
        };
        let mut requires = Vec::new();
        for r in v.requires.as_deref().unwrap_or(&f.requires) {
            match check(
                r.rule.get_ref(),
                &Names {
                    steps: &[],
                    programme: &lookup,
                },
                Type::Bool,
            ) {
                Ok(rule) => requires.push(Requirement {
                    rule,
                    text: r.rule.get_ref().clone(),
                    reason: r.reason.trim().to_owned(),
                }),
                Err(e) => err(rule_line(text, &r.rule, e.at), e.message),
            }
        }
        let mut steps_seen: Vec<(String, Type)> = Vec::new();
        let mut amount = Vec::new();
        for s in v.amount.as_deref().unwrap_or(&f.amount) {
            let names = Names {
                steps: &steps_seen,
                programme: &lookup,
            };
            let when = match &s.when {
                Some(w) => match check(w.get_ref(), &names, Type::Bool) {
                    Ok(e) => Some(e),
                    Err(e) => {
                        err(rule_line(text, w, e.at), e.message);
                        None
                    }
                },
                None => None,
            };
            if s.when.is_some() && amount.is_empty() {
                err(
                    line_of(text, s.value.span().start),
                    "最初の段階には when を付けられません".into(),
                );
            }
            match check(s.value.get_ref(), &names, Type::Yen) {
                Ok(value) => amount.push(Step {
                    name: s.name.clone(),
                    label: s.label.trim().to_owned(),
                    when,
                    value,
                }),
                Err(e) => err(rule_line(text, &s.value, e.at), e.message),
            }
            if let Some(n) = &s.name {
                steps_seen.push((n.clone(), Type::Yen));
            }
        }
        let window = match (
            v.window_months.or(f.window_months),
            v.window_days.or(f.window_days),
        ) {
            (Some(m), None) => Some(Window::Months(m)),
            (None, Some(d)) => Some(Window::Days(d)),
            (None, None) => None,
            (Some(_), Some(_)) => {
                err(1, "window_months と window_days はどちらか一つです".into());
                None
            }
        };
        versions.push(Version {
            from,
            until,
            window,
            requires,
            amount,
            note: v.note.clone(),
        });
    }
    versions.sort_by_key(|v| v.from);
    for w in versions.windows(2) {
        if w[0].until.is_none_or(|u| u >= w[1].from) {
            err(
                1,
                format!("適用期間が重なっています（{} からの版）", w[1].from),
            );
        }
        if w[0].until.is_some_and(|u| u < w[0].from) {
            err(
                1,
                format!("{} からの版の until が from より前です", w[0].from),
            );
        }
    }
    let checked_on = date(&f.checked_on).unwrap_or_else(|| {
        err(1, "checked_on は日付で書いてください".into());
        NaiveDate::MIN
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Programme {
        id: f.id.clone(),
        name: f.name.trim().to_owned(),
        provider: f.provider,
        kind: f.kind,
        categories: f.categories.clone(),
        summary: f.summary.trim().to_owned(),
        documents: f.documents.clone(),
        where_to_apply: f.where_to_apply.trim().to_owned(),
        source: f.source.trim().to_owned(),
        source_url: f.source_url.clone(),
        checked_on,
        confirm_with: f.confirm_with.clone(),
        unconfirmed: f.unconfirmed.clone(),
        origin: p.src.origin.clone(),
        versions,
    })
}

fn date(d: &toml::value::Datetime) -> Option<NaiveDate> {
    match (d.date, d.time) {
        (Some(d), None) => {
            NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        }
        _ => None,
    }
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, at: usize) -> usize {
    text.get(..at).map_or(1, |t| t.matches('\n').count() + 1)
}

/// The line of an error at `at` in a rule written as a TOML string starting at the span.
fn rule_line(text: &str, rule: &Spanned<String>, at: usize) -> usize {
    let start = rule.span().start;
    let raw = text.get(start..).unwrap_or("");
    let quotes = if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
        3
    } else {
        1
    };
    // A newline right after the opening quotes is not part of the value.
    let skip = if quotes == 3 && raw[3..].starts_with('\n') {
        1
    } else {
        0
    };
    line_of(text, start + quotes + skip)
        + rule
            .get_ref()
            .get(..at)
            .map_or(0, |s| s.matches('\n').count())
}
