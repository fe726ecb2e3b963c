//! Turns the ordered event stream into the [`Trace`] model, one event at a
//! time (no event is kept): goroutine spans, proc/thread intervals, ranges,
//! annotations, flows, counters.

mod annotations;
mod coarse;
mod goroutines;
mod intern;
mod machines;
mod ranges;
mod sink;
mod slots;

pub use sink::{ClosedSpan, Names, SpanSink};

use super::preview::PreviewBuilder;
use super::strings::{StackTable, StringTable};
use super::{
    Counters, CpuSample, GIdx, GcWork, Goroutines, LogEntry, Region, SpanArena, Task, TimeRange,
    Trace, TraceMeta,
};
use crate::trace::event::{Event, EventKind};
use crate::trace::{EvTable, EventType, GoId, Time};
use intern::GenInterner;
use rustc_hash::FxHashMap;
use slots::{LivePool, Machines};

/// [`ModelBuilder::reason_index`] of a string that is not a reason yet.
const NO_REASON: u16 = u16::MAX;

/// Builds a [`Trace`] from events fed in order.
pub struct ModelBuilder {
    strings: StringTable,
    stacks: StackTable,
    interner: GenInterner,
    reasons: Vec<u32>,
    /// Reason index of each interned string ([`NO_REASON`] if none).
    reason_index: Vec<u16>,
    goroutines: Goroutines,
    lanes: super::GoroutineLanes,
    /// Start function of each goroutine so far (becomes its group): 1 +
    /// an index into `name_list`, 0 when not known yet (a byte each).
    g_names: super::column::Codes,
    /// The start functions seen, and the index of each in the list.
    name_list: Vec<super::StrId>,
    name_index: FxHashMap<super::StrId, u32>,
    /// Last label of each labelled goroutine.
    labels: FxHashMap<GIdx, u32>,
    live: LivePool,
    spans: SpanArena,
    procs: Machines,
    threads: Machines,
    syscalling_p: FxHashMap<i64, GIdx>,
    gc_open: Option<Time>,
    gc: Vec<TimeRange>,
    stw_open: FxHashMap<Option<GIdx>, (Time, u32)>,
    stw: Vec<TimeRange>,
    sweep_open: FxHashMap<i64, (Time, Option<GIdx>)>,
    gc_work: Vec<GcWork>,
    regions: Vec<Region>,
    tasks: Vec<Task>,
    task_index: FxHashMap<u64, u32>,
    logs: Vec<LogEntry>,
    flows: super::flows::FlowsBuild,
    counters: Counters,
    state_counts: [i64; 5],
    threads_running: i64,
    threads_syscall: i64,
    cpu_samples: Vec<CpuSample>,
    meta: TraceMeta,
    sync_time: Time,
    have_first: bool,
    /// What is built.
    mode: BuildMode,
    /// The overview's spans crossing a generation boundary.
    edge_spans: Vec<super::EdgeSpan>,
    /// A tile's: what the overview knows of its edges.
    edges: TileEdges,
    /// What sees each span as it closes, if anything.
    span_sink: Option<Box<dyn SpanSink>>,
}

/// What a tile is given of the overview at its edges (empty for the
/// other modes): what began before its start and ends after its end.
#[derive(Default)]
struct TileEdges {
    /// The spans of the overview open at its start, by goroutine ID, with
    /// the ID of the goroutine that unblocked it (-1: the runtime).
    spans: FxHashMap<GoId, (super::EdgeSpan, Option<GoId>)>,
    /// The intervals of the overview open at its start, by (thread?,
    /// machine ID), with their goroutine's ID.
    intervals: FxHashMap<(bool, i64), (GoId, super::EdgeInterval)>,
    /// The start and true end of each span of the overview open at its
    /// end, by goroutine ID (the tile's last event is not its end).
    span_ends: FxHashMap<GoId, (Time, Time)>,
    /// The start and true end of each interval of the overview open at
    /// its end, by (thread?, machine ID).
    interval_ends: FxHashMap<(bool, i64), (Time, Time)>,
}

/// What a [`ModelBuilder`] builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildMode {
    /// Every span, interval, flow and counter of the events fed: the
    /// whole model of a trace that fits the memory budget.
    Whole,
    /// The overview of a big trace: goroutine lanes and proc and thread
    /// intervals folded into buckets of `bucket_ns` (a power of two), the
    /// spans and intervals that cross a generation boundary kept whole
    /// (tiles begin and end with them), no unblock or syscall flows.
    Overview {
        /// The bucket.
        bucket_ns: Time,
    },
    /// A tile: some generations of a trace whose overview is known, as a
    /// window of its whole model (see [`ModelBuilder::tile`]).
    Tile(TileParts),
}

/// What a tile holds (each holds what the one before does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TileParts {
    /// The goroutine lanes, regions and goroutine table.
    Lanes,
    /// Also the proc and thread intervals.
    Machines,
    /// Everything: also flows and counters (what the timeline draws).
    Full,
}

impl BuildMode {
    /// The overview's bucket, if this builds one.
    #[inline]
    fn bucket(self) -> Option<Time> {
        match self {
            BuildMode::Overview { bucket_ns } => Some(bucket_ns),
            _ => None,
        }
    }

    /// Whether counters and creation flows are built.
    #[inline]
    fn full(self) -> bool {
        !matches!(self, BuildMode::Tile(p) if p < TileParts::Full)
    }

    /// Whether unblock and syscall-exit flows are built (an overview has
    /// none: a tile has them).
    #[inline]
    fn unblocks(self) -> bool {
        matches!(self, BuildMode::Whole | BuildMode::Tile(TileParts::Full))
    }
}

impl ModelBuilder {
    /// A builder of the whole model of the events fed.
    pub fn whole() -> ModelBuilder {
        ModelBuilder::new(BuildMode::Whole)
    }

    /// A builder of the overview of a big trace, its lanes folded into
    /// buckets of at least `bucket_ns` (rounded up to a power of two; see
    /// `coarse.rs`).
    pub fn overview(bucket_ns: Time) -> ModelBuilder {
        let bucket_ns = (bucket_ns.max(1) as u64).next_power_of_two() as Time;
        ModelBuilder::new(BuildMode::Overview { bucket_ns })
    }

    fn new(mode: BuildMode) -> ModelBuilder {
        let mut strings = StringTable::default();
        let empty = strings.intern("");
        let mut reason_index = vec![NO_REASON; empty as usize + 1];
        reason_index[empty as usize] = 0;
        ModelBuilder {
            strings,
            stacks: StackTable::default(),
            interner: GenInterner::default(),
            reasons: vec![empty],
            reason_index,
            goroutines: Goroutines::default(),
            lanes: super::GoroutineLanes::default(),
            g_names: Default::default(),
            name_list: Vec::new(),
            name_index: FxHashMap::default(),
            labels: FxHashMap::default(),
            live: LivePool::default(),
            spans: SpanArena::default(),
            procs: Machines::new(mode),
            threads: Machines::new(mode),
            syscalling_p: FxHashMap::default(),
            gc_open: None,
            gc: Vec::new(),
            stw_open: FxHashMap::default(),
            stw: Vec::new(),
            sweep_open: FxHashMap::default(),
            gc_work: Vec::new(),
            regions: Vec::new(),
            tasks: Vec::new(),
            task_index: FxHashMap::default(),
            logs: Vec::new(),
            flows: Default::default(),
            counters: Counters::new(1),
            state_counts: [0; 5],
            threads_running: 0,
            threads_syscall: 0,
            cpu_samples: Vec::new(),
            meta: TraceMeta::default(),
            sync_time: 0,
            have_first: false,
            mode,
            edge_spans: Vec::new(),
            edges: TileEdges::default(),
            span_sink: None,
        }
    }

    /// A builder of a tile of the trace whose overview is `overview`: the
    /// generations from `start` to `end` (`None`: the trace's end), fed
    /// from the first, built as a window of the whole model. The tile
    /// interns into copies of the overview's strings and stacks, so that
    /// their IDs mean the same; its goroutine, proc and thread lanes hold
    /// the spans and intervals open at either edge whole: begun where the
    /// overview saw them begin, when their status events agree (a status
    /// says the state, not since when, why or where), and ended where they
    /// end after the tile (its last event is not their end).
    pub fn tile(
        overview: &Trace,
        parts: TileParts,
        start: Time,
        end: Option<Time>,
    ) -> ModelBuilder {
        let mut b = ModelBuilder::new(BuildMode::Tile(parts));
        b.strings = overview.strings.thawed();
        b.stacks = overview.stacks.thawed();
        let id = |g: GIdx| overview.goroutines.id(g);
        let by = |g: Option<GIdx>| g.map_or(GoId::NONE, id);
        b.edges.spans = overview
            .edge_spans_at(start)
            .map(|e| (id(e.g), (*e, e.woken.map(|(from, _)| by(from)))))
            .collect();
        b.edges.intervals = overview
            .edge_intervals_at(start)
            .map(|e| ((e.thread, e.machine), (id(e.g), *e)))
            .collect();
        if let Some(end) = end {
            b.edges.span_ends = overview
                .edge_spans_at(end)
                .map(|e| (id(e.g), (e.start, e.end)))
                .collect();
            b.edges.interval_ends = overview
                .edge_intervals_at(end)
                .map(|e| ((e.thread, e.machine), (e.start, e.end)))
                .collect();
        }
        b
    }

    /// Feeds one event and the table of its generation.
    pub fn event(&mut self, ev: &Event, t: &EvTable) {
        if !self.have_first {
            self.have_first = true;
            self.meta.start = ev.time;
            self.sync_time = ev.time;
        }
        self.meta.end = ev.time;
        self.meta.events += 1;
        match ev.kind() {
            EventKind::Sync => {
                self.sync_time = ev.time;
                self.interner.reset();
                if self.mode.bucket().is_some() {
                    self.procs.set_boundary(ev.time);
                    self.threads.set_boundary(ev.time);
                }
            }
            EventKind::StateTransition => self.transition(ev, t),
            EventKind::RangeBegin | EventKind::RangeActive | EventKind::RangeEnd => {
                self.range(ev, t)
            }
            EventKind::Metric => self.metric(ev),
            EventKind::Label => self.label(ev, t),
            EventKind::TaskBegin | EventKind::TaskEnd => self.task(ev, t),
            EventKind::RegionBegin | EventKind::RegionEnd => self.region(ev, t),
            EventKind::Log => self.log(ev, t),
            EventKind::StackSample => self.cpu_sample(ev, t),
            EventKind::Experimental | EventKind::Bad => {}
        }
    }

    fn metric(&mut self, ev: &Event) {
        if !self.mode.full() {
            return;
        }
        let (name, v) = ev.metric();
        let series = match name {
            "/sched/gomaxprocs:threads" => &mut self.counters.gomaxprocs,
            "/memory/classes/heap/objects:bytes" => &mut self.counters.heap_alloc,
            _ => &mut self.counters.heap_goal,
        };
        series.set(ev.time, v as f64);
    }

    fn cpu_sample(&mut self, ev: &Event, t: &EvTable) {
        let stack = self.intern_stack(t, ev.stack_id());
        let g = self.goroutines.find(ev.ctx.g);
        self.cpu_samples.push(CpuSample {
            time: ev.time,
            g,
            p: ev.ctx.p.0 as i32,
            m: ev.ctx.m.0,
            stack,
        });
    }

    /// Interns a generation stack ID.
    fn intern_stack(&mut self, t: &EvTable, id: u64) -> u32 {
        self.interner
            .stack(t, id, &mut self.strings, &mut self.stacks)
    }

    /// Interns a generation string ID.
    fn intern_string(&mut self, t: &EvTable, id: u64) -> u32 {
        self.interner.string(t, id, &mut self.strings)
    }

    /// The reason index of the stop or block reason of `ev` (0 for none).
    fn reason_of(&mut self, ev: &Event, t: &EvTable) -> u16 {
        // N.B. only GoStop and GoBlock carry a reason (see
        // `Event::state_transition`); every other transition's is "".
        let sid = match ev.typ {
            EventType::GO_STOP | EventType::GO_BLOCK => ev.args[0],
            _ => 0,
        };
        let id = self.intern_string(t, sid);
        self.reason_index(id)
    }

    /// The reason index of interned string `id`, added if new.
    fn reason_index(&mut self, id: super::StrId) -> u16 {
        if let Some(&r) = self.reason_index.get(id as usize) {
            if r != NO_REASON {
                return r;
            }
        }
        let r = self.reasons.len().min(u16::MAX as usize) as u16;
        self.reasons.push(id);
        if self.reason_index.len() <= id as usize {
            self.reason_index.resize(id as usize + 1, NO_REASON);
        }
        self.reason_index[id as usize] = r;
        r
    }

    /// What is built so far, for the window to draw during the load, at
    /// the resolution `picture` keeps (read since its last snapshot).
    pub fn preview(&self, picture: &mut PreviewBuilder) -> super::preview::Preview {
        let end = self.meta.end;
        let gc = self.gc.iter().map(|r| (r.start, r.end));
        picture.snapshot(
            end,
            gc.chain(self.gc_open.map(|s| (s, end))).collect(),
            self.stw.iter().map(|r| (r.start, r.end)).collect(),
            [&self.counters.heap_alloc, &self.counters.runnable],
            self.procs.closed_lanes(),
        )
    }

    /// Records that reading stopped early.
    pub fn set_loss(&mut self, loss: super::Loss) {
        self.meta.loss = Some(loss);
    }

    /// Gives each span to `sink` as it closes (see [`SpanSink`]).
    pub fn set_span_sink(&mut self, sink: Box<dyn SpanSink>) {
        self.span_sink = Some(sink);
    }

    /// Closes everything still open at the last event and returns the model.
    // N.B. over 80 lines: what is still open is closed in the order the
    // parts depend on each other (spans before flows before the table).
    pub fn finish(mut self, version: String, file_bytes: u64, generations: u64) -> Trace {
        let end = self.meta.end;
        self.finish_goroutines(end);
        if let Some(sink) = self.span_sink.take() {
            sink.finish(&Names {
                strings: &self.strings,
                stacks: &self.stacks,
            });
        }
        self.finish_ranges(end);
        self.meta.version = version;
        self.meta.bucket_ns = self.mode.bucket();
        self.meta.file_bytes = file_bytes;
        self.meta.generations = generations;

        // Regions and GC work grouped per goroutine.
        for r in &mut self.regions {
            if !r.has_end {
                r.end = end;
            }
        }
        self.regions.sort_by_key(|r| (r.g, r.start));
        self.gc_work.sort_by_key(|w| (w.g, w.start));

        // Every goroutine was closed: the slot of each goroutine index (4
        // bytes each, 99 MiB on 26 M goroutines) goes before the flows'
        // and groups' indexes are made, lest the load peak with both.
        self.live = LivePool::default();

        // Flows that never reached their target keep their source time.
        let flows = std::mem::take(&mut self.flows)
            .finish(&self.goroutines.creator, &|g| self.goroutines.created(g));

        let groups = self.build_groups();
        let mut edge_intervals = Vec::new();
        let mut procs: Vec<_> = self
            .procs
            .into_lanes()
            .map(|(id, mut m)| {
                edge_intervals.extend(m.take_edges(false, id));
                m.into_proc(id)
            })
            .collect();
        procs.sort_by_key(|p| p.id);
        let mut threads: Vec<_> = self
            .threads
            .into_lanes()
            .map(|(id, mut m)| {
                edge_intervals.extend(m.take_edges(true, id));
                m.into_thread(id)
            })
            .collect();
        edge_intervals.sort_by_key(|e: &super::EdgeInterval| e.end);
        threads.sort_by_key(|t| t.id);
        self.tasks.sort_by_key(|t| (t.id, t.start));
        self.spans.finish();
        self.lanes.shrink_to_fit();
        self.counters.shrink_to_fit();
        self.gc_work.shrink_to_fit();
        self.regions.shrink_to_fit();
        self.cpu_samples.shrink_to_fit();
        self.edge_spans.shrink_to_fit();
        for lane in procs
            .iter_mut()
            .map(|p| &mut p.intervals)
            .chain(threads.iter_mut().map(|t| &mut t.intervals))
        {
            lane.shrink_to_fit();
        }
        self.strings.freeze();
        self.stacks.freeze();
        Trace {
            meta: self.meta,
            strings: self.strings,
            stacks: self.stacks,
            reasons: self.reasons,
            goroutines: std::sync::Arc::new(self.goroutines),
            lanes: self.lanes,
            spans: self.spans,
            groups: std::sync::Arc::new(groups),
            procs,
            threads,
            gc: self.gc,
            stw: self.stw,
            gc_work: self.gc_work,
            regions: self.regions,
            tasks: self.tasks,
            logs: self.logs,
            flows,
            counters: self.counters,
            cpu_samples: self.cpu_samples,
            edge_spans: self.edge_spans,
            edge_intervals,
        }
    }

    /// Groups goroutines by start function, largest group first.
    fn build_groups(&mut self) -> Vec<super::GoroutineGroup> {
        const NO_GROUP: u32 = u32::MAX;
        let mut by_name = vec![NO_GROUP; self.strings.len()];
        let mut groups: Vec<super::GoroutineGroup> = Vec::new();
        let name_of = |code: u32| match code {
            0 => 0,
            c => self.name_list[c as usize - 1],
        };
        for i in 0..self.g_names.len() {
            let name = name_of(self.g_names.get(i));
            let slot = &mut by_name[name as usize];
            if *slot == NO_GROUP {
                groups.push(super::GoroutineGroup {
                    name,
                    members: Vec::new(),
                });
                *slot = (groups.len() - 1) as u32;
            }
            groups[*slot as usize].members.push(GIdx::at(i));
        }
        let strings = &self.strings;
        groups.sort_by(|a, b| {
            b.members
                .len()
                .cmp(&a.members.len())
                .then_with(|| strings.get(a.name).cmp(strings.get(b.name)))
        });
        // Each goroutine's group, from its start function (no array of
        // groups per goroutine on the way).
        for (gi, grp) in groups.iter().enumerate() {
            by_name[grp.name as usize] = gi as u32;
        }
        let mut codes = super::column::Codes::default();
        for i in 0..self.g_names.len() {
            codes.push(by_name[name_of(self.g_names.get(i)) as usize]);
        }
        self.g_names = Default::default();
        let names = groups.iter().map(|g| g.name).collect();
        self.goroutines.set_groups(codes, names);
        let mut labels: Vec<(GIdx, u32)> = std::mem::take(&mut self.labels).into_iter().collect();
        labels.sort_unstable();
        self.goroutines.set_labels(labels);
        self.goroutines.shrink_to_fit();
        groups
    }
}
