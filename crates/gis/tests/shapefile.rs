//! Shapefile reading: small layers written here (shapefile's writer for .shp/.shx, dbase's for
//! .dbf, in CP932 and UTF-8), loose and zipped, checked against the GeoJSON reader.
#![allow(clippy::expect_used)]

use std::io::{Cursor, Write};

use dbase::encoding::EncodingRs;
use dbase::{FieldName, FieldValue, Record, TableWriterBuilder};
use encoding_rs::{Encoding, SHIFT_JIS, UTF_8};
use proptest::prelude::*;
use shapefile::{Point, Polygon, PolygonRing, ShapeWriter};
use tsunagi_gis::layers::{self, FeatureError, Mapping, Rule, mapping};
use tsunagi_gis::shapefile::{
    ShapefileParts, read_shapefile, read_shapefile_zip, read_shapefile_zip_entry, shapefiles_in_zip,
};
use tsunagi_gis::{HazardIndex, HazardKind, LandslideZone, Severity, Zone, parse_band};

/// An attribute value to write.
#[derive(Clone, Debug)]
enum V {
    T(&'static str),
    N(f64),
}

/// One record: its rings (clockwise outer, counter-clockwise holes, as given) and attributes.
struct Rec {
    rings: Vec<Vec<(f64, f64)>>,
    attrs: Vec<(&'static str, V)>,
}

/// The files of one layer.
struct Files {
    shp: Vec<u8>,
    shx: Vec<u8>,
    dbf: Vec<u8>,
    cpg: Option<Vec<u8>>,
    prj: Option<Vec<u8>>,
}

impl Files {
    fn parts(&self) -> ShapefileParts<'_> {
        ShapefileParts {
            shp: &self.shp,
            shx: Some(&self.shx),
            dbf: &self.dbf,
            cpg: self.cpg.as_deref(),
            prj: self.prj.as_deref(),
        }
    }
}

const JGD2011: &str = r#"GEOGCS["GCS_JGD_2011",DATUM["D_JGD_2011",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;

/// Writes a layer, the .dbf text in `encoding`; `cpg` is the .cpg's text (none: no .cpg).
/// The order of `rings` is kept: a ring is an outer ring or a hole by its orientation.
fn write(recs: &[Rec], encoding: &'static Encoding, cpg: Option<&str>) -> Files {
    let mut shp = Cursor::new(Vec::new());
    let mut shx = Cursor::new(Vec::new());
    {
        let mut w = ShapeWriter::with_shx(&mut shp, &mut shx);
        for r in recs {
            let rings = r
                .rings
                .iter()
                .map(|ring| {
                    let pts: Vec<Point> = ring.iter().map(|(x, y)| Point::new(*x, *y)).collect();
                    PolygonRing::from(pts)
                })
                .collect();
            w.write_shape(&Polygon::with_rings(rings)).expect("shape");
        }
        w.finalize().expect("finalize");
    }
    let mut dbf = Cursor::new(Vec::new());
    {
        let mut b = TableWriterBuilder::with_encoding(EncodingRs::from(encoding));
        for (name, v) in &recs[0].attrs {
            let name = FieldName::try_from(*name).expect("name");
            b = match v {
                V::T(_) => b.add_character_field(name, 60),
                V::N(_) => b.add_numeric_field(name, 10, 0),
            };
        }
        let mut w = b.build_with_dest(&mut dbf);
        for r in recs {
            let mut rec = Record::default();
            for (name, v) in &r.attrs {
                let value = match v {
                    V::T(s) => FieldValue::Character(Some((*s).to_owned())),
                    V::N(x) => FieldValue::Numeric(Some(*x)),
                };
                rec.insert((*name).to_owned(), value);
            }
            w.write_record(&rec).expect("record");
        }
        w.finalize().expect("finalize dbf");
    }
    Files {
        shp: shp.into_inner(),
        shx: shx.into_inner(),
        dbf: dbf.into_inner(),
        cpg: cpg.map(|c| c.as_bytes().to_vec()),
        prj: Some(JGD2011.as_bytes().to_vec()),
    }
}

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("start");
        z.write_all(bytes).expect("write");
    }
    z.finish().expect("finish").into_inner()
}

/// The layer's files in a zip under `dir/stem.*`.
fn zipped(f: &Files, dir: &str, stem: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![
        (format!("{dir}{stem}.shp"), f.shp.clone()),
        (format!("{dir}{stem}.shx"), f.shx.clone()),
        (format!("{dir}{stem}.dbf"), f.dbf.clone()),
    ];
    out.extend(f.cpg.clone().map(|c| (format!("{dir}{stem}.cpg"), c)));
    out.extend(f.prj.clone().map(|c| (format!("{dir}{stem}.prj"), c)));
    out
}

fn zip_owned(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    zip(&refs)
}

/// A clockwise square (an outer ring in a shapefile).
fn cw(x: f64, y: f64, s: f64) -> Vec<(f64, f64)> {
    vec![(x, y), (x, y + s), (x + s, y + s), (x + s, y), (x, y)]
}

/// A counter-clockwise square (a hole).
fn ccw(x: f64, y: f64, s: f64) -> Vec<(f64, f64)> {
    let mut r = cw(x, y, s);
    r.reverse();
    r
}

fn rec(rings: Vec<Vec<(f64, f64)>>, attrs: &[(&'static str, V)]) -> Rec {
    Rec {
        rings,
        attrs: attrs.to_vec(),
    }
}

fn band(text: &str) -> Severity {
    Severity::Depth(parse_band(text).expect("band"))
}

#[test]
fn a40_in_cp932_without_cpg_in_a_zip_subfolder() {
    let bands = [
        "0.3m以上 ～ 0.5m未満",
        "１ｍ以上～３ｍ未満",
        "5m以上10m未満",
    ];
    let recs: Vec<Rec> = bands
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let x = 130.5 + i as f64 * 0.1;
            rec(
                vec![cw(x, 31.5, 0.05)],
                &[("A40_001", V::T("鹿児島県")), ("A40_003", V::T(b))],
            )
        })
        .collect();
    let mut files = write(&recs, SHIFT_JIS, None);
    // Older releases: no .cpg and no code page mark in the header.
    files.dbf[29] = 0;
    let mut entries = zipped(&files, "A40-20_46_GML/", "A40-20_46");
    entries.push(("__MACOSX/A40-20_46_GML/._A40-20_46.shp".into(), vec![0; 8]));
    entries.push((
        "A40-20_46_GML/KS-META-A40-20_46.xml".into(),
        b"<x/>".to_vec(),
    ));
    let z = read_shapefile_zip(&zip_owned(&entries), mapping("A40").expect("A40"), 3).expect("ok");
    assert_eq!(z.len(), 3);
    for (zone, b) in z.iter().zip(bands) {
        assert_eq!(zone.class.kind, HazardKind::Tsunami);
        assert_eq!(zone.class.severity, band(b));
        assert_eq!(zone.class.layer, 3);
    }
    // The same table with its code page mark (0x13) and no .cpg reads the same.
    let with_mark = write(&recs, SHIFT_JIS, None);
    assert_eq!(with_mark.dbf[29], 0x13);
    let z2 = read_shapefile(with_mark.parts(), mapping("A40").expect("A40"), 3).expect("ok");
    assert_eq!(z2.len(), 3);
}

#[test]
fn cp932_with_each_cpg_spelling_and_utf8_with_a_cpg() {
    let recs = [rec(
        vec![cw(133.5, 33.5, 0.1)],
        &[("A40_003", V::T("1.0～2.0m"))],
    )];
    for label in [
        "932",
        "CP932",
        "SJIS",
        "Shift_JIS",
        "windows-31j",
        "ANSI 932\r\n",
    ] {
        let f = write(&recs, SHIFT_JIS, Some(label));
        let z = read_shapefile(f.parts(), mapping("A40").expect("A40"), 1).expect(label);
        assert_eq!(z[0].class.severity, band("1.0～2.0m"), "{label}");
    }
    let f = write(&recs, UTF_8, Some("UTF-8"));
    let z = read_shapefile(f.parts(), mapping("A40").expect("A40"), 1).expect("utf-8");
    assert_eq!(z[0].class.severity, band("1.0～2.0m"));
    // UTF-8 without a .cpg is found too.
    let f = write(&recs, UTF_8, None);
    assert!(read_shapefile(f.parts(), mapping("A40").expect("A40"), 1).is_ok());
    // CP932 bytes under a .cpg that says UTF-8: that record cannot be read.
    let f = write(&recs, SHIFT_JIS, Some("UTF-8"));
    let e = read_shapefile(f.parts(), mapping("A40").expect("A40"), 1).expect_err("wrong cpg");
    assert_eq!(e[0].feature, 1, "{e:?}");
    // An unknown .cpg is named in the error.
    let f = write(&recs, UTF_8, Some("KOI-NANIKA"));
    let e = read_shapefile(f.parts(), mapping("A40").expect("A40"), 1).expect_err("unknown");
    assert!(e[0].reason.contains("KOI-NANIKA"), "{e:?}");
}

#[test]
fn a33_before_designation_from_numeric_codes() {
    let recs: Vec<Rec> = (1..=4)
        .map(|code| {
            rec(
                vec![cw(133.0 + f64::from(code) * 0.1, 33.5, 0.05)],
                &[
                    ("A33_001", V::N(1.0)),
                    ("A33_002", V::N(f64::from(code))),
                    ("A33_005", V::T("本町一丁目")),
                ],
            )
        })
        .collect();
    let f = write(&recs, UTF_8, Some("UTF-8"));
    let z = read_shapefile(f.parts(), mapping("A33").expect("A33"), 2).expect("ok");
    let got: Vec<Severity> = z.iter().map(|z| z.class.severity).collect();
    let zone = |special, designated| {
        Severity::Landslide(LandslideZone {
            special,
            designated,
        })
    };
    assert_eq!(
        got,
        vec![
            zone(false, true),
            zone(true, true),
            zone(false, false),
            zone(true, false)
        ]
    );
    assert_eq!(z[3].class.severity.label(), "特別警戒区域（指定前）");
}

#[test]
fn holes_go_to_the_outer_ring_that_contains_them() {
    // One record: a big square with a hole, and an island inside the hole (listed first).
    let recs = [rec(
        vec![
            cw(133.04, 33.04, 0.02),
            cw(133.0, 33.0, 0.1),
            ccw(133.03, 33.03, 0.04),
        ],
        &[("A31_201", V::T("3"))],
    )];
    let f = write(&recs, UTF_8, Some("UTF-8"));
    let z = read_shapefile(f.parts(), mapping("A31-max").expect("map"), 1).expect("ok");
    assert_eq!(z.len(), 1);
    let polys = &z[0].shape.0;
    assert_eq!(polys.len(), 2);
    assert_eq!(polys[0].interiors().len(), 0, "the island has no hole");
    assert_eq!(polys[1].interiors().len(), 1, "the big square has the hole");
    let idx = HazardIndex::new(z);
    assert!(idx.classify(133.01, 33.01).of(HazardKind::Flood).is_some());
    assert!(
        idx.classify(133.035, 33.035)
            .of(HazardKind::Flood)
            .is_none()
    );
    assert!(idx.classify(133.05, 33.05).of(HazardKind::Flood).is_some());
}

#[test]
fn every_bad_record_is_reported_by_number_and_nothing_is_returned() {
    let a = |t: &'static str| [("A40_003", V::T(t))];
    let recs = [
        rec(vec![cw(133.0, 33.0, 0.1)], &a("1m以上2m未満")),
        rec(vec![cw(133.0, 33.0, 0.1)], &a("よくわからない")),
        rec(vec![cw(33.0, 133.0, 0.1)], &a("1m以上2m未満")),
        rec(vec![cw(0.5, 0.5, 0.1)], &a("1m以上2m未満")),
        // A bow-tie (self-intersecting).
        rec(
            vec![vec![
                (133.0, 33.0),
                (133.1, 33.1),
                (133.1, 33.0),
                (133.0, 33.1),
                (133.0, 33.0),
            ]],
            &a("1m以上2m未満"),
        ),
        // Too few points.
        rec(
            vec![vec![(133.0, 33.0), (133.1, 33.1), (133.0, 33.0)]],
            &a("1m以上2m未満"),
        ),
        rec(vec![cw(133.2, 33.0, 0.1)], &a("1m以上2m未満")),
    ];
    let f = write(&recs, SHIFT_JIS, Some("CP932"));
    let e = read_shapefile(f.parts(), mapping("A40").expect("A40"), 1).expect_err("bad");
    let numbers: Vec<usize> = e.iter().map(|e| e.feature).collect();
    assert_eq!(numbers, vec![2, 3, 4, 5, 6], "{e:?}");
    assert!(e[0].reason.contains("よくわからない"));
    assert!(e[1].reason.contains("順序が逆"));
    assert!(e[2].reason.contains("範囲外"));
    assert!(e[3].reason.contains("不正な図形"), "{}", e[3].reason);
    assert!(e[4].reason.contains("足りません"), "{}", e[4].reason);
}

#[test]
fn a_deleted_record_is_skipped_and_numbers_are_kept() {
    let recs = [
        rec(
            vec![cw(133.0, 33.0, 0.1)],
            &[("A40_003", V::T("1m以上2m未満"))],
        ),
        rec(vec![cw(133.2, 33.0, 0.1)], &[("A40_003", V::T("だめ"))]),
        rec(vec![cw(133.4, 33.0, 0.1)], &[("A40_003", V::T("だめ"))]),
    ];
    let mut f = write(&recs, UTF_8, Some("UTF-8"));
    let start = usize::from(u16::from_le_bytes([f.dbf[8], f.dbf[9]]));
    let size = usize::from(u16::from_le_bytes([f.dbf[10], f.dbf[11]]));
    f.dbf[start + size] = b'*';
    let e = read_shapefile(f.parts(), mapping("A40").expect("A40"), 1).expect_err("bad");
    assert_eq!(e.iter().map(|e| e.feature).collect::<Vec<_>>(), vec![3]);
    f.dbf[start + 2 * size] = b'*';
    let z = read_shapefile(f.parts(), mapping("A40").expect("A40"), 1).expect("ok");
    assert_eq!(z.len(), 1);
}

#[test]
fn projected_and_tokyo_datum_files_are_refused() {
    let recs = [rec(
        vec![cw(133.0, 33.0, 0.1)],
        &[("A40_003", V::T("1m以上2m未満"))],
    )];
    let mut f = write(&recs, UTF_8, Some("UTF-8"));
    f.prj = Some(br#"PROJCS["JGD_2011_Japan_Zone_4",GEOGCS["GCS_JGD_2011",DATUM["D_JGD_2011",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],UNIT["Meter",1.0]]"#.to_vec());
    let e = read_shapefile(f.parts(), mapping("A40").expect("A40"), 1).expect_err("projected");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].feature, 0);
    assert!(e[0].reason.contains("投影座標系"), "{e:?}");
    assert!(e[0].reason.contains("JGD_2011_Japan_Zone_4"), "{e:?}");
    f.prj = Some(br#"GEOGCS["GCS_Tokyo",DATUM["D_Tokyo",SPHEROID["Bessel_1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#.to_vec());
    let e = read_shapefile(f.parts(), mapping("A40").expect("A40"), 1).expect_err("tokyo");
    assert!(e[0].reason.contains("旧日本測地系"), "{e:?}");
    f.prj = None;
    assert!(read_shapefile(f.parts(), mapping("A40").expect("A40"), 1).is_ok());
}

/// A layer whose .shp is `shp` (zeros: a bomb's favourite), with a real .dbf beside it.
fn bomb_zip(shp: &[u8]) -> Vec<u8> {
    let recs = [rec(vec![cw(133.0, 33.0, 0.1)], &[("A31_201", V::N(2.0))])];
    let f = write(&recs, UTF_8, Some("UTF-8"));
    zip(&[("bomb.shp", shp), ("bomb.dbf", &f.dbf)])
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_inflated() {
    // 64 MiB of zeros deflate to about 64 KB: a ratio of about 1,000.
    let zeros = vec![0u8; 64 << 20];
    let bomb = bomb_zip(&zeros);
    assert!(bomb.len() < 1 << 20, "the bomb is small: {}", bomb.len());
    let map = mapping("A31-max").expect("map");
    let e = read_shapefile_zip(&bomb, map, 1).expect_err("bomb");
    assert!(e[0].reason.contains("圧縮率が異常"), "{e:?}");
    assert!(e[0].reason.contains("bomb.shp"), "{e:?}");
}

#[test]
fn a_zip_that_lies_about_its_sizes_inflates_no_further_than_it_says() {
    let zeros = vec![0u8; 8 << 20];
    let mut z = bomb_zip(&zeros);
    // Rewrite bomb.shp's uncompressed size to 1,000 bytes in its local and central headers.
    let patch = |z: &mut Vec<u8>, signature: [u8; 4], at: usize| {
        let start = z.windows(4).position(|w| w == signature).expect("header");
        z[start + at..start + at + 4].copy_from_slice(&1000u32.to_le_bytes());
    };
    patch(&mut z, [0x50, 0x4b, 0x03, 0x04], 22);
    patch(&mut z, [0x50, 0x4b, 0x01, 0x02], 24);
    let map = mapping("A31-max").expect("map");
    let e = read_shapefile_zip(&z, map, 1).expect_err("liar");
    assert!(
        e[0].reason.contains("書かれている大きさより大きく") || e[0].reason.contains("読めません"),
        "{e:?}"
    );
}

#[test]
fn zips_with_several_layers_or_none() {
    let recs = [rec(vec![cw(133.0, 33.0, 0.1)], &[("A31_201", V::N(2.0))])];
    let f = write(&recs, UTF_8, Some("UTF-8"));
    let mut entries = zipped(&f, "A31-12_39/", "A31-12_39_01");
    entries.extend(zipped(&f, "A31-12_39/", "A31-12_39_02"));
    let two = zip_owned(&entries);
    let map = mapping("A31-max").expect("map");
    let e = read_shapefile_zip(&two, map, 1).expect_err("two layers");
    assert!(e[0].reason.contains("A31-12_39/A31-12_39_01.shp"), "{e:?}");
    assert!(e[0].reason.contains("A31-12_39/A31-12_39_02.shp"), "{e:?}");
    let names = shapefiles_in_zip(&two).expect("names");
    assert_eq!(names.len(), 2);
    let z = read_shapefile_zip_entry(&two, &names[1], map, 1).expect("one of them");
    assert_eq!(z.len(), 1);

    let none = zip(&[("readme.txt", b"x")]);
    let e = read_shapefile_zip(&none, map, 1).expect_err("none");
    assert!(e[0].reason.contains("readme.txt"), "{e:?}");
    let e = read_shapefile_zip(b"not a zip", map, 1).expect_err("not a zip");
    assert!(e[0].reason.contains("zip"), "{e:?}");
    let without_dbf: Vec<_> = zipped(&f, "", "x")
        .into_iter()
        .filter(|(n, _)| !n.ends_with(".dbf"))
        .collect();
    let e = read_shapefile_zip(&zip_owned(&without_dbf), map, 1).expect_err("no dbf");
    assert!(e[0].reason.contains("x.dbf"), "{e:?}");
}

#[test]
fn a_municipal_map_under_a_custom_mapping() {
    let recs = [
        rec(
            vec![cw(133.0, 33.0, 0.1)],
            &[("RANK", V::N(2.0)), ("NAME", V::T("内水"))],
        ),
        rec(
            vec![cw(133.2, 33.0, 0.1)],
            &[("RANK", V::N(0.0)), ("NAME", V::T("内水"))],
        ),
    ];
    let f = write(&recs, UTF_8, Some("UTF-8"));
    let rule: Rule = "浸水深ランク：ｒａｎｋ".parse().expect("rule");
    let m = Mapping::custom(HazardKind::InlandFlood, rule, "内水ハザードマップ".into());
    let e = read_shapefile(f.parts(), &m, 9).expect_err("rank 0");
    assert_eq!(e[0].feature, 2);
    let present = Mapping::custom(HazardKind::HouseCollapse, Rule::Present, "家屋倒壊".into());
    let z = read_shapefile(f.parts(), &present, 9).expect("ok");
    assert_eq!(z.len(), 2);
    assert_eq!(z[0].class.kind, HazardKind::HouseCollapse);
    let wrong = Mapping::custom(
        HazardKind::InlandFlood,
        "band:DEPTH".parse().expect("rule"),
        "x".into(),
    );
    let e = read_shapefile(f.parts(), &wrong, 9).expect_err("no such field");
    assert_eq!(e.len(), 1);
    assert!(
        e[0].reason.contains("DEPTH") && e[0].reason.contains("RANK"),
        "{e:?}"
    );
}

/// Coordinates as equal as text round trips allow (serde_json's default float parsing may
/// differ in the last bit).
fn near(a: &geo::MultiPolygon<f64>, b: &geo::MultiPolygon<f64>) -> bool {
    use geo::CoordsIter;
    a.0.len() == b.0.len()
        && a.0
            .iter()
            .zip(&b.0)
            .all(|(p, q)| p.interiors().len() == q.interiors().len())
        && a.coords_count() == b.coords_count()
        && a.coords_iter()
            .zip(b.coords_iter())
            .all(|(c, d)| (c.x - d.x).abs() < 1e-12 && (c.y - d.y).abs() < 1e-12)
}

/// The same zones from both readers, or the same bad features.
fn same(
    a: &Result<Vec<Zone>, Vec<FeatureError>>,
    b: &Result<Vec<Zone>, Vec<FeatureError>>,
) -> bool {
    match (a, b) {
        (Ok(a), Ok(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| near(&x.shape, &y.shape) && x.class == y.class)
        }
        (Err(a), Err(b)) => {
            a.iter().map(|e| e.feature).collect::<Vec<_>>()
                == b.iter().map(|e| e.feature).collect::<Vec<_>>()
        }
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    /// Random star-shaped polygons (some self-intersecting), some with a hole, with random
    /// ranks: the Shapefile and GeoJSON readers agree.
    #[test]
    fn shapefile_and_geojson_readers_agree(
        features in proptest::collection::vec(
            (proptest::collection::vec(0.5f64..1.0, 5..30), any::<bool>(), any::<bool>(), 1u8..7),
            1..8,
        )
    ) {
        let mut recs = Vec::new();
        let mut json = Vec::new();
        for (i, (radii, hole, shuffle, rank)) in features.iter().enumerate() {
            let (cx, cy, r) = (130.0 + i as f64 * 0.3, 33.0, 0.1);
            let n = radii.len();
            // Clockwise: decreasing angles.
            let mut outer: Vec<(f64, f64)> = radii.iter().enumerate().map(|(k, f)| {
                let a = -std::f64::consts::TAU * k as f64 / n as f64;
                (cx + r * f * a.cos(), cy + r * f * a.sin())
            }).collect();
            if *shuffle { outer.swap(1, n / 2); }
            outer.push(outer[0]);
            let mut rings = vec![outer];
            if *hole { rings.push(ccw(cx - r * 0.2, cy - r * 0.2, r * 0.4)); }
            let coords: Vec<String> = rings.iter().map(|ring| {
                let pts: Vec<String> = ring.iter().map(|(x, y)| format!("[{x},{y}]")).collect();
                format!("[{}]", pts.join(","))
            }).collect();
            json.push(format!(
                r#"{{"type":"Feature","properties":{{"A31_201":{rank}}},"geometry":{{"type":"Polygon","coordinates":[{}]}}}}"#,
                coords.join(",")
            ));
            recs.push(Rec { rings, attrs: vec![("A31_201", V::N(f64::from(*rank)))] });
        }
        let geojson = format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, json.join(","));
        let m = mapping("A31-max").expect("map");
        let from_json = layers::read_geojson(geojson.as_bytes(), m, 1);
        let files = write(&recs, UTF_8, Some("UTF-8"));
        let from_shp = read_shapefile(files.parts(), m, 1);
        prop_assert!(same(&from_json, &from_shp), "{:?}\n{:?}", from_json.as_ref().map(Vec::len), from_shp.as_ref().map(Vec::len));
        let from_zip = read_shapefile_zip(&zip_owned(&zipped(&files, "", "layer")), m, 1);
        let exact = match (&from_shp, &from_zip) {
            (Ok(a), Ok(b)) => a.iter().zip(b).all(|(x, y)| x.shape == y.shape),
            _ => true,
        };
        prop_assert!(exact && same(&from_shp, &from_zip));
    }
}
