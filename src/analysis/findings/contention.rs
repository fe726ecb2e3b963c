//! Contention: the channels, mutexes and selects (by the stack where
//! goroutines blocked) where the most goroutine time was spent blocked.

use super::report::duration_text;
use super::{is_runtime_goroutine, plural, top_goroutines, Finding, FindingKind, TopN, TOP};
use crate::analysis::frames::user_frame_text;
use crate::model::{GIdx, GoLaneState, StackId, Trace};
use crate::trace::Time;
use rustc_hash::FxHashMap;

/// Whether a block reason is synchronisation (the sync blocking profile's
/// reasons: channels, select, mutexes and the other sync primitives).
fn is_sync(reason: &str) -> bool {
    reason.contains("chan") || reason.contains("select") || reason.contains("sync")
}

/// The waits at one stack.
#[derive(Default)]
struct Site {
    blocked_ns: Time,
    waits: u64,
    first: Time,
    last: Time,
    reason: u16,
    goroutines: FxHashMap<GIdx, Time>,
}

/// The stacks with the most time blocked on synchronisation (waits that
/// ended within the trace; those still going on are leaks).
pub(super) fn contention(trace: &Trace) -> Vec<Finding> {
    let sync_reason: Vec<bool> = (0..trace.reasons.len())
        .map(|r| is_sync(trace.reason(r as u16)))
        .collect();
    let gs = &trace.goroutines;
    let mut sites: FxHashMap<StackId, Site> = FxHashMap::default();
    for g in 0..gs.len() as GIdx {
        if is_runtime_goroutine(trace, g) {
            continue;
        }
        let lane = trace.lane(g);
        let r = lane.indexes();
        for i in r.start..r.end.saturating_sub(1) {
            let k = trace.spans.kind(i);
            if k.state != GoLaneState::Waiting
                || !sync_reason.get(k.reason as usize).copied().unwrap_or(false)
            {
                continue;
            }
            let s = trace.spans.span(&lane, i);
            let site = sites.entry(k.stack).or_insert_with(|| Site {
                first: Time::MAX,
                reason: k.reason,
                ..Site::default()
            });
            let d = s.end - s.start;
            site.blocked_ns += d;
            site.waits += 1;
            site.first = site.first.min(s.start);
            site.last = site.last.max(s.end);
            *site.goroutines.entry(g).or_insert(0) += d;
        }
    }
    let mut top = TopN::new(TOP);
    for (stack, site) in sites {
        top.push(site.blocked_ns, (stack, site));
    }
    top.into_sorted()
        .into_iter()
        .map(|(d, (stack, site))| {
            let gs: Vec<(GIdx, Time)> = site.goroutines.into_iter().collect();
            let n = gs.len();
            let goroutines = top_goroutines(gs);
            let function = goroutines
                .first()
                .map(|&g| trace.str(trace.goroutines.name(g as usize)).to_string())
                .unwrap_or_default();
            let at = user_frame_text(trace, stack);
            Finding {
                kind: FindingKind::Contention,
                start_ns: site.first,
                end_ns: site.last,
                duration_ns: d,
                count: site.waits,
                function,
                goroutines,
                text: format!(
                    "{} blocked in {} at {}: {} by {}",
                    duration_text(d),
                    trace.reason(site.reason),
                    if at.is_empty() {
                        "an unknown stack".to_string()
                    } else {
                        at
                    },
                    plural(site.waits, "wait"),
                    plural(n as u64, "goroutine"),
                ),
                impact_ns: d,
            }
        })
        .collect()
}
