//! The timeline widget: time axis, runtime tracks, proc/thread lanes and
//! goroutine lanes, with navigation, hover, selection, range selection
//! and flow arrows. State lives in [`Timeline`]; each concern has its own
//! module.

pub mod counters;
pub mod flows;
pub mod hit;
pub mod input;
pub mod lanes;
pub mod layout;
pub mod paint;
pub mod rows;
pub mod task_arrows;

use crate::model::{GIdx, GoLaneState};
use crate::trace::Time;
use crate::ui::derived::TraceData;
use crate::ui::timemap::TimeMap;
use rows::{Expansion, LaneFilter, RowKind, RowList, Section};

/// Width of the lane label column.
pub const LABEL_W: f32 = 230.0;
/// Narrowest the label column can be dragged.
pub const MIN_LABEL_W: f32 = 80.0;
/// Height of the time axis.
pub const AXIS_H: f32 = 24.0;

/// A selected goroutine state span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelectedSpan {
    /// Goroutine.
    pub g: GIdx,
    /// Arena index of the span.
    pub idx: u32,
}

/// How the current drag started.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Drag {
    None,
    Pan,
    Range { anchor: Time },
}

/// A goroutine that overlapped the selected span in time, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overlap {
    /// The other goroutine.
    pub g: GIdx,
    /// Total time both ran at once.
    pub overlap_ns: Time,
    /// When they first ran at once.
    pub first_ns: Time,
}

/// Where the user is on the timeline of one trace (the view, the lanes,
/// the selection) and what the last frame measured. Changed through its
/// methods; the timeline's own modules (input, paint, hit) reach the
/// fields.
pub struct Timeline {
    /// Time ↔ x mapping (screen placement refreshed each frame).
    map: TimeMap,
    /// Vertical scroll of the lanes, in points (f64 like all content y).
    scroll_y: f64,
    /// Width of the lane label column (dragged by its right edge).
    label_w: f32,
    /// Time shown as 0 on the axis.
    origin_ns: Time,
    /// Open sections and groups.
    expansion: Expansion,
    /// Goroutine lane filters.
    filter: LaneFilter,
    /// Rows for the current expansion and filter.
    rows: RowList,
    rows_dirty: bool,
    /// Selected span.
    selected: Option<SelectedSpan>,
    /// The time the selection was made at (in its span): what finds the
    /// span again in another model of the same trace, where a coarse
    /// span of the overview may cover many.
    selected_at: Time,
    /// Goroutines running while the selected span lasted (computed on select).
    overlaps: Vec<Overlap>,
    /// Selected time range.
    range: Option<(Time, Time)>,
    /// Parent/child arrows of the task shown from the tasks view.
    task_arrows: Vec<task_arrows::TaskArrow>,
    /// The drag under way.
    drag: Drag,
    /// Where the context menu was opened.
    context_time: Time,
    /// The time the view may show, when wider than the trace's (two
    /// timelines moved together: see [`Timeline::set_bounds`]).
    bounds: Option<(Time, Time)>,
    /// Fitted on the real width once.
    initialized: bool,
    /// True until the user moves the view (the first frames refit on resize).
    untouched: bool,
    fitted_width: f64,
    /// What the last frame measured, and its buffers.
    frame: LastFrame,
}

/// What the last frame of a timeline measured and the buffers it drew
/// with: refreshed every frame, never part of where the user is.
pub struct LastFrame {
    /// What the pointer was over.
    pub hovered: Option<hit::Hit>,
    /// Rows in view.
    pub rows_in_view: std::ops::Range<usize>,
    /// Height of the lane area.
    pub lanes_h: f32,
    /// Screen areas (tests and the bench aim with them).
    pub areas: Option<paint::Areas>,
    /// Layout of one lane, reused lane after lane.
    items: Vec<layout::RenderItem>,
    /// Counter buckets of one series, reused series after series.
    buckets: Vec<counters::Bucket>,
}

impl Default for LastFrame {
    fn default() -> Self {
        LastFrame {
            hovered: None,
            rows_in_view: 0..0,
            lanes_h: 600.0,
            areas: None,
            items: Vec::new(),
            buckets: Vec::new(),
        }
    }
}

impl Timeline {
    /// A timeline for a trace, showing all of it.
    pub fn new(data: &TraceData) -> Timeline {
        let t = data.whole();
        let expansion = Expansion::new(t);
        let filter = LaneFilter::default();
        let rows = RowList::build(data, &expansion, &filter);
        Timeline {
            map: TimeMap::fit(
                t.meta.start,
                t.meta.end.max(t.meta.start + 1),
                LABEL_W as f64,
                1000.0,
            ),
            scroll_y: 0.0,
            label_w: LABEL_W,
            origin_ns: t.meta.start,
            expansion,
            filter,
            rows,
            rows_dirty: false,
            selected: None,
            selected_at: 0,
            overlaps: Vec::new(),
            range: None,
            task_arrows: Vec::new(),
            drag: Drag::None,
            context_time: 0,
            bounds: None,
            initialized: false,
            untouched: true,
            fitted_width: 0.0,
            frame: LastFrame::default(),
        }
    }

    /// The time ↔ x mapping.
    pub fn map(&self) -> &TimeMap {
        &self.map
    }

    /// Vertical scroll of the lanes, in points.
    pub fn scroll_y(&self) -> f64 {
        self.scroll_y
    }

    /// Width of the lane label column.
    pub fn label_w(&self) -> f32 {
        self.label_w
    }

    /// Time shown as 0 on the axis.
    pub fn origin_ns(&self) -> Time {
        self.origin_ns
    }

    /// Open sections and groups.
    pub fn expansion(&self) -> &Expansion {
        &self.expansion
    }

    /// Goroutine lane filters.
    pub fn filter(&self) -> &LaneFilter {
        &self.filter
    }

    /// The rows shown.
    pub fn rows(&self) -> &RowList {
        &self.rows
    }

    /// The selected span.
    pub fn selected(&self) -> Option<SelectedSpan> {
        self.selected
    }

    /// The selected span's goroutine and the time it was selected at.
    pub fn selected_at(&self) -> Option<(GIdx, Time)> {
        self.selected.map(|s| (s.g, self.selected_at))
    }

    /// Goroutines that ran while the selected span lasted, longest first.
    pub fn overlaps(&self) -> &[Overlap] {
        &self.overlaps
    }

    /// The selected time range.
    pub fn range(&self) -> Option<(Time, Time)> {
        self.range
    }

    /// Parent/child arrows of the task shown.
    pub fn task_arrows(&self) -> &[task_arrows::TaskArrow] {
        &self.task_arrows
    }

    /// True until the user (or a link) moved the view.
    pub fn is_untouched(&self) -> bool {
        self.untouched
    }

    /// What the last frame measured.
    pub fn last_frame(&self) -> &LastFrame {
        &self.frame
    }

    /// Selects `[t0, t1)` as the time range (`None` clears it).
    pub fn set_range(&mut self, range: Option<(Time, Time)>) {
        self.range = range;
    }

    /// Moves the time origin (0 on the axis) to `t`.
    pub fn set_origin(&mut self, t: Time) {
        self.origin_ns = t;
    }

    /// Draws these parent/child task arrows (none: no arrows).
    pub fn set_task_arrows(&mut self, arrows: Vec<task_arrows::TaskArrow>) {
        self.task_arrows = arrows;
    }

    /// Lets the view show `[t0, t1)` (wider than the trace: a timeline
    /// moved with another's, whose time it covers) instead of the trace's
    /// time alone; `None`: the trace's.
    pub fn set_bounds(&mut self, bounds: Option<(Time, Time)>) {
        self.bounds = bounds;
    }

    /// The time the view may show: the bounds set, else the trace's.
    pub fn bounds(&self, data: &TraceData) -> (Time, Time) {
        self.bounds.unwrap_or_else(|| {
            let m = &data.whole().meta;
            (m.start, m.end.max(m.start + 1))
        })
    }

    /// Shows from `start_ns` at `ns_per_px` (another timeline's scale:
    /// two timelines moved together).
    pub fn set_scale(&mut self, start_ns: Time, ns_per_px: f64) {
        self.untouched = false;
        self.map.start_ns = start_ns;
        self.map.ns_per_px = ns_per_px.max(crate::ui::timemap::MIN_NS_PER_PX);
    }

    /// Pans by `dx` points (positive: earlier time comes into view).
    pub fn pan_px(&mut self, dx: f64) {
        self.map.pan_px(dx);
    }

    /// Makes the lane label column `w` points wide.
    pub fn set_label_w(&mut self, w: f32) {
        self.label_w = w;
    }

    /// Scrolls the lanes to `y` points from the top.
    pub fn set_scroll_y(&mut self, y: f64) {
        self.scroll_y = y;
    }

    /// Shows the lanes `filter` lets through (rows rebuilt on the next
    /// refresh).
    pub fn set_filter(&mut self, filter: LaneFilter) {
        self.filter = filter;
        self.invalidate_rows();
    }

    /// Opens the goroutines section and the goroutine groups `groups`
    /// (rows rebuilt on the next refresh).
    pub fn open_groups(&mut self, groups: impl IntoIterator<Item = u32>) {
        self.expansion.sections[Section::Goroutines as usize] = true;
        for gi in groups {
            if let Some(e) = self.expansion.groups.get_mut(gi as usize) {
                *e = true;
            }
        }
        self.invalidate_rows();
    }

    /// Shows the lanes as `expansion` and `filter` say, scrolled to
    /// `scroll_y` (a place the user was).
    pub fn restore_lanes(
        &mut self,
        data: &TraceData,
        expansion: &Expansion,
        filter: &LaneFilter,
        scroll_y: f64,
    ) {
        if self.expansion != *expansion || self.filter != *filter {
            self.expansion = expansion.clone();
            self.filter = filter.clone();
            self.invalidate_rows();
            self.refresh_rows(data);
        }
        self.scroll_y = scroll_y;
    }

    /// Shows `[t0, t1)` across the tracks exactly (no margin): a place
    /// the user was.
    pub fn show_interval(&mut self, t0: Time, t1: Time) {
        self.untouched = false;
        let (left, width) = (self.map.left_px, self.map.width_px);
        self.map = TimeMap::fit(t0, t1, left, width);
    }

    /// Drops the selection and what the pointer was over (the lanes
    /// changed under them).
    pub fn deselect(&mut self) {
        self.selected = None;
        self.overlaps.clear();
        self.frame.hovered = None;
    }

    /// Marks the rows for a rebuild (after an expansion or filter change).
    pub fn invalidate_rows(&mut self) {
        self.rows_dirty = true;
    }

    /// Rebuilds the rows if something changed.
    pub fn refresh_rows(&mut self, data: &TraceData) {
        if self.rows_dirty {
            self.rows = RowList::build(data, &self.expansion, &self.filter);
            self.rows_dirty = false;
            let max = (self.rows.total_h - f64::from(self.frame.lanes_h) * 0.5).max(0.0);
            self.scroll_y = self.scroll_y.clamp(0.0, max);
        }
    }

    /// Toggles a section or group header.
    pub fn toggle(&mut self, kind: RowKind) {
        match kind {
            RowKind::Section(s) => self.expansion.sections[s as usize] ^= true,
            RowKind::Group(g) => {
                if let Some(e) = self.expansion.groups.get_mut(g as usize) {
                    *e ^= true;
                }
            }
            _ => return,
        }
        self.invalidate_rows();
    }

    /// Shows `[t0, t1)` across the track area (with a small margin).
    pub fn zoom_to(&mut self, t0: Time, t1: Time) {
        self.untouched = false;
        let span = (t1 - t0).max(1);
        let margin = span / 20;
        let (left, width) = (self.map.left_px, self.map.width_px);
        self.map = TimeMap::fit(t0 - margin, t1 + margin, left, width);
    }

    /// Shows the whole trace (or the bounds set).
    pub fn fit_all(&mut self, data: &TraceData) {
        let (t0, t1) = self.bounds(data);
        let (left, width) = (self.map.left_px, self.map.width_px);
        self.map = TimeMap::fit(t0, t1, left, width);
    }

    /// Shows the whole trace (or the bounds set) and keeps it whole
    /// while the width settles, as a new timeline does.
    pub fn fit_whole(&mut self, data: &TraceData) {
        self.untouched = true;
        self.fitted_width = self.map.width_px;
        self.fit_all(data);
    }

    /// F: fits the selection (span or range); again (or with none), the whole trace.
    pub fn fit_selection(&mut self, data: &TraceData) {
        let target = if let Some((a, b)) = self.range {
            Some((a, b))
        } else {
            self.selected
                .map(|s| self.span_of(data, s))
                .map(|s| (s.start, s.end))
        };
        match target {
            Some((a, b)) => {
                let before = self.map;
                self.zoom_to(a, b);
                if (self.map.start_ns - before.start_ns).abs() <= 1
                    && (self.map.ns_per_px / before.ns_per_px - 1.0).abs() < 1e-6
                {
                    self.fit_all(data);
                }
            }
            None => self.fit_all(data),
        }
    }

    /// The span behind a selection.
    pub fn span_of(&self, data: &TraceData, s: SelectedSpan) -> crate::model::Span {
        let t = data.lanes();
        t.spans().span(&t.lane(s.g), s.idx as usize)
    }

    /// Selects the span of `g` at time `t` (or its nearest) and computes overlaps.
    pub fn select_at(&mut self, data: &TraceData, g: GIdx, t: Time) {
        let tr = data.lanes();
        let Some(lane) = tr.lanes().get(g) else {
            return;
        };
        if lane.len == 0 {
            return;
        }
        let idx = match tr.spans().at(&lane, t) {
            Some(s) => s.idx,
            None if t < tr.spans().start(lane.first as usize) => lane.first,
            None => lane.first + lane.len - 1,
        };
        self.select(data, SelectedSpan { g, idx });
        let span = self.span_of(data, SelectedSpan { g, idx });
        self.selected_at = t.clamp(span.start, (span.end - 1).max(span.start));
    }

    /// Selects a span and computes which goroutines ran while it lasted.
    pub fn select(&mut self, data: &TraceData, s: SelectedSpan) {
        self.selected = Some(s);
        let span = self.span_of(data, s);
        self.selected_at = span.start + (span.end - span.start) / 2;
        self.overlaps = overlaps(data, s.g, span.start, span.end);
    }

    /// Clears selection, range and task arrows (Esc).
    pub fn clear(&mut self) {
        self.selected = None;
        self.overlaps.clear();
        self.range = None;
        self.task_arrows.clear();
    }

    /// Makes goroutine `g`'s lane visible (opens its group), scrolls to it,
    /// selects its span at `t` and brings `t` into view.
    pub fn go_to(&mut self, data: &TraceData, g: GIdx, t: Time) {
        self.untouched = false;
        let tr = data.whole();
        let Some(group) = tr.goroutines.group(g) else {
            return;
        };
        let sec = &mut self.expansion.sections[Section::Goroutines as usize];
        let mut changed = !*sec;
        *sec = true;
        if let Some(e) = self.expansion.groups.get_mut(group as usize) {
            changed |= !*e;
            *e = true;
        }
        if changed {
            self.invalidate_rows();
        }
        self.refresh_rows(data);
        if self.rows.find_goroutine(g).is_none() && !self.filter.is_empty() {
            // The filter hides it: drop the filter rather than fail to show it.
            self.filter = LaneFilter::default();
            self.invalidate_rows();
            self.refresh_rows(data);
        }
        if let Some(r) = self.rows.find_goroutine(g) {
            let row = self.rows.row(r);
            let lanes_h = f64::from(self.frame.lanes_h);
            let vis = self.scroll_y..self.scroll_y + lanes_h - f64::from(row.h);
            if !vis.contains(&row.y) {
                self.scroll_y = (row.y - lanes_h * 0.4).max(0.0);
            }
        }
        self.select_at(data, g, t);
        if let Some(s) = self.selected {
            let span = self.span_of(data, s);
            let (v0, v1) = (self.map.start_ns, self.map.end_ns());
            if span.end - span.start > (v1 - v0) {
                self.zoom_to(span.start, span.end);
            } else if t < v0 || t > v1 {
                let half = (v1 - v0) / 2;
                self.map.start_ns = t - half;
            }
        }
    }

    /// Shows the rows for the current state; call before painting.
    pub fn prepare(&mut self, data: &TraceData, left_px: f64, width_px: f64) {
        let asked = (self.map.start_ns, self.map.end_ns());
        self.map = self.map.with_screen(left_px, width_px);
        // The first frames settle the panel sizes: keep the whole trace in
        // view until the track width stops changing.
        if !self.initialized || (self.untouched && (width_px - self.fitted_width).abs() > 0.5) {
            if !self.initialized && !self.untouched {
                // A link (from an analysis view) zoomed before the first
                // frame: show the time it asked for on the real width.
                self.map = TimeMap::fit(asked.0, asked.1, left_px, width_px);
            } else {
                self.fit_all(data);
            }
            self.initialized = true;
            self.fitted_width = width_px;
        }
        self.refresh_rows(data);
    }

    /// Screen point at the middle of the visible part of span `idx` of
    /// goroutine `g`, if its lane is in view (tests and the bench).
    pub fn span_screen_pos(&self, data: &TraceData, g: GIdx, idx: u32) -> Option<egui::Pos2> {
        let a = self.frame.areas?;
        let row = self.rows.row(self.rows.find_goroutine(g)?);
        let y = a.screen_y(self, row.y) + row.state_h * 0.5;
        if y < a.tracks.top() || y > a.tracks.bottom() {
            return None;
        }
        let s = self.span_of(data, SelectedSpan { g, idx });
        let x0 = self
            .map
            .x_from_time(s.start)
            .max(f64::from(a.tracks.left()) + 2.0);
        let x1 = self
            .map
            .x_from_time(s.end)
            .min(f64::from(a.tracks.right()) - 2.0);
        (x1 > x0).then(|| egui::pos2(((x0 + x1) / 2.0) as f32, y))
    }

    /// Number of goroutine lanes currently shown.
    pub fn goroutine_rows(&self) -> usize {
        self.rows.goroutine_lanes()
    }
}

/// Goroutines that ran while `[t0, t1)` lasted, from the proc lanes, by
/// overlap, longest first (bounded work: at most 100,000 intervals).
pub fn overlaps(data: &TraceData, g: GIdx, t0: Time, t1: Time) -> Vec<Overlap> {
    let t = data.lanes();
    let mut acc: rustc_hash::FxHashMap<GIdx, (Time, Time)> = rustc_hash::FxHashMap::default();
    let mut budget = 100_000usize;
    for (pi, p) in t.procs().iter().enumerate() {
        let iv = &p.intervals;
        let r = layout::visible_range(
            &layout::Intervals {
                lane: iv,
                coarse: data.proc_coarse(pi),
            },
            t0,
            t1,
        );
        for i in r {
            if budget == 0 {
                break;
            }
            budget -= 1;
            let Some(og) = iv.g(i).filter(|&og| og != g) else {
                continue;
            };
            if iv.kind(i) != crate::model::IntervalKind::Running {
                continue;
            }
            let (s, e) = (iv.start(i), iv.end(i));
            let ov = e.min(t1) - s.max(t0);
            if ov > 0 {
                let e = acc.entry(og).or_insert((0, Time::MAX));
                e.0 += ov;
                e.1 = e.1.min(s.max(t0));
            }
        }
    }
    let mut v: Vec<Overlap> = acc
        .into_iter()
        .map(|(g, (overlap_ns, first_ns))| Overlap {
            g,
            overlap_ns,
            first_ns,
        })
        .collect();
    v.sort_by(|a, b| b.overlap_ns.cmp(&a.overlap_ns).then(a.g.cmp(&b.g)));
    v.truncate(200);
    v
}

/// Per-state time of the span states, for legends.
pub fn state_legend() -> [GoLaneState; 5] {
    GoLaneState::ALL
}
