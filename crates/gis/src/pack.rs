//! Zones packed for storage: a compact binary form that loads without parsing text. A pack
//! holds many zones; classification decodes the packs of a layer on all cores.
//!
//! Coordinates written with at most seven decimals (as 国土数値情報 and GeoJSON exports are)
//! are kept as integers of 10⁻⁷ degree, each point as the zig-zag varint of its difference
//! from the one before: about four bytes a point instead of sixteen, and exact — `n / 1e7`
//! is the `f64` nearest to the decimal, as parsing its text gives. A ring with any other
//! coordinate is kept as raw `f64`s. Decoding gives back exactly the zones encoded.
//!
//! ```text
//! pack  := "TZP1" u32:zones zone*
//! zone  := u8:kind severity u32:polygons polygon*
//! severity := 0 f64:lower u8:has_upper f64:upper | 1 u8:flags | 2
//! polygon := u32:rings ring*
//! ring  := u32:points u8:form (0 f64 f64 … | 1 varint varint …)
//! ```

use geo::{Coord, LineString, MultiPolygon, Polygon};

use crate::depth::DepthBand;
use crate::hazard::{HazardKind, LandslideZone, Severity, ZoneClass};
use crate::index::Zone;

const MAGIC: &[u8; 4] = b"TZP1";
const SCALE: f64 = 1e7;

/// A pack that cannot be read (written by another version, or damaged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("hazard zone pack unreadable at byte {at}: {what}")]
pub struct PackError {
    pub at: usize,
    pub what: &'static str,
}

/// Packs zones (their `class.layer` is not stored: the reader gives it).
pub fn encode(zones: &[Zone]) -> Vec<u8> {
    let points: usize = zones
        .iter()
        .flat_map(|z| z.shape.0.iter())
        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
        .sum();
    let mut out = Vec::with_capacity(16 + zones.len() * 32 + points * 5);
    out.extend_from_slice(MAGIC);
    put_u32(&mut out, zones.len());
    for z in zones {
        out.push(kind_code(z.class.kind));
        match z.class.severity {
            Severity::Depth(b) => {
                out.push(0);
                out.extend_from_slice(&b.lower_m.to_le_bytes());
                out.push(u8::from(b.upper_m.is_some()));
                out.extend_from_slice(&b.upper_m.unwrap_or(0.0).to_le_bytes());
            }
            Severity::Landslide(l) => {
                out.push(1);
                out.push(u8::from(l.special) | (u8::from(l.designated) << 1));
            }
            Severity::Present => out.push(2),
        }
        put_u32(&mut out, z.shape.0.len());
        for p in &z.shape.0 {
            put_u32(&mut out, 1 + p.interiors().len());
            ring(&mut out, p.exterior());
            for hole in p.interiors() {
                ring(&mut out, hole);
            }
        }
    }
    out
}

fn put_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

/// The coordinate as an integer of 10⁻⁷ degree when that is exact.
fn fixed(v: f64) -> Option<i64> {
    let n = (v * SCALE).round();
    (n.abs() < 9.0e15 && n / SCALE == v).then_some(n as i64)
}

fn ring(out: &mut Vec<u8>, r: &LineString<f64>) {
    put_u32(out, r.0.len());
    let ints: Option<Vec<(i64, i64)>> =
        r.0.iter()
            .map(|c| Some((fixed(c.x)?, fixed(c.y)?)))
            .collect();
    match ints {
        Some(ints) => {
            out.push(1);
            let (mut px, mut py) = (0i64, 0i64);
            for (x, y) in ints {
                varint(out, zigzag(x - px));
                varint(out, zigzag(y - py));
                (px, py) = (x, y);
            }
        }
        None => {
            out.push(0);
            for c in &r.0 {
                out.extend_from_slice(&c.x.to_le_bytes());
                out.extend_from_slice(&c.y.to_le_bytes());
            }
        }
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn kind_code(k: HazardKind) -> u8 {
    u8::try_from(k.index()).unwrap_or(u8::MAX)
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn err(&self, what: &'static str) -> PackError {
        PackError { at: self.i, what }
    }
    fn bytes<const N: usize>(&mut self) -> Result<[u8; N], PackError> {
        let s = self
            .b
            .get(self.i..self.i + N)
            .ok_or_else(|| self.err("truncated"))?;
        self.i += N;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }
    fn u8(&mut self) -> Result<u8, PackError> {
        Ok(self.bytes::<1>()?[0])
    }
    fn u32(&mut self) -> Result<usize, PackError> {
        Ok(u32::from_le_bytes(self.bytes()?) as usize)
    }
    fn f64(&mut self) -> Result<f64, PackError> {
        Ok(f64::from_le_bytes(self.bytes()?))
    }
    fn varint(&mut self) -> Result<u64, PackError> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = *self
                .b
                .get(self.i)
                .ok_or_else(|| self.err("truncated varint"))?;
            self.i += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                return Err(self.err("varint too long"));
            }
        }
    }
    /// A count of items of at least `min_bytes` each, checked against what is left.
    fn count(&mut self, min_bytes: usize) -> Result<usize, PackError> {
        let n = self.u32()?;
        if n.saturating_mul(min_bytes) > self.b.len() - self.i {
            return Err(self.err("count beyond the pack"));
        }
        Ok(n)
    }
    fn ring(&mut self) -> Result<LineString<f64>, PackError> {
        let n = self.count(2)?;
        let mut coords = Vec::with_capacity(n);
        match self.u8()? {
            0 => {
                for _ in 0..n {
                    coords.push(Coord {
                        x: self.f64()?,
                        y: self.f64()?,
                    });
                }
            }
            1 => {
                let (mut x, mut y) = (0i64, 0i64);
                for _ in 0..n {
                    x += unzigzag(self.varint()?);
                    y += unzigzag(self.varint()?);
                    coords.push(Coord {
                        x: x as f64 / SCALE,
                        y: y as f64 / SCALE,
                    });
                }
            }
            _ => return Err(self.err("ring form")),
        }
        Ok(LineString::new(coords))
    }
}

/// Unpacks the zones of one pack, numbering them as layer `layer`.
pub fn decode(bytes: &[u8], layer: u32) -> Result<Vec<Zone>, PackError> {
    let mut r = Reader { b: bytes, i: 0 };
    if r.bytes::<4>()? != *MAGIC {
        return Err(r.err("not a zone pack"));
    }
    let zones = r.count(3)?;
    let mut out = Vec::with_capacity(zones);
    for _ in 0..zones {
        let kind = *HazardKind::ALL
            .get(usize::from(r.u8()?))
            .ok_or_else(|| r.err("hazard kind"))?;
        let severity = match r.u8()? {
            0 => {
                let lower_m = r.f64()?;
                let has_upper = r.u8()? != 0;
                let upper = r.f64()?;
                Severity::Depth(DepthBand {
                    lower_m,
                    upper_m: has_upper.then_some(upper),
                })
            }
            1 => {
                let flags = r.u8()?;
                Severity::Landslide(LandslideZone {
                    special: flags & 1 != 0,
                    designated: flags & 2 != 0,
                })
            }
            2 => Severity::Present,
            _ => return Err(r.err("severity")),
        };
        let polygons = r.count(4)?;
        let mut shape = Vec::with_capacity(polygons);
        for _ in 0..polygons {
            let rings = r.count(5)?;
            if rings == 0 {
                return Err(r.err("polygon without rings"));
            }
            let outer = r.ring()?;
            let holes = (1..rings).map(|_| r.ring()).collect::<Result<_, _>>()?;
            shape.push(Polygon::new(outer, holes));
        }
        out.push(Zone {
            shape: MultiPolygon::new(shape),
            class: ZoneClass {
                kind,
                severity,
                layer,
            },
        });
    }
    if r.i != bytes.len() {
        return Err(r.err("bytes after the last zone"));
    }
    Ok(out)
}

/// Packs zones in groups of `per_pack`, on all cores; the packs in order.
pub fn encode_many(zones: &[Zone], per_pack: usize, threads: usize) -> Vec<Vec<u8>> {
    let chunks: Vec<&[Zone]> = zones.chunks(per_pack.max(1)).collect();
    parallel(&chunks, threads, |c| encode(c))
}

/// Unpacks many packs on all cores; the zones in pack order.
pub fn decode_many(packs: &[Vec<u8>], layer: u32, threads: usize) -> Result<Vec<Zone>, PackError> {
    let decoded = parallel(packs, threads, |p| decode(p, layer));
    let mut out = Vec::new();
    for d in decoded {
        out.extend(d?);
    }
    Ok(out)
}

/// `f` over `items` on up to `threads` scoped threads, results in input order.
fn parallel<I: Sync, T: Send>(items: &[I], threads: usize, f: impl Fn(&I) -> T + Sync) -> Vec<T> {
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|chunk| {
                let f = &f;
                s.spawn(move || chunk.iter().map(f).collect::<Vec<T>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn zone(rings: Vec<Vec<(f64, f64)>>, severity: Severity, kind: HazardKind) -> Zone {
        let mut it = rings.into_iter().map(LineString::from);
        let outer = it.next().unwrap_or_else(|| LineString::new(vec![]));
        Zone {
            shape: MultiPolygon::new(vec![Polygon::new(outer, it.collect())]),
            class: ZoneClass {
                kind,
                severity,
                layer: 3,
            },
        }
    }

    fn same(a: &[Zone], b: &[Zone]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x.shape == y.shape && x.class == y.class)
    }

    #[test]
    fn zones_come_back_exactly() {
        let zones = vec![
            zone(
                vec![
                    vec![
                        (133.1234567, 33.5),
                        (133.2, 33.5),
                        (133.2, 33.6),
                        (133.1234567, 33.5),
                    ],
                    vec![
                        (133.15, 33.52),
                        (133.16, 33.52),
                        (133.16, 33.53),
                        (133.15, 33.52),
                    ],
                ],
                Severity::Depth(DepthBand {
                    lower_m: 0.5,
                    upper_m: Some(3.0),
                }),
                HazardKind::Flood,
            ),
            // More than seven decimals: kept as raw f64.
            zone(
                vec![vec![
                    (0.1 + 0.2, 1.0 / 3.0),
                    (2.0, 0.0),
                    (2.0, 2.0),
                    (0.1 + 0.2, 1.0 / 3.0),
                ]],
                Severity::Landslide(LandslideZone {
                    special: true,
                    designated: false,
                }),
                HazardKind::Landslide,
            ),
            zone(
                vec![vec![(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, -1.0)]],
                Severity::Depth(DepthBand {
                    lower_m: 20.0,
                    upper_m: None,
                }),
                HazardKind::Tsunami,
            ),
        ];
        let packed = encode(&zones);
        assert_eq!(
            decode(&packed, 3).ok().map(|z| same(&z, &zones)),
            Some(true)
        );
        let packs = encode_many(&zones, 2, 2);
        assert_eq!(packs.len(), 2);
        assert_eq!(
            decode_many(&packs, 3, 2).ok().map(|z| same(&z, &zones)),
            Some(true)
        );
    }

    #[test]
    fn a_damaged_pack_is_an_error_not_a_panic() {
        let zones = vec![zone(
            vec![vec![
                (133.0, 33.0),
                (133.1, 33.0),
                (133.1, 33.1),
                (133.0, 33.0),
            ]],
            Severity::Present,
            HazardKind::HouseCollapse,
        )];
        let packed = encode(&zones);
        for cut in 0..packed.len() {
            assert!(decode(&packed[..cut], 0).is_err(), "cut at {cut}");
        }
        let mut wrong = packed.clone();
        wrong[0] = b'X';
        assert!(decode(&wrong, 0).is_err());
        assert!(decode(&[packed.clone(), vec![0]].concat(), 0).is_err());
    }

    proptest! {
        /// Seven-decimal coordinates (as parsed from text) and any others come back bit for bit.
        #[test]
        fn any_coordinates_round_trip(
            pts in proptest::collection::vec((-1_800_000_000i64..1_800_000_000, -900_000_000i64..900_000_000), 3..40),
            raw in proptest::collection::vec((-180.0f64..180.0, -90.0f64..90.0), 3..10),
        ) {
            let text: Vec<(f64, f64)> = pts
                .iter()
                .map(|(x, y)| {
                    let p = |v: i64| format!("{}{}.{:07}", if v < 0 { "-" } else { "" }, v.abs() / 10_000_000, v.abs() % 10_000_000);
                    (p(*x).parse().unwrap_or(0.0), p(*y).parse().unwrap_or(0.0))
                })
                .collect();
            let zones = vec![
                zone(vec![text], Severity::Present, HazardKind::Flood),
                zone(vec![raw], Severity::Present, HazardKind::StormSurge),
            ];
            let back = decode(&encode(&zones), 3).unwrap_or_default();
            prop_assert!(same(&back, &zones));
        }
    }
}
