//! Leaks: goroutines of the program still blocked when the trace ends,
//! grouped by the stack they block at.

use super::{plural, top_goroutines, Finding, FindingKind, TopN, TOP};
use crate::analysis::fold::LaneSpan;
use crate::analysis::frames::{user_frame_text, user_function};
use crate::model::{GIdx, GoLaneState, StackId, StrId, Trace};
use crate::trace::Time;
use rustc_hash::FxHashMap;
use std::cmp::Reverse;

/// The goroutines blocked at one stack at the end.
#[derive(Default)]
struct Group {
    goroutines: Vec<(GIdx, Time)>,
    since: Time,
    reason: StrId,
    blocked_ns: Time,
}

/// The program's goroutines blocked at the end, by stack.
#[derive(Default)]
pub(super) struct Leaks {
    groups: FxHashMap<StackId, Group>,
}

impl Leaks {
    /// A span of one of the program's goroutines: a leak if it is the
    /// last of a goroutine that did not end, and a wait.
    pub fn span(&mut self, g: GIdx, s: &LaneSpan, t: &Trace) {
        let gs = &t.goroutines;
        // Nothing is known of a goroutine with neither a name nor a stack.
        if !s.last
            || gs.ended(g)
            || s.state != GoLaneState::Waiting
            || (s.stack == 0 && gs.name(g) == 0)
        {
            return;
        }
        let e = self.groups.entry(s.stack).or_insert_with(|| Group {
            since: Time::MAX,
            reason: s.reason,
            ..Group::default()
        });
        let blocked = t.meta.end - s.start;
        e.goroutines.push((g, blocked));
        e.since = e.since.min(s.start);
        e.blocked_ns += blocked;
    }

    /// Leak findings, the groups with the most goroutine time blocked first.
    pub fn finish(self, trace: &Trace) -> Vec<Finding> {
        let end = trace.meta.end;
        let mut top = TopN::new(TOP);
        for (stack, grp) in self.groups {
            top.push((grp.blocked_ns, Reverse(stack)), (stack, grp));
        }
        top.into_sorted()
            .into_iter()
            .map(|((impact_ns, _), (stack, grp))| {
                let count = grp.goroutines.len() as u64;
                let reason = trace.str(grp.reason);
                let at = user_frame_text(trace, stack);
                Finding {
                    kind: FindingKind::Leak,
                    start_ns: grp.since,
                    end_ns: end,
                    duration_ns: end - grp.since,
                    count,
                    function: user_function(trace, stack).to_string(),
                    goroutines: top_goroutines(grp.goroutines),
                    text: format!(
                        "{} still blocked ({}) at the end, at {}, since {}",
                        plural(count, "goroutine"),
                        if reason.is_empty() {
                            "no reason"
                        } else {
                            reason
                        },
                        if at.is_empty() {
                            "an unknown stack".to_string()
                        } else {
                            at
                        },
                        super::report::at_text(trace, grp.since)
                    ),
                    impact_ns,
                }
            })
            .collect()
    }
}
