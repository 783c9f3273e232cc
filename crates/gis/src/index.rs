//! Classifying homes: an R-tree of zone envelopes, then an exact point-in-polygon test on the
//! few candidates. A home on a zone's boundary is in the zone.

use geo::{BoundingRect, Intersects, MultiPolygon, Point};
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

/// Every zone, indexed.
pub struct HazardIndex {
    zones: Vec<Zone>,
    tree: RTree<Entry>,
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

impl HazardIndex {
    /// Bulk-loads the index (zones without area are skipped).
    pub fn new(zones: Vec<Zone>) -> Self {
        let entries: Vec<Entry> = zones
            .iter()
            .enumerate()
            .filter_map(|(i, z)| {
                let r = z.shape.bounding_rect()?;
                let id = u32::try_from(i).ok()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    id,
                ))
            })
            .collect();
        Self {
            zones,
            tree: RTree::bulk_load(entries),
        }
    }

    pub fn len(&self) -> usize {
        self.zones.len()
    }

    pub fn is_empty(&self) -> bool {
        self.zones.is_empty()
    }

    /// The worst zone of each kind containing (lon, lat).
    pub fn classify(&self, lon: f64, lat: f64) -> HomeClassification {
        let mut out = HomeClassification::default();
        let p = Point::new(lon, lat);
        for e in self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_point([lon, lat]))
        {
            let Some(z) = self.zones.get(e.data as usize) else {
                continue;
            };
            let slot = &mut out.worst[z.class.kind.index()];
            if slot.is_some_and(|w| w.severity.key() >= z.class.severity.key()) {
                continue;
            }
            if z.shape.intersects(&p) {
                *slot = Some(z.class);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::depth::band_of_rank;
    use crate::hazard::{LandslideZone, Severity};
    use geo::{LineString, Polygon};
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
    }
}
