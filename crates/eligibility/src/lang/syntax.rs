//! The rule language's surface: tokens and the untyped tree, with byte offsets for errors.
//!
//! ```text
//! expr    := or
//! or      := and ("or" and)*
//! and     := not ("and" not)*
//! not     := "not" not | cmp
//! cmp     := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum | "in" "[" literal ("," literal)* "]")?
//! sum     := product (("+" | "-") product)*
//! product := unary (("*" | "/") unary)*
//! unary   := "-" unary | atom
//! atom    := INT | INT "円" | "true" | "false" | NAME | NAME "(" expr ("," expr)* ")"
//!          | "(" expr ")" | "if" expr "then" expr "else" expr
//! ```
//! Numbers may be grouped with `_` or `,` (`1,000,000円`); a number ending in 円 is an amount.

use super::LangError;

#[derive(Clone, Debug, PartialEq)]
pub enum Token {
    Int(i64),
    Yen(i64),
    Name(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Op(&'static str),
}

/// Splits a rule into tokens with their byte offsets.
pub fn lex(src: &str) -> Result<Vec<(usize, Token)>, LangError> {
    let mut out = Vec::new();
    let mut it = src.char_indices().peekable();
    while let Some(&(at, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
            continue;
        }
        if c.is_ascii_digit() {
            let mut n: i64 = 0;
            while let Some(&(i, d)) = it.peek() {
                if let Some(v) = d.to_digit(10) {
                    n = n
                        .checked_mul(10)
                        .and_then(|n| n.checked_add(i64::from(v)))
                        .ok_or_else(|| LangError::new(i, "数が大きすぎます"))?;
                } else if d == '_' || d == ',' {
                    // A separator groups digits only when three digits follow (`f(1, 2)` is two
                    // arguments, `1,000` is a thousand).
                    if !group_follows(src, i) {
                        break;
                    }
                } else {
                    break;
                }
                it.next();
            }
            if matches!(it.peek(), Some((_, '円'))) {
                it.next();
                out.push((at, Token::Yen(n)));
            } else {
                out.push((at, Token::Int(n)));
            }
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let mut name = String::new();
            while let Some(&(_, d)) = it.peek() {
                if d.is_alphanumeric() || d == '_' {
                    name.push(d);
                    it.next();
                } else {
                    break;
                }
            }
            out.push((at, Token::Name(name)));
            continue;
        }
        it.next();
        let two = |it: &mut std::iter::Peekable<std::str::CharIndices>, next: char| {
            if matches!(it.peek(), Some((_, n)) if *n == next) {
                it.next();
                true
            } else {
                false
            }
        };
        let tok = match c {
            '(' => Token::LParen,
            ')' => Token::RParen,
            '[' => Token::LBracket,
            ']' => Token::RBracket,
            ',' => Token::Comma,
            '+' => Token::Op("+"),
            '-' => Token::Op("-"),
            '*' => Token::Op("*"),
            '/' => Token::Op("/"),
            '=' if two(&mut it, '=') => Token::Op("=="),
            '!' if two(&mut it, '=') => Token::Op("!="),
            '<' if two(&mut it, '=') => Token::Op("<="),
            '<' => Token::Op("<"),
            '>' if two(&mut it, '=') => Token::Op(">="),
            '>' => Token::Op(">"),
            _ => return Err(LangError::new(at, format!("使えない文字「{c}」があります"))),
        };
        out.push((at, tok));
    }
    Ok(out)
}

/// `1,000,000` / `1_000_000`: a separator groups digits when exactly three digits follow it.
fn group_follows(src: &str, sep: usize) -> bool {
    let rest = &src.as_bytes()[sep + 1..];
    rest.len() >= 3
        && rest[..3].iter().all(u8::is_ascii_digit)
        && !rest.get(3).is_some_and(u8::is_ascii_digit)
}

/// The untyped tree; `at` is the byte offset of the node's first token.
#[derive(Clone, Debug, PartialEq)]
pub enum Syn {
    Int(i64),
    Yen(i64),
    Bool(bool),
    Name(String),
    Call(String, Vec<Node>),
    Not(Box<Node>),
    Neg(Box<Node>),
    Binary(&'static str, Box<Node>, Box<Node>),
    In(Box<Node>, Vec<Node>),
    If(Box<Node>, Box<Node>, Box<Node>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub at: usize,
    pub syn: Syn,
}

/// Parses a whole rule.
pub fn parse(src: &str) -> Result<Node, LangError> {
    let tokens = lex(src)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        end: src.len(),
    };
    let e = p.expr()?;
    match p.tokens.get(p.pos) {
        None => Ok(e),
        Some((at, _)) => Err(LangError::new(*at, "式の終わりの後に余分な記述があります")),
    }
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    pos: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }
    fn at(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |(a, _)| *a)
    }
    fn keyword(&self, k: &str) -> bool {
        matches!(self.peek(), Some(Token::Name(n)) if n == k)
    }
    fn op(&self, o: &str) -> bool {
        matches!(self.peek(), Some(Token::Op(p)) if *p == o)
    }
    fn expect(&mut self, t: &Token, what: &str) -> Result<(), LangError> {
        if self.peek() == Some(t) {
            self.pos += 1;
            Ok(())
        } else {
            Err(LangError::new(self.at(), format!("「{what}」が必要です")))
        }
    }
    fn expect_keyword(&mut self, k: &str) -> Result<(), LangError> {
        if self.keyword(k) {
            self.pos += 1;
            Ok(())
        } else {
            Err(LangError::new(self.at(), format!("「{k}」が必要です")))
        }
    }

    fn expr(&mut self) -> Result<Node, LangError> {
        self.or()
    }
    fn or(&mut self) -> Result<Node, LangError> {
        let mut l = self.and()?;
        while self.keyword("or") {
            self.pos += 1;
            let r = self.and()?;
            l = bin("or", l, r);
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<Node, LangError> {
        let mut l = self.not()?;
        while self.keyword("and") {
            self.pos += 1;
            let r = self.not()?;
            l = bin("and", l, r);
        }
        Ok(l)
    }
    fn not(&mut self) -> Result<Node, LangError> {
        if self.keyword("not") {
            let at = self.at();
            self.pos += 1;
            let e = self.not()?;
            return Ok(Node {
                at,
                syn: Syn::Not(Box::new(e)),
            });
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Result<Node, LangError> {
        let l = self.sum()?;
        for o in ["==", "!=", "<=", ">=", "<", ">"] {
            if self.op(o) {
                self.pos += 1;
                let r = self.sum()?;
                return Ok(bin(o, l, r));
            }
        }
        if self.keyword("in") {
            self.pos += 1;
            self.expect(&Token::LBracket, "[")?;
            let mut items = vec![self.atom()?];
            while self.peek() == Some(&Token::Comma) {
                self.pos += 1;
                items.push(self.atom()?);
            }
            self.expect(&Token::RBracket, "]")?;
            let at = l.at;
            return Ok(Node {
                at,
                syn: Syn::In(Box::new(l), items),
            });
        }
        Ok(l)
    }
    fn sum(&mut self) -> Result<Node, LangError> {
        let mut l = self.product()?;
        loop {
            let o = if self.op("+") {
                "+"
            } else if self.op("-") {
                "-"
            } else {
                return Ok(l);
            };
            self.pos += 1;
            let r = self.product()?;
            l = bin(o, l, r);
        }
    }
    fn product(&mut self) -> Result<Node, LangError> {
        let mut l = self.unary()?;
        loop {
            let o = if self.op("*") {
                "*"
            } else if self.op("/") {
                "/"
            } else {
                return Ok(l);
            };
            self.pos += 1;
            let r = self.unary()?;
            l = bin(o, l, r);
        }
    }
    fn unary(&mut self) -> Result<Node, LangError> {
        if self.op("-") {
            let at = self.at();
            self.pos += 1;
            let e = self.unary()?;
            return Ok(Node {
                at,
                syn: Syn::Neg(Box::new(e)),
            });
        }
        self.atom()
    }
    fn atom(&mut self) -> Result<Node, LangError> {
        let at = self.at();
        let Some(tok) = self.peek().cloned() else {
            return Err(LangError::new(at, "式が途中で終わっています"));
        };
        self.pos += 1;
        let syn = match tok {
            Token::Int(n) => Syn::Int(n),
            Token::Yen(n) => Syn::Yen(n),
            Token::LParen => {
                let e = self.expr()?;
                self.expect(&Token::RParen, ")")?;
                return Ok(e);
            }
            Token::Name(n) if n == "true" => Syn::Bool(true),
            Token::Name(n) if n == "false" => Syn::Bool(false),
            Token::Name(n) if n == "if" => {
                let c = self.expr()?;
                self.expect_keyword("then")?;
                let a = self.expr()?;
                self.expect_keyword("else")?;
                let b = self.expr()?;
                Syn::If(Box::new(c), Box::new(a), Box::new(b))
            }
            Token::Name(n) if RESERVED.contains(&n.as_str()) => {
                return Err(LangError::new(at, format!("「{n}」の前に値が必要です")));
            }
            Token::Name(n) => {
                if self.peek() == Some(&Token::LParen) {
                    self.pos += 1;
                    let mut args = vec![self.expr()?];
                    while self.peek() == Some(&Token::Comma) {
                        self.pos += 1;
                        args.push(self.expr()?);
                    }
                    self.expect(&Token::RParen, ")")?;
                    Syn::Call(n, args)
                } else {
                    Syn::Name(n)
                }
            }
            _ => return Err(LangError::new(at, "ここには値が必要です")),
        };
        Ok(Node { at, syn })
    }
}

const RESERVED: &[&str] = &["and", "or", "not", "in", "then", "else"];

fn bin(op: &'static str, l: Node, r: Node) -> Node {
    Node {
        at: l.at,
        syn: Syn::Binary(op, Box::new(l), Box::new(r)),
    }
}

impl Node {
    /// The programme ids this rule names in `eligible(…)` / `amount(…)`.
    pub fn programme_refs(&self, out: &mut Vec<String>) {
        match &self.syn {
            Syn::Call(f, args) if f == "eligible" || f == "amount" => {
                if let Some(Node {
                    syn: Syn::Name(id), ..
                }) = args.first()
                {
                    out.push(id.clone());
                }
            }
            Syn::Call(_, args) => args.iter().for_each(|a| a.programme_refs(out)),
            Syn::Not(e) | Syn::Neg(e) => e.programme_refs(out),
            Syn::Binary(_, a, b) => {
                a.programme_refs(out);
                b.programme_refs(out);
            }
            Syn::In(e, _) => e.programme_refs(out),
            Syn::If(c, a, b) => {
                c.programme_refs(out);
                a.programme_refs(out);
                b.programme_refs(out);
            }
            Syn::Int(_) | Syn::Yen(_) | Syn::Bool(_) | Syn::Name(_) => {}
        }
    }
}
