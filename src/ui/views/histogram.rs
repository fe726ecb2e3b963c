//! Latency histograms drawn as bars (log buckets, five per decade), each
//! bucket a clickable, labelled widget ("bucket 1.000 ms – 1.585 ms: 24")
//! that picks it as a filter.

use crate::analysis::histogram::{bucket_min, TimeHistogram};
use crate::format;
use crate::ui::palette;
use egui::{Rect, Sense, Ui};

/// The text of a bucket: its bounds and count.
pub fn bucket_text(b: usize, count: usize) -> String {
    format!(
        "bucket {} – {}: {}",
        format::duration(bucket_min(b)),
        format::duration(bucket_min(b + 1)),
        format::count(count as u64)
    )
}

/// Draws `h` in a `width` × `height` area; returns the bucket clicked.
/// `selected` is outlined; `id` keeps the bucket widgets apart.
pub fn histogram_ui(
    ui: &mut Ui,
    h: &TimeHistogram,
    selected: Option<usize>,
    width: f32,
    height: f32,
    id: impl std::hash::Hash + std::fmt::Debug + Copy,
) -> Option<usize> {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, height), Sense::hover());
    let range = h.bucket_range();
    let n = range.len();
    let max = h.max_count().max(1) as f32;
    let p = ui.painter().with_clip_rect(rect.intersect(ui.clip_rect()));
    p.rect_filled(rect, 1.0, palette::BAR_BG);
    if n == 0 {
        return None;
    }
    let bw = rect.width() / n as f32;
    let mut clicked = None;
    for (k, b) in range.enumerate() {
        let c = h.buckets.get(b).copied().unwrap_or(0);
        let x0 = rect.left() + k as f32 * bw;
        let col_rect = Rect::from_min_max(
            egui::pos2(x0, rect.top()),
            egui::pos2(x0 + bw, rect.bottom()),
        );
        let bh = if c == 0 {
            0.0
        } else {
            (c as f32 / max).sqrt().max(0.08) * rect.height()
        };
        let bar = Rect::from_min_max(
            egui::pos2(x0 + (bw * 0.08).min(1.0), rect.bottom() - bh),
            egui::pos2(x0 + bw - (bw * 0.08).min(1.0), rect.bottom()),
        );
        let sel = selected == Some(b);
        let r = ui.interact(
            col_rect,
            ui.scope_id().with((id, "bucket", b)),
            Sense::click(),
        );
        let text = bucket_text(b, c);
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &text));
        let colour = if sel || r.hovered() {
            palette::ACCENT
        } else {
            palette::HISTOGRAM
        };
        p.rect_filled(bar, 0.0, colour);
        if sel {
            p.rect_stroke(
                col_rect,
                0.0,
                egui::Stroke::new(1.0, palette::ACCENT),
                egui::StrokeKind::Inside,
            );
        }
        if r.clicked() && c > 0 {
            clicked = Some(b);
        }
        r.on_hover_text(format!("{text}\nclick to list only these"));
    }
    clicked
}

/// The histogram with its first and last bucket bounds written under it.
pub fn labelled_histogram_ui(
    ui: &mut Ui,
    h: &TimeHistogram,
    selected: Option<usize>,
    width: f32,
    height: f32,
    id: impl std::hash::Hash + std::fmt::Debug + Copy,
) -> Option<usize> {
    let mut clicked = None;
    ui.vertical(|ui| {
        clicked = histogram_ui(ui, h, selected, width, height, id);
        let r = h.bucket_range();
        if !r.is_empty() {
            ui.horizontal(|ui| {
                ui.set_width(width);
                ui.weak(format::duration(bucket_min(r.start)));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.weak(format::duration(bucket_min(r.end)));
                });
            });
        }
    });
    clicked
}
