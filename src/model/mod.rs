//! The trace model the viewer and analyses read: lanes of spans for
//! goroutines, procs and threads, GC and STW ranges, user annotations,
//! flows between goroutines, counters, CPU samples, interned stacks.
//! Built once from the ordered events, then immutable (`Arc<Trace>`).

mod build;
pub mod column;
pub mod counters;
pub mod flows;
pub mod index;
pub mod lanes;
pub mod preview;
pub mod strings;
mod tile;

pub use build::{BuildMode, ClosedSpan, ModelBuilder, Names, SpanSink, TileParts};
pub use counters::CounterSeries;
pub use flows::{Flow, FlowKind, Flows};
pub use lanes::{
    GoLaneState, GoroutineLanes, IntervalKind, IntervalLane, LaneRange, LaneSpan, Span, SpanArena,
    SpanKind,
};
pub use strings::{Frame, StackId, StackTable, StrId, StringTable};
pub use tile::{EdgeInterval, EdgeSpan};

use crate::trace::{GoId, ProcId, TaskId, ThreadId, Time};
use column::{Codes, TimeColumn};
use index::IdIndex;
use std::num::NonZeroU32;
use std::sync::Arc;

/// Index of a goroutine in [`Goroutines`] (in order of first appearance;
/// not Go's goroutine ID, see [`crate::trace::GoId`]). Held as index + 1,
/// so that `Option<GIdx>` ("no goroutine": the runtime, or unknown) takes
/// 4 bytes too, where tens of millions are kept.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GIdx(NonZeroU32);

impl GIdx {
    /// The goroutine at position `i`.
    #[inline]
    pub fn at(i: usize) -> GIdx {
        debug_assert!(i < u32::MAX as usize);
        GIdx(NonZeroU32::MIN.saturating_add(i as u32))
    }

    /// Its position, to index a per-goroutine table.
    #[inline]
    pub fn ix(self) -> usize {
        (self.0.get() - 1) as usize
    }

    /// `g` as one `u32`, 0 for none (for compact columns).
    #[inline]
    pub fn to_code(g: Option<GIdx>) -> u32 {
        g.map_or(0, |g| g.0.get())
    }

    /// The goroutine of a code of [`GIdx::to_code`].
    #[inline]
    pub fn from_code(c: u32) -> Option<GIdx> {
        NonZeroU32::new(c).map(GIdx)
    }
}

impl Default for GIdx {
    fn default() -> GIdx {
        GIdx::at(0)
    }
}

impl From<GIdx> for u64 {
    fn from(g: GIdx) -> u64 {
        g.ix() as u64
    }
}

impl std::fmt::Display for GIdx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.ix())
    }
}

/// All goroutines, struct-of-arrays, in order of first appearance. A big
/// trace has tens of millions: about 20 bytes each (IDs and creation
/// times in [`TimeColumn`]s, the group and stacks in [`Codes`], the ended
/// flag in a bit set).
#[derive(Debug, Default, Clone)]
pub struct Goroutines {
    /// Go's goroutine ID.
    id: TimeColumn,
    /// Creation time (or the time it was first seen).
    created: TimeColumn,
    /// Goroutine that created it, if known.
    pub creator: Vec<Option<GIdx>>,
    /// Stack of the creator at creation (see [`Goroutines::create_stack`]).
    create_stack: Codes,
    /// Its own stack at creation (see [`Goroutines::start_stack`]).
    start_stack: Codes,
    /// One bit per goroutine: it ended within the trace.
    ended: Vec<u64>,
    /// `(goroutine, last label applied)` of the goroutines with a label, by
    /// goroutine.
    labels: Vec<(GIdx, StrId)>,
    /// Group (by start function) each belongs to.
    group: Codes,
    /// Start function of each group.
    group_name: Vec<StrId>,
    index: IdIndex,
}

impl Goroutines {
    /// Every goroutine's index, in order.
    pub fn indexes(&self) -> impl Iterator<Item = GIdx> {
        (0..self.len()).map(GIdx::at)
    }

    /// Number of goroutines.
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// True when none.
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    /// Go's ID of goroutine `g`.
    #[inline]
    pub fn id(&self, g: GIdx) -> GoId {
        GoId(self.id.get(g.ix()))
    }

    /// Go's ID of goroutine `g`, if there is one.
    #[inline]
    pub fn try_id(&self, g: GIdx) -> Option<GoId> {
        let i = g.ix();
        (i < self.len()).then(|| GoId(self.id.get(i)))
    }

    /// When goroutine `g` was created (or first seen).
    #[inline]
    pub fn created(&self, g: GIdx) -> Time {
        let i = g.ix();
        self.created.get(i)
    }

    /// True if goroutine `g` ended within the trace.
    #[inline]
    pub fn ended(&self, g: GIdx) -> bool {
        let i = g.ix();
        self.ended
            .get(i / 64)
            .is_some_and(|w| w >> (i % 64) & 1 == 1)
    }

    /// Sets whether goroutine `g` ended within the trace.
    pub(crate) fn set_ended(&mut self, g: GIdx, ended: bool) {
        let i = g.ix();
        if let Some(w) = self.ended.get_mut(i / 64) {
            if ended {
                *w |= 1 << (i % 64);
            } else {
                *w &= !(1 << (i % 64));
            }
        }
    }

    /// The group (index into `Trace::groups`) of goroutine `g`, if any.
    #[inline]
    pub fn group(&self, g: GIdx) -> Option<u32> {
        let i = g.ix();
        (i < self.group.len()).then(|| self.group.get(i))
    }

    /// Every goroutine ID, in index order.
    pub fn ids(&self) -> impl Iterator<Item = GoId> + '_ {
        self.id.iter_range(0..self.len()).map(GoId)
    }

    /// Every creation time, in index order.
    pub fn created_times(&self) -> impl Iterator<Item = Time> + '_ {
        self.created.iter_range(0..self.len())
    }

    /// Appends goroutine `id` (not there yet), created (or first seen) at
    /// `created`, with nothing else known yet; returns its index.
    pub(crate) fn push_new(&mut self, id: i64, created: Time) -> GIdx {
        let i = GIdx::at(self.id.len());
        self.id.push(id);
        self.created.push(created);
        self.creator.push(None);
        self.create_stack.push(0);
        self.start_stack.push(0);
        if i.ix().is_multiple_of(64) {
            self.ended.push(0);
        }
        self.index.insert(id, i.ix() as u32);
        i
    }

    /// Sets the creator and the stacks at creation of goroutine `g`.
    pub(crate) fn set_creation(
        &mut self,
        i: usize,
        creator: Option<GIdx>,
        create_stack: StackId,
        start_stack: StackId,
    ) {
        self.creator[i] = creator;
        self.create_stack.set(i, create_stack);
        self.start_stack.set(i, start_stack);
    }

    /// Sets the group of each goroutine and the start function of each group.
    pub(crate) fn set_groups(&mut self, group: Codes, group_name: Vec<StrId>) {
        self.group = group;
        self.group_name = group_name;
    }

    /// Sets the labels: `(goroutine, label)`, by goroutine.
    pub(crate) fn set_labels(&mut self, labels: Vec<(GIdx, StrId)>) {
        debug_assert!(labels.is_sorted_by_key(|l| l.0));
        self.labels = labels;
    }

    /// Frees spare capacity.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.id.shrink_to_fit();
        self.created.shrink_to_fit();
        self.creator.shrink_to_fit();
        self.create_stack.shrink_to_fit();
        self.start_stack.shrink_to_fit();
        self.ended.shrink_to_fit();
        self.group.shrink_to_fit();
    }

    /// The index of goroutine ID `id`.
    pub fn find(&self, id: GoId) -> Option<GIdx> {
        self.index.get(id.0).map(|i| GIdx::at(i as usize))
    }

    /// Start function of goroutine `g` (outermost frame of the first stack
    /// seen, Go's rule), 0 if unknown.
    #[inline]
    pub fn name(&self, g: GIdx) -> StrId {
        self.group(g)
            .and_then(|gr| self.group_name.get(gr as usize))
            .copied()
            .unwrap_or(0)
    }

    /// Stack of the creator of goroutine `g` at creation, 0 if none.
    #[inline]
    pub fn create_stack(&self, g: GIdx) -> StackId {
        let i = g.ix();
        self.create_stack.get(i)
    }

    /// The stack of goroutine `g` at creation (its start function), 0 if none.
    #[inline]
    pub fn start_stack(&self, g: GIdx) -> StackId {
        let i = g.ix();
        self.start_stack.get(i)
    }

    /// The last label applied to goroutine `g` (GoLabel), 0 if none.
    pub fn label(&self, g: GIdx) -> StrId {
        match self.labels.binary_search_by_key(&g, |l| l.0) {
            Ok(k) => self.labels[k].1,
            Err(_) => 0,
        }
    }

    /// Approximate heap bytes used.
    pub fn heap_bytes(&self) -> usize {
        self.id.heap_bytes()
            + self.created.heap_bytes()
            + self.creator.capacity() * 4
            + self.create_stack.heap_bytes()
            + self.start_stack.heap_bytes()
            + self.ended.capacity() * 8
            + self.labels.capacity() * 8
            + self.group.heap_bytes()
            + self.group_name.capacity() * 4
            + self.index.heap_bytes()
    }
}

/// A group of goroutines with the same start function.
#[derive(Debug, Clone)]
pub struct GoroutineGroup {
    /// Start function ("" for unnamed).
    pub name: StrId,
    /// Members, by goroutine index (in order of appearance).
    pub members: Vec<GIdx>,
}

/// A proc (P) lane.
#[derive(Debug, Default, Clone)]
pub struct ProcLane {
    /// Go's proc ID.
    pub id: ProcId,
    /// Goroutines running (and syscalls) on the P.
    pub intervals: IntervalLane,
}

/// A thread (M) lane.
#[derive(Debug, Default, Clone)]
pub struct ThreadLane {
    /// Go's thread ID.
    pub id: ThreadId,
    /// Goroutines running (and syscalls) on the thread.
    pub intervals: IntervalLane,
}

/// A global range: GC mark phase or stop-the-world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    /// Start.
    pub start: Time,
    /// End.
    pub end: Time,
    /// STW reason (0 for GC).
    pub reason: StrId,
    /// Goroutine that stopped the world (`None` for GC).
    pub g: Option<GIdx>,
}

/// A user region on a goroutine.
#[derive(Debug, Clone, Copy)]
pub struct Region {
    /// Goroutine.
    pub g: GIdx,
    /// Task ([`TaskId::BACKGROUND`] if none).
    pub task: TaskId,
    /// Region type.
    pub name: StrId,
    /// Start (trace start if it began before).
    pub start: Time,
    /// End (trace end if it never ended).
    pub end: Time,
    /// Nesting depth (0 = outermost).
    pub depth: u16,
    /// Whether the start / end were seen in the trace.
    pub has_start: bool,
    /// Whether the end was seen.
    pub has_end: bool,
    /// Stack at the start.
    pub start_stack: StackId,
}

/// GC work a goroutine was charged: a mark assist or a sweep.
#[derive(Debug, Clone, Copy)]
pub struct GcWork {
    /// Goroutine.
    pub g: GIdx,
    /// Start.
    pub start: Time,
    /// End.
    pub end: Time,
    /// [`IntervalKind::MarkAssist`] or [`IntervalKind::Sweep`].
    pub kind: IntervalKind,
}

/// A user task.
#[derive(Debug, Clone)]
pub struct Task {
    /// Task ID.
    pub id: TaskId,
    /// Task type ("" if the begin was not seen).
    pub name: StrId,
    /// Parent task, if any.
    pub parent: Option<TaskId>,
    /// Begin time, if seen.
    pub start: Option<Time>,
    /// End time, if seen.
    pub end: Option<Time>,
    /// Goroutine that began it, if the begin was seen.
    pub start_g: Option<GIdx>,
    /// Goroutine that ended it, if the end was seen.
    pub end_g: Option<GIdx>,
    /// Stack at the begin.
    pub start_stack: StackId,
}

/// A user log message.
#[derive(Debug, Clone, Copy)]
pub struct LogEntry {
    /// Time.
    pub time: Time,
    /// Goroutine, if the log was not written by the runtime.
    pub g: Option<GIdx>,
    /// Task.
    pub task: TaskId,
    /// Category (key).
    pub category: StrId,
    /// Message.
    pub message: StrId,
    /// Stack.
    pub stack: StackId,
}

/// A CPU profile sample.
#[derive(Debug, Clone, Copy)]
pub struct CpuSample {
    /// Time.
    pub time: Time,
    /// Goroutine, if any.
    pub g: Option<GIdx>,
    /// Proc ID (-1 if none).
    pub p: i32,
    /// Thread ID.
    pub m: i64,
    /// Stack.
    pub stack: StackId,
}

/// Counter tracks.
#[derive(Debug, Clone)]
pub struct Counters {
    /// Live heap bytes.
    pub heap_alloc: CounterSeries,
    /// Heap goal bytes.
    pub heap_goal: CounterSeries,
    /// GOMAXPROCS.
    pub gomaxprocs: CounterSeries,
    /// Goroutines running.
    pub running: CounterSeries,
    /// Goroutines runnable.
    pub runnable: CounterSeries,
    /// Goroutines waiting.
    pub waiting: CounterSeries,
    /// Goroutines in syscalls.
    pub syscall: CounterSeries,
    /// Threads running Go code (holding a P).
    pub threads_running: CounterSeries,
    /// Threads in syscalls.
    pub threads_syscall: CounterSeries,
}

impl Counters {
    /// Frees the spare capacity of every series.
    pub(crate) fn shrink_to_fit(&mut self) {
        for s in [
            &mut self.heap_alloc,
            &mut self.heap_goal,
            &mut self.gomaxprocs,
            &mut self.running,
            &mut self.runnable,
            &mut self.waiting,
            &mut self.syscall,
            &mut self.threads_running,
            &mut self.threads_syscall,
        ] {
            s.shrink_to_fit();
        }
    }

    /// Empty counters with a bucket width.
    pub fn new(bucket_ns: Time) -> Counters {
        let s = |n| CounterSeries::new(n, bucket_ns);
        Counters {
            heap_alloc: s("heap in use"),
            heap_goal: s("heap goal"),
            gomaxprocs: s("GOMAXPROCS"),
            running: s("running"),
            runnable: s("runnable"),
            waiting: s("waiting"),
            syscall: s("in syscall"),
            threads_running: s("threads running"),
            threads_syscall: s("threads in syscall"),
        }
    }

    /// Every series, in declaration order.
    pub fn all(&self) -> [&CounterSeries; 9] {
        [
            &self.heap_alloc,
            &self.heap_goal,
            &self.gomaxprocs,
            &self.running,
            &self.runnable,
            &self.waiting,
            &self.syscall,
            &self.threads_running,
            &self.threads_syscall,
        ]
    }
}

/// What was lost when the trace could not be read to the end.
#[derive(Debug, Clone)]
pub struct Loss {
    /// The error that stopped reading (one line).
    pub message: String,
    /// Bytes of the file not used.
    pub bytes_lost: u64,
}

/// Facts about the file and the load.
#[derive(Debug, Clone, Default)]
pub struct TraceMeta {
    /// Format version, "1.26" style.
    pub version: String,
    /// File size.
    pub file_bytes: u64,
    /// Events read.
    pub events: u64,
    /// Generations read (v2) or 1 (v1).
    pub generations: u64,
    /// Time of the first event.
    pub start: Time,
    /// Time of the last event.
    pub end: Time,
    /// Set when reading stopped early.
    pub loss: Option<Loss>,
    /// For the overview of a big trace, the bucket its lanes are folded
    /// into (spans and proc/thread intervals no narrower than this, in the
    /// state that held most of each bucket; no unblock flows). `None` for
    /// a model with every span (a whole model, a tile).
    pub bucket_ns: Option<Time>,
}

/// The whole model of a trace.
#[derive(Debug, Clone)]
pub struct Trace {
    /// Facts.
    pub meta: TraceMeta,
    /// Interned strings.
    pub strings: StringTable,
    /// Interned frames and stacks.
    pub stacks: StackTable,
    /// Block/stop reasons (index 0 is "").
    pub reasons: Vec<StrId>,
    /// Goroutines (shared by the whole-trace model and its detail tiles).
    pub goroutines: Arc<Goroutines>,
    /// Where each goroutine's spans are in `spans`.
    pub lanes: GoroutineLanes,
    /// Goroutine state spans.
    pub spans: SpanArena,
    /// Goroutine groups by start function, largest first (shared like
    /// `goroutines`).
    pub groups: Arc<Vec<GoroutineGroup>>,
    /// Procs, by ID.
    pub procs: Vec<ProcLane>,
    /// Threads, by ID.
    pub threads: Vec<ThreadLane>,
    /// GC mark phases.
    pub gc: Vec<TimeRange>,
    /// Stop-the-world pauses.
    pub stw: Vec<TimeRange>,
    /// GC work rows, sorted by (goroutine, start).
    pub gc_work: Vec<GcWork>,
    /// User regions, sorted by (goroutine, start).
    pub regions: Vec<Region>,
    /// Tasks by ID.
    pub tasks: Vec<Task>,
    /// Log messages in time order.
    pub logs: Vec<LogEntry>,
    /// Arrows between goroutines (see [`Trace::flows_into`],
    /// [`Trace::flows_from`]).
    pub flows: Flows,
    /// Counters.
    pub counters: Counters,
    /// CPU samples in time order.
    pub cpu_samples: Vec<CpuSample>,
    /// An overview's goroutine spans that cross a generation boundary, by
    /// end time (empty in other models; see [`Trace::edge_spans_at`]).
    pub edge_spans: Vec<EdgeSpan>,
    /// An overview's proc and thread intervals that cross a generation
    /// boundary, by end time (see [`Trace::edge_intervals_at`]).
    pub edge_intervals: Vec<EdgeInterval>,
}

impl Trace {
    /// A string by ID.
    #[inline]
    pub fn str(&self, id: StrId) -> &str {
        self.strings.get(id)
    }

    /// A reason by index.
    #[inline]
    pub fn reason(&self, r: u16) -> &str {
        self.reasons
            .get(r as usize)
            .map_or("", |&s| self.strings.get(s))
    }

    /// Duration of the trace.
    pub fn duration(&self) -> Time {
        self.meta.end - self.meta.start
    }

    /// The lane of goroutine `g` (empty if this model has none).
    #[inline]
    pub fn lane(&self, g: GIdx) -> LaneRange {
        self.lanes.lane(g)
    }

    /// Indexes in `regions` of goroutine `g`'s regions.
    pub fn region_range(&self, g: GIdx) -> std::ops::Range<usize> {
        let a = self.regions.partition_point(|r| r.g < g);
        a..a + self.regions[a..].partition_point(|r| r.g <= g)
    }

    /// The regions of goroutine `g`.
    pub fn regions_of(&self, g: GIdx) -> &[Region] {
        &self.regions[self.region_range(g)]
    }

    /// Indexes in `gc_work` of goroutine `g`'s GC work rows.
    pub fn gc_work_range(&self, g: GIdx) -> std::ops::Range<usize> {
        let a = self.gc_work.partition_point(|w| w.g < g);
        a..a + self.gc_work[a..].partition_point(|w| w.g <= g)
    }

    /// The GC work rows of goroutine `g`.
    pub fn gc_work_of(&self, g: GIdx) -> &[GcWork] {
        &self.gc_work[self.gc_work_range(g)]
    }

    /// Name of a goroutine for display: "G123 main.worker".
    pub fn goroutine_label(&self, g: GIdx) -> String {
        if g.ix() >= self.goroutines.len() {
            return "runtime".to_string();
        }
        let name = self.str(self.goroutines.name(g));
        if name.is_empty() {
            format!("G{}", self.goroutines.id(g))
        } else {
            format!("G{} {}", self.goroutines.id(g), name)
        }
    }

    /// Approximate heap bytes held by the model.
    pub fn heap_bytes(&self) -> usize {
        let g = &self.goroutines;
        self.spans.heap_bytes()
            + g.heap_bytes()
            + self.lanes.heap_bytes()
            + self.flows.heap_bytes()
            + self.regions.capacity() * std::mem::size_of::<Region>()
            + self.edge_spans.capacity() * std::mem::size_of::<EdgeSpan>()
            + self.edge_intervals.capacity() * std::mem::size_of::<EdgeInterval>()
            + self
                .procs
                .iter()
                .map(|p| p.intervals.heap_bytes())
                .sum::<usize>()
            + self
                .threads
                .iter()
                .map(|p| p.intervals.heap_bytes())
                .sum::<usize>()
    }
}
