//! The architecture's rules, checked on the sources (ARCHITECTURE.md, "Invariants"):
//!
//! 1. No transaction is opened or committed outside the use-case layer (`crates/app`) and the
//!    store that implements it: `web`, `cli` and the pure crates never call `begin`/`commit`.
//! 2. A store module writes only its own tables, and never calls another store module's
//!    writes (reads are allowed). The owners are listed in [`OWNERS`].
//! 3. `DisasterState::normal()` is called in one function only (`crates/app/src/disaster.rs`),
//!    outside tests.
//!
//! Each rule is also run on a planted violation, so a rule that stopped seeing anything fails.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// Which store module owns which tables (entities). A module is a file or a directory of
/// `crates/store/src`.
const OWNERS: &[(&str, &[&str])] = &[
    ("access", &[]),
    ("audit", &["audit_log", "audit_head"]),
    ("persons", &["person", "household"]),
    ("sharing", &["person_share", "consent", "consent_scope"]),
    ("roster", &["roster_entry", "roster_departure"]),
    ("triage", &["triage_result", "triage_policy"]),
    ("plans", &["evacuation_plan", "evacuation_plan_check"]),
    ("workflows", &["plan_workflow", "plan_workflow_event"]),
    ("meetings", &["coordination_meeting"]),
    ("receivers", &["receiver", "receiver_agreement"]),
    ("organisations", &["organisation"]),
    ("legal_bases", &["legal_basis"]),
    ("declarations", &["disaster_declaration"]),
    (
        "safety",
        &[
            "safety_check",
            "safety_attempt",
            "safety_setting",
            "safety_paper_list",
        ],
    ),
    (
        "ledger",
        &["victim_ledger", "ledger_disclosure", "ledger_partner"],
    ),
    ("programmes", &["municipal_programme", "disaster_act"]),
    ("cases", &["case", "outreach_visit", "case_share"]),
    (
        "case_meetings",
        &[
            "case_meeting",
            "case_meeting_participant",
            "case_meeting_case",
        ],
    ),
    ("case_tasks", &["case_task", "case_task_claim"]),
    ("issue_categories", &["issue_category"]),
    ("disaster_lists", &["roster_receipt"]),
    ("preparedness", &["preparedness_activity"]),
    ("issued_lists", &["issued_list"]),
    ("referrals", &["referral"]),
    ("partners", &["partner_profile"]),
    ("shelter_stays", &["shelter_opening", "shelter_stay"]),
    ("safety_info", &["safety_info_consent", "safety_enquiry"]),
    (
        "certificates",
        &[
            "damage_application",
            "damage_survey",
            "damage_survey_photo",
            "damage_certificate",
            "damage_setting",
        ],
    ),
    ("users", &["user", "membership"]),
    ("tokens", &["api_token"]),
    ("sessions", &["session"]),
    ("progress", &[]),
    (
        "gis",
        &[
            "gis_layer",
            "hazard_zone",
            "hazard_zone_pack",
            "address_point",
            "shelter",
            "person_location",
            "person_hazard",
            "gis_setting",
        ],
    ),
];

/// Store files that are infrastructure, not repositories.
const STORE_INFRASTRUCTURE: &[&str] = &["lib", "db", "error", "entity", "migration", "testing"];

/// A source file: its crate, its path from the crate's `src`, and its text.
struct Source {
    krate: String,
    rel: PathBuf,
    text: String,
}

impl Source {
    fn new(krate: &str, rel: &str, text: &str) -> Self {
        Source {
            krate: krate.to_owned(),
            rel: PathBuf::from(rel),
            text: text.to_owned(),
        }
    }
    /// The store module a file belongs to (`persons` for `persons/residents.rs`).
    fn store_module(&self) -> Option<String> {
        let first = self.rel.components().next()?.as_os_str().to_str()?;
        let m = first.strip_suffix(".rs").unwrap_or(first).to_owned();
        (!STORE_INFRASTRUCTURE.contains(&m.as_str())).then_some(m)
    }
    fn is_test_file(&self) -> bool {
        self.rel
            .components()
            .any(|c| c.as_os_str() == "tests" || c.as_os_str() == "tests.rs")
    }
    fn parse(&self) -> syn::File {
        syn::parse_file(&self.text).unwrap_or_else(|e| panic!("{}: {e}", self.rel.display()))
    }
}

fn read_tree(dir: &Path, base: &Path, krate: &str, out: &mut Vec<Source>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            read_tree(&p, base, krate, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&p).expect("source");
            let rel = p.strip_prefix(base).expect("under src").to_path_buf();
            out.push(Source {
                krate: krate.to_owned(),
                rel,
                text,
            });
        }
    }
}

/// Every `src` file of the workspace's crates.
fn workspace() -> Vec<Source> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    for krate in [
        "app",
        "cli",
        "documents",
        "domain",
        "gis",
        "import",
        "store",
        "web",
    ] {
        let src = crates.join(krate).join("src");
        read_tree(&src, &src, krate, &mut out);
    }
    assert!(out.len() > 100, "sources not found");
    out
}

fn path_text(p: &syn::Path) -> Vec<String> {
    p.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// Skips `#[cfg(test)]` items: tests may build any state.
fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.meta
                .require_list()
                .is_ok_and(|l| l.tokens.to_string().contains("test"))
    })
}

// Rule 1 ------------------------------------------------------------------------------------

struct TxCalls(Vec<String>);

impl<'a> Visit<'a> for TxCalls {
    fn visit_expr_method_call(&mut self, c: &'a syn::ExprMethodCall) {
        let m = c.method.to_string();
        if m == "begin" || m == "commit" {
            self.0.push(format!(".{m}()"));
        }
        syn::visit::visit_expr_method_call(self, c);
    }
    fn visit_item_mod(&mut self, m: &'a syn::ItemMod) {
        if !is_cfg_test(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }
}

/// Transactions opened or committed outside `app` and `store`.
fn transactions_outside_use_cases(sources: &[Source]) -> Vec<String> {
    let mut out = Vec::new();
    for s in sources
        .iter()
        .filter(|s| s.krate != "app" && s.krate != "store")
    {
        let mut v = TxCalls(Vec::new());
        v.visit_file(&s.parse());
        out.extend(
            v.0.into_iter()
                .map(|c| format!("{}/{}: {c}", s.krate, s.rel.display())),
        );
    }
    out
}

// Rule 2 ------------------------------------------------------------------------------------

/// What one function of a store module does: the tables it writes, and the functions it calls
/// (`(module, name)`, module `None` for its own).
#[derive(Default, Debug)]
struct FnFacts {
    writes: BTreeSet<String>,
    calls: BTreeSet<(Option<String>, String)>,
}

const WRITES: &[&str] = &[
    "insert",
    "insert_many",
    "update",
    "update_many",
    "delete",
    "delete_many",
    "delete_by_id",
];

struct FnVisitor {
    modules: BTreeSet<String>,
    facts: FnFacts,
}

impl FnVisitor {
    /// `crate::m::f`, `crate::m::sub::f` → (m, f); `f`, `self::f`, `super::x::f` → own module.
    fn callee(&self, p: &[String]) -> Option<(Option<String>, String)> {
        let name = p.last()?.clone();
        match p.first().map(String::as_str) {
            Some("crate") if p.len() >= 3 && self.modules.contains(&p[1]) => {
                Some((Some(p[1].clone()), name))
            }
            Some("crate") => None,
            Some(first) if self.modules.contains(first) && p.len() >= 2 => {
                Some((Some(first.to_owned()), name))
            }
            _ => Some((None, name)),
        }
    }
}

impl<'a> Visit<'a> for FnVisitor {
    fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
        if let syn::Expr::Path(p) = &*c.func {
            let p = path_text(&p.path);
            // `x::Entity::insert(..)`, `x::Entity::update_many()` …
            if p.len() >= 3
                && p[p.len() - 2] == "Entity"
                && WRITES.contains(&p[p.len() - 1].as_str())
            {
                self.facts.writes.insert(p[p.len() - 3].clone());
            } else if let Some(callee) = self.callee(&p) {
                self.facts.calls.insert(callee);
            }
        }
        syn::visit::visit_expr_call(self, c);
    }
    fn visit_expr_struct(&mut self, s: &'a syn::ExprStruct) {
        // `x::ActiveModel { .. }`: a row to write.
        let p = path_text(&s.path);
        if p.len() >= 2 && p[p.len() - 1] == "ActiveModel" {
            self.facts.writes.insert(p[p.len() - 2].clone());
        }
        syn::visit::visit_expr_struct(self, s);
    }
}

/// Every store function, by (module, name).
type Functions = BTreeMap<(String, String), FnFacts>;
/// A `use` of another module's function: (importing module, exporting module, function).
type Import = (String, String, String);

/// The functions of every store module with what they write and call; and the functions
/// imported from other modules by `use`.
fn store_functions(sources: &[Source]) -> (Functions, Vec<Import>) {
    let modules: BTreeSet<String> = OWNERS.iter().map(|(m, _)| (*m).to_owned()).collect();
    let mut fns = BTreeMap::new();
    let mut imports = Vec::new();
    for s in sources.iter().filter(|s| s.krate == "store") {
        let Some(module) = s.store_module() else {
            continue;
        };
        let file = s.parse();
        let mut items: Vec<&syn::Item> = file.items.iter().collect();
        while let Some(item) = items.pop() {
            match item {
                syn::Item::Fn(f) if !is_cfg_test(&f.attrs) => {
                    let mut v = FnVisitor {
                        modules: modules.clone(),
                        facts: FnFacts::default(),
                    };
                    v.visit_block(&f.block);
                    fns.insert((module.clone(), f.sig.ident.to_string()), v.facts);
                }
                syn::Item::Impl(i) => {
                    for it in &i.items {
                        if let syn::ImplItem::Fn(f) = it {
                            let mut v = FnVisitor {
                                modules: modules.clone(),
                                facts: FnFacts::default(),
                            };
                            v.visit_block(&f.block);
                            fns.insert((module.clone(), f.sig.ident.to_string()), v.facts);
                        }
                    }
                }
                syn::Item::Mod(m) if !is_cfg_test(&m.attrs) => {
                    if let Some((_, inner)) = &m.content {
                        items.extend(inner.iter());
                    }
                }
                syn::Item::Use(u) => {
                    let mut paths = Vec::new();
                    use_paths(&u.tree, &mut Vec::new(), &mut paths);
                    for p in paths {
                        if p.len() >= 3
                            && p[0] == "crate"
                            && modules.contains(&p[1])
                            && p[1] != module
                        {
                            imports.push((module.clone(), p[1].clone(), p[p.len() - 1].clone()));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    (fns, imports)
}

fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_paths(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let mut p = prefix.clone();
            p.push(n.ident.to_string());
            out.push(p);
        }
        syn::UseTree::Rename(r) => {
            let mut p = prefix.clone();
            p.push(r.ident.to_string());
            out.push(p);
        }
        syn::UseTree::Group(g) => {
            for t in &g.items {
                use_paths(t, prefix, out);
            }
        }
        syn::UseTree::Glob(_) => {}
    }
}

/// Writes to tables a module does not own, and calls to (or imports of) another module's
/// writing functions.
fn store_boundary_violations(sources: &[Source]) -> Vec<String> {
    let owners: BTreeMap<&str, &[&str]> = OWNERS.iter().copied().collect();
    let (fns, imports) = store_functions(sources);
    let mut out = Vec::new();
    // A function writes if it writes a table or calls a writing function of its own module.
    let mut writing: BTreeSet<(String, String)> = fns
        .iter()
        .filter(|(_, f)| !f.writes.is_empty())
        .map(|(k, _)| k.clone())
        .collect();
    loop {
        let more: Vec<(String, String)> = fns
            .iter()
            .filter(|(k, _)| !writing.contains(*k))
            .filter(|((m, _), f)| {
                f.calls
                    .iter()
                    .any(|(cm, name)| cm.is_none() && writing.contains(&(m.clone(), name.clone())))
            })
            .map(|(k, _)| k.clone())
            .collect();
        if more.is_empty() {
            break;
        }
        writing.extend(more);
    }
    for ((module, name), f) in &fns {
        let own = owners.get(module.as_str()).copied().unwrap_or(&[]);
        for table in &f.writes {
            if !own.contains(&table.as_str()) {
                out.push(format!("store::{module}::{name} writes {table}"));
            }
        }
        for (callee_module, callee) in &f.calls {
            if let Some(cm) = callee_module
                && cm != module
                && writing.contains(&(cm.clone(), callee.clone()))
            {
                out.push(format!(
                    "store::{module}::{name} calls store::{cm}::{callee}, which writes"
                ));
            }
        }
    }
    for (module, from, name) in imports {
        if writing.contains(&(from.clone(), name.clone())) {
            out.push(format!(
                "store::{module} imports store::{from}::{name}, which writes"
            ));
        }
    }
    out
}

// Rule 3 ------------------------------------------------------------------------------------

struct NormalCalls(usize);

impl<'a> Visit<'a> for NormalCalls {
    fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
        if let syn::Expr::Path(p) = &*c.func {
            let p = path_text(&p.path);
            if p.ends_with(&["DisasterState".to_owned(), "normal".to_owned()]) {
                self.0 += 1;
            }
        }
        syn::visit::visit_expr_call(self, c);
    }
    fn visit_item_mod(&mut self, m: &'a syn::ItemMod) {
        if !is_cfg_test(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }
}

/// `DisasterState::normal()` calls outside `app/src/disaster.rs` and tests.
fn disaster_state_outside_its_function(sources: &[Source]) -> Vec<String> {
    let mut out = Vec::new();
    for s in sources.iter().filter(|s| !s.is_test_file()) {
        let mut v = NormalCalls(0);
        v.visit_file(&s.parse());
        let allowed = usize::from(s.krate == "app" && s.rel == Path::new("disaster.rs"));
        if v.0 > allowed {
            out.push(format!(
                "{}/{}: DisasterState::normal() ×{}",
                s.krate,
                s.rel.display(),
                v.0
            ));
        }
    }
    out
}

// The rules on the workspace ----------------------------------------------------------------

#[test]
fn no_transaction_is_opened_outside_the_use_case_layer() {
    let v = transactions_outside_use_cases(&workspace());
    assert!(v.is_empty(), "{v:#?}");
}

#[test]
fn store_modules_write_only_their_own_tables() {
    let v = store_boundary_violations(&workspace());
    assert!(v.is_empty(), "{v:#?}");
}

#[test]
fn the_disaster_state_is_decided_in_one_place() {
    let v = disaster_state_outside_its_function(&workspace());
    assert!(v.is_empty(), "{v:#?}");
}

#[test]
fn web_and_cli_do_not_depend_on_the_store() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for krate in ["web", "cli"] {
        let manifest = std::fs::read_to_string(crates.join(krate).join("Cargo.toml")).unwrap();
        let deps = manifest
            .split("[dev-dependencies]")
            .next()
            .unwrap_or_default();
        assert!(
            !deps.contains("tsunagi-store"),
            "{krate} depends on tsunagi-store outside its tests"
        );
    }
}

// The rules on planted violations -----------------------------------------------------------

#[test]
fn a_planted_transaction_in_a_handler_is_found() {
    let handler = Source::new(
        "web",
        "ui/planted.rs",
        "async fn h(state: AppState) { let tx = state.store.begin(ctx).await; tx.commit().await; }",
    );
    assert_eq!(transactions_outside_use_cases(&[handler]).len(), 2);
    let tested = Source::new(
        "web",
        "ui/planted.rs",
        "#[cfg(test)] mod tests { fn t() { s.begin(c); } }",
    );
    assert!(transactions_outside_use_cases(&[tested]).is_empty());
}

#[test]
fn a_planted_cross_module_write_is_found() {
    let roster = Source::new(
        "store",
        "roster.rs",
        "pub async fn set(tx: &mut AuditedTx) {
             crate::workflows::mark_for_review(tx, id, \"x\").await;
             person_share::Entity::delete_many().exec(tx.conn()).await;
         }",
    );
    let workflows = Source::new(
        "store",
        "workflows.rs",
        "pub async fn mark_for_review(tx: &AuditedTx) { bump(tx).await; }
         async fn bump(tx: &AuditedTx) { plan_workflow::Entity::update_many().exec(tx.conn()).await; }
         pub async fn get(tx: &AuditedTx) { plan_workflow::Entity::find().one(tx.conn()).await; }",
    );
    let reader = Source::new(
        "store",
        "gis/views.rs",
        "use crate::workflows::get;
         pub async fn v(tx: &AuditedTx) {
             crate::workflows::get(tx).await;
             let r = roster_entry::ActiveModel { person_id: Set(x) };
         }",
    );
    let v = store_boundary_violations(&[roster, workflows, reader]);
    assert_eq!(
        v,
        vec![
            "store::gis::v writes roster_entry".to_owned(),
            "store::roster::set writes person_share".to_owned(),
            "store::roster::set calls store::workflows::mark_for_review, which writes".to_owned(),
        ],
        "a read of another module is allowed; writes and write calls are not"
    );
}

#[test]
fn a_planted_normal_disaster_state_is_found() {
    let handler = Source::new(
        "web",
        "ui/planted.rs",
        "fn d() -> DisasterState { tsunagi_domain::disaster::DisasterState::normal() }",
    );
    assert_eq!(disaster_state_outside_its_function(&[handler]).len(), 1);
    let the_one = Source::new(
        "app",
        "disaster.rs",
        "fn current() -> DisasterState { DisasterState::normal() }",
    );
    assert!(disaster_state_outside_its_function(&[the_one]).is_empty());
}
