//! Indexes derived once per loaded trace for the UI (never per frame):
//! start/end arrays of GC and STW ranges, CPU samples and logs by
//! goroutine, counter pyramids, the GC worker function, and lazily the
//! time each goroutine spent in each state (for lane filters).

use super::timeline::counters::Pyramid;
use crate::load::LoadedTrace;
use crate::model::{GIdx, GoLaneState, StrId, Trace};
use crate::trace::Time;
use std::sync::OnceLock;

/// Per-goroutine time in each [`GoLaneState`] (index = state as usize).
pub type StateTotals = [Time; 5];

/// A loaded trace plus the UI's indexes over it.
pub struct TraceData {
    /// The loaded trace.
    pub loaded: LoadedTrace,
    /// GC mark phase starts.
    pub gc_start: Vec<Time>,
    /// GC mark phase ends.
    pub gc_end: Vec<Time>,
    /// STW starts.
    pub stw_start: Vec<Time>,
    /// STW ends.
    pub stw_end: Vec<Time>,
    /// CPU sample indexes sorted by (goroutine, time).
    pub cpu_by_g: Vec<u32>,
    /// Log indexes sorted by (goroutine, time).
    pub logs_by_g: Vec<u32>,
    /// Counter pyramids, in [`super::timeline::counters::TRACKS`] order of series.
    pub pyramids: Vec<Pyramid>,
    /// Coarse start indexes of proc lanes.
    pub proc_coarse: Vec<Vec<Time>>,
    /// Coarse start indexes of thread lanes.
    pub thread_coarse: Vec<Vec<Time>>,
    /// Coarse start indexes of long goroutine lanes.
    pub lane_coarse: rustc_hash::FxHashMap<GIdx, Vec<Time>>,
    /// The string ID of "runtime.gcBgMarkWorker" (0 if absent).
    pub gc_worker_name: StrId,
    totals: OnceLock<Vec<StateTotals>>,
}

impl TraceData {
    /// Builds the indexes (once, at load).
    pub fn new(loaded: LoadedTrace) -> TraceData {
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
        let pyramids = super::timeline::counters::series(t)
            .iter()
            .map(|s| Pyramid::new(s))
            .collect();
        use super::timeline::layout::coarse_index_of;
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
        TraceData {
            proc_coarse,
            thread_coarse,
            lane_coarse,
            gc_start: t.gc.iter().map(|r| r.start).collect(),
            gc_end: t.gc.iter().map(|r| r.end).collect(),
            stw_start: t.stw.iter().map(|r| r.start).collect(),
            stw_end: t.stw.iter().map(|r| r.end).collect(),
            cpu_by_g,
            logs_by_g,
            pyramids,
            gc_worker_name,
            totals: OnceLock::new(),
            loaded,
        }
    }

    /// The model.
    pub fn trace(&self) -> &Trace {
        &self.loaded.trace
    }

    /// Indexes (into `cpu_samples`) of goroutine `g`'s CPU samples.
    pub fn cpu_of(&self, g: GIdx) -> &[u32] {
        let s = &self.loaded.trace.cpu_samples;
        let a = self.cpu_by_g.partition_point(|&i| s[i as usize].g < g);
        let b = self.cpu_by_g.partition_point(|&i| s[i as usize].g <= g);
        &self.cpu_by_g[a..b]
    }

    /// Indexes (into `logs`) of goroutine `g`'s log messages.
    pub fn logs_of(&self, g: GIdx) -> &[u32] {
        let s = &self.loaded.trace.logs;
        let a = self.logs_by_g.partition_point(|&i| s[i as usize].g < g);
        let b = self.logs_by_g.partition_point(|&i| s[i as usize].g <= g);
        &self.logs_by_g[a..b]
    }

    /// Coarse index of proc lane `p` (empty if short).
    pub fn proc_coarse(&self, p: usize) -> &[Time] {
        self.proc_coarse.get(p).map_or(&[], Vec::as_slice)
    }

    /// Coarse index of thread lane `m` (empty if short).
    pub fn thread_coarse(&self, m: usize) -> &[Time] {
        self.thread_coarse.get(m).map_or(&[], Vec::as_slice)
    }

    /// Coarse index of goroutine `g`'s lane (empty if short).
    pub fn lane_coarse(&self, g: GIdx) -> &[Time] {
        self.lane_coarse.get(&g).map_or(&[], Vec::as_slice)
    }

    /// Time each goroutine spent in each state (computed on first use).
    pub fn state_totals(&self) -> &[StateTotals] {
        self.totals.get_or_init(|| {
            let t = &self.loaded.trace;
            let mut out = vec![[0; 5]; t.goroutines.len()];
            for (g, lane) in t.lanes.iter() {
                for i in lane.indexes() {
                    let s = t.spans.span(&lane, i);
                    out[g as usize][s.state as usize] += s.end - s.start;
                }
            }
            out
        })
    }

    /// True if goroutine `g` is a GC background mark worker.
    pub fn is_gc_worker(&self, g: u32) -> bool {
        let gs = &self.loaded.trace.goroutines;
        self.gc_worker_name != 0
            && (g as usize) < gs.len()
            && gs.name(g as usize) == self.gc_worker_name
    }
}

/// Total blocked time (waiting) of a goroutine's totals.
pub fn blocked_ns(t: &StateTotals) -> Time {
    t[GoLaneState::Waiting as usize]
}
