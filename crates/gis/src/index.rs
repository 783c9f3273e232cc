//! Classifying homes: an R-tree of zone envelopes, then an exact point-in-polygon test on the
//! few candidates. A home on a zone's boundary is in the zone. Many homes at once
//! ([`HazardIndex::classify_many`]) are visited in Z-order on all cores ([`in_spatial_order`]),
//! with the results in input order.

use geo::algorithm::coordinate_position::{CoordPos, coord_pos_relative_to_ring};
use geo::{BoundingRect, Coord, MultiPolygon, Polygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::hazard::{HazardKind, ZoneClass};

/// A hazard zone: its shape and meaning.
#[derive(Clone, Debug)]
pub struct Zone {
    pub shape: MultiPolygon<f64>,
    pub class: ZoneClass,
}

type Entry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// Narrower nodes than rstar's default (6): a point query compares fewer boxes per level
/// (measured by `tsunagi bench gis`: a little faster here; 16 was slower).
pub(crate) struct NarrowNodes;

impl rstar::RTreeParams for NarrowNodes {
    const MIN_SIZE: usize = 4;
    const MAX_SIZE: usize = 8;
    const REINSERTION_COUNT: usize = 2;
    type DefaultInsertionStrategy = rstar::RStarInsertionStrategy;
}

/// Every zone, indexed.
pub struct HazardIndex {
    zones: Vec<Zone>,
    /// Each zone's bounding box: min x, min y, max x, max y (empty zones: NaN, never matched).
    boxes: Vec<[f64; 4]>,
    tree: RTree<Entry, NarrowNodes>,
}

/// The worst zone per hazard kind for one home (`None`: not in any zone of that kind).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct HomeClassification {
    pub worst: [Option<ZoneClass>; 6],
}

impl HomeClassification {
    pub fn of(&self, kind: HazardKind) -> Option<&ZoneClass> {
        self.worst[kind.index()].as_ref()
    }
    pub fn any(&self) -> bool {
        self.worst.iter().any(Option::is_some)
    }
}

/// Homes classified together: consecutive homes in Z-order, whose zones are looked up once for
/// the run's box; a run whose box meets more zones than [`RUN_ZONES`] is classified home by
/// home.
const RUN: usize = 128;
const RUN_ZONES: usize = 96;

impl HazardIndex {
    /// Bulk-loads the index (zones without area are skipped).
    pub fn new(zones: Vec<Zone>) -> Self {
        let boxes: Vec<[f64; 4]> = zones
            .iter()
            .map(|z| match z.shape.bounding_rect() {
                Some(r) => [r.min().x, r.min().y, r.max().x, r.max().y],
                None => [f64::NAN; 4],
            })
            .collect();
        let entries: Vec<Entry> = boxes
            .iter()
            .enumerate()
            .filter(|(_, b)| !b[0].is_nan())
            .filter_map(|(i, b)| {
                let id = u32::try_from(i).ok()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([b[0], b[1]], [b[2], b[3]]),
                    id,
                ))
            })
            .collect();
        Self {
            zones,
            boxes,
            tree: RTree::bulk_load_with_params(entries),
        }
    }

    pub fn len(&self) -> usize {
        self.zones.len()
    }

    pub fn is_empty(&self) -> bool {
        self.zones.is_empty()
    }

    /// The worst zone of each kind containing (lon, lat); of equally bad zones, the first in
    /// input order.
    pub fn classify(&self, lon: f64, lat: f64) -> HomeClassification {
        let candidates = self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_point([lon, lat]))
            .map(|e| (e.data, self.boxes.get(e.data as usize).copied()));
        self.classify_among(lon, lat, candidates)
    }

    /// [`HazardIndex::classify`] among the given zones, each with its box (those whose box
    /// holds the point count).
    fn classify_among(
        &self,
        lon: f64,
        lat: f64,
        candidates: impl Iterator<Item = (u32, Option<[f64; 4]>)>,
    ) -> HomeClassification {
        let mut out = HomeClassification::default();
        let mut chosen = [u32::MAX; 6];
        let p = Coord { x: lon, y: lat };
        for (id, b) in candidates {
            // NaN boxes fail every comparison: never in.
            if !b.is_some_and(|b| b[0] <= lon && lon <= b[2] && b[1] <= lat && lat <= b[3]) {
                continue;
            }
            let Some(z) = self.zones.get(id as usize) else {
                continue;
            };
            let k = z.class.kind.index();
            if let Some(w) = out.worst[k] {
                let (have, this) = (w.severity.key(), z.class.severity.key());
                if have > this || (have == this && chosen[k] < id) {
                    continue;
                }
            }
            if z.shape.0.iter().any(|poly| touches_or_contains(poly, p)) {
                out.worst[k] = Some(z.class);
                chosen[k] = id;
            }
        }
        out
    }

    /// A run of nearby homes: the zones meeting the run's box are found once, their boxes
    /// gathered side by side for the homes' tests.
    fn classify_run<T>(
        &self,
        run: &[(f64, f64)],
        keep: &impl Fn(HomeClassification) -> T,
        out: &mut Vec<T>,
    ) {
        let [x0, y0, x1, y1] = extent(run.iter().map(|(x, y)| [*x, *y, *x, *y]));
        let mut candidates: Vec<(u32, Option<[f64; 4]>)> = Vec::new();
        if x0 <= x1 && y0 <= y1 {
            for e in self
                .tree
                .locate_in_envelope_intersecting(&AABB::from_corners([x0, y0], [x1, y1]))
            {
                candidates.push((e.data, self.boxes.get(e.data as usize).copied()));
                if candidates.len() > RUN_ZONES {
                    break;
                }
            }
        }
        if candidates.len() > RUN_ZONES || !(x0 <= x1 && y0 <= y1) {
            out.extend(run.iter().map(|(x, y)| keep(self.classify(*x, *y))));
            return;
        }
        out.extend(
            run.iter()
                .map(|(x, y)| keep(self.classify_among(*x, *y, candidates.iter().copied()))),
        );
    }

    /// [`HazardIndex::classify`] for every point, on all cores, in input order.
    pub fn classify_many(&self, points: &[(f64, f64)]) -> Vec<HomeClassification> {
        self.classify_each(points, default_threads(), |c| c)
    }

    /// [`HazardIndex::classify`] for every point, kept as `keep` makes of it (e.g. one kind's
    /// depth), on `threads` threads, in input order.
    pub fn classify_each<T: Send>(
        &self,
        points: &[(f64, f64)],
        threads: usize,
        keep: impl Fn(HomeClassification) -> T + Sync,
    ) -> Vec<T> {
        self.classify_ordered(&SpatialOrder::new(points), threads, keep)
    }

    /// [`HazardIndex::classify_each`] over points already put in order (the order reused for
    /// several passes).
    pub fn classify_ordered<T: Send>(
        &self,
        order: &SpatialOrder,
        threads: usize,
        keep: impl Fn(HomeClassification) -> T + Sync,
    ) -> Vec<T> {
        order.map_runs(threads, RUN, |run, out| self.classify_run(run, &keep, out))
    }

    /// The worst severity key of `kind` for every point in `order` (`None` outside every zone
    /// of that kind). Not generic, so it is compiled — and measured by `bench gis` — here, at
    /// this crate's optimisation level, whatever the caller's.
    pub fn worst_keys(
        &self,
        order: &SpatialOrder,
        threads: usize,
        kind: HazardKind,
    ) -> Vec<Option<f64>> {
        self.classify_ordered(order, threads, |c| c.of(kind).map(|z| z.severity.key().0))
    }
}

/// Does the polygon contain the point or touch it (its boundary counts)? The same answer as
/// geo's `Intersects` (`coordinate_position != Outside`), without the bounding box geo
/// computes first for a multipolygon: the R-tree has already checked the zone's box.
fn touches_or_contains(poly: &Polygon<f64>, p: Coord<f64>) -> bool {
    if poly.exterior().0.is_empty() {
        return false;
    }
    match coord_pos_relative_to_ring(p, poly.exterior()) {
        CoordPos::Outside => false,
        CoordPos::OnBoundary => true,
        // The first hole that is not outside decides, as in geo.
        CoordPos::Inside => poly
            .interiors()
            .iter()
            .map(|hole| coord_pos_relative_to_ring(p, hole))
            .find(|pos| *pos != CoordPos::Outside)
            .is_none_or(|pos| pos == CoordPos::OnBoundary),
    }
}

/// The smallest box (min x, min y, max x, max y) holding all the given boxes (a point is a box
/// of no size); inverted (+∞ … −∞) when there are none. NaN is passed over, as `f64::min` does.
pub(crate) fn extent(boxes: impl IntoIterator<Item = [f64; 4]>) -> [f64; 4] {
    boxes.into_iter().fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |e, b| {
            [
                e[0].min(b[0]),
                e[1].min(b[1]),
                e[2].max(b[2]),
                e[3].max(b[3]),
            ]
        },
    )
}

/// All cores (1 when unknown).
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `f` of every point, computed in Z-order on `threads` threads, the results in input order
/// ([`SpatialOrder`]).
pub fn in_spatial_order<T: Send>(
    points: &[(f64, f64)],
    threads: usize,
    f: impl Fn(f64, f64) -> T + Sync,
) -> Vec<T> {
    SpatialOrder::new(points).map(threads, f)
}

/// Points in Z-order (Morton order on a 65536² grid over their extent): nearby points one
/// after another, so consecutive lookups reuse the same tree nodes and polygons in cache.
/// Made once (a sort of one `u64` per point), used for any number of passes.
pub struct SpatialOrder {
    sorted: Vec<(f64, f64)>,
    /// The input position of each sorted point.
    position: Vec<usize>,
}

impl SpatialOrder {
    pub fn new(points: &[(f64, f64)]) -> Self {
        let n = points.len();
        if u32::try_from(n).is_err() {
            // More points than the packed keys hold: input order.
            return Self {
                sorted: points.to_vec(),
                position: (0..n).collect(),
            };
        }
        let [x0, y0, x1, y1] = extent(
            points
                .iter()
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .map(|(x, y)| [*x, *y, *x, *y]),
        );
        let q = |v: f64, lo: f64, hi: f64| {
            let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.0 };
            // NaN becomes 0 in the cast.
            (t.clamp(0.0, 1.0) * 65535.0) as u64
        };
        let spread = |mut v: u64| {
            v &= 0xFFFF;
            v = (v | (v << 8)) & 0x00FF_00FF;
            v = (v | (v << 4)) & 0x0F0F_0F0F;
            v = (v | (v << 2)) & 0x3333_3333;
            (v | (v << 1)) & 0x5555_5555
        };
        // Z-order key in the high 32 bits, the input position in the low 32.
        let mut keys: Vec<u64> = points
            .iter()
            .enumerate()
            .map(|(i, (x, y))| {
                let key = spread(q(*x, x0, x1)) | (spread(q(*y, y0, y1)) << 1);
                (key << 32) | i as u64
            })
            .collect();
        keys.sort_unstable();
        let position: Vec<usize> = keys.iter().map(|k| (k & 0xFFFF_FFFF) as usize).collect();
        Self {
            sorted: position.iter().map(|i| points[*i]).collect(),
            position,
        }
    }

    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// `f` of every point, computed in this order on `threads` threads (chunks taken in turn,
    /// so a slow chunk does not hold up the end), the results in input order.
    pub fn map<T: Send>(&self, threads: usize, f: impl Fn(f64, f64) -> T + Sync) -> Vec<T> {
        self.map_runs(threads, 1, |run, out| {
            out.extend(run.iter().map(|(x, y)| f(*x, *y)));
        })
    }

    /// Like [`SpatialOrder::map`], but `f` gets runs of up to `run` consecutive points (near
    /// one another) and pushes one result per point, so work can be shared within a run.
    pub fn map_runs<T: Send>(
        &self,
        threads: usize,
        run: usize,
        f: impl Fn(&[(f64, f64)], &mut Vec<T>) + Sync,
    ) -> Vec<T> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let n = self.sorted.len();
        let threads = threads.max(1);
        let run = run.max(1);
        let chunk = n.div_ceil(threads * 8).max(1024);
        let next = AtomicUsize::new(0);
        let (f, next, sorted) = (&f, &next, &self.sorted);
        let mut parts: Vec<(usize, Vec<T>)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(move || {
                        let mut mine = Vec::new();
                        loop {
                            let start = next.fetch_add(1, Ordering::Relaxed) * chunk;
                            if start >= n {
                                break;
                            }
                            let part = &sorted[start..(start + chunk).min(n)];
                            let mut out = Vec::with_capacity(part.len());
                            for r in part.chunks(run) {
                                let before = out.len();
                                f(r, &mut out);
                                debug_assert_eq!(out.len(), before + r.len(), "one per point");
                            }
                            mine.push((start, out));
                        }
                        mine
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        parts.sort_unstable_by_key(|(start, _)| *start);
        let mut slots: Vec<Option<T>> = Vec::with_capacity(n);
        slots.resize_with(n, || None);
        for (start, out) in parts {
            for (i, v) in self.position[start..].iter().zip(out) {
                slots[*i] = Some(v);
            }
        }
        slots.into_iter().flatten().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::depth::band_of_rank;
    use crate::hazard::{LandslideZone, Severity};
    use geo::{Intersects, LineString, Point, Polygon};
    use proptest::prelude::*;

    fn square(x: f64, y: f64, size: f64, hole: bool) -> MultiPolygon<f64> {
        let ring = |x0: f64, y0: f64, s: f64| {
            LineString::from(vec![
                (x0, y0),
                (x0 + s, y0),
                (x0 + s, y0 + s),
                (x0, y0 + s),
                (x0, y0),
            ])
        };
        let holes = if hole {
            vec![ring(x + size / 4.0, y + size / 4.0, size / 2.0)]
        } else {
            vec![]
        };
        MultiPolygon::new(vec![Polygon::new(ring(x, y, size), holes)])
    }

    fn flood(rank: u8) -> ZoneClass {
        ZoneClass {
            kind: HazardKind::Flood,
            severity: band_of_rank(rank)
                .map(Severity::Depth)
                .unwrap_or(Severity::Present),
            layer: 1,
        }
    }

    #[test]
    fn worst_per_kind_holes_and_boundaries() {
        let idx = HazardIndex::new(vec![
            Zone {
                shape: square(133.0, 33.0, 0.1, false),
                class: flood(2),
            },
            Zone {
                shape: square(133.05, 33.05, 0.1, true),
                class: flood(4),
            },
            Zone {
                shape: square(133.0, 33.0, 0.02, false),
                class: ZoneClass {
                    kind: HazardKind::Landslide,
                    severity: Severity::Landslide(LandslideZone {
                        special: false,
                        designated: false,
                    }),
                    layer: 2,
                },
            },
        ]);
        // In both flood zones: the deeper wins.
        let c = idx.classify(133.06, 33.06);
        assert_eq!(c.of(HazardKind::Flood), Some(&flood(4)));
        assert!(c.of(HazardKind::Landslide).is_none());
        // In the hole of the deep zone: only the shallow one.
        let c = idx.classify(133.1, 33.1);
        assert_eq!(c.of(HazardKind::Flood), Some(&flood(2)));
        // On the outer boundary: in.
        let c = idx.classify(133.0, 33.01);
        assert_eq!(c.of(HazardKind::Flood), Some(&flood(2)));
        assert_eq!(
            c.of(HazardKind::Landslide).map(|z| z.severity.label()),
            Some("警戒区域（指定前）".to_owned())
        );
        assert!(!idx.classify(134.0, 34.0).any());
    }

    proptest! {
        /// The index gives exactly what testing every zone gives.
        #[test]
        fn index_equals_brute_force(
            squares in proptest::collection::vec((0.0f64..1.0, 0.0f64..1.0, 0.01f64..0.5, 1u8..7, any::<bool>()), 1..30),
            points in proptest::collection::vec((0.0f64..1.5, 0.0f64..1.5), 1..50),
        ) {
            let zones: Vec<Zone> = squares.iter().map(|(x, y, s, r, h)| Zone { shape: square(*x, *y, *s, *h), class: flood(*r) }).collect();
            let idx = HazardIndex::new(zones.clone());
            for (x, y) in points {
                let p = Point::new(x, y);
                let brute = zones.iter().filter(|z| z.shape.intersects(&p)).map(|z| z.class.severity.key()).fold(None, |a: Option<(f64, f64)>, k| Some(a.map_or(k, |a| if k > a { k } else { a })));
                let got = idx.classify(x, y).of(HazardKind::Flood).map(|z| z.severity.key());
                prop_assert_eq!(got, brute);
            }
        }

        /// On a small grid, where many points lie on edges and vertices, the test per polygon
        /// agrees with geo's `Intersects` (rings of any shape, with holes anywhere).
        #[test]
        fn polygon_test_equals_geo_on_boundaries(
            outer in proptest::collection::vec((0i32..6, 0i32..6), 3..10),
            holes in proptest::collection::vec(proptest::collection::vec((0i32..6, 0i32..6), 3..6), 0..3),
            points in proptest::collection::vec((0i32..12, 0i32..12), 1..40),
        ) {
            let ring = |pts: &[(i32, i32)]| {
                let mut v: Vec<(f64, f64)> = pts.iter().map(|(x, y)| (f64::from(*x), f64::from(*y))).collect();
                v.push(v[0]);
                LineString::from(v)
            };
            let poly = Polygon::new(ring(&outer), holes.iter().map(|h| ring(h)).collect());
            for (x, y) in points {
                let p = Coord { x: f64::from(x) / 2.0, y: f64::from(y) / 2.0 };
                prop_assert_eq!(touches_or_contains(&poly, p), poly.intersects(&Point::from(p)));
            }
        }

        /// Many at once gives, in input order, what one at a time gives (with few zones, and
        /// with more than a run shares, overlapping, equally deep ones included).
        #[test]
        fn classify_many_equals_one_at_a_time(
            squares in proptest::collection::vec((0.0f64..1.0, 0.0f64..1.0, 0.01f64..0.5, 1u8..4, any::<bool>()), 1..120),
            points in proptest::collection::vec((-0.2f64..1.5, 0.0f64..1.5), 0..3000),
            threads in 1usize..4,
        ) {
            // Each zone its own layer number: which of equally deep zones wins shows.
            let zones: Vec<Zone> = squares.iter().enumerate().map(|(i, (x, y, s, r, h))| Zone { shape: square(*x, *y, *s, *h), class: ZoneClass { layer: i as u32, ..flood(*r) } }).collect();
            let idx = HazardIndex::new(zones);
            let one: Vec<HomeClassification> = points.iter().map(|(x, y)| idx.classify(*x, *y)).collect();
            prop_assert_eq!(idx.classify_each(&points, threads, |c| c), one.clone());
            prop_assert_eq!(idx.classify_many(&points), one);
        }
    }
}
