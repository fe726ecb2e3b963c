//! Conformance with Go's own parser: on every committed trace (every Go
//! version, v1 and v2), our ordered events are identical to Go's (digest of
//! `Event.String()` for every event) and our goroutine analysis equals Go's
//! (traceoracle summary), to 1 µs per figure.

mod common;

use common::{name, read_json_gz, sibling, traces};
use gotraceview::load::{load_bytes, Progress};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

const TOLERANCE_NS: i64 = 1000;

fn ns_map(v: &Value) -> BTreeMap<String, i64> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_i64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default()
}

/// Compares our `stats --json` with Go's summary; returns the differences.
fn compare_summary(ours: &Value, go: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    let by_id = |v: &Value, key: &str| -> BTreeMap<i64, Value> {
        v[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|g| (g["id"].as_i64().unwrap_or(-1), g.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let og = by_id(ours, "goroutines");
    let gg = by_id(go, "goroutines");
    if og.len() != gg.len() || !og.keys().eq(gg.keys()) {
        diffs.push(format!(
            "goroutine sets differ: ours {} go {}",
            og.len(),
            gg.len()
        ));
    }
    for (id, g) in &gg {
        let Some(o) = og.get(id) else { continue };
        for k in ["name", "regions"] {
            if o[k] != g[k] {
                diffs.push(format!("G{id} {k}: ours {} go {}", o[k], g[k]));
            }
        }
        for k in [
            "exec_ns",
            "sched_wait_ns",
            "syscall_ns",
            "syscall_block_ns",
            "total_ns",
        ] {
            let (a, b) = (o[k].as_i64().unwrap_or(0), g[k].as_i64().unwrap_or(0));
            if (a - b).abs() > TOLERANCE_NS {
                diffs.push(format!("G{id} {k}: ours {a} go {b}"));
            }
        }
        for k in ["block_ns_by_reason", "range_ns"] {
            let (a, b) = (ns_map(&o[k]), ns_map(&g[k]));
            for r in a.keys().chain(b.keys()) {
                let (x, y) = (
                    a.get(r).copied().unwrap_or(0),
                    b.get(r).copied().unwrap_or(0),
                );
                if (x - y).abs() > TOLERANCE_NS {
                    diffs.push(format!("G{id} {k}[{r}]: ours {x} go {y}"));
                }
            }
        }
    }
    let ot = by_id(ours, "tasks");
    let gt = by_id(go, "tasks");
    if !ot.keys().eq(gt.keys()) {
        diffs.push(format!(
            "task sets differ: ours {} go {}",
            ot.len(),
            gt.len()
        ));
    }
    for (id, t) in &gt {
        let Some(o) = ot.get(id) else { continue };
        for k in [
            "name",
            "parent",
            "complete",
            "logs",
            "regions",
            "goroutines",
        ] {
            if o[k] != t[k] {
                diffs.push(format!("task {id} {k}: ours {} go {}", o[k], t[k]));
            }
        }
    }
    diffs
}

#[test]
fn goroutine_analysis_matches_go_on_every_trace() {
    let all = traces(&["traces", "v1"]);
    assert!(!all.is_empty(), "no committed traces found");
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in &all {
        let Some(go) = read_json_gz(&sibling(path, ".summary.json.gz")) else {
            continue;
        };
        let data = std::fs::read(path).expect("read trace");
        let loaded = match load_bytes(
            &name(path),
            &data,
            &Progress::default(),
            &AtomicBool::new(false),
        ) {
            Ok(l) => l,
            Err(e) => {
                failures.push(format!("{}: load failed: {e}", name(path)));
                continue;
            }
        };
        if let Some(n) = go["events"].as_u64() {
            if loaded.trace.meta.events != n {
                failures.push(format!(
                    "{}: {} events, go {}",
                    name(path),
                    loaded.trace.meta.events,
                    n
                ));
            }
        }
        let ours = gotraceview::cli::stats_json(&loaded);
        let diffs = compare_summary(&ours, &go);
        if !diffs.is_empty() {
            failures.push(format!(
                "{}: {} differences, first: {:?}",
                name(path),
                diffs.len(),
                &diffs[..diffs.len().min(5)]
            ));
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {} traces differ from Go:\n{}",
        failures.len(),
        checked,
        failures.join("\n")
    );
    assert!(
        checked >= 10,
        "only {checked} traces had expected summaries"
    );
}

/// Digest of our event dump in the format of testdata/gen/tools/godump.
fn our_digest(data: &[u8]) -> String {
    let mut h = Sha256::new();
    let mut n = 0u64;
    let res = gotraceview::trace::source::for_each_event(data, |ev, t| {
        h.update(gotraceview::trace::dump::event_string(ev, t).as_bytes());
        h.update(b"\n");
        n += 1;
    });
    if let Err((e, _)) = res {
        h.update(format!("ERROR: {e}\n").as_bytes());
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("events {n} sha256 {hex}")
}

#[test]
fn every_event_matches_go() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in traces(&["traces", "v1", "gotests"]) {
        let Ok(want) = std::fs::read_to_string(sibling(&path, ".dump.digest")) else {
            continue;
        };
        let want = want.trim();
        if want.contains("ERROR") {
            continue;
        }
        let data = std::fs::read(&path).expect("read trace");
        let got = our_digest(&data);
        // v1 digests list every order Go gave events with equal timestamps.
        if !want.lines().any(|w| w.trim() == got) {
            failures.push(format!("{}: ours [{got}] go [{want}]", name(&path)));
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "event streams differ from Go's:\n{}",
        failures.join("\n")
    );
    assert!(checked >= 10, "only {checked} traces had dump digests");
}
