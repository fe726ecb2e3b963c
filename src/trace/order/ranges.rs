//! Ordering rules for special ranges: the GC mark phase (with its own
//! sequence numbers), sweeping (per proc), mark assists and STW (per goroutine).

use super::super::cursor::BaseEvent;
use super::super::error::trace_err;
use super::super::ids::{GoId, ProcId, SchedCtx};
use super::super::spec::EventType;
use super::state::{GcState, RangeType};
use super::{validate_ctx, EvName, Need, Ordering, Reqs, Step, USER_GO_REQS};

const PROC_BOUND: Reqs = Reqs {
    m: Need::MustHave,
    p: Need::MustHave,
    g: Need::MayHave,
};

impl Ordering {
    pub(super) fn advance_gc_active(&mut self, ev: &BaseEvent, gen: u64, cur: SchedCtx) -> Step {
        let seq = ev.args[0];
        if gen == self.initial_gen {
            if self.gc_state != GcState::Undetermined {
                return Err(trace_err!(
                    "GCActive in the first generation isn't first GC event"
                ));
            }
            self.gc_seq = seq;
            self.gc_state = GcState::Running;
            self.push(cur, ev);
            return Ok(Some(cur));
        }
        if seq != self.gc_seq.wrapping_add(1) {
            return Ok(None); // not this GC cycle yet
        }
        if self.gc_state != GcState::Running {
            return Err(trace_err!(
                "encountered GCActive while GC was not in progress"
            ));
        }
        self.gc_seq = seq;
        validate_ctx(cur, USER_GO_REQS)?;
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_gc_begin(&mut self, ev: &BaseEvent, cur: SchedCtx) -> Step {
        let seq = ev.args[0];
        if self.gc_state == GcState::Undetermined {
            self.gc_seq = seq;
            self.gc_state = GcState::Running;
            self.push(cur, ev);
            return Ok(Some(cur));
        }
        if seq != self.gc_seq.wrapping_add(1) {
            return Ok(None);
        }
        if self.gc_state == GcState::Running {
            return Err(trace_err!(
                "encountered GCBegin while GC was already in progress"
            ));
        }
        self.gc_seq = seq;
        self.gc_state = GcState::Running;
        validate_ctx(cur, USER_GO_REQS)?;
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_gc_end(&mut self, ev: &BaseEvent, cur: SchedCtx) -> Step {
        let seq = ev.args[0];
        if seq != self.gc_seq.wrapping_add(1) {
            return Ok(None);
        }
        if self.gc_state == GcState::NotRunning {
            return Err(trace_err!("encountered GCEnd when GC was not in progress"));
        }
        if self.gc_state == GcState::Undetermined {
            return Err(trace_err!(
                "encountered GCEnd when GC was in an undetermined state"
            ));
        }
        self.gc_seq = seq;
        self.gc_state = GcState::NotRunning;
        validate_ctx(cur, USER_GO_REQS)?;
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_gc_sweep_begin(&mut self, ev: &BaseEvent, cur: SchedCtx) -> Step {
        validate_ctx(cur, PROC_BOUND)?;
        let r = RangeType::of(ev.typ, 0);
        if let Some(p) = self.p_states.get_mut(&cur.p) {
            p.ranges.begin(r)?;
        } else {
            return Err(trace_err!(
                "encountered GCSweepBegin for unknown proc {}",
                cur.p
            ));
        }
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_gc_sweep_active(
        &mut self,
        ev: &BaseEvent,
        gen: u64,
        cur: SchedCtx,
    ) -> Step {
        let pid = ProcId(ev.args[0] as i64);
        let initial = gen == self.initial_gen;
        let Some(p) = self.p_states.get_mut(&pid) else {
            return Err(trace_err!(
                "encountered GCSweepActive for unknown proc {pid}"
            ));
        };
        p.ranges.active(RangeType::of(ev.typ, 0), initial)?;
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_gc_sweep_end(&mut self, ev: &BaseEvent, cur: SchedCtx) -> Step {
        validate_ctx(cur, PROC_BOUND)?;
        if let Some(p) = self.p_states.get_mut(&cur.p) {
            p.ranges.end(ev.typ)?;
        } else {
            return Err(trace_err!(
                "encountered GCSweepEnd for unknown proc {}",
                cur.p
            ));
        }
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_go_range_begin(&mut self, ev: &BaseEvent, cur: SchedCtx) -> Step {
        validate_ctx(cur, USER_GO_REQS)?;
        let desc = if ev.typ == EventType::STW_BEGIN {
            ev.args[0]
        } else {
            0
        };
        let Some(g) = self.g_states.get_mut(&cur.g) else {
            return Err(trace_err!(
                "encountered event of type {} without known state for current goroutine {}",
                ev.typ.0,
                cur.g
            ));
        };
        g.ranges_mut().begin(RangeType::of(ev.typ, desc))?;
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_go_range_active(
        &mut self,
        ev: &BaseEvent,
        gen: u64,
        cur: SchedCtx,
    ) -> Step {
        let gid = GoId(ev.args[0] as i64);
        let initial = gen == self.initial_gen;
        let version = self.version;
        let name = EvName(version, ev.typ);
        // N.B. Like GoStatus, this may name a goroutine that is not running:
        // no context checks.
        let Some(g) = self.g_states.get_mut(&gid) else {
            return Err(trace_err!(
                "uninitialized goroutine {gid} found during {name}"
            ));
        };
        g.ranges_mut().active(RangeType::of(ev.typ, 0), initial)?;
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_go_range_end(&mut self, ev: &mut BaseEvent, cur: SchedCtx) -> Step {
        validate_ctx(cur, USER_GO_REQS)?;
        let Some(g) = self.g_states.get_mut(&cur.g) else {
            return Err(trace_err!(
                "encountered event of type {} without known state for current goroutine {}",
                ev.typ.0,
                cur.g
            ));
        };
        let desc = g.ranges_mut().end(ev.typ)?;
        if ev.typ == EventType::STW_END {
            // Smuggle the STW kind into the end event, like the begin has it.
            ev.args[0] = desc;
        }
        self.push(cur, ev);
        Ok(Some(cur))
    }
}
