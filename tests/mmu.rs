//! Minimum mutator utilization equals Go's (traceoracle mmu: STW, background
//! workers and assists, system-wide) on every committed trace, and the
//! worst windows and percentiles are consistent with it.

mod common;

use common::{name, read_json_gz, sibling, traces};
use gotraceview::analysis::mmu::{mutator_utilization, MmuCurve, UtilFlags};
use gotraceview::load::{load_bytes, Progress};
use std::sync::atomic::AtomicBool;

#[test]
fn mmu_matches_go_on_every_trace() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in traces(&["traces", "v1"]) {
        let Some(go) = read_json_gz(&sibling(&path, ".mmu.json.gz")) else {
            continue;
        };
        let data = std::fs::read(&path).expect("read");
        let Ok(l) = load_bytes(
            &name(&path),
            &data,
            &Progress::default(),
            &AtomicBool::new(false),
        ) else {
            failures.push(format!("{}: does not load", name(&path)));
            continue;
        };
        let curve = MmuCurve::new(mutator_utilization(&l.gc_log, UtilFlags::DEFAULT));
        for p in go["mmu"].as_array().into_iter().flatten() {
            let w = p["window_ns"].as_i64().expect("window");
            let want = p["mmu"].as_f64().expect("mmu");
            let got = curve.mmu(w);
            if (got - want).abs() > 0.001 {
                failures.push(format!("{} window {w}: ours {got} go {want}", name(&path)));
            }
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 30, "only {checked} traces checked");
}

#[test]
fn worst_windows_and_percentiles_agree_with_the_minimum() {
    let path = common::testdata().join("traces/gc_go127.trace");
    let data = std::fs::read(&path).expect("read");
    let l = load_bytes("gc", &data, &Progress::default(), &AtomicBool::new(false)).expect("load");
    for flags in [
        UtilFlags::DEFAULT,
        UtilFlags {
            sweep: true,
            ..UtilFlags::DEFAULT
        },
        UtilFlags {
            per_proc: true,
            ..UtilFlags::DEFAULT
        },
    ] {
        let curve = MmuCurve::new(mutator_utilization(&l.gc_log, flags));
        assert!(!curve.is_empty());
        for w in [10_000i64, 1_000_000, 10_000_000] {
            let mmu = curve.mmu(w);
            let worst = curve.examples(w, 5);
            assert!(!worst.is_empty());
            assert!(
                (worst[0].util - mmu).abs() < 1e-9,
                "worst window is the minimum"
            );
            for pair in worst.windows(2) {
                assert!(pair[0].util <= pair[1].util, "sorted worst first");
            }
            // N.B. Go only avoids overlaps with the first overlapping window it
            // finds, so with several series (per-P) windows may overlap.
            for (i, a) in worst.iter().enumerate().filter(|_| !flags.per_proc) {
                for b in &worst[i + 1..] {
                    assert!(
                        a.time + w <= b.time || b.time + w <= a.time,
                        "disjoint windows {flags:?} w={w} {worst:?}"
                    );
                }
            }
            let mud = curve.mud(w, &[0.0, 0.01, 0.05]);
            assert!(
                (mud[0] - mmu).abs() < 0.01,
                "0th percentile is the MMU: {} vs {mmu}",
                mud[0]
            );
            assert!(
                mud[1] >= mud[0] - 1e-9 && mud[2] >= mud[1] - 1e-9,
                "{mud:?}"
            );
        }
        // Bigger windows never have a smaller MMU.
        let mut prev = 0.0;
        for w in [
            1_000i64,
            10_000,
            100_000,
            1_000_000,
            10_000_000,
            100_000_000,
        ] {
            let m = curve.mmu(w);
            assert!(m + 1e-9 >= prev, "MMU must not decrease with the window");
            prev = m;
        }
    }
}
