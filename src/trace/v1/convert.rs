//! Converting ordered v1 events into v2-style [`Event`]s (Go's
//! `internal/trace/tracev1.go`): the table with the strings the converter
//! makes up, goroutine statuses synthesised at trace start, instantaneous
//! syscalls turned into 1 ns ranges, and so on.

use super::events::{desc, ev, Ev, EvStore, SYSCALL_BLOCKED};
use super::idmap::{pkey, IdMap};
use super::parser::Parser;
use crate::trace::error::{trace_err, Result};
use crate::trace::event::Event;
use crate::trace::ids::{go_status, proc_status, GoId, ProcId, SchedCtx, TaskId, ThreadId, Time};
use crate::trace::spec::EventType;
use crate::trace::table::EvTable;
use rustc_hash::FxHashSet;
use std::collections::VecDeque;

/// Strings the converter refers to, in Go's order (`sForever` ...).
const BUILTIN: [&str; 29] = [
    "forever",
    "preempted",
    "runtime.Gosched",
    "sleep",
    "chan send",
    "chan receive",
    "network",
    "sync",
    "sync.(*Cond).Wait",
    "select",
    "",
    "GC mark assist wait for work",
    // STW reasons, from "unknown" on.
    "",
    "GC mark termination",
    "GC sweep termination",
    "write heap dump",
    "goroutine profile",
    "goroutine profile cleanup",
    "all goroutine stack trace",
    "read mem stats",
    "AllThreadsSyscall",
    "GOMAXPROCS",
    "start trace",
    "stop trace",
    "CountPagesInUse (test)",
    "ReadMetricsSlow (test)",
    "ReadMemStatsSlow (test)",
    "PageCachePagesLeaked (test)",
    "ResetDebugLog (test)",
];
const S_FOREVER: u64 = 0;
const S_PREEMPTED: u64 = 1;
const S_GOSCHED: u64 = 2;
const S_SLEEP: u64 = 3;
const S_CHAN_SEND: u64 = 4;
const S_CHAN_RECV: u64 = 5;
const S_NETWORK: u64 = 6;
const S_SYNC: u64 = 7;
const S_SYNC_COND: u64 = 8;
const S_SELECT: u64 = 9;
const S_EMPTY: u64 = 10;
const S_MARK_ASSIST_WAIT: u64 = 11;
const S_STW_UNKNOWN: u64 = 12;
/// Number of STW reasons Go 1.21 traces know.
const NUM_STW_REASONS: u64 = 17;

/// Where the made-up strings start in the table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StringBases {
    /// ID of the first inline (`UserLog` message) string.
    inline: u64,
    /// ID of the first builtin string.
    builtin: u64,
}

/// Builds the single table of a v1 trace (Go's `traceV1Converter.init`):
/// the trace's strings, then the inline strings, then the builtin ones.
pub(crate) fn build_table(p: &mut Parser<'_>) -> Result<(EvTable, StringBases)> {
    let mut t = EvTable::new();
    let max = p.strings.keys().copied().max().unwrap_or(0);
    let too_many = || trace_err!("trace contains too many strings");
    let inline = max.checked_add(1).ok_or_else(too_many)?;
    let after_inline = max
        .checked_add(p.inline_strings.len() as u64)
        .ok_or_else(too_many)?;
    let builtin = after_inline
        .checked_add(BUILTIN.len() as u64)
        .and(after_inline.checked_add(1))
        .ok_or_else(too_many)?;
    for (id, s) in p.strings.drain() {
        t.strings.insert(id, s)?;
    }
    for (i, s) in std::mem::take(&mut p.inline_strings)
        .into_iter()
        .enumerate()
    {
        t.strings.insert(inline + i as u64, s)?;
    }
    for (i, s) in BUILTIN.iter().enumerate() {
        t.strings.insert(builtin + i as u64, (*s).to_string())?;
    }
    t.strings.compactify();
    for (id, pcs) in p.stacks.drain() {
        t.stacks.insert(u64::from(id), pcs)?;
    }
    t.stacks.compactify();
    t.pcs = std::mem::take(&mut p.pcs);
    Ok((t, StringBases { inline, builtin }))
}

/// Go's `Trace.STWReason`: the builtin-string offset of an STW kind.
fn stw_reason(version: u32, kind: u64) -> u64 {
    match version {
        ..21 if kind <= 1 => kind + 1,
        21 if kind < NUM_STW_REASONS => kind,
        _ => 0,
    }
}

/// Turns the ordered v1 events into v2-style events, one at a time.
pub(crate) struct Converter {
    store: EvStore,
    next: usize,
    version: u32,
    bases: StringBases,
    pre_init: bool,
    created_pre_init: FxHashSet<u64>,
    extra: VecDeque<Event>,
    seen_procs: IdMap<bool>,
    proc_ms: IdMap<Option<u64>>,
    last_stw_reason: u64,
    /// Time of the last event returned (-1 before the first).
    pub(crate) last_ts: Time,
}

impl Converter {
    pub(crate) fn new(store: EvStore, version: u32, bases: StringBases) -> Converter {
        Converter {
            store,
            next: 0,
            version,
            bases,
            pre_init: true,
            created_pre_init: FxHashSet::default(),
            extra: VecDeque::new(),
            seen_procs: IdMap::new(1 << 16),
            proc_ms: IdMap::new(1 << 16),
            last_stw_reason: 0,
            last_ts: -1,
        }
    }

    /// Time of the first v1 event, if there is one.
    pub(crate) fn first_time(&self) -> Option<Time> {
        (self.store.len() > 0).then(|| self.store.get(0).ts)
    }

    /// The next converted event (Go's `traceV1Converter.next`).
    pub(crate) fn next(&mut self) -> Result<Option<Event>> {
        loop {
            if let Some(e) = self.extra.pop_front() {
                return Ok(Some(self.stamp(e)));
            }
            if self.next >= self.store.len() {
                return Ok(None);
            }
            let e = *self.store.get(self.next);
            self.next += 1;
            if self.next.trailing_zeros() >= 16 {
                self.store.release_before(self.next);
            }
            if let Some(out) = self.convert(&e)? {
                return Ok(Some(self.stamp(out)));
            }
        }
    }

    /// Two events may not share a timestamp in the new API (made-up
    /// statuses would): push the event just after the previous one.
    fn stamp(&mut self, mut e: Event) -> Event {
        if e.time <= self.last_ts {
            e.time = self.last_ts.wrapping_add(1);
        }
        self.last_ts = e.time;
        e
    }

    fn builtin(&self, s: u64) -> u64 {
        self.bases.builtin + s
    }

    /// The context of an event the converter splits in two (Go takes the
    /// thread from the proc, or 0).
    #[inline]
    fn split_ctx(&self, gid: u64, pid: i32) -> SchedCtx {
        SchedCtx {
            g: GoId(gid as i64),
            p: ProcId(i64::from(pid)),
            m: ThreadId(self.proc_ms.get(pkey(pid)).unwrap_or(0) as i64),
        }
    }

    /// Converts one event: `None` when it maps to nothing (yet); more events
    /// may be queued in `self.extra`.
    fn convert(&mut self, e: &Ev) -> Result<Option<Event>> {
        let stk = u64::from(e.stk);
        let mut args = self.store.args(e);
        let (gid, pid, a0) = (self.store.g(e), self.store.p(e), args[0]);
        let typ = match e.typ {
            ev::GOMAXPROCS if self.pre_init => {
                self.end_initial_dump(e.ts);
                return Ok(None);
            }
            ev::GOMAXPROCS => EventType::PROCS_CHANGE,
            ev::PROC_START | ev::PROC_STOP => self.proc_start_or_stop(e.typ, pid, &mut args),
            ev::GC_START => EventType::GC_BEGIN,
            ev::GC_DONE => EventType::GC_END,
            ev::STW_START => {
                let sid = self.builtin(S_STW_UNKNOWN + stw_reason(self.version, a0));
                self.last_stw_reason = sid;
                args = [sid, 0, 0, 0];
                EventType::STW_BEGIN
            }
            ev::STW_DONE => {
                args = [self.last_stw_reason, 0, 0, 0];
                EventType::STW_END
            }
            ev::GC_SWEEP_START => EventType::GC_SWEEP_BEGIN,
            ev::GC_SWEEP_DONE => EventType::GC_SWEEP_END,
            ev::HEAP_ALLOC => EventType::HEAP_ALLOC,
            ev::HEAP_GOAL => EventType::HEAP_GOAL,
            ev::GC_MARK_ASSIST_START => EventType::GC_MARK_ASSIST_BEGIN,
            ev::GC_MARK_ASSIST_DONE => EventType::GC_MARK_ASSIST_END,
            ev::GO_CREATE if self.pre_init => {
                self.created_pre_init.insert(a0);
                return Ok(None);
            }
            ev::GO_CREATE => EventType::GO_CREATE,
            ev::GO_START if self.pre_init => self.go_status(go_status::RUNNING, &mut args),
            ev::GO_START => EventType::GO_START,
            ev::GO_START_LABEL => return Ok(Some(self.go_start_label(e, gid, pid, args))),
            // N.B. v1 does not say which thread a syscall is on.
            ev::GO_WAITING => self.go_status(go_status::WAITING, &mut args),
            ev::GO_IN_SYSCALL => self.go_status(go_status::SYSCALL, &mut args),
            ev::GO_END => EventType::GO_DESTROY,
            ev::GO_STOP | ev::GO_SCHED | ev::GO_PREEMPT => {
                self.stop_or_block(e.typ, stk, &mut args)
            }
            t if ev::blocks_goroutine(t) => self.stop_or_block(t, stk, &mut args),
            ev::GO_UNBLOCK => EventType::GO_UNBLOCK,
            ev::GO_SYS_CALL if e.flags & SYSCALL_BLOCKED == 0 => {
                return Ok(Some(self.instant_syscall(e, gid, pid, stk)));
            }
            ev::GO_SYS_CALL => {
                args = [0, stk, 0, 0];
                EventType::GO_SYSCALL_BEGIN
            }
            ev::GO_SYS_EXIT => EventType::GO_SYSCALL_END_BLOCKED,
            ev::GO_SYS_BLOCK => return Ok(None),
            ev::USER_TASK_CREATE | ev::USER_TASK_END | ev::USER_REGION | ev::USER_LOG => {
                self.annotation(e.typ, stk, &mut args)
            }
            ev::CPU_SAMPLE => {
                args = [stk, u64::MAX, pid as i64 as u64, gid];
                EventType::CPU_SAMPLE
            }
            t => return Err(trace_err!("unexpected event type {t}")),
        };
        Ok(Some(self.in_context(e, typ, args, gid, pid)))
    }

    /// The first GOMAXPROCS ends the trace's initial dump: goroutines
    /// created before it and seen neither waiting, in a syscall nor running
    /// were runnable (or idle). Go walks a map here; we go by goroutine ID.
    fn end_initial_dump(&mut self, time: Time) {
        self.pre_init = false;
        let mut gs: Vec<u64> = self.created_pre_init.drain().collect();
        gs.sort_unstable_by_key(|&g| g as i64);
        for g in gs {
            self.extra.push_back(Event {
                typ: EventType::GO_STATUS,
                time,
                ctx: SchedCtx::NONE,
                args: [g, u64::MAX, u64::from(go_status::RUNNABLE), 0],
            });
        }
    }

    /// A proc's first start or stop is its status; later ones are what they say.
    #[inline]
    fn proc_start_or_stop(&mut self, typ: u8, pid: i32, args: &mut [u64; 4]) -> EventType {
        let start = typ == ev::PROC_START;
        if start {
            self.proc_ms.set(pkey(pid), Some(args[0]));
        }
        let p = pid as i64 as u64;
        let seen = self.seen_procs.entry(pkey(pid));
        if *seen {
            *args = [p, 0, 0, 0];
            return if start {
                EventType::PROC_START
            } else {
                EventType::PROC_STOP
            };
        }
        *seen = true;
        let status = if start {
            proc_status::RUNNING
        } else {
            proc_status::IDLE
        };
        *args = [p, u64::from(status), 0, 0];
        EventType::PROC_STATUS
    }

    /// The status of the goroutine in `args[0]`, from the trace's initial
    /// dump: it is no longer only created.
    #[inline]
    fn go_status(&mut self, status: u8, args: &mut [u64; 4]) -> EventType {
        let g = args[0];
        self.created_pre_init.remove(&g);
        *args = [g, u64::MAX, u64::from(status), 0];
        EventType::GO_STATUS
    }

    /// A labelled start: the start, then the label.
    fn go_start_label(&mut self, e: &Ev, gid: u64, pid: i32, args: [u64; 4]) -> Event {
        let ctx = self.split_ctx(gid, pid);
        self.extra.push_back(Event {
            typ: EventType::GO_LABEL,
            time: e.ts,
            ctx,
            args: [args[2], 0, 0, 0],
        });
        Event {
            typ: EventType::GO_START,
            time: e.ts,
            ctx,
            args,
        }
    }

    /// A syscall that did not block: a 1 ns range.
    fn instant_syscall(&mut self, e: &Ev, gid: u64, pid: i32, stk: u64) -> Event {
        let ctx = self.split_ctx(gid, pid);
        self.extra.push_back(Event {
            typ: EventType::GO_SYSCALL_END,
            time: e.ts.wrapping_add(1),
            ctx,
            args: [0; 4],
        });
        Event {
            typ: EventType::GO_SYSCALL_BEGIN,
            time: e.ts,
            ctx,
            args: [0, stk, 0, 0],
        }
    }

    /// A stop or block: v2's `GoStop` or `GoBlock` with the reason string
    /// the v1 event type stands for, and the stack.
    #[inline]
    fn stop_or_block(&self, typ: u8, stk: u64, args: &mut [u64; 4]) -> EventType {
        let (v2, reason) = match typ {
            ev::GO_STOP => (EventType::GO_BLOCK, S_FOREVER),
            ev::GO_SCHED => (EventType::GO_STOP, S_GOSCHED),
            ev::GO_PREEMPT => (EventType::GO_STOP, S_PREEMPTED),
            ev::GO_SLEEP => (EventType::GO_BLOCK, S_SLEEP),
            ev::GO_BLOCK_SEND => (EventType::GO_BLOCK, S_CHAN_SEND),
            ev::GO_BLOCK_RECV => (EventType::GO_BLOCK, S_CHAN_RECV),
            ev::GO_BLOCK_SELECT => (EventType::GO_BLOCK, S_SELECT),
            ev::GO_BLOCK_SYNC => (EventType::GO_BLOCK, S_SYNC),
            ev::GO_BLOCK_COND => (EventType::GO_BLOCK, S_SYNC_COND),
            ev::GO_BLOCK_NET => (EventType::GO_BLOCK, S_NETWORK),
            ev::GO_BLOCK_GC => (EventType::GO_BLOCK, S_MARK_ASSIST_WAIT),
            // ev::GO_BLOCK: no reason.
            _ => (EventType::GO_BLOCK, S_EMPTY),
        };
        *args = [self.builtin(reason), stk, 0, 0];
        v2
    }

    /// Tasks, regions and logs: their arguments in v2's order.
    fn annotation(&self, typ: u8, stk: u64, args: &mut [u64; 4]) -> EventType {
        let [a0, a1, a2, a3] = *args;
        match typ {
            ev::USER_TASK_CREATE => {
                let parent = if a1 == 0 { TaskId::NONE.0 } else { a1 };
                *args = [a0, parent, a2, stk];
                EventType::USER_TASK_BEGIN
            }
            ev::USER_TASK_END => {
                // Event::task reads the parent and the name (an extra
                // string) from the arguments after the real ones (task,
                // stack); the post pass left them in a1 and a2.
                *args = [a0, 0, a1, a2];
                EventType::USER_TASK_END
            }
            ev::USER_REGION => {
                *args = [a0, a2, stk, 0];
                match a1 {
                    0 => EventType::USER_REGION_BEGIN,
                    1 => EventType::USER_REGION_END,
                    _ => EventType::NONE,
                }
            }
            // ev::USER_LOG
            _ => {
                *args = [a0, a1, self.bases.inline + a3, stk];
                EventType::USER_LOG
            }
        }
    }

    /// The converted event in its context: the stack where v2's spec wants
    /// it, the thread its proc runs on, no goroutine for G 0.
    #[inline]
    fn in_context(
        &mut self,
        e: &Ev,
        typ: EventType,
        mut args: [u64; 4],
        gid: u64,
        pid: i32,
    ) -> Event {
        if desc(e.typ).stack {
            if let Some(&first) = typ.spec().and_then(|s| s.stack_ids.first()) {
                args[first - 1] = u64::from(e.stk);
            }
        }
        let mut m = ThreadId::NONE;
        if pid != -1 && e.typ != ev::CPU_SAMPLE {
            m = self
                .proc_ms
                .get(pkey(pid))
                .map_or(m, |t| ThreadId(t as i64));
        }
        if e.typ == ev::PROC_STOP {
            self.proc_ms.set(pkey(pid), None);
        }
        let g = if gid == 0 {
            GoId::NONE
        } else {
            GoId(gid as i64)
        };
        Event {
            typ,
            time: e.ts,
            ctx: SchedCtx {
                g,
                p: ProcId(i64::from(pid)),
                m,
            },
            args,
        }
    }
}
