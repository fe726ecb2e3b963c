//! Statistics of a selected time range: its length, the time the
//! goroutine lanes in view spent in each state within it, proc busy time,
//! and GC/STW time. Computed when the range or the lanes in view change,
//! never per frame.

use super::chip::labelled_chip_ui;
use super::derived::TraceData;
use super::palette;
use super::timeline::layout::{visible_range, Intervals, StartEnd};
use super::timeline::rows::RowKind;
use super::timeline::Timeline;
use crate::format;
use crate::model::GoLaneState;
use crate::trace::Time;
use egui::Ui;
use std::sync::Arc;

/// Totals over a time range.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RangeStats {
    /// Range start.
    pub start: Time,
    /// Range end.
    pub end: Time,
    /// Time per state summed over the goroutine lanes in view.
    pub per_state: [Time; 5],
    /// Goroutine lanes counted.
    pub lanes: usize,
    /// Busy time summed over all procs.
    pub procs_busy_ns: Time,
    /// Number of procs.
    pub procs: usize,
    /// GC mark time in the range.
    pub gc_ns: Time,
    /// Stop-the-world time in the range.
    pub stw_ns: Time,
}

fn clipped(s: Time, e: Time, r0: Time, r1: Time) -> Time {
    (e.min(r1) - s.max(r0)).max(0)
}

/// Computes the statistics of `[r0, r1)` for the goroutine rows `rows`.
pub fn compute(
    data: &TraceData,
    tl: &Timeline,
    r0: Time,
    r1: Time,
    rows: std::ops::Range<usize>,
) -> RangeStats {
    let tr = data.lanes();
    let mut st = RangeStats {
        start: r0,
        end: r1,
        procs: tr.procs().len(),
        ..RangeStats::default()
    };
    for ri in rows {
        let Some(row) = tl.rows().get(ri) else {
            continue;
        };
        let RowKind::Goroutine(g) = row.kind else {
            continue;
        };
        let lane = tr.lane(g);
        st.lanes += 1;
        for i in tr.spans().visible(&lane, r0, r1) {
            let s = tr.spans().span(&lane, i);
            st.per_state[s.state as usize] += clipped(s.start, s.end, r0, r1);
        }
    }
    for (pi, p) in tr.procs().iter().enumerate() {
        let iv = &p.intervals;
        for i in visible_range(
            &Intervals {
                lane: iv,
                coarse: data.proc_coarse(pi),
            },
            r0,
            r1,
        ) {
            st.procs_busy_ns += clipped(iv.start(i), iv.end(i), r0, r1);
        }
    }
    for i in visible_range(
        &StartEnd {
            start: &data.gc_start,
            end: &data.gc_end,
            coarse: &[],
        },
        r0,
        r1,
    ) {
        st.gc_ns += clipped(data.gc_start[i], data.gc_end[i], r0, r1);
    }
    for i in visible_range(
        &StartEnd {
            start: &data.stw_start,
            end: &data.stw_end,
            coarse: &[],
        },
        r0,
        r1,
    ) {
        st.stw_ns += clipped(data.stw_start[i], data.stw_end[i], r0, r1);
    }
    st
}

/// Cached statistics keyed by the range and the rows in view.
#[derive(Debug, Default)]
pub struct RangeStatsCache {
    key: Option<(Time, Time, usize, usize, usize, usize)>,
    /// The statistics.
    pub stats: Option<RangeStats>,
}

impl RangeStatsCache {
    /// Recomputes only when the range or the lanes in view changed.
    pub fn update(&mut self, data: &TraceData, tl: &Timeline) {
        let Some((r0, r1)) = tl.range() else {
            self.key = None;
            self.stats = None;
            return;
        };
        let v = tl.last_frame().rows_in_view.clone();
        let key = (
            r0,
            r1,
            v.start,
            v.end,
            tl.rows().len(),
            Arc::as_ptr(data.lanes()) as usize,
        );
        if self.key != Some(key) {
            self.stats = Some(compute(data, tl, r0, r1, v));
            self.key = Some(key);
        }
    }
}

/// The range panel.
pub fn range_ui(ui: &mut Ui, st: &RangeStats, origin: Time) -> bool {
    let mut clear = false;
    let len = st.end - st.start;
    ui.horizontal_wrapped(|ui| {
        ui.strong(format!("Range {}", format::duration(len)));
        ui.weak(format!(
            "from {} to {}",
            format::duration(st.start - origin),
            format::duration(st.end - origin)
        ));
        if ui.small_button("Clear (Esc)").clicked() {
            clear = true;
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("{} goroutine lanes in view:", st.lanes));
        for s in GoLaneState::ALL {
            labelled_chip_ui(
                ui,
                palette::state(s),
                format!(
                    "{} {}",
                    s.name(),
                    format::duration(st.per_state[s as usize])
                ),
            );
        }
    });
    ui.horizontal_wrapped(|ui| {
        if st.procs > 0 && len > 0 {
            let util = st.procs_busy_ns as f64 / (len as f64 * st.procs as f64) * 100.0;
            ui.label(format!(
                "procs busy {} ({util:.1}% of {} Ps)",
                format::duration(st.procs_busy_ns),
                st.procs
            ));
        }
        ui.label(format!("GC {}", format::duration(st.gc_ns)));
        ui.label(format!("STW {}", format::duration(st.stw_ns)));
    });
    clear
}
