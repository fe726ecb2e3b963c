//! The builder's per-resource state, without a hash lookup per event:
//! live goroutines in recycled slots (their span buffers are reused, so a
//! trace of millions of short goroutines does not allocate per goroutine),
//! and procs or threads in a vector indexed through an [`IdIndex`].

use super::super::index::IdIndex;
use super::super::GIdx;
use super::goroutines::LiveG;
use super::machines::{Keep, MachineBuild};
use super::{BuildMode, TileParts};
use crate::trace::Time;

/// [`LivePool::slot_of`] of a goroutine that is not live.
const NOT_LIVE: u32 = u32::MAX;

/// The goroutines being built, by goroutine index.
#[derive(Default)]
pub struct LivePool {
    /// Slot of each goroutine index, [`NOT_LIVE`] if none.
    slot_of: Vec<u32>,
    slots: Vec<LiveG>,
    free: Vec<u32>,
}

impl LivePool {
    /// The slot of live goroutine `g`.
    #[inline]
    pub fn slot(&self, g: GIdx) -> Option<usize> {
        match self.slot_of.get(g.ix()) {
            Some(&s) if s != NOT_LIVE => Some(s as usize),
            _ => None,
        }
    }

    /// The state of live goroutine `g`.
    #[inline]
    pub fn get(&self, g: &GIdx) -> Option<&LiveG> {
        self.slot(*g).map(|s| &self.slots[s])
    }

    /// The state of live goroutine `g`, for changes.
    #[inline]
    pub fn get_mut(&mut self, g: &GIdx) -> Option<&mut LiveG> {
        self.slot(*g).map(|s| &mut self.slots[s])
    }

    /// True if `g` is live.
    #[inline]
    pub fn contains_key(&self, g: &GIdx) -> bool {
        self.slot(*g).is_some()
    }

    /// Makes `g` live with a fresh state (reusing a dead goroutine's buffers).
    pub fn insert_new(&mut self, g: GIdx) {
        let gi = g.ix();
        if gi >= self.slot_of.len() {
            self.slot_of
                .resize((gi + 1).max(self.slot_of.len() * 3 / 2), NOT_LIVE);
        }
        if self.slot_of[gi] != NOT_LIVE {
            self.slots[self.slot_of[gi] as usize].reset();
            return;
        }
        let s = match self.free.pop() {
            Some(s) => {
                self.slots[s as usize].reset();
                s
            }
            None => {
                self.slots.push(LiveG::new());
                (self.slots.len() - 1) as u32
            }
        };
        self.slot_of[gi] = s;
    }

    /// Ends `g`, returning its slot: the state stays readable there (see
    /// [`LivePool::slot_mut`]) until the next [`LivePool::insert_new`].
    pub fn release(&mut self, g: GIdx) -> Option<usize> {
        let s = self.slot(g)?;
        self.slot_of[g.ix()] = NOT_LIVE;
        self.free.push(s as u32);
        Some(s)
    }

    /// The state in a slot returned by [`LivePool::release`].
    pub fn slot_mut(&mut self, s: usize) -> &mut LiveG {
        &mut self.slots[s]
    }

    /// The live goroutines, in index order.
    pub fn keys(&self) -> impl Iterator<Item = GIdx> + '_ {
        self.slot_of
            .iter()
            .enumerate()
            .filter(|(_, &s)| s != NOT_LIVE)
            .map(|(g, _)| GIdx::at(g))
    }
}

/// Procs or threads being built, by ID.
#[derive(Default)]
pub struct Machines {
    /// What each lane keeps of its intervals.
    keep: Keep,
    /// Start of the current generation.
    boundary: Time,
    index: IdIndex,
    ids: Vec<i64>,
    lanes: Vec<MachineBuild>,
}

impl Machines {
    /// No machines yet, for a builder of `mode`.
    pub fn new(mode: BuildMode) -> Machines {
        let keep = match mode {
            BuildMode::Whole | BuildMode::Tile(TileParts::Machines | TileParts::Full) => {
                Keep::Exact
            }
            BuildMode::Overview { bucket_ns } => Keep::Folded(bucket_ns),
            BuildMode::Tile(TileParts::Lanes) => Keep::Nothing,
        };
        Machines {
            keep,
            ..Machines::default()
        }
    }

    /// The lane of machine `id`, if it has one.
    #[inline]
    pub fn get_mut(&mut self, id: &i64) -> Option<&mut MachineBuild> {
        let i = self.index.get(*id)?;
        Some(&mut self.lanes[i as usize])
    }

    /// The lane of machine `id`, created if new.
    #[inline]
    pub fn get_or_default(&mut self, id: i64) -> &mut MachineBuild {
        let i = match self.index.get(id) {
            Some(i) => i as usize,
            None => {
                self.index.insert(id, self.lanes.len() as u32);
                self.ids.push(id);
                let mut m = MachineBuild::new(self.keep);
                m.set_boundary(self.boundary);
                self.lanes.push(m);
                self.lanes.len() - 1
            }
        };
        &mut self.lanes[i]
    }

    /// A generation begins at `t`: intervals open now cross a boundary.
    pub fn set_boundary(&mut self, t: Time) {
        self.boundary = t;
        for m in &mut self.lanes {
            m.set_boundary(t);
        }
    }

    /// Every machine ID, in order of creation.
    pub fn keys(&self) -> impl Iterator<Item = &i64> {
        self.ids.iter()
    }

    /// Every lane's closed intervals with its ID, in order of creation.
    pub fn closed_lanes(&self) -> impl Iterator<Item = (i64, &crate::model::IntervalLane)> {
        self.ids
            .iter()
            .zip(&self.lanes)
            .map(|(&id, m)| (id, m.closed()))
    }

    /// The lanes with their IDs, in order of creation.
    pub fn into_lanes(self) -> impl Iterator<Item = (i64, MachineBuild)> {
        self.ids.into_iter().zip(self.lanes)
    }
}
