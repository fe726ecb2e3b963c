//! The goroutine analysis without a heap allocation per goroutine: each
//! goroutine is a fixed-size record, its start function (name and PC) an
//! index into a table, its durations 32-bit (the rare longer or negative
//! ones aside), its block and range times a linked list in one shared
//! vector. A trace of millions of short goroutines keeps about 64 bytes per
//! goroutine instead of the ~270 of a [`GoroutineSummary`] (whose name is a
//! `String` and whose maps are `Vec`s); [`CompactSummary::expand`] makes the
//! [`Summary`] when it is wanted.

use super::{ExecStats, GoroutineSummary, NameId, RegionSummary, Summary, TaskSummary};
use crate::trace::Time;
use rustc_hash::FxHashMap;

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
    /// Items of freed lists, chained through `next`.
    free: u32,
}

impl Kvs {
    /// Gives the items of the list starting at `head` back for reuse.
    pub(super) fn free(&mut self, head: u32) {
        let mut cur = head;
        while cur != NIL {
            let next = self.items[cur as usize].next;
            self.items[cur as usize].next = self.free_head();
            self.free = cur + 1;
            cur = next;
        }
    }

    fn free_head(&self) -> u32 {
        self.free.wrapping_sub(1)
    }

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
        let kv = Kv {
            next: NIL,
            name,
            map,
            ns: d,
        };
        let i = if self.free_head() != NIL && self.free != 0 {
            let i = self.free_head();
            self.free = self.items[i as usize].next.wrapping_add(1);
            self.items[i as usize] = kv;
            i
        } else {
            self.items.push(kv);
            (self.items.len() - 1) as u32
        };
        if prev == NIL {
            *head = i;
        } else {
            self.items[prev as usize].next = i;
        }
    }

    /// The entries of `map` in the list starting at `head`.
    fn entries(&self, head: u32, map: Map) -> Vec<(NameId, i64)> {
        let mut out = Vec::new();
        self.entries_into(head, map, &mut out);
        out
    }

    /// [`Kvs::entries`] into `out` (cleared first).
    fn entries_into(&self, head: u32, map: Map, out: &mut Vec<(NameId, i64)>) {
        out.clear();
        let mut cur = head;
        while cur != NIL {
            let kv = &self.items[cur as usize];
            if kv.map == map {
                out.push((kv.name, kv.ns));
            }
            cur = kv.next;
        }
    }
}

/// The durations of [`CStats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Dur {
    /// `exec_ns`.
    Exec = 0,
    /// `sched_wait_ns`.
    SchedWait = 1,
    /// `syscall_ns`.
    Syscall = 2,
    /// `syscall_block_ns`.
    SyscallBlock = 3,
    /// `total_ns`.
    Total = 4,
    /// [`GRec`]'s start (see [`GRec::start`]).
    Start = 5,
    /// [`GRec`]'s end.
    End = 6,
}

/// [`CStats`] duration stored in [`Wide`].
const WIDE: u32 = u32::MAX;

/// The durations of goroutines' [`CStats`] that do not fit 32 bits
/// (longer than 4.3 s, or negative: Go's arithmetic wraps), by goroutine
/// record index and duration.
#[derive(Debug, Default)]
pub(super) struct Wide(FxHashMap<(u32, Dur), i64>);

impl Wide {
    /// Forgets the wide durations of record `g` (given to another goroutine).
    pub(super) fn forget(&mut self, g: u32) {
        if self.0.is_empty() {
            return;
        }
        for w in [
            Dur::Exec,
            Dur::SchedWait,
            Dur::Syscall,
            Dur::SyscallBlock,
            Dur::Total,
            Dur::Start,
            Dur::End,
        ] {
            self.0.remove(&(g, w));
        }
    }

    /// Moves the entries of record `from[k]` to record `k` (after the
    /// records were reordered so).
    pub(super) fn reorder(&mut self, from: &[u32]) {
        if self.0.is_empty() {
            return;
        }
        let mut to = vec![0u32; from.len()];
        for (k, &f) in from.iter().enumerate() {
            to[f as usize] = k as u32;
        }
        self.0 = self
            .0
            .drain()
            .map(|((g, d), v)| ((to[g as usize], d), v))
            .collect();
    }
}

/// [`ExecStats`] with 32-bit durations (see [`Wide`]) and its maps in [`Kvs`].
#[derive(Debug, Clone, Copy)]
pub(super) struct CStats {
    d: [u32; 5],
    /// First keyed duration.
    pub kv: u32,
}

impl Default for CStats {
    fn default() -> Self {
        CStats { d: [0; 5], kv: NIL }
    }
}

impl CStats {
    /// Duration `w` of the stats of record `g`.
    #[inline]
    pub(super) fn get(&self, wide: &Wide, g: u32, w: Dur) -> i64 {
        match self.d[w as usize] {
            WIDE => wide.0.get(&(g, w)).copied().unwrap_or(0),
            v => v as i64,
        }
    }

    /// Sets duration `w` of the stats of record `g`.
    #[inline]
    pub(super) fn set(&mut self, wide: &mut Wide, g: u32, w: Dur, v: i64) {
        let slot = &mut self.d[w as usize];
        if *slot == WIDE {
            wide.0.remove(&(g, w));
        }
        if (0..WIDE as i64).contains(&v) {
            *slot = v as u32;
        } else {
            *slot = WIDE;
            wide.0.insert((g, w), v);
        }
    }

    /// Adds `d` to duration `w` of the stats of record `g` (wrapping, as Go).
    #[inline]
    pub(super) fn add(&mut self, wide: &mut Wide, g: u32, w: Dur, d: i64) {
        let v = self.get(wide, g, w).wrapping_add(d);
        self.set(wide, g, w, v);
    }

    /// [`CStats::expand`] into `out`, reusing its buffers.
    pub(super) fn expand_into(&self, kvs: &Kvs, wide: &Wide, g: u32, out: &mut ExecStats) {
        out.exec_ns = self.get(wide, g, Dur::Exec);
        out.sched_wait_ns = self.get(wide, g, Dur::SchedWait);
        out.syscall_ns = self.get(wide, g, Dur::Syscall);
        out.syscall_block_ns = self.get(wide, g, Dur::SyscallBlock);
        out.total_ns = self.get(wide, g, Dur::Total);
        kvs.entries_into(self.kv, Map::Block, &mut out.block_ns);
        kvs.entries_into(self.kv, Map::Range, &mut out.range_ns);
    }

    /// The stats of record `g` as an [`ExecStats`].
    pub(super) fn expand(&self, kvs: &Kvs, wide: &Wide, g: u32) -> ExecStats {
        ExecStats {
            exec_ns: self.get(wide, g, Dur::Exec),
            sched_wait_ns: self.get(wide, g, Dur::SchedWait),
            syscall_ns: self.get(wide, g, Dur::Syscall),
            syscall_block_ns: self.get(wide, g, Dur::SyscallBlock),
            total_ns: self.get(wide, g, Dur::Total),
            block_ns: kvs.entries(self.kv, Map::Block),
            range_ns: kvs.entries(self.kv, Map::Range),
        }
    }
}

/// A [`GoroutineSummary`] with its name, regions and maps elsewhere.
#[derive(Debug, Clone, Copy)]
pub(super) struct GRec {
    pub id: i64,
    pub creation: Time,
    /// Start and end times: 0 for 0, else `1 + time - creation` ([`WIDE`]:
    /// in [`Wide`]).
    start_end: [u32; 2],
    /// Start function: index into [`CompactSummary::funcs`] (0: none yet).
    pub func: u32,
    /// Index into [`CompactSummary::region_lists`], [`NIL`] if none.
    pub regions: u32,
    pub stats: CStats,
}

impl GRec {
    /// A goroutine record with nothing but its ID and creation time.
    pub(super) fn new(id: i64, creation: Time) -> GRec {
        GRec {
            id,
            creation,
            start_end: [0; 2],
            func: 0,
            regions: NIL,
            stats: CStats::default(),
        }
    }

    fn time(&self, wide: &Wide, g: u32, w: Dur) -> Time {
        match self.start_end[w as usize - Dur::Start as usize] {
            0 => 0,
            WIDE => wide.0.get(&(g, w)).copied().unwrap_or(0),
            c => self.creation.wrapping_add((c - 1) as Time),
        }
    }

    fn set_time(&mut self, wide: &mut Wide, g: u32, w: Dur, t: Time) {
        let slot = &mut self.start_end[w as usize - Dur::Start as usize];
        if *slot == WIDE {
            wide.0.remove(&(g, w));
        }
        let d = t.wrapping_sub(self.creation);
        *slot = if t == 0 {
            0
        } else if (0..WIDE as i64 - 1).contains(&d) {
            d as u32 + 1
        } else {
            wide.0.insert((g, w), t);
            WIDE
        };
    }

    /// First time it ran (0 if never) of record `g`.
    pub(super) fn start(&self, wide: &Wide, g: u32) -> Time {
        self.time(wide, g, Dur::Start)
    }

    /// Sets the start time of record `g`.
    pub(super) fn set_start(&mut self, wide: &mut Wide, g: u32, t: Time) {
        self.set_time(wide, g, Dur::Start, t);
    }

    /// Exit time (0 if it did not exit) of record `g`.
    pub(super) fn end(&self, wide: &Wide, g: u32) -> Time {
        self.time(wide, g, Dur::End)
    }

    /// Sets the end time of record `g`.
    pub(super) fn set_end(&mut self, wide: &mut Wide, g: u32, t: Time) {
        self.set_time(wide, g, Dur::End, t);
    }
}

/// The finished goroutine analysis in compact form.
#[derive(Debug, Default)]
pub struct CompactSummary {
    pub(super) names: Vec<String>,
    /// Start function names (index 0 is "").
    pub(super) gnames: Vec<String>,
    /// Start functions: (index into `gnames`, PC); index 0 is ("", 0).
    pub(super) funcs: Vec<(u32, u64)>,
    /// Goroutines sorted by ID.
    pub(super) gs: Vec<GRec>,
    pub(super) wide: Wide,
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
            + self.wide.0.capacity() * 24
            + self.kvs.items.capacity() * std::mem::size_of::<Kv>()
            + self
                .region_lists
                .iter()
                .map(|l| l.capacity() * 4 + 24)
                .sum::<usize>()
            + self.regions.capacity() * std::mem::size_of::<RegionSummary>()
    }

    /// Names of the block reasons and ranges, by [`NameId`].
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Go's ID of the `i`th goroutine (records are sorted by ID).
    pub fn id(&self, i: usize) -> i64 {
        self.gs[i].id
    }

    /// Start function of the `i`th goroutine.
    pub fn start_function(&self, i: usize) -> &str {
        &self.gnames[self.funcs[self.gs[i].func as usize].0 as usize]
    }

    /// When to show the `i`th goroutine: its first run, else its creation.
    pub fn shown_at(&self, i: usize) -> Time {
        let g = &self.gs[i];
        match g.start(&self.wide, i as u32) {
            0 => g.creation,
            t => t,
        }
    }

    /// The stats of the `i`th goroutine into `out` (its buffers reused).
    pub fn stats_into(&self, i: usize, out: &mut ExecStats) {
        self.gs[i]
            .stats
            .expand_into(&self.kvs, &self.wide, i as u32, out);
    }

    /// The `i`th goroutine's time blocked for reason `k` (`block`) or in
    /// range `k`, without making its [`ExecStats`].
    pub fn keyed_ns(&self, i: usize, block: bool, k: NameId) -> i64 {
        let map = if block { Map::Block } else { Map::Range };
        let mut cur = self.gs[i].stats.kv;
        while cur != NIL {
            let kv = &self.kvs.items[cur as usize];
            if kv.map == map && kv.name == k {
                return kv.ns;
            }
            cur = kv.next;
        }
        0
    }

    /// The `i`th goroutine's time running, waiting for a P, in syscalls,
    /// blocked in syscalls and in all, in that order.
    pub fn durations(&self, i: usize) -> [i64; 5] {
        let (st, w, g) = (&self.gs[i].stats, &self.wide, i as u32);
        [
            st.get(w, g, Dur::Exec),
            st.get(w, g, Dur::SchedWait),
            st.get(w, g, Dur::Syscall),
            st.get(w, g, Dur::SyscallBlock),
            st.get(w, g, Dur::Total),
        ]
    }

    /// The block reasons and ranges some goroutine spent time in.
    pub fn keys_used(&self) -> (Vec<NameId>, Vec<NameId>) {
        let (mut block, mut ranges) = (Vec::new(), Vec::new());
        for g in &self.gs {
            let mut cur = g.stats.kv;
            while cur != NIL {
                let kv = &self.kvs.items[cur as usize];
                let keys = match kv.map {
                    Map::Block => &mut block,
                    Map::Range => &mut ranges,
                };
                if kv.ns != 0 && !keys.contains(&kv.name) {
                    keys.push(kv.name);
                }
                cur = kv.next;
            }
        }
        (block, ranges)
    }

    /// The analysis as a [`Summary`].
    pub fn expand(&self) -> Summary {
        let goroutines = self
            .gs
            .iter()
            .enumerate()
            .map(|(i, g)| GoroutineSummary {
                id: g.id,
                name: self.gnames[self.funcs[g.func as usize].0 as usize].clone(),
                pc: self.funcs[g.func as usize].1,
                creation: g.creation,
                start: g.start(&self.wide, i as u32),
                end: g.end(&self.wide, i as u32),
                regions: match g.regions {
                    NIL => Vec::new(),
                    r => self.region_lists[r as usize].clone(),
                },
                stats: g.stats.expand(&self.kvs, &self.wide, i as u32),
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
    fn durations_and_times_round_trip_through_32_bits() {
        let mut wide = Wide::default();
        let creation = 5_000_000_000;
        let mut recs = [GRec::new(1, creation), GRec::new(2, -7)];
        let values = [
            0,
            1,
            -1,
            (1 << 32) - 2,
            (1 << 32) - 1,
            1 << 32,
            i64::MAX,
            i64::MIN,
            12_345,
        ];
        let durs = [
            Dur::Exec,
            Dur::SchedWait,
            Dur::Syscall,
            Dur::SyscallBlock,
            Dur::Total,
        ];
        for &v in &values {
            for (g, r) in recs.iter_mut().enumerate() {
                let g = g as u32;
                for &d in &durs {
                    r.stats.set(&mut wide, g, d, v);
                    assert_eq!(r.stats.get(&wide, g, d), v);
                    r.stats.add(&mut wide, g, d, 3);
                    assert_eq!(r.stats.get(&wide, g, d), v.wrapping_add(3));
                }
                for t in [v, r.creation, r.creation.wrapping_add(v)] {
                    r.set_start(&mut wide, g, t);
                    r.set_end(&mut wide, g, t.wrapping_sub(1));
                    assert_eq!(r.start(&wide, g), t);
                    assert_eq!(r.end(&wide, g), t.wrapping_sub(1));
                }
            }
        }
        // Narrow values leave nothing aside.
        for (g, r) in recs.iter_mut().enumerate() {
            for &d in &durs {
                r.stats.set(&mut wide, g as u32, d, 7);
            }
            r.set_start(&mut wide, g as u32, 0);
            r.set_end(&mut wide, g as u32, r.creation + 10);
        }
        assert!(wide.0.is_empty());
        // Reordering records moves what is aside with them.
        recs[0].stats.set(&mut wide, 0, Dur::Total, -5);
        recs[1].set_end(&mut wide, 1, i64::MIN);
        recs.swap(0, 1);
        wide.reorder(&[1, 0]);
        assert_eq!(recs[1].stats.get(&wide, 1, Dur::Total), -5);
        assert_eq!(recs[0].end(&wide, 0), i64::MIN);
        assert_eq!(recs[0].stats.get(&wide, 0, Dur::Total), 7);
    }

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
