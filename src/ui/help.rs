//! The `?` overlay: every shortcut and mouse gesture.

use egui::Ui;

/// Shortcuts and gestures, as (keys, what they do).
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("drag", "pan time and scroll lanes"),
    ("Ctrl + wheel", "zoom at the cursor"),
    ("wheel", "scroll lanes (Shift + wheel: pan time)"),
    ("W / S", "zoom in / out"),
    ("A / D", "pan left / right"),
    ("F", "fit the selection; again: the whole trace"),
    ("Home / End", "go to the start / end of the trace"),
    (
        "click",
        "select a span (details on the right); click a header to expand it",
    ),
    (
        "Shift + drag",
        "select a time range: its length and per-state totals",
    ),
    ("right click", "set the time origin (relative time axis)"),
    (
        "drag the labels' edge",
        "widen or narrow the lane label column",
    ),
    ("Esc", "clear the selection and the range"),
    (
        "Alt + Left / Alt + Right",
        "back / forward through jumps (also the mouse's side buttons)",
    ),
    ("M", "bookmark the selection or the view, with a note"),
    (
        "Ctrl + F",
        "find a goroutine (G123), filter lanes by function, state or blocked time",
    ),
    ("Ctrl + O", "open a trace (or drop files onto the window)"),
    (
        "1 … 7",
        "views: timeline, goroutines, profiles, MMU, tasks & regions, CPU, findings",
    ),
    ("?", "show or hide this help"),
];

/// Shows the help window while `open` is true.
pub fn help_ui(ctx: &egui::Context, open: &mut bool) {
    egui::Window::new("Keyboard and mouse")
        .open(open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .show(ctx, |ui: &mut Ui| {
            egui::Grid::new("help-grid").num_columns(2).spacing([24.0, 6.0]).striped(true).show(ui, |ui| {
                for (k, v) in SHORTCUTS {
                    ui.strong(*k);
                    ui.label(*v);
                    ui.end_row();
                }
            });
            ui.add_space(6.0);
            ui.weak("Colours: one per goroutine state, the same in every view (see the legend above the timeline).");
        });
}
