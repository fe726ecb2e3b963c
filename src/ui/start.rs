//! The start screen (no trace open): "Open trace…", "Capture…", the drop
//! hint, a box for a path or URL, and the recent files (those gone marked).

use super::palette;
use egui::{RichText, Ui};

/// What the user asked for on the start screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartAction {
    /// Show the file dialog.
    OpenDialog,
    /// Show the capture window.
    Capture,
    /// Open a path or URL.
    Open(String),
    /// Forget a recent entry.
    Forget(String),
}

/// A recent entry and whether its file is gone.
pub type RecentEntry = (String, bool);

/// Shows the start screen.
pub fn start_ui(ui: &mut Ui, recent: &[RecentEntry], location: &mut String) -> Option<StartAction> {
    let mut action = None;
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.12);
        ui.label(RichText::new("gotraceview").size(34.0).strong());
        ui.label(
            RichText::new("A viewer for Go execution traces")
                .size(15.0)
                .color(palette::TEXT_DIM),
        );
        ui.add_space(24.0);
        if ui
            .add(
                egui::Button::new(RichText::new("Open trace…").size(18.0))
                    .min_size(egui::vec2(220.0, 40.0)),
            )
            .on_hover_text("Ctrl+O")
            .clicked()
        {
            action = Some(StartAction::OpenDialog);
        }
        ui.add_space(6.0);
        if ui
            .add(egui::Button::new(RichText::new("Capture…").size(15.0)).min_size(egui::vec2(220.0, 30.0)))
            .on_hover_text("From a running program's /debug/pprof/trace, once or every N seconds; or watch a folder")
            .clicked()
        {
            action = Some(StartAction::Capture);
        }
        ui.add_space(10.0);
        ui.label(RichText::new("or drop trace files onto this window").color(palette::TEXT_DIM));
        ui.add_space(18.0);
        ui.horizontal(|ui| {
            let w = 520.0f32.min(ui.available_width() - 120.0);
            ui.add_space(((ui.available_width() - w - 110.0) / 2.0).max(0.0));
            let r = ui.add(
                egui::TextEdit::singleline(location)
                    .hint_text("path, or http://host:6060/debug/pprof/trace?seconds=5")
                    .desired_width(w),
            );
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Open path / URL").clicked() || enter) && !location.trim().is_empty() {
                action = Some(StartAction::Open(location.trim().to_string()));
            }
        });
        if !recent.is_empty() {
            ui.add_space(24.0);
            ui.label(RichText::new("Recent").strong());
            for (r, missing) in recent {
                ui.horizontal(|ui| {
                    let w = 560.0f32.min(ui.available_width());
                    ui.add_space(((ui.available_width() - w) / 2.0).max(0.0));
                    if *missing {
                        ui.label(RichText::new(r).strikethrough().color(palette::TEXT_DIM))
                            .on_hover_text("This file no longer exists");
                        ui.colored_label(palette::WARNING, "no longer exists");
                        if ui.small_button("Remove").clicked() {
                            action = Some(StartAction::Forget(r.clone()));
                        }
                        return;
                    }
                    if ui.link(r).on_hover_text("Open").clicked() {
                        action = Some(StartAction::Open(r.clone()));
                    }
                    if ui.small_button("x").on_hover_text("Forget").clicked() {
                        action = Some(StartAction::Forget(r.clone()));
                    }
                });
            }
        }
    });
    action
}
