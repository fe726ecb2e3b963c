//! Painting the content of one lane: runtime ranges (GC, STW), proc and
//! thread intervals, counter tracks and goroutine lanes (state spans with
//! the selection and its overlaps, GC work, regions, CPU samples and
//! logs). Every box goes into one mesh, text and outlines over it.

use super::counters::{self, Bucket, TrackCanvas};
use super::layout::{
    layout, GcWorkItems, Intervals, LaneSpans, RenderItem, SortedIntervals, StartEnd,
};
use super::rows::{height, Row, RowKind};
use super::Timeline;
use crate::format;
use crate::model::{GIdx, GoLaneState, IntervalKind, IntervalLane, LaneRange};
use crate::trace::Time;
use crate::ui::derived::TraceData;
use crate::ui::palette;
use crate::ui::timemap::TimeMap;
use egui::{Color32, FontId, Mesh, Pos2, Rect, Shape, Stroke};

/// Minimum width of a span drawn on its own.
const MIN_PX: f64 = 1.0;

/// The shapes of the lanes of one frame, painted at once: boxes in one
/// mesh, text and outlines over them.
pub struct Canvas {
    /// Every box.
    pub mesh: Mesh,
    /// Text and outlines, over the boxes.
    pub over: Vec<Shape>,
    ctx: egui::Context,
}

impl Canvas {
    /// An empty canvas laying out text with `ctx`'s fonts.
    pub fn new(ctx: egui::Context) -> Canvas {
        Canvas {
            mesh: Mesh::default(),
            over: Vec::new(),
            ctx,
        }
    }

    /// A label inside a box, cut with an ellipsis to `max_w` (estimated, no extra layout).
    fn text(&mut self, pos: Pos2, text: String, size: f32, colour: Color32, max_w: f32) {
        let max_chars = (max_w / (size * 0.56)).max(0.0) as usize;
        if max_chars < 2 {
            return;
        }
        let t = format::truncate(&text, max_chars).into_owned();
        let font = FontId::proportional(size);
        let galley = self.ctx.fonts_mut(|f| f.layout_no_wrap(t, font, colour));
        self.over.push(Shape::galley(pos, galley, colour));
    }

    /// A box from `x0` to `x1` (at least a point wide).
    fn rect(&mut self, x0: f64, x1: f64, y0: f32, y1: f32, c: Color32) {
        let (x0, mut x1) = (x0 as f32, x1 as f32);
        if x1 - x0 < 1.0 {
            x1 = x0 + 1.0;
        }
        self.mesh
            .add_colored_rect(Rect::from_min_max(Pos2::new(x0, y0), Pos2::new(x1, y1)), c);
    }
}

/// What painting the lanes of one frame needs: the canvas, the layout
/// buffers (reused lane after lane), the trace and the view.
pub struct LanePainter<'a> {
    /// The shapes painted so far.
    pub cv: Canvas,
    /// Layout of the current lane.
    pub items: Vec<RenderItem>,
    /// Buckets of the current counter series.
    pub buckets: Vec<Bucket>,
    data: &'a TraceData,
    map: TimeMap,
}

impl<'a> LanePainter<'a> {
    /// A painter of `data` as `map` shows it, with reused buffers.
    pub fn new(
        cv: Canvas,
        data: &'a TraceData,
        map: TimeMap,
        buffers: (Vec<RenderItem>, Vec<Bucket>),
    ) -> LanePainter<'a> {
        LanePainter {
            cv,
            items: buffers.0,
            buckets: buffers.1,
            data,
            map,
        }
    }

    /// Paints the content of `row`, whose top is at screen `y0`, in the
    /// tracks `tracks`.
    pub fn row(&mut self, tl: &Timeline, row: &Row, y0: f32, tracks: Rect) {
        let (data, tr) = (self.data, self.data.lanes());
        let y1 = y0 + row.h;
        match row.kind {
            RowKind::Gc => {
                let band = (y0 + 2.0, y1 - 2.0);
                self.ranges(&data.gc_start, &data.gc_end, band, palette::GC, None);
            }
            RowKind::Stw => {
                let whole = data.whole();
                let reason = |i: usize| whole.str(whole.stw[i].reason).to_string();
                let band = (y0 + 2.0, y1 - 2.0);
                self.ranges(
                    &data.stw_start,
                    &data.stw_end,
                    band,
                    palette::STW,
                    Some(&reason),
                );
            }
            RowKind::Counter(c) => {
                let r = Rect::from_min_max(
                    Pos2::new(tracks.left(), y0 + 2.0),
                    Pos2::new(tracks.right(), y1 - 1.0),
                );
                let out = TrackCanvas {
                    mesh: &mut self.cv.mesh,
                    lines: &mut self.cv.over,
                    buckets: &mut self.buckets,
                };
                let series = counters::series(data.whole());
                let end = data.whole().meta.end;
                counters::paint_track(c, &series, &data.pyramids, end, &self.map, r, out);
            }
            RowKind::Proc(p) => {
                if let Some(lane) = tr.procs().get(p as usize) {
                    let coarse = data.proc_coarse(p as usize);
                    self.intervals(&lane.intervals, coarse, (y0 + 1.0, y1 - 1.0), true);
                }
            }
            RowKind::Thread(m) => {
                if let Some(lane) = tr.threads().get(m as usize) {
                    let coarse = data.thread_coarse(m as usize);
                    self.intervals(&lane.intervals, coarse, (y0 + 1.0, y1 - 1.0), false);
                }
            }
            RowKind::Goroutine(g) => self.goroutine(tl, row, g, y0),
            RowKind::Section(_) | RowKind::Group(_) => {}
        }
    }

    /// Ranges of the whole trace (GC, STW) between `band.0` and `band.1`,
    /// labelled by `label` where wide enough.
    fn ranges(
        &mut self,
        start: &[Time],
        end: &[Time],
        band: (f32, f32),
        colour: Color32,
        label: Option<&dyn Fn(usize) -> String>,
    ) {
        let (y0, y1) = band;
        let lane = StartEnd {
            start,
            end,
            coarse: &[],
        };
        layout(&lane, &self.map, MIN_PX, &mut self.items);
        for it in &self.items {
            match *it {
                RenderItem::Single { idx, x0, x1 } => {
                    self.cv.rect(x0, x1, y0, y1, colour);
                    if let Some(f) = label {
                        if x1 - x0 > 60.0 {
                            let w = (x1 - x0) as f32 - 6.0;
                            let pos = Pos2::new(x0 as f32 + 3.0, y0);
                            self.cv.text(pos, f(idx), 10.5, palette::TEXT_ON_SPAN, w);
                        }
                    }
                }
                RenderItem::Merged { x0, x1, .. } => {
                    self.cv.rect(x0, x1, y0, y1, palette::darken(colour, 0.75));
                }
            }
        }
    }

    /// A proc or thread lane; `labels`: name the goroutine in wide boxes.
    fn intervals(&mut self, iv: &IntervalLane, coarse: &[Time], band: (f32, f32), labels: bool) {
        let (data, (y0, y1)) = (self.data, band);
        layout(
            &Intervals { lane: iv, coarse },
            &self.map,
            MIN_PX,
            &mut self.items,
        );
        for it in &self.items {
            match *it {
                RenderItem::Single { idx, x0, x1 } => {
                    let g = iv.g(idx);
                    let c = interval_colour(data, iv.kind(idx), g);
                    // The runtime's intervals alternate as odd goroutines'.
                    let odd = g.is_none_or(|g| g.ix() % 2 == 1);
                    self.cv.rect(x0, x1, y0, y1, palette::alternate(c, odd));
                    if labels && x1 - x0 > 44.0 {
                        let gs = &data.whole().goroutines;
                        let id = g.and_then(|g| gs.try_id(g)).map_or(0, |id| id.0);
                        let pos = Pos2::new(x0 as f32 + 3.0, y0 + 1.0);
                        let (text, w) = (format::goroutine(Some(id)), (x1 - x0) as f32 - 6.0);
                        self.cv.text(pos, text, 10.5, palette::TEXT_ON_SPAN, w);
                    }
                }
                RenderItem::Merged {
                    longest, x0, x1, ..
                } => {
                    let c = interval_colour(data, iv.kind(longest), iv.g(longest));
                    self.cv.rect(x0, x1, y0, y1, palette::darken(c, 0.72));
                }
            }
        }
    }

    /// A goroutine lane: its state row, then its GC work row and region
    /// rows when it has them, and CPU samples and logs as ticks.
    fn goroutine(&mut self, tl: &Timeline, row: &Row, g: GIdx, y0: f32) {
        let Some(lane) = self.data.lanes().lanes().get(g) else {
            return;
        };
        let state = (y0 + 1.0, y0 + row.state_h - 1.0);
        self.states(tl, g, &lane, state);
        let mut y = y0 + row.state_h;
        if row.gc_row {
            self.gc_work(g, y);
            y += height::GC_ROW;
        }
        if row.region_rows > 0 {
            self.regions(g, y);
        }
        self.samples_and_logs(g, state);
    }

    /// The state spans of goroutine `g` between `band.0` and `band.1`:
    /// the selected span outlined, the spans of other goroutines that ran
    /// at the same time outlined and labelled with the overlap.
    fn states(&mut self, tl: &Timeline, g: GIdx, lane: &LaneRange, band: (f32, f32)) {
        let tr = self.data.lanes();
        let spans = LaneSpans {
            arena: tr.spans(),
            lane: *lane,
            coarse: self.data.lane_coarse(g),
        };
        layout(&spans, &self.map, MIN_PX, &mut self.items);
        let sel = tl.selected.map(|s| (s, tl.span_of(self.data, s)));
        for it in &self.items {
            match *it {
                RenderItem::Single { idx, x0, x1 } => {
                    let ai = lane.first as usize + idx;
                    let sk = tr.spans().kind(ai);
                    self.cv
                        .rect(x0, x1, band.0, band.1, palette::state(sk.state));
                    let mut label = None;
                    if let Some((s, ss)) = sel {
                        let ran = matches!(sk.state, GoLaneState::Running | GoLaneState::Syscall);
                        if s.g != g && ran {
                            let ov = spans.end(idx).min(ss.end) - spans.start(idx).max(ss.start);
                            label = outline_overlap(&mut self.cv, ov, (x0, x1), band);
                        } else if s.g == g && s.idx as usize == ai {
                            outline_selected(&mut self.cv, (x0, x1), band);
                        }
                    }
                    let w = x1 - x0;
                    if label.is_none() && w > 70.0 {
                        let reason = tr.reason(sk.reason);
                        label = Some(if reason.is_empty() {
                            sk.state.name().to_string()
                        } else {
                            format!("{}: {reason}", sk.state.name())
                        });
                    }
                    if let (Some(l), true) = (label, w > 40.0) {
                        let pos = Pos2::new(x0 as f32 + 3.0, band.0);
                        self.cv
                            .text(pos, l, 10.5, palette::TEXT_ON_SPAN, w as f32 - 6.0);
                    }
                }
                RenderItem::Merged {
                    longest, x0, x1, ..
                } => {
                    let state = tr.spans().state(lane.first as usize + longest);
                    self.cv.rect(x0, x1, band.0, band.1, palette::merged(state));
                }
            }
        }
    }

    /// The GC work row of goroutine `g` (mark assists, sweeping) at `y`.
    fn gc_work(&mut self, g: GIdx, y: f32) {
        let work = self.data.lanes().gc_work_of(g);
        layout(&GcWorkItems(work), &self.map, MIN_PX, &mut self.items);
        for it in &self.items {
            let (i, x0, x1) = match *it {
                RenderItem::Single { idx, x0, x1 } => (idx, x0, x1),
                RenderItem::Merged {
                    longest, x0, x1, ..
                } => (longest, x0, x1),
            };
            let c = if work[i].kind == IntervalKind::Sweep {
                palette::SWEEP
            } else {
                palette::MARK_ASSIST
            };
            self.cv.rect(x0, x1, y, y + height::GC_ROW - 1.0, c);
        }
    }

    /// The regions of goroutine `g` in view, one row per depth from `y`.
    fn regions(&mut self, g: GIdx, y: f32) {
        let (tr, map) = (self.data.lanes(), &self.map);
        let (t0, t1) = (map.start_ns, map.end_ns());
        let regs = tr.regions_of(g);
        let end = regs.partition_point(|r| r.start < t1);
        for r in regs[..end].iter().rev().filter(|r| r.end > t0).take(5000) {
            let ry = y + f32::from(r.depth) * height::REGION;
            let (x0, x1) = (
                map.x_from_time(r.start).max(map.left_px - 2.0),
                map.x_from_time(r.end).min(map.left_px + map.width_px + 2.0),
            );
            let c = palette::REGIONS[r.depth as usize % palette::REGIONS.len()];
            self.cv.rect(x0, x1, ry, ry + height::REGION - 1.0, c);
            if x1 - x0 > 50.0 {
                let (pos, w) = (Pos2::new(x0 as f32 + 3.0, ry), (x1 - x0) as f32 - 6.0);
                let name = tr.str(r.name).to_string();
                self.cv.text(pos, name, 9.5, palette::TEXT, w);
            }
        }
    }

    /// CPU samples (at the bottom) and logs (at the top) of goroutine `g`
    /// as ticks on its state row, at most one every few points.
    fn samples_and_logs(&mut self, g: GIdx, band: (f32, f32)) {
        let (t0, t1) = (self.map.start_ns, self.map.end_ns());
        // N.B. samples and logs are indexed in the whole trace, whatever the
        // lanes are drawn from.
        let whole = self.data.whole();
        let cpu = self.data.cpu_of(g);
        let a = cpu.partition_point(|&i| whole.cpu_samples[i as usize].time < t0);
        let b = cpu.partition_point(|&i| whole.cpu_samples[i as usize].time < t1);
        let mut last_x = f64::NEG_INFINITY;
        for &i in &cpu[a..b] {
            let x = self.map.x_from_time(whole.cpu_samples[i as usize].time);
            if x - last_x >= 2.0 {
                self.cv
                    .rect(x, x + 1.0, band.1 - 4.0, band.1, palette::CPU_SAMPLE);
                last_x = x;
            }
        }
        let logs = self.data.logs_of(g);
        let a = logs.partition_point(|&i| whole.logs[i as usize].time < t0);
        let b = logs.partition_point(|&i| whole.logs[i as usize].time < t1);
        let mut last_x = f64::NEG_INFINITY;
        for &i in &logs[a..b] {
            let x = self.map.x_from_time(whole.logs[i as usize].time);
            if x - last_x >= 3.0 {
                self.cv
                    .rect(x - 1.0, x + 1.0, band.0, band.0 + 5.0, palette::LOG);
                last_x = x;
            }
        }
    }
}

/// Outlines a span that ran `overlap_ns` at the same time as the selected
/// one; returns its label, if it overlapped at all.
fn outline_overlap(
    cv: &mut Canvas,
    overlap_ns: Time,
    (x0, x1): (f64, f64),
    band: (f32, f32),
) -> Option<String> {
    if overlap_ns <= 0 {
        return None;
    }
    let r = Rect::from_min_max(
        Pos2::new(x0 as f32, band.0),
        Pos2::new((x1 as f32).max(x0 as f32 + 1.0), band.1),
    );
    cv.over.push(Shape::rect_stroke(
        r,
        0.0,
        Stroke::new(1.5, palette::OVERLAP),
        egui::StrokeKind::Inside,
    ));
    Some(format!("overlap {}", format::duration(overlap_ns)))
}

/// Outlines the selected span.
fn outline_selected(cv: &mut Canvas, (x0, x1): (f64, f64), band: (f32, f32)) {
    let r = Rect::from_min_max(
        Pos2::new(x0 as f32 - 1.0, band.0 - 1.0),
        Pos2::new((x1 as f32).max(x0 as f32 + 1.0) + 1.0, band.1 + 1.0),
    );
    cv.over.push(Shape::rect_stroke(
        r,
        0.0,
        Stroke::new(2.0, palette::SELECTED),
        egui::StrokeKind::Outside,
    ));
}

fn interval_colour(data: &TraceData, kind: IntervalKind, g: Option<GIdx>) -> Color32 {
    if kind == IntervalKind::Syscall {
        palette::state(GoLaneState::Syscall)
    } else if g.is_some_and(|g| data.is_gc_worker(g)) {
        palette::GC_WORKER
    } else {
        palette::state(GoLaneState::Running)
    }
}
