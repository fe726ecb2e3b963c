//! The timeline while a big trace loads: the whole time axis, known
//! from the batch headers before any event is read, and what the model
//! holds so far — GC and STW, the heap and runnable goroutines, what ran
//! on each proc — filling in generation by generation, the part not read
//! yet dimmed.

use super::timemap::TimeMap;
use super::{palette, ticks};
use crate::format;
use crate::model::preview::Preview;
use crate::model::{CounterSeries, GoLaneState, IntervalKind};
use crate::trace::Time;
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Ui};

/// Width of the row labels.
const LABEL_W: f32 = 110.0;
/// Height of a row.
const ROW_H: f32 = 18.0;
/// Height of a counter row.
const COUNTER_H: f32 = 34.0;

/// Draws the preview of a load: the axis from `start` to `end` and what
/// `preview` holds (nothing yet: the axis alone).
pub fn preview_ui(ui: &mut Ui, (start, end): (Time, Time), preview: Option<&Preview>) {
    let procs = preview.map_or(0, |p| p.procs.len());
    let h = 26.0 + 2.0 * ROW_H + 2.0 * COUNTER_H + procs as f32 * ROW_H + 8.0;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(ui.available_width(), h), Sense::hover());
    let left = rect.left() + LABEL_W;
    let pp = PreviewPainter {
        p: ui.painter_at(rect),
        map: TimeMap::fit(
            start,
            end.max(start + 1),
            f64::from(left),
            f64::from(rect.right() - left),
        ),
        rect,
        left,
        font: FontId::proportional(11.0),
    };
    pp.p.rect_filled(rect, 2.0, palette::LANE_BG[0]);
    pp.axis(start);
    let y = rect.top() + 24.0;
    let Some(pv) = preview else {
        pp.label(y, "reading generations…");
        return;
    };
    let y = pp.ranges(y, pv);
    let y = pp.counters(y, pv);
    pp.procs(y, pv);
    // What is not read yet.
    let x = pp.x_of(pv.built_to);
    if x < rect.right() {
        pp.p.rect_filled(
            Rect::from_min_max(Pos2::new(x, rect.top() + 20.0), rect.right_bottom()),
            0.0,
            palette::HATCH,
        );
    }
}

/// Where and how the preview is drawn.
struct PreviewPainter {
    p: egui::Painter,
    map: TimeMap,
    rect: Rect,
    /// Left edge of the tracks (right of the labels).
    left: f32,
    font: FontId,
}

impl PreviewPainter {
    /// Screen x of `t`, kept within the tracks.
    fn x_of(&self, t: Time) -> f32 {
        (self.map.x_from_time(t) as f32).clamp(self.left, self.rect.right())
    }

    /// A row label at `y`.
    fn label(&self, y: f32, text: &str) {
        self.text(Pos2::new(self.rect.left() + 6.0, y + 2.0), text.to_string());
    }

    fn text(&self, pos: Pos2, text: String) {
        self.p.text(
            pos,
            Align2::LEFT_TOP,
            text,
            self.font.clone(),
            palette::TEXT_DIM,
        );
    }

    /// A box from `a` to `b`, `h` high at `y`.
    fn bar(&self, y: f32, h: f32, a: Time, b: Time, c: Color32) {
        let (x0, x1) = (self.x_of(a), self.x_of(b));
        self.p.rect_filled(
            Rect::from_min_max(Pos2::new(x0, y), Pos2::new(x1.max(x0 + 1.0), y + h)),
            0.0,
            c,
        );
    }

    /// Ticks and grid lines, labelled from `start`.
    fn axis(&self, start: Time) {
        for t in ticks::ticks(&self.map, start, 90.0) {
            let x = t.x as f32;
            self.p.line_segment(
                [
                    Pos2::new(x, self.rect.top() + 18.0),
                    Pos2::new(x, self.rect.bottom()),
                ],
                egui::Stroke::new(1.0, palette::GRID),
            );
            self.text(Pos2::new(x + 3.0, self.rect.top() + 3.0), t.label);
        }
    }

    /// The GC and STW rows from `y`; returns the y below them.
    fn ranges(&self, mut y: f32, pv: &Preview) -> f32 {
        for (name, ranges, colour) in [("GC", &pv.gc, palette::GC), ("STW", &pv.stw, palette::STW)]
        {
            self.label(y, name);
            for &(a, b) in ranges {
                self.bar(y + 2.0, ROW_H - 4.0, a, b, colour);
            }
            y += ROW_H;
        }
        y
    }

    /// The heap and runnable goroutines, with their peaks, from `y`;
    /// returns the y below them.
    fn counters(&self, mut y: f32, pv: &Preview) -> f32 {
        let runnable = palette::state(GoLaneState::Runnable);
        for (name, series, colour) in [
            ("heap", &pv.heap, palette::HEAP),
            ("runnable", &pv.runnable, runnable),
        ] {
            self.label(y, name);
            counter(&self.p, series, &self.map, y, colour, self.rect.right());
            if let Some(peak) = (series.peak() > 0.0).then(|| series.peak()) {
                let text = if name == "heap" {
                    format::bytes(peak as u64)
                } else {
                    format!("{peak:.0}")
                };
                self.text(Pos2::new(self.rect.left() + 6.0, y + 16.0), text);
            }
            y += COUNTER_H;
        }
        y
    }

    /// What ran on each proc, one box per pixel at most (the first
    /// interval starting in it), from `y`.
    fn procs(&self, mut y: f32, pv: &Preview) {
        for (id, lane) in &pv.procs {
            self.label(y, &format!("P{id}"));
            let mut last_x = f32::NEG_INFINITY;
            for i in 0..lane.len() {
                let x = self.x_of(lane.start(i));
                if x < last_x + 1.0 {
                    continue;
                }
                last_x = x;
                let c = match lane.kind(i) {
                    IntervalKind::Syscall => palette::state(GoLaneState::Syscall),
                    _ => palette::state(GoLaneState::Running),
                };
                self.bar(y + 2.0, ROW_H - 4.0, lane.start(i), lane.end(i), c);
            }
            y += ROW_H;
        }
    }
}

/// A counter as a step line scaled to its peak so far.
fn counter(p: &egui::Painter, s: &CounterSeries, map: &TimeMap, y: f32, c: Color32, right: f32) {
    let peak = s.peak();
    if peak <= 0.0 || s.is_empty() {
        return;
    }
    let h = COUNTER_H - 6.0;
    let y_of = |v: f64| y + 3.0 + h - (v / peak) as f32 * h;
    let mut pts: Vec<Pos2> = Vec::new();
    let mut last_x = f32::NEG_INFINITY;
    for i in 0..s.len() {
        let x = (map.x_from_time(s.time[i]) as f32).min(right);
        if x < last_x + 1.0 && !pts.is_empty() {
            continue;
        }
        last_x = x;
        if let Some(prev) = pts.last().copied() {
            pts.push(Pos2::new(x, prev.y));
        }
        pts.push(Pos2::new(x, y_of(s.max[i])));
    }
    p.add(egui::Shape::line(pts, egui::Stroke::new(1.2, c)));
}
