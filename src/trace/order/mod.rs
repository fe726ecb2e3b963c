//! Go's partial-order rules for v2 traces (Go's `order.go`): emulates the
//! scheduler state of every goroutine, proc and thread, decides whether the
//! next event of a thread may happen now, validates it and queues the
//! resulting events. Split by resource: procs, goroutines, ranges, user
//! annotations.

mod annotations;
mod goroutines;
mod procs;
mod ranges;
mod state;
#[cfg(test)]
mod tests;

use super::cursor::BaseEvent;
use super::error::{trace_err, Result};
use super::event::Event;
use super::ids::{GoId, ProcId, SchedCtx, TaskId, ThreadId};
use super::spec::EventType;
use super::table::EvTable;
use rustc_hash::FxHashMap;
pub use state::{GState, MState, PState};
use state::{GcState, MStates, TaskState};

/// Presence requirement for one part of a scheduling context.
#[derive(Clone, Copy, PartialEq, Eq)]
#[expect(
    clippy::enum_variant_names,
    reason = "Go's names: mustNotHave, mayHave, mustHave"
)]
enum Need {
    MustNotHave,
    MayHave,
    MustHave,
}

/// Requirements on the G, P and M of an event's context.
#[derive(Clone, Copy)]
struct Reqs {
    m: Need,
    p: Need,
    g: Need,
}

/// Running user code: a thread, a proc and a goroutine.
const USER_GO_REQS: Reqs = Reqs {
    m: Need::MustHave,
    p: Need::MustHave,
    g: Need::MustHave,
};

fn validate_ctx(ctx: SchedCtx, reqs: Reqs) -> Result<()> {
    let m = ctx.m.is_some();
    if reqs.m == Need::MustHave && !m {
        return Err(trace_err!("expected a thread but didn't have one"));
    } else if reqs.m == Need::MustNotHave && m {
        return Err(trace_err!("expected no thread but had one"));
    }
    let p = ctx.p.is_some();
    if reqs.p == Need::MustHave && !p {
        return Err(trace_err!("expected a proc but didn't have one"));
    } else if reqs.p == Need::MustNotHave && p {
        return Err(trace_err!("expected no proc but had one"));
    }
    let g = ctx.g.is_some();
    if reqs.g == Need::MustHave && !g {
        return Err(trace_err!("expected a goroutine but didn't have one"));
    } else if reqs.g == Need::MustNotHave && g {
        return Err(trace_err!("expected no goroutine but had one"));
    }
    Ok(())
}

/// A per-generation sequence number of a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Seq {
    gen: u64,
    seq: u64,
}

impl Seq {
    fn new(gen: u64, seq: u64) -> Seq {
        Seq { gen, seq }
    }

    /// True if `self` immediately follows `prev`.
    fn succeeds(self, prev: Seq) -> bool {
        self.gen == prev.gen && self.seq == prev.seq.wrapping_add(1)
    }
}

impl std::fmt::Display for Seq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (gen={})", self.seq, self.gen)
    }
}

/// Outcome of trying to advance one event.
type Step = Result<Option<SchedCtx>>;

/// The ordering state, carried across generations.
pub struct Ordering {
    version: u32,
    g_states: FxHashMap<GoId, GState>,
    p_states: FxHashMap<ProcId, PState>,
    m_states: MStates,
    active_tasks: FxHashMap<TaskId, TaskState>,
    gc_seq: u64,
    gc_state: GcState,
    initial_gen: u64,
    /// Ordered events produced by [`Ordering::advance`], oldest first, not
    /// yet taken by the reader (which swaps its output buffer in here).
    pub(crate) queue: Vec<Event>,
}

impl Ordering {
    /// Fresh state for a trace of format `version` (22, 23, 25, 26).
    pub fn new(version: u32) -> Ordering {
        Ordering {
            version,
            g_states: FxHashMap::default(),
            p_states: FxHashMap::default(),
            m_states: MStates::default(),
            active_tasks: FxHashMap::default(),
            gc_seq: 0,
            gc_state: GcState::Undetermined,
            initial_gen: 0,
            queue: Vec::new(),
        }
    }

    /// Makes the names of tasks still open from earlier generations
    /// resolvable in the new generation's table, before it is shared.
    pub fn prepare_generation(&mut self, table: &mut EvTable) {
        for t in self.active_tasks.values_mut() {
            t.name_ref = table.add_extra_string(&t.name);
        }
    }

    /// The slot of thread `m` in the thread states, for
    /// [`Ordering::advance`] (a batch cursor asks once per generation).
    pub fn thread_slot(&mut self, m: ThreadId) -> u32 {
        self.m_states.slot(m)
    }

    /// Tries to advance `ev`, read from thread `m`'s batches in generation
    /// `gen`: Ok(false) when it cannot happen yet (try another thread),
    /// Err when the trace is broken. `m_slot` is `m`'s [`Ordering::thread_slot`]
    /// (unused for events without a thread). The resulting events are
    /// appended to `queue`.
    #[inline]
    pub fn advance(
        &mut self,
        ev: &BaseEvent,
        evt: &EvTable,
        m: ThreadId,
        m_slot: u32,
        gen: u64,
    ) -> Result<bool> {
        if self.initial_gen == 0 {
            self.initial_gen = gen;
        }
        let mut cur = SchedCtx {
            g: GoId::NONE,
            p: ProcId::NONE,
            m,
        };
        if m.is_some() {
            let ms = self.m_states.at(m_slot);
            cur.p = ms.p;
            cur.g = ms.g;
        }
        let mut ev = *ev;
        match self.dispatch(&mut ev, evt, gen, cur)? {
            Some(new_ctx) => {
                if m.is_some() {
                    let ms = self.m_states.at(m_slot);
                    ms.p = new_ctx.p;
                    ms.g = new_ctx.g;
                }
                Ok(true)
            }
            None => Ok(false),
        }
    }

    #[inline]
    fn dispatch(&mut self, ev: &mut BaseEvent, evt: &EvTable, gen: u64, cur: SchedCtx) -> Step {
        use EventType as E;
        match ev.typ {
            E::PROCS_CHANGE | E::GO_LABEL | E::USER_LOG => self.advance_annotation(ev, cur),
            E::PROC_START => self.advance_proc_start(ev, gen, cur),
            E::PROC_STOP => self.advance_proc_stop(ev, cur),
            E::PROC_STEAL => self.advance_proc_steal(ev, gen, cur),
            E::PROC_STATUS => self.advance_proc_status(ev, gen, cur),
            E::GO_CREATE | E::GO_CREATE_BLOCKED => self.advance_go_create(ev, gen, cur),
            E::GO_CREATE_SYSCALL => self.advance_go_create_syscall(ev, gen, cur),
            E::GO_START => self.advance_go_start(ev, gen, cur),
            E::GO_DESTROY | E::GO_STOP | E::GO_BLOCK => self.advance_go_stop_exec(ev, cur),
            E::GO_DESTROY_SYSCALL => self.advance_go_destroy_syscall(ev, cur),
            E::GO_UNBLOCK => self.advance_go_unblock(ev, gen, cur),
            E::GO_SYSCALL_BEGIN => self.advance_go_syscall_begin(ev, gen, cur),
            E::GO_SYSCALL_END => self.advance_go_syscall_end(ev, cur),
            E::GO_SYSCALL_END_BLOCKED => self.advance_go_syscall_end_blocked(ev, cur),
            E::GO_STATUS | E::GO_STATUS_STACK => self.advance_go_status(ev, gen, cur),
            E::GO_SWITCH | E::GO_SWITCH_DESTROY => self.advance_go_switch(ev, gen, cur),
            E::STW_BEGIN | E::GC_MARK_ASSIST_BEGIN => self.advance_go_range_begin(ev, cur),
            E::STW_END | E::GC_MARK_ASSIST_END => self.advance_go_range_end(ev, cur),
            E::GC_MARK_ASSIST_ACTIVE => self.advance_go_range_active(ev, gen, cur),
            E::GC_ACTIVE => self.advance_gc_active(ev, gen, cur),
            E::GC_BEGIN => self.advance_gc_begin(ev, cur),
            E::GC_END => self.advance_gc_end(ev, cur),
            E::GC_SWEEP_ACTIVE => self.advance_gc_sweep_active(ev, gen, cur),
            E::GC_SWEEP_BEGIN => self.advance_gc_sweep_begin(ev, cur),
            E::GC_SWEEP_END => self.advance_gc_sweep_end(ev, cur),
            E::HEAP_ALLOC | E::HEAP_GOAL => self.advance_heap_metric(ev, cur),
            E::USER_TASK_BEGIN => self.advance_user_task_begin(ev, evt, cur),
            E::USER_TASK_END => self.advance_user_task_end(ev, cur),
            E::USER_REGION_BEGIN => self.advance_user_region_begin(ev, evt, cur),
            E::USER_REGION_END => self.advance_user_region_end(ev, evt, cur),
            t if (128..=136).contains(&t.0) => self.advance_alloc_free(ev, cur),
            t => Err(trace_err!("bad event type found while ordering: {}", t.0)),
        }
    }

    /// Go's name of an event type for this trace version.
    fn ev_name(&self, t: EventType) -> String {
        ev_name(self.version, t)
    }

    /// Queues an ordered event.
    #[inline]
    fn push(&mut self, ctx: SchedCtx, ev: &BaseEvent) {
        self.queue.push(Event {
            typ: ev.typ,
            time: ev.time,
            ctx,
            args: ev.args,
        });
    }

    /// Queues a parser-made event.
    fn push_made(&mut self, ctx: SchedCtx, typ: EventType, time: i64, args: &[u64]) {
        let mut a = [0u64; 4];
        a[..args.len()].copy_from_slice(args);
        self.queue.push(Event {
            typ,
            time,
            ctx,
            args: a,
        });
    }

    /// A readable dump of the state, for "failed to advance" errors.
    pub fn dump(&self) -> String {
        let mut s = String::new();
        let mut gs: Vec<_> = self.g_states.iter().collect();
        gs.sort_by_key(|(id, _)| **id);
        for (id, g) in gs.iter().take(50) {
            s += &format!(
                "G {id} [status={} seq={}]\n",
                super::ids::go_status::name(g.status),
                g.seq
            );
        }
        if gs.len() > 50 {
            s += &format!("... {} more goroutines\n", gs.len() - 50);
        }
        let mut ps: Vec<_> = self.p_states.iter().collect();
        ps.sort_by_key(|(id, _)| **id);
        for (id, p) in ps {
            s += &format!(
                "P {id} [status={} seq={}]\n",
                super::ids::proc_status::name(p.status),
                p.seq
            );
        }
        let mut ms: Vec<_> = self.m_states.iter().collect();
        ms.sort_by_key(|(id, _)| **id);
        for (id, m) in ms {
            s += &format!("M {id} [g={} p={}]\n", m.g, m.p);
        }
        s += &format!("GC {} {:?}\n", self.gc_seq, self.gc_state);
        s
    }
}

/// Go's name of an event type in traces of format `version`, formatted
/// only when an error message needs it.
#[derive(Clone, Copy)]
struct EvName(u32, EventType);

impl std::fmt::Display for EvName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&ev_name(self.0, self.1))
    }
}

/// Go's name of an event type in traces of format `version` (for errors).
fn ev_name(version: u32, t: EventType) -> String {
    let limit = match version {
        22 => EventType::USER_LOG.0,
        23 => EventType::EXPERIMENTAL_BATCH.0,
        25 => EventType::CLOCK_SNAPSHOT.0,
        _ => 255,
    };
    if t.0 <= limit || t.0 >= 128 {
        if let Some(s) = t.spec() {
            return s.name.to_string();
        }
    }
    format!("Invalid({})", t.0)
}

/// Index of the first smuggled extra argument of an event type.
#[inline]
fn extra_index(t: EventType) -> usize {
    t.arg_count()
}
