//! The "Capture…" window: the endpoint, duration and repetition of a live
//! capture, its countdown and Stop; and "Watch folder…". What it asks the
//! app to do (open a capture, close an old one, tell the user) comes back
//! as [`LiveAction`]s.

use super::capture::{CaptureEvent, CaptureJob, CaptureSettings, Phase};
use super::watch::FolderWatch;
use crate::format;
use egui::{RichText, Ui};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// What the window asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveAction {
    /// Open this trace in a new tab.
    Open(PathBuf),
    /// Close the tab of this capture and delete the file (beyond the last K).
    Retire(PathBuf),
    /// Tell the user.
    Notice(String),
    /// Show an error.
    Error(String),
}

/// The state of the window, the capture and the watch.
#[derive(Default)]
pub struct LiveState {
    /// The window is shown.
    pub open: bool,
    /// The form.
    pub settings: CaptureSettings,
    /// The capture running.
    pub job: Option<CaptureJob>,
    /// The folder watched.
    pub watch: Option<FolderWatch>,
    /// The folder being typed.
    pub watch_text: String,
}

impl LiveState {
    /// Collects what the capture and the watch produced.
    pub fn poll(&mut self, ctx: &egui::Context) -> Vec<LiveAction> {
        let mut out = Vec::new();
        if let Some(job) = &mut self.job {
            for ev in job.poll() {
                match ev {
                    CaptureEvent::Written(p) => {
                        out.push(LiveAction::Open(p.clone()));
                        out.extend(job.keep(p).into_iter().map(LiveAction::Retire));
                    }
                    CaptureEvent::Failed(e) => out.push(LiveAction::Error(e)),
                }
            }
            if job.phase() != Phase::Finished {
                ctx.request_repaint_after(Duration::from_millis(250));
            }
        }
        if let Some(w) = &self.watch {
            for p in w.poll() {
                let name = p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                out.push(LiveAction::Notice(format!(
                    "New trace in {}: {name}",
                    w.dir.display()
                )));
                out.push(LiveAction::Open(p));
            }
            ctx.request_repaint_after(super::watch::POLL);
        }
        out
    }

    /// Starts capturing into `dir`.
    pub fn start(&mut self, dir: PathBuf, ctx: &egui::Context) {
        if let Some(j) = &self.job {
            j.stop();
        }
        self.job = Some(CaptureJob::start(self.settings.clone(), dir, ctx.clone()));
    }

    /// The window.
    pub fn window_ui(
        &mut self,
        ctx: &egui::Context,
        captures: &std::path::Path,
    ) -> Vec<LiveAction> {
        let mut out = Vec::new();
        let mut open = self.open;
        egui::Window::new("Capture")
            .open(&mut open)
            .collapsible(false)
            .default_width(520.0)
            .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 90.0))
            .show(ctx, |ui| {
                self.capture_ui(ui, captures);
                ui.separator();
                out.extend(self.watch_ui(ui));
            });
        self.open = open;
        out
    }

    fn capture_ui(&mut self, ui: &mut Ui, captures: &std::path::Path) {
        let running = self
            .job
            .as_ref()
            .is_some_and(|j| j.phase() != Phase::Finished);
        ui.strong("From a running program (net/http/pprof)");
        ui.add_enabled_ui(!running, |ui| capture_form_ui(ui, &mut self.settings));
        ui.weak(format!("Saved in {}", captures.display()));
        self.capture_progress_ui(ui);
        ui.horizontal(|ui| {
            if running {
                if ui.button(RichText::new("Stop").strong()).clicked() {
                    if let Some(j) = &self.job {
                        j.stop();
                    }
                }
            } else if ui.button(RichText::new("Start capture").strong()).clicked() {
                self.start(captures.to_path_buf(), ui.ctx());
            }
            if let Some(j) = &self.job {
                ui.weak(format!(
                    "{} kept",
                    format::count_of(j.kept.len() as u64, "capture")
                ));
            }
        });
    }

    /// How far the capture is, or when the next one starts.
    fn capture_progress_ui(&self, ui: &mut Ui) {
        let now = Instant::now();
        match self.job.as_ref().map(|j| (j.phase(), j)) {
            Some((Phase::Capturing { until }, j)) => {
                let left = until.saturating_duration_since(now);
                let total = f32::max(1.0, self.settings.seconds as f32);
                let got = j.progress.bytes.load(Ordering::Relaxed);
                ui.add(
                    egui::ProgressBar::new(1.0 - left.as_secs_f32() / total)
                        .desired_width(420.0)
                        .text(if left.is_zero() {
                            format!("receiving… {}", format::bytes(got))
                        } else {
                            format!("capturing: {} left", format::elapsed(left))
                        }),
                );
            }
            Some((Phase::Waiting { until }, _)) => {
                let left = until.saturating_duration_since(now);
                ui.label(format!("next capture in {}", format::elapsed(left)));
            }
            _ => {}
        }
    }

    fn watch_ui(&mut self, ui: &mut Ui) -> Vec<LiveAction> {
        let mut out = Vec::new();
        ui.strong("Watch a folder");
        ui.weak("Opens each new trace file that appears there (flight recorder snapshots, test reruns).");
        ui.horizontal(|ui| match &self.watch {
            Some(w) => {
                ui.label(format!("watching {}", w.dir.display()));
                if ui.button("Stop watching").clicked() {
                    self.watch = None;
                }
            }
            None => {
                let l = ui.label("Folder");
                ui.add(
                    egui::TextEdit::singleline(&mut self.watch_text)
                        .hint_text("/path/to/folder")
                        .desired_width(320.0),
                )
                .labelled_by(l.id);
                if ui.button("Watch").clicked() {
                    let dir = PathBuf::from(self.watch_text.trim());
                    match FolderWatch::start(dir, ui.ctx().clone()) {
                        Ok(w) => {
                            out.push(LiveAction::Notice(format!(
                                "Watching {} for new traces",
                                w.dir.display()
                            )));
                            self.watch = Some(w);
                        }
                        Err(e) => out.push(LiveAction::Error(e)),
                    }
                }
            }
        });
        out
    }
}

/// The capture's endpoint, duration and repetition.
fn capture_form_ui(ui: &mut Ui, s: &mut CaptureSettings) {
    egui::Grid::new("capture-form")
        .num_columns(2)
        .show(ui, |ui| {
            let l = ui.label("Endpoint");
            ui.add(egui::TextEdit::singleline(&mut s.url).desired_width(380.0))
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label("Duration");
            ui.add(
                egui::DragValue::new(&mut s.seconds)
                    .range(1..=600)
                    .suffix(" s"),
            )
            .labelled_by(l.id);
            ui.end_row();
            ui.label("Repeat");
            ui.horizontal(|ui| {
                let l = ui.checkbox(&mut s.repeat, "every");
                ui.add_enabled(
                    s.repeat,
                    egui::DragValue::new(&mut s.every_s)
                        .range(1..=86_400)
                        .suffix(" s"),
                )
                .labelled_by(l.id);
                let l = ui.label("keeping the last");
                ui.add_enabled(s.repeat, egui::DragValue::new(&mut s.keep).range(1..=50))
                    .labelled_by(l.id);
            });
            ui.end_row();
        });
}
