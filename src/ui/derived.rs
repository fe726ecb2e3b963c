//! Indexes derived once per loaded trace for the UI (never per frame):
//! start/end arrays of GC and STW ranges, CPU samples and logs by
//! goroutine, counter pyramids, the GC worker function, whether each
//! group's members are in order, and lazily the time each goroutine spent
//! in each state (for lane filters).

use super::rereading::Rereading;
use super::timeline::counters::Pyramid;
use crate::analysis::state_times::StateTimes;
use crate::load::tiles::TileCache;
use crate::load::LoadedTrace;
use crate::model::{
    Flow, GIdx, GcWork, GoroutineLanes, LaneRange, ProcLane, Region, SpanArena, StackTable, StrId,
    ThreadLane, TimeRange, Trace,
};
use crate::trace::Time;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// The lanes on screen: the model they are drawn from (the whole model,
/// the overview of a big trace, or one of its detail tiles) with their
/// search indexes. It answers what is drawn (spans, intervals, regions,
/// GC work, arrows, and the strings and stacks they name), never the
/// trace-wide tables (goroutines, tasks, logs, samples, the time range):
/// those are [`TraceData::whole`]'s, so a view of a tile cannot take them
/// from the tile by mistake.
pub struct ShownLanes {
    /// The model.
    model: Arc<Trace>,
    /// Coarse start indexes of proc lanes.
    proc_coarse: Vec<Vec<Time>>,
    /// Coarse start indexes of thread lanes.
    thread_coarse: Vec<Vec<Time>>,
    /// Coarse start indexes of long goroutine lanes.
    lane_coarse: rustc_hash::FxHashMap<GIdx, Vec<Time>>,
}

impl ShownLanes {
    /// The indexes of a model (a few ms for a tile of a big trace).
    pub fn new(model: Arc<Trace>) -> ShownLanes {
        use super::timeline::layout::coarse_index_of;
        let t = &model;
        let iv_coarse =
            |iv: &crate::model::IntervalLane| coarse_index_of(iv.len(), |i| iv.start(i));
        let proc_coarse = t.procs.iter().map(|p| iv_coarse(&p.intervals)).collect();
        let thread_coarse = t.threads.iter().map(|m| iv_coarse(&m.intervals)).collect();
        let mut lane_coarse = rustc_hash::FxHashMap::default();
        for (g, lane) in t.lanes.iter() {
            if lane.len as usize >= 8 * super::timeline::layout::COARSE_STRIDE {
                let first = lane.first as usize;
                lane_coarse.insert(
                    g,
                    coarse_index_of(lane.len as usize, |i| t.spans.start(first + i)),
                );
            }
        }
        ShownLanes {
            model,
            proc_coarse,
            thread_coarse,
            lane_coarse,
        }
    }

    /// True if these lanes are drawn from `model`.
    pub fn is_of(&self, model: &Arc<Trace>) -> bool {
        Arc::ptr_eq(&self.model, model)
    }

    /// The time the lanes cover: the trace's for the whole model or an
    /// overview, the generations' for a tile.
    pub fn window(&self) -> (Time, Time) {
        (self.model.meta.start, self.model.meta.end)
    }

    /// The width of an overview's coarse buckets (None: every span exact).
    pub fn bucket_ns(&self) -> Option<Time> {
        self.model.meta.bucket_ns
    }

    /// The goroutine spans.
    pub fn spans(&self) -> &SpanArena {
        &self.model.spans
    }

    /// Where each goroutine's spans are in [`ShownLanes::spans`].
    pub fn lanes(&self) -> &GoroutineLanes {
        &self.model.lanes
    }

    /// The lane of goroutine `g` (empty if these lanes have none).
    pub fn lane(&self, g: GIdx) -> LaneRange {
        self.model.lane(g)
    }

    /// The proc lanes.
    pub fn procs(&self) -> &[ProcLane] {
        &self.model.procs
    }

    /// The thread lanes.
    pub fn threads(&self) -> &[ThreadLane] {
        &self.model.threads
    }

    /// The stop-the-world ranges.
    pub fn stw(&self) -> &[TimeRange] {
        &self.model.stw
    }

    /// The GC work rows (mark assists, sweeps) by goroutine.
    pub fn gc_work(&self) -> &[GcWork] {
        &self.model.gc_work
    }

    /// Indexes in [`ShownLanes::gc_work`] of goroutine `g`'s rows.
    pub fn gc_work_range(&self, g: GIdx) -> std::ops::Range<usize> {
        self.model.gc_work_range(g)
    }

    /// The GC work rows of goroutine `g`.
    pub fn gc_work_of(&self, g: GIdx) -> &[GcWork] {
        self.model.gc_work_of(g)
    }

    /// The regions by goroutine.
    pub fn regions(&self) -> &[Region] {
        &self.model.regions
    }

    /// Indexes in [`ShownLanes::regions`] of goroutine `g`'s regions.
    pub fn region_range(&self, g: GIdx) -> std::ops::Range<usize> {
        self.model.region_range(g)
    }

    /// The regions of goroutine `g`.
    pub fn regions_of(&self, g: GIdx) -> &[Region] {
        self.model.regions_of(g)
    }

    /// The arrows into goroutine `g`, by target time.
    pub fn flows_into(&self, g: GIdx) -> impl Iterator<Item = Flow> + '_ {
        self.model.flows_into(g)
    }

    /// The unblock that made `g` runnable at time `t`.
    pub fn unblocked_by(&self, g: GIdx, t: Time) -> Option<Flow> {
        self.model.unblocked_by(g, t)
    }

    /// The arrows from goroutine `g`, by source time.
    pub fn flows_from(&self, g: GIdx) -> impl Iterator<Item = Flow> + '_ {
        self.model.flows_from(g)
    }

    /// A string these lanes name (a tile's strings extend the trace's).
    pub fn str(&self, id: StrId) -> &str {
        self.model.str(id)
    }

    /// A reason (of a span or arrow) by index.
    pub fn reason(&self, r: u16) -> &str {
        self.model.reason(r)
    }

    /// The stacks these lanes name.
    pub fn stacks(&self) -> &StackTable {
        &self.model.stacks
    }

    /// Name of a goroutine for display: "G123 main.worker".
    pub fn goroutine_label(&self, g: GIdx) -> String {
        self.model.goroutine_label(g)
    }
}

/// A loaded trace plus the UI's indexes over it. Cheap to clone with
/// another model for the lanes (see [`TraceData::with_view`]).
#[derive(Clone)]
pub struct TraceData {
    /// The loaded trace.
    pub loaded: Arc<LoadedTrace>,
    /// GC mark phase starts.
    pub gc_start: Arc<[Time]>,
    /// GC mark phase ends.
    pub gc_end: Arc<[Time]>,
    /// STW starts.
    pub stw_start: Arc<[Time]>,
    /// STW ends.
    pub stw_end: Arc<[Time]>,
    /// CPU sample indexes sorted by (goroutine, time).
    pub cpu_by_g: Arc<[u32]>,
    /// Log indexes sorted by (goroutine, time).
    pub logs_by_g: Arc<[u32]>,
    /// Counter pyramids, in [`super::timeline::counters::TRACKS`] order of series.
    pub pyramids: Arc<[Pyramid]>,
    /// The string ID of "runtime.gcBgMarkWorker" (0 if absent).
    pub gc_worker_name: StrId,
    /// The detail tiles of an overview (a big trace).
    pub tiles: Option<Arc<TileCache>>,
    /// Whether each group's members are in index order (then the timeline
    /// finds a lane by binary search; checked here, once, not per expansion).
    pub groups_sorted: Arc<[bool]>,
    view: Arc<ShownLanes>,
    /// The loaded model's lanes with their indexes (made once, at load).
    loaded_view: Arc<ShownLanes>,
    state_times: Arc<StateTimesJob>,
}

/// The lane filters' state times of a trace, computed once: at first use
/// for a whole model, on a worker thread reading the generations again for
/// a big trace (cancelled when the last view of the trace goes).
#[derive(Default)]
struct StateTimesJob {
    started: AtomicBool,
    result: Arc<OnceLock<Result<StateTimes, String>>>,
    reading: Arc<Rereading>,
}

impl Drop for StateTimesJob {
    fn drop(&mut self) {
        self.reading.cancel.store(true, Ordering::Relaxed);
    }
}

impl TraceData {
    /// Builds the indexes (once, at load).
    pub fn new(loaded: LoadedTrace) -> TraceData {
        TraceData::shared(Arc::new(loaded))
    }

    /// [`TraceData::new`] of a trace shared with others (the bench).
    pub fn shared(loaded: Arc<LoadedTrace>) -> TraceData {
        let t = &loaded.trace;
        let mut cpu_by_g: Vec<u32> = (0..t.cpu_samples.len() as u32).collect();
        cpu_by_g.sort_by_key(|&i| (t.cpu_samples[i as usize].g, t.cpu_samples[i as usize].time));
        let mut logs_by_g: Vec<u32> = (0..t.logs.len() as u32).collect();
        logs_by_g.sort_by_key(|&i| (t.logs[i as usize].g, t.logs[i as usize].time));
        let gc_worker_name = t
            .groups
            .iter()
            .map(|g| g.name)
            .find(|&n| t.str(n) == "runtime.gcBgMarkWorker")
            .unwrap_or(0);
        let pyramids: Vec<Pyramid> = super::timeline::counters::series(t)
            .iter()
            .map(|s| Pyramid::new(s))
            .collect();
        let view = Arc::new(ShownLanes::new(Arc::clone(&loaded.trace)));
        let tiles = loaded
            .tiles
            .as_ref()
            .map(|src| TileCache::new(Arc::clone(src), Arc::clone(&loaded.trace)));
        TraceData {
            groups_sorted: t.groups.iter().map(|g| g.members.is_sorted()).collect(),
            gc_start: t.gc.iter().map(|r| r.start).collect(),
            gc_end: t.gc.iter().map(|r| r.end).collect(),
            stw_start: t.stw.iter().map(|r| r.start).collect(),
            stw_end: t.stw.iter().map(|r| r.end).collect(),
            cpu_by_g: cpu_by_g.into(),
            logs_by_g: logs_by_g.into(),
            pyramids: pyramids.into(),
            gc_worker_name,
            tiles,
            loaded_view: Arc::clone(&view),
            view,
            state_times: Arc::default(),
            loaded,
        }
    }

    /// The same trace with its lanes drawn from `view` (a detail tile, or
    /// the overview again).
    pub fn with_view(&self, view: Arc<ShownLanes>) -> TraceData {
        TraceData {
            view,
            ..self.clone()
        }
    }

    /// The loaded model's lanes with their indexes (to show again after a
    /// tile, without indexing its lanes again).
    pub fn loaded_view(&self) -> Arc<ShownLanes> {
        Arc::clone(&self.loaded_view)
    }

    /// The lanes on screen: the whole model, or for a big trace its
    /// overview or the detail tile of the generations in view.
    pub fn lanes(&self) -> &Arc<ShownLanes> {
        &self.view
    }

    /// The whole trace's model (or overview): its time range, goroutine
    /// table, tasks, logs and samples, whatever the lanes show.
    pub fn whole(&self) -> &Trace {
        &self.loaded.trace
    }

    /// True when the lanes show a detail tile rather than the loaded model.
    pub fn shows_tile(&self) -> bool {
        !self.view.is_of(&self.loaded.trace)
    }

    /// Indexes (into the whole trace's `cpu_samples`) of goroutine `g`'s CPU samples.
    pub fn cpu_of(&self, g: GIdx) -> &[u32] {
        let s = &self.loaded.trace.cpu_samples;
        let g = Some(g);
        let a = self.cpu_by_g.partition_point(|&i| s[i as usize].g < g);
        let b = self.cpu_by_g.partition_point(|&i| s[i as usize].g <= g);
        &self.cpu_by_g[a..b]
    }

    /// Indexes (into the whole trace's `logs`) of goroutine `g`'s log messages.
    pub fn logs_of(&self, g: GIdx) -> &[u32] {
        let s = &self.loaded.trace.logs;
        let g = Some(g);
        let a = self.logs_by_g.partition_point(|&i| s[i as usize].g < g);
        let b = self.logs_by_g.partition_point(|&i| s[i as usize].g <= g);
        &self.logs_by_g[a..b]
    }

    /// Coarse index of proc lane `p` (empty if short).
    pub fn proc_coarse(&self, p: usize) -> &[Time] {
        self.view.proc_coarse.get(p).map_or(&[], Vec::as_slice)
    }

    /// Coarse index of thread lane `m` (empty if short).
    pub fn thread_coarse(&self, m: usize) -> &[Time] {
        self.view.thread_coarse.get(m).map_or(&[], Vec::as_slice)
    }

    /// Coarse index of goroutine `g`'s lane (empty if short).
    pub fn lane_coarse(&self, g: GIdx) -> &[Time] {
        self.view.lane_coarse.get(&g).map_or(&[], Vec::as_slice)
    }

    /// Which states each goroutine spent time in and how long it was
    /// blocked (the lane filters), once known: computed now for a whole
    /// model; for a big trace started on a worker thread on first call
    /// (None until it is done, see [`TraceData::state_times_status`]).
    pub fn state_times(&self) -> Option<&StateTimes> {
        let job = &self.state_times;
        if let Some(r) = job.result.get() {
            return r.as_ref().ok();
        }
        let loaded = Arc::clone(&self.loaded);
        if loaded.tiles.is_none() {
            let never = AtomicBool::new(false);
            let r = job
                .result
                .get_or_init(|| loaded.state_times(&never, &|_, _| {}));
            return r.as_ref().ok();
        }
        if !job.started.swap(true, Ordering::Relaxed) {
            let (result, reading) = (Arc::clone(&job.result), Arc::clone(&job.reading));
            std::thread::Builder::new()
                .name("state-times".into())
                .spawn(move || {
                    let r = loaded.state_times(&reading.cancel, &|k, n| reading.set(k, n));
                    let _ = result.set(r);
                })
                .ok();
        }
        None
    }

    /// While the state times of a big trace are computed, how far.
    pub fn state_times_status(&self) -> Option<String> {
        let job = &self.state_times;
        (job.result.get().is_none()).then(|| job.reading.text("reading the generations again"))
    }

    /// Why the state times could not be computed (the file changed), if so.
    pub fn state_times_error(&self) -> Option<&str> {
        match self.state_times.result.get() {
            Some(Err(e)) => Some(e),
            _ => None,
        }
    }

    /// True if goroutine `g` is a GC background mark worker.
    pub fn is_gc_worker(&self, g: GIdx) -> bool {
        let gs = &self.loaded.trace.goroutines;
        self.gc_worker_name != 0 && g.ix() < gs.len() && gs.name(g) == self.gc_worker_name
    }
}
