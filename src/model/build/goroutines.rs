//! Goroutine and proc state transitions: goroutine lanes (the proc and
//! thread intervals they open and close are in `machines.rs`),
//! creation/unblock flows, goroutine-count counters.

use super::super::lanes::{GoLaneState, IntervalKind, LaneBuf, LaneRange, SpanKind};
use super::super::{EdgeSpan, Flow, FlowKind, GIdx};
use super::coarse::CoarseLane;
use super::ModelBuilder;
use crate::trace::event::{Event, Resource};
use crate::trace::ids::{GoState, ProcState};
use crate::trace::{EvTable, GoId, Time};

/// A goroutine being built.
pub struct LiveG {
    /// Spans so far.
    spans: LaneBuf,
    /// Current lane state.
    state: Option<GoLaneState>,
    /// Proc and thread it runs on (or syscalls on).
    on_p: i64,
    on_m: i64,
    /// Open user regions (indexes into the builder's regions).
    pub regions: Vec<u32>,
    /// Flow waiting for this goroutine to run again.
    pending_flow: Option<u32>,
    /// Open mark assist.
    pub assist: Option<Time>,
    /// The overview's folding of the spans (coarse models only).
    coarse: CoarseLane,
    /// Start, reason index and stack of the current span (the overview
    /// keeps the spans that cross a generation boundary; see `EdgeSpan`).
    since: Time,
    reason: u16,
    stack: u32,
    /// Overviews: the unblocker's goroutine ID (-1: the runtime) and the
    /// reason index of the wait, when the current span began with an unblock.
    woken: Option<(i64, u16)>,
}

impl LiveG {
    /// The state of a goroutine just seen.
    pub fn new() -> LiveG {
        LiveG {
            spans: LaneBuf::default(),
            state: None,
            on_p: -1,
            on_m: -1,
            regions: Vec::new(),
            pending_flow: None,
            assist: None,
            coarse: CoarseLane::default(),
            since: 0,
            reason: 0,
            stack: 0,
            woken: None,
        }
    }

    /// Back to the state of [`LiveG::new`], keeping the buffers.
    pub fn reset(&mut self) {
        self.spans.clear();
        self.state = None;
        self.on_p = -1;
        self.on_m = -1;
        self.regions.clear();
        self.pending_flow = None;
        self.assist = None;
        self.woken = None;
        self.coarse.reset();
    }
}

/// What [`ModelBuilder::note_edge_span`] keeps of a span that ended: its
/// start, reason index, stack and (see `LiveG::woken`) unblock.
type BegunSpan = (Time, u16, u32, Option<(i64, u16)>);

fn lane_state(s: GoState, has_p: bool) -> Option<GoLaneState> {
    Some(match s {
        GoState::Running => GoLaneState::Running,
        GoState::Runnable => GoLaneState::Runnable,
        GoState::Waiting => GoLaneState::Waiting,
        GoState::Syscall if has_p => GoLaneState::Syscall,
        GoState::Syscall => GoLaneState::SyscallBlocked,
        _ => return None,
    })
}

impl ModelBuilder {
    pub(super) fn transition(&mut self, ev: &Event, t: &EvTable) {
        let st = ev.state_transition(t);
        match st.resource {
            Resource::Goroutine(id) => {
                if st.go_from == st.go_to {
                    return;
                }
                self.go_transition(ev, t, id.0, st.go_from, st.go_to, st.stack);
            }
            Resource::Proc(id) => {
                if st.proc_from != st.proc_to && st.proc_to == ProcState::Idle {
                    self.proc_lost(id.0, ev.time);
                }
            }
        }
    }

    /// A proc went idle: a goroutine syscalling on it is now blocked in the kernel.
    fn proc_lost(&mut self, pid: i64, time: Time) {
        if let Some(m) = self.procs.get_mut(&pid) {
            m.close(time);
        }
        if let Some(g) = self.syscalling_p.remove(&pid) {
            if let Some(lg) = self.live.get(&g) {
                if lg.state == Some(GoLaneState::Syscall) {
                    self.set_state(g, time, GoLaneState::SyscallBlocked, 0, 0);
                }
            }
        }
    }

    /// Registers a goroutine seen for the first time.
    fn new_goroutine(&mut self, id: i64, created: Time) -> GIdx {
        if let Some(i) = self.goroutines.find(GoId(id)) {
            return i;
        }
        let i = self.goroutines.push_new(id, created);
        self.lanes.push(LaneRange::default());
        self.g_names.push(0);
        self.flows.new_goroutine(i);
        self.live.insert_new(i);
        i
    }

    /// Starts a new span on a goroutine's lane (closing the previous one).
    fn set_state(&mut self, g: GIdx, time: Time, state: GoLaneState, reason: u16, stack: u32) {
        self.begin_span(g, time, time, state, reason, stack, None);
    }

    /// Starts a new span at `start` (before `time` only for a span a tile
    /// carries over its first generation boundary), counted from `time`;
    /// `woken_by`: an overview's span begun by an unblock, by that
    /// goroutine's ID (-1: the runtime).
    #[expect(clippy::too_many_arguments, reason = "hot path: fields passed flat")]
    fn begin_span(
        &mut self,
        g: GIdx,
        start: Time,
        time: Time,
        state: GoLaneState,
        reason: u16,
        stack: u32,
        woken_by: Option<i64>,
    ) {
        let Some(lg) = self.live.get_mut(&g) else {
            return;
        };
        let old = lg.state.replace(state);
        let ended = (lg.since, lg.reason, lg.stack, lg.woken.take());
        (lg.since, lg.reason, lg.stack) = (start, reason, stack);
        lg.woken = woken_by.map(|by| (by, ended.1));
        if let Some(bucket_ns) = self.mode.bucket() {
            let (spans, buf) = (&mut self.spans, &mut lg.spans);
            lg.coarse.change(time, state, bucket_ns, &mut |t, s| {
                buf.push(t, spans.code(SpanKind::plain(s)));
            });
        } else {
            let code = self.spans.code(SpanKind {
                state,
                reason,
                stack,
            });
            lg.spans.push(start, code);
        }
        if let Some(old) = old {
            if self.span_sink.is_some() {
                let live = self.live.slot(g).unwrap_or(0);
                self.sink_span(g, old, ended, time, live, None);
            }
            self.note_edge_span(g, old, ended, time);
            self.state_counts[old as usize] -= 1;
            self.count_changed(old, time);
        }
        self.state_counts[state as usize] += 1;
        self.count_changed(state, time);
    }

    /// Gives the span `began` of `g` (in live slot `live`), in state
    /// `state`, ending at `end`, to the span sink; `last`: it is the lane's
    /// last, and whether the goroutine ended there.
    #[cold]
    #[inline(never)]
    fn sink_span(
        &mut self,
        g: GIdx,
        state: GoLaneState,
        began: BegunSpan,
        end: Time,
        live: usize,
        last: Option<bool>,
    ) {
        let Some(sink) = self.span_sink.as_mut() else {
            return;
        };
        let (start, reason, stack, _) = began;
        let span = super::ClosedSpan {
            span: crate::model::LaneSpan {
                start,
                end,
                state,
                reason: self.reasons.get(reason as usize).copied().unwrap_or(0),
                stack,
                last: last.is_some(),
            },
            ended: last == Some(true),
            live: live as u32,
        };
        let names = super::Names {
            strings: &self.strings,
            stacks: &self.stacks,
        };
        sink.span(g, &span, &names);
    }

    /// Keeps, in an overview, a span ending at `end` that began in an
    /// earlier generation: a tile of a later generation begins with it.
    #[inline]
    fn note_edge_span(&mut self, g: GIdx, state: GoLaneState, began: BegunSpan, end: Time) {
        if self.mode.bucket().is_some() && began.0 < self.sync_time {
            self.push_edge_span(g, state, began, end);
        }
    }

    /// [`ModelBuilder::note_edge_span`]'s rare case.
    #[cold]
    #[inline(never)]
    fn push_edge_span(&mut self, g: GIdx, state: GoLaneState, began: BegunSpan, end: Time) {
        let (start, reason, stack, woken) = began;
        let reason_str = |r: u16| self.reasons.get(r as usize).copied().unwrap_or(0);
        let woken = woken.map(|(by, waited)| (self.goroutines.find(GoId(by)), reason_str(waited)));
        self.edge_spans.push(EdgeSpan {
            g,
            start,
            end,
            state,
            reason: reason_str(reason),
            stack,
            woken,
        });
    }

    fn count_changed(&mut self, s: GoLaneState, time: Time) {
        if !self.mode.full() {
            return;
        }
        let v = self.state_counts[s as usize] as f64;
        let c = &mut self.counters;
        match s {
            GoLaneState::Running => c.running.set(time, v),
            GoLaneState::Runnable => c.runnable.set(time, v),
            GoLaneState::Waiting => c.waiting.set(time, v),
            GoLaneState::Syscall | GoLaneState::SyscallBlocked => {
                let n = (self.state_counts[GoLaneState::Syscall as usize]
                    + self.state_counts[GoLaneState::SyscallBlocked as usize])
                    as f64;
                c.syscall.set(time, n);
            }
        }
    }

    // N.B. over 80 lines: one arm per goroutine state change, in Go's order,
    // on the per-event path; left whole for the builder's per-generation
    // rebuild, where its state moves.
    fn go_transition(
        &mut self,
        ev: &Event,
        t: &EvTable,
        id: i64,
        from: GoState,
        to: GoState,
        stack_id: u64,
    ) {
        let time = ev.time;
        let stack = self.intern_stack(t, stack_id);
        let g = match from {
            GoState::NotExist => {
                let first = self.goroutines.find(GoId(id)).is_none();
                let g = self.new_goroutine(id, time);
                let creator = self.goroutines.find(ev.ctx.g);
                let gi = g.ix();
                let old = (self.goroutines.creator[gi], self.goroutines.create_stack(g));
                let create_stack = self.intern_stack(t, ev.stack_id());
                self.goroutines
                    .set_creation(gi, creator, create_stack, stack);
                let flow = creator.map(|creator| Flow {
                    kind: FlowKind::Create,
                    from: Some(creator),
                    from_time: time,
                    to: g,
                    to_time: time,
                    reason: 0,
                    stack: create_stack,
                });
                if self.mode.full() {
                    self.flows.create(g, first, old, flow);
                }
                g
            }
            GoState::Undetermined => {
                let g = self.new_goroutine(id, self.sync_time);
                if let Some(s) = lane_state(to, ev.ctx.p.is_some()) {
                    // The lane starts where the state became known (the
                    // goroutine analysis counts from the generation start),
                    // or, in a tile, where the overview saw the span begin.
                    let carried = self
                        .edges
                        .spans
                        .remove(&GoId(id))
                        .filter(|c| c.0.state == s);
                    match carried {
                        Some((c, _)) => {
                            let reason = self.reason_index(c.reason);
                            self.begin_span(g, c.start, time, s, reason, c.stack, None);
                        }
                        None => self.set_state(g, time, s, 0, stack),
                    }
                    self.after_enter(g, ev, s, time);
                    if let Some((c, Some(by))) = carried {
                        self.carried_unblock(g, &c, by.0);
                    }
                    self.name_from_stack(g, stack);
                    return;
                }
                g
            }
            _ => match self.goroutines.find(GoId(id)) {
                Some(g) if self.live.contains_key(&g) => g,
                _ => self.new_goroutine(id, time),
            },
        };
        self.name_from_stack(g, stack);
        self.leave(g, from, time, ev);
        if to == GoState::NotExist {
            self.end_goroutine(g, time, true);
            return;
        }
        let Some(s) = lane_state(to, ev.ctx.p.is_some() || from == GoState::Running) else {
            return;
        };
        let reason = if s == GoLaneState::Waiting
            || (s == GoLaneState::Runnable && from == GoState::Running)
        {
            self.reason_of(ev, t)
        } else {
            0
        };
        // A span keeps the stack of the event that began it (Go's profiles
        // use the same): where the goroutine blocked, stopped or entered a
        // syscall, or where its waker or creator was.
        let span_stack = match from {
            GoState::NotExist => self.goroutines.create_stack(g),
            _ => self.intern_stack(t, ev.stack_id()),
        };
        // N.B. the overview keeps no unblock or syscall flows (a tile has
        // them), only the unblock of a span that crosses a boundary.
        let woken = s == GoLaneState::Runnable && from == GoState::Waiting;
        if woken && self.mode.unblocks() {
            self.unblock_flow(g, ev, t);
        }
        if s == GoLaneState::Runnable && from == GoState::Syscall && self.mode.unblocks() {
            self.pending_flow(g, FlowKind::SyscallExit, Some(g), time, 0, 0);
        }
        let woken_by = (woken && self.mode.bucket().is_some()).then_some(ev.ctx.g.0);
        self.begin_span(g, time, time, s, reason, span_stack, woken_by);
        self.after_enter(g, ev, s, time);
    }

    /// Adds to a tile the arrow into `g` from the unblock that began the
    /// overview's span `c`, carried over the tile's start: `by` is the
    /// unblocker's goroutine ID (-1: the runtime), known to the tile from
    /// now on if it was not.
    fn carried_unblock(&mut self, g: GIdx, c: &EdgeSpan, by: i64) {
        let from = match by {
            -1 => None,
            id => Some(self.new_goroutine(id, self.sync_time)),
        };
        let reason = c.woken.map_or(0, |(_, waited)| self.reason_index(waited));
        self.pending_flow(g, FlowKind::Unblock, from, c.start, reason, c.stack);
    }

    /// Applies Go's naming rule: the outermost frame of the first stack seen.
    fn name_from_stack(&mut self, g: GIdx, stack: u32) {
        let gi = g.ix();
        if self.g_names.get(gi) == 0 && stack != 0 {
            if let Some(f) = self.stacks.frames_of(stack).last() {
                if f.func != 0 {
                    let next = self.name_list.len() as u32;
                    let k = *self.name_index.entry(f.func).or_insert(next);
                    if k == next {
                        self.name_list.push(f.func);
                    }
                    self.g_names.set(gi, k + 1);
                }
            }
        }
    }

    /// Bookkeeping when a goroutine leaves a state.
    fn leave(&mut self, g: GIdx, from: GoState, time: Time, ev: &Event) {
        let Some(lg) = self.live.get_mut(&g) else {
            return;
        };
        let (p, m) = (lg.on_p, lg.on_m);
        match from {
            GoState::Running => {
                if let Some(pm) = self.procs.get_mut(&p) {
                    pm.close(time);
                }
                self.thread_close(m, time);
            }
            GoState::Syscall => {
                if p >= 0 && self.syscalling_p.get(&p) == Some(&g) {
                    self.syscalling_p.remove(&p);
                    if let Some(pm) = self.procs.get_mut(&p) {
                        pm.close(time);
                    }
                }
                self.thread_close(if m >= 0 { m } else { ev.ctx.m.0 }, time);
            }
            _ => {}
        }
        if let Some(lg) = self.live.get_mut(&g) {
            lg.on_p = -1;
            lg.on_m = -1;
        }
    }

    /// Bookkeeping when a goroutine enters a state.
    fn after_enter(&mut self, g: GIdx, ev: &Event, s: GoLaneState, time: Time) {
        let (p, m) = (ev.ctx.p.0, ev.ctx.m.0);
        match s {
            GoLaneState::Running => {
                if p >= 0 {
                    let start = self.interval_start(false, p, g, IntervalKind::Running, time);
                    self.procs
                        .get_or_default(p)
                        .open(start, time, g, IntervalKind::Running);
                }
                self.thread_open(m, time, g, IntervalKind::Running);
                if let Some(lg) = self.live.get_mut(&g) {
                    lg.on_p = p;
                    lg.on_m = m;
                    if let Some(f) = lg.pending_flow.take() {
                        self.flows.flows.set_to_time(f, time);
                    }
                }
            }
            GoLaneState::Syscall | GoLaneState::SyscallBlocked => {
                // GoStatus can name another thread for a goroutine sitting in a syscall.
                let m = if ev.typ == crate::trace::EventType::GO_STATUS
                    || ev.typ == crate::trace::EventType::GO_STATUS_STACK
                {
                    ev.args[1] as i64
                } else {
                    m
                };
                if s == GoLaneState::Syscall && p >= 0 {
                    let start = self.interval_start(false, p, g, IntervalKind::Syscall, time);
                    self.procs
                        .get_or_default(p)
                        .open(start, time, g, IntervalKind::Syscall);
                    self.syscalling_p.insert(p, g);
                }
                self.thread_open(m, time, g, IntervalKind::Syscall);
                if let Some(lg) = self.live.get_mut(&g) {
                    lg.on_p = if s == GoLaneState::Syscall { p } else { -1 };
                    lg.on_m = m;
                }
            }
            _ => {}
        }
    }

    fn unblock_flow(&mut self, g: GIdx, ev: &Event, t: &EvTable) {
        let from = self.goroutines.find(ev.ctx.g);
        // The arrow is labelled with what the target was waiting for.
        let reason = self
            .live
            .get(&g)
            .and_then(|lg| lg.spans.last_code())
            .map_or(0, |c| self.spans.kind_of_code(c).reason);
        let stack = self.intern_stack(t, ev.stack_id());
        self.pending_flow(g, FlowKind::Unblock, from, ev.time, reason, stack);
    }

    fn pending_flow(
        &mut self,
        g: GIdx,
        kind: FlowKind,
        from: Option<GIdx>,
        time: Time,
        reason: u16,
        stack: u32,
    ) {
        if !self.mode.unblocks() {
            return;
        }
        let idx = self.flows.flows.push(Flow {
            kind,
            from,
            from_time: time,
            to: g,
            to_time: time,
            reason,
            stack,
        });
        if let Some(lg) = self.live.get_mut(&g) {
            lg.pending_flow = Some(idx);
        }
    }

    /// Closes a goroutine's lane and moves its spans into the arena
    /// (`gone`: the goroutine ended, else the trace did); returns the slot
    /// it had in the live pool.
    fn end_goroutine(&mut self, g: GIdx, time: Time, gone: bool) -> Option<usize> {
        let slot = self.live.release(g)?;
        let lg = self.live.slot_mut(slot);
        let old = lg.state.take();
        let assist = lg.assist.take();
        let ended = (lg.since, lg.reason, lg.stack, lg.woken.take());
        if let Some(bucket_ns) = self.mode.bucket() {
            let (spans, buf) = (&mut self.spans, &mut lg.spans);
            lg.coarse.end(time, bucket_ns, &mut |t, s| {
                buf.push(t, spans.code(SpanKind::plain(s)));
            });
        }
        let first = self.spans.len() as u32;
        self.spans.append(&lg.spans);
        let len = lg.spans.len() as u32;
        // Regions still open when a goroutine ends end with it.
        for r in lg.regions.drain(..) {
            self.regions[r as usize].end = time;
        }
        if let Some(old) = old {
            if self.span_sink.is_some() {
                self.sink_span(g, old, ended, time, slot, Some(gone));
            }
            self.note_edge_span(g, old, ended, time);
            self.state_counts[old as usize] -= 1;
            self.count_changed(old, time);
        }
        self.lanes.set(
            g,
            LaneRange {
                first,
                len,
                end: time,
            },
        );
        self.goroutines.set_ended(g, gone);
        if let Some(start) = assist {
            self.gc_work.push(super::super::GcWork {
                g,
                start,
                end: time,
                kind: IntervalKind::MarkAssist,
            });
        }
        Some(slot)
    }

    /// Ends every live goroutine at the end of the trace (a tile's span
    /// that goes on after the tile, where it ends).
    pub(super) fn finish_goroutines(&mut self, end: Time) {
        let live: Vec<GIdx> = self.live.keys().collect();
        for g in live {
            // Open regions of live goroutines stay open (ended by the trace).
            let Some(lg) = self.live.get_mut(&g) else {
                continue;
            };
            lg.regions.clear();
            let since = lg.since;
            let id = self.goroutines.id(g);
            let end_g = match self.edges.span_ends.get(&id) {
                Some(&(start, true_end)) if start == since => true_end.max(end),
                _ => end,
            };
            if let Some(slot) = self.end_goroutine(g, end_g, false) {
                // Free as we go: the arena grows while the buffers go.
                self.live.slot_mut(slot).spans.free();
            }
        }
        let ends = std::mem::take(&mut self.edges.interval_ends);
        let end_of = |thread: bool, id: i64, open: Option<Time>| match ends.get(&(thread, id)) {
            Some(&(start, true_end)) if Some(start) == open => true_end.max(end),
            _ => end,
        };
        let ps: Vec<i64> = self.procs.keys().copied().collect();
        for p in ps {
            if let Some(m) = self.procs.get_mut(&p) {
                let t = end_of(false, p, m.open_start());
                m.close(t);
            }
        }
        let ms: Vec<i64> = self.threads.keys().copied().collect();
        for m in ms {
            let open = self.threads.get_mut(&m).and_then(|th| th.open_start());
            self.thread_close(m, end_of(true, m, open));
        }
    }
}
