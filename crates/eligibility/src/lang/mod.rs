//! The rule language: a small, typed, side-effect-free expression language over a household's
//! facts, evaluated with three values (true, false, unknown) so that a programme can say
//! "possibly eligible — these facts are still needed" instead of guessing.
//!
//! Types are checked when a catalogue is loaded ([`check`]), so evaluation ([`Expr::eval`])
//! cannot fail: it returns a value or the set of facts whose absence prevented one. Values are
//! `i64` whatever the type (booleans 0/1, a list word its index, amounts in yen), because the
//! checker has already made sure they are combined correctly. See ARCHITECTURE.md for why this
//! is not CEL.

mod check;
mod eval;
pub mod syntax;

pub use check::{Names, check};

use crate::facts::EnumKind;

/// A rule's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    /// A count or a year.
    Int,
    /// An amount in yen (`100_000円`).
    Yen,
    Enum(EnumKind),
}

impl Type {
    pub fn label(self) -> &'static str {
        match self {
            Type::Bool => "真偽（はい・いいえ）",
            Type::Int => "数",
            Type::Yen => "金額（円）",
            Type::Enum(k) => k.label(),
        }
    }
}

/// The facts whose absence prevents a value, one bit per fact.
pub type Missing = u64;

/// A rule error at a byte offset of the rule's text, in Japanese.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LangError {
    pub at: usize,
    pub message: String,
}

impl LangError {
    pub fn new(at: usize, message: impl Into<String>) -> Self {
        LangError {
            at,
            message: message.into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Min,
    Max,
}

/// A checked rule.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Const(i64),
    Fact(u8),
    /// An earlier step of the same amount calculation.
    Step(u16),
    /// Another programme's eligibility (true / false / unknown).
    Eligible(u16),
    /// Another programme's amount (0 when not eligible).
    Amount(u16),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(Cmp, Box<Expr>, Box<Expr>),
    Arith(Arith, Box<Expr>, Box<Expr>),
    /// Division by a constant that is not zero, rounded down (the single-person `* 3 / 4`).
    Div(Box<Expr>, i64),
    In(Box<Expr>, Box<[i64]>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
}

/// What a programme reference reads: the outcome of a programme evaluated earlier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settled {
    pub eligible: Result<bool, Missing>,
    pub amount: Result<i64, Missing>,
}

/// What a rule is evaluated against.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub facts: &'a crate::facts::FactValues,
    pub steps: &'a [Result<i64, Missing>],
    pub programmes: &'a [Settled],
}

#[cfg(test)]
mod tests;
