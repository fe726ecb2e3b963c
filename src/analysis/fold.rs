//! Every analysis that reads spans is a fold over tiles. A tile is the
//! model of some generations, in the overview's goroutine, proc and thread
//! indexes, and a window of the whole model: every span and interval that
//! overlaps its time, whole (one that crosses an edge begins and ends where
//! it does, so it is in each tile it overlaps). A trace whose tiles all fit
//! the memory budget is one resident tile; a bigger one is read again, one
//! generation a tile, in time order. Either way the fold sees the same
//! spans, so its answer does not depend on the budget.
//!
//! Two ways to write one:
//! - [`TileFold`]: given each tile whole. Sums clip what they count to the
//!   tile's own time ([`Tile::clip`]), so that a span in several tiles is
//!   counted once; sweeps take the changes inside [`Tile::owns`].
//! - [`LaneFold`]: given each goroutine's spans once, in order, with what
//!   the fold remembers of the goroutine ([`LaneFold::Lane`]) carried from
//!   one tile to the next by [`ByLane`], the one place where that is done.

use crate::model::{GIdx, StrId, Trace};
pub use crate::model::{LaneSpan, TileParts};
use crate::trace::Time;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// One tile as a fold sees it.
#[derive(Clone, Copy)]
pub struct Tile<'a> {
    /// The tile's model: every span of its time, in `overview`'s indexes.
    pub model: &'a Trace,
    /// The trace's overview (for a resident trace, the whole model, which
    /// is then `model` too): goroutine table, groups, GC, STW, regions,
    /// tasks, counters, exactly.
    pub overview: &'a Trace,
    /// Start of the tile's own time.
    pub from: Time,
    /// End of the tile's own time (exclusive); `None` for the last tile.
    pub to: Option<Time>,
}

impl<'a> Tile<'a> {
    /// The only tile of a resident trace: its whole model.
    pub fn whole(t: &'a Trace) -> Tile<'a> {
        Tile {
            model: t,
            overview: t,
            from: Time::MIN,
            to: None,
        }
    }

    /// Whether `t` is in the tile's own time.
    #[inline]
    pub fn owns(&self, t: Time) -> bool {
        t >= self.from && self.to.is_none_or(|to| t < to)
    }

    /// Whether something ending at `end` goes on after the tile (it is in
    /// the next tile too).
    #[inline]
    pub fn goes_on(&self, end: Time) -> bool {
        self.to.is_some_and(|to| end > to)
    }

    /// `[start, end)` clipped to the tile's own time, if anything is left.
    #[inline]
    pub fn clip(&self, start: Time, end: Time) -> Option<(Time, Time)> {
        let a = start.max(self.from);
        let b = self.to.map_or(end, |to| end.min(to));
        (a < b).then_some((a, b))
    }
}

/// An analysis folded over the tiles of a trace, in time order.
pub trait TileFold {
    /// What its tiles must hold.
    fn parts(&self) -> TileParts {
        TileParts::Lanes
    }

    /// Folds in the next tile.
    fn tile(&mut self, tile: &Tile<'_>);
}

/// An analysis of each goroutine's spans in order (see [`ByLane`]).
pub trait LaneFold {
    /// What the fold remembers of one goroutine between two of its spans.
    type Lane: Default;

    /// What its tiles must hold.
    fn parts(&self) -> TileParts {
        TileParts::Lanes
    }

    /// Goroutine `g`'s next span.
    fn span(&mut self, g: GIdx, lane: &mut Self::Lane, s: &LaneSpan, overview: &Trace);

    /// Goroutine `g`'s lane has ended (after the span marked `last`).
    fn end(&mut self, _g: GIdx, _lane: Self::Lane, _overview: &Trace) {}

    /// After the goroutines of `tile` (for what a lane fold also reads of
    /// the tile itself).
    fn after_tile(&mut self, _tile: &Tile<'_>) {}
}

/// Runs a [`LaneFold`] over tiles: gives each span once, in the tile where
/// it ends (where whether it is its lane's last is known), and keeps the
/// fold's [`LaneFold::Lane`] of each goroutine whose lane goes on after a
/// tile until the next tile it is in.
pub struct ByLane<F: LaneFold> {
    /// The fold.
    pub fold: F,
    open: FxHashMap<GIdx, F::Lane>,
    /// Reason strings of the tile's reason indexes.
    reasons: Vec<StrId>,
}

impl<F: LaneFold> ByLane<F> {
    /// Runs `fold`.
    pub fn new(fold: F) -> ByLane<F> {
        ByLane {
            fold,
            open: FxHashMap::default(),
            reasons: Vec::new(),
        }
    }

    /// The fold, after the last tile.
    pub fn finish(mut self, overview: &Trace) -> F {
        // N.B. a lane that went on after the last tile it was in cannot
        // happen: every live goroutine is in every generation (its status
        // event), and the last tile owns every end.
        let mut left: Vec<(GIdx, F::Lane)> = std::mem::take(&mut self.open).into_iter().collect();
        left.sort_unstable_by_key(|e| e.0);
        for (g, lane) in left {
            self.fold.end(g, lane, overview);
        }
        self.fold
    }
}

impl<F: LaneFold> TileFold for ByLane<F> {
    fn parts(&self) -> TileParts {
        self.fold.parts()
    }

    fn tile(&mut self, tile: &Tile<'_>) {
        let t = tile.model;
        self.reasons.clear();
        self.reasons.extend(&t.reasons);
        for (g, lane) in t.lanes.iter() {
            if lane.len == 0 {
                continue;
            }
            let mut state = self.open.remove(&g).unwrap_or_default();
            let r = lane.indexes();
            for i in r.clone() {
                let s = t.spans.span(&lane, i);
                if tile.goes_on(s.end) {
                    // Given by the tile where it ends.
                    continue;
                }
                let span = LaneSpan {
                    start: s.start,
                    end: s.end,
                    state: s.state,
                    reason: self.reasons.get(s.reason as usize).copied().unwrap_or(0),
                    stack: s.stack,
                    last: i + 1 == r.end,
                };
                self.fold.span(g, &mut state, &span, tile.overview);
            }
            if tile.goes_on(lane.end) {
                self.open.insert(g, state);
            } else {
                self.fold.end(g, state, tile.overview);
            }
        }
        self.fold.after_tile(tile);
    }
}

/// A tile found by time, for analyses that walk a trace out of time order
/// (the critical path) or look a few things up after a fold.
#[derive(Clone)]
pub struct TileRef {
    /// The tile's model.
    pub model: Arc<Trace>,
    /// Start of its own time.
    pub from: Time,
    /// End of its own time (exclusive); `None` for the last tile.
    pub to: Option<Time>,
}

impl TileRef {
    /// The tile as a fold sees it.
    pub fn tile<'a>(&'a self, overview: &'a Trace) -> Tile<'a> {
        Tile {
            model: &self.model,
            overview,
            from: self.from,
            to: self.to,
        }
    }
}

/// Random access to the tiles of a trace.
pub trait TileAccess: Send + Sync {
    /// The trace's overview (or its whole model).
    fn overview(&self) -> &Trace;

    /// The tile whose own time holds `t` (times before the trace's start
    /// are in the first tile, times after its end in the last).
    fn tile_at(&self, t: Time) -> Result<TileRef, String>;
}

/// A resident trace: one tile, its whole model.
pub struct Resident(pub Arc<Trace>);

impl TileAccess for Resident {
    fn overview(&self) -> &Trace {
        &self.0
    }

    fn tile_at(&self, _t: Time) -> Result<TileRef, String> {
        Ok(TileRef {
            model: Arc::clone(&self.0),
            from: Time::MIN,
            to: None,
        })
    }
}
