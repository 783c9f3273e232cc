//! Evaluation with three values: a known value, or the set of facts whose absence prevents one.
//! `and` is false as soon as one side is false and `or` true as soon as one side is true, known
//! or not the other (Kleene's logic), so an unknown fact only matters where it could change the
//! answer.

use super::{Arith, Cmp, Expr, Missing, Scope};

impl Expr {
    pub fn eval(&self, s: &Scope) -> Result<i64, Missing> {
        match self {
            Expr::Const(v) => Ok(*v),
            Expr::Fact(i) => s.facts.get(usize::from(*i)),
            Expr::Step(i) => s.steps[usize::from(*i)],
            Expr::Eligible(i) => s.programmes[usize::from(*i)].eligible.map(i64::from),
            Expr::Amount(i) => s.programmes[usize::from(*i)].amount,
            Expr::Not(e) => e.eval(s).map(|v| i64::from(v == 0)),
            Expr::Neg(e) => e.eval(s).map(i64::saturating_neg),
            Expr::And(a, b) => match a.eval(s) {
                Ok(0) => Ok(0),
                Ok(_) => b.eval(s).map(|v| i64::from(v != 0)),
                Err(m) => match b.eval(s) {
                    Ok(0) => Ok(0),
                    Ok(_) => Err(m),
                    Err(n) => Err(m | n),
                },
            },
            Expr::Or(a, b) => match a.eval(s) {
                Ok(0) => b.eval(s).map(|v| i64::from(v != 0)),
                Ok(_) => Ok(1),
                Err(m) => match b.eval(s) {
                    Ok(0) => Err(m),
                    Ok(_) => Ok(1),
                    Err(n) => Err(m | n),
                },
            },
            Expr::Cmp(op, a, b) => {
                let (a, b) = both(a.eval(s), b.eval(s))?;
                Ok(i64::from(match op {
                    Cmp::Eq => a == b,
                    Cmp::Ne => a != b,
                    Cmp::Lt => a < b,
                    Cmp::Le => a <= b,
                    Cmp::Gt => a > b,
                    Cmp::Ge => a >= b,
                }))
            }
            Expr::Arith(op, a, b) => {
                let (a, b) = both(a.eval(s), b.eval(s))?;
                Ok(match op {
                    Arith::Add => a.saturating_add(b),
                    Arith::Sub => a.saturating_sub(b),
                    Arith::Mul => a.saturating_mul(b),
                    Arith::Min => a.min(b),
                    Arith::Max => a.max(b),
                })
            }
            Expr::Div(a, d) => a.eval(s).map(|a| a.div_euclid(*d)),
            Expr::In(e, set) => e.eval(s).map(|v| i64::from(set.contains(&v))),
            Expr::If(c, a, b) => match c.eval(s) {
                Ok(0) => b.eval(s),
                Ok(_) => a.eval(s),
                // Unknown condition: still a value when both branches agree.
                Err(m) => match (a.eval(s), b.eval(s)) {
                    (Ok(x), Ok(y)) if x == y => Ok(x),
                    (Ok(_), Ok(_)) => Err(m),
                    (Err(n), Ok(_)) | (Ok(_), Err(n)) => Err(m | n),
                    (Err(n), Err(o)) => Err(m | n | o),
                },
            },
        }
    }
}

fn both(a: Result<i64, Missing>, b: Result<i64, Missing>) -> Result<(i64, i64), Missing> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(m), Ok(_)) | (Ok(_), Err(m)) => Err(m),
        (Err(m), Err(n)) => Err(m | n),
    }
}
