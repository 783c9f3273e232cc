//! Name resolution and type checking: from the untyped tree to an [`Expr`] of known type.

use super::syntax::{Node, Syn, parse};
use super::{Arith, Cmp, Expr, LangError, Type};
use crate::facts::{EnumKind, FACTS};

/// What names a rule may use besides the facts.
pub struct Names<'a> {
    /// Earlier steps of the same calculation: name and type.
    pub steps: &'a [(String, Type)],
    /// Programmes that may be referred to (evaluated before this one): id → index.
    pub programme: &'a dyn Fn(&str) -> Option<u16>,
}

/// Parses and checks a rule that must have type `want`.
pub fn check(src: &str, names: &Names, want: Type) -> Result<Expr, LangError> {
    let node = parse(src)?;
    let (e, ty) = typed(&node, names)?;
    if ty != want {
        return Err(LangError::new(
            node.at,
            format!(
                "この式は「{}」になりますが、ここには「{}」が必要です",
                ty.label(),
                want.label()
            ),
        ));
    }
    Ok(e)
}

fn typed(n: &Node, names: &Names) -> Result<(Expr, Type), LangError> {
    let err = |m: String| LangError::new(n.at, m);
    Ok(match &n.syn {
        Syn::Int(v) => (Expr::Const(*v), Type::Int),
        Syn::Yen(v) => (Expr::Const(*v), Type::Yen),
        Syn::Bool(b) => (Expr::Const(i64::from(*b)), Type::Bool),
        Syn::Name(name) => {
            if let Some(i) = FACTS.iter().position(|f| f.name == name) {
                (Expr::Fact(i as u8), FACTS[i].ty)
            } else if let Some(i) = names.steps.iter().position(|(s, _)| s == name) {
                (Expr::Step(i as u16), names.steps[i].1)
            } else if let Some((k, v)) = EnumKind::lookup(name) {
                (Expr::Const(v), Type::Enum(k))
            } else {
                return Err(err(format!(
                    "「{name}」は事実・計算の段階・選択肢のどれでもありません"
                )));
            }
        }
        Syn::Call(f, args) => call(n, f, args, names)?,
        Syn::Not(e) => {
            let e = want(e, names, Type::Bool)?;
            (Expr::Not(Box::new(e)), Type::Bool)
        }
        Syn::Neg(e) => {
            let (x, ty) = typed(e, names)?;
            if !matches!(ty, Type::Int | Type::Yen) {
                return Err(err(format!("「{}」に負の符号は付けられません", ty.label())));
            }
            (Expr::Neg(Box::new(x)), ty)
        }
        Syn::Binary(op @ ("and" | "or"), l, r) => {
            let l = Box::new(want(l, names, Type::Bool)?);
            let r = Box::new(want(r, names, Type::Bool)?);
            let e = if *op == "and" {
                Expr::And(l, r)
            } else {
                Expr::Or(l, r)
            };
            (e, Type::Bool)
        }
        Syn::Binary(op @ ("==" | "!=" | "<" | "<=" | ">" | ">="), l, r) => {
            let (a, ta) = typed(l, names)?;
            let (b, tb) = typed(r, names)?;
            if ta != tb {
                return Err(err(format!(
                    "「{}」と「{}」は比べられません",
                    ta.label(),
                    tb.label()
                )));
            }
            let ordered =
                matches!(ta, Type::Int | Type::Yen) || matches!(ta, Type::Enum(k) if k.ordered());
            let cmp = match *op {
                "==" => Cmp::Eq,
                "!=" => Cmp::Ne,
                "<" => Cmp::Lt,
                "<=" => Cmp::Le,
                ">" => Cmp::Gt,
                _ => Cmp::Ge,
            };
            if !ordered && !matches!(cmp, Cmp::Eq | Cmp::Ne) {
                return Err(err(format!(
                    "「{}」には大小がありません（== か != を使います）",
                    ta.label()
                )));
            }
            (Expr::Cmp(cmp, Box::new(a), Box::new(b)), Type::Bool)
        }
        Syn::Binary("/", l, r) => {
            let (a, ta) = typed(l, names)?;
            if !matches!(ta, Type::Int | Type::Yen) {
                return Err(err(format!("「{}」は割れません", ta.label())));
            }
            match r.syn {
                Syn::Int(d) if d != 0 => (Expr::Div(Box::new(a), d), ta),
                _ => {
                    return Err(LangError::new(
                        r.at,
                        "割る数は 0 以外の数（円の付かない定数）にしてください",
                    ));
                }
            }
        }
        Syn::Binary(op, l, r) => {
            let (a, ta) = typed(l, names)?;
            let (b, tb) = typed(r, names)?;
            let op = match *op {
                "+" => Arith::Add,
                "-" => Arith::Sub,
                _ => Arith::Mul,
            };
            (
                Expr::Arith(op, Box::new(a), Box::new(b)),
                arith(n, op, ta, tb)?,
            )
        }
        Syn::In(x, items) => {
            let (e, ty) = typed(x, names)?;
            let mut values = Vec::with_capacity(items.len());
            for item in items {
                match typed(item, names)? {
                    (Expr::Const(v), t) if t == ty => values.push(v),
                    (Expr::Const(_), t) => {
                        return Err(LangError::new(
                            item.at,
                            format!(
                                "「{}」の一覧に「{}」は入れられません",
                                ty.label(),
                                t.label()
                            ),
                        ));
                    }
                    _ => return Err(LangError::new(item.at, "一覧には定数だけを書けます")),
                }
            }
            (Expr::In(Box::new(e), values.into()), Type::Bool)
        }
        Syn::If(c, a, b) => {
            let c = want(c, names, Type::Bool)?;
            let (a, ta) = typed(a, names)?;
            let (b, tb) = typed(b, names)?;
            if ta != tb {
                return Err(err(format!(
                    "then の「{}」と else の「{}」は型が違います",
                    ta.label(),
                    tb.label()
                )));
            }
            (Expr::If(Box::new(c), Box::new(a), Box::new(b)), ta)
        }
    })
}

fn want(n: &Node, names: &Names, ty: Type) -> Result<Expr, LangError> {
    let (e, t) = typed(n, names)?;
    if t != ty {
        return Err(LangError::new(
            n.at,
            format!(
                "ここには「{}」が必要ですが「{}」です",
                ty.label(),
                t.label()
            ),
        ));
    }
    Ok(e)
}

/// `+ - *` and `min`/`max`: counts with counts, amounts with amounts, an amount times a count.
fn arith(n: &Node, op: Arith, a: Type, b: Type) -> Result<Type, LangError> {
    use Type::{Int, Yen};
    match (op, a, b) {
        (_, Int, Int) => Ok(Int),
        (Arith::Add | Arith::Sub | Arith::Min | Arith::Max, Yen, Yen) => Ok(Yen),
        (Arith::Mul, Yen, Int) | (Arith::Mul, Int, Yen) => Ok(Yen),
        _ => Err(LangError::new(
            n.at,
            format!("「{}」と「{}」はこの計算に使えません", a.label(), b.label()),
        )),
    }
}

fn call(n: &Node, f: &str, args: &[Node], names: &Names) -> Result<(Expr, Type), LangError> {
    let arity = |k: usize| {
        if args.len() == k {
            Ok(())
        } else {
            Err(LangError::new(n.at, format!("{f}() の引数は {k} つです")))
        }
    };
    match f {
        "min" | "max" => {
            arity(2)?;
            let (a, ta) = typed(&args[0], names)?;
            let (b, tb) = typed(&args[1], names)?;
            let op = if f == "min" { Arith::Min } else { Arith::Max };
            let ty = arith(n, op, ta, tb)?;
            Ok((Expr::Arith(op, Box::new(a), Box::new(b)), ty))
        }
        "eligible" | "amount" => {
            arity(1)?;
            let Syn::Name(id) = &args[0].syn else {
                return Err(LangError::new(
                    args[0].at,
                    format!("{f}() には制度のIDを書きます"),
                ));
            };
            let Some(i) = (names.programme)(id) else {
                return Err(LangError::new(
                    args[0].at,
                    format!("制度「{id}」はありません（または、この制度より後に評価されます）"),
                ));
            };
            Ok(if f == "eligible" {
                (Expr::Eligible(i), Type::Bool)
            } else {
                (Expr::Amount(i), Type::Yen)
            })
        }
        _ => Err(LangError::new(
            n.at,
            format!("関数「{f}」はありません（min, max, eligible, amount が使えます）"),
        )),
    }
}
