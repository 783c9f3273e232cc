//! Polygon validity, fast. geo's `Validation` tests every pair of a ring's segments
//! (O(n²)), which dominated reading large layers. For polygons without holes this module
//! gives the same answer with a sweep over the segments' x-extents, so only segments whose
//! boxes overlap are compared (property-tested against geo). Polygons with holes go to geo's
//! full check (rings against rings).

use geo::{Intersects, Line, LineString, Polygon, Validation};

/// Does the ring cross or touch itself other than at consecutive segments' shared points?
/// The same predicate as geo's validation, over all pairs whose boxes overlap.
pub fn ring_self_intersects(ring: &LineString<f64>) -> bool {
    let lines: Vec<Line<f64>> = ring.lines().collect();
    let max_x = |l: &Line<f64>| l.start.x.max(l.end.x);
    // By the left end of each segment (any order by it finds the same pairs).
    let mut order: Vec<(f64, usize)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (l.start.x.min(l.end.x), i))
        .collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut active: Vec<usize> = Vec::new();
    for &(x, k) in &order {
        let lk = lines[k];
        active.retain(|a| max_x(&lines[*a]) >= x);
        let (ky0, ky1) = (lk.start.y.min(lk.end.y), lk.start.y.max(lk.end.y));
        for &a in &active {
            let la = lines[a];
            let (ay0, ay1) = (la.start.y.min(la.end.y), la.start.y.max(la.end.y));
            if ay1 < ky0 || ky1 < ay0 {
                continue;
            }
            // Neighbours share a point and never count: test that first, it is cheap.
            if la.start != lk.end && la.end != lk.start && la.intersects(&lk) {
                return true;
            }
        }
        active.push(k);
    }
    false
}

/// Why a polygon is invalid, in words, or `None` when it is valid (OGC rules as geo checks them).
pub fn polygon_problem(p: &Polygon<f64>) -> Option<String> {
    if !p.interiors().is_empty() {
        return p.check_validation().err().map(|e| e.to_string());
    }
    let ring = p.exterior();
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

        /// The count of points without consecutive repeats is geo's.
        #[test]
        fn distinct_count_is_geos(points in proptest::collection::vec((0i32..3, 0i32..3), 1..12)) {
            let ring = LineString::from(points.iter().map(|(x, y)| (f64::from(*x), f64::from(*y))).collect::<Vec<_>>());
            let distinct = 1 + ring.0.windows(2).filter(|w| w[0] != w[1]).count();
            prop_assert_eq!(distinct, ring.remove_repeated_points().0.len());
        }
    }
}
