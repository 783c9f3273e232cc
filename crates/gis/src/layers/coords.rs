//! A fast path for the coordinates of a Polygon or MultiPolygon: nested arrays of plain
//! numbers, scanned by hand. Numbers are turned into floats exactly as serde_json does
//! (without its `float_roundtrip` feature) — the digits as an integer, divided once by an
//! exact power of ten — or, for any other form, by serde_json itself, so the values are the
//! same bit for bit. Anything unusual (fewer than two numbers in a position, a value other
//! than a number, bad syntax) gives `None`, and the caller takes serde's path, which gives
//! the same zones and the same error texts as before.

use geo::Coord;

/// Powers of ten that are exact in an f64, as serde_json writes them.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Polygons → rings → positions (longitude, latitude); a Polygon is one polygon.
pub(super) type Rings = Vec<Vec<Vec<Coord<f64>>>>;

/// The polygons of `raw` (the coordinates of a Polygon, or of a MultiPolygon when `multi`).
pub(super) fn polygons(raw: &str, multi: bool) -> Option<Rings> {
    let (out, end) = polygons_prefix(raw, multi)?;
    raw.as_bytes()[end..]
        .iter()
        .all(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
        .then_some(out)
}

/// [`polygons`] of the value at the start of `raw`, which may go on after it: the polygons and
/// the length of the value.
pub(super) fn polygons_prefix(raw: &str, multi: bool) -> Option<(Rings, usize)> {
    let mut s = Scanner {
        b: raw.as_bytes(),
        i: 0,
        ring: Vec::new(),
    };
    let out = if multi {
        s.array(|s| s.rings())?
    } else {
        vec![s.rings()?]
    };
    Some((out, s.i))
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    /// The ring being read (its allocation reused; each ring is copied out at its size).
    ring: Vec<Coord<f64>>,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// `[item, item, …]` (possibly empty).
    fn array<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        if !self.eat(b'[') {
            return None;
        }
        let mut out = Vec::new();
        if self.eat(b']') {
            return Some(out);
        }
        loop {
            out.push(item(self)?);
            if self.eat(b']') {
                return Some(out);
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    fn rings(&mut self) -> Option<Vec<Vec<Coord<f64>>>> {
        self.array(|s| {
            let mut ring = std::mem::take(&mut s.ring);
            ring.clear();
            let read = s.array(|s| {
                ring.push(s.position()?);
                Some(())
            });
            let out = ring.clone();
            s.ring = ring;
            read.map(|_| out)
        })
    }

    /// `[x, y]` or `[x, y, z, …]` (further numbers ignored, as serde's path does).
    fn position(&mut self) -> Option<Coord<f64>> {
        if !self.eat(b'[') {
            return None;
        }
        let x = self.number()?;
        if !self.eat(b',') {
            return None;
        }
        let y = self.number()?;
        while !self.eat(b']') {
            if !self.eat(b',') {
                return None;
            }
            self.number()?;
        }
        Some(Coord { x, y })
    }

    /// A JSON number, as serde_json reads it into an f64.
    fn number(&mut self) -> Option<f64> {
        self.ws();
        let b = self.b;
        let start = self.i;
        let mut i = start;
        let negative = b.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let digits_start = i;
        let mut m: u64 = 0;
        while let Some(c @ b'0'..=b'9') = b.get(i) {
            m = m.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            i += 1;
        }
        let int_digits = i - digits_start;
        if int_digits == 0 || (int_digits > 1 && b[digits_start] == b'0') {
            return None;
        }
        let mut frac_digits = 0;
        if b.get(i) == Some(&b'.') {
            i += 1;
            while let Some(c @ b'0'..=b'9') = b.get(i) {
                m = m.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                i += 1;
                frac_digits += 1;
            }
            if frac_digits == 0 {
                return None;
            }
        }
        let exponent = matches!(b.get(i), Some(b'e' | b'E'));
        if exponent {
            i += 1;
            if let Some(b'+' | b'-') = b.get(i) {
                i += 1;
            }
            let e0 = i;
            while let Some(b'0'..=b'9') = b.get(i) {
                i += 1;
            }
            if i == e0 {
                return None;
            }
        }
        self.i = i;
        // At most 18 digits cannot overflow the u64, and a power of ten up to 1e22 is exact:
        // serde's own arithmetic, step for step. Any other number goes to serde itself.
        if exponent || int_digits + frac_digits > 18 || frac_digits >= POW10.len() {
            let text = std::str::from_utf8(&b[start..i]).ok()?;
            return serde_json::from_str::<f64>(text).ok();
        }
        let f = if frac_digits == 0 {
            // An integer (serde reads "-0" as -0.0 too).
            if negative { -(m as f64) } else { m as f64 }
        } else {
            let f = m as f64 / POW10[frac_digits];
            if negative { -f } else { f }
        };
        Some(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn serde_value(text: &str) -> Option<f64> {
        serde_json::from_str::<f64>(text).ok()
    }

    #[test]
    fn shapes_and_refusals() {
        let p = polygons(" [ [ [133.5, 33.25 ,7], [1,2] ] , [] ] ", false).expect("ok");
        assert_eq!(p.len(), 1);
        assert_eq!(
            p[0][0],
            vec![Coord { x: 133.5, y: 33.25 }, Coord { x: 1.0, y: 2.0 }]
        );
        assert!(p[0][1].is_empty());
        assert_eq!(polygons("[[[[1,2]]],[]]", true).expect("ok").len(), 2);
        for bad in [
            "[[[1]]]",
            "[[[1,2,\"z\"]]]",
            "[[[01,2]]]",
            "[[[1.,2]]]",
            "[[[1,2]]",
            "[[[1,2]]]x",
            "[[[1,2],]]",
            "[[[1,null]]]",
        ] {
            assert!(polygons(bad, false).is_none(), "{bad}");
        }
    }

    proptest! {
        /// Every number is the f64 serde_json gives for the same text.
        #[test]
        fn numbers_as_serde_reads_them(
            neg in any::<bool>(),
            int in "(0|[1-9][0-9]{0,20})",
            frac in proptest::option::of("[0-9]{1,25}"),
            exp in proptest::option::of((any::<bool>(), 0u32..330)),
        ) {
            let mut text = format!("{}{int}", if neg { "-" } else { "" });
            if let Some(f) = frac {
                text.push('.');
                text.push_str(&f);
            }
            if let Some((minus, e)) = exp {
                text.push_str(&format!("e{}{e}", if minus { "-" } else { "+" }));
            }
            let mut s = Scanner { b: text.as_bytes(), i: 0, ring: Vec::new() };
            let got = s.number();
            let want = serde_value(&text);
            prop_assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{}", text);
        }
    }
}
