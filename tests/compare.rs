//! `gotraceview compare`: each side's figures are the single-trace
//! analyses' (`stats --json`, `pprof`), a trace compared with itself has
//! no change, the answer does not depend on the memory budget, and the
//! pairs made by `testdata/gen/compare.go` (a slower lock, an extra
//! syscall, more GC pressure, the same program twice) are answered as
//! they were built.

mod common;

use gotraceview::analysis::compare::{
    compare, json::to_json, Change, ChangeKind, Comparison, SideFigures,
};
use gotraceview::analysis::profiles::ProfileKind;
use gotraceview::cli::{pprof_bytes, stats_json};
use gotraceview::load::{LoadOptions, LoadedTrace};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

fn load(path: &std::path::Path, memory_budget: u64) -> LoadedTrace {
    common::load_with_budget(path, memory_budget)
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
            c.changes
                .iter()
                .map(gotraceview::analysis::compare::Change::text)
                .collect::<Vec<_>>()
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
fn profiles_folded_while_loading_equal_those_folded_over_the_tiles() {
    use gotraceview::analysis::compare::profiles::AllProfilesFold;
    use gotraceview::load::{load_path_with, Progress};
    let cancel = AtomicBool::new(false);
    let mut tiled = 0;
    for p in all_traces() {
        for budget in [LoadOptions::default().memory_budget, 1] {
            let options = LoadOptions {
                profiles: true,
                ..LoadOptions::with_budget(budget)
            };
            let l = load_path_with(&p, options, &Progress::default(), &cancel)
                .unwrap_or_else(|e| panic!("{e}"));
            tiled += usize::from(l.tiles.is_some());
            let during = l.profiles.clone().expect("folded while loading");
            let over_tiles = l
                .fold_lanes(AllProfilesFold::new(&l.trace), &cancel, &|_, _| {})
                .expect("fold")
                .finish();
            for ((k, a), (kt, b)) in during.iter().zip(&over_tiles) {
                assert_eq!(k, kt);
                assert_eq!(a.records, b.records, "{} {k:?} budget {budget}", l.name);
            }
        }
    }
    assert!(tiled > 20, "{tiled} traces loaded as overviews");
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

/// The comparison of `compare_base_VERSION` with `compare_CHANGE_VERSION`.
fn pair(version: &str, change: &str) -> Comparison {
    let dir = common::testdata().join("compare");
    let a = resident(&dir.join(format!("compare_base_{version}.trace")));
    let b = resident(&dir.join(format!("compare_{change}_{version}.trace")));
    compare(figures(&a), figures(&b))
}

/// The change of `kind` named `name` whose metric starts with `metric`.
fn change<'a>(c: &'a Comparison, kind: ChangeKind, name: &str, metric: &str) -> &'a Change {
    c.changes
        .iter()
        .find(|ch| ch.kind == kind && ch.name == name && ch.metric.starts_with(metric))
        .unwrap_or_else(|| {
            panic!(
                "no {kind:?} change of {name} {metric} in {} → {}: {:#?}",
                c.a.info.file,
                c.b.info.file,
                c.changes.iter().map(Change::text).collect::<Vec<_>>()
            )
        })
}

const VERSIONS: [&str; 2] = ["go122", "go127"];
const US: i64 = 1_000;
const MS: i64 = 1_000_000;

#[test]
fn a_slower_lock_shows_in_its_region_and_its_group() {
    for v in VERSIONS {
        let c = pair(v, "lock");
        // Each of the 200 lockedUpdate regions holds the lock 300 µs longer.
        let r = change(&c, ChangeKind::Region, "lockedUpdate", "p");
        assert!(
            r.delta() >= 200 * US && r.delta() <= 8 * MS,
            "{v}: {}",
            r.text()
        );
        assert!(r.significance.is_some_and(|s| s.significant()), "{v}");
        // ... which is 60 ms more running for the group that holds it.
        let g = change(&c, ChangeKind::Group, "main.lockWorker", "exec");
        assert!(
            g.delta() >= 45 * MS && g.delta() <= 180 * MS,
            "{v}: {}",
            g.text()
        );
        let top = &c.changes[0];
        assert!(
            top.name == "main.lockWorker"
                || top.name == "lockedUpdate"
                || top.name == "main.lockedUpdate",
            "{v}: the top change is {}",
            top.text()
        );
    }
}

#[test]
fn an_extra_syscall_shows_in_its_function_its_region_and_its_group() {
    for v in VERSIONS {
        let c = pair(v, "syscall");
        // 200 requests, each with a 500 µs nanosleep(2) more.
        let f = change(
            &c,
            ChangeKind::Profile(ProfileKind::Syscall),
            "main.extraSyscall",
            "syscall",
        );
        assert_eq!(f.a, 0, "{v}");
        assert!(f.b >= 90 * MS && f.b <= 200 * MS, "{v}: {}", f.text());
        let r = change(&c, ChangeKind::Region, "request", "p50");
        assert!(
            r.delta() >= 450 * US && r.delta() <= 900 * US,
            "{v}: {}",
            r.text()
        );
        let g = change(&c, ChangeKind::Group, "main.requestWorker", "syscall");
        assert!(g.delta() >= 50 * MS, "{v}: {}", g.text());
        assert!(
            c.changes[..3]
                .iter()
                .any(|ch| ch.name == "main.extraSyscall" || ch.name == "request"),
            "{v}: {:?}",
            c.changes.iter().map(Change::text).collect::<Vec<_>>()
        );
    }
}

#[test]
fn more_gc_pressure_shows_in_the_gc_and_the_allocating_region() {
    for v in VERSIONS {
        let c = pair(v, "gc");
        // 32 times the garbage: many more cycles, each a mark phase.
        assert!(
            c.b.gc.count >= 5 * c.a.gc.count.max(1),
            "{v}: {} → {}",
            c.a.gc.count,
            c.b.gc.count
        );
        let gc = change(&c, ChangeKind::Gc, "GC", "");
        assert!(gc.delta() > 0, "{v}: {}", gc.text());
        assert_eq!(gc.significance.map(|s| s.test), Some("poisson-rate"), "{v}");
        let r = change(&c, ChangeKind::Region, "batch", "p");
        assert!(r.delta() >= 20 * US, "{v}: {}", r.text());
        // N.B. not the MMU: the baseline's one cycle (a larger heap to
        // mark) can leave less of a window than many short ones.
        assert!(c.b.gc.mark_ns > 4 * c.a.gc.mark_ns, "{v}: mark phases");
        assert!(
            c.b.gc.mark_assist_ns > c.a.gc.mark_assist_ns,
            "{v}: mark assist"
        );
    }
}

#[test]
fn the_same_program_run_twice_has_no_change_above_the_floors() {
    for v in VERSIONS {
        let c = pair(v, "same");
        assert!(
            c.changes.is_empty(),
            "{v}: {:#?}",
            c.changes.iter().map(Change::text).collect::<Vec<_>>()
        );
    }
}
