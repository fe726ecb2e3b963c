//! Statistics over a time range computed from the goroutine lanes: time
//! per state for any set of lanes, and a goroutine analysis scoped to the
//! range (same shape as the whole-trace [`Summary`]).

use super::summary::{ExecStats, GoroutineSummary, NameId, Summary};
use crate::model::{GIdx, GoLaneState, Trace};
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

/// The goroutine analysis restricted to `[t0, t1)`, from the lanes: every
/// goroutine alive in the range with its time per state inside it.
pub fn summary_in_range(trace: &Trace, t0: Time, t1: Time) -> Summary {
    let mut names: Vec<String> = Vec::new();
    let mut name_of: FxHashMap<u16, NameId> = FxHashMap::default();
    let mut goroutines = Vec::new();
    for g in 0..trace.goroutines.len() as GIdx {
        if !alive_in(trace, g, t0, t1) {
            continue;
        }
        let totals = state_totals(trace, &[g], t0, t1);
        let block_ns = totals
            .by_reason
            .into_iter()
            .map(|(r, d)| {
                let id = *name_of.entry(r).or_insert_with(|| {
                    names.push(trace.reason(r).to_string());
                    (names.len() - 1) as NameId
                });
                (id, d)
            })
            .collect();
        goroutines.push(ranged_goroutine(
            trace,
            g,
            (t0, t1),
            &totals.by_state,
            block_ns,
        ));
    }
    goroutines.sort_by_key(|g| g.id);
    Summary {
        names,
        goroutines,
        regions: Vec::new(),
        tasks: Vec::new(),
    }
}

/// Whether goroutine `g`'s lane overlaps `[t0, t1)` (its first span and
/// its end are exact in an overview too).
pub(crate) fn alive_in(trace: &Trace, g: GIdx, t0: Time, t1: Time) -> bool {
    let lane = trace.lane(g);
    lane.len > 0 && lane.end > t0 && trace.spans.start(lane.first as usize) < t1
}

/// The analysis of goroutine `g` over `[t0, t1)` from its time in each
/// state and blocked per reason (IDs into the summary's names) inside it.
pub(crate) fn ranged_goroutine(
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
        id: gs.id(g as usize),
        name: trace.str(gs.name(g as usize)).to_string(),
        pc: 0,
        creation: gs.created(g as usize),
        start,
        end: if gs.ended(g as usize) { lane.end } else { 0 },
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
