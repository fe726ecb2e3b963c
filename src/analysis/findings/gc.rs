//! GC findings: the longest stop-the-world pauses with their reason, and
//! the goroutine groups whose execution went most to mark assist.

use super::report::{at_text, duration_text};
use super::{plural, top_goroutines, Finding, FindingKind, TopN, TOP};
use crate::analysis::fold::LaneSpan;
use crate::model::{GIdx, GoLaneState, IntervalKind, Trace};
use crate::trace::Time;
use std::cmp::Reverse;

/// The longest stop-the-world pauses.
pub(super) fn stw_pauses(trace: &Trace) -> Vec<Finding> {
    let mut top = TopN::new(TOP);
    for (i, r) in trace.stw.iter().enumerate() {
        top.push((r.end - r.start, Reverse(i)), i);
    }
    top.into_sorted()
        .into_iter()
        .map(|((d, _), i)| {
            let r = trace.stw[i];
            // Every P stood still: the cost is the pause times GOMAXPROCS.
            let procs = trace.counters.gomaxprocs.value_at(r.start).max(1.0) as Time;
            let reason = trace.str(r.reason);
            let by = r.g.map_or(String::new(), |g| {
                format!(", stopped by {}", trace.goroutine_label(g))
            });
            Finding {
                kind: FindingKind::Stw,
                start_ns: r.start,
                end_ns: r.end,
                duration_ns: d,
                count: 1,
                function: r.g.map_or(String::new(), |g| {
                    trace.str(trace.goroutines.name(g)).to_string()
                }),
                goroutines: r.g.into_iter().collect(),
                text: format!(
                    "stop-the-world ({}) of {} at {}{by}",
                    if reason.is_empty() {
                        "no reason"
                    } else {
                        reason
                    },
                    duration_text(d),
                    at_text(trace, r.start)
                ),
                impact_ns: d.saturating_mul(procs),
            }
        })
        .collect()
}

/// Per goroutine group: assist time, and how it was spent; running time,
/// first and last assist, assisting goroutines.
#[derive(Default)]
struct GroupAssist {
    assist_ns: Time,
    /// Of the assist time: running (assisting), and parked or waiting
    /// to run again (an assist with no work to do parks until background
    /// marking pays the debt).
    assisting_ns: Time,
    parked_ns: Time,
    running_ns: Time,
    first: Option<Time>,
    last: Time,
    goroutines: Vec<(GIdx, Time)>,
}

/// Mark assists, by goroutine group: from the overview's GC work rows
/// (exact), and the goroutines' spans while they assisted.
pub(super) struct Assists {
    groups: Vec<GroupAssist>,
    /// Goroutines charged an assist, one bit each.
    assisted: Vec<u64>,
}

impl Assists {
    /// The assists of the trace whose overview is `t`.
    pub fn new(t: &Trace) -> Assists {
        let mut groups: Vec<GroupAssist> = Vec::new();
        groups.resize_with(t.groups.len(), GroupAssist::default);
        let gs = &t.goroutines;
        let mut assisted = vec![0u64; gs.len().div_ceil(64)];
        let mut k = 0;
        while k < t.gc_work.len() {
            let g = t.gc_work[k].g;
            let rows = t.gc_work_of(g);
            k += rows.len().max(1);
            let Some(grp) = gs.group(g).and_then(|i| groups.get_mut(i as usize)) else {
                continue;
            };
            let mut assist_ns = 0;
            for w in rows.iter().filter(|w| w.kind == IntervalKind::MarkAssist) {
                assist_ns += w.end - w.start;
                grp.first = Some(grp.first.map_or(w.start, |f| f.min(w.start)));
                grp.last = grp.last.max(w.end);
            }
            if assist_ns > 0 {
                grp.assist_ns += assist_ns;
                grp.goroutines.push((g, assist_ns));
                assisted[g.ix() / 64] |= 1 << (g.ix() % 64);
            }
        }
        Assists { groups, assisted }
    }

    /// A span of any goroutine.
    pub fn span(&mut self, g: GIdx, s: &LaneSpan, t: &Trace) {
        if self
            .assisted
            .get(g.ix() / 64)
            .is_none_or(|w| w & (1 << (g.ix() % 64)) == 0)
        {
            return;
        }
        let Some(grp) = t
            .goroutines
            .group(g)
            .and_then(|i| self.groups.get_mut(i as usize))
        else {
            return;
        };
        if s.state == GoLaneState::Running {
            grp.running_ns += s.end - s.start;
        }
        let rows = t.gc_work_of(g);
        let first = rows.partition_point(|w| w.end <= s.start);
        let in_assist: Time = rows[first..]
            .iter()
            .take_while(|w| w.start < s.end)
            .filter(|w| w.kind == IntervalKind::MarkAssist)
            .map(|w| w.end.min(s.end) - w.start.max(s.start))
            .filter(|&d| d > 0)
            .sum();
        match s.state {
            GoLaneState::Running => grp.assisting_ns += in_assist,
            _ => grp.parked_ns += in_assist,
        }
    }

    /// The goroutine groups that spent the most time in mark assist.
    pub fn finish(self, trace: &Trace) -> Vec<Finding> {
        let mut top = TopN::new(TOP);
        for (k, grp) in self.groups.into_iter().enumerate() {
            if grp.assist_ns > 0 {
                top.push((grp.assist_ns, Reverse(k)), (k, grp));
            }
        }
        top.into_sorted()
            .into_iter()
            .map(|((d, _), (k, grp))| {
                let name = trace.str(trace.groups[k].name);
                let count = grp.goroutines.len() as u64;
                let share = if grp.running_ns > 0 {
                    format!(
                        " ({:.0}% of their running time)",
                        grp.assisting_ns as f64 * 100.0 / grp.running_ns as f64
                    )
                } else {
                    String::new()
                };
                let start_ns = grp.first.unwrap_or(trace.meta.start);
                Finding {
                    kind: FindingKind::Gc,
                    start_ns,
                    end_ns: grp.last.max(start_ns),
                    duration_ns: d,
                    count,
                    function: name.to_string(),
                    goroutines: top_goroutines(grp.goroutines),
                    text: format!(
                        "{} of {} spent {} in mark assist: {} assisting{share}, {} parked waiting for credit",
                        plural(count, "goroutine"),
                        if name.is_empty() { "(unnamed)" } else { name },
                        duration_text(d),
                        duration_text(grp.assisting_ns),
                        duration_text(grp.parked_ns),
                    ),
                    impact_ns: d,
                }
            })
            .collect()
    }
}
