//! One test per ordering rule of Go's `order.go`: each builds the few
//! events that reach the rule with the crate's own types and checks what
//! the rule accepts, what it makes wait ("not yet": another thread must act
//! first) and what it rejects (the trace is broken), in Go's words.

use super::state::GcState;
use super::{Ordering, Seq};
use crate::trace::cursor::BaseEvent;
use crate::trace::event::{Event, TASK_NAME_IN_STRINGS};
use crate::trace::ids::{go_status as gs, proc_status as ps, GoId, ProcId, TaskId, ThreadId};
use crate::trace::spec::EventType as E;
use crate::trace::table::EvTable;

const M1: i64 = 1;
const M2: i64 = 2;
/// No thread: the event was not written by one.
const NO_M: i64 = -1;
/// "No thread" as a goroutine status event writes it.
const NO_THREAD: u64 = u64::MAX;

/// What advancing one event did.
#[derive(Debug, PartialEq)]
enum Outcome {
    Advanced,
    NotYet,
    Broken(String),
}

/// One trace being ordered, an event at a time.
struct Sim {
    o: Ordering,
    evt: EvTable,
    gen: u64,
    time: i64,
}

fn status(s: u8) -> u64 {
    u64::from(s)
}

impl Sim {
    fn new() -> Sim {
        Sim {
            o: Ordering::new(26),
            evt: EvTable::new(),
            gen: 1,
            time: 0,
        }
    }

    /// Advances an event of type `typ` with `args`, written by thread `m`.
    fn ev(&mut self, m: i64, typ: E, args: &[u64]) -> Outcome {
        self.time += 1;
        let mut a = [0u64; 4];
        a[..args.len()].copy_from_slice(args);
        let ev = BaseEvent {
            typ,
            time: self.time,
            args: a,
        };
        let m = ThreadId(m);
        let slot = if m.is_some() {
            self.o.thread_slot(m)
        } else {
            0
        };
        match self.o.advance(&ev, &self.evt, m, slot, self.gen) {
            Ok(true) => Outcome::Advanced,
            Ok(false) => Outcome::NotYet,
            Err(e) => Outcome::Broken(e.message),
        }
    }

    fn ok(&mut self, m: i64, typ: E, args: &[u64]) {
        assert_eq!(self.ev(m, typ, args), Outcome::Advanced, "{}", typ.name());
    }

    fn not_yet(&mut self, m: i64, typ: E, args: &[u64]) {
        assert_eq!(self.ev(m, typ, args), Outcome::NotYet, "{}", typ.name());
    }

    fn broken(&mut self, m: i64, typ: E, args: &[u64], says: &str) {
        match self.ev(m, typ, args) {
            Outcome::Broken(msg) => assert!(msg.contains(says), "{msg:?} should say {says:?}"),
            other => panic!("{} should be rejected ({says}), got {other:?}", typ.name()),
        }
    }

    fn next_generation(&mut self) {
        self.gen += 1;
    }

    /// The goroutine and proc thread `m` holds.
    fn ctx(&self, m: i64) -> (GoId, ProcId) {
        let ms = self.o.m_states.get(&ThreadId(m)).expect("a known thread");
        (ms.g, ms.p)
    }

    fn g_status(&self, g: i64) -> Option<u8> {
        self.o.g_states.get(&GoId(g)).map(|s| s.status)
    }

    fn p_status(&self, p: i64) -> Option<u8> {
        self.o.p_states.get(&ProcId(p)).map(|s| s.status)
    }

    fn last(&self) -> &Event {
        self.o.queue.last().expect("an ordered event")
    }

    /// Thread `m` holds running proc `p` and runs goroutine `g` (first
    /// generation).
    fn running(&mut self, m: i64, p: u64, g: u64) {
        self.ok(m, E::PROC_STATUS, &[p, status(ps::RUNNING)]);
        self.ok(m, E::GO_STATUS, &[g, m as u64, status(gs::RUNNING)]);
    }

    /// `running`, then goroutine `g` enters a syscall (its proc's sequence 1).
    fn in_syscall(&mut self, m: i64, p: u64, g: u64) {
        self.running(m, p, g);
        self.ok(m, E::GO_SYSCALL_BEGIN, &[1, 0]);
    }
}

#[test]
fn sequence_numbers_follow_each_other_within_a_generation() {
    assert!(Seq::new(1, 2).succeeds(Seq::new(1, 1)));
    assert!(!Seq::new(1, 3).succeeds(Seq::new(1, 1)));
    assert!(!Seq::new(2, 2).succeeds(Seq::new(1, 1)));
}

#[test]
fn an_unknown_event_type_is_an_error() {
    let mut t = Sim::new();
    t.broken(M1, E(60), &[], "bad event type found while ordering: 60");
}

#[test]
fn proc_status_must_agree_with_what_is_known_of_the_proc() {
    let mut t = Sim::new();
    t.ok(M1, E::PROC_STATUS, &[0, status(ps::RUNNING)]);
    assert_eq!(t.ctx(M1).1, ProcId(0), "a running proc is its thread's");
    t.ok(M2, E::PROC_STATUS, &[1, status(ps::IDLE)]);
    assert_eq!(t.ctx(M2).1, ProcId::NONE, "an idle proc is nobody's");
    t.next_generation();
    t.ok(M1, E::PROC_STATUS, &[0, status(ps::RUNNING)]);
    t.broken(
        M2,
        E::PROC_STATUS,
        &[1, status(ps::RUNNING)],
        "inconsistent status for proc 1: old Idle vs. new Running",
    );
    t.broken(M2, E::PROC_STATUS, &[2, 9], "invalid status for proc 2: 9");
}

#[test]
fn proc_status_of_an_abandoned_syscall_speaks_for_the_thread_that_holds_the_proc() {
    let mut t = Sim::new();
    t.in_syscall(M1, 0, 1);
    t.next_generation();
    t.ok(M2, E::PROC_STATUS, &[0, status(ps::SYSCALL_ABANDONED)]);
    let ev = t.last();
    assert_eq!(
        ev.args[1],
        status(ps::SYSCALL),
        "promoted: nothing was lost"
    );
    assert_eq!(
        (ev.ctx.m, ev.ctx.p, ev.ctx.g),
        (ThreadId(M1), ProcId(0), GoId(1))
    );
    // Abandoned, and no thread holds the proc.
    let mut t = Sim::new();
    t.ok(M1, E::PROC_STATUS, &[0, status(ps::SYSCALL)]);
    t.ok(M1, E::PROC_STEAL, &[0, 1, M1 as u64]);
    t.next_generation();
    t.ok(M1, E::PROC_STATUS, &[0, status(ps::IDLE)]);
    let mut t = Sim::new();
    t.ok(M2, E::PROC_STATUS, &[3, status(ps::SYSCALL_ABANDONED)]);
    t.next_generation();
    t.ok(M2, E::PROC_STATUS, &[3, status(ps::SYSCALL_ABANDONED)]);
}

#[test]
fn proc_start_needs_an_idle_proc_its_next_sequence_and_a_thread_without_a_proc() {
    let mut t = Sim::new();
    t.ok(M1, E::PROC_STATUS, &[0, status(ps::IDLE)]);
    t.ok(M1, E::PROC_STATUS, &[1, status(ps::IDLE)]);
    t.not_yet(M1, E::PROC_START, &[0, 2]);
    t.broken(
        NO_M,
        E::PROC_START,
        &[0, 1],
        "expected a thread but didn't have one",
    );
    t.ok(M1, E::PROC_START, &[0, 1]);
    assert_eq!(t.ctx(M1).1, ProcId(0));
    assert_eq!(t.p_status(0), Some(ps::RUNNING));
    t.not_yet(M2, E::PROC_START, &[0, 2]);
    t.not_yet(M1, E::PROC_START, &[1, 1]);
}

#[test]
fn proc_stop_needs_the_threads_running_proc() {
    let mut t = Sim::new();
    t.ok(M1, E::PROC_STATUS, &[0, status(ps::RUNNING)]);
    t.ok(M1, E::PROC_STOP, &[]);
    assert_eq!(t.ctx(M1).1, ProcId::NONE);
    assert_eq!(t.p_status(0), Some(ps::IDLE));
    t.broken(
        M1,
        E::PROC_STOP,
        &[],
        "event ProcStop for proc (-1) that doesn't exist",
    );
}

#[test]
fn proc_steal_needs_a_proc_in_a_syscall_and_its_next_sequence() {
    let mut t = Sim::new();
    t.running(M1, 0, 1);
    t.not_yet(M2, E::PROC_STEAL, &[0, 1, M1 as u64]);
    t.ok(M1, E::GO_SYSCALL_BEGIN, &[1, 0]);
    t.not_yet(M2, E::PROC_STEAL, &[0, 1, M1 as u64]);
    t.ok(M2, E::PROC_STEAL, &[0, 2, M1 as u64]);
    assert_eq!(
        t.last().args[3],
        status(ps::SYSCALL),
        "the state it was stolen in"
    );
    assert_eq!(t.ctx(M1).1, ProcId::NONE, "the victim lost its proc");
    assert_eq!(t.p_status(0), Some(ps::IDLE));
}

#[test]
fn proc_steal_from_itself_stops_the_proc_and_from_nobody_is_an_error() {
    let mut t = Sim::new();
    t.in_syscall(M1, 0, 1);
    t.ok(M1, E::PROC_STEAL, &[0, 2, M1 as u64]);
    assert_eq!(t.ctx(M1).1, ProcId::NONE);
    let mut t = Sim::new();
    t.in_syscall(M1, 0, 1);
    t.broken(
        M2,
        E::PROC_STEAL,
        &[0, 2, 7],
        "stole proc from non-existent thread 7",
    );
}

#[test]
fn go_status_must_agree_with_what_is_known_and_name_new_goroutines_only_at_first() {
    let mut t = Sim::new();
    t.ok(M1, E::GO_STATUS, &[5, NO_THREAD, status(gs::RUNNABLE)]);
    t.broken(
        M1,
        E::GO_STATUS,
        &[5, NO_THREAD, status(gs::WAITING)],
        "inconsistent status for goroutine 5: old Runnable vs. new Waiting",
    );
    t.broken(
        M1,
        E::GO_STATUS,
        &[6, NO_THREAD, 9],
        "invalid status for goroutine 6: 9",
    );
    t.broken(
        M1,
        E::GO_STATUS,
        &[7, NO_THREAD, status(gs::SYSCALL)],
        "found goroutine 7 in syscall without a thread",
    );
    t.next_generation();
    t.ok(M1, E::GO_STATUS, &[5, NO_THREAD, status(gs::RUNNABLE)]);
    t.broken(
        M1,
        E::GO_STATUS,
        &[8, NO_THREAD, status(gs::RUNNABLE)],
        "found goroutine status for new goroutine after the first generation",
    );
}

#[test]
fn go_status_running_or_in_a_syscall_puts_the_goroutine_on_its_thread() {
    let mut t = Sim::new();
    t.ok(M1, E::GO_STATUS, &[5, M1 as u64, status(gs::RUNNING)]);
    assert_eq!(t.ctx(M1).0, GoId(5));
    // In a syscall on another thread for the whole generation.
    t.ok(M1, E::GO_STATUS, &[6, M2 as u64, status(gs::SYSCALL)]);
    assert_eq!(t.ctx(M2).0, GoId(6));
    assert_eq!(t.last().ctx.m, ThreadId(M2));
}

#[test]
fn go_create_needs_a_proc_and_a_new_goroutine_id() {
    let mut t = Sim::new();
    t.running(M1, 0, 1);
    t.ok(M1, E::GO_CREATE, &[2, 0, 0]);
    assert_eq!(t.g_status(2), Some(gs::RUNNABLE));
    t.ok(M1, E::GO_CREATE_BLOCKED, &[3, 0, 0]);
    assert_eq!(t.g_status(3), Some(gs::WAITING));
    t.broken(
        M1,
        E::GO_CREATE,
        &[2, 0, 0],
        "tried to create goroutine (2) that already exists",
    );
    t.broken(
        M2,
        E::GO_CREATE,
        &[4, 0, 0],
        "expected a proc but didn't have one",
    );
}

#[test]
fn go_start_needs_a_runnable_goroutine_and_a_proc() {
    let mut t = Sim::new();
    t.ok(M1, E::PROC_STATUS, &[0, status(ps::RUNNING)]);
    t.ok(M1, E::GO_STATUS, &[2, NO_THREAD, status(gs::WAITING)]);
    t.ok(M1, E::GO_STATUS, &[3, NO_THREAD, status(gs::RUNNABLE)]);
    t.not_yet(M1, E::GO_START, &[2, 1]);
    t.not_yet(M1, E::GO_START, &[3, 2]);
    t.not_yet(M1, E::GO_START, &[4, 1]);
    t.broken(
        M2,
        E::GO_START,
        &[3, 1],
        "expected a proc but didn't have one",
    );
    let mut t = Sim::new();
    t.ok(M1, E::PROC_STATUS, &[0, status(ps::RUNNING)]);
    t.ok(M1, E::GO_STATUS, &[3, NO_THREAD, status(gs::RUNNABLE)]);
    t.ok(M1, E::GO_START, &[3, 1]);
    assert_eq!(t.ctx(M1).0, GoId(3));
    assert_eq!(t.g_status(3), Some(gs::RUNNING));
}

#[test]
fn go_stop_block_and_destroy_need_the_running_goroutine() {
    let mut t = Sim::new();
    t.running(M1, 0, 1);
    t.ok(M1, E::GO_STOP, &[0, 0]);
    assert_eq!(t.g_status(1), Some(gs::RUNNABLE));
    assert_eq!(t.ctx(M1).0, GoId::NONE);
    t.broken(
        M1,
        E::GO_BLOCK,
        &[0, 0],
        "expected a goroutine but didn't have one",
    );
    let mut t = Sim::new();
    t.running(M1, 0, 1);
    t.ok(M1, E::GO_BLOCK, &[0, 0]);
    assert_eq!(t.g_status(1), Some(gs::WAITING));
    let mut t = Sim::new();
    t.running(M1, 0, 1);
    t.ok(M1, E::GO_DESTROY, &[]);
    assert_eq!(t.g_status(1), None, "gone");
    let mut t = Sim::new();
    t.ok(M1, E::PROC_STATUS, &[0, status(ps::SYSCALL)]);
    t.ok(M1, E::GO_STATUS, &[1, M1 as u64, status(gs::SYSCALL)]);
    t.broken(
        M1,
        E::GO_BLOCK,
        &[0, 0],
        "GoBlock event for goroutine that's not Running",
    );
}

#[test]
fn go_unblock_needs_a_waiting_goroutine_and_its_next_sequence_from_anywhere() {
    let mut t = Sim::new();
    t.ok(M1, E::GO_STATUS, &[2, NO_THREAD, status(gs::WAITING)]);
    t.not_yet(M1, E::GO_UNBLOCK, &[2, 2, 0]);
    t.not_yet(M1, E::GO_UNBLOCK, &[9, 1, 0]);
    // N.B. no context check: sysmon unblocks without a proc or goroutine.
    t.ok(NO_M, E::GO_UNBLOCK, &[2, 1, 0]);
    assert_eq!(t.g_status(2), Some(gs::RUNNABLE));
    t.not_yet(M1, E::GO_UNBLOCK, &[2, 2, 0]);
}

#[test]
fn go_switch_waits_for_a_waiting_next_goroutine_and_blocks_or_destroys_the_current() {
    let mut t = Sim::new();
    t.running(M1, 0, 1);
    t.ok(M1, E::GO_STATUS, &[2, NO_THREAD, status(gs::WAITING)]);
    t.not_yet(M1, E::GO_SWITCH, &[3, 1]);
    t.not_yet(M1, E::GO_SWITCH, &[2, 2]);
    let before = t.o.queue.len();
    t.ok(M1, E::GO_SWITCH, &[2, 1]);
    let made: Vec<E> = t.o.queue[before..].iter().map(|e| e.typ).collect();
    assert_eq!(made, [E::GO_SWITCH, E::GO_BLOCK, E::GO_START]);
    assert_eq!(t.ctx(M1).0, GoId(2));
    assert_eq!(
        (t.g_status(1), t.g_status(2)),
        (Some(gs::WAITING), Some(gs::RUNNING))
    );
    let mut t = Sim::new();
    t.running(M1, 0, 1);
    t.ok(M1, E::GO_STATUS, &[2, NO_THREAD, status(gs::WAITING)]);
    t.ok(M1, E::GO_SWITCH_DESTROY, &[2, 1]);
    assert_eq!(t.g_status(1), None);
    assert_eq!(t.o.queue[t.o.queue.len() - 2].typ, E::GO_DESTROY);
}

#[test]
fn go_syscall_begin_needs_the_procs_next_sequence() {
    let mut t = Sim::new();
    t.running(M1, 0, 1);
    t.broken(
        M1,
        E::GO_SYSCALL_BEGIN,
        &[5, 0],
        "failed to advance GoSyscallBegin: can't make sequence",
    );
    let mut t = Sim::new();
    t.in_syscall(M1, 0, 1);
    assert_eq!(
        (t.g_status(1), t.p_status(0)),
        (Some(gs::SYSCALL), Some(ps::SYSCALL))
    );
}

#[test]
fn go_syscall_end_needs_the_proc_still_in_its_syscall() {
    let mut t = Sim::new();
    t.in_syscall(M1, 0, 1);
    t.ok(M1, E::GO_SYSCALL_END, &[]);
    assert_eq!(
        (t.g_status(1), t.p_status(0)),
        (Some(gs::RUNNING), Some(ps::RUNNING))
    );
    let mut t = Sim::new();
    t.ok(M1, E::PROC_STATUS, &[0, status(ps::RUNNING)]);
    t.ok(M1, E::GO_STATUS, &[1, M1 as u64, status(gs::SYSCALL)]);
    t.broken(
        M1,
        E::GO_SYSCALL_END,
        &[],
        "expected proc 0 in state Syscall, but got Running instead",
    );
}

#[test]
fn go_syscall_end_blocked_waits_until_the_proc_left_its_syscall() {
    let mut t = Sim::new();
    t.in_syscall(M1, 0, 1);
    t.not_yet(M1, E::GO_SYSCALL_END_BLOCKED, &[]);
    t.ok(M2, E::PROC_STEAL, &[0, 2, M1 as u64]);
    t.ok(M1, E::GO_SYSCALL_END_BLOCKED, &[]);
    assert_eq!(t.g_status(1), Some(gs::RUNNABLE));
    assert_eq!(t.ctx(M1), (GoId::NONE, ProcId::NONE));
}

#[test]
fn go_create_syscall_needs_a_thread_without_a_goroutine_and_a_new_id() {
    let mut t = Sim::new();
    t.ok(M1, E::GO_CREATE_SYSCALL, &[9]);
    assert_eq!(t.ctx(M1).0, GoId(9));
    assert_eq!(t.g_status(9), Some(gs::SYSCALL));
    t.broken(
        M1,
        E::GO_CREATE_SYSCALL,
        &[10],
        "expected no goroutine but had one",
    );
    t.broken(
        M2,
        E::GO_CREATE_SYSCALL,
        &[9],
        "tried to create goroutine (9) in syscall that already exists",
    );
}

#[test]
fn go_destroy_syscall_needs_a_goroutine_in_a_syscall_and_abandons_its_proc() {
    let mut t = Sim::new();
    t.ok(M1, E::GO_CREATE_SYSCALL, &[9]);
    t.ok(M1, E::GO_DESTROY_SYSCALL, &[]);
    assert_eq!((t.g_status(9), t.ctx(M1).0), (None, GoId::NONE));
    let mut t = Sim::new();
    t.in_syscall(M1, 0, 1);
    let before = t.o.queue.len();
    t.ok(M1, E::GO_DESTROY_SYSCALL, &[]);
    let made: Vec<E> = t.o.queue[before..].iter().map(|e| e.typ).collect();
    assert_eq!(
        made,
        [E::PROC_STEAL, E::GO_DESTROY_SYSCALL],
        "a self-steal first"
    );
    assert_eq!(t.p_status(0), Some(ps::SYSCALL_ABANDONED));
    assert_eq!(t.ctx(M1).1, ProcId::NONE);
    let mut t = Sim::new();
    t.running(M1, 0, 1);
    t.broken(
        M1,
        E::GO_DESTROY_SYSCALL,
        &[],
        "GoDestroySyscall event for goroutine that's not Syscall",
    );
}

#[test]
fn gc_active_is_the_first_gc_event_of_the_first_generation_then_follows_the_gc_sequence() {
    let mut t = Sim::new();
    t.ok(NO_M, E::GC_ACTIVE, &[5]);
    assert_eq!(t.o.gc_state, GcState::Running);
    t.broken(
        NO_M,
        E::GC_ACTIVE,
        &[6],
        "GCActive in the first generation isn't first GC event",
    );
    let mut t = Sim::new();
    t.running(M1, 0, 1);
    t.ok(M1, E::GC_ACTIVE, &[5]);
    t.next_generation();
    t.not_yet(M1, E::GC_ACTIVE, &[7]);
    t.ok(M1, E::GC_ACTIVE, &[6]);
    let mut t = Sim::new();
    t.running(M1, 0, 1);
    t.ok(M1, E::GC_BEGIN, &[5]);
    t.ok(M1, E::GC_END, &[6]);
    t.next_generation();
    t.broken(
        M1,
        E::GC_ACTIVE,
        &[7],
        "encountered GCActive while GC was not in progress",
    );
}

#[test]
fn gc_begin_waits_for_its_sequence_and_never_nests() {
    let mut t = Sim::new();
    // N.B. the first GC event of the trace sets the sequence, anywhere.
    t.ok(NO_M, E::GC_BEGIN, &[3]);
    t.not_yet(NO_M, E::GC_BEGIN, &[7]);
    t.broken(
        NO_M,
        E::GC_BEGIN,
        &[4],
        "encountered GCBegin while GC was already in progress",
    );
}

#[test]
fn gc_end_needs_a_gc_in_progress() {
    let mut t = Sim::new();
    t.broken(
        NO_M,
        E::GC_END,
        &[1],
        "encountered GCEnd when GC was in an undetermined state",
    );
    let mut t = Sim::new();
    t.running(M1, 0, 1);
    t.ok(M1, E::GC_BEGIN, &[3]);
    t.not_yet(M1, E::GC_END, &[5]);
    t.ok(M1, E::GC_END, &[4]);
    assert_eq!(t.o.gc_state, GcState::NotRunning);
    t.broken(
        M1,
        E::GC_END,
        &[5],
        "encountered GCEnd when GC was not in progress",
    );
}

#[test]
fn gc_sweeps_begin_once_and_end_what_began_on_the_proc() {
    let mut t = Sim::new();
    t.ok(M1, E::PROC_STATUS, &[0, status(ps::RUNNING)]);
    t.ok(M1, E::GC_SWEEP_BEGIN, &[0]);
    t.broken(
        M1,
        E::GC_SWEEP_BEGIN,
        &[0],
        "discovered event already in-flight for when starting event GCSweepBegin",
    );
    t.ok(M1, E::GC_SWEEP_END, &[0, 0]);
    t.broken(
        M1,
        E::GC_SWEEP_END,
        &[0, 0],
        "tried to end event GCSweepBegin, but not in-flight",
    );
    t.broken(
        M2,
        E::GC_SWEEP_BEGIN,
        &[0],
        "expected a proc but didn't have one",
    );
}

#[test]
fn gc_sweep_active_is_named_once_in_the_first_generation_and_known_later() {
    let mut t = Sim::new();
    t.broken(
        NO_M,
        E::GC_SWEEP_ACTIVE,
        &[4],
        "encountered GCSweepActive for unknown proc 4",
    );
    t.ok(M1, E::PROC_STATUS, &[4, status(ps::IDLE)]);
    t.ok(M1, E::PROC_STATUS, &[5, status(ps::IDLE)]);
    t.ok(NO_M, E::GC_SWEEP_ACTIVE, &[4]);
    t.broken(
        NO_M,
        E::GC_SWEEP_ACTIVE,
        &[4],
        "found named active range already in first gen: GCSweepBegin",
    );
    t.next_generation();
    t.ok(NO_M, E::GC_SWEEP_ACTIVE, &[4]);
    t.broken(
        NO_M,
        E::GC_SWEEP_ACTIVE,
        &[5],
        "resource is missing active range: GCSweepBegin",
    );
}

#[test]
fn stw_and_mark_assist_ranges_belong_to_the_running_goroutine() {
    let mut t = Sim::new();
    t.running(M1, 0, 1);
    t.ok(M1, E::STW_BEGIN, &[7, 0]);
    t.broken(
        M1,
        E::STW_BEGIN,
        &[7, 0],
        "discovered event already in-flight for when starting event STWBegin",
    );
    t.ok(M1, E::STW_END, &[]);
    assert_eq!(t.last().args[0], 7, "the end carries the begin's kind");
    t.broken(
        M1,
        E::GC_MARK_ASSIST_END,
        &[],
        "tried to end event GCMarkAssistBegin, but not in-flight",
    );
    t.ok(M1, E::GC_MARK_ASSIST_BEGIN, &[0]);
    t.ok(M1, E::GC_MARK_ASSIST_END, &[]);
    t.broken(
        M2,
        E::STW_BEGIN,
        &[7, 0],
        "expected a proc but didn't have one",
    );
}

#[test]
fn mark_assist_active_needs_a_known_goroutine() {
    let mut t = Sim::new();
    t.broken(
        NO_M,
        E::GC_MARK_ASSIST_ACTIVE,
        &[3],
        "uninitialized goroutine 3 found during GCMarkAssistActive",
    );
    t.ok(M1, E::GO_STATUS, &[3, NO_THREAD, status(gs::WAITING)]);
    // N.B. like a status event it may name a goroutine that is not running.
    t.ok(NO_M, E::GC_MARK_ASSIST_ACTIVE, &[3]);
    t.next_generation();
    t.ok(NO_M, E::GC_MARK_ASSIST_ACTIVE, &[3]);
}

#[test]
fn annotations_need_a_running_goroutine_on_a_proc() {
    let mut t = Sim::new();
    t.ok(M1, E::PROC_STATUS, &[0, status(ps::RUNNING)]);
    t.broken(
        M1,
        E::GO_LABEL,
        &[0],
        "expected a goroutine but didn't have one",
    );
    t.ok(M1, E::GO_STATUS, &[1, M1 as u64, status(gs::RUNNING)]);
    t.ok(M1, E::GO_LABEL, &[0]);
    t.ok(M1, E::USER_LOG, &[0, 0, 0, 0]);
    t.ok(M1, E::PROCS_CHANGE, &[4, 0]);
}

#[test]
fn heap_metrics_need_a_proc_not_a_goroutine() {
    let mut t = Sim::new();
    t.ok(M1, E::PROC_STATUS, &[0, status(ps::RUNNING)]);
    t.ok(M1, E::HEAP_ALLOC, &[1 << 20]);
    t.ok(M1, E::HEAP_GOAL, &[4 << 20]);
    t.broken(
        M2,
        E::HEAP_ALLOC,
        &[1 << 20],
        "expected a proc but didn't have one",
    );
}

#[test]
fn alloc_free_events_need_only_a_thread() {
    let mut t = Sim::new();
    t.ok(M1, E::SPAN_ALLOC, &[1, 1, 0]);
    t.broken(
        NO_M,
        E::SPAN_FREE,
        &[1],
        "expected a thread but didn't have one",
    );
}

#[test]
fn user_task_begin_rejects_an_active_task_id_and_an_unknown_name() {
    let mut t = Sim::new();
    t.evt.strings.insert(1, "request".into()).expect("string");
    t.running(M1, 0, 1);
    t.ok(M1, E::USER_TASK_BEGIN, &[5, 0, 1, 0]);
    assert_eq!(t.last().args[1], TaskId::NONE.0, "parent 0 is no parent");
    t.broken(M1, E::USER_TASK_BEGIN, &[5, 0, 1, 0], "task ID conflict: 5");
    t.broken(
        M1,
        E::USER_TASK_BEGIN,
        &[6, 0, 99, 0],
        "invalid string ID 99",
    );
}

#[test]
fn user_task_end_carries_its_begins_parent_and_name_and_may_end_an_unknown_task() {
    let mut t = Sim::new();
    t.evt.strings.insert(1, "request".into()).expect("string");
    t.running(M1, 0, 1);
    t.ok(M1, E::USER_TASK_BEGIN, &[5, 4, 1, 0]);
    t.ok(M1, E::USER_TASK_END, &[5, 0]);
    assert_eq!(t.last().args[2..], [4, 1 | TASK_NAME_IN_STRINGS]);
    t.ok(M1, E::USER_TASK_END, &[42, 0]);
    assert_eq!(t.last().args[2..], [TaskId::NONE.0, 0]);
}

#[test]
fn user_region_end_must_match_the_innermost_region() {
    let mut t = Sim::new();
    t.evt.strings.insert(1, "outer".into()).expect("string");
    t.evt.strings.insert(2, "inner".into()).expect("string");
    t.running(M1, 0, 1);
    // Begun before the trace started: unknown, accepted.
    t.ok(M1, E::USER_REGION_END, &[0, 1, 0]);
    t.ok(M1, E::USER_REGION_BEGIN, &[0, 1, 0]);
    t.ok(M1, E::USER_REGION_BEGIN, &[0, 2, 0]);
    t.broken(
        M1,
        E::USER_REGION_END,
        &[0, 1, 0],
        "misuse of region in goroutine 1: region end {0 outer} when the inner-most active region start event is {0 inner}",
    );
    t.ok(M1, E::USER_REGION_END, &[0, 2, 0]);
    t.ok(M1, E::USER_REGION_END, &[0, 1, 0]);
    t.broken(
        M1,
        E::USER_REGION_BEGIN,
        &[0, 99, 0],
        "invalid string ID 99",
    );
}
