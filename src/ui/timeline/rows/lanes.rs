//! The goroutine lanes of one expanded group as one block of virtual rows:
//! its members (shared with the trace unless a filter kept some of them)
//! and only the lanes taller than a plain one, with prefix sums of their
//! extra height. A group of millions costs nothing per member: a lane's
//! row is computed when asked for.

use super::{height, Row, RowKind};
use crate::model::{GIdx, GoroutineGroup};
use std::sync::Arc;

/// Height of a lane with neither a GC work row nor regions.
pub const PLAIN_H: f32 = height::GOROUTINE + height::GAP;

/// Height of a lane with a GC work row or not and `region_rows` region rows.
pub fn lane_h(gc_row: bool, region_rows: u16) -> f32 {
    // The sum in this order, as the lanes were always measured.
    height::GOROUTINE
        + if gc_row { height::GC_ROW } else { 0.0 }
        + f32::from(region_rows) * height::REGION
        + height::GAP
}

/// The goroutines of a block, in the group's order.
#[derive(Clone)]
pub enum Members {
    /// Every member of group `index` (the trace's list, not copied).
    Group {
        /// The trace's groups.
        groups: Arc<Vec<GoroutineGroup>>,
        /// Index of the group.
        index: u32,
    },
    /// The members a lane filter kept.
    Kept(Vec<GIdx>),
}

impl Members {
    /// The goroutines.
    pub fn as_slice(&self) -> &[GIdx] {
        match self {
            Members::Group { groups, index } => groups
                .get(*index as usize)
                .map_or(&[], |g| g.members.as_slice()),
            Members::Kept(v) => v,
        }
    }
}

/// A lane taller than [`PLAIN_H`].
#[derive(Debug, Clone, Copy)]
struct TallLane {
    /// Position in the block.
    pos: u32,
    /// Extra height (over [`PLAIN_H`]) of the tall lanes before it.
    extra_before: f64,
    gc_row: bool,
    region_rows: u16,
}

/// The lanes of one expanded group.
#[derive(Clone)]
pub struct LaneBlock {
    /// The group (index into `Trace::groups`).
    pub group: u32,
    /// Virtual index of its first row (set by the layout).
    pub first: usize,
    /// Content y of its top (set by the layout).
    pub top: f64,
    members: Members,
    /// Positions sorted by goroutine, only when the members are not in
    /// index order (else a binary search in the members finds them).
    by_g: Option<Vec<u32>>,
    /// Sorted by position once [`LaneBlock::finish`] ran.
    tall: Vec<TallLane>,
    /// Extra height of all tall lanes.
    extra_h: f64,
}

impl std::fmt::Debug for LaneBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LaneBlock")
            .field("group", &self.group)
            .field("first", &self.first)
            .field("top", &self.top)
            .field("len", &self.len())
            .field("tall", &self.tall.len())
            .finish()
    }
}

impl LaneBlock {
    /// A block of `members`; `sorted` says they are in index order (the
    /// caller knows: checking would touch every member).
    pub fn new(group: u32, members: Members, sorted: bool) -> LaneBlock {
        let by_g = (!sorted).then(|| {
            let m = members.as_slice();
            let mut v: Vec<u32> = (0..m.len() as u32).collect();
            v.sort_unstable_by_key(|&p| m[p as usize]);
            v
        });
        LaneBlock {
            group,
            first: 0,
            top: 0.0,
            members,
            by_g,
            tall: Vec::new(),
            extra_h: 0.0,
        }
    }

    /// Number of lanes.
    pub fn len(&self) -> usize {
        self.members.as_slice().len()
    }

    /// Total height of its lanes.
    pub fn height(&self) -> f64 {
        self.len() as f64 * f64::from(PLAIN_H) + self.extra_h
    }

    /// Position of goroutine `g` in the block, if shown.
    pub fn position(&self, g: GIdx) -> Option<usize> {
        let m = self.members.as_slice();
        match &self.by_g {
            None => m.binary_search(&g).ok(),
            Some(by_g) => by_g
                .binary_search_by_key(&g, |&p| m[p as usize])
                .ok()
                .map(|i| by_g[i] as usize),
        }
    }

    /// The lowest and highest goroutine index in the block (non-empty).
    pub fn g_range(&self) -> (GIdx, GIdx) {
        let m = self.members.as_slice();
        match &self.by_g {
            None => (m[0], m[m.len() - 1]),
            Some(by_g) => (m[by_g[0] as usize], m[by_g[by_g.len() - 1] as usize]),
        }
    }

    /// Records that lane `pos` has a GC work row and/or region rows.
    pub fn add_tall(&mut self, pos: usize, gc_row: bool, region_rows: u16) {
        if gc_row || region_rows > 0 {
            self.tall.push(TallLane {
                pos: pos as u32,
                extra_before: 0.0,
                gc_row,
                region_rows,
            });
        }
    }

    /// Orders the tall lanes and sums their extra heights (after the last
    /// [`LaneBlock::add_tall`]).
    pub fn finish(&mut self) {
        if self.by_g.is_some() {
            // Found in goroutine order, not in the block's.
            self.tall.sort_unstable_by_key(|t| t.pos);
        }
        let mut sum = 0.0;
        for t in &mut self.tall {
            t.extra_before = sum;
            sum += f64::from(lane_h(t.gc_row, t.region_rows)) - f64::from(PLAIN_H);
        }
        self.extra_h = sum;
    }

    /// The row of lane `k` (below `self.len()`).
    pub fn row(&self, k: usize) -> Row {
        let j = self.tall.partition_point(|t| (t.pos as usize) < k);
        let (extra_before, here) = match self.tall.get(j) {
            Some(t) => (t.extra_before, (t.pos as usize == k).then_some(t)),
            None => (self.extra_h, None),
        };
        let (gc_row, region_rows) = here.map_or((false, 0), |t| (t.gc_row, t.region_rows));
        Row {
            kind: RowKind::Goroutine(self.members.as_slice()[k]),
            y: self.top + k as f64 * f64::from(PLAIN_H) + extra_before,
            h: lane_h(gc_row, region_rows),
            state_h: height::GOROUTINE,
            region_rows,
            gc_row,
            shown: 0,
        }
    }
}
