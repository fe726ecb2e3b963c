//! What is under the pointer: a row header, a goroutine span, a GC row
//! item, a region, a proc or thread interval, a GC or STW range or a
//! counter; and the tooltip text for it.

use super::counters::CounterTrack;
use super::layout::{Intervals, LaneSpans, SortedIntervals, StartEnd};
use super::rows::{height, Row, RowKind};
use super::Timeline;
use crate::format;
use crate::model::GIdx;
use crate::trace::Time;
use crate::ui::derived::TraceData;

/// Something under the pointer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Hit {
    /// A section or group header (clicking toggles it).
    Header(RowKind),
    /// The label of a goroutine lane.
    GoLabel(GIdx),
    /// A goroutine state span (arena index).
    Span {
        /// Goroutine.
        g: GIdx,
        /// Arena index.
        idx: u32,
    },
    /// A GC work item (mark assist / sweep) of a goroutine.
    GcWork {
        /// Goroutine.
        g: GIdx,
        /// Index into `Trace::gc_work`.
        idx: u32,
    },
    /// A user region of a goroutine.
    Region {
        /// Index into `Trace::regions`.
        idx: u32,
    },
    /// An interval of a proc lane.
    Proc {
        /// Proc index.
        p: u32,
        /// Interval index.
        idx: u32,
    },
    /// An interval of a thread lane.
    Thread {
        /// Thread index.
        m: u32,
        /// Interval index.
        idx: u32,
    },
    /// A GC mark phase.
    Gc(u32),
    /// A stop-the-world pause.
    Stw(u32),
    /// A counter track at a time.
    Counter(CounterTrack, Time),
}

/// Pointer slack in points: thin items stay hoverable.
const SLACK_PX: f64 = 2.0;

fn item_at<I: SortedIntervals>(items: &I, tl: &Timeline, x: f64) -> Option<usize> {
    let n = items.len();
    if n == 0 {
        return None;
    }
    let t = tl.map.time_from_x(x);
    let slack = (SLACK_PX * tl.map.ns_per_px) as Time;
    // The last item starting at or before t, and the one after it (binary search only).
    let next = items.first_starting_at_or_after(t + 1, 0, n);
    let mut best: Option<(usize, Time)> = None;
    for i in [next.checked_sub(1), (next < n).then_some(next)]
        .into_iter()
        .flatten()
    {
        let (s, e) = (items.start(i), items.end(i));
        let d = if s <= t && t < e {
            0
        } else {
            (s - t).abs().min((e - t).abs())
        };
        if d <= slack && best.is_none_or(|b| d < b.1) {
            best = Some((i, d));
        }
    }
    best.map(|b| b.0)
}

/// What is at screen point (`x`, content `y`) of the lane area, for a row.
pub fn hit_row(
    data: &TraceData,
    tl: &Timeline,
    row: &Row,
    x: f64,
    y_in_row: f32,
    in_labels: bool,
) -> Option<Hit> {
    let tr = data.lanes();
    match row.kind {
        RowKind::Section(_) | RowKind::Group(_) => return Some(Hit::Header(row.kind)),
        RowKind::Goroutine(g) if in_labels => return Some(Hit::GoLabel(g)),
        _ if in_labels => return None,
        _ => {}
    }
    let se = |start: &[Time], end: &[Time], coarse: &[Time]| {
        item_at(&StartEnd { start, end, coarse }, tl, x).map(|i| i as u32)
    };
    match row.kind {
        RowKind::Gc => se(&data.gc_start, &data.gc_end, &[]).map(Hit::Gc),
        RowKind::Stw => se(&data.stw_start, &data.stw_end, &[]).map(Hit::Stw),
        RowKind::Counter(c) => Some(Hit::Counter(c, tl.map.time_from_x(x))),
        RowKind::Proc(p) => {
            let iv = &tr.procs().get(p as usize)?.intervals;
            let items = Intervals {
                lane: iv,
                coarse: data.proc_coarse(p as usize),
            };
            item_at(&items, tl, x).map(|i| Hit::Proc { p, idx: i as u32 })
        }
        RowKind::Thread(m) => {
            let iv = &tr.threads().get(m as usize)?.intervals;
            let items = Intervals {
                lane: iv,
                coarse: data.thread_coarse(m as usize),
            };
            item_at(&items, tl, x).map(|i| Hit::Thread { m, idx: i as u32 })
        }
        RowKind::Goroutine(g) => {
            if y_in_row < row.state_h {
                let lane = tr.lanes().get(g)?;
                let items = LaneSpans {
                    arena: tr.spans(),
                    lane,
                    coarse: data.lane_coarse(g),
                };
                return item_at(&items, tl, x).map(|i| Hit::Span {
                    g,
                    idx: lane.first + i as u32,
                });
            }
            let mut y = y_in_row - row.state_h;
            if row.gc_row {
                if y < height::GC_ROW {
                    let items = super::layout::GcWorkItems(tr.gc_work_of(g));
                    let base = tr.gc_work_range(g).start as u32;
                    return item_at(&items, tl, x).map(|i| Hit::GcWork {
                        g,
                        idx: base + i as u32,
                    });
                }
                y -= height::GC_ROW;
            }
            let depth = (y / height::REGION) as u16;
            let regs = tr.regions_of(g);
            let base = tr.region_range(g).start as u32;
            let t = tl.map.time_from_x(x);
            regs.iter()
                .position(|r| r.depth == depth && r.start <= t && t < r.end)
                .map(|i| Hit::Region {
                    idx: base + i as u32,
                })
        }
        _ => None,
    }
}

/// Tooltip lines for a hit.
pub fn tooltip(data: &TraceData, tl: &Timeline, hit: &Hit) -> Vec<String> {
    let tr = data.lanes();
    let tip = Tip { data, tl };
    match *hit {
        Hit::Header(RowKind::Group(gi)) => tip.group(gi),
        Hit::Header(_) => vec!["click to expand or collapse".into()],
        Hit::GoLabel(g) => vec![tr.goroutine_label(g)],
        Hit::Span { g, idx } => tip.span(g, idx),
        Hit::GcWork { g, idx } => tip.gc_work(g, idx),
        Hit::Region { idx } => tip.region(idx),
        Hit::Proc { p, idx } => interval_tip(
            data,
            tl,
            &tr.procs()[p as usize].intervals,
            idx,
            format!("P{}", tr.procs()[p as usize].id),
        ),
        Hit::Thread { m, idx } => interval_tip(
            data,
            tl,
            &tr.threads()[m as usize].intervals,
            idx,
            format!("M{}", tr.threads()[m as usize].id),
        ),
        Hit::Gc(i) => {
            let r = data.whole().gc[i as usize];
            vec![
                format!("GC mark phase — {}", format::duration(r.end - r.start)),
                format!("start {}", tip.rel(r.start)),
            ]
        }
        Hit::Stw(i) => tip.stw(i),
        Hit::Counter(c, t) => tip.counter(c, t),
    }
}

/// What the tooltips read: the trace and the timeline (its origin and
/// selection).
struct Tip<'a> {
    data: &'a TraceData,
    tl: &'a Timeline,
}

impl Tip<'_> {
    /// A time from the origin, saying so.
    fn rel(&self, t: Time) -> String {
        format!("{} (from origin)", format::duration(t - self.tl.origin_ns))
    }

    /// A goroutine group's header: how many goroutines started where.
    fn group(&self, gi: u32) -> Vec<String> {
        let tr = self.data.lanes();
        let Some(g) = self.data.whole().groups.get(gi as usize) else {
            return vec![];
        };
        vec![
            format!(
                "{} started at",
                format::count_of(g.members.len() as u64, "goroutine")
            ),
            tr.str(g.name).to_string(),
            "click to expand or collapse".into(),
        ]
    }

    /// A goroutine's span: state, length, start, reason, and how long it
    /// ran at the same time as the selected span.
    fn span(&self, g: GIdx, idx: u32) -> Vec<String> {
        let tr = self.data.lanes();
        let s = tr.spans().span(&tr.lane(g), idx as usize);
        let mut v = vec![
            format!("{} — {}", s.state.name(), format::duration(s.end - s.start)),
            format!("start {}", self.rel(s.start)),
            tr.goroutine_label(g),
        ];
        if s.reason != 0 {
            v.push(format!("reason: {}", tr.reason(s.reason)));
        }
        if let Some(sel) = self.tl.selected.filter(|sel| sel.g != g) {
            let ss = self.tl.span_of(self.data, sel);
            let ov = s.end.min(ss.end) - s.start.max(ss.start);
            if ov > 0 {
                v.push(format!(
                    "overlaps the selected span by {}",
                    format::duration(ov)
                ));
            }
        }
        v
    }

    /// A mark assist or a sweep a goroutine did.
    fn gc_work(&self, g: GIdx, idx: u32) -> Vec<String> {
        let tr = self.data.lanes();
        let Some(w) = tr.gc_work().get(idx as usize) else {
            return vec![];
        };
        let what = if w.kind == crate::model::IntervalKind::Sweep {
            "sweep"
        } else {
            "GC mark assist"
        };
        vec![
            format!("{what} — {}", format::duration(w.end - w.start)),
            format!("start {}", self.rel(w.start)),
            tr.goroutine_label(g),
        ]
    }

    /// A region: name, length, start, task.
    fn region(&self, idx: u32) -> Vec<String> {
        let tr = self.data.lanes();
        let Some(r) = tr.regions().get(idx as usize) else {
            return vec![];
        };
        vec![
            format!(
                "region {} — {}",
                tr.str(r.name),
                format::duration(r.end - r.start)
            ),
            format!("start {}", self.rel(r.start)),
            format!("task {}", r.task),
        ]
    }

    /// A stop-the-world pause: length, reason, start, who stopped it.
    fn stw(&self, i: u32) -> Vec<String> {
        let tr = self.data.whole();
        let r = tr.stw[i as usize];
        let mut v = vec![
            format!("stop-the-world — {}", format::duration(r.end - r.start)),
            format!("reason: {}", tr.str(r.reason)),
            format!("start {}", self.rel(r.start)),
        ];
        if let Some(g) = r.g {
            v.push(format!("by {}", tr.goroutine_label(g)));
        }
        v
    }

    /// A counter track at time `t`: each series' value.
    fn counter(&self, c: CounterTrack, t: Time) -> Vec<String> {
        let mut v = vec![format!(
            "{} at {}",
            c.label(),
            format::duration(t - self.tl.origin_ns)
        )];
        for (i, _, _) in c.parts() {
            if let Some(s) = super::counters::series(self.data.whole()).get(i) {
                v.push(format!("{}: {}", s.name, c.value_text(s.value_at(t))));
            }
        }
        v
    }
}

fn interval_tip(
    data: &TraceData,
    tl: &Timeline,
    iv: &crate::model::IntervalLane,
    idx: u32,
    lane: String,
) -> Vec<String> {
    let tr = data.lanes();
    let i = idx as usize;
    let kind = if iv.kind(i) == crate::model::IntervalKind::Syscall {
        "syscall"
    } else {
        "running"
    };
    let g = iv.g(i);
    let mut v = vec![
        format!(
            "{lane}: {} {kind} — {}",
            g.map_or("runtime".into(), |g| tr.goroutine_label(g)),
            format::duration(iv.end(i) - iv.start(i))
        ),
        format!("start {}", format::duration(iv.start(i) - tl.origin_ns)),
    ];
    if g.is_some_and(|g| data.is_gc_worker(g)) {
        v.push("GC background mark worker".into());
    }
    v.push("click: select this goroutine's span".into());
    v
}
