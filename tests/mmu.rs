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
            // N.B. Not equal: a series shorter than the window counts in the
            // MMU (clamped window) but adds no mass to the distribution.
            assert!(
                mud[0] >= mmu - 0.01,
                "0th percentile under the MMU: {} vs {mmu}",
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

/// Mean of a utilization step function over `[a, b)`.
fn mean_util(u: &[gotraceview::analysis::mmu::MutatorUtil], a: i64, b: i64) -> f64 {
    let end = u[u.len() - 1].time;
    let mut acc = 0.0;
    for (i, p) in u.iter().enumerate() {
        let s = p.time.max(a);
        let e = u.get(i + 1).map_or(end, |n| n.time).min(b);
        if e > s {
            acc += p.util * (e - s) as f64;
        }
    }
    acc / (b - a) as f64
}

#[test]
fn percentiles_match_the_distribution_of_all_windows() {
    // Go's accumulator skips the distribution (its percentiles all equal
    // the MMU); ours must match a brute-force distribution of the windows
    // of every series at least a window long.
    let path = common::testdata().join("traces/gc_go127.trace");
    let data = std::fs::read(&path).expect("read");
    let l = load_bytes("gc", &data, &Progress::default(), &AtomicBool::new(false)).expect("load");
    for flags in [
        UtilFlags::DEFAULT,
        UtilFlags {
            per_proc: true,
            ..UtilFlags::DEFAULT
        },
    ] {
        let utils = mutator_utilization(&l.gc_log, flags);
        let curve = MmuCurve::new(utils.clone());
        for w in [100_000i64, 1_000_000, 15_000_000] {
            let mut vals = Vec::new();
            for u in utils.iter().filter(|u| !u.is_empty()) {
                let (t0, t1) = (u[0].time, u[u.len() - 1].time);
                let mut t = t0;
                while t + w <= t1 {
                    vals.push(mean_util(u, t, t + w));
                    t += 10_000;
                }
            }
            vals.sort_by(f64::total_cmp);
            let qs = [0.05, 0.01, 0.001];
            let mud = curve.mud(w, &qs);
            for (q, got) in qs.iter().zip(&mud) {
                let want = vals[(vals.len() as f64 * q) as usize];
                assert!(
                    (got - want).abs() < 0.01,
                    "{flags:?} window {w} quantile {q}: {got} vs brute force {want}"
                );
            }
        }
    }
}
