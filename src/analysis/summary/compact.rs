//! The goroutine analysis without a heap allocation per goroutine: each
//! goroutine is a fixed-size record, its start function an index into a
//! table of names, its block and range times a linked list in one shared
//! vector. A trace of millions of short goroutines keeps about 100 bytes per
//! goroutine instead of the ~270 of a [`GoroutineSummary`] (whose name is a
//! `String` and whose maps are `Vec`s); [`CompactSummary::expand`] makes the
//! [`Summary`] when it is wanted.

use super::{ExecStats, GoroutineSummary, NameId, RegionSummary, Summary, TaskSummary};
use crate::trace::Time;

/// End of a list in [`Kvs`], or "none".
pub(super) const NIL: u32 = u32::MAX;

/// Which map of [`ExecStats`] a keyed duration belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Map {
    /// `block_ns`.
    Block,
    /// `range_ns`.
    Range,
}

/// One keyed duration of a goroutine.
#[derive(Debug, Clone, Copy)]
struct Kv {
    next: u32,
    name: NameId,
    map: Map,
    ns: i64,
}

/// The keyed durations of every goroutine: per goroutine a list, in order
/// of first use (the order the `Vec`s of [`ExecStats`] would have).
#[derive(Debug, Default)]
pub(super) struct Kvs {
    items: Vec<Kv>,
}

impl Kvs {
    /// Go's `+=` on a map entry: adds `d` to `name` in `map` of the list
    /// starting at `*head`, adding the entry (at the end) if missing.
    pub(super) fn add(&mut self, head: &mut u32, map: Map, name: NameId, d: i64) {
        let mut prev = NIL;
        let mut cur = *head;
        while cur != NIL {
            let kv = &mut self.items[cur as usize];
            if kv.map == map && kv.name == name {
                kv.ns = kv.ns.wrapping_add(d);
                return;
            }
            prev = cur;
            cur = kv.next;
        }
        let i = self.items.len() as u32;
        self.items.push(Kv {
            next: NIL,
            name,
            map,
            ns: d,
        });
        if prev == NIL {
            *head = i;
        } else {
            self.items[prev as usize].next = i;
        }
    }

    /// The entries of `map` in the list starting at `head`.
    fn entries(&self, head: u32, map: Map) -> Vec<(NameId, i64)> {
        let mut out = Vec::new();
        let mut cur = head;
        while cur != NIL {
            let kv = &self.items[cur as usize];
            if kv.map == map {
                out.push((kv.name, kv.ns));
            }
            cur = kv.next;
        }
        out
    }
}

/// [`ExecStats`] with its maps in [`Kvs`].
#[derive(Debug, Clone, Copy)]
pub(super) struct CStats {
    pub exec_ns: i64,
    pub sched_wait_ns: i64,
    pub syscall_ns: i64,
    pub syscall_block_ns: i64,
    pub total_ns: i64,
    /// First keyed duration.
    pub kv: u32,
}

impl Default for CStats {
    fn default() -> Self {
        CStats {
            exec_ns: 0,
            sched_wait_ns: 0,
            syscall_ns: 0,
            syscall_block_ns: 0,
            total_ns: 0,
            kv: NIL,
        }
    }
}

impl CStats {
    /// The stats as an [`ExecStats`].
    pub(super) fn expand(&self, kvs: &Kvs) -> ExecStats {
        ExecStats {
            exec_ns: self.exec_ns,
            sched_wait_ns: self.sched_wait_ns,
            syscall_ns: self.syscall_ns,
            syscall_block_ns: self.syscall_block_ns,
            total_ns: self.total_ns,
            block_ns: kvs.entries(self.kv, Map::Block),
            range_ns: kvs.entries(self.kv, Map::Range),
        }
    }
}

/// A [`GoroutineSummary`] with its name, regions and maps elsewhere.
#[derive(Debug, Clone, Copy)]
pub(super) struct GRec {
    pub id: i64,
    /// Index into [`CompactSummary::gnames`] (0 is "").
    pub name: u32,
    pub pc: u64,
    pub creation: Time,
    pub start: Time,
    pub end: Time,
    /// Index into [`CompactSummary::region_lists`], [`NIL`] if none.
    pub regions: u32,
    pub stats: CStats,
}

/// The finished goroutine analysis in compact form.
#[derive(Debug, Default)]
pub struct CompactSummary {
    pub(super) names: Vec<String>,
    /// Start function names (index 0 is "").
    pub(super) gnames: Vec<String>,
    /// Goroutines sorted by ID.
    pub(super) gs: Vec<GRec>,
    pub(super) kvs: Kvs,
    /// Completed regions of goroutines that have some.
    pub(super) region_lists: Vec<Vec<u32>>,
    pub(super) regions: Vec<RegionSummary>,
    pub(super) tasks: Vec<TaskSummary>,
}

impl CompactSummary {
    /// Number of goroutines.
    pub fn goroutine_count(&self) -> usize {
        self.gs.len()
    }

    /// Approximate heap bytes used (by capacity; names and regions by
    /// their vectors only).
    pub fn heap_bytes(&self) -> usize {
        self.gs.capacity() * std::mem::size_of::<GRec>()
            + self.kvs.items.capacity() * std::mem::size_of::<Kv>()
            + self
                .region_lists
                .iter()
                .map(|l| l.capacity() * 4 + 24)
                .sum::<usize>()
            + self.regions.capacity() * std::mem::size_of::<RegionSummary>()
    }

    /// The analysis as a [`Summary`].
    pub fn expand(&self) -> Summary {
        let goroutines = self
            .gs
            .iter()
            .map(|g| GoroutineSummary {
                id: g.id,
                name: self.gnames[g.name as usize].clone(),
                pc: g.pc,
                creation: g.creation,
                start: g.start,
                end: g.end,
                regions: match g.regions {
                    NIL => Vec::new(),
                    r => self.region_lists[r as usize].clone(),
                },
                stats: g.stats.expand(&self.kvs),
            })
            .collect();
        Summary {
            names: self.names.clone(),
            goroutines,
            regions: self.regions.clone(),
            tasks: self.tasks.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_durations_keep_first_use_order() {
        let mut kvs = Kvs::default();
        let (mut a, mut b) = (NIL, NIL);
        kvs.add(&mut a, Map::Block, 3, 10);
        kvs.add(&mut b, Map::Block, 3, 1);
        kvs.add(&mut a, Map::Range, 1, 5);
        kvs.add(&mut a, Map::Block, 2, 7);
        kvs.add(&mut a, Map::Block, 3, 10);
        kvs.add(&mut a, Map::Block, 2, 0);
        assert_eq!(kvs.entries(a, Map::Block), vec![(3, 20), (2, 7)]);
        assert_eq!(kvs.entries(a, Map::Range), vec![(1, 5)]);
        assert_eq!(kvs.entries(b, Map::Block), vec![(3, 1)]);
        assert_eq!(kvs.entries(NIL, Map::Block), vec![]);
    }
}
