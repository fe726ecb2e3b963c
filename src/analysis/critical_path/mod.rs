//! The critical path of a goroutine, region or task: walking back from the
//! end of an interval, who was the program waiting for at each moment?
//!
//! While the goroutine on the path runs, is runnable or is in a system
//! call, the time is its own (running, scheduler latency, syscall); when
//! it is blocked and another goroutine unblocked it, the path jumps to that
//! goroutine at the unblock and walks back on its lane; when nobody can be
//! blamed (a timer, the network poller, the scheduler) the time is
//! "blocked (reason)" on the goroutine itself. GC work charged to the
//! goroutine on the path (mark assist, sweeping) and stop-the-world pauses
//! while it ran or waited to run are their own cause. The result covers
//! the interval exactly with contiguous [`Segment`]s.
//!
//! The walk is a loop (no recursion), visits each span at most once per
//! goroutine visit, and stops cleanly where the trace says nothing more:
//! the interval's start, a goroutine's creation by the runtime, the start
//! of the trace or a lost part of it.

mod aggregate;
mod charge;
mod report;
mod target;
mod walk;

pub use aggregate::{aggregate, Aggregate};
pub use report::{aggregate_json, path_json};
pub use target::{
    region_targets, regions_named, slowest, task_targets, tasks_named, Target, TargetKind,
};
pub use walk::critical_path;

use crate::model::{GIdx, StackId, StrId, Trace};
use crate::trace::Time;

/// What the path's time is spent on, coarsely (the JSON `state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathState {
    /// The goroutine on the path was executing.
    Running = 0,
    /// It was ready and waited for a P (scheduler latency).
    Runnable = 1,
    /// It was in a system call.
    Syscall = 2,
    /// It was blocked and no goroutine can be blamed.
    Blocked = 3,
    /// GC: mark assist, sweeping or a stop-the-world pause.
    Gc = 4,
}

impl PathState {
    /// Every state, in the order of the totals.
    pub const ALL: [PathState; 5] = [
        PathState::Running,
        PathState::Runnable,
        PathState::Syscall,
        PathState::Blocked,
        PathState::Gc,
    ];

    /// The JSON name.
    pub fn name(self) -> &'static str {
        match self {
            PathState::Running => "running",
            PathState::Runnable => "runnable",
            PathState::Syscall => "syscall",
            PathState::Blocked => "blocked",
            PathState::Gc => "gc",
        }
    }
}

/// Why the walk could not explain the time before some point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Untraced {
    /// The trace (or the loaded part of it) begins later.
    TraceStart,
    /// The goroutine was created by the runtime (no goroutine to follow).
    Creation,
    /// The goroutine's lane has a gap (a lost part of the trace).
    Lost,
}

/// What one segment of the path is charged to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cause {
    /// Executing.
    Running,
    /// Runnable: waiting for a P.
    Runnable,
    /// In a system call (with or without its P).
    Syscall,
    /// Blocked for this reason (index into `Trace::reasons`), no goroutine to blame.
    Blocked(u16),
    /// Mark assist while it ran.
    MarkAssist,
    /// Sweeping while it ran.
    Sweep,
    /// A stop-the-world pause (its reason) while it ran or was runnable.
    Stw(StrId),
    /// Nothing known before this point (see [`Untraced`]).
    Untraced(Untraced),
}

impl Cause {
    /// The coarse state.
    pub fn state(self) -> PathState {
        match self {
            Cause::Running => PathState::Running,
            Cause::Runnable => PathState::Runnable,
            Cause::Syscall => PathState::Syscall,
            Cause::Blocked(_) | Cause::Untraced(_) => PathState::Blocked,
            Cause::MarkAssist | Cause::Sweep | Cause::Stw(_) => PathState::Gc,
        }
    }

    /// The reason within the state ("" for running, runnable and syscall).
    pub fn reason(self, trace: &Trace) -> String {
        match self {
            Cause::Running | Cause::Runnable | Cause::Syscall => String::new(),
            Cause::Blocked(r) => trace.reason(r).to_string(),
            Cause::MarkAssist => "mark assist".into(),
            Cause::Sweep => "sweep".into(),
            Cause::Stw(s) => format!("stop-the-world ({})", trace.str(s)),
            Cause::Untraced(Untraced::TraceStart) => "before the trace".into(),
            Cause::Untraced(Untraced::Creation) => "created by the runtime".into(),
            Cause::Untraced(Untraced::Lost) => "not traced".into(),
        }
    }

    /// "blocked (sleep)", "running", "gc (mark assist)": for lists and legends.
    pub fn label(self, trace: &Trace) -> String {
        let r = self.reason(trace);
        if r.is_empty() {
            self.state().name().to_string()
        } else {
            format!("{} ({r})", self.state().name())
        }
    }
}

/// A piece of the path: one goroutine, one cause, a time interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// The goroutine on the path.
    pub g: GIdx,
    /// Start.
    pub start_ns: Time,
    /// End.
    pub end_ns: Time,
    /// What the time is charged to.
    pub cause: Cause,
    /// Where the goroutine ran (the stack where it stopped running) or
    /// blocked, 0 if unknown.
    pub stack: StackId,
}

impl Segment {
    /// Length.
    pub fn duration_ns(&self) -> Time {
        self.end_ns - self.start_ns
    }
}

/// How the path moved from one goroutine to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HopKind {
    /// `from` unblocked `to`, which was blocked for this reason.
    Unblock(u16),
    /// `from` created `to`.
    Create,
}

/// A jump of the path: walking back, it leaves `to` for `from` at `time_ns`
/// (drawn forward in time, as an arrow from `from` to `to`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    /// The goroutine that was waited for.
    pub from: GIdx,
    /// The goroutine that waited.
    pub to: GIdx,
    /// When.
    pub time_ns: Time,
    /// What kind of edge.
    pub kind: HopKind,
}

/// The critical path of a [`Target`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriticalPath {
    /// What was asked.
    pub target: Target,
    /// Contiguous segments in time order, covering the target's interval.
    pub segments: Vec<Segment>,
    /// The jumps between goroutines, in time order.
    pub hops: Vec<Hop>,
}

impl CriticalPath {
    /// Time by coarse state, indexed by `PathState as usize`.
    pub fn totals_ns(&self) -> [Time; 5] {
        let mut t = [0; 5];
        for s in &self.segments {
            t[s.cause.state() as usize] += s.duration_ns();
        }
        t
    }

    /// Time by cause, largest first.
    pub fn by_cause_ns(&self) -> Vec<(Cause, Time)> {
        sum_by(self.segments.iter().map(|s| (s.cause, s.duration_ns())))
    }

    /// Time by goroutine on the path, largest first.
    pub fn by_goroutine_ns(&self) -> Vec<(GIdx, Time)> {
        sum_by(self.segments.iter().map(|s| (s.g, s.duration_ns())))
    }

    /// Indexes of the segments charged to `cause`, in time order.
    pub fn segments_of(&self, cause: Cause) -> impl Iterator<Item = usize> + '_ {
        (0..self.segments.len()).filter(move |&i| self.segments[i].cause == cause)
    }
}

/// Sums values by key; largest sum first, ties by key.
pub(crate) fn sum_by<K: Copy + Ord + std::hash::Hash>(
    items: impl Iterator<Item = (K, Time)>,
) -> Vec<(K, Time)> {
    let mut m: rustc_hash::FxHashMap<K, Time> = rustc_hash::FxHashMap::default();
    for (k, v) in items {
        *m.entry(k).or_insert(0) += v;
    }
    let mut v: Vec<(K, Time)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}
