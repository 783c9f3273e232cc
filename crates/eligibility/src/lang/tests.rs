use super::*;
use crate::facts::{Fact, FactValues};
use proptest::prelude::*;

fn no_programmes(_: &str) -> Option<u16> {
    None
}

fn compile(src: &str, ty: Type) -> Result<Expr, LangError> {
    check(
        src,
        &Names {
            steps: &[],
            programme: &no_programmes,
        },
        ty,
    )
}

fn run(src: &str, ty: Type, facts: &FactValues) -> Result<i64, Missing> {
    let e = compile(src, ty).unwrap_or_else(|e| panic!("{src}: {e}"));
    e.eval(&Scope {
        facts,
        steps: &[],
        programmes: &[],
    })
}

fn bit(f: Fact) -> Missing {
    1 << (f as u32)
}

#[test]
fn numbers_amounts_and_groups() {
    let f = FactValues::default();
    assert_eq!(run("1,000,000円 + 500_000円", Type::Yen, &f), Ok(1_500_000));
    assert_eq!(run("max(1, 2) * 3", Type::Int, &f), Ok(6));
    assert_eq!(run("2_000_000円 * 3 / 4", Type::Yen, &f), Ok(1_500_000));
    assert_eq!(run("-(5 - 7)", Type::Int, &f), Ok(2));
    assert_eq!(run("min(1,2)", Type::Int, &f), Ok(1));
}

#[test]
fn words_and_order_of_damage() {
    let mut f = FactValues::default();
    f.set(Fact::Damage, 4); // 大規模半壊
    assert_eq!(run("damage >= 中規模半壊", Type::Bool, &f), Ok(1));
    assert_eq!(run("damage == 全壊", Type::Bool, &f), Ok(0));
    assert_eq!(run("damage in [全壊, 大規模半壊]", Type::Bool, &f), Ok(1));
}

#[test]
fn type_errors_name_the_problem_and_where() {
    let cases = [
        ("household_size + 1円", "この計算に使えません"),
        ("income * income", "この計算に使えません"),
        ("damage == 建設購入", "比べられません"),
        ("rebuild < 補修", "大小がありません"),
        ("income / 0", "0 以外"),
        ("income / household_size", "0 以外"),
        ("nothing_like_this", "どれでもありません"),
        ("if support_act_applied then 1円 else 2", "型が違います"),
        ("damage in [1, 2]", "入れられません"),
        ("foo(1)", "関数「foo」はありません"),
        ("eligible(livelihood_basic)", "ありません"),
        ("not income", "真偽"),
        ("(1 + 2", "「)」が必要です"),
        ("1 2", "余分な記述"),
        ("1 @ 2", "使えない文字"),
        ("and", "値が必要です"),
        ("", "途中で終わっています"),
    ];
    for (src, want) in cases {
        let e = compile(src, Type::Bool).expect_err(src);
        assert!(e.message.contains(want), "{src}: {e}");
    }
    let e = compile("support_act_applied and\n  income + 1", Type::Bool).expect_err("bad");
    assert_eq!(e.at, "support_act_applied and\n  ".len());
    let e = compile("income", Type::Bool).expect_err("wrong type");
    assert!(e.message.contains("金額（円）"), "{e}");
}

#[test]
fn unknown_facts_are_reported_where_they_matter() {
    let mut f = FactValues::default();
    // Nothing known: both facts are needed.
    assert_eq!(
        run("support_act_applied and uninhabitable", Type::Bool, &f),
        Err(bit(Fact::SupportActApplied) | bit(Fact::Uninhabitable))
    );
    // One side false decides `and` whatever the other.
    f.set(Fact::Uninhabitable, 0);
    assert_eq!(
        run("support_act_applied and uninhabitable", Type::Bool, &f),
        Ok(0)
    );
    // One side true decides `or`.
    f.set(Fact::Damage, 5);
    assert_eq!(
        run("damage == 全壊 or long_term_evacuation", Type::Bool, &f),
        Ok(1)
    );
    // An unknown condition still gives a value when both branches agree.
    assert_eq!(
        run(
            "if demolished then 1_000_000円 else 1_000_000円",
            Type::Yen,
            &f
        ),
        Ok(1_000_000)
    );
    assert_eq!(
        run("if demolished then 1円 else 2円", Type::Yen, &f),
        Err(bit(Fact::Demolished))
    );
}

/// A three-valued boolean: Some(b) or unknown.
fn tv() -> impl Strategy<Value = Option<bool>> {
    prop_oneof![Just(None), Just(Some(false)), Just(Some(true))]
}

proptest! {
    /// `and`, `or` and `not` follow Kleene's tables, and an unknown result always names a fact
    /// that is unknown.
    #[test]
    fn kleene_logic(a in tv(), b in tv(), c in tv()) {
        let mut f = FactValues::default();
        f.set_bool(Fact::SupportActApplied, a);
        f.set_bool(Fact::ReliefActApplied, b);
        f.set_bool(Fact::Uninhabitable, c);
        let and = |x: Option<bool>, y: Option<bool>| match (x, y) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        };
        let or = |x: Option<bool>, y: Option<bool>| match (x, y) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        };
        let want = or(and(a, b), c.map(|c| !c));
        let got = run("support_act_applied and relief_act_applied or not uninhabitable", Type::Bool, &f);
        match (want, got) {
            (Some(w), Ok(g)) => prop_assert_eq!(i64::from(w), g),
            (None, Err(m)) => {
                prop_assert!(m != 0);
                let unknown = [(a, Fact::SupportActApplied), (b, Fact::ReliefActApplied), (c, Fact::Uninhabitable)];
                for (v, fact) in unknown {
                    if m & bit(fact) != 0 { prop_assert!(v.is_none()); }
                }
            }
            (w, g) => prop_assert!(false, "want {:?} got {:?}", w, g),
        }
    }

    /// Integer arithmetic agrees with Rust's on small values, and never panics on large ones.
    #[test]
    fn arithmetic(x in -1_000_000i64..1_000_000, y in -1_000_000i64..1_000_000, d in 1i64..100) {
        let mut f = FactValues::default();
        f.set(Fact::HouseholdSize, x);
        f.set(Fact::Members65Plus, y);
        prop_assert_eq!(run("household_size + members_65_plus", Type::Int, &f), Ok(x + y));
        prop_assert_eq!(run("household_size * members_65_plus", Type::Int, &f), Ok(x * y));
        prop_assert_eq!(run(&format!("household_size / {d}"), Type::Int, &f), Ok(x.div_euclid(d)));
        prop_assert_eq!(run("max(household_size, members_65_plus)", Type::Int, &f), Ok(x.max(y)));
        f.set(Fact::Income, i64::MAX - x.abs());
        prop_assert!(run("income * 1000 + income", Type::Yen, &f).is_ok());
    }

    /// Whatever the text, parsing and checking return a value or an error: never a panic.
    #[test]
    fn any_text_is_refused_or_accepted(src in "[a-z_ 全壊半<>=!()0-9,+*/円\\-\\[\\]]{0,40}") {
        let _ = compile(&src, Type::Bool);
    }
}
