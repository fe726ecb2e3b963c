//! Leaks: goroutines of the program still blocked when the trace ends,
//! grouped by the stack they block at.

use super::{is_runtime_goroutine, plural, top_goroutines, Finding, FindingKind, TopN, TOP};
use crate::analysis::frames::{user_frame_text, user_function};
use crate::model::{GIdx, GoLaneState, StackId, Trace};
use crate::trace::Time;
use rustc_hash::FxHashMap;

/// The goroutines blocked at one stack at the end.
#[derive(Default)]
struct Group {
    goroutines: Vec<(GIdx, Time)>,
    since: Time,
    reason: u16,
    blocked_ns: Time,
}

/// Leak findings, the groups with the most goroutine time blocked first.
pub(super) fn leaks(trace: &Trace) -> Vec<Finding> {
    let end = trace.meta.end;
    let gs = &trace.goroutines;
    let mut groups: FxHashMap<StackId, Group> = FxHashMap::default();
    for g in 0..gs.len() {
        let lane = trace.lane(g as GIdx);
        if gs.ended(g) || lane.len == 0 || is_runtime_goroutine(trace, g as GIdx) {
            continue;
        }
        let last = lane.indexes().end - 1;
        let s = trace.spans.span(&lane, last);
        // Nothing is known of a goroutine with neither a name nor a stack.
        if s.state != GoLaneState::Waiting || (s.stack == 0 && gs.name(g) == 0) {
            continue;
        }
        let e = groups.entry(s.stack).or_insert_with(|| Group {
            since: Time::MAX,
            reason: s.reason,
            ..Group::default()
        });
        let blocked = end - s.start;
        e.goroutines.push((g as GIdx, blocked));
        e.since = e.since.min(s.start);
        e.blocked_ns += blocked;
    }
    let mut top = TopN::new(TOP);
    for (stack, grp) in groups {
        top.push(grp.blocked_ns, (stack, grp));
    }
    top.into_sorted()
        .into_iter()
        .map(|(impact_ns, (stack, grp))| {
            let count = grp.goroutines.len() as u64;
            let reason = trace.reason(grp.reason);
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
