//! GC findings: the longest stop-the-world pauses with their reason, and
//! the goroutine groups whose execution went most to mark assist.

use super::report::{at_text, duration_text};
use super::{plural, top_goroutines, Finding, FindingKind, TopN, TOP};
use crate::model::{GIdx, GoLaneState, IntervalKind, Trace, NO_G};
use crate::trace::Time;

/// The longest stop-the-world pauses.
pub(super) fn stw_pauses(trace: &Trace) -> Vec<Finding> {
    let mut top = TopN::new(TOP);
    for (i, r) in trace.stw.iter().enumerate() {
        top.push(r.end - r.start, i);
    }
    top.into_sorted()
        .into_iter()
        .map(|(d, i)| {
            let r = trace.stw[i];
            // Every P stood still: the cost is the pause times GOMAXPROCS.
            let procs = trace.counters.gomaxprocs.value_at(r.start).max(1.0) as Time;
            let reason = trace.str(r.reason);
            let by = if r.g == NO_G {
                String::new()
            } else {
                format!(", stopped by {}", trace.goroutine_label(r.g))
            };
            Finding {
                kind: FindingKind::Stw,
                start_ns: r.start,
                end_ns: r.end,
                duration_ns: d,
                count: 1,
                function: if r.g == NO_G {
                    String::new()
                } else {
                    trace.str(trace.goroutines.name(r.g as usize)).to_string()
                },
                goroutines: if r.g == NO_G { vec![] } else { vec![r.g] },
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

/// Per goroutine group: assist time, running time, first and last assist,
/// assisting goroutines.
#[derive(Default)]
struct GroupAssist {
    assist_ns: Time,
    running_ns: Time,
    first: Option<Time>,
    last: Time,
    goroutines: Vec<(GIdx, Time)>,
}

/// The goroutine groups that spent the most time in mark assist.
pub(super) fn assists(trace: &Trace) -> Vec<Finding> {
    let mut groups: Vec<GroupAssist> = Vec::new();
    groups.resize_with(trace.groups.len(), GroupAssist::default);
    let gs = &trace.goroutines;
    for g in 0..gs.len() as GIdx {
        let Some(grp) = gs
            .group(g as usize)
            .and_then(|k| groups.get_mut(k as usize))
        else {
            continue;
        };
        let mut assist_ns = 0;
        for w in trace.gc_work_of(g) {
            if w.kind == IntervalKind::MarkAssist {
                assist_ns += w.end - w.start;
                grp.first = Some(grp.first.map_or(w.start, |f| f.min(w.start)));
                grp.last = grp.last.max(w.end);
            }
        }
        if assist_ns == 0 {
            continue;
        }
        grp.assist_ns += assist_ns;
        grp.goroutines.push((g, assist_ns));
        let lane = trace.lane(g);
        grp.running_ns += lane
            .indexes()
            .filter(|&i| trace.spans.state(i) == GoLaneState::Running)
            .map(|i| {
                let s = trace.spans.span(&lane, i);
                s.end - s.start
            })
            .sum::<Time>();
    }
    let mut top = TopN::new(TOP);
    for (k, grp) in groups.into_iter().enumerate() {
        if grp.assist_ns > 0 {
            top.push(grp.assist_ns, (k, grp));
        }
    }
    top.into_sorted()
        .into_iter()
        .map(|(d, (k, grp))| {
            let name = trace.str(trace.groups[k].name);
            let count = grp.goroutines.len() as u64;
            let share = if grp.running_ns > 0 {
                format!(
                    " ({:.0}% of their running time)",
                    d as f64 * 100.0 / grp.running_ns as f64
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
                    "{} of {} spent {} in mark assist{share}",
                    plural(count, "goroutine"),
                    if name.is_empty() { "(unnamed)" } else { name },
                    duration_text(d),
                ),
                impact_ns: d,
            }
        })
        .collect()
}
