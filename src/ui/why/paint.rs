//! The critical path on the timeline: goroutine lanes off the path under a
//! veil, the path's segments outlined on their lanes, and its hops as
//! arrows from the goroutine waited for to the waiter. Only what touches
//! the view is drawn, with bounded work per frame.

use super::PathView;
use crate::analysis::critical_path::HopKind;
use crate::model::GIdx;
use crate::ui::palette;
use crate::ui::timeline::paint::Areas;
use crate::ui::timeline::rows::RowKind;
use crate::ui::timeline::Timeline;
use egui::{Painter, Pos2, Rect, Shape, Stroke};

/// Most segments and hops drawn in one frame.
const MAX_DRAWN: usize = 4000;

/// Screen y range of goroutine `g`'s state row, if its lane is shown.
fn lane_y(tl: &Timeline, a: &Areas, g: GIdx) -> Option<(f32, f32)> {
    let row = tl.rows().row(tl.rows().find_goroutine(g)?);
    let y0 = a.screen_y(tl, row.y);
    Some((y0 + 1.0, y0 + row.state_h - 1.0))
}

fn veil_off_path(p: &Painter, tl: &Timeline, a: &Areas, pv: &PathView) {
    for ri in tl.last_frame().rows_in_view.clone() {
        let Some(row) = tl.rows().get(ri) else {
            break;
        };
        if let RowKind::Goroutine(g) = row.kind {
            if !pv.is_on_path(g) {
                let y0 = a.screen_y(tl, row.y);
                let r = Rect::from_min_max(
                    Pos2::new(a.tracks.left(), y0),
                    Pos2::new(a.tracks.right(), y0 + row.h),
                );
                p.rect_filled(r, 0.0, palette::PATH_DIM);
            }
        }
    }
}

fn outline_segments(p: &Painter, tl: &Timeline, a: &Areas, pv: &PathView) {
    let (t0, t1) = (tl.map().start_ns, tl.map().end_ns());
    let segs = &pv.path.segments;
    let first = segs.partition_point(|s| s.end_ns <= t0);
    // The last box drawn per lane: narrower neighbours merge into it.
    let mut last: Option<(GIdx, f32)> = None;
    for s in segs[first..]
        .iter()
        .take_while(|s| s.start_ns < t1)
        .take(MAX_DRAWN)
    {
        let Some((y0, y1)) = lane_y(tl, a, s.g) else {
            continue;
        };
        if y1 < a.tracks.top() || y0 > a.tracks.bottom() {
            continue;
        }
        let x0 = (tl.map().x_from_time(s.start_ns) as f32).max(a.tracks.left() - 2.0);
        let x1 = (tl.map().x_from_time(s.end_ns) as f32).min(a.tracks.right() + 2.0);
        if last.is_some_and(|(g, x)| g == s.g && x1 <= x + 1.0) {
            continue;
        }
        last = Some((s.g, x1.max(x0 + 1.0)));
        let r = Rect::from_min_max(
            Pos2::new(x0, y0 - 1.0),
            Pos2::new(x1.max(x0 + 1.0), y1 + 1.0),
        );
        p.rect_stroke(
            r,
            0.0,
            Stroke::new(2.0, palette::PATH),
            egui::StrokeKind::Outside,
        );
    }
}

fn hop_arrows(p: &Painter, tl: &Timeline, a: &Areas, pv: &PathView) {
    let (t0, t1) = (tl.map().start_ns, tl.map().end_ns());
    let hops = &pv.path.hops;
    let first = hops.partition_point(|h| h.time_ns < t0);
    let clamp = |y: f32| y.clamp(a.tracks.top() + 3.0, a.tracks.bottom() - 3.0);
    let mut last_x = f32::NEG_INFINITY;
    for h in hops[first..]
        .iter()
        .take_while(|h| h.time_ns <= t1)
        .take(MAX_DRAWN)
    {
        let x = tl.map().x_from_time(h.time_ns) as f32;
        // Hops closer than 2 px apart would draw one smear: keep the first.
        if x - last_x < 2.0 {
            continue;
        }
        let mid = |g| lane_y(tl, a, g).map(|(y0, y1)| (y0 + y1) / 2.0);
        let (from, to) = match (mid(h.from), mid(h.to)) {
            (Some(f), Some(t)) => (f, t),
            (Some(f), None) => (
                f,
                if f < a.tracks.center().y {
                    a.tracks.bottom()
                } else {
                    a.tracks.top()
                },
            ),
            (None, Some(t)) => (
                if t < a.tracks.center().y {
                    a.tracks.bottom()
                } else {
                    a.tracks.top()
                },
                t,
            ),
            (None, None) => continue,
        };
        let (s, e) = (Pos2::new(x, clamp(from)), Pos2::new(x, clamp(to)));
        if (e.y - s.y).abs() < 2.0 {
            continue;
        }
        last_x = x;
        let stroke = Stroke::new(1.8, palette::PATH_HOP);
        match h.kind {
            HopKind::Unblock(_) => {
                p.line_segment([s, e], stroke);
            }
            HopKind::Create => {
                p.add(Shape::dashed_line(&[s, e], stroke, 4.0, 3.0));
            }
        }
        let dir = if e.y > s.y { 1.0 } else { -1.0 };
        p.add(Shape::convex_polygon(
            vec![
                e,
                Pos2::new(x - 4.0, e.y - 7.0 * dir),
                Pos2::new(x + 4.0, e.y - 7.0 * dir),
            ],
            palette::PATH_HOP,
            Stroke::NONE,
        ));
        p.circle_filled(s, 2.5, palette::PATH_HOP);
    }
}

/// Paints the path over the timeline drawn in the last frame.
pub fn paint_path(painter: &Painter, tl: &Timeline, pv: &PathView) {
    let Some(a) = tl.last_frame().areas else {
        return;
    };
    let p = painter.with_clip_rect(a.tracks);
    veil_off_path(&p, tl, &a, pv);
    outline_segments(&p, tl, &a, pv);
    hop_arrows(&p, tl, &a, pv);
}
