//! Scheduler latency: the longest runnable-to-running waits of the
//! program's goroutines, and the time ranges where some P sat idle while
//! goroutines were runnable.

use super::report::{at_text, duration_text};
use super::{plural, top_goroutines, Finding, FindingKind, TopGoroutines, TopN, TOP};
use crate::analysis::fold::{LaneSpan, Tile};
use crate::model::{GIdx, GoLaneState, IntervalKind, Trace};
use crate::trace::{ProcId, Time};
use rustc_hash::FxHashMap;
use std::cmp::Reverse;

/// Go's v1 parser numbers its pseudo-Ps (GC, timers, network, syscalls)
/// from here: they hold no goroutine of the program.
const FIRST_PSEUDO_P: i64 = 1_000_000;

/// The runnable waits of one goroutine group (start function).
#[derive(Default)]
struct GroupWaits {
    /// The longest: duration, goroutine, start, end.
    longest: (Time, GIdx, Time, Time),
    waits: u64,
    /// The goroutines whose longest waits are the longest.
    goroutines: TopGoroutines,
}

/// The runnable-to-running waits of the program's goroutines, by group.
#[derive(Default)]
pub(super) struct RunnableWaits {
    groups: FxHashMap<u32, GroupWaits>,
}

impl RunnableWaits {
    /// A span of one of the program's goroutines; `longest` is the
    /// goroutine's longest wait so far.
    pub fn span(&mut self, g: GIdx, longest: &mut Time, s: &LaneSpan, t: &Trace) {
        let grp = self.group(t, g);
        // A wait the trace's end cut short is not a runnable-to-running wait.
        if s.last || s.state != GoLaneState::Runnable {
            return;
        }
        let d = s.end - s.start;
        grp.waits += 1;
        *longest = (*longest).max(d);
        // Ties: the goroutine first in the table, then the earliest wait.
        let l = grp.longest;
        if d > l.0 || (d == l.0 && d > 0 && (g, s.start) < (l.1, l.2)) {
            grp.longest = (d, g, s.start, s.end);
        }
    }

    /// Goroutine `g`'s lane has ended, its longest wait `longest`.
    pub fn end(&mut self, g: GIdx, longest: Time, t: &Trace) {
        let grp = self.group(t, g);
        if longest > 0 {
            grp.goroutines.push(g, longest);
        }
    }

    fn group(&mut self, t: &Trace, g: GIdx) -> &mut GroupWaits {
        let k = t.goroutines.group(g).unwrap_or(u32::MAX);
        self.groups.entry(k).or_default()
    }

    /// The longest runnable-to-running wait of each goroutine group, for
    /// the groups whose longest waits are the longest (one finding per
    /// group, so that thousands of goroutines woken at once do not hide
    /// the others).
    pub fn finish(self, trace: &Trace) -> Vec<Finding> {
        let gs = &trace.goroutines;
        let mut top = TopN::new(TOP);
        for (k, grp) in self.groups.into_iter().filter(|g| g.1.longest.0 > 0) {
            top.push((grp.longest.0, Reverse(k)), grp);
        }
        top.into_sorted()
            .into_iter()
            .map(|((d, _), grp)| {
                let (_, g, start_ns, end_ns) = grp.longest;
                let function = trace.str(gs.name(g)).to_string();
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
                    goroutines: grp.goroutines.into_sorted(),
                    impact_ns: d,
                }
            })
            .collect()
    }
}

/// What changed at a moment of the idle-P condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    /// A P began (+1) or stopped (-1) running a goroutine or a syscall.
    Busy(i32),
    /// A goroutine became runnable (+1, which one) or ran (-1).
    Runnable(i32),
    /// A stop-the-world pause began (+1) or ended (-1): no P is idle then.
    Stw(i32),
    /// GOMAXPROCS became this.
    Procs(i32),
}

/// One change of the idle-P condition, 16 bytes (there are millions).
#[derive(Debug, Clone, Copy)]
struct Change {
    t: Time,
    what: What,
    /// The goroutine that became runnable (`None` for other changes).
    g: Option<GIdx>,
}

impl Change {
    fn new(t: Time, what: What) -> Change {
        Change { t, what, g: None }
    }
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
/// some goroutine was runnable, outside stop-the-world pauses: a sweep
/// over the changes of busy Ps, runnable goroutines, pauses and
/// GOMAXPROCS in time order, tile after tile.
pub(super) struct IdleSweep {
    busy: i32,
    runnable: i32,
    stopped: i32,
    procs: i32,
    open: Option<Window>,
    top: TopN<(Time, Reverse<Time>), Window>,
    /// Changes at the end of the last tile's own time (the next tile's
    /// first moment), swept with the next tile's.
    at_edge: Vec<Change>,
}

impl IdleSweep {
    /// A sweep of the trace whose overview is `t`.
    pub fn new(t: &Trace) -> IdleSweep {
        let procs = if t.counters.gomaxprocs.is_empty() {
            t.procs
                .iter()
                .filter(|p| p.id < ProcId(FIRST_PSEUDO_P))
                .count() as i32
        } else {
            0
        };
        IdleSweep {
            busy: 0,
            runnable: 0,
            stopped: 0,
            procs,
            open: None,
            top: TopN::new(TOP),
            at_edge: Vec::new(),
        }
    }

    /// Sweeps the changes in the tile's own time; a tile holds every
    /// interval and span overlapping it, whole, so each begins (and ends)
    /// in the own time of exactly one tile, or at the end of one's.
    pub fn tile(&mut self, tile: &Tile<'_>) {
        let mut ch = std::mem::take(&mut self.at_edge);
        changes(tile, &mut ch);
        // A stable sort: at one time the goroutines woken keep the order
        // of their index (what a window lists first). Millions of changes a
        // tile: a radix sort takes a fraction of a comparison sort's time.
        radsort::sort_by_key(&mut ch, |c| c.t);
        let keep = tile
            .to
            .map_or(ch.len(), |to| ch.partition_point(|c| c.t < to));
        self.at_edge = ch.split_off(keep);
        self.sweep(&ch);
    }

    fn sweep(&mut self, ch: &[Change]) {
        let mut i = 0;
        while i < ch.len() {
            let t = ch[i].t;
            let mut woken = Vec::new();
            while i < ch.len() && ch[i].t == t {
                let c = &ch[i];
                match c.what {
                    What::Busy(d) => self.busy += d,
                    What::Runnable(d) => self.runnable += d,
                    What::Stw(d) => self.stopped += d,
                    What::Procs(p) => self.procs = p,
                }
                if let Some(g) = c.g {
                    woken.push((g, 0));
                }
                i += 1;
            }
            let idle = self.busy < self.procs && self.runnable > 0 && self.stopped <= 0;
            match (self.open.as_mut(), idle) {
                (None, true) => {
                    self.open = Some(Window {
                        start_ns: t,
                        end_ns: t,
                        peak: self.runnable,
                        goroutines: woken,
                    });
                }
                (Some(w), true) => {
                    w.peak = w.peak.max(self.runnable);
                    if w.goroutines.len() < 4 * super::MAX_GOROUTINES {
                        w.goroutines.extend(woken);
                    }
                }
                (Some(_), false) => {
                    if let Some(mut w) = self.open.take() {
                        w.end_ns = t;
                        self.top.push((t - w.start_ns, Reverse(w.start_ns)), w);
                    }
                }
                (None, false) => {}
            }
        }
    }

    /// The longest idle windows (one still open at the end is not one).
    pub fn finish(mut self, trace: &Trace) -> Vec<Finding> {
        let edge = std::mem::take(&mut self.at_edge);
        self.sweep(&edge);
        self.top
            .into_sorted()
            .into_iter()
            .filter(|((d, _), _)| *d > 0)
            .map(|((d, _), w)| Finding {
                kind: FindingKind::SchedLatency,
                start_ns: w.start_ns,
                end_ns: w.end_ns,
                duration_ns: d,
                count: w.peak as u64,
                function: w
                    .goroutines
                    .first()
                    .map(|&(g, _)| trace.str(trace.goroutines.name(g)).to_string())
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
}

/// The changes of the idle-P condition in `tile`: those that begin in its
/// own time, and those that end in it or at its end.
fn changes(tile: &Tile<'_>, ch: &mut Vec<Change>) {
    let (t, o) = (tile.model, tile.overview);
    let begins = |s: Time| tile.owns(s);
    let ends = |e: Time| e > tile.from && !tile.goes_on(e);
    for p in t.procs.iter().filter(|p| p.id < ProcId(FIRST_PSEUDO_P)) {
        let iv = &p.intervals;
        for i in 0..iv.len() {
            if matches!(iv.kind(i), IntervalKind::Running | IntervalKind::Syscall) {
                if begins(iv.start(i)) {
                    ch.push(Change::new(iv.start(i), What::Busy(1)));
                }
                if ends(iv.end(i)) {
                    ch.push(Change::new(iv.end(i), What::Busy(-1)));
                }
            }
        }
    }
    for (g, lane) in t.lanes.iter() {
        for i in lane.indexes() {
            if t.spans.state(i) == GoLaneState::Runnable {
                let s = t.spans.span(&lane, i);
                if begins(s.start) {
                    ch.push(Change {
                        g: Some(g),
                        ..Change::new(s.start, What::Runnable(1))
                    });
                }
                if ends(s.end) {
                    ch.push(Change::new(s.end, What::Runnable(-1)));
                }
            }
        }
    }
    for r in &o.stw {
        for (at, d) in [(r.start, 1), (r.end, -1)] {
            if begins(at) {
                ch.push(Change::new(at, What::Stw(d)));
            }
        }
    }
    let gmp = &o.counters.gomaxprocs;
    for (&at, &v) in gmp.time.iter().zip(&gmp.last) {
        if begins(at) {
            ch.push(Change::new(at, What::Procs(v as i32)));
        }
    }
}
