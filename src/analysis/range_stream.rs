//! The goroutine analysis of a time range ([`summary_in_range`]) of a trace
//! loaded as an overview: which goroutines were alive in the range, when
//! they began and ended, come from the overview (exact); their time per
//! state and per block reason inside the range from the detail tiles, fed
//! in time order from the first generation.
//!
//! A tile begins each goroutine's lane with the state its status event
//! gives, without the block reason: the state and reason the goroutine was
//! in at the end of the tiles before are carried to it.
//!
//! [`summary_in_range`]: super::range_stats::summary_in_range

use super::range_stats::{alive_in, ranged_goroutine};
use super::summary::{NameId, Summary};
use crate::model::{GIdx, GoLaneState, Trace};
use crate::trace::Time;
use rustc_hash::FxHashMap;

/// [`Carry::reason`] of a state that is not a wait.
const NO_REASON: NameId = NameId::MAX;

/// A goroutine's state at the end of the tiles seen so far, counted up to
/// `counted_to`.
#[derive(Debug, Clone, Copy)]
struct Carry {
    state: GoLaneState,
    reason: NameId,
    counted_to: Time,
}

/// Time in each state and per reason inside the range.
#[derive(Debug, Clone, Default)]
struct Totals {
    by_state: [Time; 5],
    by_reason: Vec<(NameId, Time)>,
}

/// Folds detail tiles, in time order from the first generation, into the
/// goroutine analysis of `[t0, t1)`.
pub struct RangeSummaryStream<'a> {
    whole: &'a Trace,
    t0: Time,
    t1: Time,
    names: Vec<String>,
    name_of: FxHashMap<String, NameId>,
    carry: FxHashMap<GIdx, Carry>,
    totals: FxHashMap<GIdx, Totals>,
}

impl<'a> RangeSummaryStream<'a> {
    /// The analysis of `[t0, t1)` of the trace whose overview is `whole`.
    pub fn new(whole: &'a Trace, t0: Time, t1: Time) -> RangeSummaryStream<'a> {
        RangeSummaryStream {
            whole,
            t0,
            t1,
            names: Vec::new(),
            name_of: FxHashMap::default(),
            carry: FxHashMap::default(),
            totals: FxHashMap::default(),
        }
    }

    /// Folds in the next tile (see [`super::profile_stream::ProfileStream::tile`]).
    pub fn tile(&mut self, t: &Trace) {
        for (gl, g, lane) in t.lanes_in(self.whole) {
            let ended = t.goroutines.ended(gl);
            let mut carried = self.carry.remove(&g);
            let last = lane.indexes().end - 1;
            for i in lane.indexes() {
                let s = t.spans.span(&lane, i);
                let mut reason = if s.state == GoLaneState::Waiting {
                    self.name(t.reason(s.reason))
                } else {
                    NO_REASON
                };
                if let Some(c) = carried.take() {
                    // The carried state lasted until this tile's first span
                    // of the goroutine, which continues it when it is the
                    // same state (a status event knows no reason).
                    self.count(g, c.state, c.reason, c.counted_to, s.start);
                    if c.state == s.state {
                        reason = c.reason;
                    }
                }
                self.count(g, s.state, reason, s.start, s.end);
                if i == last && !ended {
                    self.carry.insert(
                        g,
                        Carry {
                            state: s.state,
                            reason,
                            counted_to: s.end,
                        },
                    );
                }
            }
        }
    }

    /// The analysis: every goroutine alive in the range (as the overview
    /// says), by ID.
    pub fn finish(mut self) -> Summary {
        let end = self.whole.meta.end;
        let mut left: Vec<(GIdx, Carry)> = std::mem::take(&mut self.carry).into_iter().collect();
        left.sort_unstable_by_key(|e| e.0);
        for (g, c) in left {
            let lane_end = self.whole.lane(g).end.min(end);
            self.count(g, c.state, c.reason, c.counted_to, lane_end);
        }
        let (w, t0, t1) = (self.whole, self.t0, self.t1);
        let mut goroutines = Vec::new();
        for g in 0..w.goroutines.len() as GIdx {
            if !alive_in(w, g, t0, t1) {
                continue;
            }
            let tot = self.totals.remove(&g).unwrap_or_default();
            let mut by_reason = tot.by_reason;
            by_reason.sort_by_key(|x| std::cmp::Reverse(x.1));
            goroutines.push(ranged_goroutine(w, g, (t0, t1), &tot.by_state, by_reason));
        }
        goroutines.sort_by_key(|g| g.id);
        Summary {
            names: self.names,
            goroutines,
            regions: Vec::new(),
            tasks: Vec::new(),
        }
    }

    fn name(&mut self, reason: &str) -> NameId {
        if let Some(&id) = self.name_of.get(reason) {
            return id;
        }
        let id = self.names.len() as NameId;
        self.names.push(reason.to_string());
        self.name_of.insert(reason.to_string(), id);
        id
    }

    /// Counts `[s, e)` of `g` in `state` (waiting for `reason`), inside the range.
    fn count(&mut self, g: GIdx, state: GoLaneState, reason: NameId, s: Time, e: Time) {
        let d = e.min(self.t1).saturating_sub(s.max(self.t0));
        if d <= 0 {
            return;
        }
        let tot = self.totals.entry(g).or_default();
        tot.by_state[state as usize] = tot.by_state[state as usize].saturating_add(d);
        if state == GoLaneState::Waiting {
            match tot.by_reason.iter_mut().find(|x| x.0 == reason) {
                Some(x) => x.1 = x.1.saturating_add(d),
                None => tot.by_reason.push((reason, d)),
            }
        }
    }
}
