//! Flow arrows of one goroutine (the hovered or the selected one):
//! creation, unblocks labelled with what the target waited for, and
//! syscall exits. Only the flows that touch the view, at most
//! [`MAX_ARROWS`], so a zoomed-out view never draws thousands.

use super::paint::Areas;
use super::Timeline;
use crate::model::{Flow, FlowKind, GIdx, NO_G};
use crate::ui::derived::TraceData;
use crate::ui::palette;
use egui::{Align2, FontId, Painter, Pos2, Shape, Stroke};

/// Most arrows drawn at once.
pub const MAX_ARROWS: usize = 64;

/// The flows of `g` that touch the visible time window, nearest first, bounded.
pub fn flows_in_view(data: &TraceData, tl: &Timeline, g: GIdx) -> Vec<Flow> {
    let tr = data.trace();
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
    let tr = data.trace();
    let p = painter.with_clip_rect(a.tracks);
    let lane_y = |g: GIdx| -> Option<f32> {
        if g == NO_G {
            return None;
        }
        let r = tl.rows.find_goroutine(g)?;
        let row = tl.rows.rows[r];
        Some(a.screen_y(tl, row.y) + row.state_h * 0.5)
    };
    let clamp_y = |y: f32| y.clamp(a.tracks.top() + 4.0, a.tracks.bottom() - 4.0);
    let font = FontId::proportional(10.5);
    for f in flows_in_view(data, tl, g) {
        let colour = palette::flow(f.kind);
        let x0 = tl.map.x_from_time(f.from_time) as f32;
        let x1 = tl.map.x_from_time(f.to_time) as f32;
        let Some(yt) = lane_y(f.to) else { continue };
        let (ys, from_label) = match lane_y(f.from) {
            Some(y) if f.from != f.to => (y, None),
            _ if f.kind == FlowKind::SyscallExit || f.from == f.to => (yt - 7.0, None),
            _ if f.from == NO_G => (yt - 14.0, Some("runtime".to_string())),
            _ => {
                // The source lane is not shown: start at the nearest edge.
                let above = tl
                    .rows
                    .find_goroutine(f.from)
                    .is_none_or(|r| r < tl.rows_in_view.start);
                let y = if above {
                    a.tracks.top() + 4.0
                } else {
                    a.tracks.bottom() - 4.0
                };
                (y, Some(tr.goroutine_label(f.from)))
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
        let mid = Pos2::new((s.x + e.x) / 2.0 + 4.0, (s.y + e.y) / 2.0 - 6.0);
        let galley = p.layout_no_wrap(label, font.clone(), colour);
        let bg = egui::Rect::from_min_size(mid, galley.size()).expand(1.5);
        p.rect_filled(bg, 2.0, palette::AXIS_BG.gamma_multiply(0.85));
        p.galley(mid, galley, colour);
    }
    let _ = Align2::LEFT_TOP;
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
