//! The longest system calls and cgo calls of the program's goroutines,
//! and who held the P meanwhile.

use super::report::{at_text, duration_text};
use super::{Finding, FindingKind, TopN, TOP};
use crate::analysis::fold::{LaneSpan, TileAccess};
use crate::analysis::frames::user_frame_text;
use crate::model::{GIdx, GoLaneState, IntervalKind, StackId, Trace};
use crate::trace::{ProcId, Time};
use std::cmp::Reverse;

/// One call: goroutine, start, end, time it kept its P, stack.
#[derive(Clone, Copy)]
pub(super) struct Call {
    g: GIdx,
    start: Time,
    end: Time,
    held_ns: Time,
    stack: StackId,
}

fn in_syscall(s: GoLaneState) -> bool {
    matches!(s, GoLaneState::Syscall | GoLaneState::SyscallBlocked)
}

/// The longest completed calls of the program's goroutines.
pub(super) struct Syscalls {
    /// Keyed by length, then the goroutine and start (first first).
    top: TopN<(Time, Reverse<(GIdx, Time)>), Call>,
}

impl Syscalls {
    /// No calls yet.
    pub fn new() -> Syscalls {
        Syscalls {
            top: TopN::new(TOP),
        }
    }

    /// A span of one of the program's goroutines; `call` is the call it is
    /// in, if any (a call that loses its P goes on as a second span).
    pub fn span(&mut self, g: GIdx, call: &mut Option<Call>, s: &LaneSpan, t: &Trace) {
        if !in_syscall(s.state) {
            if let Some(c) = call.take() {
                self.push(c);
            }
            return;
        }
        let c = call.get_or_insert(Call {
            g,
            start: s.start,
            end: s.end,
            held_ns: 0,
            stack: s.stack,
        });
        if s.state == GoLaneState::Syscall {
            c.held_ns += s.end - s.start;
        }
        c.end = s.end;
        // A call still going on when the trace ends has no length.
        if s.last {
            if let Some(c) = call.take() {
                if t.goroutines.ended(g) {
                    self.push(c);
                }
            }
        }
    }

    fn push(&mut self, c: Call) {
        self.top.push((c.end - c.start, Reverse((c.g, c.start))), c);
    }

    /// The longest calls, and the P each held (read from the tile of its
    /// start).
    pub fn finish(self, tiles: &dyn TileAccess) -> Vec<Finding> {
        let trace = tiles.overview();
        self.top
            .into_sorted()
            .into_iter()
            .map(|((d, _), c)| {
                let what = if is_cgo(trace, c.stack) {
                    "cgo call"
                } else {
                    "syscall"
                };
                let held = match proc_held(tiles, c.g, c.start) {
                    Some(p) if c.held_ns >= d => format!("held P{p} throughout"),
                    Some(p) => format!(
                        "held P{p} for {}, then released it",
                        duration_text(c.held_ns)
                    ),
                    None if c.held_ns > 0 => {
                        format!("held its P for {}", duration_text(c.held_ns))
                    }
                    None => "without a P".to_string(),
                };
                let at = user_frame_text(trace, c.stack);
                Finding {
                    kind: FindingKind::Syscall,
                    start_ns: c.start,
                    end_ns: c.end,
                    duration_ns: d,
                    count: 1,
                    function: trace.str(trace.goroutines.name(c.g)).to_string(),
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
}

/// The P goroutine `g` held in a system call at `t`, if any.
fn proc_held(tiles: &dyn TileAccess, g: GIdx, t: Time) -> Option<ProcId> {
    let tile = tiles.tile_at(t).ok()?;
    tile.model.procs.iter().find_map(|p| {
        let iv = &p.intervals;
        iv.visible(t, t + 1)
            .find(|&i| iv.g(i) == Some(g) && iv.kind(i) == IntervalKind::Syscall)
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
