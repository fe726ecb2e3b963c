//! The same answer under any memory budget. Every committed trace is
//! loaded twice: with the default budget (its whole model resident) and
//! with a budget so small that a v2 trace loads as an overview plus tiles
//! read again from the file. What the command line prints must be equal,
//! as parsed JSON or as bytes: `findings --json`, `critical-path --json`
//! (a goroutine, a region, a task, and every instance of a region and a
//! task type), `stats --json`, `pprof` of each kind and `mmu --json`.

mod common;

use gotraceview::analysis::critical_path::{regions_named, tasks_named};
use gotraceview::analysis::mmu::UtilFlags;
use gotraceview::analysis::profiles::ProfileKind;
use gotraceview::cli::why::{critical_path_output, findings_output, PathQuery};
use gotraceview::cli::{mmu_json, pprof_bytes, stats_json};
use gotraceview::load::{LoadOptions, LoadedTrace};
use gotraceview::model::GIdx;
use gotraceview::trace::GoId;
use serde_json::Value;

fn load(path: &std::path::Path, memory_budget: u64) -> LoadedTrace {
    common::load_with_budget(path, memory_budget)
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

/// The critical-path queries asked of a trace: goroutine 1 (or the first
/// goroutine), the first region type and task type with a complete
/// instance (the slowest instance, and every instance).
fn path_queries(l: &LoadedTrace) -> Vec<PathQuery> {
    let t = &l.trace;
    let q = |f: &dyn Fn(&mut PathQuery)| {
        let mut q = PathQuery {
            json: true,
            ..PathQuery::default()
        };
        f(&mut q);
        q
    };
    // Goroutine 1 (main), else the first one seen.
    let g = t
        .goroutines
        .find(GoId(1))
        .map_or_else(|| t.goroutines.id(GIdx::at(0)), |_| GoId(1));
    let mut out = vec![q(&|q| q.goroutine = Some(g.0))];
    let mut names: Vec<&str> = t.regions.iter().map(|r| t.str(r.name)).collect();
    names.sort_unstable();
    names.dedup();
    if let Some(r) = names.into_iter().find(|n| !regions_named(t, n).is_empty()) {
        out.push(q(&|q| q.region = Some(r.to_string())));
        out.push(q(&|q| {
            q.region = Some(r.to_string());
            q.all = true;
        }));
    }
    let mut names: Vec<&str> = t.tasks.iter().map(|k| t.str(k.name)).collect();
    names.sort_unstable();
    names.dedup();
    if let Some(k) = names.into_iter().find(|n| !tasks_named(t, n).is_empty()) {
        out.push(q(&|q| q.task = Some(k.to_string())));
        out.push(q(&|q| {
            q.task = Some(k.to_string());
            q.all = true;
        }));
    }
    out
}

#[test]
fn every_answer_is_the_same_under_any_memory_budget() {
    let (mut traces, mut tiled, mut paths, mut hops, mut findings) = (0, 0, 0, 0, 0);
    for path in common::traces(&["traces", "v1"]) {
        let name = common::name(&path);
        let resident = load(&path, LoadOptions::default().memory_budget);
        let small = load(&path, 1);
        assert!(resident.tiles.is_none(), "{name}: not resident");
        if resident.trace.meta.version.as_str() >= "1.22" {
            assert!(small.tiles.is_some(), "{name}: not tiled");
            tiled += 1;
        }
        traces += 1;

        let (a, b) = (
            findings_output(&resident, true).unwrap(),
            findings_output(&small, true).unwrap(),
        );
        assert_eq!(json(&b), json(&a), "{name}: findings --json");
        findings += json(&a)["findings"].as_array().map_or(0, Vec::len);
        assert_eq!(
            stats_json(&small),
            stats_json(&resident),
            "{name}: stats --json"
        );
        for kind in ProfileKind::ALL {
            let (a, b) = (
                pprof_bytes(&resident, kind).unwrap().0,
                pprof_bytes(&small, kind).unwrap().0,
            );
            assert!(a == b, "{name}: pprof --type {}", kind.name());
        }
        let flags = UtilFlags::DEFAULT;
        assert_eq!(
            mmu_json(&small, flags, &[99.0], 3),
            mmu_json(&resident, flags, &[99.0], 3),
            "{name}: mmu --json"
        );
        for q in path_queries(&resident) {
            let a = critical_path_output(&resident, &q).unwrap();
            let b = critical_path_output(&small, &q).unwrap();
            assert_eq!(json(&b), json(&a), "{name}: critical-path {q:?}");
            paths += 1;
            hops += json(&a)["hops"]
                .as_array()
                .map_or_else(|| json(&a)["hops"].as_u64().unwrap_or(0) as usize, Vec::len);
        }
    }
    assert!(
        traces >= 60 && tiled >= 35 && paths >= 150 && hops > 10_000 && findings > 500,
        "traces {traces}, tiled {tiled}, critical paths {paths} with {hops} hops, findings {findings}"
    );
}

/// Paths that end inside a span crossing a tile's edge (just before the
/// edge) read the tile after it too: the stack where the goroutine
/// stopped running is that of its next span, there.
#[test]
fn paths_ending_at_a_tile_edge_are_the_same_under_any_memory_budget() {
    let mut checked = 0;
    for path in common::traces(&["traces"]) {
        let name = common::name(&path);
        let small = load(&path, 1);
        let Some(src) = small.tiles.clone() else {
            continue;
        };
        let resident = load(&path, LoadOptions::default().memory_budget);
        let t = &resident.trace;
        for edge in src.gens.iter().skip(1).map(|g| g.start_ns) {
            let crossing = t.goroutines.indexes().filter(|&g| {
                let lane = t.lane(g);
                lane.indexes().any(|i| {
                    let s = t.spans.span(&lane, i);
                    s.start < edge - 1 && s.end > edge
                })
            });
            for g in crossing.take(16) {
                let q = PathQuery {
                    goroutine: Some(t.goroutines.id(g).0),
                    to_ns: Some(edge - 1),
                    json: true,
                    ..PathQuery::default()
                };
                let a = critical_path_output(&resident, &q).unwrap();
                let b = critical_path_output(&small, &q).unwrap();
                assert_eq!(json(&b), json(&a), "{name}: critical-path {q:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "paths checked: {checked}");
}

/// `gotraceview pprof` (its profiles folded while the trace loads) writes
/// the bytes a fold over the whole model's lanes gives, under the default
/// budget and one that tiles the trace.
#[test]
fn the_pprof_command_writes_the_whole_models_profile_under_any_budget() {
    let dir = std::env::temp_dir().join(format!("gtv-pprof-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for name in [
        "blocking_go127.trace",
        "stall_go127.trace",
        "gens_go127.trace",
    ] {
        let path = common::testdata().join("traces").join(name);
        let resident = load(&path, LoadOptions::default().memory_budget);
        for kind in ProfileKind::ALL {
            let want = pprof_bytes(&resident, kind).unwrap().0;
            for budget in ["4G", "1K"] {
                let out = dir.join(format!("{name}.{}.{budget}.pb.gz", kind.name()));
                let st = std::process::Command::new(env!("CARGO_BIN_EXE_gotraceview"))
                    .args(["--memory-budget", budget, "pprof", "--type", kind.name()])
                    .arg("-o")
                    .arg(&out)
                    .arg(&path)
                    .output()
                    .expect("run gotraceview pprof");
                assert!(
                    st.status.success(),
                    "{}",
                    String::from_utf8_lossy(&st.stderr)
                );
                let got = std::fs::read(&out).expect("profile written");
                assert!(got == want, "{name}: pprof {} at {budget}", kind.name());
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
