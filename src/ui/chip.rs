//! The small square of colour that says what a colour means, beside its
//! label: in the legend, the tables, the details, range and Why? panels
//! and the bookmark list. One look everywhere.

use egui::{Color32, Sense, Ui, WidgetText};

/// Side of a chip, in points.
const SIZE: f32 = 10.0;

/// A chip of colour `c`.
pub fn chip_ui(ui: &mut Ui, c: Color32) {
    let (r, _) = ui.allocate_exact_size(egui::vec2(SIZE, SIZE), Sense::hover());
    ui.painter().rect_filled(r, 2.0, c);
}

/// A chip of colour `c` and its label.
pub fn labelled_chip_ui(ui: &mut Ui, c: Color32, label: impl Into<WidgetText>) {
    chip_ui(ui, c);
    ui.label(label);
}
