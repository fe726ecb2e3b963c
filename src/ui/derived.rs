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
use crate::model::{GIdx, StrId, Trace};
use crate::trace::Time;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// The model the lanes are drawn from (the whole model, the overview of
/// a big trace, or one of its detail tiles) with its search indexes.
pub struct ViewLanes {
    /// The model.
    pub trace: Arc<Trace>,
    /// Coarse start indexes of proc lanes.
    proc_coarse: Vec<Vec<Time>>,
    /// Coarse start indexes of thread lanes.
    thread_coarse: Vec<Vec<Time>>,
    /// Coarse start indexes of long goroutine lanes.
    lane_coarse: rustc_hash::FxHashMap<GIdx, Vec<Time>>,
}

impl ViewLanes {
    /// The indexes of a model (a few ms for a tile of a big trace).
    pub fn new(trace: Arc<Trace>) -> ViewLanes {
        use super::timeline::layout::coarse_index_of;
        let t = &trace;
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
        ViewLanes {
            trace,
            proc_coarse,
            thread_coarse,
            lane_coarse,
        }
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
    view: Arc<ViewLanes>,
    /// The loaded model's lanes with their indexes (made once, at load).
    loaded_view: Arc<ViewLanes>,
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
        let view = Arc::new(ViewLanes::new(Arc::clone(&loaded.trace)));
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
    pub fn with_view(&self, view: Arc<ViewLanes>) -> TraceData {
        TraceData {
            view,
            ..self.clone()
        }
    }

    /// The model the lanes are drawn from: the whole model, or for a big
    /// trace its overview or the detail tile of the generations in view.
    pub fn trace(&self) -> &Trace {
        &self.view.trace
    }

    /// The loaded model's lanes with their indexes (to show again after a
    /// tile, without indexing its lanes again).
    pub fn loaded_view(&self) -> Arc<ViewLanes> {
        Arc::clone(&self.loaded_view)
    }

    /// The lanes' model with its indexes.
    pub fn view(&self) -> &Arc<ViewLanes> {
        &self.view
    }

    /// The whole trace's model (or overview): its time range, goroutine
    /// table, tasks, logs and samples, whatever the lanes show.
    pub fn whole(&self) -> &Trace {
        &self.loaded.trace
    }

    /// True when the lanes show a detail tile rather than the loaded model.
    pub fn shows_tile(&self) -> bool {
        !Arc::ptr_eq(&self.view.trace, &self.loaded.trace)
    }

    /// Indexes (into the whole trace's `cpu_samples`) of goroutine `g`'s CPU samples.
    pub fn cpu_of(&self, g: GIdx) -> &[u32] {
        let s = &self.loaded.trace.cpu_samples;
        let a = self.cpu_by_g.partition_point(|&i| s[i as usize].g < g);
        let b = self.cpu_by_g.partition_point(|&i| s[i as usize].g <= g);
        &self.cpu_by_g[a..b]
    }

    /// Indexes (into the whole trace's `logs`) of goroutine `g`'s log messages.
    pub fn logs_of(&self, g: GIdx) -> &[u32] {
        let s = &self.loaded.trace.logs;
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
    pub fn is_gc_worker(&self, g: u32) -> bool {
        let gs = &self.loaded.trace.goroutines;
        self.gc_worker_name != 0
            && (g as usize) < gs.len()
            && gs.name(g as usize) == self.gc_worker_name
    }
}
