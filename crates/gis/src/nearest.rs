//! The nearest suitable shelters of a home: an R-tree per hazard kind on an equirectangular
//! projection around the area's mean latitude (x = lon·cos(lat0)), whose candidates are then
//! re-ranked by the great-circle distance in metres. Distances are straight lines (直線距離),
//! not walking routes.

use geo::Haversine;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::hazard::HazardKind;

/// A shelter as the index needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct ShelterPoint {
    pub lon: f64,
    pub lat: f64,
    /// Suitable for each hazard kind (indexed by `HazardKind::index`).
    pub suits: [bool; 6],
}

type Entry = GeomWithData<[f64; 2], u32>;

pub struct ShelterIndex {
    cos_lat0: f64,
    trees: Vec<RTree<Entry>>,
    /// Each shelter's (longitude, latitude) and the cosine of its latitude (for the
    /// great-circle distance, computed once).
    points: Vec<(f64, f64, f64)>,
}

/// A shelter found: its position in the input and the straight-line distance in metres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Found {
    pub shelter: u32,
    pub metres: f64,
}

/// Candidates taken from the projection beyond the `k` wanted, before re-ranking by the
/// great-circle distance.
const SPARE: usize = 4;
/// Homes searched together (consecutive in Z-order), and the most candidates such a run may
/// share before its homes are searched one by one.
const RUN: usize = 32;
const RUN_CANDIDATES: usize = 64;

impl ShelterIndex {
    pub fn new(shelters: &[ShelterPoint]) -> Self {
        let lat0 = if shelters.is_empty() {
            35.0
        } else {
            shelters.iter().map(|s| s.lat).sum::<f64>() / shelters.len() as f64
        };
        let cos_lat0 = lat0.to_radians().cos();
        let trees = HazardKind::ALL
            .iter()
            .map(|k| {
                RTree::bulk_load(
                    shelters
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.suits[k.index()])
                        .filter_map(|(i, s)| {
                            Some(GeomWithData::new(
                                [s.lon * cos_lat0, s.lat],
                                u32::try_from(i).ok()?,
                            ))
                        })
                        .collect(),
                )
            })
            .collect();
        Self {
            cos_lat0,
            trees,
            points: shelters
                .iter()
                .map(|s| (s.lon, s.lat, s.lat.to_radians().cos()))
                .collect(),
        }
    }

    /// The `k` nearest shelters suitable for `kind`, nearest first. Candidates are taken from
    /// the projection generously (k + 4; of equally distant ones, the first in input order)
    /// and re-ranked by great-circle distance, which the projection approximates to well
    /// under a percent within a prefecture.
    pub fn nearest(&self, kind: HazardKind, lon: f64, lat: f64, k: usize) -> Vec<Found> {
        let Some(tree) = self.trees.get(kind.index()) else {
            return Vec::new();
        };
        let q = [lon * self.cos_lat0, lat];
        let want = k + SPARE;
        // The first `want` by projected distance, and any more at the last one's distance.
        let mut near: Vec<(f64, u32)> = Vec::with_capacity(want + 2);
        for e in tree.nearest_neighbor_iter(&q) {
            let d2 = distance_2(e.geom(), &q);
            if near.len() >= want && near.last().is_some_and(|l| l.0 < d2) {
                break;
            }
            near.push((d2, e.data));
        }
        self.rank(lon, lat, &mut near, k)
    }

    /// `candidates` (projected squared distance, shelter) → the `k` nearest by great-circle
    /// distance among the `k + SPARE` nearest by projection.
    fn rank(&self, lon: f64, lat: f64, candidates: &mut [(f64, u32)], k: usize) -> Vec<Found> {
        let by_distance = |a: &(f64, u32), b: &(f64, u32)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
        let want = k + SPARE;
        if candidates.len() > want {
            candidates.select_nth_unstable_by(want, by_distance);
        }
        let cos_home = lat.to_radians().cos();
        let mut found: Vec<Found> = candidates
            .iter()
            .take(want)
            .filter_map(|(_, id)| {
                let p = self.points.get(*id as usize)?;
                Some(Found {
                    shelter: *id,
                    metres: haversine(lon, lat, cos_home, p),
                })
            })
            .collect();
        found.sort_by(|a, b| {
            a.metres
                .total_cmp(&b.metres)
                .then(a.shelter.cmp(&b.shelter))
        });
        found.truncate(k);
        found
    }

    /// A run of nearby homes: the candidates of all of them are found with one search around
    /// the run (every home's `k + SPARE` nearest lie within the centre's `k + SPARE`-th distance
    /// plus twice the run's radius), then each home ranks them as [`ShelterIndex::nearest`].
    fn nearest_run<T>(
        &self,
        kind: HazardKind,
        run: &[(f64, f64)],
        k: usize,
        keep: &impl Fn(&[Found]) -> T,
        out: &mut Vec<T>,
    ) {
        let one_by_one = |out: &mut Vec<T>| {
            out.extend(
                run.iter()
                    .map(|(x, y)| keep(&self.nearest(kind, *x, *y, k))),
            );
        };
        let Some(tree) = self.trees.get(kind.index()) else {
            return one_by_one(out);
        };
        let projected: Vec<[f64; 2]> = run.iter().map(|(x, y)| [x * self.cos_lat0, *y]).collect();
        let [x0, y0, x1, y1] =
            crate::index::extent(projected.iter().map(|p| [p[0], p[1], p[0], p[1]]));
        let centre = [(x0 + x1) / 2.0, (y0 + y1) / 2.0];
        let radius = projected
            .iter()
            .map(|p| distance_2(p, &centre).sqrt())
            .fold(0.0, f64::max);
        let want = k + SPARE;
        let reach = tree
            .nearest_neighbor_iter_with_distance_2(&centre)
            .take(want)
            .last()
            .map(|(_, d2)| d2.sqrt());
        let Some(reach) = reach.filter(|r| r.is_finite() && radius.is_finite()) else {
            return one_by_one(out);
        };
        // Rounding: a hair more than the bound.
        let bound = (reach + 2.0 * radius) * (1.0 + 1e-9) + 1e-12;
        let mut shared: Vec<[f64; 2]> = Vec::new();
        let mut ids: Vec<u32> = Vec::new();
        for e in tree.locate_within_distance(centre, bound * bound) {
            if ids.len() == RUN_CANDIDATES {
                return one_by_one(out);
            }
            shared.push(*e.geom());
            ids.push(e.data);
        }
        let mut near: Vec<(f64, u32)> = Vec::with_capacity(ids.len());
        for ((x, y), q) in run.iter().zip(&projected) {
            near.clear();
            near.extend(
                shared
                    .iter()
                    .zip(&ids)
                    .map(|(p, id)| (distance_2(p, q), *id)),
            );
            out.push(keep(&self.rank(*x, *y, &mut near, k)));
        }
    }

    /// [`ShelterIndex::nearest`] for every point, on all cores, in input order.
    pub fn nearest_many(
        &self,
        kind: HazardKind,
        points: &[(f64, f64)],
        k: usize,
    ) -> Vec<Vec<Found>> {
        self.nearest_each(
            kind,
            points,
            k,
            crate::index::default_threads(),
            <[Found]>::to_vec,
        )
    }

    /// [`ShelterIndex::nearest`] for every point, kept as `keep` makes of it (e.g. the
    /// nearest one's distance), on `threads` threads, in Z-order, the results in input order.
    pub fn nearest_each<T: Send>(
        &self,
        kind: HazardKind,
        points: &[(f64, f64)],
        k: usize,
        threads: usize,
        keep: impl Fn(&[Found]) -> T + Sync,
    ) -> Vec<T> {
        self.nearest_ordered(
            kind,
            &crate::index::SpatialOrder::new(points),
            k,
            threads,
            keep,
        )
    }

    /// [`ShelterIndex::nearest_each`] over points already put in order.
    pub fn nearest_ordered<T: Send>(
        &self,
        kind: HazardKind,
        order: &crate::index::SpatialOrder,
        k: usize,
        threads: usize,
        keep: impl Fn(&[Found]) -> T + Sync,
    ) -> Vec<T> {
        order.map_runs(threads, RUN, |run, out| {
            self.nearest_run(kind, run, k, &keep, out)
        })
    }

    /// The straight-line distance (m) to the nearest shelter suitable for `kind`, for every
    /// point in `order`. Not generic: compiled (and measured by `bench gis`) in this crate.
    pub fn nearest_metres(
        &self,
        kind: HazardKind,
        order: &crate::index::SpatialOrder,
        threads: usize,
    ) -> Vec<Option<f64>> {
        self.nearest_ordered(kind, order, 1, threads, |f| f.first().map(|f| f.metres))
    }
}

fn distance_2(a: &[f64; 2], b: &[f64; 2]) -> f64 {
    let (dx, dy) = (a[0] - b[0], a[1] - b[1]);
    dx * dx + dy * dy
}

/// geo's `Haversine` distance in metres, step for step (the same value), with the cosines of
/// the latitudes computed once per home and once per shelter.
fn haversine(lon: f64, lat: f64, cos_home: f64, shelter: &(f64, f64, f64)) -> f64 {
    let (s_lon, s_lat, cos_shelter) = *shelter;
    let delta_theta = (s_lat - lat).to_radians();
    let delta_lambda = (s_lon - lon).to_radians();
    let a = (delta_theta / 2.0).sin().powi(2)
        + cos_home * cos_shelter * (delta_lambda / 2.0).sin().powi(2);
    let c = 2.0 * a.sqrt().asin();
    Haversine.radius() * c
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Distance, Point};
    use proptest::prelude::*;

    fn shelter(lon: f64, lat: f64, tsunami: bool) -> ShelterPoint {
        let mut suits = [true; 6];
        suits[HazardKind::Tsunami.index()] = tsunami;
        ShelterPoint { lon, lat, suits }
    }

    #[test]
    fn only_suitable_shelters_nearest_first_in_metres() {
        let idx = ShelterIndex::new(&[
            shelter(133.531, 33.559, false), // near, but not for tsunami
            shelter(133.540, 33.560, true),
            shelter(133.600, 33.600, true),
        ]);
        let f = idx.nearest(HazardKind::Tsunami, 133.530, 33.559, 2);
        assert_eq!(f.iter().map(|x| x.shelter).collect::<Vec<_>>(), vec![1, 2]);
        // 0.01° of longitude at 33.56° N is about 927 m.
        assert!((f[0].metres - 934.0).abs() < 15.0, "{}", f[0].metres);
        let f = idx.nearest(HazardKind::Flood, 133.530, 33.559, 1);
        assert_eq!(f[0].shelter, 0);
        assert!(
            ShelterIndex::new(&[])
                .nearest(HazardKind::Flood, 133.0, 33.0, 3)
                .is_empty()
        );
    }

    proptest! {
        /// The nearest found equals the nearest by brute force over great-circle distances.
        #[test]
        fn nearest_equals_brute_force(
            shelters in proptest::collection::vec((133.0f64..134.0, 33.0f64..34.0), 1..60),
            home in (133.0f64..134.0, 33.0f64..34.0),
        ) {
            let s: Vec<ShelterPoint> = shelters.iter().map(|(x, y)| shelter(*x, *y, true)).collect();
            let idx = ShelterIndex::new(&s);
            let got = idx.nearest(HazardKind::Tsunami, home.0, home.1, 1)[0].metres;
            let h = Point::new(home.0, home.1);
            let best = s.iter().map(|p| Haversine.distance(h, Point::new(p.lon, p.lat))).fold(f64::INFINITY, f64::min);
            prop_assert!((got - best).abs() < 1e-6, "{got} vs {best}");
        }

        /// Many at once (runs of homes sharing one search, or one by one when a run's
        /// candidates are many) gives, in input order, what one at a time gives.
        #[test]
        fn nearest_many_equals_one_at_a_time(
            shelters in proptest::collection::vec((133.0f64..134.0, 33.0f64..34.0, any::<bool>()), 0..200),
            homes in proptest::collection::vec((133.0f64..134.0, 33.0f64..34.0), 0..2000),
            k in 1usize..4,
        ) {
            let s: Vec<ShelterPoint> = shelters.iter().map(|(x, y, t)| shelter(*x, *y, *t)).collect();
            let idx = ShelterIndex::new(&s);
            let one: Vec<Vec<Found>> = homes.iter().map(|(x, y)| idx.nearest(HazardKind::Tsunami, *x, *y, k)).collect();
            prop_assert_eq!(idx.nearest_many(HazardKind::Tsunami, &homes, k), one);
        }
    }
}
