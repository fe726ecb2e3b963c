//! Flows (arrows between goroutines: creations, unblocks, syscall exits).
//!
//! A creation is not stored: the goroutine table has its creator, time and
//! stack, and a per-creator list of children finds a goroutine's creations.
//! The other flows are stored struct-of-arrays, in the order they happened,
//! with two indexes: by target and by source.

use super::column::{Codes, KeyTable, TimeColumn};
use super::strings::StackId;
use super::{GIdx, Goroutines, Trace};
use crate::trace::Time;
use rustc_hash::FxHashMap;

/// Kinds of arrows between goroutines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum FlowKind {
    /// A goroutine created another.
    Create = 0,
    /// A goroutine (or the runtime) unblocked another.
    Unblock = 1,
    /// A goroutine left a blocking syscall and waited for a P.
    SyscallExit = 2,
}

/// An arrow: from a goroutine at one time to another at (maybe) a later time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    /// Kind.
    pub kind: FlowKind,
    /// Source goroutine (`None` if the runtime, e.g. the netpoller).
    pub from: Option<GIdx>,
    /// Time at the source.
    pub from_time: Time,
    /// Target goroutine.
    pub to: GIdx,
    /// Time at the target: when it next ran (or `from_time` if it never did).
    pub to_time: Time,
    /// For unblocks: index of the reason the target was waiting for.
    pub reason: u16,
    /// Stack at the source.
    pub stack: StackId,
}

/// What a stored flow is apart from its goroutines and times, as a
/// [`KeyTable`] key.
#[inline]
fn pack(kind: FlowKind, reason: u16, stack: StackId) -> u64 {
    (kind as u64) << 48 | (reason as u64) << 32 | stack as u64
}

/// [`pack`] undone.
#[inline]
fn unpack(k: u64) -> (FlowKind, u16, StackId) {
    let kind = match k >> 48 {
        0 => FlowKind::Create,
        1 => FlowKind::Unblock,
        _ => FlowKind::SyscallExit,
    };
    (kind, (k >> 32) as u16, k as StackId)
}

/// [`Flows`]: a wait that does not fit 32 bits; the target time is in `late`.
const LATE: u32 = u32::MAX;

/// A flow's source as stored: its goroutine's index, the runtime's after
/// every goroutine's (so that sorted by source, its flows come last).
#[inline]
fn source_key(g: Option<GIdx>) -> u32 {
    g.map_or(u32::MAX, |g| g.ix() as u32)
}

/// [`source_key`] undone.
#[inline]
fn source_of(k: u32) -> Option<GIdx> {
    (k != u32::MAX).then(|| GIdx::at(k as usize))
}

/// The flows of a trace (see the module documentation). About 25 bytes a
/// stored flow, nothing per creation beyond 4 bytes in the children lists.
#[derive(Debug, Default, Clone)]
pub struct Flows {
    /// [`source_key`] of each flow's source.
    from: Vec<u32>,
    to: Vec<GIdx>,
    from_time: TimeColumn,
    /// `to_time - from_time` ([`LATE`]: see `late`).
    wait: Vec<u32>,
    /// `(index, to_time)` of the flows whose wait does not fit, by index.
    late: Vec<(u32, Time)>,
    /// Code of each flow's kind, reason and stack in `keys`.
    key: Codes,
    keys: KeyTable,
    /// Stored flow indexes sorted by (to, to_time), stably.
    by_target: Vec<u32>,
    /// Stored flow indexes sorted by (from, from_time), stably.
    by_source: Vec<u32>,
    /// Goroutines whose creation is a flow that is not stored (bit set).
    derived: Vec<u64>,
    /// `(creator, first index in children)` of each goroutine that created
    /// others (derived creations), by creator: `children` from there to the
    /// next entry's first index (or the end) are the goroutines it created,
    /// by creation time then index.
    children_index: Vec<(GIdx, u32)>,
    children: Vec<GIdx>,
    /// `(g, creator, create stack)` of the original creation of goroutines
    /// created again later (the goroutine table has the last one), by `g`.
    recreated: Vec<(GIdx, Option<GIdx>, StackId)>,
    /// `(child, stored flows before its creation)` for the derived creations
    /// that happened at the same time as a stored flow of the same source,
    /// to keep the order in which they happened; by child.
    create_ties: Vec<(GIdx, u32)>,
}

impl Flows {
    /// Number of stored flows (creations of goroutines not counted).
    pub fn stored_len(&self) -> usize {
        self.from.len()
    }

    /// Stores a flow; returns its index.
    pub(crate) fn push(&mut self, f: Flow) -> u32 {
        let i = self.from.len() as u32;
        let code = self.keys.code(pack(f.kind, f.reason, f.stack));
        self.from.push(source_key(f.from));
        self.to.push(f.to);
        self.from_time.push(f.from_time);
        self.key.push(code);
        self.wait.push(0);
        if f.to_time != f.from_time {
            self.set_to_time(i, f.to_time);
        }
        i
    }

    /// Sets the target time of stored flow `i` (once after [`Flows::push`]).
    pub(crate) fn set_to_time(&mut self, i: u32, t: Time) {
        let w = t.wrapping_sub(self.from_time.get(i as usize));
        if (0..LATE as i64).contains(&w) {
            self.wait[i as usize] = w as u32;
        } else {
            self.wait[i as usize] = LATE;
            self.late.push((i, t));
        }
    }

    /// Target time of stored flow `i`.
    #[inline]
    fn to_time(&self, i: usize) -> Time {
        match self.wait[i] {
            LATE => {
                let k = self.late.partition_point(|&(j, _)| (j as usize) < i);
                self.late[k].1
            }
            w => self.from_time.get(i) + w as Time,
        }
    }

    /// Stored flow `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Flow {
        let (kind, reason, stack) = unpack(self.keys.key(self.key.get(i)));
        Flow {
            kind,
            from: source_of(self.from[i]),
            from_time: self.from_time.get(i),
            to: self.to[i],
            to_time: self.to_time(i),
            reason,
            stack,
        }
    }

    /// Whether goroutine `g`'s creation is a derived (not stored) flow.
    #[inline]
    fn is_derived(&self, g: GIdx) -> bool {
        let (w, b) = (g.ix() / 64, g.ix() % 64);
        self.derived.get(w).is_some_and(|x| x >> b & 1 == 1)
    }

    /// The goroutines `g` created, if their creations are derived.
    fn children_of(&self, g: GIdx) -> &[GIdx] {
        let Ok(k) = self.children_index.binary_search_by_key(&g, |e| e.0) else {
            return &[];
        };
        let a = self.children_index[k].1 as usize;
        let b = self
            .children_index
            .get(k + 1)
            .map_or(self.children.len(), |e| e.1 as usize);
        &self.children[a..b]
    }

    /// Stored flows before the derived creation of `child`, if recorded.
    fn stored_before(&self, child: GIdx) -> Option<u32> {
        let k = self.create_ties.partition_point(|&(c, _)| c < child);
        self.create_ties
            .get(k)
            .filter(|e| e.0 == child)
            .map(|e| e.1)
    }

    /// Approximate heap bytes used.
    pub fn heap_bytes(&self) -> usize {
        (self.from.capacity() + self.to.capacity() + self.wait.capacity()) * 4
            + self.from_time.heap_bytes()
            + self.late.capacity() * 16
            + self.key.heap_bytes()
            + self.keys.heap_bytes()
            + (self.by_target.capacity() + self.by_source.capacity()) * 4
            + self.derived.capacity() * 8
            + self.children_index.capacity() * 8
            + self.children.capacity() * 4
            + self.recreated.capacity() * 12
            + self.create_ties.capacity() * 8
    }
}

/// What building flows needs besides [`Flows`]: the derived creations.
#[derive(Debug, Default)]
pub(crate) struct FlowsBuild {
    /// The flows.
    pub flows: Flows,
    /// Per goroutine: 1 + the number of stored flows before its derived
    /// creation, or [`NOT_DERIVED`] (narrow codes: an overview stores no
    /// flows, so these are all 0 or 1).
    stored_before: Codes,
    /// Original creator and stack of goroutines created again.
    recreated: FxHashMap<GIdx, (Option<GIdx>, StackId)>,
}

/// [`FlowsBuild::stored_before`] of a goroutine whose creation is stored, or
/// that has none.
const NOT_DERIVED: u32 = 0;

impl FlowsBuild {
    /// Registers a new goroutine (index `g`, the next one).
    pub fn new_goroutine(&mut self, g: GIdx) {
        debug_assert_eq!(g.ix(), self.stored_before.len());
        self.stored_before.push(NOT_DERIVED);
    }

    /// Goroutine `g` was created, with the creation flow `f` if its creator
    /// is known. `first`: the goroutine is new (its creation time in the
    /// table is this flow's time); its creation flow is then derived from
    /// the goroutine table, which must hold its creator and stack until it
    /// is created again. `old` is the table's creator and creation stack
    /// before this creation.
    pub fn create(&mut self, g: GIdx, first: bool, old: (Option<GIdx>, StackId), f: Option<Flow>) {
        let gi = g.ix();
        if first {
            if f.is_some() {
                self.stored_before
                    .set(gi, self.flows.stored_len() as u32 + 1);
            }
            return;
        }
        if self.stored_before.get(gi) != NOT_DERIVED {
            self.recreated.entry(g).or_insert(old);
        }
        if let Some(f) = f {
            self.flows.push(f);
        }
    }

    /// Finishes the flows of `creator` (the creator of each goroutine, as in
    /// the goroutine table) and `created` (their creation times).
    // N.B. over 80 lines: one pass per kind of flow, each needing the sorted
    // indexes the one before it made; they share those buffers.
    pub fn finish(mut self, creator: &[Option<GIdx>], created: &dyn Fn(GIdx) -> Time) -> Flows {
        let n = creator.len();
        let mut f = std::mem::take(&mut self.flows);
        f.late.sort_unstable_by_key(|&(i, _)| i);
        f.keys.freeze();
        let by_target = sorted_by_g_time(n, f.to.len(), |i| f.to[i].ix() as u32, |i| f.to_time(i));
        let by_source = sorted_by_g_time(n, f.from.len(), |i| f.from[i], |i| f.from_time.get(i));
        f.by_target = by_target;
        f.by_source = by_source;
        let mut recreated: Vec<_> = self
            .recreated
            .into_iter()
            .map(|(g, (c, s))| (g, c, s))
            .collect();
        recreated.sort_unstable();
        let orig_creator = |g: usize| match recreated.binary_search_by_key(&GIdx::at(g), |e| e.0) {
            Ok(k) => recreated[k].1,
            Err(_) => creator[g],
        };
        // Children lists: a counting sort by creator, over the creators
        // that have children (few, usually: no array per goroutine).
        let is_derived = |g: usize| self.stored_before.get(g) != NOT_DERIVED;
        let mut derived = vec![0u64; n.div_ceil(64)];
        let mut counts: FxHashMap<GIdx, u32> = FxHashMap::default();
        let mut last: Option<(GIdx, u32)> = None;
        for g in 0..n {
            // A derived creation always has a creator (its flow was given).
            if let (true, Some(c)) = (is_derived(g), orig_creator(g)) {
                derived[g / 64] |= 1 << (g % 64);
                match &mut last {
                    Some((lc, k)) if *lc == c => *k += 1,
                    _ => {
                        if let Some((lc, k)) = last {
                            *counts.entry(lc).or_default() += k;
                        }
                        last = Some((c, 1));
                    }
                }
            }
        }
        if let Some((lc, k)) = last {
            *counts.entry(lc).or_default() += k;
        }
        let mut index: Vec<(GIdx, u32)> = counts.keys().map(|&c| (c, 0)).collect();
        index.sort_unstable();
        let mut next: FxHashMap<GIdx, u32> = FxHashMap::default();
        let mut total = 0u32;
        for e in &mut index {
            e.1 = total;
            next.insert(e.0, total);
            total += counts[&e.0];
        }
        drop(counts);
        let mut children = vec![GIdx::at(0); total as usize];
        let mut cache: Option<(GIdx, u32)> = None;
        for g in 0..n {
            if let (true, Some(c)) = (is_derived(g), orig_creator(g)) {
                let slot = match cache {
                    Some((cc, s)) if cc == c => s,
                    _ => {
                        if let Some((cc, s)) = cache {
                            next.insert(cc, s);
                        }
                        next[&c]
                    }
                };
                children[slot as usize] = GIdx::at(g);
                cache = Some((c, slot + 1));
            }
        }
        drop(next);
        let mut ties = Vec::new();
        let mut src = 0;
        for (k, &(w, a)) in index.iter().enumerate() {
            let b = index.get(k + 1).map_or(children.len(), |e| e.1 as usize);
            let kids = &mut children[a as usize..b];
            if !kids.is_sorted_by_key(|&c| created(c)) {
                kids.sort_by_key(|&c| created(c));
            }
            // Stored flows of the same source at the same time as a
            // creation: remember the creation's place among them.
            let w = source_key(Some(w));
            while src < f.by_source.len() && f.from[f.by_source[src] as usize] < w {
                src += 1;
            }
            let mut k = 0;
            while src < f.by_source.len() && f.from[f.by_source[src] as usize] == w {
                let t = f.from_time.get(f.by_source[src] as usize);
                while k < kids.len() && created(kids[k]) < t {
                    k += 1;
                }
                let mut j = k;
                while j < kids.len() && created(kids[j]) == t {
                    let before = self.stored_before.get(kids[j].ix()) - 1;
                    ties.push((kids[j], before));
                    j += 1;
                }
                src += 1;
            }
        }
        ties.sort_unstable();
        ties.dedup();
        f.derived = derived;
        f.children_index = index;
        f.children = children;
        f.recreated = recreated;
        f.create_ties = ties;
        f.from.shrink_to_fit();
        f.to.shrink_to_fit();
        f.wait.shrink_to_fit();
        f.key.shrink_to_fit();
        f.from_time.shrink_to_fit();
        f
    }
}

/// The indexes `0..len` stably sorted by (goroutine, time) given by
/// `g_of` and `time_of`, for `n` goroutines: a counting sort by goroutine,
/// then a sort by time of each goroutine's items (nearly always sorted
/// already, items coming in time order).
pub(crate) fn sorted_by_g_time(
    n: usize,
    len: usize,
    g_of: impl Fn(usize) -> u32,
    time_of: impl Fn(usize) -> Time,
) -> Vec<u32> {
    if len < n / 8 {
        // Few items for many goroutines: no array per goroutine. A stable
        // sort by (goroutine, time) orders them as the buckets below do.
        let mut out: Vec<u32> = (0..len as u32).collect();
        out.sort_by_key(|&i| (g_of(i as usize), time_of(i as usize)));
        return out;
    }
    // Bucket `n` takes the goroutine-less items (the runtime's sources)
    // and any other index out of range, sorted by the whole key below.
    let bucket = |g: u32| (g as usize).min(n);
    // One array of bucket bounds, no copy of it as cursors (it has an
    // entry per goroutine: 104 MB on a trace of 26 M goroutines, at the
    // load's peak): `bound[b + 1]` counts bucket `b`, then is the end of
    // bucket `b`, then (items placed from the back) its start.
    let mut bound = vec![0u32; n + 2];
    for i in 0..len {
        bound[bucket(g_of(i)) + 1] += 1;
    }
    for b in 1..bound.len() {
        bound[b] += bound[b - 1];
    }
    let mut out = vec![0u32; len];
    for i in (0..len).rev() {
        let b = bucket(g_of(i));
        bound[b + 1] -= 1;
        out[bound[b + 1] as usize] = i as u32;
    }
    for b in 0..=n {
        let end = bound.get(b + 2).map_or(len, |&e| e as usize);
        let items = &mut out[bound[b + 1] as usize..end];
        let mut prev = (0, Time::MIN);
        let sorted = items.iter().all(|&i| {
            let k = (g_of(i as usize), time_of(i as usize));
            let ok = k >= prev;
            prev = k;
            ok
        });
        if !sorted {
            items.sort_by_key(|&i| (g_of(i as usize), time_of(i as usize)));
        }
    }
    out
}

impl Flows {
    /// The creation of `g` as a flow, if it is derived (not stored).
    fn derived_creation(&self, gs: &Goroutines, g: GIdx) -> Option<Flow> {
        if !self.is_derived(g) {
            return None;
        }
        let (from, stack) = match self.recreated.binary_search_by_key(&g, |e| e.0) {
            Ok(k) => (self.recreated[k].1, self.recreated[k].2),
            Err(_) => (gs.creator[g.ix()], gs.create_stack(g)),
        };
        Some(Flow {
            kind: FlowKind::Create,
            from,
            from_time: gs.created(g),
            to: g,
            to_time: gs.created(g),
            reason: 0,
            stack,
        })
    }

    /// Stored flow indexes in `index` (sorted by goroutine) whose goroutine
    /// (by `which`) is `g`.
    fn stored_of<'a, K: Ord + Copy>(index: &'a [u32], which: &[K], g: K) -> &'a [u32] {
        let a = index.partition_point(|&i| which[i as usize] < g);
        let b = a + index[a..].partition_point(|&i| which[i as usize] <= g);
        &index[a..b]
    }

    /// Flows whose target is `g` (see [`Trace::flows_into`]); `gs` is the
    /// goroutine table they were built with.
    pub fn into_g<'a>(&'a self, gs: &'a Goroutines, g: GIdx) -> impl Iterator<Item = Flow> + 'a {
        let stored = Self::stored_of(&self.by_target, &self.to, g);
        // A derived creation is the first flow into its goroutine.
        let create = self.derived_creation(gs, g);
        let split = create.map_or(stored.len(), |c| {
            stored.partition_point(|&i| self.to_time(i as usize) < c.to_time)
        });
        let get = move |&i: &u32| self.get(i as usize);
        stored[..split]
            .iter()
            .map(get)
            .chain(create)
            .chain(stored[split..].iter().map(get))
    }

    /// Flows whose source is `g` (see [`Trace::flows_from`]); `gs` is the
    /// goroutine table they were built with.
    pub fn from_g<'a>(&'a self, gs: &'a Goroutines, g: GIdx) -> impl Iterator<Item = Flow> + 'a {
        let mut stored = Self::stored_of(&self.by_source, &self.from, source_key(Some(g)))
            .iter()
            .peekable();
        let mut kids = self.children_of(g).iter().peekable();
        std::iter::from_fn(move || {
            let take_kid = match (kids.peek(), stored.peek()) {
                (None, None) => return None,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some(&&c), Some(&&i)) => {
                    let (tc, ts) = (gs.created(c), self.from_time.get(i as usize));
                    tc < ts || (tc == ts && self.stored_before(c).is_some_and(|b| b <= i))
                }
            };
            if take_kid {
                let c = *kids.next()?;
                self.derived_creation(gs, c)
            } else {
                stored.next().map(|&i| self.get(i as usize))
            }
        })
    }

    /// Number of flows, creations included.
    pub fn len(&self) -> usize {
        self.stored_len() + self.children.len()
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Trace {
    /// Flows whose target is `g`, by target time (in the order they
    /// happened for equal times).
    pub fn flows_into(&self, g: GIdx) -> impl Iterator<Item = Flow> + '_ {
        self.flows.into_g(&self.goroutines, g)
    }

    /// Flows whose source is `g`, by source time (in the order they
    /// happened for equal times).
    pub fn flows_from(&self, g: GIdx) -> impl Iterator<Item = Flow> + '_ {
        self.flows.from_g(&self.goroutines, g)
    }

    /// The unblock that made `g` runnable at time `t` (start of a runnable span).
    pub fn unblocked_by(&self, g: GIdx, t: Time) -> Option<Flow> {
        self.flows_into(g)
            .find(|f| f.kind == FlowKind::Unblock && f.from_time == t)
    }
}

impl Flows {
    /// Every flow of this model (creations included) with its goroutines
    /// renamed by `map` (indexes of `gs`, the table the flows were built
    /// with, to another table's; `None` drops a flow's end), all stored:
    /// a detail tile's flows in the whole trace's goroutine indexes.
    pub(crate) fn remapped(&self, gs: &Goroutines, map: &[Option<GIdx>]) -> Flows {
        let rename = |g: GIdx| map.get(g.ix()).copied().flatten();
        let mut all: Vec<Flow> = (0..self.stored_len()).map(|i| self.get(i)).collect();
        all.extend(gs.indexes().filter_map(|g| self.derived_creation(gs, g)));
        all.sort_by_key(|f| f.from_time);
        let mut b = FlowsBuild::default();
        for mut f in all {
            f.from = f.from.and_then(rename);
            if let Some(to) = rename(f.to) {
                f.to = to;
                b.flows.push(f);
            }
        }
        b.finish(&[], &|_| 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counting_sort_orders_as_a_stable_sort_by_goroutine_and_time() {
        let mut x = 7u64;
        let mut rnd = |n: u64| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            (x >> 33) % n
        };
        // Goroutines 0..50, some items out of range (the runtime's), times
        // with ties and out of order.
        let items: Vec<(u32, Time)> = (0..2000)
            .map(|_| {
                let g = if rnd(10) == 0 {
                    u32::MAX
                } else {
                    rnd(50) as u32
                };
                (g, rnd(300) as Time)
            })
            .collect();
        let got = sorted_by_g_time(50, items.len(), |i| items[i].0, |i| items[i].1);
        let mut want: Vec<u32> = (0..items.len() as u32).collect();
        want.sort_by_key(|&i| items[i as usize]);
        assert_eq!(got, want);
    }

    /// The flows as they were stored before creations were derived: every
    /// flow in the order it happened, sorted stably by goroutine and time.
    struct Reference(Vec<Flow>);

    impl Reference {
        fn flows_into(&self, g: GIdx) -> Vec<Flow> {
            let mut v: Vec<Flow> = self.0.iter().filter(|f| f.to == g).copied().collect();
            v.sort_by_key(|f| f.to_time);
            v
        }
        fn flows_from(&self, g: GIdx) -> Vec<Flow> {
            let mut v: Vec<Flow> = self
                .0
                .iter()
                .filter(|f| f.from == Some(g))
                .copied()
                .collect();
            v.sort_by_key(|f| f.from_time);
            v
        }
    }

    /// Runs a pseudo-random mix of creations (some of goroutines created
    /// before), unblocks and syscall exits with many equal times, times
    /// going backwards and waits too long for 32 bits, through
    /// [`FlowsBuild`] and the reference, and compares every goroutine's
    /// flows both ways.
    fn check(seed: u64, ops: usize) {
        let mut x = seed;
        let mut rnd = |n: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % n
        };
        let mut b = FlowsBuild::default();
        let mut gs = Goroutines::default();
        let mut all: Vec<Flow> = Vec::new();
        let mut pending: Vec<(u32, usize)> = Vec::new();
        let mut now: Time = 1000;
        for _ in 0..ops {
            now += rnd(3) as Time - (rnd(10) == 0) as Time * 5;
            let n = gs.id.len() as u64;
            match rnd(10) {
                0..=3 => {
                    let first = n == 0 || rnd(8) != 0;
                    let g = if first {
                        let g = gs.push_new(n as i64, now);
                        b.new_goroutine(g);
                        g
                    } else {
                        GIdx::at(rnd(n) as usize)
                    };
                    let creator = match rnd(5) {
                        0 => None,
                        _ if n == 0 => None,
                        _ => Some(GIdx::at(rnd(n) as usize)),
                    };
                    let old = (gs.creator[g.ix()], gs.create_stack(g));
                    gs.set_creation(g.ix(), creator, rnd(4) as StackId, 0);
                    let f = creator.map(|creator| Flow {
                        kind: FlowKind::Create,
                        from: Some(creator),
                        from_time: now,
                        to: g,
                        to_time: now,
                        reason: 0,
                        stack: gs.create_stack(g),
                    });
                    all.extend(f);
                    b.create(g, first, old, f);
                }
                4..=8 if n > 0 => {
                    let to = GIdx::at(rnd(n) as usize);
                    let from = if rnd(4) == 0 {
                        None
                    } else {
                        Some(GIdx::at(rnd(n) as usize))
                    };
                    let f = Flow {
                        kind: if rnd(3) == 0 {
                            FlowKind::SyscallExit
                        } else {
                            FlowKind::Unblock
                        },
                        from,
                        from_time: now,
                        to,
                        to_time: now,
                        reason: rnd(3) as u16,
                        stack: rnd(5) as StackId,
                    };
                    let i = b.flows.push(f);
                    all.push(f);
                    pending.push((i, all.len() - 1));
                }
                _ => {
                    if let Some((i, k)) = pending.pop() {
                        let t = now + if rnd(4) == 0 { 1 << 33 } else { rnd(4) as Time };
                        b.flows.set_to_time(i, t);
                        all[k].to_time = t;
                    }
                }
            }
        }
        let flows = b.finish(&gs.creator, &|g| gs.created(g));
        let r = Reference(all);
        assert_eq!(flows.len(), r.0.len());
        for g in gs.indexes() {
            assert_eq!(
                flows.into_g(&gs, g).collect::<Vec<_>>(),
                r.flows_into(g),
                "into {g}, seed {seed}"
            );
            assert_eq!(
                flows.from_g(&gs, g).collect::<Vec<_>>(),
                r.flows_from(g),
                "from {g}, seed {seed}"
            );
        }
    }

    #[test]
    fn derived_creations_keep_the_stored_order() {
        for seed in 0..200 {
            check(seed, 300);
        }
        check(7, 20_000);
    }
}
