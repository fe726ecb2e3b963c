//! The timeline while a trace loads (story 5): the whole time axis, known
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
    let p = ui.painter_at(rect);
    p.rect_filled(rect, 2.0, palette::LANE_BG[0]);
    let left = rect.left() + LABEL_W;
    let map = TimeMap::fit(
        start,
        end.max(start + 1),
        f64::from(left),
        f64::from(rect.right() - left),
    );
    let font = FontId::proportional(11.0);
    for t in ticks::ticks(&map, start, 90.0) {
        let x = t.x as f32;
        p.line_segment(
            [Pos2::new(x, rect.top() + 18.0), Pos2::new(x, rect.bottom())],
            egui::Stroke::new(1.0, palette::GRID),
        );
        p.text(
            Pos2::new(x + 3.0, rect.top() + 3.0),
            Align2::LEFT_TOP,
            t.label,
            font.clone(),
            palette::TEXT_DIM,
        );
    }
    let mut y = rect.top() + 24.0;
    let label = |y: f32, text: &str| {
        p.text(
            Pos2::new(rect.left() + 6.0, y + 2.0),
            Align2::LEFT_TOP,
            text,
            font.clone(),
            palette::TEXT_DIM,
        );
    };
    let x_of = |t: Time| (map.x_from_time(t) as f32).clamp(left, rect.right());
    let bar = |y: f32, h: f32, a: Time, b: Time, c: Color32| {
        let (x0, x1) = (x_of(a), x_of(b));
        p.rect_filled(
            Rect::from_min_max(Pos2::new(x0, y), Pos2::new(x1.max(x0 + 1.0), y + h)),
            0.0,
            c,
        );
    };
    let Some(pv) = preview else {
        label(y, "reading generations…");
        return;
    };
    label(y, "GC");
    for &(a, b) in &pv.gc {
        bar(y + 2.0, ROW_H - 4.0, a, b, palette::GC);
    }
    y += ROW_H;
    label(y, "STW");
    for &(a, b) in &pv.stw {
        bar(y + 2.0, ROW_H - 4.0, a, b, palette::STW);
    }
    y += ROW_H;
    for (name, series, colour) in [
        ("heap", &pv.heap, palette::HEAP),
        (
            "runnable",
            &pv.runnable,
            palette::state(GoLaneState::Runnable),
        ),
    ] {
        label(y, name);
        counter(&p, series, &map, y, colour, rect.right());
        if let Some(peak) = (series.peak() > 0.0).then(|| series.peak()) {
            let text = if name == "heap" {
                format::bytes(peak as u64)
            } else {
                format!("{peak:.0}")
            };
            p.text(
                Pos2::new(rect.left() + 6.0, y + 16.0),
                Align2::LEFT_TOP,
                text,
                font.clone(),
                palette::TEXT_DIM,
            );
        }
        y += COUNTER_H;
    }
    for (id, lane) in &pv.procs {
        label(y, &format!("P{id}"));
        // One box per pixel at most: the first interval starting in it.
        let mut last_x = f32::NEG_INFINITY;
        for i in 0..lane.len() {
            let x = x_of(lane.start(i));
            if x < last_x + 1.0 {
                continue;
            }
            last_x = x;
            let c = match lane.kind(i) {
                IntervalKind::Syscall => palette::state(GoLaneState::Syscall),
                _ => palette::state(GoLaneState::Running),
            };
            bar(y + 2.0, ROW_H - 4.0, lane.start(i), lane.end(i), c);
        }
        y += ROW_H;
    }
    // What is not read yet.
    let x = x_of(pv.built_to);
    if x < rect.right() {
        p.rect_filled(
            Rect::from_min_max(Pos2::new(x, rect.top() + 20.0), rect.right_bottom()),
            0.0,
            palette::HATCH,
        );
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
