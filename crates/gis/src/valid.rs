//! Polygon validity, fast. geo's `Validation` tests every pair of a ring's segments
//! (O(n²)), which dominated reading large layers. This module gives the same answer by
//! comparing only segments whose boxes overlap, found with a grid over the ring
//! (property-tested against geo). Polygons with holes get the same ring checks plus the same
//! comparison between rings; only when rings touch, or holes nest or stray outside, does
//! geo's full check (rings related pairwise) decide.

use geo::algorithm::coordinate_position::{CoordPos, coord_pos_relative_to_ring};
use geo::{Intersects, Line, LineString, Polygon, Validation};

/// Does the ring cross or touch itself other than at consecutive segments' shared points?
/// The same predicate as geo's validation, over all pairs whose boxes overlap.
pub fn ring_self_intersects(ring: &LineString<f64>) -> bool {
    let c = &ring.0;
    let line = |i: usize| Line::new(c[i], c[i + 1]);
    overlapping_pairs(c.len().saturating_sub(1), line, |a, b| {
        let (la, lb) = (line(a), line(b));
        // Neighbours share a point and never count: test that first, it is cheap.
        la.start != lb.end && la.end != lb.start && la.intersects(&lb)
    })
}

/// The grid's arrays, kept per thread between rings (reading a layer checks millions).
#[derive(Default)]
struct Grid {
    /// Each segment's box (min x, min y, max x, max y) and cell range (the same order).
    boxes: Vec<[f64; 4]>,
    cells: Vec<[usize; 4]>,
    /// Where each cell's members end in `members` (cells in row-major order).
    ends: Vec<usize>,
    members: Vec<u32>,
}

thread_local! {
    static GRID: std::cell::RefCell<Grid> = std::cell::RefCell::new(Grid::default());
}

/// Calls `hit` once for every pair of the `n` segments (`line(i)`) whose boxes overlap, until
/// it says `true` (then `true`). The segments are put in a grid over their extent, and a pair
/// is looked at in the first cell both cover, so a ring of n short segments costs O(n)
/// instead of O(n²). Cells are found by a monotone function of the coordinates, so two
/// overlapping boxes always share a cell (NaN falls in the first cell).
fn overlapping_pairs(
    n: usize,
    line: impl Fn(usize) -> Line<f64>,
    hit: impl FnMut(usize, usize) -> bool,
) -> bool {
    if n < 2 || u32::try_from(n).is_err() {
        return n >= 2 && brute_force_pairs(n, &line, hit);
    }
    GRID.with(|grid| match grid.try_borrow_mut() {
        Ok(mut grid) => grid.pairs(n, &line, hit),
        // Re-entered (never, but not a panic): a fresh grid.
        Err(_) => Grid::default().pairs(n, &line, hit),
    })
}

/// Every pair whose boxes overlap, one by one (for inputs the grid does not take).
fn brute_force_pairs(
    n: usize,
    line: &impl Fn(usize) -> Line<f64>,
    mut hit: impl FnMut(usize, usize) -> bool,
) -> bool {
    (0..n).any(|a| {
        let la = line(a);
        (a + 1..n).any(|b| {
            let lb = line(b);
            let apart = la.start.x.max(la.end.x) < lb.start.x.min(lb.end.x)
                || lb.start.x.max(lb.end.x) < la.start.x.min(la.end.x)
                || la.start.y.max(la.end.y) < lb.start.y.min(lb.end.y)
                || lb.start.y.max(lb.end.y) < la.start.y.min(la.end.y);
            !apart && hit(a, b)
        })
    })
}

impl Grid {
    fn pairs(
        &mut self,
        n: usize,
        line: &impl Fn(usize) -> Line<f64>,
        mut hit: impl FnMut(usize, usize) -> bool,
    ) -> bool {
        self.boxes.clear();
        self.boxes.extend((0..n).map(|i| {
            let l = line(i);
            [
                l.start.x.min(l.end.x),
                l.start.y.min(l.end.y),
                l.start.x.max(l.end.x),
                l.start.y.max(l.end.y),
            ]
        }));
        let [x0, y0, x1, y1] = crate::index::extent(self.boxes.iter().copied());
        // About four segments per cell (measured: finer grids cost more than they save).
        let g = (((n / 4) as f64).sqrt().ceil() as usize).clamp(1, 256);
        let scale = |lo: f64, hi: f64| {
            let s = g as f64 / (hi - lo);
            if s.is_finite() && s > 0.0 { s } else { 0.0 }
        };
        let (sx, sy) = (scale(x0, x1), scale(y0, y1));
        // A saturating cast: NaN and negatives → 0.
        let cell = |v: f64, lo: f64, s: f64| (((v - lo) * s) as usize).min(g - 1);
        self.cells.clear();
        self.cells.extend(self.boxes.iter().map(|b| {
            [
                cell(b[0], x0, sx),
                cell(b[1], y0, sy),
                cell(b[2], x0, sx),
                cell(b[3], y0, sy),
            ]
        }));
        // Count each cell's members, then place them: `ends[c]` is first where cell c starts
        // and, once placed, where it ends.
        self.ends.clear();
        self.ends.resize(g * g, 0);
        for r in &self.cells {
            for cy in r[1]..=r[3] {
                for cx in r[0]..=r[2] {
                    self.ends[cy * g + cx] += 1;
                }
            }
        }
        let mut total = 0;
        for e in &mut self.ends {
            total += *e;
            *e = total - *e;
        }
        self.members.clear();
        self.members.resize(total, 0);
        for (i, r) in self.cells.iter().enumerate() {
            for cy in r[1]..=r[3] {
                for cx in r[0]..=r[2] {
                    let c = cy * g + cx;
                    // `n` fits in u32 (checked by the caller).
                    self.members[self.ends[c]] = i as u32;
                    self.ends[c] += 1;
                }
            }
        }
        let mut begin = 0;
        for c in 0..g * g {
            let end = self.ends[c];
            let (cx, cy) = (c % g, c / g);
            let here = &self.members[begin..end];
            begin = end;
            for (k, &a) in here.iter().enumerate() {
                let (ba, ra) = (self.boxes[a as usize], self.cells[a as usize]);
                for &b in &here[k + 1..] {
                    let (bb, rb) = (self.boxes[b as usize], self.cells[b as usize]);
                    if ba[2] < bb[0] || bb[2] < ba[0] || ba[3] < bb[1] || bb[3] < ba[1] {
                        continue;
                    }
                    if ra[0].max(rb[0]) != cx || ra[1].max(rb[1]) != cy {
                        continue; // looked at in an earlier cell
                    }
                    if hit(a as usize, b as usize) {
                        return true;
                    }
                }
            }
        }
        false
    }
}

/// Why a polygon is invalid, in words, or `None` when it is valid (OGC rules as geo checks them).
pub fn polygon_problem(p: &Polygon<f64>) -> Option<String> {
    if !p.interiors().is_empty() {
        if holes_plainly_valid(p) {
            return None;
        }
        // Anything less plain (touching rings, nested holes, a bad ring): geo's full check,
        // which also words the problem.
        return p.check_validation().err().map(|e| e.to_string());
    }
    ring_problem(p.exterior())
}

/// The checks of one ring: enough distinct points, finite coordinates, no self-intersection.
fn ring_problem(ring: &LineString<f64>) -> Option<String> {
    if ring.0.is_empty() {
        return None;
    }
    // The points left after removing consecutive repeats (geo's `remove_repeated_points`),
    // counted without making the copy.
    let distinct = 1 + ring.0.windows(2).filter(|w| w[0] != w[1]).count();
    if distinct < 4 {
        return Some("輪郭の点が足りません".into());
    }
    if ring.0.iter().any(|c| !c.x.is_finite() || !c.y.is_finite()) {
        return Some("座標が数値ではありません".into());
    }
    if ring_self_intersects(ring) {
        return Some("輪郭が自己交差しています".into());
    }
    None
}

/// A polygon with holes that is valid in the plainest way: every ring passes the one-ring
/// checks, no two rings meet at all (not even at a point), every hole lies strictly inside the
/// exterior and outside every other hole. geo's check (a DE-9IM relate per pair of rings and
/// an O(n²) ring check) finds such polygons valid; `false` means "ask geo", not "invalid".
fn holes_plainly_valid(p: &Polygon<f64>) -> bool {
    let rings: Vec<&LineString<f64>> = std::iter::once(p.exterior())
        .chain(p.interiors().iter())
        .collect();
    if rings
        .iter()
        .any(|r| r.0.is_empty() || ring_problem(r).is_some())
    {
        return false;
    }
    if rings_meet(&rings) {
        return false;
    }
    // Boundaries apart, so one vertex tells on which side of another ring a hole lies.
    let holes = p.interiors();
    holes.iter().enumerate().all(|(i, h)| {
        let v = h.0[0];
        coord_pos_relative_to_ring(v, p.exterior()) == CoordPos::Inside
            && holes
                .iter()
                .enumerate()
                .all(|(j, o)| i == j || coord_pos_relative_to_ring(v, o) == CoordPos::Outside)
    })
}

/// Does any segment of one ring touch or cross a segment of another?
fn rings_meet(rings: &[&LineString<f64>]) -> bool {
    let (ring_of, lines): (Vec<usize>, Vec<Line<f64>>) = rings
        .iter()
        .enumerate()
        .flat_map(|(r, ring)| ring.lines().map(move |l| (r, l)))
        .unzip();
    overlapping_pairs(
        lines.len(),
        |i| lines[i],
        |a, b| ring_of[a] != ring_of[b] && lines[a].intersects(&lines[b]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::RemoveRepeatedPoints;
    use proptest::prelude::*;

    fn poly(points: &[(f64, f64)]) -> Polygon<f64> {
        Polygon::new(LineString::from(points.to_vec()), vec![])
    }

    #[test]
    fn bowtie_and_spike_and_square() {
        assert!(
            polygon_problem(&poly(&[(0., 0.), (1., 1.), (1., 0.), (0., 1.), (0., 0.)])).is_some()
        );
        assert!(
            polygon_problem(&poly(&[(0., 0.), (1., 0.), (1., 1.), (0., 1.), (0., 0.)])).is_none()
        );
        assert!(polygon_problem(&poly(&[(0., 0.), (1., 0.), (0., 0.)])).is_some());
    }

    proptest! {
        /// Same verdict as geo on random rings (many of them self-intersecting), including
        /// repeated points and collinear touches on a small grid.
        #[test]
        fn agrees_with_geo(points in proptest::collection::vec((0i32..6, 0i32..6), 3..14)) {
            let mut pts: Vec<(f64, f64)> = points.iter().map(|(x, y)| (f64::from(*x), f64::from(*y))).collect();
            pts.push(pts[0]);
            let p = poly(&pts);
            prop_assert_eq!(polygon_problem(&p).is_some(), p.check_validation().is_err(), "{:?}", pts);
        }

        /// And on star-shaped rings like real zones, valid or not.
        #[test]
        fn agrees_with_geo_on_stars(radii in proptest::collection::vec(0.2f64..1.0, 5..80), shuffle in any::<bool>()) {
            let n = radii.len();
            let mut pts: Vec<(f64, f64)> = radii.iter().enumerate().map(|(i, r)| {
                let a = std::f64::consts::TAU * i as f64 / n as f64;
                (r * a.cos(), r * a.sin())
            }).collect();
            if shuffle { pts.swap(0, n / 2); }
            pts.push(pts[0]);
            let p = poly(&pts);
            prop_assert_eq!(polygon_problem(&p).is_some(), p.check_validation().is_err());
        }

        /// Polygons with holes: the same verdict as geo's full check, with holes inside,
        /// outside, crossing or touching the exterior, nested in or crossing each other.
        #[test]
        fn agrees_with_geo_with_holes(
            radii in proptest::collection::vec(2.0f64..4.0, 5..40),
            holes in proptest::collection::vec((-4i32..5, -4i32..5, 1i32..4, 3usize..7), 1..4),
        ) {
            let n = radii.len();
            let star = |cx: f64, cy: f64, r: &dyn Fn(usize) -> f64, k: usize| {
                let mut pts: Vec<(f64, f64)> = (0..k).map(|i| {
                    let a = std::f64::consts::TAU * i as f64 / k as f64;
                    (cx + r(i) * a.cos(), cy + r(i) * a.sin())
                }).collect();
                pts.push(pts[0]);
                LineString::from(pts)
            };
            let exterior = star(0.0, 0.0, &|i| radii[i], n);
            let interiors: Vec<LineString<f64>> = holes.iter().map(|(x, y, r, k)| {
                // Half-unit centres and radii: holes often touch or cross each other exactly.
                star(f64::from(*x) / 2.0, f64::from(*y) / 2.0, &|_| f64::from(*r) / 2.0, *k)
            }).collect();
            let p = Polygon::new(exterior, interiors);
            prop_assert_eq!(polygon_problem(&p), p.check_validation().err().map(|e| e.to_string()));
        }

        /// The count of points without consecutive repeats is geo's.
        #[test]
        fn distinct_count_is_geos(points in proptest::collection::vec((0i32..3, 0i32..3), 1..12)) {
            let ring = LineString::from(points.iter().map(|(x, y)| (f64::from(*x), f64::from(*y))).collect::<Vec<_>>());
            let distinct = 1 + ring.0.windows(2).filter(|w| w[0] != w[1]).count();
            prop_assert_eq!(distinct, ring.remove_repeated_points().0.len());
        }
    }
}
