//! Statistics over a time range computed from the goroutine lanes: time
//! per state for any set of lanes, and a goroutine analysis scoped to the
//! range (same shape as the whole-trace [`Summary`]).

use super::fold::{Tile, TileFold};
use super::summary::{ExecStats, GoroutineSummary, NameId, Summary};
use crate::model::{GIdx, GoLaneState, StrId, Trace};
use crate::trace::Time;
use rustc_hash::FxHashMap;

/// Time per lane state (indexed by `GoLaneState as usize`) and per block reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateTotals {
    /// ns per state.
    pub by_state: [i64; 5],
    /// ns waiting per reason index (`Trace::reasons`).
    pub by_reason: Vec<(u16, i64)>,
}

/// Time each of `lanes` spent in each state within `[t0, t1)`.
pub fn state_totals(trace: &Trace, lanes: &[GIdx], t0: Time, t1: Time) -> StateTotals {
    let mut out = StateTotals::default();
    for &g in lanes {
        let Some(lane) = trace.lanes.get(g) else {
            continue;
        };
        for i in trace.spans.visible(&lane, t0, t1) {
            let s = trace.spans.span(&lane, i);
            let d = s.end.min(t1).saturating_sub(s.start.max(t0));
            if d <= 0 {
                continue;
            }
            out.by_state[s.state as usize] = out.by_state[s.state as usize].saturating_add(d);
            if s.state == GoLaneState::Waiting {
                match out.by_reason.iter_mut().find(|x| x.0 == s.reason) {
                    Some(x) => x.1 = x.1.saturating_add(d),
                    None => out.by_reason.push((s.reason, d)),
                }
            }
        }
    }
    out.by_reason.sort_by_key(|x| std::cmp::Reverse(x.1));
    out
}

/// Time in each state and per reason (a name of the summary) inside the range.
#[derive(Debug, Clone, Default)]
struct Totals {
    by_state: [Time; 5],
    by_reason: Vec<(NameId, Time)>,
}

/// Folds the tiles of a trace into the goroutine analysis of `[t0, t1)`:
/// every goroutine alive in the range with its time per state and per
/// block reason inside it (see [`super::fold`]).
pub struct RangeSummaryFold {
    t0: Time,
    t1: Time,
    names: Vec<String>,
    name_of: FxHashMap<StrId, NameId>,
    totals: FxHashMap<GIdx, Totals>,
}

impl RangeSummaryFold {
    /// The analysis of `[t0, t1)`.
    pub fn new(t0: Time, t1: Time) -> RangeSummaryFold {
        RangeSummaryFold {
            t0,
            t1,
            names: Vec::new(),
            name_of: FxHashMap::default(),
            totals: FxHashMap::default(),
        }
    }

    /// Whether a tile from `from` to `to` (exclusive, `None`: the end)
    /// holds anything of the range.
    pub fn wants(&self, from: Time, to: Option<Time>) -> bool {
        from < self.t1 && to.is_none_or(|to| to > self.t0)
    }

    /// The analysis: every goroutine alive in the range (as the overview
    /// says), by ID.
    pub fn finish(mut self, overview: &Trace) -> Summary {
        let (t0, t1) = (self.t0, self.t1);
        let mut goroutines = Vec::new();
        for g in overview.goroutines.indexes() {
            if !alive_in(overview, g, t0, t1) {
                continue;
            }
            let tot = self.totals.remove(&g).unwrap_or_default();
            let mut by_reason = tot.by_reason;
            by_reason.sort_by_key(|x| std::cmp::Reverse(x.1));
            goroutines.push(ranged_goroutine(
                overview,
                g,
                (t0, t1),
                &tot.by_state,
                by_reason,
            ));
        }
        goroutines.sort_by_key(|g| g.id);
        Summary {
            names: self.names,
            goroutines,
            regions: Vec::new(),
            tasks: Vec::new(),
        }
    }

    fn name(&mut self, t: &Trace, reason: StrId) -> NameId {
        if let Some(&id) = self.name_of.get(&reason) {
            return id;
        }
        let id = self.names.len() as NameId;
        self.names.push(t.str(reason).to_string());
        self.name_of.insert(reason, id);
        id
    }
}

impl TileFold for RangeSummaryFold {
    fn tile(&mut self, tile: &Tile<'_>) {
        let t = tile.model;
        // The range, within the tile's own time.
        let Some((a, b)) = tile.clip(self.t0, self.t1) else {
            return;
        };
        for (g, lane) in t.lanes.iter() {
            for i in t.spans.visible(&lane, a, b) {
                let s = t.spans.span(&lane, i);
                let d = s.end.min(b).saturating_sub(s.start.max(a));
                if d <= 0 {
                    continue;
                }
                let reason = (s.state == GoLaneState::Waiting)
                    .then(|| t.reasons.get(s.reason as usize).copied().unwrap_or(0));
                let name = reason.map(|r| self.name(t, r));
                let tot = self.totals.entry(g).or_default();
                tot.by_state[s.state as usize] = tot.by_state[s.state as usize].saturating_add(d);
                if let Some(name) = name {
                    match tot.by_reason.iter_mut().find(|x| x.0 == name) {
                        Some(x) => x.1 = x.1.saturating_add(d),
                        None => tot.by_reason.push((name, d)),
                    }
                }
            }
        }
    }
}

/// Whether goroutine `g`'s lane overlaps `[t0, t1)` (its first span and
/// its end are exact in an overview too).
fn alive_in(trace: &Trace, g: GIdx, t0: Time, t1: Time) -> bool {
    let lane = trace.lane(g);
    lane.len > 0 && lane.end > t0 && trace.spans.start(lane.first as usize) < t1
}

/// The analysis of goroutine `g` over `[t0, t1)` from its time in each
/// state and blocked per reason (IDs into the summary's names) inside it.
fn ranged_goroutine(
    trace: &Trace,
    g: GIdx,
    (t0, t1): (Time, Time),
    by_state: &[Time; 5],
    block_ns: Vec<(NameId, Time)>,
) -> GoroutineSummary {
    let lane = trace.lane(g);
    let start = trace.spans.start(lane.first as usize).max(t0);
    let gs = &trace.goroutines;
    GoroutineSummary {
        id: gs.id(g).0,
        name: trace.str(gs.name(g)).to_string(),
        pc: 0,
        creation: gs.created(g),
        start,
        end: if gs.ended(g) { lane.end } else { 0 },
        regions: Vec::new(),
        stats: ExecStats {
            exec_ns: by_state[GoLaneState::Running as usize],
            sched_wait_ns: by_state[GoLaneState::Runnable as usize],
            syscall_ns: by_state[GoLaneState::Syscall as usize],
            syscall_block_ns: by_state[GoLaneState::SyscallBlocked as usize],
            block_ns,
            total_ns: lane.end.min(t1).saturating_sub(start),
            ..ExecStats::default()
        },
    }
}
