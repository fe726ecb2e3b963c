//! The v1 wire event types (Go 1.11–1.21 runtimes), their descriptions, and
//! the two in-memory forms of a parsed v1 event: [`RawEv`] (Go's
//! `tracev1.Event`, used while reading and ordering batches) and the compact
//! [`Ev`] kept for the whole ordered trace in an [`EvStore`].

use crate::trace::error::{trace_err, Result};
use rustc_hash::FxHashMap;

/// Event type bytes of the v1 format (`runtime/trace.go` of Go 1.11–1.21).
pub(crate) mod ev {
    pub const NONE: u8 = 0;
    pub const BATCH: u8 = 1;
    pub const FREQUENCY: u8 = 2;
    pub const STACK: u8 = 3;
    pub const GOMAXPROCS: u8 = 4;
    pub const PROC_START: u8 = 5;
    pub const PROC_STOP: u8 = 6;
    pub const GC_START: u8 = 7;
    pub const GC_DONE: u8 = 8;
    pub const STW_START: u8 = 9;
    pub const STW_DONE: u8 = 10;
    pub const GC_SWEEP_START: u8 = 11;
    pub const GC_SWEEP_DONE: u8 = 12;
    pub const GO_CREATE: u8 = 13;
    pub const GO_START: u8 = 14;
    pub const GO_END: u8 = 15;
    pub const GO_STOP: u8 = 16;
    pub const GO_SCHED: u8 = 17;
    pub const GO_PREEMPT: u8 = 18;
    pub const GO_SLEEP: u8 = 19;
    pub const GO_BLOCK: u8 = 20;
    pub const GO_UNBLOCK: u8 = 21;
    pub const GO_BLOCK_SEND: u8 = 22;
    pub const GO_BLOCK_RECV: u8 = 23;
    pub const GO_BLOCK_SELECT: u8 = 24;
    pub const GO_BLOCK_SYNC: u8 = 25;
    pub const GO_BLOCK_COND: u8 = 26;
    pub const GO_BLOCK_NET: u8 = 27;
    pub const GO_SYS_CALL: u8 = 28;
    pub const GO_SYS_EXIT: u8 = 29;
    pub const GO_SYS_BLOCK: u8 = 30;
    pub const GO_WAITING: u8 = 31;
    pub const GO_IN_SYSCALL: u8 = 32;
    pub const HEAP_ALLOC: u8 = 33;
    pub const HEAP_GOAL: u8 = 34;
    pub const TIMER_GOROUTINE: u8 = 35;
    #[expect(
        dead_code,
        reason = "listed for completeness; Go rejects it when converting"
    )]
    pub const FUTILE_WAKEUP: u8 = 36;
    pub const STRING: u8 = 37;
    pub const GO_START_LOCAL: u8 = 38;
    pub const GO_UNBLOCK_LOCAL: u8 = 39;
    pub const GO_SYS_EXIT_LOCAL: u8 = 40;
    pub const GO_START_LABEL: u8 = 41;
    pub const GO_BLOCK_GC: u8 = 42;
    pub const GC_MARK_ASSIST_START: u8 = 43;
    pub const GC_MARK_ASSIST_DONE: u8 = 44;
    pub const USER_TASK_CREATE: u8 = 45;
    pub const USER_TASK_END: u8 = 46;
    pub const USER_REGION: u8 = 47;
    pub const USER_LOG: u8 = 48;
    pub const CPU_SAMPLE: u8 = 49;
    /// Number of event types.
    pub const COUNT: u8 = 50;

    /// Whether the event blocks the running goroutine until something
    /// unblocks it: a channel, select, lock, condition, the network, a
    /// sleep or a GC assist (one list for the parser, the ordering and
    /// the conversion; a blocking syscall is not in it).
    pub const fn blocks_goroutine(typ: u8) -> bool {
        matches!(
            typ,
            GO_BLOCK
                | GO_BLOCK_SEND
                | GO_BLOCK_RECV
                | GO_BLOCK_SELECT
                | GO_BLOCK_SYNC
                | GO_BLOCK_COND
                | GO_BLOCK_NET
                | GO_SLEEP
                | GO_BLOCK_GC
        )
    }
}

/// How a v1 event type is laid out (Go's `EventDescriptions`).
pub(crate) struct Desc {
    /// Go's name.
    pub name: &'static str,
    /// First trace version (1.N) with this event.
    pub min_version: u32,
    /// The last argument is a stack ID.
    pub stack: bool,
    /// Argument names (after the timestamp, before the stack).
    pub args: &'static [&'static str],
}

const fn d(
    name: &'static str,
    min_version: u32,
    stack: bool,
    args: &'static [&'static str],
) -> Desc {
    Desc {
        name,
        min_version,
        stack,
        args,
    }
}

/// Descriptions indexed by event type.
pub(crate) static DESCS: [Desc; ev::COUNT as usize] = [
    d("None", 5, false, &[]),
    d("Batch", 5, false, &["p", "ticks"]),
    d("Frequency", 5, false, &["freq"]),
    d("Stack", 5, false, &["id", "siz"]),
    d("Gomaxprocs", 5, true, &["procs"]),
    d("ProcStart", 5, false, &["thread"]),
    d("ProcStop", 5, false, &[]),
    d("GCStart", 5, true, &["seq"]),
    d("GCDone", 5, false, &[]),
    d("GCSTWStart", 5, false, &["kindid"]),
    d("GCSTWDone", 5, false, &[]),
    d("GCSweepStart", 5, true, &[]),
    d("GCSweepDone", 5, false, &["swept", "reclaimed"]),
    d("GoCreate", 5, true, &["g", "stack"]),
    d("GoStart", 5, false, &["g", "seq"]),
    d("GoEnd", 5, false, &[]),
    d("GoStop", 5, true, &[]),
    d("GoSched", 5, true, &[]),
    d("GoPreempt", 5, true, &[]),
    d("GoSleep", 5, true, &[]),
    d("GoBlock", 5, true, &[]),
    d("GoUnblock", 5, true, &["g", "seq"]),
    d("GoBlockSend", 5, true, &[]),
    d("GoBlockRecv", 5, true, &[]),
    d("GoBlockSelect", 5, true, &[]),
    d("GoBlockSync", 5, true, &[]),
    d("GoBlockCond", 5, true, &[]),
    d("GoBlockNet", 5, true, &[]),
    d("GoSysCall", 5, true, &[]),
    d("GoSysExit", 5, false, &["g", "seq", "ts"]),
    d("GoSysBlock", 5, false, &[]),
    d("GoWaiting", 5, false, &["g"]),
    d("GoInSyscall", 5, false, &["g"]),
    d("HeapAlloc", 5, false, &["mem"]),
    d("HeapGoal", 5, false, &["mem"]),
    d("TimerGoroutine", 5, false, &["g"]),
    d("FutileWakeup", 5, false, &[]),
    d("String", 7, false, &[]),
    d("GoStartLocal", 7, false, &["g"]),
    d("GoUnblockLocal", 7, true, &["g"]),
    d("GoSysExitLocal", 7, false, &["g", "ts"]),
    d("GoStartLabel", 8, false, &["g", "seq", "labelid"]),
    d("GoBlockGC", 8, true, &[]),
    d("GCMarkAssistStart", 9, true, &[]),
    d("GCMarkAssistDone", 9, false, &[]),
    d("UserTaskCreate", 11, true, &["taskid", "pid", "typeid"]),
    d("UserTaskEnd", 11, true, &["taskid"]),
    d("UserRegion", 11, true, &["taskid", "mode", "typeid"]),
    d("UserLog", 11, true, &["id", "keyid"]),
    d("CPUSample", 19, true, &["ts", "p", "g"]),
];

/// The description of a type byte already checked to be below [`ev::COUNT`].
#[inline]
pub(crate) fn desc(typ: u8) -> &'static Desc {
    &DESCS[usize::from(typ).min(DESCS.len() - 1)]
}

/// Number of raw arguments an event of this type carries, counting the
/// timestamp and stack (Go's `rawEvent.argNum`, except for `Stack`).
pub(crate) fn arg_num(typ: u8) -> usize {
    let d = desc(typ);
    let n = d.args.len() + usize::from(d.stack);
    match typ {
        ev::BATCH | ev::FREQUENCY | ev::TIMER_GOROUTINE => n,
        _ => n + 1,
    }
}

/// Special proc IDs the v1 parser moves some events to.
pub(crate) mod fake_p {
    /// Timer goroutine unblocks.
    pub const TIMER: i32 = 1_000_001;
    /// Network unblocks.
    pub const NETPOLL: i32 = 1_000_002;
    /// Syscall exits.
    pub const SYSCALL: i32 = 1_000_003;
    /// GC starts.
    pub const GC: i32 = 1_000_004;
    /// The pseudo-proc holding CPU samples while merging.
    pub const PROFILE: i32 = 1_000_005;
}

/// A parsed v1 event as Go's parser holds it while ordering (`tracev1.Event`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RawEv {
    /// Timestamp in ticks (nanoseconds once converted).
    pub ts: i64,
    /// Goroutine the event happened on (or is about, for a few types).
    pub g: u64,
    /// Type-specific arguments.
    pub args: [u64; 4],
    /// Stack ID (0: none).
    pub stk: u32,
    /// Proc (or one of the [`fake_p`] IDs).
    pub p: i32,
    /// Event type.
    pub typ: u8,
}

/// The compact form of an ordered event: [`RawEv`] in 32 bytes. The
/// goroutine and the first three arguments (the fourth, for `UserLog`, whose
/// third is always 0) are 32-bit: a value that does not fit lives in the
/// store's side table, flagged in `flags`. The proc is a 16-bit code. Read
/// them through the [`EvStore`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ev {
    /// Timestamp (ticks, then nanoseconds).
    pub ts: i64,
    g: u32,
    a0: u32,
    a1: u32,
    a2: u32,
    /// Stack ID.
    pub stk: u32,
    p: u16,
    /// Event type.
    pub typ: u8,
    /// `WIDE_*` and [`SYSCALL_BLOCKED`] bits.
    pub flags: u8,
}

const WIDE_G: u8 = 1;
const WIDE_A0: u8 = 2;
const WIDE_A1: u8 = 4;
const WIDE_A2: u8 = 8;
/// `Ev::flags`: a `GoSysCall` whose goroutine's next event is `GoSysBlock`.
pub(crate) const SYSCALL_BLOCKED: u8 = 16;

/// Proc codes from this one on index the interned odd proc IDs.
const P_ODD: u16 = 0x8000;

const CHUNK_BITS: u32 = 16;
const CHUNK: usize = 1 << CHUNK_BITS;

/// The ordered events of a v1 trace in fixed-size chunks, so that no huge
/// reallocation ever happens and consumed chunks can be freed.
#[derive(Debug, Default)]
pub(crate) struct EvStore {
    chunks: Vec<Vec<Ev>>,
    len: usize,
    /// Values too wide for their field.
    wide: Vec<u64>,
    /// Proc IDs without a direct code, and their codes.
    odd_ps: Vec<i32>,
    odd_p: FxHashMap<i32, u16>,
}

impl EvStore {
    /// Number of events.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// A 32-bit field for `v`, or an index into the side table.
    #[inline]
    fn narrow(&mut self, v: u64, bit: u8, flags: &mut u8) -> u32 {
        match u32::try_from(v) {
            Ok(x) if x != u32::MAX => x,
            _ => {
                self.wide.push(v);
                *flags |= bit;
                (self.wide.len() - 1) as u32
            }
        }
    }

    #[inline]
    fn widen(&self, v: u32, bit: u8, flags: u8) -> u64 {
        if flags & bit != 0 {
            self.wide[v as usize]
        } else {
            u64::from(v)
        }
    }

    /// The code of proc `p`: `p + 1` for -1 and small IDs, else an index
    /// into the interned odd IDs (fake procs, CPU samples' oddities).
    #[inline]
    fn p_code(&mut self, p: i32) -> Result<u16> {
        if (-1..i32::from(P_ODD) - 1).contains(&p) {
            return Ok((p + 1) as u16);
        }
        if let Some(&c) = self.odd_p.get(&p) {
            return Ok(c);
        }
        let c = usize::from(P_ODD) + self.odd_ps.len();
        let c = u16::try_from(c)
            .map_err(|_| trace_err!("too many distinct proc IDs (more than {})", u16::MAX))?;
        self.odd_ps.push(p);
        self.odd_p.insert(p, c);
        Ok(c)
    }

    /// Appends an event, compacting it.
    pub(crate) fn push(&mut self, r: &RawEv) -> Result<()> {
        let mut flags = 0;
        let third = if r.typ == ev::USER_LOG {
            r.args[3]
        } else {
            r.args[2]
        };
        let e = Ev {
            ts: r.ts,
            g: self.narrow(r.g, WIDE_G, &mut flags),
            a0: self.narrow(r.args[0], WIDE_A0, &mut flags),
            a1: self.narrow(r.args[1], WIDE_A1, &mut flags),
            a2: self.narrow(third, WIDE_A2, &mut flags),
            stk: r.stk,
            p: self.p_code(r.p)?,
            typ: r.typ,
            flags,
        };
        if self.len & (CHUNK - 1) == 0 {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        if let Some(c) = self.chunks.last_mut() {
            c.push(e);
        }
        self.len += 1;
        Ok(())
    }

    /// The event at `i` (which must be below `len`).
    #[inline]
    pub(crate) fn get(&self, i: usize) -> &Ev {
        &self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
    }

    /// The event at `i`, mutably.
    #[inline]
    pub(crate) fn get_mut(&mut self, i: usize) -> &mut Ev {
        &mut self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
    }

    /// Frees the chunks holding only events before `i` (which are no longer
    /// readable afterwards).
    pub(crate) fn release_before(&mut self, i: usize) {
        let n = (i >> CHUNK_BITS).min(self.chunks.len());
        for c in &mut self.chunks[..n] {
            if c.capacity() != 0 {
                *c = Vec::new();
            }
        }
    }

    /// The proc of `e`.
    #[inline]
    pub(crate) fn p(&self, e: &Ev) -> i32 {
        if e.p < P_ODD {
            i32::from(e.p) - 1
        } else {
            self.odd_ps[usize::from(e.p - P_ODD)]
        }
    }

    /// Moves event `i` to proc `p`.
    pub(crate) fn set_p(&mut self, i: usize, p: i32) -> Result<()> {
        let c = self.p_code(p)?;
        self.get_mut(i).p = c;
        Ok(())
    }

    /// The goroutine of `e`.
    #[inline]
    pub(crate) fn g(&self, e: &Ev) -> u64 {
        self.widen(e.g, WIDE_G, e.flags)
    }

    /// The first argument of `e`.
    #[inline]
    pub(crate) fn a0(&self, e: &Ev) -> u64 {
        self.widen(e.a0, WIDE_A0, e.flags)
    }

    /// The second argument of `e`.
    #[inline]
    pub(crate) fn a1(&self, e: &Ev) -> u64 {
        self.widen(e.a1, WIDE_A1, e.flags)
    }

    /// The third argument of `e` (fourth for `UserLog`).
    #[inline]
    pub(crate) fn a2(&self, e: &Ev) -> u64 {
        self.widen(e.a2, WIDE_A2, e.flags)
    }

    /// Sets the second argument of event `i`.
    pub(crate) fn set_a1(&mut self, i: usize, v: u64) {
        let mut flags = self.get(i).flags & !WIDE_A1;
        let x = self.narrow(v, WIDE_A1, &mut flags);
        let e = self.get_mut(i);
        e.a1 = x;
        e.flags = flags;
    }

    /// Sets the third argument of event `i` (fourth for `UserLog`).
    pub(crate) fn set_a2(&mut self, i: usize, v: u64) {
        let mut flags = self.get(i).flags & !WIDE_A2;
        let x = self.narrow(v, WIDE_A2, &mut flags);
        let e = self.get_mut(i);
        e.a2 = x;
        e.flags = flags;
    }

    /// Go's `Args` array of `e`.
    #[inline]
    pub(crate) fn args(&self, e: &Ev) -> [u64; 4] {
        let (a0, a1, a2) = (self.a0(e), self.a1(e), self.a2(e));
        if e.typ == ev::USER_LOG {
            [a0, a1, 0, a2]
        } else {
            [a0, a1, a2, 0]
        }
    }

    /// Go's `Event.String` of `e`, for error messages.
    pub(crate) fn text(&self, e: &Ev) -> String {
        event_string(e.ts, e.typ, self.p(e), self.g(e), e.stk, &self.args(e))
    }
}

/// Go's `Event.String` of a v1 event.
pub(crate) fn event_string(ts: i64, typ: u8, p: i32, g: u64, stk: u32, args: &[u64; 4]) -> String {
    let d = desc(typ);
    let mut s = format!("{ts} {} p={p} g={g} stk={stk}", d.name);
    for (name, v) in d.args.iter().zip(args) {
        s.push_str(&format!(" {name}={v}"));
    }
    s
}

/// Go's `%q` of a string made of printable ASCII (event strings are).
pub(crate) fn quote(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_events_keep_every_value() {
        assert_eq!(std::mem::size_of::<Ev>(), 32);
        let mut s = EvStore::default();
        let r = RawEv {
            ts: -5,
            g: u64::MAX,
            args: [1, 1 << 40, u64::from(u32::MAX), 0],
            stk: 9,
            p: fake_p::SYSCALL,
            typ: ev::GO_SYS_EXIT,
        };
        s.push(&r).unwrap();
        s.push(&RawEv {
            p: -1,
            typ: ev::USER_LOG,
            args: [0, 0, 0, 7],
            ..r
        })
        .unwrap();
        let (a, b) = (*s.get(0), *s.get(1));
        assert_eq!(
            (s.g(&a), s.args(&a), s.p(&a)),
            (u64::MAX, r.args, fake_p::SYSCALL)
        );
        assert_eq!((s.args(&b), s.p(&b)), ([0, 0, 0, 7], -1));
        s.set_a2(1, 1 << 33);
        s.set_a1(1, 3);
        s.set_p(1, 70_000).unwrap();
        let b = *s.get(1);
        assert_eq!((s.args(&b), s.p(&b)), ([0, 3, 0, 1 << 33], 70_000));
    }
}
