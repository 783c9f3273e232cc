//! The nearest suitable shelters of a home: an R-tree per hazard kind on an equirectangular
//! projection around the area's mean latitude (x = lon·cos(lat0)), whose candidates are then
//! re-ranked by the great-circle distance in metres. Distances are straight lines (直線距離),
//! not walking routes.

use geo::{Distance, Haversine, Point};
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
    points: Vec<Point<f64>>,
}

/// A shelter found: its position in the input and the straight-line distance in metres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Found {
    pub shelter: u32,
    pub metres: f64,
}

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
            points: shelters.iter().map(|s| Point::new(s.lon, s.lat)).collect(),
        }
    }

    /// The `k` nearest shelters suitable for `kind`, nearest first. Candidates are taken from
    /// the projection generously (k + 4) and re-ranked by great-circle distance, which the
    /// projection approximates to well under a percent within a prefecture.
    pub fn nearest(&self, kind: HazardKind, lon: f64, lat: f64, k: usize) -> Vec<Found> {
        let Some(tree) = self.trees.get(kind.index()) else {
            return Vec::new();
        };
        let home = Point::new(lon, lat);
        let mut found: Vec<Found> = tree
            .nearest_neighbor_iter(&[lon * self.cos_lat0, lat])
            .take(k + 4)
            .filter_map(|e| {
                let p = self.points.get(e.data as usize)?;
                Some(Found {
                    shelter: e.data,
                    metres: Haversine.distance(home, *p),
                })
            })
            .collect();
        found.sort_by(|a, b| a.metres.total_cmp(&b.metres));
        found.truncate(k);
        found
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
        crate::index::in_spatial_order(points, threads, |x, y| keep(&self.nearest(kind, x, y, k)))
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
        order.map(threads, |x, y| keep(&self.nearest(kind, x, y, k)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

        /// Many at once gives, in input order, what one at a time gives.
        #[test]
        fn nearest_many_equals_one_at_a_time(
            shelters in proptest::collection::vec((133.0f64..134.0, 33.0f64..34.0, any::<bool>()), 0..40),
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
