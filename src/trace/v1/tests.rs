//! The v1 reader against Go's own parser on the v1 traces Go ships
//! (testdata/v1/<name>.trace; the expected streams <name>.events.txt.gz are
//! made by testdata/gen/tools/v1dump/gen.sh), and against broken input.

use super::testdump::dump_line;
use super::V1Reader;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Splits "go 1.NN trace\0\0\0" off a file.
fn header(data: &[u8]) -> Option<(u32, &[u8])> {
    let h = data.get(..16)?;
    let text =
        std::str::from_utf8(h.strip_prefix(b"go 1.")?.strip_suffix(b" trace\0\0\0")?).ok()?;
    Some((text.parse().ok()?, &data[16..]))
}

/// Every dump line of a trace, "error: ..." last if reading fails.
fn dump(data: &[u8]) -> Vec<String> {
    let Some((ver, body)) = header(data) else {
        return vec!["error: bad header".into()];
    };
    let mut r = match V1Reader::new(body, ver) {
        Ok(r) => r,
        Err(e) => return vec![format!("error: {e}")],
    };
    let t = r.table();
    let mut out = Vec::new();
    loop {
        match r.next_event() {
            Ok(Some(e)) => out.push(dump_line(&e, &t)),
            Ok(None) => return out,
            Err(e) => {
                out.push(format!("error: {e}"));
                return out;
            }
        }
    }
}

fn traces() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/v1");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("testdata/v1")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "trace"))
        .collect();
    v.sort();
    v
}

fn expected(trace: &Path) -> Vec<String> {
    let name = trace.to_string_lossy().replace(".trace", ".events.txt.gz");
    let gz = std::fs::read(&name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut text)
        .expect("gunzip");
    text.lines().map(str::to_string).collect()
}

/// (time, line without its time) of a dump line.
fn split_time(l: &str) -> (i64, String) {
    let Some((kind, rest)) = l.split_once(" t=") else {
        return (0, l.to_string());
    };
    let (t, rest) = rest.split_once(' ').unwrap_or((rest, ""));
    (t.parse().unwrap_or(0), format!("{kind} {rest}"))
}

/// Compares two streams where Go's own order is not deterministic: events
/// of different procs with equal timestamps come in any order (Go merges
/// them in map order), and the converter then gives them consecutive
/// times. So a window of lines may be permuted provided the times, in
/// place, are equal and span no more than the window (a tie). Returns the
/// number of permuted windows.
fn compare(name: &str, got: &[String], want: &[String]) -> usize {
    const MAX_WINDOW: usize = 64;
    let mut windows = 0;
    let mut i = 0;
    while i < want.len().min(got.len()) {
        if got[i] == want[i] {
            i += 1;
            continue;
        }
        let mut ok = None;
        for j in i + 2..=(i + MAX_WINDOW).min(want.len()).min(got.len()) {
            let (tg, mut lg): (Vec<_>, Vec<_>) = got[i..j].iter().map(|l| split_time(l)).unzip();
            let (tw, mut lw): (Vec<_>, Vec<_>) = want[i..j].iter().map(|l| split_time(l)).unzip();
            if tg != tw || tw[tw.len() - 1] - tw[0] >= (j - i) as i64 {
                continue;
            }
            lg.sort();
            lw.sort();
            if lg == lw {
                ok = Some(j);
                break;
            }
        }
        match ok {
            Some(j) => {
                windows += 1;
                i = j;
            }
            None => panic!(
                "{name}: line {} differs\n got: {}\nwant: {}",
                i + 1,
                got[i],
                want[i]
            ),
        }
    }
    assert_eq!(got.len(), want.len(), "{name}: number of events");
    windows
}

#[test]
fn go_v1_traces_read_as_go_reads_them() {
    let all = traces();
    assert!(all.len() >= 12, "missing v1 test traces");
    for t in all {
        let name = t
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let data = std::fs::read(&t).expect("read trace");
        let got = dump(&data);
        if let Some(dir) = std::env::var_os("V1_DUMP_DIR") {
            let _ = std::fs::write(Path::new(&dir).join(&name), got.join("\n") + "\n");
        }
        let want = expected(&t);
        let windows = compare(&name, &got, &want);
        eprintln!(
            "{name}: {} events, {windows} tie windows reordered",
            got.len()
        );
    }
}

#[test]
fn truncated_traces_fail_cleanly() {
    for t in traces() {
        let data = std::fs::read(&t).expect("read trace");
        let full = dump(&data).len();
        let stride = (data.len() / 300).max(1);
        for n in (16..data.len()).step_by(stride) {
            let got = dump(&data[..n]);
            let last = got.last().map_or("", String::as_str);
            assert!(
                last.starts_with("error: ") || got.len() <= full,
                "{}: prefix {n}",
                t.display()
            );
        }
    }
}

/// A small deterministic generator (xorshift) for garbage input.
fn xorshift(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn garbage_is_an_error() {
    let mut seed = 0x9e37_79b9_7f4a_7c15;
    for len in [0usize, 1, 2, 7, 64, 1000, 100_000] {
        for _ in 0..20 {
            let body: Vec<u8> = (0..len).map(|_| xorshift(&mut seed) as u8).collect();
            for ver in [11, 19, 21] {
                assert!(V1Reader::new(&body, ver).is_err(), "len {len}");
            }
        }
    }
    // Inputs that once crashed Go's parser (after their header).
    for body in [&b"\x020"[..], b"Q00\x020", b"T00\x020", b"\xc3\x0200"] {
        assert!(V1Reader::new(body, 11).is_err());
    }
    assert!(V1Reader::new(b"", 22).is_err());
}

#[test]
fn mutated_traces_never_panic() {
    let rounds: usize = std::env::var("V1_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let mut seed = 0x2545_f491_4f6c_dd1d;
    for t in traces() {
        let data = std::fs::read(&t).expect("read trace");
        if data.len() > 40_000 {
            continue;
        }
        for _ in 0..rounds {
            let mut d = data.clone();
            for _ in 0..=xorshift(&mut seed) % 4 {
                let at = 16 + (xorshift(&mut seed) as usize) % (d.len() - 16);
                d[at] = xorshift(&mut seed) as u8;
            }
            let _ = dump(&d);
        }
    }
}

#[test]
fn errors_carry_go_wording_and_offset() {
    // A batch header with three arguments.
    let e = V1Reader::new(b"\x81\x00\x00", 21).err().expect("error");
    assert_eq!(
        e.to_string(),
        "EvBatch has wrong number of arguments: got 3, want 2 (offset 16)"
    );
    // A valid batch, then nothing else: no frequency.
    let e = V1Reader::new(b"\x41\x00\x05", 21).err().expect("error");
    assert_eq!(e.to_string(), "no EvFrequency event");
    // An event before any batch.
    let e = V1Reader::new(b"\x02\x05", 21).err().expect("error");
    assert_eq!(
        e.to_string(),
        "read event 2 with current P of 0, but P has no batches yet (offset 16)"
    );
}

/// Compares any v1 trace with a Go dump of it, and times the reading:
/// `V1_TRACE=x.trace [V1_EXPECT=x.events.txt] cargo test --release --lib
/// v1_trace_from_env -- --ignored --nocapture`.
#[test]
#[ignore = "needs V1_TRACE"]
fn v1_trace_from_env() {
    let Some(path) = std::env::var_os("V1_TRACE") else {
        return;
    };
    let data = std::fs::read(&path).expect("read V1_TRACE");
    let (ver, body) = header(&data).expect("v1 header");
    let start = std::time::Instant::now();
    let mut r = V1Reader::new(body, ver).expect("parse");
    let parsed = start.elapsed();
    let mut n = 0u64;
    let mut sum = 0i64;
    while let Some(e) = r.next_event().expect("event") {
        n += 1;
        sum = sum.wrapping_add(e.time);
    }
    let total = start.elapsed();
    eprintln!(
        "{}: {} bytes, {n} events, new {:.3}s, total {:.3}s, {:.1} M events/s (checksum {sum})",
        Path::new(&path).display(),
        data.len(),
        parsed.as_secs_f64(),
        total.as_secs_f64(),
        n as f64 / total.as_secs_f64() / 1e6
    );
    if let Some(want) = std::env::var_os("V1_EXPECT") {
        let want: Vec<String> = std::fs::read_to_string(want)
            .expect("read V1_EXPECT")
            .lines()
            .map(str::to_string)
            .collect();
        let windows = compare("V1_TRACE", &dump(&data), &want);
        eprintln!("matches Go, {windows} tie windows reordered");
    }
}

/// Differential check against Go on a directory of traces with Go dumps
/// next to them (`x.trace`, `x.want` from v1dump), e.g. mutated traces:
/// `V1_DIFF_DIR=dir cargo test --lib v1_diff_from_env -- --ignored --nocapture`.
/// Error messages are compared without our " (offset N)" suffix; Go's
/// panics are skipped, and when both fail before the first event with
/// different messages, that is counted apart (Go's own choice varies).
#[test]
#[ignore = "needs V1_DIFF_DIR"]
fn v1_diff_from_env() {
    let Some(dir) = std::env::var_os("V1_DIFF_DIR") else {
        return;
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("V1_DIFF_DIR")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "trace"))
        .collect();
    paths.sort();
    let (mut same, mut same_err, mut other_err, mut skipped) = (0, 0, 0, 0);
    let mut differ = Vec::new();
    for p in &paths {
        let Ok(want) = std::fs::read(p.with_extension("want")) else {
            skipped += 1;
            continue;
        };
        // Go prints strings as they are; ours went through from_utf8_lossy.
        let want = String::from_utf8_lossy(&want);
        if want.contains("\ngoroutine ") || want.starts_with("panic") {
            skipped += 1;
            continue;
        }
        let want: Vec<String> = want.lines().map(str::to_string).collect();
        let data = std::fs::read(p).expect("read");
        let mut got = dump(&data);
        if let Some(last) = got.last_mut() {
            if let Some(i) = last
                .rfind(" (offset ")
                .filter(|_| last.starts_with("error: "))
            {
                last.truncate(i);
            }
        }
        let name = p.display().to_string();
        let is_err = |l: &[String]| l.len() == 1 && l[0].starts_with("error: ");
        if is_err(&got) && is_err(&want) && got != want {
            // Both fail before any event, on different broken batches: Go
            // loads batches in an order that depends on map iteration.
            other_err += 1;
            continue;
        }
        match std::panic::catch_unwind(|| compare(&name, &got, &want)) {
            Ok(_) if want.last().is_some_and(|l| l.starts_with("error: ")) => same_err += 1,
            Ok(_) => same += 1,
            Err(_) => differ.push(name),
        }
    }
    eprintln!(
        "{} traces: {same} same events, {same_err} same error, {other_err} other error, \
         {skipped} skipped, {} differ",
        paths.len(),
        differ.len()
    );
    for d in &differ {
        eprintln!("differs: {d}");
    }
    assert!(differ.is_empty());
}

#[test]
fn cut_traces_say_they_are_truncated() {
    for t in traces() {
        let data = std::fs::read(&t).expect("read trace");
        let (ver, body) = header(&data).expect("header");
        let full = V1Reader::new(body, ver).expect("complete trace");
        assert_eq!(full.truncation(), None, "{}", t.display());
        let mut accepted = 0;
        for n in (body.len() / 2..body.len()).step_by((body.len() / 200).max(1)) {
            if let Ok(r) = V1Reader::new(&body[..n], ver) {
                accepted += 1;
                assert!(r.truncation().is_some(), "{} cut at {n}", t.display());
            }
        }
        eprintln!("{}: {accepted} cuts accepted", t.display());
    }
}
