//! Flow arrows of one goroutine (the hovered or the selected one):
//! creation, unblocks labelled with what the target waited for, and
//! syscall exits. Only the flows that touch the view, at most
//! [`MAX_ARROWS`], so a zoomed-out view never draws thousands.

use super::paint::Areas;
use super::Timeline;
use crate::model::{Flow, FlowKind, GIdx};
use crate::ui::derived::TraceData;
use crate::ui::palette;
use egui::{FontId, Painter, Pos2, Shape, Stroke, Vec2};

/// Most arrows drawn at once.
pub const MAX_ARROWS: usize = 64;

/// The flows of `g` that touch the visible time window, nearest first, bounded.
pub fn flows_in_view(data: &TraceData, tl: &Timeline, g: GIdx) -> Vec<Flow> {
    let tr = data.lanes();
    let (t0, t1) = (tl.map.start_ns, tl.map.end_ns());
    let touches = |f: &Flow| f.from_time.min(f.to_time) <= t1 && f.from_time.max(f.to_time) >= t0;
    let mut v: Vec<Flow> = tr
        .flows_into(g)
        .filter(touches)
        .take(MAX_ARROWS * 4)
        .collect();
    v.extend(tr.flows_from(g).filter(touches).take(MAX_ARROWS * 4));
    let mid = (t0 + t1) / 2;
    v.sort_by_key(|f| (f.from_time - mid).abs());
    v.truncate(MAX_ARROWS);
    v
}

/// Paints the arrows of goroutine `g`.
pub fn paint(painter: &Painter, data: &TraceData, tl: &Timeline, a: &Areas, g: GIdx) {
    let tr = data.lanes();
    let p = painter.with_clip_rect(a.tracks);
    let lane_y = |g: Option<GIdx>| -> Option<f32> {
        let r = tl.rows.find_goroutine(g?)?;
        let row = tl.rows.row(r);
        Some(a.screen_y(tl, row.y) + row.state_h * 0.5)
    };
    let clamp_y = |y: f32| y.clamp(a.tracks.top() + 4.0, a.tracks.bottom() - 4.0);
    let font = FontId::proportional(10.5);
    // Labels already drawn: a label that would cover one moves down a line.
    let mut placed: Vec<egui::Rect> = Vec::new();
    for f in flows_in_view(data, tl, g) {
        let colour = palette::flow(f.kind);
        let x0 = tl.map.x_from_time(f.from_time) as f32;
        let x1 = tl.map.x_from_time(f.to_time) as f32;
        let Some(yt) = lane_y(Some(f.to)) else {
            continue;
        };
        let from_itself = f.from == Some(f.to);
        let (ys, from_label) = match (lane_y(f.from), f.from) {
            (Some(y), _) if !from_itself => (y, None),
            _ if f.kind == FlowKind::SyscallExit || from_itself => (yt - 7.0, None),
            (_, None) => (yt - 14.0, Some("runtime".to_string())),
            (_, Some(from)) => {
                // The source lane is not shown: start at the nearest edge.
                let above = tl
                    .rows
                    .find_goroutine(from)
                    .is_none_or(|r| r < tl.frame.rows_in_view.start);
                let y = if above {
                    a.tracks.top() + 4.0
                } else {
                    a.tracks.bottom() - 4.0
                };
                (y, Some(tr.goroutine_label(from)))
            }
        };
        let (s, e) = (
            Pos2::new(x0, clamp_y(ys)),
            Pos2::new(x1.max(x0 + 0.5), clamp_y(yt)),
        );
        p.add(Shape::line_segment([s, e], Stroke::new(1.5, colour)));
        arrow_head(&p, s, e, colour);
        p.circle_filled(s, 2.5, colour);
        let label = match f.kind {
            FlowKind::Create => "go".to_string(),
            FlowKind::Unblock => {
                let r = tr.reason(f.reason);
                if r.is_empty() {
                    "unblock".to_string()
                } else {
                    format!("unblock: {r}")
                }
            }
            FlowKind::SyscallExit => "syscall exit".to_string(),
        };
        let label = match from_label {
            Some(l) => format!("{label} (from {l})"),
            None => label,
        };
        let galley = p.layout_no_wrap(label, font.clone(), colour);
        let mid = Pos2::new((s.x + e.x) / 2.0 + 4.0, (s.y + e.y) / 2.0 - 6.0);
        let Some(bg) = free_label_rect(&placed, mid, galley.size()) else {
            continue;
        };
        placed.push(bg);
        p.rect_filled(bg, 2.0, palette::AXIS_BG.gamma_multiply(0.85));
        p.galley(bg.min + Vec2::splat(1.5), galley, colour);
    }
}

/// Where a label of `size` wanted at `at` goes without covering one of
/// `placed`: moved down a line at a time, at most a few lines (else none).
fn free_label_rect(placed: &[egui::Rect], at: Pos2, size: Vec2) -> Option<egui::Rect> {
    let mut r = egui::Rect::from_min_size(at, size).expand(1.5);
    for _ in 0..6 {
        if !placed.iter().any(|q| q.intersects(r)) {
            return Some(r);
        }
        r = r.translate(Vec2::new(0.0, r.height() + 1.0));
    }
    None
}

fn arrow_head(p: &Painter, s: Pos2, e: Pos2, colour: egui::Color32) {
    let d = (e - s).normalized();
    if !d.x.is_finite() {
        return;
    }
    let n = egui::vec2(-d.y, d.x);
    let a = e - d * 7.0 + n * 3.5;
    let b = e - d * 7.0 - n * 3.5;
    p.add(Shape::convex_polygon(vec![e, a, b], colour, Stroke::NONE));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_that_would_overlap_move_down_or_are_dropped() {
        let size = Vec2::new(80.0, 12.0);
        let mut placed = Vec::new();
        let first = free_label_rect(&placed, Pos2::new(10.0, 10.0), size).unwrap();
        placed.push(first);
        // Same place: one line lower, not covering the first.
        let second = free_label_rect(&placed, Pos2::new(20.0, 12.0), size).unwrap();
        assert!(!second.intersects(first));
        assert!(second.top() > first.top());
        placed.push(second);
        // Far away: where it was asked for.
        let far = free_label_rect(&placed, Pos2::new(500.0, 10.0), size).unwrap();
        assert_eq!(far.min, Pos2::new(498.5, 8.5));
        // A stack of labels at one place ends when no free line is near.
        for _ in 0..10 {
            match free_label_rect(&placed, Pos2::new(10.0, 10.0), size) {
                Some(r) => placed.push(r),
                None => break,
            }
        }
        assert!(placed.len() <= 2 + 6);
        assert!(free_label_rect(&placed, Pos2::new(10.0, 10.0), size).is_none());
    }
}
