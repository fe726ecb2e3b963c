//! The differential flame graph of a blocking profile (an icicle: callers
//! on top). A frame is as wide as the larger of its time in A and in B,
//! and coloured by the change: growth red, shrink blue, grey unchanged.
//! Frames narrower than half a point are culled with their subtree.

use crate::analysis::compare::flame::DiffTree;
use crate::analysis::compare::{ChangeKind, Comparison};
use crate::analysis::profiles::ProfileKind;
use crate::format;
use crate::ui::palette;
use egui::{Align2, FontId, Rect, Sense, Ui};

/// Height of a frame row.
const ROW_H: f32 = 18.0;
/// Narrower frames are not drawn, nor their subtrees.
const CULL_W: f32 = 0.5;
/// Wider frames get a label.
const LABEL_MIN_W: f32 = 28.0;
/// Deepest row drawn.
const MAX_ROWS: u16 = 48;

/// A frame laid out.
struct Item {
    node: u32,
    rect: Rect,
}

/// The frames of `t` laid out in `area`, root on the top row.
fn layout(t: &DiffTree, area: Rect) -> Vec<Item> {
    let mut out = Vec::new();
    let mut stack = vec![(0u32, area.left(), area.width())];
    while let Some((i, x, w)) = stack.pop() {
        let n = &t.nodes[i as usize];
        if w < CULL_W || n.depth > MAX_ROWS {
            continue;
        }
        let y = area.top() + f32::from(n.depth) * ROW_H;
        out.push(Item {
            node: i,
            rect: Rect::from_min_size(egui::pos2(x, y), egui::vec2(w, ROW_H - 1.0)),
        });
        let sum: i64 = n
            .children
            .iter()
            .map(|&c| t.nodes[c as usize].weight())
            .sum();
        let scale = w as f64 / n.weight().max(sum).max(1) as f64;
        let mut cx = x;
        for &c in &n.children {
            let cw = (t.nodes[c as usize].weight() as f64 * scale) as f32;
            stack.push((c, cx, cw));
            cx += cw;
        }
    }
    out
}

/// A profile picker and its differential flame graph.
pub(super) fn flame_ui(ui: &mut Ui, c: &Comparison, kind: &mut Option<ProfileKind>) {
    let k = kind.get_or_insert_with(|| {
        // The profile of the largest change at a function, else sync.
        c.changes
            .iter()
            .find_map(|ch| match ch.kind {
                ChangeKind::Profile(k) => Some(k),
                _ => None,
            })
            .unwrap_or(ProfileKind::Sync)
    });
    ui.horizontal(|ui| {
        for p in ProfileKind::ALL {
            ui.selectable_value(k, p, p.title());
        }
    });
    let Some(p) = c.profile(*k) else { return };
    let t = DiffTree::new(p);
    let root = t.root();
    ui.label(format!(
        "{}: {} -> {} ({}); red grew, blue shrank",
        k.title(),
        format::duration(root.a_ns),
        format::duration(root.b_ns),
        format::duration_delta(root.delta_ns())
    ));
    if root.weight() == 0 {
        ui.weak("No waiting of this kind in either trace.");
        return;
    }
    let depth = t
        .nodes
        .iter()
        .map(|n| n.depth)
        .max()
        .unwrap_or(0)
        .min(MAX_ROWS);
    let size = egui::vec2(ui.available_width(), f32::from(depth + 1) * ROW_H);
    let (area, resp) = ui.allocate_exact_size(size, Sense::hover());
    let items = layout(&t, area);
    let painter = ui.painter_at(area);
    let font = FontId::proportional(12.0);
    let mut hovered = None;
    for it in &items {
        let n = &t.nodes[it.node as usize];
        let change = n.delta_ns() as f64 / n.weight().max(1) as f64;
        let fill = palette::diff(change);
        painter.rect_filled(it.rect, 1.0, fill);
        if it.rect.width() >= LABEL_MIN_W {
            let name = if n.depth == 0 { "all" } else { n.func.as_str() };
            let chars = ((it.rect.width() - 6.0) / 7.0).max(1.0) as usize;
            painter.text(
                it.rect.left_center() + egui::vec2(3.0, 0.0),
                Align2::LEFT_CENTER,
                format::truncate(name, chars),
                font.clone(),
                palette::text_on(fill),
            );
        }
        if resp.hover_pos().is_some_and(|p| it.rect.contains(p)) {
            hovered = Some(n);
        }
    }
    if let Some(n) = hovered {
        resp.on_hover_text(format!(
            "{}\nA {}\nB {}\nB - A {}",
            if n.depth == 0 { "all" } else { n.func.as_str() },
            format::duration(n.a_ns),
            format::duration(n.b_ns),
            format::duration_delta(n.delta_ns())
        ));
    }
}
