//! The backward walk of the critical path (see the module documentation of
//! [`super`]): a loop over spans, jumping from a waiter to the goroutine
//! that unblocked (or created) it, with a stack of waiters to go back to
//! when a goroutine's past cannot be followed any further.

use super::charge::{charge_rev, push_rev};
use super::{Cause, CriticalPath, Hop, HopKind, Segment, Target, Untraced};
use crate::model::{FlowKind, GIdx, GoLaneState, Span, StackId, Trace, NO_G};
use crate::trace::Time;
use rustc_hash::FxHashMap;

/// The critical path of `target` (see [`super`]).
pub fn critical_path(trace: &Trace, target: Target) -> CriticalPath {
    Walker::new(trace).walk(target)
}

/// An unblock into a goroutine: `(time, unblocker, reason)`.
type Unblock = (Time, GIdx, u16);

struct Walker<'a> {
    trace: &'a Trace,
    /// The unblocks into each goroutine visited, by time.
    unblocks: FxHashMap<GIdx, Vec<Unblock>>,
    scratch: Vec<(Time, Time, Cause)>,
    /// Segments, latest first.
    rev: Vec<Segment>,
    /// Hops, latest first.
    hops_rev: Vec<Hop>,
}

impl<'a> Walker<'a> {
    fn new(trace: &'a Trace) -> Walker<'a> {
        Walker {
            trace,
            unblocks: FxHashMap::default(),
            scratch: Vec::new(),
            rev: Vec::new(),
            hops_rev: Vec::new(),
        }
    }

    /// The goroutine that unblocked `g` at `t` (not the runtime), and the
    /// reason `g` waited for.
    fn unblocker(&mut self, g: GIdx, t: Time) -> Option<(GIdx, u16)> {
        let tr = self.trace;
        let v = self.unblocks.entry(g).or_insert_with(|| {
            let mut v: Vec<Unblock> = tr
                .flows_into(g)
                .filter(|f| f.kind == FlowKind::Unblock)
                .map(|f| (f.from_time, f.from, f.reason))
                .collect();
            v.sort_by_key(|u| u.0);
            v
        });
        let i = v.partition_point(|u| u.0 < t);
        v.get(i)
            .filter(|u| u.0 == t && u.1 != NO_G && u.1 != g)
            .map(|u| (u.1, u.2))
    }

    /// Charges `[a, b)` of `g` to `base` (split by GC) in reverse order.
    fn charge(&mut self, g: GIdx, cause: Cause, start_ns: Time, end_ns: Time, stack: StackId) {
        let piece = Segment {
            g,
            start_ns,
            end_ns,
            cause,
            stack,
        };
        charge_rev(self.trace, piece, &mut self.scratch, &mut self.rev);
    }

    /// Where a segment of span `s` of `g` ran or blocked (see [`Segment::stack`]).
    fn stack_of(&self, g: GIdx, s: &Span) -> StackId {
        let spans = &self.trace.spans;
        let lane = self.trace.lane(g);
        let i = s.idx as usize;
        match s.state {
            // Where it stopped running: the stack that begins the next span.
            GoLaneState::Running if i + 1 < lane.indexes().end => spans.stack(i + 1),
            GoLaneState::Running => 0,
            // Where it had blocked, if it was woken; else where it was preempted.
            GoLaneState::Runnable
                if i > lane.first as usize && spans.state(i - 1) == GoLaneState::Waiting =>
            {
                spans.stack(i - 1)
            }
            _ => s.stack,
        }
    }

    /// Why nothing is known of `g` before `t`.
    fn untraced(&self, g: GIdx, t: Time) -> Untraced {
        let tr = self.trace;
        let lane = tr.lane(g);
        if t <= tr.meta.start {
            Untraced::TraceStart
        } else if lane.len > 0 && t == tr.spans.start(lane.first as usize) {
            Untraced::Creation
        } else {
            Untraced::Lost
        }
    }

    fn walk(mut self, target: Target) -> CriticalPath {
        let tr = self.trace;
        let start = target.start_ns;
        let mut t = target.end_ns;
        let mut g = target.g;
        // Goroutines to go back to (they waited for the one on the path).
        let mut waiters: Vec<GIdx> = Vec::new();
        // Goroutines the path was on at time `at` (no cycles at one time).
        let (mut at, mut here) = (t, vec![g]);
        while t > start {
            if t != at {
                at = t;
                here.clear();
                here.push(g);
            }
            let lane = tr.lane(g);
            let Some(s) = tr.spans.at(&lane, t - 1) else {
                let first = (lane.len > 0).then(|| tr.spans.start(lane.first as usize));
                if lane.len > 0 && t > lane.end {
                    // After its end (a lost part): nothing known until then.
                    let a = lane.end.max(start);
                    push_rev(&mut self.rev, untraced(g, a, t, Untraced::Lost));
                    t = a;
                    continue;
                }
                let creator = tr.goroutines.creator[g as usize];
                if creator != NO_G && first == Some(t) && !here.contains(&creator) {
                    self.hops_rev.push(Hop {
                        from: creator,
                        to: g,
                        time_ns: t,
                        kind: HopKind::Create,
                    });
                    g = creator;
                    here.push(g);
                    continue;
                }
                if let Some(w) = waiters.pop() {
                    g = w;
                    continue;
                }
                let why = self.untraced(g, t);
                push_rev(&mut self.rev, untraced(g, start, t, why));
                break;
            };
            let a = s.start.max(start);
            let stack = self.stack_of(g, &s);
            match s.state {
                GoLaneState::Running => self.charge(g, Cause::Running, a, t, stack),
                GoLaneState::Runnable => self.charge(g, Cause::Runnable, a, t, stack),
                GoLaneState::Syscall | GoLaneState::SyscallBlocked => {
                    self.charge(g, Cause::Syscall, a, t, stack);
                }
                GoLaneState::Waiting => {
                    let woken = if t == s.end {
                        self.unblocker(g, t)
                    } else {
                        None
                    };
                    if let Some((u, reason)) = woken.filter(|w| !here.contains(&w.0)) {
                        self.hops_rev.push(Hop {
                            from: u,
                            to: g,
                            time_ns: t,
                            kind: HopKind::Unblock(reason),
                        });
                        waiters.push(g);
                        g = u;
                        here.push(g);
                        continue;
                    }
                    self.charge(g, Cause::Blocked(s.reason), a, t, stack);
                }
            }
            t = a;
        }
        self.rev.reverse();
        self.hops_rev.reverse();
        CriticalPath {
            target,
            segments: self.rev,
            hops: self.hops_rev,
        }
    }
}

fn untraced(g: GIdx, start_ns: Time, end_ns: Time, why: Untraced) -> Segment {
    Segment {
        g,
        start_ns,
        end_ns,
        cause: Cause::Untraced(why),
        stack: 0,
    }
}
