//! "Export to Perfetto…": writes the whole trace or the selected time
//! range as a Perfetto trace, on a thread (streaming, never blocking the
//! window); says where it went or why it failed.

use super::derived::TraceData;
use super::palette;
use crate::export::{ExportOptions, ExportStats};
use crate::format;
use crate::trace::Time;
use egui::Ui;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc};

/// The export window of a trace view.
#[derive(Default)]
pub struct ExportWindow {
    /// Shown.
    pub open: bool,
    /// Output path being typed.
    pub path: String,
    /// Export only the selected range.
    pub only_range: bool,
    /// The last outcome.
    pub message: Option<Result<String, String>>,
    running: Option<mpsc::Receiver<Result<ExportStats, String>>>,
    cancel: Arc<AtomicBool>,
}

/// `DIR/STEM.pftrace` beside a trace file (or in `fallback` for URLs).
pub fn default_output(trace_name: &str, fallback: &std::path::Path) -> PathBuf {
    let p = std::fs::canonicalize(trace_name).unwrap_or_else(|_| PathBuf::from(trace_name));
    let p = p.as_path();
    let stem = p
        .file_stem()
        .map_or_else(|| "trace".into(), |s| s.to_string_lossy().into_owned());
    let dir = if super::fetch::is_url(trace_name) || !p.is_file() {
        fallback.to_path_buf()
    } else {
        p.parent()
            .map_or_else(|| fallback.to_path_buf(), std::path::Path::to_path_buf)
    };
    dir.join(format!("{stem}.pftrace"))
}

impl ExportWindow {
    /// Opens the window with a default output path.
    pub fn show(&mut self, data: &TraceData, fallback: &std::path::Path, has_range: bool) {
        self.open = true;
        self.only_range = has_range;
        if self.path.is_empty() {
            self.path = default_output(&data.loaded.name, fallback)
                .display()
                .to_string();
        }
    }

    /// Starts writing to `self.path`.
    pub fn start(
        &mut self,
        data: &Arc<TraceData>,
        range: Option<(Time, Time)>,
        ctx: &egui::Context,
    ) {
        let out = PathBuf::from(self.path.trim());
        let opts = ExportOptions {
            name: std::path::Path::new(&data.loaded.name)
                .file_name()
                .map_or_else(
                    || data.loaded.name.clone(),
                    |n| n.to_string_lossy().into_owned(),
                ),
            from_ns: range.map(|r| r.0),
            to_ns: range.map(|r| r.1),
            parts: crate::export::Parts::All,
        };
        let (tx, rx) = mpsc::channel();
        let (d, c, ctx) = (data.clone(), self.cancel.clone(), ctx.clone());
        let spawned = std::thread::Builder::new()
            .name("perfetto-export".into())
            .spawn(move || {
                let res = d
                    .loaded
                    .export_perfetto_file(&opts, &out, &c)
                    .map_err(|m| format!("{}: {m}", out.display()));
                let _ = tx.send(res);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.running = Some(rx);
                self.message = None;
            }
            Err(e) => self.message = Some(Err(format!("cannot start the export: {e}"))),
        }
    }

    /// True while writing.
    pub fn running(&self) -> bool {
        self.running.is_some()
    }

    fn poll(&mut self) {
        let Some(rx) = &self.running else { return };
        if let Ok(res) = rx.try_recv() {
            self.running = None;
            self.message = Some(res.map(|s| {
                format!(
                    "Wrote {} ({}): {} tracks, {} slices, {} flows. Open it at ui.perfetto.dev or with trace_processor.",
                    self.path.trim(),
                    format::bytes(s.bytes),
                    format::count(s.tracks),
                    format::count(s.slices),
                    format::count(s.flows)
                )
            }));
        }
    }

    /// The window.
    pub fn window_ui(
        &mut self,
        ctx: &egui::Context,
        data: &Arc<TraceData>,
        range: Option<(Time, Time)>,
    ) {
        self.poll();
        let mut open = self.open;
        egui::Window::new("Export to Perfetto")
            .open(&mut open)
            .collapsible(false)
            .default_width(520.0)
            .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 90.0))
            .show(ctx, |ui| self.form_ui(ui, data, range));
        self.open = open;
    }

    fn form_ui(&mut self, ui: &mut Ui, data: &Arc<TraceData>, range: Option<(Time, Time)>) {
        ui.horizontal(|ui| {
            let l = ui.label("File");
            ui.add(egui::TextEdit::singleline(&mut self.path).desired_width(400.0))
                .labelled_by(l.id);
        });
        ui.horizontal(|ui| {
            ui.radio_value(&mut self.only_range, false, "Whole trace");
            let label = match range {
                Some((a, b)) => format!("Selected range ({})", format::duration(b - a)),
                None => "Selected range (none: shift+drag on the timeline)".into(),
            };
            ui.add_enabled_ui(range.is_some(), |ui| {
                ui.radio_value(&mut self.only_range, true, label);
            });
        });
        ui.horizontal(|ui| {
            if self.running() {
                ui.spinner();
                ui.label("writing…");
                if ui.button("Cancel").clicked() {
                    self.cancel
                        .store(true, std::sync::atomic::Ordering::Relaxed);
                }
            } else if ui.button("Export").clicked() && !self.path.trim().is_empty() {
                self.cancel = Arc::new(AtomicBool::new(false));
                let r = if self.only_range { range } else { None };
                self.start(data, r, ui.ctx());
            }
        });
        match &self.message {
            Some(Ok(m)) => {
                ui.label(m);
            }
            Some(Err(e)) => {
                ui.colored_label(palette::ERROR, e);
            }
            None => {}
        }
    }
}
