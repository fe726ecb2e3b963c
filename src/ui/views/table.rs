//! Pieces shared by the analysis tables: sortable headers, right-aligned
//! duration cells, and stacked bars of a time breakdown.

use crate::ui::palette;
use egui::{Color32, RichText, Sense, Ui};

/// Which column a table is sorted by, and in which direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortBy {
    /// Column index (the table's own numbering).
    pub column: usize,
    /// Largest first.
    pub descending: bool,
}

impl SortBy {
    /// Sorted by `column`, largest first.
    pub fn desc(column: usize) -> SortBy {
        SortBy {
            column,
            descending: true,
        }
    }

    /// Orders two values by this sort's direction.
    pub fn order<T: Ord>(self, a: &T, b: &T) -> std::cmp::Ordering {
        if self.descending {
            b.cmp(a)
        } else {
            a.cmp(b)
        }
    }
}

/// A clickable column header: clicking sorts by it, again flips the order.
/// Returns true when the sort changed.
pub fn sort_header_ui(ui: &mut Ui, title: &str, column: usize, sort: &mut SortBy) -> bool {
    let text = RichText::new(title).strong();
    let r = ui
        .add(egui::Button::new(text).frame(false).truncate())
        .on_hover_text(format!("Sort by {title}"));
    if sort.column == column {
        sort_arrow(ui, sort.descending);
    }
    if r.clicked() {
        if sort.column == column {
            sort.descending = !sort.descending;
        } else {
            *sort = SortBy::desc(column);
        }
        return true;
    }
    false
}

/// A small triangle: pointing down for largest first.
fn sort_arrow(ui: &mut Ui, descending: bool) {
    let (r, _) = ui.allocate_exact_size(egui::vec2(9.0, 9.0), Sense::hover());
    let c = r.center();
    let (tip, base) = if descending { (4.0, -3.0) } else { (-4.0, 3.0) };
    let pts = vec![
        egui::pos2(c.x - 4.0, c.y + base),
        egui::pos2(c.x + 4.0, c.y + base),
        egui::pos2(c.x, c.y + tip),
    ];
    ui.painter().add(egui::Shape::convex_polygon(
        pts,
        palette::TEXT_DIM,
        egui::Stroke::NONE,
    ));
}

/// A right-aligned cell.
pub fn right_ui(ui: &mut Ui, text: impl Into<egui::WidgetText>) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        ui.add(egui::Label::new(text).truncate());
    });
}

/// A horizontal bar of segments (value, colour), scaled so that `total`
/// fills `width`; returns the response for a tooltip.
pub fn stacked_bar_ui(
    ui: &mut Ui,
    segments: &[(i64, Color32)],
    total: i64,
    width: f32,
) -> egui::Response {
    let h = (ui.available_height() - 6.0).clamp(6.0, 12.0);
    let (rect, resp) = ui.allocate_exact_size(egui::vec2(width, h), Sense::hover());
    let p = ui.painter();
    p.rect_filled(rect, 1.0, palette::BAR_BG);
    if total > 0 {
        let mut x = rect.left();
        for &(v, c) in segments {
            if v <= 0 {
                continue;
            }
            let w = (v as f64 / total as f64 * f64::from(rect.width())) as f32;
            let r = egui::Rect::from_min_max(
                egui::pos2(x, rect.top()),
                egui::pos2((x + w).min(rect.right()), rect.bottom()),
            );
            p.rect_filled(r, 0.0, c);
            x += w;
        }
    }
    resp
}
