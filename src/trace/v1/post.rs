//! The pass over the ordered v1 events before conversion: ticks become
//! nanoseconds, some events move to Go's fake procs, and Go's
//! `postProcessTrace` checks run (a proc runs one goroutine at a time, a
//! goroutine is blocked before it is unblocked, ...). The same pass records
//! what the converter would otherwise look up later: whether each syscall
//! blocked, and the parent and name of each ended task.

use super::events::{desc, ev, fake_p, quote, Ev, EvStore, SYSCALL_BLOCKED};
use super::idmap::{pkey, IdMap};
use crate::trace::error::{trace_err, Result};
use crate::trace::ids::TaskId;
use crate::trace::table::EvTable;
use rustc_hash::{FxHashMap, FxHashSet};

const DEAD: u8 = 0;
const RUNNABLE: u8 = 1;
const RUNNING: u8 = 2;
const WAITING: u8 = 3;

/// What the checks know of a goroutine (Go's `gdesc`).
#[derive(Clone, Copy, Default)]
struct GDesc {
    /// Seen at all (Go's map membership).
    present: bool,
    state: u8,
    /// The goroutine's last recorded event is a `GoBlockNet`.
    blocked_on_net: bool,
    /// In a mark assist.
    assisting: bool,
}

/// What the checks know of a proc (Go's `pdesc`).
#[derive(Clone, Copy, Default)]
struct PDesc {
    running: bool,
    g: u64,
    sweeping: bool,
}

/// The event being checked, its fields read once.
struct Cur {
    i: usize,
    e: Ev,
    ts: i64,
    typ: u8,
    g: u64,
    p: i32,
    a0: u64,
    a1: u64,
}

impl Cur {
    fn name(&self) -> &'static str {
        desc(self.typ).name
    }
}

/// The state of Go's checks.
struct Checker {
    gs: IdMap<GDesc>,
    ps: IdMap<PDesc>,
    in_gc: bool,
    in_stw: bool,
    /// Open tasks, for "task id conflicts".
    tasks: FxHashMap<u64, Ev>,
    /// What the converter's own task map would hold: (parent, name ID).
    task_info: FxHashMap<u64, (u64, u64)>,
    /// Open regions per goroutine.
    regions: FxHashMap<u64, Vec<Ev>>,
}

/// Runs the pass over `store`; `table` gets the task names the converter
/// will need as extra strings. Returns the number of references to stacks
/// missing from the table (a sign of truncation: the runtime writes its
/// stack table at the end).
pub(crate) fn process(
    store: &mut EvStore,
    ticks_per_sec: i64,
    timer_goids: &FxHashSet<u64>,
    table: &mut EvTable,
) -> Result<u64> {
    let n = store.len();
    if n == 0 {
        return Ok(0);
    }
    let mut missing_stacks = 0;
    let min_ts = store.get(0).ts;
    let freq = 1e9 / ticks_per_sec as f64;
    let cap = (n.saturating_mul(2) + 1024).min(1 << 24);
    let mut pending_syscall: IdMap<u64> = IdMap::new(cap);
    let mut c = Checker {
        gs: IdMap::new(cap),
        ps: IdMap::new(1 << 16),
        in_gc: false,
        in_stw: false,
        tasks: FxHashMap::default(),
        task_info: FxHashMap::default(),
        regions: FxHashMap::default(),
    };
    c.set_g(0, RUNNING, false);

    for i in 0..n {
        let e = store.get_mut(i);
        e.ts = (e.ts.wrapping_sub(min_ts) as f64 * freq) as i64;
        let typ = e.typ;
        let g = store.g(store.get(i));
        if typ == ev::GO_UNBLOCK && !timer_goids.is_empty() && timer_goids.contains(&g) {
            store.set_p(i, fake_p::TIMER)?;
        }
        if typ == ev::GO_SYS_EXIT {
            store.set_p(i, fake_p::SYSCALL)?;
        }

        // Does the goroutine's previous syscall block? (Its next event, of
        // any kind, says.)
        let pending = pending_syscall.get(g);
        if pending != 0 {
            if typ == ev::GO_SYS_BLOCK {
                store.get_mut((pending - 1) as usize).flags |= SYSCALL_BLOCKED;
            }
            pending_syscall.set(g, 0);
        }
        if typ == ev::GO_SYS_CALL {
            pending_syscall.set(g, i as u64 + 1);
        }

        let e = *store.get(i);
        let cur = Cur {
            i,
            e,
            ts: e.ts,
            typ,
            g,
            p: store.p(&e),
            a0: store.a0(&e),
            a1: store.a1(&e),
        };
        c.event(&cur, store, table)?;

        // Events referring to missing or empty stacks refer to none.
        if e.stk != 0 && table.stacks.get(u64::from(e.stk)).is_none() {
            store.get_mut(i).stk = 0;
            missing_stacks += 1;
        }
        if typ == ev::GO_CREATE && cur.a1 != 0 && table.stacks.get(cur.a1).is_none() {
            missing_stacks += 1;
        }
    }
    Ok(missing_stacks)
}

impl Checker {
    fn set_g(&mut self, id: u64, state: u8, blocked_on_net: bool) {
        let g = self.gs.entry(id);
        g.present = true;
        g.state = state;
        g.blocked_on_net = blocked_on_net;
    }

    /// Go's `checkRunning`: the event's goroutine runs on the event's proc.
    fn check_running(&self, c: &Cur, allow_g0: bool) -> Result<()> {
        let (g, p, name, ts) = (c.g, c.p, c.name(), c.ts);
        if self.gs.get(g).state != RUNNING {
            return Err(trace_err!("g {g} is not running while {name} (time {ts})"));
        }
        if self.ps.get(pkey(p)).g != g {
            return Err(trace_err!(
                "p {p} is not running g {g} while {name} (time {ts})"
            ));
        }
        if !allow_g0 && g == 0 {
            return Err(trace_err!("g 0 did {name} (time {ts})"));
        }
        Ok(())
    }

    /// The event's goroutine stops running on its proc.
    fn stop_running(&mut self, c: &Cur, state: u8, blocked_on_net: Option<bool>) {
        let net = blocked_on_net.unwrap_or(self.gs.get(c.g).blocked_on_net);
        self.set_g(c.g, state, net);
        self.ps.entry(pkey(c.p)).g = 0;
    }

    fn event(&mut self, c: &Cur, store: &mut EvStore, table: &mut EvTable) -> Result<()> {
        match c.typ {
            ev::PROC_START | ev::PROC_STOP => self.proc(c),
            ev::GC_START
            | ev::GC_DONE
            | ev::STW_START
            | ev::STW_DONE
            | ev::GC_SWEEP_START
            | ev::GC_SWEEP_DONE
            | ev::GC_MARK_ASSIST_START
            | ev::GC_MARK_ASSIST_DONE => self.gc(c, store),
            ev::USER_TASK_CREATE | ev::USER_TASK_END => self.task(c, store, table),
            ev::USER_REGION => self.region(c, store),
            _ => self.goroutine(c, store),
        }
    }

    /// A proc starts or stops.
    #[inline]
    fn proc(&mut self, c: &Cur) -> Result<()> {
        let (ts, p) = (c.ts, c.p);
        let pd = self.ps.entry(pkey(p));
        if c.typ == ev::PROC_START {
            if pd.running {
                return Err(trace_err!("p {p} is running before start (time {ts})"));
            }
            pd.running = true;
            return Ok(());
        }
        if !pd.running {
            return Err(trace_err!("p {p} is not running before stop (time {ts})"));
        }
        if pd.g != 0 {
            return Err(trace_err!(
                "p {p} is running a goroutine {} during stop (time {ts})",
                pd.g
            ));
        }
        pd.running = false;
        Ok(())
    }

    /// Goroutine events: creation, start, stop, block, unblock, syscalls.
    #[inline]
    fn goroutine(&mut self, c: &Cur, store: &mut EvStore) -> Result<()> {
        let (ts, g) = (c.ts, c.g);
        match c.typ {
            ev::GO_WAITING | ev::GO_IN_SYSCALL => {
                if self.gs.get(g).state != RUNNABLE {
                    let name = c.name();
                    return Err(trace_err!(
                        "g {g} is not runnable before Ev{name} (time {ts})"
                    ));
                }
                self.set_g(g, WAITING, false);
            }
            ev::GO_CREATE => {
                self.check_running(c, true)?;
                if self.gs.get(c.a0).present {
                    return Err(trace_err!("g {} already exists (time {ts})", c.a0));
                }
                self.set_g(c.a0, RUNNABLE, false);
            }
            ev::GO_START | ev::GO_START_LABEL => self.start(c)?,
            ev::GO_END | ev::GO_STOP => {
                self.check_running(c, false)?;
                self.stop_running(c, DEAD, None);
                if c.typ == ev::GO_END {
                    self.regions.remove(&g);
                }
            }
            ev::GO_SCHED | ev::GO_PREEMPT => {
                self.check_running(c, false)?;
                self.stop_running(c, RUNNABLE, Some(false));
            }
            ev::GO_UNBLOCK => self.unblock(c, store)?,
            ev::GO_SYS_CALL => {
                self.check_running(c, false)?;
                self.set_g(g, RUNNING, false);
            }
            ev::GO_SYS_BLOCK => {
                self.check_running(c, false)?;
                self.stop_running(c, WAITING, None);
            }
            ev::GO_SYS_EXIT => {
                if self.gs.get(g).state != WAITING {
                    return Err(trace_err!(
                        "g {g} is not waiting during syscall exit (time {ts})"
                    ));
                }
                self.set_g(g, RUNNABLE, false);
            }
            t if ev::blocks_goroutine(t) => {
                self.check_running(c, false)?;
                self.stop_running(c, WAITING, Some(c.typ == ev::GO_BLOCK_NET));
            }
            _ => {}
        }
        Ok(())
    }

    /// A runnable goroutine starts on an idle proc.
    #[inline]
    fn start(&mut self, c: &Cur) -> Result<()> {
        let (ts, g, p) = (c.ts, c.g, c.p);
        if self.gs.get(g).state != RUNNABLE {
            return Err(trace_err!("g {g} is not runnable before start (time {ts})"));
        }
        let running = self.ps.get(pkey(p)).g;
        if running != 0 {
            return Err(trace_err!(
                "p {p} is already running g {running} while start g {g} (time {ts})"
            ));
        }
        self.set_g(g, RUNNING, false);
        self.ps.entry(pkey(p)).g = g;
        Ok(())
    }

    /// The running goroutine unblocks a waiting one (moved to the netpoll
    /// proc when it was blocked on the network).
    #[inline]
    fn unblock(&mut self, c: &Cur, store: &mut EvStore) -> Result<()> {
        let (ts, g, p) = (c.ts, c.g, c.p);
        if self.gs.get(g).state != RUNNING {
            return Err(trace_err!("g {g} is not running while unpark (time {ts})"));
        }
        if p != fake_p::TIMER && self.ps.get(pkey(p)).g != g {
            return Err(trace_err!(
                "p {p} is not running g {g} while unpark (time {ts})"
            ));
        }
        let g1 = self.gs.get(c.a0);
        if g1.state != WAITING {
            return Err(trace_err!(
                "g {} is not waiting before unpark (time {ts})",
                c.a0
            ));
        }
        if g1.blocked_on_net {
            store.set_p(c.i, fake_p::NETPOLL)?;
        }
        self.set_g(c.a0, RUNNABLE, false);
        Ok(())
    }

    /// A task is created (its ID must be free) or ends.
    fn task(&mut self, c: &Cur, store: &mut EvStore, table: &mut EvTable) -> Result<()> {
        if c.typ == ev::USER_TASK_CREATE {
            if let Some(prev) = self.tasks.get(&c.a0) {
                return Err(trace_err!(
                    "task id conflicts (id:{}), {} vs {}",
                    c.a0,
                    quote(&store.text(&c.e)),
                    quote(&store.text(prev))
                ));
            }
            self.tasks.insert(c.a0, c.e);
            self.task_info.insert(c.a0, (c.a1, store.a2(&c.e)));
            return Ok(());
        }
        self.tasks.remove(&c.a0);
        // What the converter's own task map would give (Go's
        // traceV1Converter.tasks): the parent, and the name as an
        // extra string. Left in a1 and a2 for the converter.
        let (parent, extra) = match self.task_info.remove(&c.a0) {
            Some((parent, name_id)) => {
                let name = table.string(name_id).to_owned();
                (parent, table.add_extra_string(&name))
            }
            None => (TaskId::NONE.0, 0),
        };
        store.set_a1(c.i, parent);
        store.set_a2(c.i, extra);
        Ok(())
    }

    /// GC, stop-the-world, sweep and mark assist ranges.
    fn gc(&mut self, c: &Cur, store: &mut EvStore) -> Result<()> {
        let ts = c.ts;
        match c.typ {
            ev::GC_START => {
                if self.in_gc {
                    return Err(trace_err!(
                        "previous GC is not ended before a new one (time {ts})"
                    ));
                }
                self.in_gc = true;
                // Attributed to the global GC state.
                store.set_p(c.i, fake_p::GC)?;
            }
            ev::GC_DONE => {
                if !self.in_gc {
                    return Err(trace_err!("bogus GC end (time {ts})"));
                }
                self.in_gc = false;
            }
            ev::STW_START => {
                if self.in_stw {
                    return Err(trace_err!(
                        "previous STW is not ended before a new one (time {ts})"
                    ));
                }
                self.in_stw = true;
            }
            ev::STW_DONE => {
                if !self.in_stw {
                    return Err(trace_err!("bogus STW end (time {ts})"));
                }
                self.in_stw = false;
            }
            ev::GC_SWEEP_START => {
                let pd = self.ps.entry(pkey(c.p));
                if pd.sweeping {
                    return Err(trace_err!(
                        "previous sweeping is not ended before a new one (time {ts})"
                    ));
                }
                pd.sweeping = true;
            }
            ev::GC_SWEEP_DONE => {
                let pd = self.ps.entry(pkey(c.p));
                if !pd.sweeping {
                    return Err(trace_err!("bogus sweeping end (time {ts})"));
                }
                pd.sweeping = false;
            }
            ev::GC_MARK_ASSIST_START => {
                let gd = self.gs.entry(c.g);
                if gd.assisting {
                    return Err(trace_err!(
                        "previous mark assist is not ended before a new one (time {ts})"
                    ));
                }
                gd.assisting = true;
                gd.present = true;
            }
            _ => {
                // Mark assists can be in progress when tracing starts.
                let gd = self.gs.entry(c.g);
                gd.assisting = false;
                gd.present = true;
            }
        }
        Ok(())
    }

    /// A region start (mode 0) or end (mode 1): an end must match the
    /// innermost open region of the goroutine, when there is one.
    fn region(&mut self, c: &Cur, store: &EvStore) -> Result<()> {
        match c.a1 {
            0 => self.regions.entry(c.g).or_default().push(c.e),
            1 => {
                if let Some(stack) = self.regions.get_mut(&c.g) {
                    if let Some(s) = stack.last() {
                        if store.a0(s) != c.a0 || store.a2(s) != store.a2(&c.e) {
                            return Err(trace_err!(
                                "misuse of region in goroutine {}: span end {} when the inner-most active span start event is {}",
                                c.g,
                                quote(&store.text(&c.e)),
                                quote(&store.text(s))
                            ));
                        }
                        stack.pop();
                    }
                    if stack.is_empty() {
                        self.regions.remove(&c.g);
                    }
                }
            }
            _ => {
                return Err(trace_err!(
                    "invalid user region mode: {}",
                    quote(&store.text(&c.e))
                ));
            }
        }
        Ok(())
    }
}
