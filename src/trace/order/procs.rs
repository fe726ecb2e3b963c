//! Ordering rules for procs: status, start, stop, steal.

use super::super::cursor::BaseEvent;
use super::super::error::trace_err;
use super::super::ids::{proc_status as ps, ProcId, ProcState, SchedCtx, ThreadId};
use super::state::{PState, RangeState};
use super::{extra_index, validate_ctx, EvName, Need, Ordering, Reqs, Seq, Step};

impl Ordering {
    pub(super) fn advance_proc_status(
        &mut self,
        ev: &mut BaseEvent,
        gen: u64,
        mut cur: SchedCtx,
    ) -> Step {
        let pid = ProcId(ev.args[0] as i64);
        let status = ev.args[1];
        if status > u64::from(ps::SYSCALL_ABANDONED) {
            return Err(trace_err!("invalid status for proc {pid}: {status}"));
        }
        let status = status as u8;
        let mut old = ps::to_state(status);
        if let Some(s) = self.p_states.get_mut(&pid) {
            if status == ps::SYSCALL_ABANDONED && s.status == ps::SYSCALL {
                // A lost-information status while we know the proc is in a
                // syscall: nothing is lost, promote and advance.
                old = ProcState::Running;
                ev.args[1] = u64::from(ps::SYSCALL);
            } else if status == ps::SYSCALL_ABANDONED && s.status == ps::SYSCALL_ABANDONED {
                old = ProcState::Idle;
                ev.args[1] = u64::from(ps::SYSCALL_ABANDONED);
            } else if s.status != status {
                return Err(trace_err!(
                    "inconsistent status for proc {pid}: old {} vs. new {}",
                    ps::name(s.status),
                    ps::name(status)
                ));
            }
            s.seq = Seq::new(gen, 0);
        } else {
            self.p_states.insert(
                pid,
                PState {
                    status,
                    seq: Seq::new(gen, 0),
                    ranges: RangeState::default(),
                },
            );
            old = if gen == self.initial_gen {
                ProcState::Undetermined
            } else {
                ProcState::NotExist
            };
        }
        ev.args[extra_index(ev.typ)] = old as u64;

        let mut new = cur;
        if status == ps::RUNNING || status == ps::SYSCALL {
            new.p = pid;
        }
        // A promoted abandoned syscall: the status is being emitted by a
        // thread other than the one the proc is bound to; emit it in the
        // bound thread's context.
        if status == ps::SYSCALL_ABANDONED && old == ProcState::Running {
            let mut found = false;
            // N.B. Go iterates a map here; a proc is bound to at most one
            // thread, so the result does not depend on iteration order.
            for (mid, ms) in self.m_states.iter() {
                if ms.p == pid {
                    cur.m = *mid;
                    cur.p = pid;
                    cur.g = ms.g;
                    found = true;
                }
            }
            if !found {
                return Err(trace_err!(
                    "failed to find sched context for proc {pid} that's about to be stolen"
                ));
            }
        }
        self.push(cur, ev);
        Ok(Some(new))
    }

    pub(super) fn advance_proc_start(&mut self, ev: &BaseEvent, gen: u64, cur: SchedCtx) -> Step {
        let pid = ProcId(ev.args[0] as i64);
        let seq = Seq::new(gen, ev.args[1]);
        let Some(state) = self.p_states.get_mut(&pid) else {
            return Ok(None);
        };
        if state.status != ps::IDLE || !seq.succeeds(state.seq) || cur.p.is_some() {
            // Not yet: another thread may still have to act first.
            return Ok(None);
        }
        validate_ctx(
            cur,
            Reqs {
                m: Need::MustHave,
                p: Need::MustNotHave,
                g: Need::MayHave,
            },
        )?;
        state.status = ps::RUNNING;
        state.seq = seq;
        let mut new = cur;
        new.p = pid;
        self.push(cur, ev);
        Ok(Some(new))
    }

    pub(super) fn advance_proc_stop(&mut self, ev: &BaseEvent, cur: SchedCtx) -> Step {
        let version = self.version;
        let name = EvName(version, ev.typ);
        let Some(state) = self.p_states.get_mut(&cur.p) else {
            return Err(trace_err!(
                "event {name} for proc ({}) that doesn't exist",
                cur.p
            ));
        };
        if state.status != ps::RUNNING && state.status != ps::SYSCALL {
            return Err(trace_err!(
                "{name} event for proc that's not Running or Syscall"
            ));
        }
        validate_ctx(
            cur,
            Reqs {
                m: Need::MustHave,
                p: Need::MustHave,
                g: Need::MayHave,
            },
        )?;
        state.status = ps::IDLE;
        let mut new = cur;
        new.p = ProcId::NONE;
        self.push(cur, ev);
        Ok(Some(new))
    }

    pub(super) fn advance_proc_steal(
        &mut self,
        ev: &mut BaseEvent,
        gen: u64,
        cur: SchedCtx,
    ) -> Step {
        let pid = ProcId(ev.args[0] as i64);
        let seq = Seq::new(gen, ev.args[1]);
        let Some(state) = self.p_states.get_mut(&pid) else {
            return Ok(None);
        };
        if (state.status != ps::SYSCALL && state.status != ps::SYSCALL_ABANDONED)
            || !seq.succeeds(state.seq)
        {
            return Ok(None);
        }
        validate_ctx(
            cur,
            Reqs {
                m: Need::MustHave,
                p: Need::MayHave,
                g: Need::MayHave,
            },
        )?;
        // Smuggle the state that let us advance: the transition is Idle->Idle
        // when information was lost.
        let old_status = state.status;
        ev.args[extra_index(ev.typ)] = u64::from(old_status);
        state.status = ps::IDLE;
        state.seq = seq;

        if old_status == ps::SYSCALL_ABANDONED {
            self.push(cur, ev);
            return Ok(Some(cur));
        }
        let mid = ThreadId(ev.args[2] as i64);
        let mut new = cur;
        if mid == cur.m {
            // Stealing from ourselves: like a ProcStop.
            if cur.p != pid {
                return Err(trace_err!(
                    "tried to self-steal proc {pid} (thread {mid}), but got proc {} instead",
                    cur.p
                ));
            }
            new.p = ProcId::NONE;
            self.push(cur, ev);
            return Ok(Some(new));
        }
        let Some(ms) = self.m_states.get_mut(&mid) else {
            return Err(trace_err!("stole proc from non-existent thread {mid}"));
        };
        if ms.p != pid {
            return Err(trace_err!(
                "tried to steal proc {pid} from thread {mid}, but got proc {} instead",
                ms.p
            ));
        }
        // The victim thread is leaving its syscall; it loses its proc now.
        ms.p = ProcId::NONE;
        self.push(cur, ev);
        Ok(Some(new))
    }
}
