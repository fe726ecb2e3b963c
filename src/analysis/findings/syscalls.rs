//! The longest system calls and cgo calls of the program's goroutines,
//! and who held the P meanwhile.

use super::report::{at_text, duration_text};
use super::{is_runtime_goroutine, Finding, FindingKind, TopN, TOP};
use crate::analysis::frames::user_frame_text;
use crate::model::{GIdx, GoLaneState, IntervalKind, StackId, Trace};
use crate::trace::Time;

/// One call: goroutine, start, end, time it kept its P, stack.
#[derive(Clone, Copy)]
struct Call {
    g: GIdx,
    start: Time,
    end: Time,
    held_ns: Time,
    stack: StackId,
}

fn in_syscall(s: GoLaneState) -> bool {
    matches!(s, GoLaneState::Syscall | GoLaneState::SyscallBlocked)
}

/// The P goroutine `g` held in a system call at `t`, if any.
fn proc_held(trace: &Trace, g: GIdx, t: Time) -> Option<i64> {
    trace.procs.iter().find_map(|p| {
        let iv = &p.intervals;
        iv.visible(t, t + 1)
            .find(|&i| iv.g(i) == g && iv.kind(i) == IntervalKind::Syscall)
            .map(|_| p.id)
    })
}

/// Whether a stack is a call into C.
fn is_cgo(trace: &Trace, stack: StackId) -> bool {
    trace
        .stacks
        .frames_of(stack)
        .any(|f| trace.str(f.func) == "runtime.cgocall")
}

/// The longest completed system calls and cgo calls.
pub(super) fn syscalls(trace: &Trace) -> Vec<Finding> {
    let gs = &trace.goroutines;
    let mut top = TopN::new(TOP);
    for g in 0..gs.len() as GIdx {
        if is_runtime_goroutine(trace, g) {
            continue;
        }
        let lane = trace.lane(g);
        let r = lane.indexes();
        let mut i = r.start;
        while i < r.end {
            if !in_syscall(trace.spans.state(i)) {
                i += 1;
                continue;
            }
            let first = trace.spans.span(&lane, i);
            let mut call = Call {
                g,
                start: first.start,
                end: first.end,
                held_ns: 0,
                stack: first.stack,
            };
            while i < r.end && in_syscall(trace.spans.state(i)) {
                let s = trace.spans.span(&lane, i);
                if s.state == GoLaneState::Syscall {
                    call.held_ns += s.end - s.start;
                }
                call.end = s.end;
                i += 1;
            }
            // A call still going on when the trace ends has no length.
            if i < r.end || gs.ended(g as usize) {
                top.push(call.end - call.start, call);
            }
        }
    }
    top.into_sorted()
        .into_iter()
        .map(|(d, c)| {
            let what = if is_cgo(trace, c.stack) {
                "cgo call"
            } else {
                "syscall"
            };
            let held = match proc_held(trace, c.g, c.start) {
                Some(p) if c.held_ns >= d => format!("held P{p} throughout"),
                Some(p) => format!(
                    "held P{p} for {}, then released it",
                    duration_text(c.held_ns)
                ),
                None if c.held_ns > 0 => format!("held its P for {}", duration_text(c.held_ns)),
                None => "without a P".to_string(),
            };
            let at = user_frame_text(trace, c.stack);
            Finding {
                kind: FindingKind::Syscall,
                start_ns: c.start,
                end_ns: c.end,
                duration_ns: d,
                count: 1,
                function: trace.str(trace.goroutines.name(c.g as usize)).to_string(),
                goroutines: vec![c.g],
                text: format!(
                    "{} in a {what} for {} at {}{}; {held}",
                    trace.goroutine_label(c.g),
                    duration_text(d),
                    at_text(trace, c.start),
                    if at.is_empty() {
                        String::new()
                    } else {
                        format!(", {at}")
                    },
                ),
                impact_ns: d,
            }
        })
        .collect()
}
