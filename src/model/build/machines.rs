//! Proc and thread intervals being built: what ran on each P and M and
//! when, exact, folded into buckets (an overview) or not kept (a tile of
//! goroutine lanes only), and the threads' counters.

use super::super::lanes::{IntervalKind, IntervalLane};
use super::super::{EdgeInterval, GIdx, ProcLane, ThreadLane};
use super::coarse::CoarseIntervals;
use super::ModelBuilder;
use crate::trace::{ProcId, ThreadId, Time};

/// What a proc or thread lane keeps of its intervals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Keep {
    /// Every interval.
    #[default]
    Exact,
    /// Intervals folded into buckets of this width (an overview).
    Folded(Time),
    /// None (a tile of goroutine lanes only).
    Nothing,
}

/// A proc or thread being built: closed intervals and the open one.
#[derive(Default)]
pub struct MachineBuild {
    lane: IntervalLane,
    open: Option<(Time, GIdx, IntervalKind)>,
    /// What is built of the intervals.
    keep: Keep,
    coarse: CoarseIntervals,
    /// Start of the current generation (overviews only): an interval
    /// closed after it that began before it crossed a boundary.
    boundary: Time,
    /// The intervals that crossed a boundary: start, end, goroutine, kind.
    edges: Vec<(Time, Time, GIdx, IntervalKind)>,
}

impl MachineBuild {
    /// An empty lane, keeping what `keep` says of its intervals.
    pub fn new(keep: Keep) -> MachineBuild {
        MachineBuild {
            keep,
            ..MachineBuild::default()
        }
    }

    /// Opens an interval at `t` (closing the open one), begun at `start`
    /// (before `t` only for one a tile carries over its first boundary).
    pub(super) fn open(&mut self, start: Time, t: Time, g: GIdx, kind: IntervalKind) {
        self.close(t);
        self.open = Some((start, g, kind));
    }

    /// Where the open interval began, if one is open.
    pub(super) fn open_start(&self) -> Option<Time> {
        self.open.map(|o| o.0)
    }

    pub(super) fn close(&mut self, t: Time) -> Option<IntervalKind> {
        let (start, g, kind) = self.open.take()?;
        match self.keep {
            Keep::Nothing => {}
            Keep::Folded(bucket_ns) => {
                if start < self.boundary {
                    self.note_edge(start, t.max(start), g, kind);
                }
                self.coarse.push(
                    &mut self.lane,
                    start,
                    t.max(start),
                    Some(g),
                    kind,
                    bucket_ns,
                );
            }
            Keep::Exact => self.lane.push(start, t.max(start), Some(g), kind),
        }
        Some(kind)
    }

    /// Keeps an interval that crossed a generation boundary (one per
    /// machine and boundary at most: out of the way of the hot path).
    #[cold]
    #[inline(never)]
    fn note_edge(&mut self, start: Time, end: Time, g: GIdx, kind: IntervalKind) {
        self.edges.push((start, end, g, kind));
    }

    /// A generation begins at `t`.
    pub fn set_boundary(&mut self, t: Time) {
        self.boundary = t;
    }

    /// The intervals of machine `id` that crossed a generation boundary.
    pub fn take_edges(&mut self, thread: bool, id: i64) -> impl Iterator<Item = EdgeInterval> {
        std::mem::take(&mut self.edges)
            .into_iter()
            .map(move |(start, end, g, kind)| EdgeInterval {
                thread,
                machine: id,
                g,
                start,
                end,
                kind,
            })
    }

    /// The closed intervals.
    pub fn closed(&self) -> &IntervalLane {
        &self.lane
    }

    /// The finished proc lane.
    pub fn into_proc(mut self, id: i64) -> ProcLane {
        self.coarse.flush(&mut self.lane);
        ProcLane {
            id: ProcId(id),
            intervals: self.lane,
        }
    }

    /// The finished thread lane.
    pub fn into_thread(mut self, id: i64) -> ThreadLane {
        self.coarse.flush(&mut self.lane);
        ThreadLane {
            id: ThreadId(id),
            intervals: self.lane,
        }
    }
}

impl ModelBuilder {
    pub(super) fn thread_open(&mut self, m: i64, time: Time, g: GIdx, kind: IntervalKind) {
        if m < 0 {
            return;
        }
        let start = self.interval_start(true, m, g, kind, time);
        let th = self.threads.get_or_default(m);
        let old = th.open.map(|o| o.2);
        th.open(start, time, g, kind);
        self.thread_counts(old, Some(kind), time);
    }

    /// Where the first interval a tile opens on a machine at `time` begins:
    /// where the overview's interval open at the tile's start began, when
    /// it is this goroutine doing the same (a status says what runs, not
    /// since when); else at `time`.
    #[inline]
    pub(super) fn interval_start(
        &mut self,
        thread: bool,
        machine: i64,
        g: GIdx,
        kind: IntervalKind,
        time: Time,
    ) -> Time {
        if self.edges.intervals.is_empty() {
            return time;
        }
        self.carried_interval_start(thread, machine, g, kind, time)
    }

    /// [`ModelBuilder::interval_start`] in a tile, at most once per machine.
    #[cold]
    #[inline(never)]
    fn carried_interval_start(
        &mut self,
        thread: bool,
        machine: i64,
        g: GIdx,
        kind: IntervalKind,
        time: Time,
    ) -> Time {
        match self.edges.intervals.remove(&(thread, machine)) {
            Some((id, c))
                if id == self.goroutines.id(g)
                    && c.kind == kind
                    && c.start < time
                    && time <= c.end =>
            {
                c.start
            }
            _ => time,
        }
    }

    pub(super) fn thread_close(&mut self, m: i64, time: Time) {
        if let Some(th) = self.threads.get_mut(&m) {
            let old = th.close(time);
            self.thread_counts(old, None, time);
        }
    }

    pub(super) fn thread_counts(
        &mut self,
        old: Option<IntervalKind>,
        new: Option<IntervalKind>,
        time: Time,
    ) {
        if old == new || !self.mode.full() {
            return;
        }
        let (mut running, mut syscall) = (false, false);
        for (k, d) in [(old, -1), (new, 1)] {
            match k {
                Some(IntervalKind::Running) => {
                    self.threads_running += d;
                    running = true;
                }
                Some(IntervalKind::Syscall) => {
                    self.threads_syscall += d;
                    syscall = true;
                }
                _ => {}
            }
        }
        // N.B. both series begin at the first change of either (a point at 0).
        if running || self.counters.threads_running.is_empty() {
            self.counters
                .threads_running
                .set(time, self.threads_running as f64);
        }
        if syscall || self.counters.threads_syscall.is_empty() {
            self.counters
                .threads_syscall
                .set(time, self.threads_syscall as f64);
        }
    }
}
