//! Merging the per-proc batches of a v1 trace into one ordered stream (Go's
//! `tracev1/order.go` and `parseEventBatches`): events of one proc are in
//! order; across procs, an event is merged once the goroutine state it
//! expects is reached (by sequence number and status), earliest timestamp
//! first. Then the syscall-exit timestamps are fixed and the stream re-sorted.

use super::events::{ev, EvStore, RawEv};
use super::idmap::IdMap;
use super::parser::{Parser, TIME_ORDER};
use crate::trace::error::{trace_err, Result};

const DEAD: u8 = 0;
const RUNNABLE: u8 = 1;
const RUNNING: u8 = 2;
const WAITING: u8 = 3;

/// The goroutine key of events with no ordering requirement.
const UNORDERED: u64 = u64::MAX;
/// The key of the GC sequence (GCStart events are ordered by it).
const GARBAGE: u64 = u64::MAX - 1;
/// "Any sequence number" (init) / "keep the sequence number" (next).
const NOSEQ: u64 = u64::MAX;
/// "Increment the sequence number" (next).
const SEQINC: u64 = u64::MAX - 1;

/// What the merge knows of a goroutine (plus its last syscall block time,
/// for the syscall-exit fix that follows in the same order).
#[derive(Clone, Copy, Default, Debug)]
struct GState {
    seq: u64,
    status: u8,
    sys_block: i64,
}

/// (sequence, status) a goroutine must be in / will be in.
type SeqStatus = (u64, u8);

/// Go's `stateTransition`: the goroutine an event orders on, the state it
/// needs to be merged, and the state after it.
fn state_transition(e: &RawEv) -> (u64, SeqStatus, SeqStatus) {
    let a = &e.args;
    match e.typ {
        ev::GO_CREATE => (a[0], (0, DEAD), (1, RUNNABLE)),
        ev::GO_WAITING | ev::GO_IN_SYSCALL => (e.g, (1, RUNNABLE), (2, WAITING)),
        ev::GO_START | ev::GO_START_LABEL => {
            (e.g, (a[1], RUNNABLE), (a[1].wrapping_add(1), RUNNING))
        }
        ev::GO_START_LOCAL => (e.g, (NOSEQ, RUNNABLE), (SEQINC, RUNNING)),
        t if ev::blocks_goroutine(t) || t == ev::GO_SYS_BLOCK => {
            (e.g, (NOSEQ, RUNNING), (NOSEQ, WAITING))
        }
        ev::GO_SCHED | ev::GO_PREEMPT => (e.g, (NOSEQ, RUNNING), (NOSEQ, RUNNABLE)),
        ev::GO_UNBLOCK | ev::GO_SYS_EXIT => {
            (a[0], (a[1], WAITING), (a[1].wrapping_add(1), RUNNABLE))
        }
        ev::GO_UNBLOCK_LOCAL | ev::GO_SYS_EXIT_LOCAL => {
            (a[0], (NOSEQ, WAITING), (SEQINC, RUNNABLE))
        }
        ev::GC_START => (GARBAGE, (a[0], DEAD), (a[0].wrapping_add(1), DEAD)),
        _ => (UNORDERED, (0, 0), (0, 0)),
    }
}

#[inline]
fn ready(g: u64, cur: &GState, init: SeqStatus) -> bool {
    g == UNORDERED || ((init.0 == NOSEQ || init.0 == cur.seq) && init.1 == cur.status)
}

/// One source of events: a proc's batches (loaded one at a time), or the
/// CPU samples (then any batches sharing their pseudo-proc ID).
struct Proc {
    list: Option<usize>,
    buf: Vec<RawEv>,
    pos: usize,
    done: bool,
}

impl Proc {
    /// Loads the proc's next batch when its events are used up; false when
    /// it has no more.
    #[inline]
    fn refill(&mut self, p: &mut Parser<'_>) -> Result<bool> {
        while self.pos == self.buf.len() {
            self.pos = 0;
            let loaded = match self.list {
                Some(li) => p.load_batch(li, &mut self.buf)?,
                None => {
                    self.buf.clear();
                    false
                }
            };
            if !loaded {
                self.done = true;
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Merges all batches into `store` in Go's order, then applies the
/// syscall-exit timestamp fix and its stable re-sort (timestamps in ticks).
pub(crate) fn merge(p: &mut Parser<'_>) -> Result<EvStore> {
    let mut procs = sources(p);
    let cap = (p.raw_events.saturating_mul(2) + 1024).min(1 << 24);
    let mut gs: IdMap<GState> = IdMap::new(cap);
    let mut store = EvStore::default();
    let mut available: Vec<usize> = (0..procs.len()).collect();
    let mut frontier = Frontier::default();
    let mut checks = StreamChecks {
        last_ts: i64::MIN,
        unsorted: false,
        fix_err: None,
        moved: Vec::new(),
    };
    loop {
        make_ready(p, &mut procs, &mut available, &gs, &mut frontier)?;
        let Some(pi) = frontier.pop() else {
            if procs.iter().any(|p| !p.done) {
                return Err(trace_err!("no consistent ordering of events possible"));
            }
            break;
        };
        let proc = &mut procs[pi];
        let mut e = proc.buf[proc.pos];
        proc.pos += 1;
        let (g, init, next) = state_transition(&e);
        e.typ = match e.typ {
            ev::GO_START_LOCAL => ev::GO_START,
            ev::GO_UNBLOCK_LOCAL => ev::GO_UNBLOCK,
            ev::GO_SYS_EXIT_LOCAL => ev::GO_SYS_EXIT,
            t => t,
        };
        checks.note(&e, &mut gs, store.len());
        store.push(&e)?;
        if g != UNORDERED {
            advance(gs.entry(g), g, init, next)?;
        }
        available.push(pi);
    }
    checks.finish(&mut store)?;
    Ok(store)
}

/// The sources of events: the procs in ascending ID order (Go's order is a
/// map's, i.e. random: the choice only matters between events with equal
/// timestamps), then the CPU samples, re-sorted by the time the signal
/// handler took them.
fn sources(p: &mut Parser<'_>) -> Vec<Proc> {
    let mut samples = std::mem::take(&mut p.cpu_samples);
    samples.sort_by_key(|e| e.ts);
    let mut order: Vec<usize> = (0..p.pids.len()).collect();
    order.sort_by_key(|&i| p.pids[i]);
    let mut procs: Vec<Proc> = order
        .into_iter()
        .map(|li| Proc {
            list: Some(li),
            buf: Vec::new(),
            pos: 0,
            done: false,
        })
        .collect();
    procs.push(Proc {
        list: p.profile_list(),
        buf: samples,
        pos: 0,
        done: false,
    });
    procs
}

/// Moves the procs of `available` whose next event is ready to the
/// frontier; procs with no events left leave `available` too.
#[inline]
fn make_ready(
    p: &mut Parser<'_>,
    procs: &mut [Proc],
    available: &mut Vec<usize>,
    gs: &IdMap<GState>,
    frontier: &mut Frontier,
) -> Result<()> {
    let mut i = 0;
    while i < available.len() {
        let pi = available[i];
        let proc = &mut procs[pi];
        if !proc.refill(p)? {
            available.swap_remove(i);
            continue;
        }
        let e = &proc.buf[proc.pos];
        let (g, init, _) = state_transition(e);
        if !ready(g, &gs.get(g), init) {
            i += 1;
            continue;
        }
        frontier.push(e.ts, pi);
        available.swap_remove(i);
    }
    Ok(())
}

/// Goroutine `g` (or the GC sequence) takes the state after its event.
#[inline]
fn advance(cur: &mut GState, g: u64, init: SeqStatus, next: SeqStatus) -> Result<()> {
    if !ready(g, cur, init) {
        return Err(trace_err!(
            "encountered impossible goroutine state transition"
        ));
    }
    cur.seq = match next.0 {
        NOSEQ => cur.seq,
        SEQINC => cur.seq.wrapping_add(1),
        s => s,
    };
    cur.status = next.1;
    Ok(())
}

/// What Go checks on the merged stream: sorted timestamps, then syscall
/// exits moved to their real time.
struct StreamChecks {
    last_ts: i64,
    unsorted: bool,
    /// The first problem found with a syscall exit's time.
    fix_err: Option<&'static str>,
    /// The real times of the syscall exits and their places in the store.
    moved: Vec<(i64, usize)>,
}

impl StreamChecks {
    /// Notes the merged event `e`, about to go at `index` of the store.
    #[inline]
    fn note(&mut self, e: &RawEv, gs: &mut IdMap<GState>, index: usize) {
        if e.ts < self.last_ts {
            self.unsorted = true;
        }
        self.last_ts = e.ts;
        match e.typ {
            ev::GO_SYS_BLOCK | ev::GO_IN_SYSCALL => gs.entry(e.g).sys_block = e.ts,
            ev::GO_SYS_EXIT if e.args[2] != 0 && self.fix_err.is_none() => {
                let ts = e.args[2] as i64;
                let block = gs.get(e.g).sys_block;
                if block == 0 {
                    self.fix_err = Some("stray syscall exit");
                } else if ts < block {
                    self.fix_err = Some(TIME_ORDER);
                } else {
                    self.moved.push((ts, index));
                }
            }
            _ => {}
        }
    }

    /// The first error Go would report, or the store with the syscall
    /// exits moved.
    fn finish(self, store: &mut EvStore) -> Result<()> {
        if self.unsorted {
            return Err(trace_err!("{TIME_ORDER}"));
        }
        if let Some(msg) = self.fix_err {
            return Err(trace_err!("{msg}"));
        }
        apply_moves(store, self.moved);
        Ok(())
    }
}

/// The procs whose next event is ready, as a min-heap on timestamps. This
/// is Go's own binary heap (`orderEventList`), so that events with equal
/// timestamps come out in the same order as in Go.
#[derive(Default)]
struct Frontier(Vec<(i64, usize)>);

impl Frontier {
    fn push(&mut self, ts: i64, proc: usize) {
        let h = &mut self.0;
        h.push((ts, proc));
        let mut j = h.len() - 1;
        while j > 0 {
            let i = (j - 1) / 2;
            if h[j].0 >= h[i].0 {
                break;
            }
            h.swap(i, j);
            j = i;
        }
    }

    fn pop(&mut self) -> Option<usize> {
        let h = &mut self.0;
        let n = h.len().checked_sub(1)?;
        h.swap(0, n);
        let mut i = 0;
        loop {
            let j1 = 2 * i + 1;
            if j1 >= n {
                break;
            }
            let mut j = j1;
            if j1 + 1 < n && h[j1 + 1].0 < h[j1].0 {
                j = j1 + 1;
            }
            if h[j].0 >= h[i].0 {
                break;
            }
            h.swap(i, j);
            i = j;
        }
        h.pop().map(|(_, p)| p)
    }
}

/// Gives syscall exits their real timestamps and restores the order Go's
/// stable sort by timestamp gives. When every exit moves earlier (always, in
/// real traces), this is an in-place merge from the back of the events that
/// stay with the moved ones, ties going to the earlier original position.
fn apply_moves(store: &mut EvStore, mut moved: Vec<(i64, usize)>) {
    if moved.is_empty() {
        return;
    }
    if moved.iter().any(|&(ts, i)| ts > store.get(i).ts) {
        stable_sort_all(store, &moved);
        return;
    }
    let mut holes: Vec<usize> = moved.iter().map(|&(_, i)| i).collect();
    holes.sort_unstable();
    moved.sort_unstable();
    let mut evs: Vec<_> = moved
        .iter()
        .map(|&(ts, i)| {
            let mut e = *store.get(i);
            e.ts = ts;
            e
        })
        .collect();
    let mut hp = holes.len();
    let mut r = store.len();
    let mut w = store.len();
    while let Some(&(mts, mi)) = moved.last() {
        while hp > 0 && holes[hp - 1] + 1 == r {
            hp -= 1;
            r -= 1;
        }
        w -= 1;
        if r > 0 && (store.get(r - 1).ts, r - 1) > (mts, mi) {
            let e = *store.get(r - 1);
            *store.get_mut(w) = e;
            r -= 1;
        } else {
            moved.pop();
            if let Some(e) = evs.pop() {
                *store.get_mut(w) = e;
            }
        }
    }
}

/// The general case of [`apply_moves`] (only malformed traces move an exit
/// later): a full stable sort.
fn stable_sort_all(store: &mut EvStore, moved: &[(i64, usize)]) {
    for &(ts, i) in moved {
        store.get_mut(i).ts = ts;
    }
    let mut all: Vec<_> = (0..store.len()).map(|i| *store.get(i)).collect();
    all.sort_by_key(|e| e.ts);
    for (i, e) in all.into_iter().enumerate() {
        *store.get_mut(i) = e;
    }
}
