//! The pass over the ordered v1 events before conversion: ticks become
//! nanoseconds, some events move to Go's fake procs, and Go's
//! `postProcessTrace` checks run (a proc runs one goroutine at a time, a
//! goroutine is blocked before it is unblocked, ...). The same pass records
//! what the converter would otherwise look up later: whether each syscall
//! blocked, and the parent and name of each ended task.

use super::events::{Ev, EvStore, SYSCALL_BLOCKED, desc, ev, fake_p, quote};
use super::idmap::{IdMap, pkey};
use crate::trace::error::{Result, trace_err};
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

/// Runs the pass over `store`; `table` gets the task names the converter
/// will need as extra strings.
pub(crate) fn process(
    store: &mut EvStore,
    ticks_per_sec: i64,
    timer_goids: &FxHashSet<u64>,
    table: &mut EvTable,
) -> Result<()> {
    let n = store.len();
    if n == 0 {
        return Ok(());
    }
    let min_ts = store.get(0).ts;
    let freq = 1e9 / ticks_per_sec as f64;
    let cap = (n.saturating_mul(2) + 1024).min(1 << 24);
    let mut gs: IdMap<GDesc> = IdMap::new(cap);
    let mut ps: IdMap<PDesc> = IdMap::new(1 << 16);
    let mut pending_syscall: IdMap<u64> = IdMap::new(cap);
    let mut tasks: FxHashMap<u64, Ev> = FxHashMap::default();
    let mut task_info: FxHashMap<u64, (u64, u64)> = FxHashMap::default();
    let mut regions: FxHashMap<u64, Vec<Ev>> = FxHashMap::default();
    let (mut in_gc, mut in_stw) = (false, false);
    gs.set(
        0,
        GDesc {
            present: true,
            state: RUNNING,
            ..GDesc::default()
        },
    );

    for i in 0..n {
        let e = store.get_mut(i);
        e.ts = (e.ts.wrapping_sub(min_ts) as f64 * freq) as i64;
        let (ts, typ) = (e.ts, e.typ);
        let gid = store.g(store.get(i));
        if typ == ev::GO_UNBLOCK && !timer_goids.is_empty() && timer_goids.contains(&gid) {
            store.set_p(i, fake_p::TIMER)?;
        }
        if typ == ev::GO_SYS_EXIT {
            store.set_p(i, fake_p::SYSCALL)?;
        }
        let e = *store.get(i);
        let (pid, a0, a1) = (store.p(&e), store.a0(&e), store.a1(&e));
        let name = desc(typ).name;

        // Does the goroutine's previous syscall block?
        let pend = pending_syscall.get(gid);
        if pend != 0 {
            if typ == ev::GO_SYS_BLOCK {
                store.get_mut((pend - 1) as usize).flags |= SYSCALL_BLOCKED;
            }
            pending_syscall.set(gid, 0);
        }
        if typ == ev::GO_SYS_CALL {
            pending_syscall.set(gid, i as u64 + 1);
        }

        let check_running = |p: &PDesc, g: &GDesc, allow_g0: bool| -> Result<()> {
            if g.state != RUNNING {
                return Err(trace_err!(
                    "g {gid} is not running while {name} (time {ts})"
                ));
            }
            if p.g != gid {
                return Err(trace_err!(
                    "p {pid} is not running g {gid} while {name} (time {ts})"
                ));
            }
            if !allow_g0 && gid == 0 {
                return Err(trace_err!("g 0 did {name} (time {ts})"));
            }
            Ok(())
        };
        let mut g = gs.get(gid);
        let mut p = ps.get(pkey(pid));
        match typ {
            ev::PROC_START => {
                if p.running {
                    return Err(trace_err!("p {pid} is running before start (time {ts})"));
                }
                p.running = true;
                ps.set(pkey(pid), p);
            }
            ev::PROC_STOP => {
                if !p.running {
                    return Err(trace_err!("p {pid} is not running before stop (time {ts})"));
                }
                if p.g != 0 {
                    return Err(trace_err!(
                        "p {pid} is running a goroutine {} during stop (time {ts})",
                        p.g
                    ));
                }
                p.running = false;
                ps.set(pkey(pid), p);
            }
            ev::GC_START => {
                if in_gc {
                    return Err(trace_err!(
                        "previous GC is not ended before a new one (time {ts})"
                    ));
                }
                in_gc = true;
                store.set_p(i, fake_p::GC)?;
            }
            ev::GC_DONE => {
                if !in_gc {
                    return Err(trace_err!("bogus GC end (time {ts})"));
                }
                in_gc = false;
            }
            ev::STW_START => {
                if in_stw {
                    return Err(trace_err!(
                        "previous STW is not ended before a new one (time {ts})"
                    ));
                }
                in_stw = true;
            }
            ev::STW_DONE => {
                if !in_stw {
                    return Err(trace_err!("bogus STW end (time {ts})"));
                }
                in_stw = false;
            }
            ev::GC_SWEEP_START => {
                if p.sweeping {
                    return Err(trace_err!(
                        "previous sweeping is not ended before a new one (time {ts})"
                    ));
                }
                p.sweeping = true;
                ps.set(pkey(pid), p);
            }
            ev::GC_MARK_ASSIST_START => {
                if g.assisting {
                    return Err(trace_err!(
                        "previous mark assist is not ended before a new one (time {ts})"
                    ));
                }
                g.assisting = true;
                set_g(&mut gs, gid, g);
            }
            ev::GC_MARK_ASSIST_DONE => {
                // Mark assists can be in progress when tracing starts.
                g.assisting = false;
                set_g(&mut gs, gid, g);
            }
            ev::GC_SWEEP_DONE => {
                if !p.sweeping {
                    return Err(trace_err!("bogus sweeping end (time {ts})"));
                }
                p.sweeping = false;
                ps.set(pkey(pid), p);
            }
            ev::GO_WAITING | ev::GO_IN_SYSCALL => {
                if g.state != RUNNABLE {
                    return Err(trace_err!(
                        "g {gid} is not runnable before Ev{name} (time {ts})"
                    ));
                }
                g.state = WAITING;
                g.blocked_on_net = false;
                set_g(&mut gs, gid, g);
            }
            ev::GO_CREATE => {
                check_running(&p, &g, true)?;
                if gs.get(a0).present {
                    return Err(trace_err!("g {} already exists (time {ts})", a0));
                }
                let new = GDesc {
                    state: RUNNABLE,
                    ..GDesc::default()
                };
                set_g(&mut gs, a0, new);
            }
            ev::GO_START | ev::GO_START_LABEL => {
                if g.state != RUNNABLE {
                    return Err(trace_err!(
                        "g {gid} is not runnable before start (time {ts})"
                    ));
                }
                if p.g != 0 {
                    return Err(trace_err!(
                        "p {pid} is already running g {} while start g {gid} (time {ts})",
                        p.g
                    ));
                }
                g.state = RUNNING;
                g.blocked_on_net = false;
                p.g = gid;
                set_g(&mut gs, gid, g);
                ps.set(pkey(pid), p);
            }
            ev::GO_END | ev::GO_STOP => {
                check_running(&p, &g, false)?;
                g.state = DEAD;
                p.g = 0;
                if typ == ev::GO_END {
                    regions.remove(&gid);
                }
                set_g(&mut gs, gid, g);
                ps.set(pkey(pid), p);
            }
            ev::GO_SCHED | ev::GO_PREEMPT => {
                check_running(&p, &g, false)?;
                g.state = RUNNABLE;
                g.blocked_on_net = false;
                p.g = 0;
                set_g(&mut gs, gid, g);
                ps.set(pkey(pid), p);
            }
            ev::GO_UNBLOCK => {
                if g.state != RUNNING {
                    return Err(trace_err!(
                        "g {gid} is not running while unpark (time {ts})"
                    ));
                }
                if pid != fake_p::TIMER && p.g != gid {
                    return Err(trace_err!(
                        "p {pid} is not running g {gid} while unpark (time {ts})"
                    ));
                }
                let mut g1 = gs.get(a0);
                if g1.state != WAITING {
                    return Err(trace_err!(
                        "g {} is not waiting before unpark (time {ts})",
                        a0
                    ));
                }
                if g1.blocked_on_net {
                    store.set_p(i, fake_p::NETPOLL)?;
                }
                g1.state = RUNNABLE;
                g1.blocked_on_net = false;
                set_g(&mut gs, a0, g1);
            }
            ev::GO_SYS_CALL => {
                check_running(&p, &g, false)?;
                g.blocked_on_net = false;
                set_g(&mut gs, gid, g);
            }
            ev::GO_SYS_BLOCK => {
                check_running(&p, &g, false)?;
                g.state = WAITING;
                p.g = 0;
                set_g(&mut gs, gid, g);
                ps.set(pkey(pid), p);
            }
            ev::GO_SYS_EXIT => {
                if g.state != WAITING {
                    return Err(trace_err!(
                        "g {gid} is not waiting during syscall exit (time {ts})"
                    ));
                }
                g.state = RUNNABLE;
                g.blocked_on_net = false;
                set_g(&mut gs, gid, g);
            }
            ev::GO_SLEEP
            | ev::GO_BLOCK
            | ev::GO_BLOCK_SEND
            | ev::GO_BLOCK_RECV
            | ev::GO_BLOCK_SELECT
            | ev::GO_BLOCK_SYNC
            | ev::GO_BLOCK_COND
            | ev::GO_BLOCK_NET
            | ev::GO_BLOCK_GC => {
                check_running(&p, &g, false)?;
                g.state = WAITING;
                g.blocked_on_net = typ == ev::GO_BLOCK_NET;
                p.g = 0;
                set_g(&mut gs, gid, g);
                ps.set(pkey(pid), p);
            }
            ev::USER_TASK_CREATE => {
                if let Some(prev) = tasks.get(&a0) {
                    return Err(trace_err!(
                        "task id conflicts (id:{}), {} vs {}",
                        a0,
                        quote(&store.text(&e)),
                        quote(&store.text(prev))
                    ));
                }
                tasks.insert(a0, e);
                task_info.insert(a0, (a1, store.a2(&e)));
            }
            ev::USER_TASK_END => {
                tasks.remove(&a0);
                // What the converter's own task map would give (Go's
                // traceV1Converter.tasks): parent and name as extra string.
                let (parent, extra) = match task_info.remove(&a0) {
                    Some((parent, name_id)) => {
                        let name = table.string(name_id).to_owned();
                        (parent, table.add_extra_string(&name))
                    }
                    None => (TaskId::NONE.0, 0),
                };
                store.set_a1(i, parent);
                store.set_a2(i, extra);
            }
            ev::USER_REGION => region(&mut regions, store, &e)?,
            _ => {}
        }

        let stk = store.get(i).stk;
        if stk != 0 && table.stacks.get(u64::from(stk)).is_none() {
            store.get_mut(i).stk = 0;
        }
    }
    Ok(())
}

#[inline]
fn set_g(gs: &mut IdMap<GDesc>, id: u64, mut g: GDesc) {
    g.present = true;
    gs.set(id, g);
}

/// A region start (mode 0) or end (mode 1): ends must match the innermost
/// open region of the goroutine, when there is one.
fn region(regions: &mut FxHashMap<u64, Vec<Ev>>, store: &EvStore, e: &Ev) -> Result<()> {
    let g = store.g(e);
    match store.a1(e) {
        0 => regions.entry(g).or_default().push(*e),
        1 => {
            if let Some(stack) = regions.get_mut(&g) {
                if let Some(s) = stack.last() {
                    if store.a0(s) != store.a0(e) || store.a2(s) != store.a2(e) {
                        return Err(trace_err!(
                            "misuse of region in goroutine {}: span end {} when the inner-most active span start event is {}",
                            g,
                            quote(&store.text(e)),
                            quote(&store.text(s))
                        ));
                    }
                    stack.pop();
                }
                if stack.is_empty() {
                    regions.remove(&g);
                }
            }
        }
        _ => {
            return Err(trace_err!(
                "invalid user region mode: {}",
                quote(&store.text(e))
            ));
        }
    }
    Ok(())
}
