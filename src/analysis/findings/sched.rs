//! Scheduler latency: the longest runnable-to-running waits of the
//! program's goroutines, and the time ranges where some P sat idle while
//! goroutines were runnable.

use super::report::{at_text, duration_text};
use super::{is_runtime_goroutine, plural, top_goroutines, Finding, FindingKind, TopN, TOP};
use crate::model::{GIdx, GoLaneState, IntervalKind, Trace};
use crate::trace::Time;
use rustc_hash::FxHashMap;

/// Go's v1 parser numbers its pseudo-Ps (GC, timers, network, syscalls)
/// from here: they hold no goroutine of the program.
const FIRST_PSEUDO_P: i64 = 1_000_000;

/// Scheduler latency findings: waits first, then idle-P windows.
pub(super) fn sched_latency(trace: &Trace) -> Vec<Finding> {
    let mut out = runnable_waits(trace);
    out.extend(idle_windows(trace));
    out
}

/// The runnable waits of one goroutine group (start function).
#[derive(Default)]
struct GroupWaits {
    /// The longest: duration, goroutine, start, end.
    longest: (Time, GIdx, Time, Time),
    waits: u64,
    /// Each goroutine's longest wait.
    goroutines: Vec<(GIdx, Time)>,
}

/// The longest runnable-to-running wait of each goroutine group, for the
/// groups whose longest waits are the longest (one finding per group, so
/// that thousands of goroutines woken at once do not hide the others).
fn runnable_waits(trace: &Trace) -> Vec<Finding> {
    let gs = &trace.goroutines;
    let mut groups: FxHashMap<u32, GroupWaits> = FxHashMap::default();
    for g in 0..gs.len() as GIdx {
        if is_runtime_goroutine(trace, g) {
            continue;
        }
        let lane = trace.lane(g);
        let grp = groups
            .entry(gs.group(g as usize).unwrap_or(u32::MAX))
            .or_default();
        let mut own = 0;
        // A wait the trace's end cut short is not a runnable-to-running wait.
        let r = lane.indexes();
        for i in r.start..r.end.saturating_sub(1) {
            if trace.spans.state(i) == GoLaneState::Runnable {
                let s = trace.spans.span(&lane, i);
                let d = s.end - s.start;
                grp.waits += 1;
                own = own.max(d);
                if d > grp.longest.0 {
                    grp.longest = (d, g, s.start, s.end);
                }
            }
        }
        if own > 0 {
            grp.goroutines.push((g, own));
        }
    }
    let mut top = TopN::new(TOP);
    for grp in groups.into_values().filter(|g| g.longest.0 > 0) {
        top.push(grp.longest.0, grp);
    }
    top.into_sorted()
        .into_iter()
        .map(|(d, grp)| {
            let (_, g, start_ns, end_ns) = grp.longest;
            let function = trace.str(gs.name(g as usize)).to_string();
            Finding {
                kind: FindingKind::SchedLatency,
                start_ns,
                end_ns,
                duration_ns: d,
                count: grp.waits,
                text: format!(
                    "{} waited {} to run (runnable) from {}: the longest of {} of {function}",
                    trace.goroutine_label(g),
                    duration_text(d),
                    at_text(trace, start_ns),
                    plural(grp.waits, "wait"),
                ),
                function,
                goroutines: top_goroutines(grp.goroutines),
                impact_ns: d,
            }
        })
        .collect()
}

/// One change of the idle-P condition: busy Ps, runnable goroutines,
/// GOMAXPROCS (`None`: unchanged).
struct Change {
    t: Time,
    busy: i32,
    runnable: i32,
    /// Stop-the-world pauses begun (+1) or ended (-1): no P is idle then.
    stw: i32,
    procs: Option<i32>,
    /// The goroutine that became runnable, if any.
    g: Option<GIdx>,
}

/// A time range with an idle P and runnable goroutines.
#[derive(Default)]
struct Window {
    start_ns: Time,
    end_ns: Time,
    /// Most goroutines runnable at once.
    peak: i32,
    /// Goroutines that became runnable in it.
    goroutines: Vec<(GIdx, Time)>,
}

/// Time ranges where fewer Ps ran goroutines than GOMAXPROCS allowed while
/// some goroutine was runnable, outside stop-the-world pauses.
fn idle_windows(trace: &Trace) -> Vec<Finding> {
    let mut ch: Vec<Change> = Vec::new();
    let change = |t, busy, runnable, g| Change {
        t,
        busy,
        runnable,
        stw: 0,
        procs: None,
        g,
    };
    let real_procs = trace.procs.iter().filter(|p| p.id < FIRST_PSEUDO_P);
    for p in real_procs.clone() {
        let iv = &p.intervals;
        for i in 0..iv.len() {
            if matches!(iv.kind(i), IntervalKind::Running | IntervalKind::Syscall) {
                ch.push(change(iv.start(i), 1, 0, None));
                ch.push(change(iv.end(i), -1, 0, None));
            }
        }
    }
    let gs = &trace.goroutines;
    for g in 0..gs.len() as GIdx {
        let lane = trace.lane(g);
        for i in lane.indexes() {
            if trace.spans.state(i) == GoLaneState::Runnable {
                let s = trace.spans.span(&lane, i);
                ch.push(change(s.start, 0, 1, Some(g)));
                ch.push(change(s.end, 0, -1, None));
            }
        }
    }
    for r in &trace.stw {
        ch.push(Change {
            stw: 1,
            ..change(r.start, 0, 0, None)
        });
        ch.push(Change {
            stw: -1,
            ..change(r.end, 0, 0, None)
        });
    }
    let gmp = &trace.counters.gomaxprocs;
    let mut procs = real_procs.count() as i32;
    if !gmp.is_empty() {
        procs = 0;
        for (&t, &v) in gmp.time.iter().zip(&gmp.last) {
            ch.push(Change {
                procs: Some(v as i32),
                ..change(t, 0, 0, None)
            });
        }
    }
    ch.sort_by_key(|c| c.t);
    let (mut busy, mut runnable, mut stopped) = (0i32, 0i32, 0i32);
    let mut open: Option<Window> = None;
    let mut top = TopN::new(TOP);
    let mut i = 0;
    while i < ch.len() {
        let t = ch[i].t;
        let mut woken = Vec::new();
        while i < ch.len() && ch[i].t == t {
            let c = &ch[i];
            busy += c.busy;
            runnable += c.runnable;
            stopped += c.stw;
            if let Some(p) = c.procs {
                procs = p;
            }
            woken.extend(c.g.map(|g| (g, 0)));
            i += 1;
        }
        let idle = busy < procs && runnable > 0 && stopped <= 0;
        match (open.as_mut(), idle) {
            (None, true) => {
                open = Some(Window {
                    start_ns: t,
                    end_ns: t,
                    peak: runnable,
                    goroutines: woken,
                });
            }
            (Some(w), true) => {
                w.peak = w.peak.max(runnable);
                if w.goroutines.len() < 4 * super::MAX_GOROUTINES {
                    w.goroutines.extend(woken);
                }
            }
            (Some(_), false) => {
                if let Some(mut w) = open.take() {
                    w.end_ns = t;
                    top.push(t - w.start_ns, w);
                }
            }
            (None, false) => {}
        }
    }
    top.into_sorted()
        .into_iter()
        .filter(|(d, _)| *d > 0)
        .map(|(d, w)| Finding {
            kind: FindingKind::SchedLatency,
            start_ns: w.start_ns,
            end_ns: w.end_ns,
            duration_ns: d,
            count: w.peak as u64,
            function: w
                .goroutines
                .first()
                .map(|&(g, _)| trace.str(trace.goroutines.name(g as usize)).to_string())
                .unwrap_or_default(),
            text: format!(
                "a P sat idle for {} while up to {} waited to run, from {}",
                duration_text(d),
                plural(w.peak as u64, "goroutine"),
                at_text(trace, w.start_ns)
            ),
            goroutines: top_goroutines(w.goroutines),
            impact_ns: d,
        })
        .collect()
}
