//! Painting the timeline: lane backgrounds, labels, the time axis, span
//! boxes (one mesh for all boxes), counters, the range selection, the time
//! origin, the selected span and the spans overlapping it.

use super::counters;
use super::layout::{
    layout, GcWorkItems, Intervals, LaneSpans, RenderItem, SortedIntervals, StartEnd,
};
use super::rows::{height, Row, RowKind};
use super::{Timeline, AXIS_H};
use crate::format;
use crate::model::{GoLaneState, IntervalKind, IntervalLane};
use crate::trace::Time;
use crate::ui::derived::TraceData;
use crate::ui::timemap::TimeMap;
use crate::ui::{palette, ticks};
use egui::{Align2, Color32, FontId, Mesh, Painter, Pos2, Rect, Shape, Stroke};

/// Screen areas of the timeline.
#[derive(Debug, Clone, Copy)]
pub struct Areas {
    /// The time axis (above the tracks).
    pub axis: Rect,
    /// The lane label column.
    pub labels: Rect,
    /// The track area (right of the labels, under the axis).
    pub tracks: Rect,
}

impl Areas {
    /// Splits the widget rect, with a label column `label_w` wide (kept
    /// between a narrow minimum and 60% of the width).
    pub fn new(full: Rect, label_w: f32) -> Areas {
        let label_w = label_w
            .min(full.width() * 0.6)
            .max(super::MIN_LABEL_W.min(full.width() * 0.5));
        let axis = Rect::from_min_max(
            Pos2::new(full.left() + label_w, full.top()),
            Pos2::new(full.right(), full.top() + AXIS_H),
        );
        let labels = Rect::from_min_max(
            Pos2::new(full.left(), full.top() + AXIS_H),
            Pos2::new(full.left() + label_w, full.bottom()),
        );
        let tracks = Rect::from_min_max(
            Pos2::new(full.left() + label_w, full.top() + AXIS_H),
            full.max,
        );
        Areas {
            axis,
            labels,
            tracks,
        }
    }

    /// Screen y of content y (subtracted in f64: content y is exact past
    /// f32's range, the offset on screen is small).
    pub fn screen_y(&self, tl: &Timeline, y: f64) -> f32 {
        self.tracks.top() + (y - tl.scroll_y) as f32
    }
}

/// Minimum width of a span drawn on its own.
const MIN_PX: f64 = 1.0;

fn font(size: f32) -> FontId {
    FontId::proportional(size)
}

/// Shapes collected during a frame.
struct Canvas {
    mesh: Mesh,
    over: Vec<Shape>,
    ctx: egui::Context,
}

impl Canvas {
    /// A label inside a box, cut with an ellipsis to `max_w` (estimated, no extra layout).
    fn text(&mut self, pos: Pos2, text: String, size: f32, colour: Color32, max_w: f32) {
        let max_chars = (max_w / (size * 0.56)).max(0.0) as usize;
        if max_chars < 2 {
            return;
        }
        let t = format::truncate(&text, max_chars).into_owned();
        let galley = self
            .ctx
            .fonts_mut(|f| f.layout_no_wrap(t, font(size), colour));
        self.over.push(Shape::galley(pos, galley, colour));
    }

    fn rect(&mut self, x0: f64, x1: f64, y0: f32, y1: f32, c: Color32) {
        let (x0, mut x1) = (x0 as f32, x1 as f32);
        if x1 - x0 < 1.0 {
            x1 = x0 + 1.0;
        }
        self.mesh
            .add_colored_rect(Rect::from_min_max(Pos2::new(x0, y0), Pos2::new(x1, y1)), c);
    }
}

/// Paints everything; returns nothing (hover and input are separate).
pub fn paint(painter: &Painter, data: &TraceData, tl: &mut Timeline, a: &Areas) {
    let tr = data.trace();
    let map = tl.map;
    let full = a.labels.union(a.tracks).union(a.axis);
    painter.rect_filled(a.tracks, 0.0, palette::LANE_BG[0]);
    let mut cv = Canvas {
        mesh: Mesh::default(),
        over: Vec::new(),
        ctx: painter.ctx().clone(),
    };
    let ticks = ticks::ticks(&map, tl.origin_ns, 90.0);
    let rows_vis = tl
        .rows
        .visible(tl.scroll_y, tl.scroll_y + f64::from(a.tracks.height()));
    tl.frame.rows_in_view = rows_vis.clone();
    let mut label_shapes: Vec<(Pos2, String, Color32, f32)> = Vec::new();
    let mut triangles: Vec<(Pos2, bool)> = Vec::new();
    let mut items = std::mem::take(&mut tl.frame.items);
    let mut buckets = std::mem::take(&mut tl.frame.buckets);
    for ri in rows_vis {
        let row = tl.rows.row(ri);
        let y0 = a.screen_y(tl, row.y);
        let y1 = y0 + row.h;
        let header = matches!(row.kind, RowKind::Section(_) | RowKind::Group(_));
        let bg = if header {
            palette::HEADER_BG
        } else {
            palette::LANE_BG[ri % 2]
        };
        cv.mesh.add_colored_rect(
            Rect::from_min_max(
                Pos2::new(a.tracks.left(), y0),
                Pos2::new(a.tracks.right(), y1),
            ),
            bg,
        );
        let indent = match row.kind {
            RowKind::Section(_) => 20.0,
            RowKind::Group(_) => 30.0,
            RowKind::Goroutine(_) => 30.0,
            _ => 12.0,
        };
        if let Some(open) = header_open(tl, row.kind) {
            let cx = a.labels.left() + indent - 9.0;
            triangles.push((Pos2::new(cx, y0 + row.h / 2.0), open));
        }
        label_shapes.push((
            Pos2::new(
                a.labels.left() + indent,
                y0 + (row.h.min(20.0) - 14.0) / 2.0,
            ),
            row_label(data, tl, &row),
            if header {
                palette::TEXT
            } else {
                palette::TEXT_DIM
            },
            if header { 12.5 } else { 11.5 },
        ));
        match row.kind {
            RowKind::Gc => paint_ranges(
                &mut cv,
                &mut items,
                &map,
                &data.gc_start,
                &data.gc_end,
                y0 + 2.0,
                y1 - 2.0,
                palette::GC,
                None,
            ),
            RowKind::Stw => {
                paint_ranges(
                    &mut cv,
                    &mut items,
                    &map,
                    &data.stw_start,
                    &data.stw_end,
                    y0 + 2.0,
                    y1 - 2.0,
                    palette::STW,
                    Some(&|i| data.whole().str(data.whole().stw[i].reason).to_string()),
                );
            }
            RowKind::Counter(c) => {
                let r = Rect::from_min_max(
                    Pos2::new(a.tracks.left(), y0 + 2.0),
                    Pos2::new(a.tracks.right(), y1 - 1.0),
                );
                counters::paint_track(
                    c,
                    &data.pyramids,
                    &map,
                    data.whole().meta.end,
                    r,
                    &mut cv.mesh,
                    &mut cv.over,
                    &mut buckets,
                );
            }
            RowKind::Proc(p) => {
                if let Some(lane) = tr.procs.get(p as usize) {
                    paint_intervals(
                        &mut cv,
                        &mut items,
                        data,
                        &map,
                        &lane.intervals,
                        data.proc_coarse(p as usize),
                        y0 + 1.0,
                        y1 - 1.0,
                        true,
                    );
                }
            }
            RowKind::Thread(m) => {
                if let Some(lane) = tr.threads.get(m as usize) {
                    paint_intervals(
                        &mut cv,
                        &mut items,
                        data,
                        &map,
                        &lane.intervals,
                        data.thread_coarse(m as usize),
                        y0 + 1.0,
                        y1 - 1.0,
                        false,
                    );
                }
            }
            RowKind::Goroutine(g) => paint_goroutine(&mut cv, &mut items, data, tl, &row, g, y0),
            RowKind::Section(_) | RowKind::Group(_) => {}
        }
    }
    tl.frame.items = items;
    tl.frame.buckets = buckets;
    // Grid lines under the text, over the lane backgrounds.
    let mut grid = Vec::new();
    for t in &ticks {
        grid.push(Shape::line_segment(
            [
                Pos2::new(t.x as f32, a.tracks.top()),
                Pos2::new(t.x as f32, a.tracks.bottom()),
            ],
            Stroke::new(1.0, palette::GRID),
        ));
    }
    let tracks_painter = painter.with_clip_rect(a.tracks);
    tracks_painter.add(Shape::mesh(cv.mesh));
    tracks_painter.extend(grid);
    tracks_painter.extend(cv.over);
    paint_range_and_origin(&tracks_painter, tl, a);
    // Labels.
    let lp = painter.with_clip_rect(a.labels);
    lp.rect_filled(a.labels, 0.0, palette::LABEL_BG);
    for (pos, text, colour, size) in label_shapes {
        lp.text(pos, Align2::LEFT_TOP, text, font(size), colour);
    }
    for (c, open) in triangles {
        let pts = if open {
            vec![
                Pos2::new(c.x - 4.0, c.y - 2.5),
                Pos2::new(c.x + 4.0, c.y - 2.5),
                Pos2::new(c.x, c.y + 3.0),
            ]
        } else {
            vec![
                Pos2::new(c.x - 2.5, c.y - 4.0),
                Pos2::new(c.x + 3.0, c.y),
                Pos2::new(c.x - 2.5, c.y + 4.0),
            ]
        };
        lp.add(Shape::convex_polygon(pts, palette::TEXT_DIM, Stroke::NONE));
    }
    lp.line_segment(
        [
            Pos2::new(a.labels.right() - 0.5, a.labels.top()),
            Pos2::new(a.labels.right() - 0.5, a.labels.bottom()),
        ],
        Stroke::new(1.0, palette::GRID),
    );
    // Axis.
    let ap = painter.with_clip_rect(a.axis.union(Rect::from_min_max(
        Pos2::new(full.left(), a.axis.top()),
        a.axis.max,
    )));
    ap.rect_filled(
        Rect::from_min_max(Pos2::new(full.left(), a.axis.top()), a.axis.max),
        0.0,
        palette::AXIS_BG,
    );
    ap.text(
        Pos2::new(full.left() + 6.0, a.axis.center().y),
        Align2::LEFT_CENTER,
        format!("view {}", format::duration(map.duration_ns())),
        font(11.5),
        palette::TEXT_DIM,
    );
    let axp = painter.with_clip_rect(a.axis);
    for t in &ticks {
        axp.line_segment(
            [
                Pos2::new(t.x as f32, a.axis.bottom() - 6.0),
                Pos2::new(t.x as f32, a.axis.bottom()),
            ],
            Stroke::new(1.0, palette::TEXT_DIM),
        );
        axp.text(
            Pos2::new(t.x as f32 + 3.0, a.axis.top() + 3.0),
            Align2::LEFT_TOP,
            &t.label,
            font(11.5),
            palette::TEXT,
        );
    }
    if let Some((r0, r1)) = tl.range {
        let (x0, x1) = (map.x_from_time(r0) as f32, map.x_from_time(r1) as f32);
        let mid = ((x0 + x1) / 2.0).clamp(a.axis.left() + 40.0, a.axis.right() - 40.0);
        let text = format::duration(r1 - r0);
        let galley = axp.layout_no_wrap(text, font(12.0), Color32::BLACK);
        let r = Rect::from_center_size(
            Pos2::new(mid, a.axis.center().y),
            galley.size() + egui::vec2(10.0, 2.0),
        );
        axp.rect_filled(r, 3.0, palette::RANGE_EDGE);
        axp.galley(r.min + egui::vec2(5.0, 1.0), galley, Color32::BLACK);
    }
}

/// Whether a header row is open (None for other rows).
fn header_open(tl: &Timeline, kind: RowKind) -> Option<bool> {
    match kind {
        RowKind::Section(s) => Some(tl.expansion.section(s)),
        RowKind::Group(g) => Some(
            tl.expansion
                .groups
                .get(g as usize)
                .copied()
                .unwrap_or(false),
        ),
        _ => None,
    }
}

/// The text of a lane label.
pub fn row_label(data: &TraceData, tl: &Timeline, row: &Row) -> String {
    let _ = tl;
    let tr = data.trace();
    match row.kind {
        RowKind::Section(s) => {
            let n = match s {
                super::rows::Section::Runtime => String::new(),
                super::rows::Section::Procs => format!(" ({})", tr.procs.len()),
                super::rows::Section::Threads => format!(" ({})", tr.threads.len()),
                super::rows::Section::Goroutines => {
                    format!(" ({})", format::count(tr.goroutines.len() as u64))
                }
            };
            format!("{}{n}", s.title())
        }
        RowKind::Gc => "GC".into(),
        RowKind::Stw => "STW".into(),
        RowKind::Counter(c) => c.label().into(),
        RowKind::Proc(p) => tr
            .procs
            .get(p as usize)
            .map_or_else(String::new, |l| format!("Proc {}", l.id)),
        RowKind::Thread(m) => tr
            .threads
            .get(m as usize)
            .map_or_else(String::new, |l| format!("Thread {}", l.id)),
        RowKind::Group(gi) => {
            let Some(g) = tr.groups.get(gi as usize) else {
                return String::new();
            };
            let name = if g.name == 0 {
                "(unnamed)"
            } else {
                tr.str(g.name)
            };
            let total = g.members.len() as u64;
            let count = if u64::from(row.shown) == total {
                format!("×{}", format::count(total))
            } else {
                format!(
                    "×{}/{}",
                    format::count(u64::from(row.shown)),
                    format::count(total)
                )
            };
            format!("{name} {count}")
        }
        RowKind::Goroutine(g) => tr.goroutine_label(g),
    }
}

#[expect(clippy::too_many_arguments, reason = "painting context passed flat")]
fn paint_ranges(
    cv: &mut Canvas,
    items: &mut Vec<RenderItem>,
    map: &TimeMap,
    start: &[Time],
    end: &[Time],
    y0: f32,
    y1: f32,
    colour: Color32,
    label: Option<&dyn Fn(usize) -> String>,
) {
    layout(
        &StartEnd {
            start,
            end,
            coarse: &[],
        },
        map,
        MIN_PX,
        items,
    );
    for it in items.iter() {
        match *it {
            RenderItem::Single { idx, x0, x1 } => {
                cv.rect(x0, x1, y0, y1, colour);
                if let Some(f) = label {
                    if x1 - x0 > 60.0 {
                        cv.text(
                            Pos2::new(x0 as f32 + 3.0, y0),
                            f(idx),
                            10.5,
                            palette::TEXT_ON_SPAN,
                            (x1 - x0) as f32 - 6.0,
                        );
                    }
                }
            }
            RenderItem::Merged { x0, x1, .. } => {
                cv.rect(x0, x1, y0, y1, palette::darken(colour, 0.75))
            }
        }
    }
}

#[expect(clippy::too_many_arguments, reason = "painting context passed flat")]
fn paint_intervals(
    cv: &mut Canvas,
    items: &mut Vec<RenderItem>,
    data: &TraceData,
    map: &TimeMap,
    iv: &IntervalLane,
    coarse: &[Time],
    y0: f32,
    y1: f32,
    labels: bool,
) {
    layout(&Intervals { lane: iv, coarse }, map, MIN_PX, items);
    for it in items.iter() {
        match *it {
            RenderItem::Single { idx, x0, x1 } => {
                let g = iv.g(idx);
                let c = interval_colour(data, iv.kind(idx), g);
                cv.rect(x0, x1, y0, y1, palette::alternate(c, g % 2 == 1));
                if labels && x1 - x0 > 44.0 {
                    let gs = &data.trace().goroutines;
                    let id = if (g as usize) < gs.len() {
                        gs.id(g as usize)
                    } else {
                        0
                    };
                    cv.text(
                        Pos2::new(x0 as f32 + 3.0, y0 + 1.0),
                        format::goroutine(Some(id)),
                        10.5,
                        palette::TEXT_ON_SPAN,
                        (x1 - x0) as f32 - 6.0,
                    );
                }
            }
            RenderItem::Merged {
                longest, x0, x1, ..
            } => {
                let c = interval_colour(data, iv.kind(longest), iv.g(longest));
                cv.rect(x0, x1, y0, y1, palette::darken(c, 0.72));
            }
        }
    }
}

fn interval_colour(data: &TraceData, kind: IntervalKind, g: u32) -> Color32 {
    if kind == IntervalKind::Syscall {
        palette::state(GoLaneState::Syscall)
    } else if data.is_gc_worker(g) {
        palette::GC_WORKER
    } else {
        palette::state(GoLaneState::Running)
    }
}

fn paint_goroutine(
    cv: &mut Canvas,
    items: &mut Vec<RenderItem>,
    data: &TraceData,
    tl: &Timeline,
    row: &Row,
    g: u32,
    y0: f32,
) {
    let tr = data.trace();
    let map = &tl.map;
    let Some(lane) = tr.lanes.get(g) else {
        return;
    };
    let spans = LaneSpans {
        arena: &tr.spans,
        lane,
        coarse: data.lane_coarse(g),
    };
    layout(&spans, map, MIN_PX, items);
    let (sy0, sy1) = (y0 + 1.0, y0 + row.state_h - 1.0);
    let sel = tl.selected.map(|s| (s, tl.span_of(data, s)));
    for it in items.iter() {
        match *it {
            RenderItem::Single { idx, x0, x1 } => {
                let ai = lane.first as usize + idx;
                let sk = tr.spans.kind(ai);
                let state = sk.state;
                cv.rect(x0, x1, sy0, sy1, palette::state(state));
                let w = x1 - x0;
                let mut label = None;
                if let Some((s, ss)) = sel {
                    if s.g != g && matches!(state, GoLaneState::Running | GoLaneState::Syscall) {
                        let ov = spans.end(idx).min(ss.end) - spans.start(idx).max(ss.start);
                        if ov > 0 {
                            let r = Rect::from_min_max(
                                Pos2::new(x0 as f32, sy0),
                                Pos2::new((x1 as f32).max(x0 as f32 + 1.0), sy1),
                            );
                            cv.over.push(Shape::rect_stroke(
                                r,
                                0.0,
                                Stroke::new(1.5, palette::OVERLAP),
                                egui::StrokeKind::Inside,
                            ));
                            label = Some(format!("overlap {}", format::duration(ov)));
                        }
                    } else if s.g == g && s.idx as usize == ai {
                        let r = Rect::from_min_max(
                            Pos2::new(x0 as f32 - 1.0, sy0 - 1.0),
                            Pos2::new((x1 as f32).max(x0 as f32 + 1.0) + 1.0, sy1 + 1.0),
                        );
                        cv.over.push(Shape::rect_stroke(
                            r,
                            0.0,
                            Stroke::new(2.0, palette::SELECTED),
                            egui::StrokeKind::Outside,
                        ));
                    }
                }
                if label.is_none() && w > 70.0 {
                    let reason = tr.reason(sk.reason);
                    label = Some(if reason.is_empty() {
                        state.name().to_string()
                    } else {
                        format!("{}: {reason}", state.name())
                    });
                }
                if let Some(l) = label {
                    if w > 40.0 {
                        cv.text(
                            Pos2::new(x0 as f32 + 3.0, sy0),
                            l,
                            10.5,
                            palette::TEXT_ON_SPAN,
                            w as f32 - 6.0,
                        );
                    }
                }
            }
            RenderItem::Merged {
                longest, x0, x1, ..
            } => {
                let state = tr.spans.state(lane.first as usize + longest);
                cv.rect(x0, x1, sy0, sy1, palette::merged(state));
            }
        }
    }
    let mut y = y0 + row.state_h;
    if row.gc_row {
        let work = tr.gc_work_of(g);
        layout(&GcWorkItems(work), map, MIN_PX, items);
        for it in items.iter() {
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
            cv.rect(x0, x1, y, y + height::GC_ROW - 1.0, c);
        }
        y += height::GC_ROW;
    }
    if row.region_rows > 0 {
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
            cv.rect(x0, x1, ry, ry + height::REGION - 1.0, c);
            if x1 - x0 > 50.0 {
                cv.text(
                    Pos2::new(x0 as f32 + 3.0, ry),
                    tr.str(r.name).to_string(),
                    9.5,
                    palette::TEXT,
                    (x1 - x0) as f32 - 6.0,
                );
            }
        }
    }
    // CPU samples and logs as ticks on the state row.
    let (t0, t1) = (map.start_ns, map.end_ns());
    // N.B. samples and logs are indexed in the whole trace, whatever the
    // lanes are drawn from.
    let whole = data.whole();
    let cpu = data.cpu_of(g);
    let a = cpu.partition_point(|&i| whole.cpu_samples[i as usize].time < t0);
    let b = cpu.partition_point(|&i| whole.cpu_samples[i as usize].time < t1);
    let mut last_x = f64::NEG_INFINITY;
    for &i in &cpu[a..b] {
        let x = map.x_from_time(whole.cpu_samples[i as usize].time);
        if x - last_x >= 2.0 {
            cv.rect(x, x + 1.0, sy1 - 4.0, sy1, palette::CPU_SAMPLE);
            last_x = x;
        }
    }
    let logs = data.logs_of(g);
    let a = logs.partition_point(|&i| whole.logs[i as usize].time < t0);
    let b = logs.partition_point(|&i| whole.logs[i as usize].time < t1);
    let mut last_x = f64::NEG_INFINITY;
    for &i in &logs[a..b] {
        let x = map.x_from_time(whole.logs[i as usize].time);
        if x - last_x >= 3.0 {
            cv.rect(x - 1.0, x + 1.0, sy0, sy0 + 5.0, palette::LOG);
            last_x = x;
        }
    }
}

fn paint_range_and_origin(p: &Painter, tl: &Timeline, a: &Areas) {
    let map = &tl.map;
    if let Some((r0, r1)) = tl.range {
        let (x0, x1) = (map.x_from_time(r0) as f32, map.x_from_time(r1) as f32);
        let r = Rect::from_min_max(
            Pos2::new(x0, a.tracks.top()),
            Pos2::new(x1.max(x0 + 1.0), a.tracks.bottom()),
        );
        p.rect_filled(r, 0.0, palette::RANGE_FILL);
        for x in [x0, x1] {
            p.line_segment(
                [
                    Pos2::new(x, a.tracks.top()),
                    Pos2::new(x, a.tracks.bottom()),
                ],
                Stroke::new(1.0, palette::RANGE_EDGE),
            );
        }
    }
    let ox = map.x_from_time(tl.origin_ns) as f32;
    if ox >= a.tracks.left() && ox <= a.tracks.right() {
        p.line_segment(
            [
                Pos2::new(ox, a.tracks.top()),
                Pos2::new(ox, a.tracks.bottom()),
            ],
            Stroke::new(1.0, palette::ORIGIN),
        );
    }
}
