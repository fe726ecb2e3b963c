//! The application: tabs of open traces (each loading or loaded), the
//! start screen, opening by every route (command line, drag and drop,
//! Ctrl+O, URL, recent files), errors shown in the window, and the help
//! overlay.

use super::dialog::{FileDialog, Picked};
use super::dirs::AppDirs;
use super::live::{LiveAction, LiveState};
use super::loader::{LoadJob, Source};
use super::recent::RecentFiles;
use super::start::{start_ui, StartAction};
use super::tab::ViewTab;
use super::view::TraceView;
use super::{help, palette};
use crate::format;
use egui::{Key, Modifiers, RichText, Ui};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// A tab: a trace being loaded or a loaded one.
pub enum Tab {
    /// Loading in the background.
    Loading(Box<LoadJob>),
    /// Ready.
    Ready(Box<TraceView>),
}

impl Tab {
    /// The path or URL it was opened from.
    pub fn source_name(&self) -> &str {
        match self {
            Tab::Loading(j) => &j.source_name,
            Tab::Ready(v) => &v.data.loaded.name,
        }
    }

    /// Tab title.
    pub fn title(&self) -> String {
        let name = self.source_name().to_string();
        let short = name
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or(&name)
            .to_string();
        match self {
            Tab::Loading(_) => format!("{short} (loading)"),
            Tab::Ready(_) => short,
        }
    }
}

/// The whole app state.
pub struct GoTraceApp {
    /// Open tabs.
    pub tabs: Vec<Tab>,
    /// Active tab (None: the start screen).
    pub active: Option<usize>,
    /// Recent files.
    pub recent: RecentFiles,
    /// Errors to show (one line each), newest last.
    pub errors: Vec<String>,
    /// An informational message (e.g. no file dialog).
    pub notice: Option<String>,
    /// The help overlay is shown.
    pub help_open: bool,
    /// Text of the path/URL box on the start screen.
    pub location: String,
    /// The view each newly loaded trace opens on (`--tab`).
    pub initial_tab: Option<ViewTab>,
    /// How traces are loaded (`--memory-budget`).
    pub load_options: crate::load::LoadOptions,
    dialog: Option<FileDialog>,
    /// When each of `errors` was shown.
    error_times: Vec<Instant>,
    /// Config and captures directories.
    pub dirs: AppDirs,
    /// Live capture and the watched folder.
    pub live: LiveState,
}

impl GoTraceApp {
    /// An app opening `files` (paths or URLs), with a recent-files list,
    /// keeping nothing across runs (tests; the window uses [`GoTraceApp::with_dirs`]).
    pub fn new(files: &[String], recent: RecentFiles) -> GoTraceApp {
        GoTraceApp::with_dirs(files, recent, AppDirs::ephemeral())
    }

    /// An app opening `files`, keeping bookmarks and source roots in
    /// `dirs.config` and captures in `dirs.captures`.
    pub fn with_dirs(files: &[String], recent: RecentFiles, dirs: AppDirs) -> GoTraceApp {
        let mut app = GoTraceApp {
            tabs: Vec::new(),
            active: None,
            recent,
            errors: Vec::new(),
            notice: None,
            help_open: false,
            location: String::new(),
            initial_tab: None,
            load_options: crate::load::LoadOptions::configured(),
            dialog: None,
            error_times: Vec::new(),
            dirs,
            live: LiveState::default(),
        };
        for f in files {
            app.open(Source::from_arg(f), None);
        }
        app
    }

    /// Starts loading a trace in a new tab and shows it.
    pub fn open(&mut self, src: Source, ctx: Option<&egui::Context>) {
        self.tabs.push(Tab::Loading(Box::new(LoadJob::start(
            src,
            self.load_options,
            ctx.cloned(),
            self.dirs.captures.clone(),
        ))));
        self.active = Some(self.tabs.len() - 1);
    }

    /// The active view: of a loaded trace, or of the first generations of
    /// one still loading.
    pub fn active_view(&mut self) -> Option<&mut TraceView> {
        match self.tabs.get_mut(self.active?)? {
            Tab::Ready(v) => Some(v),
            Tab::Loading(job) => job.early_view(),
        }
    }

    /// Blocks until every load has finished (tests and the bench).
    pub fn wait_loaded(&mut self, timeout: Duration) {
        let deadline = std::time::Instant::now() + timeout;
        while self.tabs.iter().any(|t| matches!(t, Tab::Loading(_)))
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(5));
            self.poll_loads();
        }
    }

    /// Moves finished loads into views and failed ones into the error list.
    pub fn poll_loads(&mut self) {
        let mut i = 0;
        while i < self.tabs.len() {
            let done = match &mut self.tabs[i] {
                Tab::Loading(job) => job.poll().map(|r| {
                    let entry = job.recent_entry.clone();
                    let key = job.content_key.clone();
                    let restore = job.take_restore();
                    (
                        r,
                        job.cancelled(),
                        job.source_name.clone(),
                        entry,
                        (job.started, key, restore),
                    )
                }),
                Tab::Ready(_) => None,
            };
            match done {
                Some((Ok(data), _, _, entry, (started, key, restore))) => {
                    if let Some(e) = entry {
                        self.recent.add(&e);
                    }
                    // Errors of opens before this one are answered by it.
                    self.clear_errors_before(started);
                    let mut v = TraceView::new(data);
                    v.attach(self.dirs.config.clone(), key);
                    v.export_dir = self.dirs.captures.clone();
                    if let Some(t) = self.initial_tab {
                        v.tab = t;
                    }
                    if let Some(s) = restore {
                        v.restore(&s);
                    }
                    self.tabs[i] = Tab::Ready(Box::new(v));
                    i += 1;
                }
                Some((Err(e), cancelled, name, _, _)) => {
                    if cancelled {
                        self.notice = Some(format!("Cancelled loading {name}"));
                    } else {
                        self.push_error(e.to_string());
                    }
                    self.close_tab(i);
                }
                None => i += 1,
            }
        }
    }

    /// Shows an error (one line) until dismissed or answered by a later open.
    pub fn push_error(&mut self, e: String) {
        self.errors.push(e);
        self.error_times.push(Instant::now());
    }

    /// Removes the errors shown before `t`.
    fn clear_errors_before(&mut self, t: Instant) {
        self.error_times.resize(self.errors.len(), t);
        let mut k = 0;
        self.errors.retain(|_| {
            let keep = self.error_times[k] >= t;
            k += 1;
            keep
        });
        self.error_times.retain(|&at| at >= t);
    }

    fn close_tab(&mut self, i: usize) {
        if i >= self.tabs.len() {
            return;
        }
        match &self.tabs[i] {
            Tab::Loading(j) => j.cancel(),
            Tab::Ready(v) => {
                if let Some(t) = &v.data.tiles {
                    t.cancel();
                }
            }
        }
        self.tabs.remove(i);
        self.active = match self.active {
            _ if self.tabs.is_empty() => None,
            Some(a) if a > i => Some(a - 1),
            Some(a) if a == i => Some(a.min(self.tabs.len() - 1)),
            other => other,
        };
    }

    fn open_dialog(&mut self, ctx: &egui::Context) {
        if self.dialog.is_none() {
            self.notice = None;
            self.dialog = Some(FileDialog::open(ctx.clone()));
        }
    }

    fn handle_global_input(&mut self, ctx: &egui::Context) {
        let (open, find, help, dropped, esc) = ctx.input_mut(|i| {
            let typing = false;
            (
                i.consume_key(Modifiers::COMMAND, Key::O),
                i.consume_key(Modifiers::COMMAND, Key::F),
                !typing
                    && (i
                        .events
                        .iter()
                        .any(|e| matches!(e, egui::Event::Text(t) if t == "?"))),
                std::mem::take(&mut i.raw.dropped_files),
                i.key_pressed(Key::Escape),
            )
        });
        let typing = ctx.egui_wants_keyboard_input();
        if open {
            self.open_dialog(ctx);
        }
        if find {
            if let Some(v) = self.active_view() {
                v.open_find();
            }
        }
        if help && !typing {
            self.help_open = !self.help_open;
        }
        if esc && self.help_open {
            self.help_open = false;
        }
        for f in dropped {
            let path = f.path().to_path_buf();
            if !path.as_os_str().is_empty() && path.is_file() {
                self.open(Source::Path(path), Some(ctx));
            } else {
                match f.bytes() {
                    Ok(b) => {
                        let name = format!("dropped:{}", path.display());
                        self.open(
                            Source::Bytes {
                                name,
                                data: b.into(),
                            },
                            Some(ctx),
                        );
                    }
                    Err(e) => self.push_error(format!("{}: {e}", path.display())),
                }
            }
        }
    }

    /// The whole window, one frame.
    pub fn ui_root(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.poll_loads();
        if let Some(d) = &self.dialog {
            if let Some(p) = d.poll() {
                self.dialog = None;
                match p {
                    Picked::Files(files) => {
                        for f in files {
                            self.open(Source::Path(f), Some(&ctx));
                        }
                    }
                    Picked::Cancelled => {}
                    Picked::Unavailable(m) => self.notice = Some(m),
                }
            }
        }
        self.handle_global_input(&ctx);
        let mut actions = self.live.poll(&ctx);
        if self.live.open {
            let captures = self.dirs.captures.clone();
            actions.extend(self.live.window_ui(&ctx, &captures));
        }
        self.live_actions(actions, &ctx);
        if self.tabs.iter().any(|t| matches!(t, Tab::Loading(_))) || self.dialog.is_some() {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
        egui::Panel::top("tabs").show(ui, |ui| self.tab_bar_ui(ui));
        if !self.errors.is_empty() || self.notice.is_some() {
            egui::Panel::top("messages").show(ui, |ui| self.messages_ui(ui));
        }
        egui::CentralPanel::default().show(ui, |ui| self.content_ui(ui));
        help::help_ui(&ctx, &mut self.help_open);
        drop_hint(&ctx);
    }

    /// Does what the capture window and the folder watch asked.
    fn live_actions(&mut self, actions: Vec<LiveAction>, ctx: &egui::Context) {
        for a in actions {
            match a {
                LiveAction::Open(p) => self.open(Source::Path(p), Some(ctx)),
                LiveAction::Retire(p) => {
                    let name = p.display().to_string();
                    if let Some(i) = self.tabs.iter().position(|t| t.source_name() == name) {
                        self.close_tab(i);
                    }
                    let _ = std::fs::remove_file(&p);
                }
                LiveAction::Notice(n) => self.notice = Some(n),
                LiveAction::Error(e) => self.push_error(e),
            }
        }
    }

    fn tab_bar_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.label(RichText::new("gotraceview").strong());
            if ui.button("Open trace…").on_hover_text("Ctrl+O").clicked() {
                let ctx = ui.ctx().clone();
                self.open_dialog(&ctx);
            }
            if ui
                .button("Capture…")
                .on_hover_text("Capture a trace from a running program, or watch a folder")
                .clicked()
            {
                self.live.open = !self.live.open;
            }
            ui.separator();
            if ui
                .selectable_label(self.active.is_none(), "Start")
                .clicked()
            {
                self.active = None;
            }
            let mut close = None;
            for i in 0..self.tabs.len() {
                let title = self.tabs[i].title();
                if ui.selectable_label(self.active == Some(i), title).clicked() {
                    self.active = Some(i);
                }
                if ui.small_button("x").on_hover_text("Close").clicked() {
                    close = Some(i);
                }
            }
            if let Some(i) = close {
                self.close_tab(i);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if let Some(v) = self.active_view() {
                    v.loop_buttons_ui(ui);
                }
            });
        });
    }

    fn messages_ui(&mut self, ui: &mut Ui) {
        let mut dismiss = None;
        for (i, e) in self.errors.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.colored_label(palette::ERROR, format!("Error: {e}"));
                if ui.small_button("x").clicked() {
                    dismiss = Some(i);
                }
            });
        }
        if let Some(i) = dismiss {
            self.errors.remove(i);
            if i < self.error_times.len() {
                self.error_times.remove(i);
            }
        }
        let mut clear_notice = false;
        if let Some(n) = &self.notice {
            ui.horizontal(|ui| {
                ui.colored_label(palette::WARNING, n);
                clear_notice = ui.small_button("x").clicked();
            });
        }
        if clear_notice {
            self.notice = None;
        }
    }

    fn content_ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        let Some(a) = self.active.filter(|&a| a < self.tabs.len()) else {
            let items: Vec<_> = self
                .recent
                .items
                .iter()
                .map(|e| (e.clone(), RecentFiles::is_missing(e)))
                .collect();
            match start_ui(ui, &items, &mut self.location) {
                Some(StartAction::OpenDialog) => self.open_dialog(&ctx),
                Some(StartAction::Capture) => self.live.open = true,
                Some(StartAction::Open(s)) => self.open(Source::from_arg(&s), Some(&ctx)),
                Some(StartAction::Forget(s)) => self.recent.remove(&s),
                None => {}
            }
            return;
        };
        let help = &mut self.help_open;
        match &mut self.tabs[a] {
            Tab::Ready(v) => v.ui(ui, help),
            Tab::Loading(job) => loading_ui(ui, job, help),
        }
        self.reload_if_asked(a, &ctx);
    }

    /// Reads tab `a`'s file again if its view asked, keeping the view.
    fn reload_if_asked(&mut self, a: usize, ctx: &egui::Context) {
        let Some(Tab::Ready(v)) = self.tabs.get_mut(a) else {
            return;
        };
        if !std::mem::take(&mut v.reload_requested) {
            return;
        }
        let Some((path, _)) = v.data.loaded.file.clone() else {
            return;
        };
        if let Some(t) = &v.data.tiles {
            t.cancel();
        }
        let snapshot = v.snapshot();
        let mut job = LoadJob::start(
            Source::Path(path),
            self.load_options,
            Some(ctx.clone()),
            self.dirs.captures.clone(),
        );
        job.restore = Some(Box::new(snapshot));
        self.tabs[a] = Tab::Loading(Box::new(job));
    }
}

fn loading_ui(ui: &mut Ui, job: &mut LoadJob, help: &mut bool) {
    if job.early_view().is_some() {
        // The first generations are loaded: show them, with the progress
        // of the rest above.
        ui.horizontal(|ui| {
            ui.strong(format!("Loading {}", job.source_name));
            load_progress_ui(ui, job);
        });
        if let Some(v) = job.early_view() {
            v.ui(ui, help);
        }
        return;
    }
    if let Some(axis) = job.progress.axis() {
        // The whole time axis is known: draw what is built so far.
        ui.horizontal(|ui| {
            ui.strong(format!("Loading {}", job.source_name));
            load_progress_ui(ui, job);
        });
        ui.add_space(6.0);
        super::preview::preview_ui(ui, axis, job.progress.preview().as_deref());
        return;
    }
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.3);
        ui.heading(format!("Loading {}", job.source_name));
        ui.add_space(8.0);
        if let Some(f) = &job.fetch {
            if !f.done.load(Ordering::Relaxed) {
                let got = f.bytes.load(Ordering::Relaxed);
                let total = f.total.load(Ordering::Relaxed);
                let frac = if total > 0 {
                    got as f32 / total as f32
                } else {
                    0.0
                };
                ui.add(
                    egui::ProgressBar::new(frac)
                        .desired_width(420.0)
                        .animate(total == 0)
                        .text(format!(
                            "downloading: {}{}",
                            format::bytes(got),
                            if total > 0 {
                                format!(" of {}", format::bytes(total))
                            } else {
                                String::new()
                            }
                        )),
                );
                if ui.button("Cancel").clicked() {
                    job.cancel();
                }
                return;
            }
        }
        load_progress_ui(ui, job);
    });
}

/// The load's progress bar, time and Cancel button.
fn load_progress_ui(ui: &mut Ui, job: &LoadJob) {
    let p = &job.progress;
    ui.add(
        egui::ProgressBar::new(p.fraction())
            .desired_width(420.0)
            .show_percentage()
            .text(format!(
                "{} · {} events",
                p.phase().name(),
                format::count(p.events.load(Ordering::Relaxed))
            )),
    );
    ui.weak(format::elapsed(job.started.elapsed()));
    ui.add_space(8.0);
    if ui.button("Cancel").clicked() {
        job.cancel();
    }
}

fn drop_hint(ctx: &egui::Context) {
    let hovering = ctx.input(|i| !i.raw.hovered_files.is_empty());
    if !hovering {
        return;
    }
    let rect = ctx.content_rect();
    let p = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop-hint"),
    ));
    p.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(170));
    p.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        "Drop trace files to open them",
        egui::FontId::proportional(26.0),
        egui::Color32::WHITE,
    );
}

#[cfg(feature = "gui")]
impl eframe::App for GoTraceApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.ui_root(ui);
    }
}
