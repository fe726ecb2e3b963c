//! Ordering rules for goroutines: status, create, start, stop, block,
//! unblock, switch, syscalls.

use super::super::cursor::BaseEvent;
use super::super::error::trace_err;
use super::super::ids::{
    go_status as gs, proc_status as ps, GoId, GoState, ProcId, SchedCtx, ThreadId,
};
use super::super::spec::EventType;
use super::state::{GState, MState};
use super::{extra_index, validate_ctx, EvName, Need, Ordering, Reqs, Seq, Step, USER_GO_REQS};

impl Ordering {
    pub(super) fn advance_go_status(
        &mut self,
        ev: &mut BaseEvent,
        gen: u64,
        mut cur: SchedCtx,
    ) -> Step {
        let gid = GoId(ev.args[0] as i64);
        let mid = ThreadId(ev.args[1] as i64);
        let status = ev.args[2];
        if status > u64::from(gs::WAITING) {
            return Err(trace_err!("invalid status for goroutine {gid}: {status}"));
        }
        let status = status as u8;
        let mut old = gs::to_state(status);
        if let Some(s) = self.g_states.get_mut(&gid) {
            if s.status != status {
                return Err(trace_err!(
                    "inconsistent status for goroutine {gid}: old {} vs. new {}",
                    gs::name(s.status),
                    gs::name(status)
                ));
            }
            s.seq = Seq::new(gen, 0);
        } else if gen == self.initial_gen {
            self.g_states
                .insert(gid, GState::new(status, Seq::new(gen, 0)));
            old = GoState::Undetermined;
        } else {
            return Err(trace_err!(
                "found goroutine status for new goroutine after the first generation: id={gid} status={}",
                gs::name(status)
            ));
        }
        ev.args[2] = ((old as u64) << 32) | u64::from(status);

        let mut new = cur;
        match status {
            gs::RUNNING => new.g = gid,
            gs::SYSCALL => {
                if !mid.is_some() {
                    return Err(trace_err!(
                        "found goroutine {gid} in syscall without a thread"
                    ));
                }
                if mid == cur.m {
                    if gen != self.initial_gen && cur.g != gid {
                        return Err(trace_err!(
                            "inconsistent thread for syscalling goroutine {gid}: thread has goroutine {}",
                            cur.g
                        ));
                    }
                    new.g = gid;
                } else {
                    // A goroutine sitting in a syscall on another thread for
                    // the whole generation.
                    if let Some(ms) = self.m_states.get(&mid) {
                        if ms.g != gid {
                            return Err(trace_err!(
                                "inconsistent thread for syscalling goroutine {gid}: thread has goroutine {}",
                                ms.g
                            ));
                        }
                        cur.g = ms.g;
                    } else {
                        self.m_states.insert(
                            mid,
                            MState {
                                g: gid,
                                p: ProcId::NONE,
                            },
                        );
                    }
                    cur.m = mid;
                }
            }
            _ => {}
        }
        self.push(cur, ev);
        Ok(Some(new))
    }

    pub(super) fn advance_go_create(&mut self, ev: &BaseEvent, gen: u64, cur: SchedCtx) -> Step {
        validate_ctx(
            cur,
            Reqs {
                m: Need::MustHave,
                p: Need::MustHave,
                g: Need::MayHave,
            },
        )?;
        if let Some(state) = self.g_states.get(&cur.g) {
            if state.status != gs::RUNNING {
                return Err(trace_err!(
                    "{} event for goroutine that's not Running",
                    self.ev_name(ev.typ)
                ));
            }
        }
        let newg = GoId(ev.args[0] as i64);
        if self.g_states.contains_key(&newg) {
            return Err(trace_err!(
                "tried to create goroutine ({newg}) that already exists"
            ));
        }
        let status = if ev.typ == EventType::GO_CREATE_BLOCKED {
            gs::WAITING
        } else {
            gs::RUNNABLE
        };
        self.g_states
            .insert(newg, GState::new(status, Seq::new(gen, 0)));
        self.push(cur, ev);
        Ok(Some(cur))
    }

    /// Fetches the running goroutine of `cur` for an event that requires it.
    #[inline]
    fn running_g(
        &mut self,
        ev: &BaseEvent,
        cur: SchedCtx,
        want: u8,
        want_name: &str,
    ) -> Result<(), super::super::TraceError> {
        let name = EvName(self.version, ev.typ);
        let Some(state) = self.g_states.get(&cur.g) else {
            return Err(trace_err!(
                "event {name} for goroutine ({}) that doesn't exist",
                cur.g
            ));
        };
        if state.status != want {
            return Err(trace_err!(
                "{name} event for goroutine that's not {want_name}"
            ));
        }
        Ok(())
    }

    pub(super) fn advance_go_stop_exec(&mut self, ev: &BaseEvent, cur: SchedCtx) -> Step {
        validate_ctx(cur, USER_GO_REQS)?;
        self.running_g(ev, cur, gs::RUNNING, "Running")?;
        let mut new = cur;
        match ev.typ {
            EventType::GO_DESTROY => {
                self.g_states.remove(&cur.g);
            }
            EventType::GO_STOP => {
                if let Some(s) = self.g_states.get_mut(&cur.g) {
                    s.status = gs::RUNNABLE;
                }
            }
            _ => {
                if let Some(s) = self.g_states.get_mut(&cur.g) {
                    s.status = gs::WAITING;
                }
            }
        }
        new.g = GoId::NONE;
        self.push(cur, ev);
        Ok(Some(new))
    }

    pub(super) fn advance_go_start(&mut self, ev: &BaseEvent, gen: u64, cur: SchedCtx) -> Step {
        let gid = GoId(ev.args[0] as i64);
        let seq = Seq::new(gen, ev.args[1]);
        let Some(state) = self.g_states.get_mut(&gid) else {
            return Ok(None);
        };
        if state.status != gs::RUNNABLE || !seq.succeeds(state.seq) {
            return Ok(None);
        }
        validate_ctx(
            cur,
            Reqs {
                m: Need::MustHave,
                p: Need::MustHave,
                g: Need::MustNotHave,
            },
        )?;
        state.status = gs::RUNNING;
        state.seq = seq;
        let mut new = cur;
        new.g = gid;
        self.push(cur, ev);
        Ok(Some(new))
    }

    pub(super) fn advance_go_unblock(&mut self, ev: &BaseEvent, gen: u64, cur: SchedCtx) -> Step {
        let gid = GoId(ev.args[0] as i64);
        let seq = Seq::new(gen, ev.args[1]);
        let Some(state) = self.g_states.get_mut(&gid) else {
            return Ok(None);
        };
        if state.status != gs::WAITING || !seq.succeeds(state.seq) {
            return Ok(None);
        }
        state.status = gs::RUNNABLE;
        state.seq = seq;
        // N.B. Anything can unblock a goroutine (even sysmon): no context check.
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_go_switch(&mut self, ev: &BaseEvent, gen: u64, cur: SchedCtx) -> Step {
        // A switch is three events: unblock the next goroutine, block or
        // destroy the current one, start the next one.
        validate_ctx(cur, USER_GO_REQS)?;
        self.running_g(ev, cur, gs::RUNNING, "Running")?;
        let nextg = GoId(ev.args[0] as i64);
        let seq = Seq::new(gen, ev.args[1]);
        match self.g_states.get(&nextg) {
            Some(n) if n.status == gs::WAITING && seq.succeeds(n.seq) => {}
            _ => return Ok(None),
        }
        self.push(cur, ev);
        if ev.typ == EventType::GO_SWITCH {
            if let Some(s) = self.g_states.get_mut(&cur.g) {
                s.status = gs::WAITING;
            }
            self.push_made(cur, EventType::GO_BLOCK, ev.time, &[0, 0]);
        } else {
            self.g_states.remove(&cur.g);
            self.push_made(cur, EventType::GO_DESTROY, ev.time, &[]);
        }
        if let Some(n) = self.g_states.get_mut(&nextg) {
            n.status = gs::RUNNING;
            n.seq = seq;
        }
        let mut new = cur;
        new.g = nextg;
        let mut start_ctx = cur;
        start_ctx.g = GoId::NONE;
        self.push_made(
            start_ctx,
            EventType::GO_START,
            ev.time,
            &[nextg.0 as u64, ev.args[1]],
        );
        Ok(Some(new))
    }

    pub(super) fn advance_go_syscall_begin(
        &mut self,
        ev: &BaseEvent,
        gen: u64,
        cur: SchedCtx,
    ) -> Step {
        validate_ctx(cur, USER_GO_REQS)?;
        self.running_g(ev, cur, gs::RUNNING, "Running")?;
        if let Some(s) = self.g_states.get_mut(&cur.g) {
            s.status = gs::SYSCALL;
        }
        let version = self.version;
        let name = EvName(version, ev.typ);
        let Some(p) = self.p_states.get_mut(&cur.p) else {
            return Err(trace_err!(
                "uninitialized proc {} found during {name}",
                cur.p
            ));
        };
        p.status = ps::SYSCALL;
        // The P sequence number disambiguates which syscall a later
        // ProcSteal refers to; the P is running, so it must line up now.
        let pseq = Seq::new(gen, ev.args[0]);
        if !pseq.succeeds(p.seq) {
            return Err(trace_err!(
                "failed to advance {name}: can't make sequence: {} -> {pseq}",
                p.seq
            ));
        }
        p.seq = pseq;
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_go_syscall_end(&mut self, ev: &BaseEvent, cur: SchedCtx) -> Step {
        validate_ctx(cur, USER_GO_REQS)?;
        self.running_g(ev, cur, gs::SYSCALL, "Running")?;
        if let Some(s) = self.g_states.get_mut(&cur.g) {
            s.status = gs::RUNNING;
        }
        let version = self.version;
        let name = EvName(version, ev.typ);
        let Some(p) = self.p_states.get_mut(&cur.p) else {
            return Err(trace_err!(
                "uninitialized proc {} found during {name}",
                cur.p
            ));
        };
        if p.status != ps::SYSCALL {
            return Err(trace_err!(
                "expected proc {} in state Syscall, but got {} instead",
                cur.p,
                ps::name(p.status)
            ));
        }
        p.status = ps::RUNNING;
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_go_syscall_end_blocked(&mut self, ev: &BaseEvent, cur: SchedCtx) -> Step {
        // Can only happen once the proc left its syscall state (stopped or
        // stolen); until then, wait.
        if cur.p.is_some() {
            let Some(p) = self.p_states.get(&cur.p) else {
                return Err(trace_err!(
                    "uninitialized proc {} found during {}",
                    cur.p,
                    self.ev_name(ev.typ)
                ));
            };
            if p.status == ps::SYSCALL {
                return Ok(None);
            }
        }
        validate_ctx(
            cur,
            Reqs {
                m: Need::MustHave,
                p: Need::MayHave,
                g: Need::MustHave,
            },
        )?;
        self.running_g(ev, cur, gs::SYSCALL, "Running")?;
        if let Some(s) = self.g_states.get_mut(&cur.g) {
            s.status = gs::RUNNABLE;
        }
        let mut new = cur;
        new.g = GoId::NONE;
        self.push(cur, ev);
        Ok(Some(new))
    }

    pub(super) fn advance_go_create_syscall(
        &mut self,
        ev: &BaseEvent,
        gen: u64,
        cur: SchedCtx,
    ) -> Step {
        validate_ctx(
            cur,
            Reqs {
                m: Need::MustHave,
                p: Need::MayHave,
                g: Need::MustNotHave,
            },
        )?;
        let newg = GoId(ev.args[0] as i64);
        if self.g_states.contains_key(&newg) {
            return Err(trace_err!(
                "tried to create goroutine ({newg}) in syscall that already exists"
            ));
        }
        self.g_states
            .insert(newg, GState::new(gs::SYSCALL, Seq::new(gen, 0)));
        let mut new = cur;
        new.g = newg;
        self.push(cur, ev);
        Ok(Some(new))
    }

    pub(super) fn advance_go_destroy_syscall(&mut self, ev: &BaseEvent, cur: SchedCtx) -> Step {
        // A cgo callback goroutine goes away. Treat it as losing the P too:
        // the thread ID may be reused and must not steal its own P later.
        validate_ctx(
            cur,
            Reqs {
                m: Need::MustHave,
                p: Need::MayHave,
                g: Need::MustHave,
            },
        )?;
        self.running_g(ev, cur, gs::SYSCALL, "Syscall")?;
        self.g_states.remove(&cur.g);
        let mut new = cur;
        new.g = GoId::NONE;
        if cur.p.is_some() {
            let version = self.version;
            let name = EvName(version, ev.typ);
            let Some(p) = self.p_states.get_mut(&cur.p) else {
                return Err(trace_err!("found invalid proc {} during {name}", cur.p));
            };
            if p.status != ps::SYSCALL {
                return Err(trace_err!(
                    "proc {} in unexpected state {} during {name}",
                    cur.p,
                    ps::name(p.status)
                ));
            }
            p.status = ps::SYSCALL_ABANDONED;
            new.p = ProcId::NONE;
            // An extra self-steal, so the proc's syscall ends visibly.
            let mut args = [cur.p.0 as u64, 0, 0, 0];
            args[extra_index(EventType::PROC_STEAL)] = u64::from(ps::SYSCALL);
            self.push_made(cur, EventType::PROC_STEAL, ev.time, &args);
        }
        self.push(cur, ev);
        Ok(Some(new))
    }
}
