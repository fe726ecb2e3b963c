//! Ordering rules for user annotations (tasks, regions, logs, labels) and
//! simple instantaneous events (metrics, experimental events).

use super::super::cursor::BaseEvent;
use super::super::error::trace_err;
use super::super::event::TASK_NAME_IN_STRINGS;
use super::super::ids::{SchedCtx, TaskId};
use super::super::table::EvTable;
use super::state::{TaskState, UserRegion};
use super::{extra_index, validate_ctx, Need, Ordering, Reqs, Step, USER_GO_REQS};

impl Ordering {
    pub(super) fn advance_annotation(&mut self, ev: &BaseEvent, cur: SchedCtx) -> Step {
        validate_ctx(cur, USER_GO_REQS)?;
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_heap_metric(&mut self, ev: &BaseEvent, cur: SchedCtx) -> Step {
        validate_ctx(
            cur,
            Reqs {
                m: Need::MustHave,
                p: Need::MustHave,
                g: Need::MayHave,
            },
        )?;
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_alloc_free(&mut self, ev: &BaseEvent, cur: SchedCtx) -> Step {
        validate_ctx(
            cur,
            Reqs {
                m: Need::MustHave,
                p: Need::MayHave,
                g: Need::MayHave,
            },
        )?;
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_user_task_begin(
        &mut self,
        ev: &mut BaseEvent,
        evt: &EvTable,
        cur: SchedCtx,
    ) -> Step {
        // Tasks can be referenced without a begin, and ended many times;
        // only a second begin of an active task is wrong.
        let id = TaskId(ev.args[0]);
        if self.active_tasks.contains_key(&id) {
            return Err(trace_err!("task ID conflict: {id}"));
        }
        let mut parent = TaskId(ev.args[1]);
        if parent == TaskId::BACKGROUND {
            // 0 here means "no parent", not the background task.
            parent = TaskId::NONE;
            ev.args[1] = TaskId::NONE.0;
        }
        let name_id = ev.args[2];
        if !evt.strings.contains(name_id) {
            return Err(trace_err!(
                "invalid string ID {name_id} for {} event",
                ev.typ.0
            ));
        }
        let name = evt.string(name_id).to_string();
        let name_ref = if name_id == 0 {
            0
        } else {
            name_id | TASK_NAME_IN_STRINGS
        };
        self.active_tasks.insert(
            id,
            TaskState {
                name,
                parent,
                name_ref,
            },
        );
        validate_ctx(cur, USER_GO_REQS)?;
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_user_task_end(&mut self, ev: &mut BaseEvent, cur: SchedCtx) -> Step {
        let id = TaskId(ev.args[0]);
        let x = extra_index(ev.typ);
        if let Some(ts) = self.active_tasks.remove(&id) {
            // The begin may be in an earlier generation whose strings are
            // gone: the name was carried into this generation's extra strings
            // by `prepare_generation`.
            ev.args[x] = ts.parent.0;
            ev.args[x + 1] = ts.name_ref;
        } else {
            ev.args[x] = TaskId::NONE.0;
            ev.args[x + 1] = 0;
        }
        validate_ctx(cur, USER_GO_REQS)?;
        self.push(cur, ev);
        Ok(Some(cur))
    }

    fn region_of(ev: &BaseEvent, evt: &EvTable) -> Result<UserRegion, super::super::TraceError> {
        let name_id = ev.args[1];
        if !evt.strings.contains(name_id) {
            return Err(trace_err!(
                "invalid string ID {name_id} for {} event",
                ev.typ.0
            ));
        }
        Ok(UserRegion {
            task: TaskId(ev.args[0]),
            name: evt.string(name_id).to_string(),
        })
    }

    pub(super) fn advance_user_region_begin(
        &mut self,
        ev: &BaseEvent,
        evt: &EvTable,
        cur: SchedCtx,
    ) -> Step {
        validate_ctx(cur, USER_GO_REQS)?;
        let r = Self::region_of(ev, evt)?;
        let Some(g) = self.g_states.get_mut(&cur.g) else {
            return Err(trace_err!(
                "encountered EvUserRegionBegin without known state for current goroutine {}",
                cur.g
            ));
        };
        g.regions_mut().push(r);
        self.push(cur, ev);
        Ok(Some(cur))
    }

    pub(super) fn advance_user_region_end(
        &mut self,
        ev: &BaseEvent,
        evt: &EvTable,
        cur: SchedCtx,
    ) -> Step {
        validate_ctx(cur, USER_GO_REQS)?;
        let r = Self::region_of(ev, evt)?;
        let Some(g) = self.g_states.get_mut(&cur.g) else {
            return Err(trace_err!(
                "encountered EvUserRegionEnd without known state for current goroutine {}",
                cur.g
            ));
        };
        // Regions that began before tracing started are unknown: ignore.
        if let Some(top) = g.regions().last() {
            if *top != r {
                return Err(trace_err!(
                    "misuse of region in goroutine {}: region end {{{} {}}} when the inner-most active region start event is {{{} {}}}",
                    cur.g,
                    r.task,
                    r.name,
                    top.task,
                    top.name
                ));
            }
            g.regions_mut().pop();
        }
        self.push(cur, ev);
        Ok(Some(cur))
    }
}
