//! Parent and child arrows of the task shown from the tasks view: from the
//! point where the parent task began (its goroutine, its time) to where the
//! task began, and from there to where each child task began. A handful of
//! arrows, drawn only while that task is shown.

use super::paint::Areas;
use super::Timeline;
use crate::model::GIdx;
use crate::trace::Time;
use crate::ui::palette;
use egui::{FontId, Painter, Pos2, Shape, Stroke};

/// Most task arrows kept (a task with more children shows the first ones).
pub const MAX_TASK_ARROWS: usize = 64;

/// One arrow between two task beginnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskArrow {
    /// Goroutine where the arrow starts (None: not known).
    pub from_g: Option<GIdx>,
    /// Time where it starts.
    pub from_t: Time,
    /// Goroutine where it ends (None: not known).
    pub to_g: Option<GIdx>,
    /// Time where it ends.
    pub to_t: Time,
    /// What it links ("child task 12 backend").
    pub label: String,
}

/// Paints the task arrows that touch the view.
pub fn paint(painter: &Painter, tl: &Timeline, a: &Areas) {
    if tl.task_arrows.is_empty() {
        return;
    }
    let p = painter.with_clip_rect(a.tracks);
    let colour = palette::TASK_ARROW;
    let font = FontId::proportional(10.5);
    let (t0, t1) = (tl.map.start_ns, tl.map.end_ns());
    let lane_y = |g: Option<GIdx>, top: bool| -> f32 {
        let shown = g
            .and_then(|g| tl.rows.find_goroutine(g))
            .map(|r| tl.rows.row(r));
        match shown {
            Some(row) => a.screen_y(tl, row.y) + row.state_h * 0.5,
            None if top => a.tracks.top() + 4.0,
            None => a.tracks.bottom() - 4.0,
        }
    };
    for arrow in &tl.task_arrows {
        if arrow.from_t.max(arrow.to_t) < t0 || arrow.from_t.min(arrow.to_t) > t1 {
            continue;
        }
        let x0 = tl.map.x_from_time(arrow.from_t) as f32;
        let x1 = tl.map.x_from_time(arrow.to_t) as f32;
        let (y0, y1) = (lane_y(arrow.from_g, true), lane_y(arrow.to_g, false));
        // On one lane: bow the arrow above it so it does not hide the spans.
        let (s, e) = if (y0 - y1).abs() < 1.0 {
            (
                Pos2::new(x0, y0 - 6.0),
                Pos2::new(x1.max(x0 + 0.5), y1 - 6.0),
            )
        } else {
            (Pos2::new(x0, y0), Pos2::new(x1.max(x0 + 0.5), y1))
        };
        p.add(Shape::dashed_line(
            &[s, e],
            Stroke::new(1.5, colour),
            5.0,
            3.0,
        ));
        let d = (e - s).normalized();
        if d.x.is_finite() {
            let n = egui::vec2(-d.y, d.x);
            p.add(Shape::convex_polygon(
                vec![e, e - d * 7.0 + n * 3.5, e - d * 7.0 - n * 3.5],
                colour,
                Stroke::NONE,
            ));
        }
        p.circle_filled(s, 2.5, colour);
        let at = Pos2::new((s.x + e.x) / 2.0 + 4.0, (s.y + e.y) / 2.0 - 14.0);
        let galley = p.layout_no_wrap(arrow.label.clone(), font.clone(), colour);
        let bg = egui::Rect::from_min_size(at, galley.size()).expand(1.5);
        p.rect_filled(bg, 2.0, palette::AXIS_BG.gamma_multiply(0.85));
        p.galley(at, galley, colour);
    }
}
