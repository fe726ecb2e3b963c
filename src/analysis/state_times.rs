//! What the timeline's lane filters ask of every goroutine over the whole
//! trace: which states it spent time in and how long it was blocked, in
//! 9 bytes a goroutine, folded over the tiles (see [`super::fold`]).

use super::fold::{Tile, TileFold};
use crate::model::{GIdx, GoLaneState, Trace};
use crate::trace::Time;

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

    /// Whether goroutine `g` spent time in state `s`.
    pub fn was_in(&self, g: GIdx, s: GoLaneState) -> bool {
        self.states
            .get(g.ix())
            .is_some_and(|m| m & (1 << s as u8) != 0)
    }

    /// Time goroutine `g` spent waiting.
    pub fn blocked_ns(&self, g: GIdx) -> Time {
        self.blocked.get(g.ix()).copied().unwrap_or(0)
    }

    fn add(&mut self, g: GIdx, s: GoLaneState, d: Time) {
        let g = g.ix();
        if d <= 0 || g >= self.states.len() {
            return;
        }
        self.states[g] |= 1 << s as u8;
        if s == GoLaneState::Waiting {
            self.blocked[g] = self.blocked[g].saturating_add(d);
        }
    }
}

/// Folds the tiles of a trace into its [`StateTimes`].
pub struct StateTimesFold {
    times: StateTimes,
}

impl StateTimesFold {
    /// An empty fold for the trace whose overview is `overview`.
    pub fn new(overview: &Trace) -> StateTimesFold {
        StateTimesFold {
            times: StateTimes::new(overview.goroutines.len()),
        }
    }

    /// The state times.
    pub fn finish(self) -> StateTimes {
        self.times
    }
}

impl TileFold for StateTimesFold {
    fn tile(&mut self, tile: &Tile<'_>) {
        let t = tile.model;
        for (g, lane) in t.lanes.iter() {
            for i in lane.indexes() {
                let s = t.spans.span(&lane, i);
                if let Some((a, b)) = tile.clip(s.start, s.end) {
                    self.times.add(g, s.state, b - a);
                }
            }
        }
    }
}
