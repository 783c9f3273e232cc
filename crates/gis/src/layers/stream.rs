//! Streaming a FeatureCollection: the input is read in blocks and split into features by a
//! light scan (strings and brackets only) on the calling thread, while worker threads parse
//! and check the features in batches. The file is never held whole.
//!
//! Nothing is decided by the scan alone: every feature is parsed by serde_json on its own,
//! and the rest of the document (everything but the features' contents, `"features":[]`) is
//! parsed by serde_json as before, so a file is accepted exactly when the whole-file parse
//! would accept it. When the top level is not the plain shape (`{…, "features": [ {…}, … ],
//! …}` with the key written without escapes), the whole input is read and handed to
//! `whole` (serde's path over the complete text).

use std::io::Read;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use super::FeatureError;
use crate::index::Zone;

const BLOCK: usize = 4 << 20;
const BATCH_BYTES: usize = 1 << 20;

/// Features of one batch: their texts one after another, and where each ends.
struct Batch {
    number: usize,
    first_feature: usize,
    text: Vec<u8>,
    ends: Vec<usize>,
}

/// What a batch gave.
#[derive(Default)]
struct Done {
    number: usize,
    zones: Vec<Zone>,
    errors: Vec<FeatureError>,
    /// The first feature that is not UTF-8 / not JSON of a feature: the whole file fails.
    not_utf8: Option<(usize, String)>,
    not_json: Option<(usize, String)>,
}

/// The whole-file failures, in the order the former single parse reported them.
pub(super) enum Whole {
    Io(String),
    NotUtf8(String),
    NotJson(String),
}

/// What the caller does with a feature's text (its serde parse and conversion) and with a
/// whole document when the fast split does not apply.
pub(super) trait Features: Sync {
    /// One feature's text → its zones (none, or one per mapping it belongs to), or a feature
    /// error; `Err(Err(msg))` when the text is not a feature that serde reads (the whole file
    /// fails).
    fn feature(&self, text: &str, n: usize) -> Result<Vec<Zone>, Result<FeatureError, String>>;
    /// The document without its features' contents (`"features":[]`): `Err` when serde does
    /// not read it as a collection.
    fn skeleton(&self, text: &str) -> Result<(), String>;
    /// The complete document, by serde's path.
    fn whole(&self, bytes: Vec<u8>) -> Result<Vec<Zone>, Vec<FeatureError>>;
}

fn ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// The end of the string starting at `i` (a quote) — just past its closing quote — or `None`
/// when the bytes end first.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// The end of the object or array starting at `i`, or `None` when the bytes end first.
fn nested_end(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = string_end(b, i)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The end of the object starting at `i` (a `{`), or `None` when the bytes end first. Only
/// braces and strings are looked at — brackets cannot change where a valid object ends — so
/// the long runs of coordinates in between are skipped at memchr's speed. A feature that is
/// not valid JSON may be cut elsewhere than by [`nested_end`], but serde then refuses its
/// text either way, so the same files are accepted.
fn object_end(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        i += memchr::memchr3(b'"', b'{', b'}', b.get(i..)?)?;
        match b[i] {
            b'"' => {
                // Past the closing quote: the next quote not escaped.
                i += 1;
                loop {
                    i += memchr::memchr2(b'"', b'\\', b.get(i..)?)?;
                    if b[i] == b'"' {
                        break;
                    }
                    i += 2;
                }
            }
            b'{' => depth += 1,
            _ => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
        }
        i += 1;
    }
}

/// The end of a scalar (number or literal) starting at `i`, or `None` at the end of bytes.
fn scalar_end(b: &[u8], mut i: usize) -> Option<usize> {
    while i < b.len() {
        if ws(b[i]) || matches!(b[i], b',' | b']' | b'}') {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => nested_end(b, i),
        _ => scalar_end(b, i),
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && ws(b[i]) {
        i += 1;
    }
    i
}

/// The coordinates of a feature's geometry read straight from its text, when the feature is
/// written plainly (`"geometry"` an object whose `"type"`, `"Polygon"` or `"MultiPolygon"`
/// without escapes, comes before its `"coordinates"` of plain numbers): where the value
/// starts and ends, and the polygons (by [`super::coords`]). `None` for anything else. The
/// caller still has serde read the rest of the feature.
pub(super) fn geometry_coordinates(text: &str) -> Option<(usize, usize, super::coords::Rings)> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    // The feature's members, up to "geometry".
    loop {
        let (key, value) = member(b, i)?;
        if key == b"geometry" && b.get(value) == Some(&b'{') {
            i = value + 1;
            break;
        }
        i = next_member(b, value_end(b, value)?)?;
    }
    // The geometry's members, up to "coordinates".
    let mut multi = None;
    loop {
        let (key, value) = member(b, i)?;
        match key {
            b"type" => {
                let end = string_end(b, value)?;
                multi = Some(match &b[value..end] {
                    b"\"Polygon\"" => false,
                    b"\"MultiPolygon\"" => true,
                    _ => return None,
                });
                i = next_member(b, end)?;
            }
            b"coordinates" => {
                let (rings, len) = super::coords::polygons_prefix(text.get(value..)?, multi?)?;
                return Some((value, value + len, rings));
            }
            _ => i = next_member(b, value_end(b, value)?)?,
        }
    }
}

/// The member of an object at `i` (after `{` or `,`): its key as written and where its value
/// starts.
fn member(b: &[u8], i: usize) -> Option<(&[u8], usize)> {
    let i = skip_ws(b, i);
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let end = string_end(b, i)?;
    let colon = skip_ws(b, end);
    if b.get(colon) != Some(&b':') {
        return None;
    }
    Some((&b[i + 1..end - 1], skip_ws(b, colon + 1)))
}

/// Past the `,` after a member's value ending at `i` (`None` at the object's end).
fn next_member(b: &[u8], i: usize) -> Option<usize> {
    let i = skip_ws(b, i);
    (b.get(i) == Some(&b',')).then_some(i + 1)
}

/// Where the top level opens its features array: just past the `[`. `Ok(None)`: more bytes
/// are needed; `Err(())`: not the plain shape.
fn features_start(b: &[u8]) -> Result<Option<usize>, ()> {
    let mut i = skip_ws(b, 0);
    let Some(&c) = b.get(i) else {
        return Ok(None);
    };
    if c != b'{' {
        return Err(());
    }
    i += 1;
    loop {
        i = skip_ws(b, i);
        let Some(&c) = b.get(i) else {
            return Ok(None);
        };
        if c != b'"' {
            return Err(());
        }
        let Some(key_end) = string_end(b, i) else {
            return Ok(None);
        };
        let key = &b[i + 1..key_end - 1];
        if key.contains(&b'\\') {
            return Err(());
        }
        i = skip_ws(b, key_end);
        match b.get(i) {
            None => return Ok(None),
            Some(b':') => {}
            Some(_) => return Err(()),
        }
        i = skip_ws(b, i + 1);
        if i >= b.len() {
            return Ok(None);
        }
        if key == b"features" {
            return if b[i] == b'[' {
                Ok(Some(i + 1))
            } else {
                Err(())
            };
        }
        let Some(end) = value_end(b, i) else {
            return Ok(None);
        };
        i = skip_ws(b, end);
        match b.get(i) {
            None => return Ok(None),
            Some(b',') => i += 1,
            Some(_) => return Err(()),
        }
    }
}

/// Reads up to a block more of the input onto `buf`; false at its end.
fn fill(input: &mut impl Read, buf: &mut Vec<u8>) -> Result<bool, Whole> {
    match input.take(BLOCK as u64).read_to_end(buf) {
        Ok(n) => Ok(n > 0),
        Err(e) => Err(Whole::Io(e.to_string())),
    }
}

fn not_json(reason: &str) -> Whole {
    Whole::NotJson(reason.to_owned())
}

/// Reads every feature of the collection on `input` with `features`, all or nothing.
pub(super) fn read(
    mut input: impl Read,
    features: &impl Features,
) -> Result<Result<Vec<Zone>, Vec<FeatureError>>, Whole> {
    let mut buf: Vec<u8> = Vec::new();
    // The top level up to its features array.
    let start = loop {
        match features_start(&buf) {
            Ok(Some(start)) => break start,
            Ok(None) => {
                if !fill(&mut input, &mut buf)? {
                    // Ends before its features: serde's path says what is wrong.
                    return Ok(features.whole(buf));
                }
            }
            Err(()) => {
                while fill(&mut input, &mut buf)? {}
                return Ok(features.whole(buf));
            }
        }
    };
    let mut skeleton: Vec<u8> = buf[..start].to_vec();
    buf.drain(..start);

    let threads = crate::index::default_threads();
    let (send, receive) = mpsc::sync_channel::<Batch>(threads * 2);
    let receive = Arc::new(Mutex::new(receive));
    let (scanned, mut done): (Result<Vec<u8>, Whole>, Vec<Done>) = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let receive = Arc::clone(&receive);
                s.spawn(move || work(&receive, features))
            })
            .collect();
        let scanned = split(&mut input, buf, send);
        let done = workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect();
        (scanned, done)
    });
    let rest = scanned?;
    done.sort_unstable_by_key(|d| d.number);
    if let Some((n, e)) = done.iter().find_map(|d| d.not_utf8.clone()) {
        return Err(Whole::NotUtf8(format!("地物 {n}: {e}")));
    }
    skeleton.push(b']');
    skeleton.extend_from_slice(&rest);
    let skeleton = std::str::from_utf8(&skeleton).map_err(|e| Whole::NotUtf8(e.to_string()))?;
    if let Some((n, e)) = done.iter().find_map(|d| d.not_json.clone()) {
        return Err(Whole::NotJson(format!("地物 {n}: {e}")));
    }
    features.skeleton(skeleton).map_err(Whole::NotJson)?;
    let mut zones = Vec::with_capacity(done.iter().map(|d| d.zones.len()).sum());
    let mut errors = Vec::new();
    for d in done {
        zones.extend(d.zones);
        errors.extend(d.errors);
    }
    Ok(if errors.is_empty() {
        Ok(zones)
    } else {
        Err(errors)
    })
}

/// Splits the features array (from just inside its `[`) into batches for the workers; gives
/// back what follows the array's `]` (the rest of the document).
fn split(
    input: &mut impl Read,
    mut buf: Vec<u8>,
    send: mpsc::SyncSender<Batch>,
) -> Result<Vec<u8>, Whole> {
    let mut batch = Batch {
        number: 0,
        first_feature: 1,
        text: Vec::with_capacity(BATCH_BYTES + BLOCK / 4),
        ends: Vec::new(),
    };
    let mut feature = 0usize;
    let mut pos = 0usize;
    let mut ended = false;
    // After `[` or `,`: a feature (or, first of all, `]`) must come.
    let mut want_feature = true;
    loop {
        // Take whole features and separators from buf[pos..].
        let progress = loop {
            let i = skip_ws(&buf, pos);
            let Some(&c) = buf.get(i) else {
                pos = i;
                break false;
            };
            if want_feature {
                if c == b']' && feature == 0 {
                    pos = i + 1;
                    break true;
                }
                if c != b'{' {
                    return Err(not_json("地物がオブジェクトではありません"));
                }
                let Some(end) = object_end(&buf, i) else {
                    pos = i;
                    break false;
                };
                feature += 1;
                batch.text.extend_from_slice(&buf[i..end]);
                batch.ends.push(batch.text.len());
                pos = end;
                want_feature = false;
                if batch.text.len() >= BATCH_BYTES {
                    let next = Batch {
                        number: batch.number + 1,
                        first_feature: feature + 1,
                        text: Vec::with_capacity(BATCH_BYTES + BLOCK / 4),
                        ends: Vec::new(),
                    };
                    let full = std::mem::replace(&mut batch, next);
                    if send.send(full).is_err() {
                        return Err(not_json("読み込みが中断されました"));
                    }
                }
            } else {
                pos = i + 1;
                match c {
                    b',' => want_feature = true,
                    b']' => break true,
                    _ => return Err(not_json("地物の間に余計な文字があります")),
                }
            }
        };
        if progress {
            // The array is closed: the rest of the document follows buf[pos..].
            break;
        }
        if ended {
            return Err(not_json("ファイルが途中で終わっています"));
        }
        buf.drain(..pos);
        pos = 0;
        ended = !fill(input, &mut buf)?;
    }
    if !batch.ends.is_empty() {
        let _ = send.send(batch);
    }
    drop(send);
    let mut rest = buf.split_off(pos);
    while fill(input, &mut rest)? {}
    Ok(rest)
}

fn work(receive: &Mutex<mpsc::Receiver<Batch>>, features: &impl Features) -> Vec<Done> {
    let mut out = Vec::new();
    loop {
        let batch = match receive.lock() {
            Ok(r) => r.recv(),
            Err(_) => break,
        };
        let Ok(batch) = batch else { break };
        let mut d = Done {
            number: batch.number,
            ..Done::default()
        };
        let mut from = 0;
        for (k, end) in batch.ends.iter().enumerate() {
            let n = batch.first_feature + k;
            let bytes = &batch.text[from..*end];
            from = *end;
            let text = match std::str::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    d.not_utf8.get_or_insert((n, e.to_string()));
                    continue;
                }
            };
            match features.feature(text, n) {
                Ok(z) => d.zones.extend(z),
                Err(Ok(e)) => d.errors.push(e),
                Err(Err(e)) => {
                    d.not_json.get_or_insert((n, e));
                }
            }
        }
        out.push(d);
    }
    out
}
