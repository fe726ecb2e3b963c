//! What the timeline's lane filters ask of every goroutine over the whole
//! trace: which states it spent time in and how long it was blocked, in
//! 9 bytes a goroutine. From the whole model's lanes, or for a trace
//! loaded as an overview streamed over its detail tiles in time order
//! (each goroutine's state at a tile's end carried to the next tile it
//! appears in, as in `range_stream.rs`).

use crate::model::{GIdx, GoLaneState, Trace};
use crate::trace::Time;
use rustc_hash::FxHashMap;

/// Per goroutine: the states it spent time in, and its time waiting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateTimes {
    /// Bit `state as u8` set when the goroutine spent time in that state.
    states: Vec<u8>,
    /// Time waiting (blocked), in ns.
    blocked: Vec<Time>,
}

impl StateTimes {
    fn new(goroutines: usize) -> StateTimes {
        StateTimes {
            states: vec![0; goroutines],
            blocked: vec![0; goroutines],
        }
    }

    /// From a whole model's lanes.
    pub fn of_model(t: &Trace) -> StateTimes {
        let mut out = StateTimes::new(t.goroutines.len());
        for (g, lane) in t.lanes.iter() {
            for i in lane.indexes() {
                let s = t.spans.span(&lane, i);
                out.add(g, s.state, s.end - s.start);
            }
        }
        out
    }

    /// Whether goroutine `g` spent time in state `s`.
    pub fn was_in(&self, g: GIdx, s: GoLaneState) -> bool {
        self.states
            .get(g as usize)
            .is_some_and(|m| m & (1 << s as u8) != 0)
    }

    /// Time goroutine `g` spent waiting.
    pub fn blocked_ns(&self, g: GIdx) -> Time {
        self.blocked.get(g as usize).copied().unwrap_or(0)
    }

    fn add(&mut self, g: GIdx, s: GoLaneState, d: Time) {
        let g = g as usize;
        if d <= 0 || g >= self.states.len() {
            return;
        }
        self.states[g] |= 1 << s as u8;
        if s == GoLaneState::Waiting {
            self.blocked[g] = self.blocked[g].saturating_add(d);
        }
    }
}

/// Folds detail tiles, in time order from the first generation, into the
/// [`StateTimes`] of the trace whose overview is `whole`.
pub struct StateTimesStream<'a> {
    whole: &'a Trace,
    times: StateTimes,
    /// State at the end of the tiles so far, counted up to the time given.
    carry: FxHashMap<GIdx, (GoLaneState, Time)>,
}

impl<'a> StateTimesStream<'a> {
    /// An empty fold for the trace whose overview is `whole`.
    pub fn new(whole: &'a Trace) -> StateTimesStream<'a> {
        StateTimesStream {
            whole,
            times: StateTimes::new(whole.goroutines.len()),
            carry: FxHashMap::default(),
        }
    }

    /// Folds in the next tile (see [`super::profile_stream::ProfileStream::tile`]).
    pub fn tile(&mut self, t: &Trace) {
        for (gl, g, lane) in t.lanes_in(self.whole) {
            let mut carried = self.carry.remove(&g);
            let last = lane.indexes().end - 1;
            for i in lane.indexes() {
                let s = t.spans.span(&lane, i);
                if let Some((state, since)) = carried.take() {
                    // The carried state lasted until this tile's first span.
                    self.times.add(g, state, s.start - since);
                }
                self.times.add(g, s.state, s.end - s.start);
                if i == last && !t.goroutines.ended(gl) {
                    self.carry.insert(g, (s.state, s.end));
                }
            }
        }
    }

    /// The state times; a goroutine not seen again after a tile stays in
    /// its state to the end of its lane.
    pub fn finish(mut self) -> StateTimes {
        for (g, (state, since)) in std::mem::take(&mut self.carry) {
            let end = self.whole.lane(g).end;
            self.times.add(g, state, end - since);
        }
        self.times
    }
}
