//! `gotraceview compare`: each side's figures are the single-trace
//! analyses' (`stats --json`, `pprof`), a trace compared with itself has
//! no change, the answer does not depend on the memory budget, and the
//! pairs made by `testdata/gen/compare.go` (a slower lock, an extra
//! syscall, more GC pressure, the same program twice) are answered as
//! they were built.

mod common;

use gotraceview::analysis::compare::{compare, json::to_json, Comparison, SideFigures};
use gotraceview::analysis::profiles::ProfileKind;
use gotraceview::cli::{pprof_bytes, stats_json};
use gotraceview::load::{load_path_with, LoadOptions, LoadedTrace, Progress};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

fn load(path: &Path, memory_budget: u64) -> LoadedTrace {
    let options = LoadOptions {
        memory_budget,
        per_goroutine: true,
        layout: None,
    };
    load_path_with(path, options, &Progress::default(), &AtomicBool::new(false))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn figures(l: &LoadedTrace) -> SideFigures {
    l.compare_figures(&AtomicBool::new(false), &|_, _| {})
        .unwrap_or_else(|e| panic!("{}: {e}", l.name))
}

fn resident(path: &Path) -> LoadedTrace {
    load(path, LoadOptions::default().memory_budget)
}

fn all_traces() -> Vec<PathBuf> {
    common::traces(&["traces", "v1", "compare"])
}

#[test]
fn a_trace_compared_with_itself_has_no_change() {
    let mut checked = 0;
    for path in all_traces() {
        let f = figures(&resident(&path));
        let c = compare(f.clone(), f);
        assert!(
            c.changes.is_empty(),
            "{}: {:?}",
            common::name(&path),
            c.changes.iter().map(|c| c.text()).collect::<Vec<_>>()
        );
        let text = gotraceview::cli::compare::text(&c);
        assert!(text.contains("No change above the floors."), "{text}");
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} traces");
}

/// `stats --json`'s goroutines summed by start function: the figures a
/// group of the comparison must have.
fn groups_of_stats(stats: &Value) -> BTreeMap<String, Value> {
    let mut by: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for g in stats["goroutines"].as_array().expect("goroutines") {
        let e = by
            .entry(g["name"].as_str().unwrap_or("").to_string())
            .or_default();
        *e.entry("count".into()).or_default() += 1;
        for k in ["exec_ns", "sched_wait_ns", "syscall_ns", "syscall_block_ns"] {
            *e.entry(k.into()).or_default() += g[k].as_i64().expect(k);
        }
        for (reason, ns) in g["block_ns_by_reason"].as_object().expect("reasons") {
            *e.entry(format!("block:{reason}")).or_default() += ns.as_i64().expect("ns");
        }
    }
    by.into_iter()
        .map(|(k, v)| (k, serde_json::to_value(v).expect("json")))
        .collect()
}

/// A group of `compare --json` in the shape of [`groups_of_stats`].
fn group_of_compare(g: &Value) -> Value {
    let mut m: BTreeMap<String, i64> = BTreeMap::new();
    for k in [
        "count",
        "exec_ns",
        "sched_wait_ns",
        "syscall_ns",
        "syscall_block_ns",
    ] {
        m.insert(k.into(), g[k].as_i64().expect(k));
    }
    for (reason, ns) in g["block_ns"].as_object().expect("block_ns") {
        m.insert(format!("block:{reason}"), ns.as_i64().expect("ns"));
    }
    serde_json::to_value(m).expect("json")
}

#[test]
fn each_sides_groups_equal_stats_json_and_profiles_equal_pprof() {
    let (mut groups, mut profiles) = (0, 0);
    let paths = all_traces();
    // Each trace as A, the next one as B: both sides are checked.
    for (pa, pb) in paths.iter().zip(paths.iter().cycle().skip(1)) {
        let (la, lb) = (resident(pa), resident(pb));
        let c = compare(figures(&la), figures(&lb));
        let j = to_json(&c);
        for (side, l) in [("a", &la), ("b", &lb)] {
            let name = format!("{} as {side}", l.name);
            let want = groups_of_stats(&stats_json(l));
            let got: BTreeMap<String, Value> = j["groups"]
                .as_array()
                .expect("groups")
                .iter()
                .filter(|g| !g[side].is_null())
                .map(|g| {
                    (
                        g["function"].as_str().unwrap_or("").to_string(),
                        group_of_compare(&g[side]),
                    )
                })
                .collect();
            assert_eq!(got, want, "{name}: groups");
            groups += got.len();
            for kind in ProfileKind::ALL {
                let (_, p) = pprof_bytes(l, kind).expect("pprof");
                let stacks = j["profiles"][kind.name()].as_array().expect("profile");
                let sum = |k: &str| {
                    stacks
                        .iter()
                        .map(|s| s[k].as_i64().unwrap_or(0))
                        .sum::<i64>()
                };
                assert_eq!(
                    (sum(&format!("{side}_ns")), sum(&format!("{side}_count"))),
                    (p.total_delay_ns(), p.total_count() as i64),
                    "{name}: {} profile",
                    kind.name()
                );
                profiles += usize::from(p.total_count() > 0);
            }
        }
    }
    assert!(
        groups > 500 && profiles > 100,
        "{groups} groups, {profiles} profiles"
    );
}

#[test]
fn a_comparison_is_the_same_under_any_memory_budget() {
    let mut tiled = 0;
    for path in all_traces() {
        let whole = resident(&path);
        let small = load(&path, 1);
        tiled += usize::from(small.tiles.is_some());
        let (fw, fs) = (figures(&whole), figures(&small));
        // Whole against tiled: nothing differs, so nothing changed.
        let c: Comparison = compare(fw.clone(), fs.clone());
        assert!(c.changes.is_empty(), "{}", common::name(&path));
        assert_eq!(
            to_json(&compare(fs.clone(), fs)),
            to_json(&compare(fw.clone(), fw)),
            "{}",
            common::name(&path)
        );
    }
    assert!(tiled >= 30, "only {tiled} tiled");
}
