//! The critical path on traces whose answer is known by construction
//! (`testdata/gen/whyslow.go`, every Go version): the request waits on a
//! worker that sleeps 50 ms, computes 20 ms, then waits on a mutex held by
//! a holder computing 30 ms; a token passes through 2500 relays. And on
//! story 1's stall: the stalled stream's second is a wait nobody but the
//! context's timer ended.

mod common;

use std::sync::atomic::AtomicBool;

use gotraceview::analysis::critical_path::{
    aggregate, critical_path, region_targets, regions_named, slowest, task_targets, tasks_named,
    Cause, CriticalPath, HopKind, PathState, Segment, Target, TargetKind,
};
use gotraceview::model::{GIdx, GoLaneState, Trace};

const MS: i64 = 1_000_000;
/// What the runtime's timing may add to a sleep or a spin (timer slack,
/// wake-up and scheduling latency on a loaded machine).
const SLACK_NS: i64 = 15 * MS;

fn function(t: &Trace, g: GIdx) -> &str {
    t.str(t.goroutines.name(g))
}

/// Segments cover the target exactly, in order, without gaps.
fn check_contiguous(p: &CriticalPath, what: &str) {
    let tg = p.target;
    assert!(!p.segments.is_empty(), "{what}: no segments");
    assert_eq!(
        p.segments[0].start_ns, tg.start_ns,
        "{what}: starts at the target"
    );
    assert_eq!(
        p.segments.last().unwrap().end_ns,
        tg.end_ns,
        "{what}: ends at the target"
    );
    for w in p.segments.windows(2) {
        assert_eq!(w[0].end_ns, w[1].start_ns, "{what}: contiguous");
    }
    for s in &p.segments {
        assert!(s.end_ns > s.start_ns, "{what}: empty segment {s:?}");
    }
    let sum: i64 = p.totals_ns().iter().sum();
    assert_eq!(sum, tg.duration_ns(), "{what}: totals sum to the interval");
    for h in p.hops.windows(2) {
        assert!(h[0].time_ns <= h[1].time_ns, "{what}: hops in time order");
    }
}

/// Time of `path` on goroutines of start function `f`, by state.
fn time_on(t: &Trace, p: &CriticalPath, f: &str) -> [i64; 5] {
    let mut out = [0; 5];
    for s in p.segments.iter().filter(|s| function(t, s.g) == f) {
        out[s.cause.state() as usize] += s.duration_ns();
    }
    out
}

fn not_blocked(x: [i64; 5]) -> i64 {
    x.iter().sum::<i64>() - x[PathState::Blocked as usize]
}

#[test]
fn the_request_waits_on_the_workers_sleep_and_compute_then_the_holders_compute() {
    for path in common::scenario("whyslow_") {
        let name = common::name(&path);
        let l = common::load(&path);
        let t = &l.trace;
        let regions = region_targets(t, &regions_named(t, "request"));
        assert_eq!(regions.len(), 1, "{name}: one request region");
        let p = critical_path(&*l.tile_access(), regions[0]);
        check_contiguous(&p, &name);
        assert_eq!(function(t, p.target.g), "main.handle", "{name}");
        let sleep_ns: i64 = p
            .segments
            .iter()
            .filter(|s| function(t, s.g) == "main.worker")
            .filter(|s| matches!(s.cause, Cause::Blocked(r) if t.reason(r) == "sleep"))
            .map(Segment::duration_ns)
            .sum();
        assert!(
            (50 * MS..50 * MS + SLACK_NS).contains(&sleep_ns),
            "{name}: worker blocked in sleep on the path {sleep_ns} ns"
        );
        let worker = not_blocked(time_on(t, &p, "main.worker"));
        assert!(
            (20 * MS..20 * MS + SLACK_NS).contains(&worker),
            "{name}: worker running/runnable on the path {worker} ns"
        );
        let holder = not_blocked(time_on(t, &p, "main.holder"));
        assert!(
            (30 * MS..30 * MS + SLACK_NS).contains(&holder),
            "{name}: holder running/runnable on the path {holder} ns"
        );
        // Nothing else blocks the path: the waits are all explained.
        let blocked = p.totals_ns()[PathState::Blocked as usize];
        assert!(
            blocked - sleep_ns < 5 * MS,
            "{name}: {blocked} ns blocked, {sleep_ns} of it in sleep"
        );
        // The holder's Unlock woke the worker: a hop from holder to worker.
        let holder_to_worker = p.hops.iter().any(|h| {
            function(t, h.from) == "main.holder"
                && function(t, h.to) == "main.worker"
                && matches!(h.kind, HopKind::Unblock(_))
        });
        assert!(holder_to_worker, "{name}: hops {:?}", p.hops);
        // In time order: the worker's sleep, its compute, the holder's compute.
        let first_holder = p
            .segments
            .iter()
            .position(|s| function(t, s.g) == "main.holder");
        let last_sleep = p
            .segments
            .iter()
            .rposition(|s| matches!(s.cause, Cause::Blocked(r) if t.reason(r) == "sleep"));
        assert!(last_sleep < first_holder, "{name}: sleep before the holder");
        // The task of the same request ends on the same goroutine: its path
        // is the region's, plus the little before and after the region.
        let tasks = task_targets(t, &tasks_named(t, "request"));
        let tp = critical_path(&*l.tile_access(), slowest(&tasks).expect("a request task"));
        check_contiguous(&tp, &name);
        assert!(matches!(tp.target.kind, TargetKind::Task(_)));
        let task_holder = not_blocked(time_on(t, &tp, "main.holder"));
        assert_eq!(
            task_holder, holder,
            "{name}: the task's path has the region's"
        );
    }
}

#[test]
fn a_token_through_2500_relays_is_a_path_of_2500_hops() {
    for path in common::scenario("whyslow_") {
        let name = common::name(&path);
        let l = common::load(&path);
        let t = &l.trace;
        let chain = region_targets(t, &regions_named(t, "chain"));
        assert_eq!(chain.len(), 1, "{name}");
        let p = critical_path(&*l.tile_access(), chain[0]);
        check_contiguous(&p, &name);
        let relays = p
            .by_goroutine_ns()
            .iter()
            .filter(|(g, _)| function(t, *g) == "main.relay")
            .count();
        assert_eq!(relays, 2500, "{name}: every relay is on the path");
        let unblocks = p
            .hops
            .iter()
            .filter(|h| matches!(h.kind, HopKind::Unblock(_)))
            .count();
        assert!(unblocks >= 2501, "{name}: {unblocks} hops");
        // The relays come in creation order: each relay's segments come
        // before those of the relay created after it.
        let order: Vec<i64> = p
            .segments
            .iter()
            .filter(|s| function(t, s.g) == "main.relay")
            .map(|s| t.goroutines.created(s.g))
            .collect();
        let mut dedup = order.clone();
        dedup.dedup();
        assert!(
            dedup.windows(2).all(|w| w[0] <= w[1]),
            "{name}: relays in order"
        );
    }
}

#[test]
fn the_victims_of_the_hog_wait_runnable_for_its_time_slice() {
    for path in common::scenario("whyslow_") {
        let name = common::name(&path);
        let l = common::load(&path);
        let t = &l.trace;
        let victims = region_targets(t, &regions_named(t, "victim"));
        assert_eq!(victims.len(), 3, "{name}");
        let a = aggregate(&*l.tile_access(), &victims);
        assert_eq!(a.instances, 3);
        assert_eq!(a.totals_ns.iter().sum::<i64>(), a.duration_ns, "{name}");
        let sum: i64 = victims.iter().map(Target::duration_ns).sum();
        assert_eq!(a.duration_ns, sum, "{name}");
        // Woken by the hog as it began its time slice, each victim is
        // runnable until Go preempts the hog, 10 ms into its slice.
        for v in &victims {
            let p = critical_path(&*l.tile_access(), *v);
            check_contiguous(&p, &name);
            let runnable = time_on(t, &p, "main.victim")[PathState::Runnable as usize];
            assert!(runnable >= 5 * MS, "{name}: victim runnable {runnable} ns");
            assert!(
                p.hops.iter().any(|h| function(t, h.from) == "main.hog"),
                "{name}"
            );
        }
        let runnable = a.totals_ns[PathState::Runnable as usize];
        assert!(runnable >= 15 * MS, "{name}: {runnable}");
        let hog_fn = a
            .by_function_ns
            .iter()
            .any(|(f, _)| t.str(*f) == "main.hog");
        assert!(hog_fn, "{name}: the hog is on the victims' paths");
    }
}

#[test]
fn goroutine_targets_clip_to_the_lane_and_whole_lives_cover_it() {
    let path = common::testdata().join("traces/whyslow_go127.trace");
    let l = common::load(&path);
    let t = &l.trace;
    for g in t.goroutines.indexes() {
        let Some(tg) = Target::goroutine(t, g, None, None) else {
            continue;
        };
        let lane = t.lane(g);
        assert_eq!(tg.start_ns, t.spans.start(lane.first as usize));
        assert_eq!(tg.end_ns, lane.end);
        check_contiguous(&critical_path(&*l.tile_access(), tg), &format!("G{g}"));
    }
    assert!(Target::goroutine(t, GIdx::at(0), Some(t.meta.end + 10), None).is_none());
}

/// A goroutine of the stall's largest group with a wait of at least 500 ms
/// in `select`, and that span's start and end.
fn stalled(t: &Trace) -> (GIdx, i64, i64) {
    for &g in &t.groups[0].members {
        let lane = t.lane(g);
        for i in lane.indexes() {
            let s = t.spans.span(&lane, i);
            if s.state == GoLaneState::Waiting
                && s.end - s.start >= 500 * MS
                && t.reason(s.reason).contains("select")
            {
                return (g, s.start, s.end);
            }
        }
    }
    panic!("no stalled goroutine");
}

#[test]
fn the_stalled_streams_second_is_a_select_the_context_timer_ended() {
    for v in ["go122", "go125", "go127", "go121", "go119"] {
        let path = common::testdata().join(format!("traces/stall_{v}.trace"));
        let l = common::load(&path);
        let t = &l.trace;
        let (g, start, end) = stalled(t);
        let p = critical_path(
            &*l.tile_access(),
            Target::goroutine(t, g, Some(start), Some(end)).unwrap(),
        );
        check_contiguous(&p, v);
        let unblocker = t
            .unblocked_by(g, end)
            .expect("the stall has an unblocker")
            .from
            .expect("a goroutine woke the stream");
        // The path leaves the stream for the goroutine that woke it.
        assert_eq!(
            p.hops.last().map(|h| (h.from, h.to)),
            Some((unblocker, g)),
            "{v}"
        );
        assert!(p.by_goroutine_ns().iter().any(|x| x.0 == unblocker), "{v}");
        // Nothing but the timer explains the second: blocked in select.
        let select: i64 = p
            .segments
            .iter()
            .filter(|s| matches!(s.cause, Cause::Blocked(r) if t.reason(r).contains("select")))
            .map(Segment::duration_ns)
            .sum();
        assert!(select >= 900 * MS, "{v}: {select} ns blocked in select");
    }
}

fn cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gotraceview"))
        .args(args)
        .output()
        .expect("run gotraceview")
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The `Time=` of the first dump line with all of `needles`.
fn dump_time(dump: &str, needles: &[&str]) -> i64 {
    let line = dump
        .lines()
        .find(|l| needles.iter().all(|n| l.contains(n)))
        .unwrap_or_else(|| panic!("no dump line with {needles:?}"));
    let t = line.split("Time=").nth(1).expect("Time=");
    t.split_whitespace()
        .next()
        .unwrap()
        .parse()
        .expect("a time")
}

#[test]
fn critical_path_json_has_the_issue_schema_on_the_clock_of_dump() {
    let file = common::testdata().join("traces/whyslow_go127.trace");
    let file = file.to_str().unwrap();
    let v = json_of(&cli(&[
        "critical-path",
        file,
        "--region",
        "request",
        "--json",
    ]));
    let tg = &v["target"];
    let (start, end) = (
        tg["start_ns"].as_i64().unwrap(),
        tg["end_ns"].as_i64().unwrap(),
    );
    assert_eq!(tg["region"], "request");
    assert!(tg["goroutine"].is_i64());
    // Times on the clock of `dump`: the region's begin and end events.
    let out = cli(&["dump", file]);
    let dump = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        start,
        dump_time(&dump, &["RegionBegin", "Type=\"request\""])
    );
    assert_eq!(end, dump_time(&dump, &["RegionEnd", "Type=\"request\""]));
    let segs = v["segments"].as_array().expect("segments");
    let mut t = start;
    for s in segs {
        assert_eq!(s["start_ns"].as_i64(), Some(t), "contiguous: {s}");
        t = s["end_ns"].as_i64().unwrap();
        let state = s["state"].as_str().unwrap();
        assert!(["running", "runnable", "syscall", "blocked", "gc"].contains(&state));
        for k in ["reason", "function", "frame"] {
            assert!(s[k].is_string(), "{k} of {s}");
        }
        assert!(s["goroutine"].is_i64());
    }
    assert_eq!(t, end);
    let totals = v["totals_ns"].as_object().expect("totals");
    let keys: Vec<&str> = totals.keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 5, "{keys:?}");
    let sum = |o: &serde_json::Map<String, serde_json::Value>| -> i64 {
        o.values().map(|x| x.as_i64().unwrap()).sum()
    };
    assert_eq!(sum(totals), end - start);
    let by_g = v["by_goroutine_ns"].as_object().expect("by goroutine");
    assert_eq!(sum(by_g), end - start);
    assert_eq!(by_g.len(), 3, "handle, worker, holder: {by_g:?}");
    // --all: totals over every instance only.
    let a = json_of(&cli(&[
        "critical-path",
        file,
        "--region",
        "victim",
        "--all",
        "--json",
    ]));
    assert_eq!(a["instances"], 3);
    assert!(a.get("segments").is_none());
    assert_eq!(
        sum(a["totals_ns"].as_object().unwrap()),
        a["duration_ns"].as_i64().unwrap()
    );
    // A goroutine over part of its life.
    let g = tg["goroutine"].as_i64().unwrap().to_string();
    let (from, to) = ((start + 1000).to_string(), (end - 1000).to_string());
    let p = json_of(&cli(&[
        "critical-path",
        file,
        "--goroutine",
        &g,
        "--from",
        &from,
        "--to",
        &to,
        "--json",
    ]));
    assert_eq!(sum(p["totals_ns"].as_object().unwrap()), end - start - 2000);
    // A name that is not there: one line, exit status 1.
    let bad = cli(&["critical-path", file, "--region", "nosuch"]);
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&bad.stderr).lines().count(), 1);
}

#[test]
fn paths_and_findings_of_a_truncated_trace_stop_cleanly() {
    use gotraceview::load::{load_bytes, Progress};
    let mut checked = 0;
    for file in [
        "stall_go127.trace",
        "whyslow_go127.trace",
        "whyslow_go121.trace",
    ] {
        let data = std::fs::read(common::testdata().join("traces").join(file)).expect("read");
        for part in 1..=20 {
            let cut = (data.len() * part / 20).min(data.len() - 3);
            let progress = Progress::default();
            let Ok(l) = load_bytes(file, &data[..cut], &progress, &AtomicBool::new(false)) else {
                continue;
            };
            let t = &l.trace;
            let what = format!("{file} cut at {cut}");
            let mut targets: Vec<Target> = t
                .goroutines
                .indexes()
                .take(300)
                .filter_map(|g| Target::goroutine(t, g, None, None))
                .collect();
            targets.extend(region_targets(
                t,
                &(0..t.regions.len() as u32).collect::<Vec<_>>(),
            ));
            for tg in targets {
                let p = critical_path(&*l.tile_access(), tg);
                check_contiguous(&p, &what);
                assert!(
                    p.segments.iter().all(|s| s.start_ns >= t.meta.start),
                    "{what}"
                );
            }
            let f = l
                .findings(&AtomicBool::new(false), &|_, _| {})
                .expect("findings");
            assert!(f.findings.iter().all(|x| x.end_ns <= t.meta.end), "{what}");
            assert!(t.meta.loss.is_some(), "{what}");
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} truncated traces loaded");
}
