//! Detail tiles: the model of a few generations of a big trace, built on
//! its own (as Go's parser reads a trace that starts at any generation)
//! and then renamed into the whole trace's goroutine, proc and thread
//! indexes, so that the viewer can show it in place of the overview
//! without its selection, rows or links changing meaning.

use super::{
    GIdx, GoLaneState, GoroutineLanes, IntervalKind, IntervalLane, StackId, StrId, TileParts, Trace,
};
use crate::trace::Time;

/// A goroutine span of an overview that began before a generation boundary
/// and ended after it. A tile read from that generation on learns the
/// goroutine's state from its status event, but not since when, why
/// (the block reason) or where (the stack): the tile begins its lane with
/// this span instead, as the whole model has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeSpan {
    /// The goroutine (overview index).
    pub g: GIdx,
    /// Start of the span (before the boundary).
    pub start: Time,
    /// End of the span.
    pub end: Time,
    /// Its state.
    pub state: GoLaneState,
    /// Its block or stop reason (a string of the overview), 0 if none.
    pub reason: StrId,
    /// The stack of the event that began it, 0 if none.
    pub stack: StackId,
    /// For a runnable span begun by an unblock: who unblocked the goroutine
    /// (`None`: the runtime) and what it had waited for (a string of
    /// the overview): the arrow into the goroutine when it next runs.
    pub woken: Option<(Option<GIdx>, StrId)>,
}

/// A proc or thread interval of an overview that began before a
/// generation boundary and ended after it (the overview keeps its
/// intervals only folded into buckets): a tile read from that generation
/// begins the machine's lane with it, not at the status event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeInterval {
    /// A thread's interval (else a proc's).
    pub thread: bool,
    /// The proc or thread ID.
    pub machine: i64,
    /// The goroutine (overview index).
    pub g: GIdx,
    /// Start of the interval (before the boundary).
    pub start: Time,
    /// End of the interval.
    pub end: Time,
    /// What the goroutine did there.
    pub kind: IntervalKind,
}

impl Trace {
    /// The proc and thread intervals of this overview open at `t`.
    pub fn edge_intervals_at(&self, t: Time) -> impl Iterator<Item = &EdgeInterval> {
        let first = self.edge_intervals.partition_point(|e| e.end <= t);
        self.edge_intervals[first..]
            .iter()
            .filter(move |e| e.start < t)
    }

    /// The spans of this overview open at `t`: begun before it, ended
    /// after it.
    pub fn edge_spans_at(&self, t: Time) -> impl Iterator<Item = &EdgeSpan> {
        let first = self.edge_spans.partition_point(|e| e.end <= t);
        self.edge_spans[first..].iter().filter(move |e| e.start < t)
    }

    /// This model, built alone from some generations of the trace whose
    /// overview (or whole model) is `whole`, in `whole`'s goroutine, proc
    /// and thread indexes, sharing its goroutine table and groups. Its
    /// strings and stacks must extend `whole`'s (see `ModelBuilder::tile`).
    /// Goroutines `whole` does not know are dropped.
    /// Only a tile of [`TileParts::Full`] keeps its flows.
    // N.B. over 80 lines: the renaming of every part of the model into
    // the overview's indexes, one short block a part, in one place.
    pub fn into_tile_of(mut self, whole: &Trace, parts: TileParts) -> Trace {
        let local = std::mem::take(&mut self.goroutines);
        let map: Vec<Option<GIdx>> = (local.indexes())
            .map(|g| whole.goroutines.find(local.id(g)))
            .collect();
        let rename = |g: GIdx| map.get(g.ix()).copied().flatten();

        let mut lanes: Vec<(GIdx, super::LaneRange)> = self
            .lanes
            .iter()
            .filter(|(_, l)| l.len > 0)
            .filter_map(|(g, l)| Some((rename(g)?, l)))
            .collect();
        lanes.sort_by_key(|e| e.0);
        lanes.dedup_by_key(|e| e.0);
        self.lanes = GoroutineLanes::sparse(lanes);

        let align = |mine: Vec<(i64, IntervalLane)>, ids: &mut dyn Iterator<Item = i64>| {
            ids.map(|id| {
                let mut lane = mine
                    .iter()
                    .find(|(m, _)| *m == id)
                    .map(|(_, l)| l.clone())
                    .unwrap_or_default();
                lane.map_g(rename);
                lane
            })
            .collect::<Vec<_>>()
        };
        let procs: Vec<_> = self
            .procs
            .drain(..)
            .map(|p| (p.id.0, p.intervals))
            .collect();
        let procs = align(procs, &mut whole.procs.iter().map(|p| p.id.0));
        self.procs = whole
            .procs
            .iter()
            .zip(procs)
            .map(|(p, intervals)| super::ProcLane {
                id: p.id,
                intervals,
            })
            .collect();
        let threads: Vec<_> = self
            .threads
            .drain(..)
            .map(|m| (m.id.0, m.intervals))
            .collect();
        let threads = align(threads, &mut whole.threads.iter().map(|m| m.id.0));
        self.threads = whole
            .threads
            .iter()
            .zip(threads)
            .map(|(m, intervals)| super::ThreadLane {
                id: m.id,
                intervals,
            })
            .collect();

        for r in &mut self.stw {
            r.g = r.g.and_then(rename);
        }
        // The overview has every region and GC work row exactly: the tile
        // takes those that overlap it, with the starts and ends it would
        // cut (regions and mark assists have no status events).
        let (t0, t1) = (self.meta.start, self.meta.end);
        self.gc_work = (whole.gc_work.iter())
            .filter(|w| w.start <= t1 && w.end >= t0)
            .copied()
            .collect();
        self.regions = (whole.regions.iter())
            .filter(|r| r.start <= t1 && r.end >= t0)
            .copied()
            .collect();
        for t in &mut self.tasks {
            t.start_g = t.start_g.and_then(rename);
            t.end_g = t.end_g.and_then(rename);
        }
        for l in &mut self.logs {
            l.g = l.g.and_then(rename);
        }
        for s in &mut self.cpu_samples {
            s.g = s.g.and_then(rename);
        }
        self.flows = match parts {
            TileParts::Full => self.flows.remapped(&local, &map),
            TileParts::Lanes | TileParts::Machines => super::Flows::default(),
        };
        self.goroutines = whole.goroutines.clone();
        self.groups = whole.groups.clone();
        self
    }
}
