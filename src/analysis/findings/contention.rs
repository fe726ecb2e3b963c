//! Contention: the channels, mutexes and selects (by the stack where
//! goroutines blocked) where the most goroutine time was spent blocked.

use super::report::duration_text;
use super::{plural, Finding, FindingKind, TopGoroutines, TopN, TOP};
use crate::analysis::fold::LaneSpan;
use crate::analysis::frames::user_frame_text;
use crate::model::{GIdx, GoLaneState, StackId, StrId, Trace};
use crate::trace::Time;
use rustc_hash::FxHashMap;
use std::cmp::Reverse;

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
    reason: StrId,
    goroutines: TopGoroutines,
}

/// A goroutine's time blocked at each stack so far (a few stacks).
#[derive(Default)]
pub(super) struct Blocked(Vec<(StackId, Time)>);

/// The waits on synchronisation, by stack (waits that ended within the
/// trace; those still going on are leaks).
pub(super) struct Contention {
    /// Whether each string is a synchronisation reason (by string ID).
    sync_reason: FxHashMap<StrId, bool>,
    sites: FxHashMap<StackId, Site>,
}

impl Contention {
    /// An empty tally for the trace whose overview is `t`.
    pub fn new(t: &Trace) -> Contention {
        let sync_reason = t.reasons.iter().map(|&r| (r, is_sync(t.str(r)))).collect();
        Contention {
            sync_reason,
            sites: FxHashMap::default(),
        }
    }

    /// A span of one of the program's goroutines, whose time blocked at
    /// each stack so far is `blocked`.
    pub fn span(&mut self, blocked: &mut Blocked, s: &LaneSpan) {
        if s.last
            || s.state != GoLaneState::Waiting
            || !self.sync_reason.get(&s.reason).copied().unwrap_or(false)
        {
            return;
        }
        let site = self.sites.entry(s.stack).or_insert_with(|| Site {
            first: Time::MAX,
            reason: s.reason,
            ..Site::default()
        });
        let d = s.end - s.start;
        site.blocked_ns += d;
        site.waits += 1;
        site.first = site.first.min(s.start);
        site.last = site.last.max(s.end);
        match blocked.0.iter_mut().find(|b| b.0 == s.stack) {
            Some(b) => b.1 += d,
            None => blocked.0.push((s.stack, d)),
        }
    }

    /// Goroutine `g`'s lane has ended: its time at each stack is known.
    pub fn end(&mut self, g: GIdx, blocked: Blocked) {
        for (stack, d) in blocked.0 {
            if let Some(site) = self.sites.get_mut(&stack) {
                site.goroutines.push(g, d);
            }
        }
    }

    /// The stacks with the most time blocked on synchronisation.
    pub fn finish(self, trace: &Trace) -> Vec<Finding> {
        let mut top = TopN::new(TOP);
        for (stack, site) in self.sites {
            top.push((site.blocked_ns, Reverse(stack)), (stack, site));
        }
        top.into_sorted()
            .into_iter()
            .map(|((d, _), (stack, site))| {
                let n = site.goroutines.count;
                let goroutines = site.goroutines.into_sorted();
                let function = goroutines
                    .first()
                    .map(|&g| trace.str(trace.goroutines.name(g)).to_string())
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
                        trace.str(site.reason),
                        if at.is_empty() {
                            "an unknown stack".to_string()
                        } else {
                            at
                        },
                        plural(site.waits, "wait"),
                        plural(n, "goroutine"),
                    ),
                    impact_ns: d,
                }
            })
            .collect()
    }
}
